package org.shouhu.routes.care;

import java.time.Instant;
import java.util.Map;
import org.shouhu.routes.model.MessageClass;
import org.shouhu.templates.TemplateKey;

/**
 * An alert or a staff broadcast as it is asked for, before anyone has worked out who gets it:
 * written with its alert in one atomic write and expanded into messages behind the answer.
 *
 * @param kind         {@code drowning}, {@code flood}… or {@link Alert#NOTICE} for a staff broadcast
 * @param values       more for the template than the text
 * @param messageClass SAFETY for alerts (any hour, acknowledged with 1); ROUTINE for notices
 */
public record AlertJob(String id, String scope, String kind, String text, TemplateKey template,
                       Map<String, String> values, MessageClass messageClass, Instant createdAt) {
    public AlertJob {
        values = Map.copyOf(values);
    }

    /** The alert record it starts as (recipients unknown until it is expanded). */
    public Alert alert(int recipients) {
        return new Alert(id, scope, kind, text, createdAt, recipients);
    }
}
