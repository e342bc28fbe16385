package org.shouhu.gateway.channel.aliyun;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.Collections;
import java.util.EnumMap;
import java.util.LinkedHashSet;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.shouhu.templates.TemplateKey;

/**
 * The variables of each message kind's SMS template ({@code {{child}}}, and the names of its optional parts,
 * {@code {{#by}}}), read once from the templates module: an Aliyun template is registered with exactly these, so
 * TemplateParam carries exactly these — a value the message has beyond them is left out, one it lacks is sent empty
 * (as the SMS text renders it).
 */
final class TemplateVariables {

    private static final Pattern VARIABLE = Pattern.compile("\\{\\{[#^]?\\s*([A-Za-z0-9_]+)\\s*}}");
    private static final Map<TemplateKey, Set<String>> ALL = read();

    private TemplateVariables() {
    }

    /** The kind's variables in the order they first appear in its template. */
    static Set<String> of(TemplateKey key) {
        return ALL.get(key);
    }

    /** The values Aliyun gets for a message: each of its kind's variables, from {@code params} or empty. */
    static Map<String, String> values(TemplateKey key, Map<String, String> params) {
        Map<String, String> values = new TreeMap<>();
        for (String name : of(key)) {
            String value = params == null ? null : params.get(name);
            values.put(name, value == null ? "" : value);
        }
        return values;
    }

    private static Map<TemplateKey, Set<String>> read() {
        Map<TemplateKey, Set<String>> all = new EnumMap<>(TemplateKey.class);
        for (TemplateKey key : TemplateKey.values()) {
            String file = "shouhu/templates/zh-CN/sms/" + key.fileName() + ".mustache";
            try (InputStream in = TemplateKey.class.getClassLoader().getResourceAsStream(file)) {
                if (in == null) {
                    throw new IllegalStateException("no SMS template " + file);
                }
                Matcher m = VARIABLE.matcher(new String(in.readAllBytes(), StandardCharsets.UTF_8));
                Set<String> names = new LinkedHashSet<>();
                while (m.find()) {
                    names.add(m.group(1));
                }
                all.put(key, Collections.unmodifiableSet(names));
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
        return all;
    }
}
