package org.shouhu.gateway.admin;

import java.time.LocalTime;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.shouhu.routes.care.CareDay;
import org.shouhu.routes.care.Site;

/**
 * A care site as a coordinator enters it, checked: the code guardians type, a name short enough for
 * one SMS, the county and opening hours that make sense.
 */
public record SiteInput(String code, String name, String county, LocalTime opens, LocalTime closes) {

    /** The longest county name accepted. */
    public static final int MAX_COUNTY = 20;

    private static final Pattern CODE = Pattern.compile("[A-Z0-9]{2,16}");
    private static final Pattern TIME = Pattern.compile("([01]?\\d|2[0-3]):([0-5]\\d)");

    /**
     * Reads a site from what was typed.
     *
     * @throws InvalidInput naming the first field that is missing or wrong
     */
    public static SiteInput parse(String code, String name, String county, String opens, String closes) {
        String siteCode = code(code);
        String siteName = Typed.of("name", name).required().atMost(Site.MAX_NAME).text();
        String siteCounty = Typed.of("county", county).required().atMost(MAX_COUNTY).text();
        LocalTime open = time("opens", opens);
        LocalTime close = time("closes", closes);
        if (!open.isBefore(close)) {
            throw new InvalidInput("closes", CareDay.format(close) + " must be later than opens " + CareDay.format(open));
        }
        return new SiteInput(siteCode, siteName, siteCounty, open, close);
    }

    /**
     * A site code as guardians type it in {@code DJ 王小明 ZT0427}: 2 to 16 ASCII letters or digits,
     * returned upper-cased.
     *
     * @throws InvalidInput (field {@code code}) when it is not one
     */
    public static String code(String typed) {
        Typed code = Typed.of("code", typed).required();
        String upper = code.text().toUpperCase(Locale.ROOT);
        if (!CODE.matcher(upper).matches()) {
            throw code.invalid("must be 2 to 16 letters or digits, like ZT0427");
        }
        return upper;
    }

    /** A time of day written {@code 08:30} (or {@code 8:30}). */
    private static LocalTime time(String field, String typed) {
        Typed time = Typed.of(field, typed).required();
        Matcher m = TIME.matcher(time.text());
        if (!m.matches()) {
            throw time.invalid("is not a time like 08:30");
        }
        return LocalTime.of(Integer.parseInt(m.group(1)), Integer.parseInt(m.group(2)));
    }

    public Site toSite() {
        return new Site(code, name, county, opens, closes);
    }
}
