package org.shouhu.gateway.console;

/** What a person is in the console, from the roster: the lowest role sees one site, the highest the whole city. */
public enum Role {
    VOLUNTEER("志愿者"),
    CAPTAIN("队长"),
    COORDINATOR("区县协调员"),
    CITY_ADMIN("市级管理员");

    private final String label;

    Role(String label) {
        this.label = label;
    }

    /** The role's name as the pages show it. */
    public String label() {
        return label;
    }
}
