package org.shouhu.routes.care;

import java.time.LocalTime;

/**
 * A care site (托管点): its code (what guardians type in {@code DJ 王小明 ZT0427}), its name as SMS
 * show it, its county and its daily hours.
 */
public record Site(String code, String name, String county, LocalTime opens, LocalTime closes) {

    /** The longest site name accepted: it appears in single-segment SMS. */
    public static final int MAX_NAME = 16;
}
