package org.shouhu.gateway.admin;

import org.shouhu.routes.care.CareDay;
import org.shouhu.routes.care.Site;

/** A site as the admin API shows it, hours written {@code 08:30}. */
public record SiteView(String code, String name, String county, String opens, String closes) {

    public static SiteView of(Site site) {
        return new SiteView(site.code(), site.name(), site.county(),
                CareDay.format(site.opens()), CareDay.format(site.closes()));
    }
}
