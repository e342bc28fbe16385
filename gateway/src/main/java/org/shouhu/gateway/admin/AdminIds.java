package org.shouhu.gateway.admin;

import java.util.List;
import java.util.regex.Pattern;
import org.shouhu.routes.model.Phone;

/**
 * Checks every id an admin call names (site codes, child ids, guardian addresses, staff phones, counties, alert ids),
 * in its path or body, before it reaches a store key: a wrong one is a 400 with the reason, never a Redis error.
 *
 * <p>A path is checked by position, so a new route under the same shapes is covered without a call of its own:
 * {@code sites/{code}/children/{childId}/guardians/{address}}, {@code sites/{code}/staff/{phone}},
 * {@code counties/{county}/…} and {@code alerts/{id}}. An empty segment is left to the router (404).
 */
final class AdminIds {

    /** Child and alert ids as the stores write them ({@code c12}, {@code a-ZT0427-2026-07-15}): never a key separator. */
    private static final Pattern ID = Pattern.compile("[A-Za-z0-9_-]{1,80}");
    /** A chat account: {@code wechat:<openid>}, {@code telegram:<chat id>}. */
    private static final Pattern CHAT_ACCOUNT = Pattern.compile("[a-z]{2,16}:[A-Za-z0-9_-]{1,64}");
    /** A county as coordinators write it ({@code 青山县}, {@code Qingshan County}): letters, digits, spaces, · and -. */
    private static final Pattern COUNTY = Pattern.compile("[\\p{L}\\p{M}\\p{Nd} ·-]{1," + SiteInput.MAX_COUNTY + "}");

    private AdminIds() {
    }

    /** Checks the ids in a path under {@code /api/}, split at {@code /}. */
    static void checkPath(List<String> parts) {
        if (parts.size() < 2 || parts.get(1).isEmpty()) {
            return;
        }
        switch (parts.get(0)) {
            case "sites" -> {
                siteCode(parts.get(1));
                if (parts.size() >= 4 && !parts.get(3).isEmpty()) {
                    switch (parts.get(2)) {
                        case "children" -> {
                            childId(parts.get(3));
                            if (parts.size() >= 6 && parts.get(4).equals("guardians") && !parts.get(5).isEmpty()) {
                                address(parts.get(5));
                            }
                        }
                        case "staff" -> phone("phone", parts.get(3));
                        default -> {
                            // no id of ours at this position
                        }
                    }
                }
            }
            case "counties" -> county(parts.get(1));
            case "alerts" -> alertId(parts.get(1));
            default -> {
                // no ids
            }
        }
    }

    /** A site code, upper-cased ({@link SiteInput#code}). */
    static String siteCode(String typed) {
        return SiteInput.code(typed);
    }

    static String childId(String typed) {
        if (typed == null || !ID.matcher(typed).matches()) {
            throw new InvalidInput("childId", quoted(typed) + " is not a child id: letters, digits, - or _, like c12");
        }
        return typed;
    }

    static String alertId(String typed) {
        if (typed == null || !ID.matcher(typed).matches()) {
            throw new InvalidInput("alert id", quoted(typed) + " is not an alert id: letters, digits, - or _");
        }
        return typed;
    }

    /** A county name, trimmed. */
    static String county(String typed) {
        String county = Typed.of("county", typed).required().text();
        if (!COUNTY.matcher(county).matches()) {
            throw new InvalidInput("county", quoted(county) + " must be 1 to " + SiteInput.MAX_COUNTY
                    + " letters, digits or spaces, like 青山县");
        }
        return county;
    }

    /** A phone number in any form {@link Phone#parse} reads. */
    static Phone phone(String field, String typed) {
        return Phone.parse(typed).orElseThrow(() -> new InvalidInput(field, quoted(typed) + " is not a phone number"));
    }

    /** A guardian's address: a phone number, or a chat account like {@code telegram:12345}. */
    static String address(String typed) {
        String text = typed == null ? "" : typed.strip();
        if (text.contains(":")) {
            if (!CHAT_ACCOUNT.matcher(text).matches()) {
                throw new InvalidInput("address", quoted(text)
                        + " is not a phone number or a chat account like telegram:12345");
            }
            return text;
        }
        return phone("address", text).e164();
    }

    /** An alert's scope: {@code city}, {@code county:<name>} or {@code site:<code>}, with a well-formed name or code. */
    static String scope(String typed) {
        String scope = Typed.of("scope", typed).required().text();
        if (scope.startsWith("county:")) {
            return "county:" + county(scope.substring("county:".length()));
        }
        if (scope.startsWith("site:")) {
            return "site:" + siteCode(scope.substring("site:".length()));
        }
        if (!scope.equals("city")) {
            throw new InvalidInput("scope", quoted(scope) + " is not city, county:<name> or site:<code>");
        }
        return scope;
    }

    private static String quoted(String typed) {
        return "\"" + (typed == null ? "" : typed) + "\"";
    }
}
