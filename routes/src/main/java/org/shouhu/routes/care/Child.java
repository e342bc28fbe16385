package org.shouhu.routes.care;

/**
 * A child on a site's roster. The roster number is what staff type ({@code 到 3 5 7});
 * it never changes for the season.
 */
public record Child(String id, String siteCode, int rosterNo, String name) {

    /** The longest child name accepted: it appears in single-segment SMS. */
    public static final int MAX_NAME = 12;

    /** How staff see the child in lists: {@code 3王小明}. */
    public String label() {
        return rosterNo + name;
    }
}
