package org.shouhu.gateway.admin;

import java.util.Map;
import java.util.regex.Pattern;
import org.shouhu.gateway.console.Viewer;
import org.shouhu.routes.care.Alert;
import org.shouhu.routes.care.AlertJob;
import org.shouhu.routes.care.Alerts;
import org.shouhu.routes.care.SafetyService;
import org.shouhu.routes.care.NoticeContent;
import org.shouhu.routes.model.MessageClass;
import org.shouhu.routes.port.CareStore;
import org.shouhu.templates.SmsLength;
import org.shouhu.templates.TemplateKey;

/**
 * Asking for a safety alert, the one code path of {@code POST /api/alerts} and the console's
 * alert composer: the scope, kind and text checked, who may alert where, and the alert started
 * once per request id.
 */
public final class AlertRequests {

    /** A console's own id for one alert it asks for, so that asking again (the answer was lost) sends nothing twice. */
    private static final Pattern REQUEST_ID = Pattern.compile("[A-Za-z0-9_-]{8,64}");
    /** The longest alert text: what the alert template's segments hold, less its own words. */
    public static final int ALERT_MAX = SmsLength.ucs2Capacity(TemplateKey.ALERT.maxSegments()) - 20;

    private final Alerts alerts;
    private final SafetyService service;
    private final CareStore care;

    public AlertRequests(Alerts alerts, SafetyService service, CareStore care) {
        this.alerts = alerts;
        this.service = service;
        this.care = care;
    }

    /** An alert as started: {@code repeated} when its request id had started it before (nothing sent again). */
    public record Started(Alert alert, boolean repeated) {
    }

    /** A well-formed scope ({@code city}, {@code county:<name>}, {@code site:<code>}) from what was typed. */
    public static String scope(String typed) {
        return AdminIds.scope(typed);
    }

    /** Whether this person may alert {@code scope}: a city admin anywhere, a coordinator within their county. */
    public boolean mayAlert(Viewer v, String scope) {
        if (v.isCity()) {
            return true;
        }
        return !v.isStaff() && withinCounty(care, v.county(), scope);
    }

    /** Whether an alert's scope ({@code county:X}, {@code site:CODE}) lies in the county; the city's does not. */
    static boolean withinCounty(CareStore care, String county, String scope) {
        if (scope == null || county == null) {
            return false;
        }
        if (scope.startsWith("county:")) {
            return scope.substring("county:".length()).equals(county);
        }
        if (scope.startsWith("site:")) {
            return care.site(scope.substring("site:".length())).map(s -> s.county().equals(county)).orElse(false);
        }
        return false;
    }

    /**
     * Starts an alert: answered as soon as the alert and its job are written; the recipients are
     * worked out and the messages queued behind the answer. With a request id, asking again sends
     * nothing and answers with the alert started the first time.
     *
     * @throws InvalidInput a field the rules refuse (400)
     * @throws ApiRefusal   404 when no site is in scope, 409 when the request id started another alert
     */
    public Started start(String typedScope, String typedKind, String typedText, String requestId) {
        if (requestId != null && !REQUEST_ID.matcher(requestId).matches()) {
            throw new InvalidInput("requestId", "must be 8 to 64 letters, digits, - or _");
        }
        String scope = scope(typedScope);
        if (alerts.isEmptyScope(scope)) {
            throw new ApiRefusal(404, "no site is in scope " + scope);
        }
        String kind = Typed.of("kind", typedKind).text();
        kind = kind.isEmpty() ? "drowning" : kind;
        if (kind.equals(Alert.NOTICE)) {
            throw new InvalidInput("kind", "\"notice\" is a staff broadcast's kind; give the alert another");
        }
        String text = typedText == null ? "" : typedText.strip(); // as written: full-width punctuation stays
        if (text.isEmpty()) {
            throw new InvalidInput("text", "is required");
        }
        if (text.length() > ALERT_MAX) {
            throw new InvalidInput("text", "is " + text.length() + " characters; an alert SMS holds at most " + ALERT_MAX);
        }
        if (NoticeContent.hasWebAddress(text)) {
            throw new InvalidInput("text", "SMS must not carry web addresses; write the words only");
        }
        if (NoticeContent.hasPhoneNumber(text)) {
            throw new InvalidInput("text", "SMS to every family must not carry a phone number; write the words only");
        }
        String id = requestId == null ? alerts.newId() : "a-req-" + requestId;
        Alerts.Started started = alerts.start(new AlertJob(id, scope, kind, text, TemplateKey.ALERT, Map.of(),
                MessageClass.SAFETY, service.clockNow()));
        Alert alert = started.alert();
        if (started.repeated() && !(alert.scope().equals(scope) && alert.kind().equals(kind) && alert.text().equals(text))) {
            throw new ApiRefusal(409, "requestId " + requestId + " was used for another alert (" + alert.scope()
                    + "): give this one its own requestId");
        }
        return new Started(alert, started.repeated());
    }
}
