package org.shouhu.gateway.importer;

/** What an import wrote: how many sites (new or updated), staff members and children. */
public record ImportResult(int sites, int staff, int children) {

    /** The summary the CLI prints: {@code imported 3 sites, 4 staff and 10 children}. */
    public String summary() {
        return "imported " + sites + (sites == 1 ? " site, " : " sites, ") + staff + " staff and "
                + children + (children == 1 ? " child" : " children");
    }
}
