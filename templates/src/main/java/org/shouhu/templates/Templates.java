package org.shouhu.templates;

import com.github.mustachejava.DefaultMustacheFactory;
import com.github.mustachejava.Mustache;
import com.github.mustachejava.MustacheFactory;
import com.github.mustachejava.MustacheNotFoundException;
import java.io.IOException;
import java.io.StringWriter;
import java.io.UncheckedIOException;
import java.io.Writer;
import java.util.EnumMap;
import java.util.Map;

/**
 * Renders message texts from the Mustache templates under {@code shouhu/templates/{locale}/{flavor}/}
 * on the classpath ({@code sms}: short and plain; {@code chat}: richer, falling back to sms). All templates of a flavor are compiled when it is loaded, so a missing one
 * fails at start, not at the first message. Values are inserted as they are (no HTML escaping).
 */
public final class Templates {

    /** The flavor of texts for SMS: short, plain, digits first. */
    public static final String SMS = "sms";

    private final Map<TemplateKey, Mustache> compiled = new EnumMap<>(TemplateKey.class);

    private Templates(String locale, String flavor, String fallback) {
        MustacheFactory factory = new RawMustacheFactory("shouhu/templates/" + locale + "/" + flavor);
        MustacheFactory fallbackFactory = fallback == null ? null
                : new RawMustacheFactory("shouhu/templates/" + locale + "/" + fallback);
        for (TemplateKey key : TemplateKey.values()) {
            String file = key.fileName() + ".mustache";
            try {
                compiled.put(key, factory.compile(file));
            } catch (MustacheNotFoundException missing) {
                if (fallbackFactory == null) {
                    throw missing;
                }
                compiled.put(key, fallbackFactory.compile(file));
            }
        }
    }

    /** The flavor of texts for chat apps (WeChat, Telegram, WhatsApp): richer wording, no signature. */
    public static final String CHAT = "chat";

    /** The zh-CN SMS texts. */
    public static Templates smsZh() {
        return new Templates("zh-CN", SMS, null);
    }

    /** The zh-CN chat texts; a message without a chat wording of its own uses its SMS text. */
    public static Templates chatZh() {
        return new Templates("zh-CN", CHAT, SMS);
    }

    /** Renders a template; a missing value renders as nothing, a present one switches its {{#section}} on. */
    public String render(TemplateKey key, Map<String, String> values) {
        StringWriter out = new StringWriter(96);
        compiled.get(key).execute(out, values);
        return out.toString().strip();
    }

    /** A Mustache factory that writes values unescaped, as a text message needs. */
    private static final class RawMustacheFactory extends DefaultMustacheFactory {
        RawMustacheFactory(String resourceRoot) {
            super(resourceRoot);
        }

        @Override
        public void encode(String value, Writer writer) {
            try {
                writer.write(value);
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
    }
}
