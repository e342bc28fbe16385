package org.shouhu.gateway.console;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.shouhu.gateway.http.HttpReply;
import org.shouhu.routes.care.CareDay;
import org.shouhu.routes.care.Site;
import org.shouhu.routes.port.CareStore;
import org.shouhu.routes.port.SafetyStore;

/**
 * The city overview ({@code /console/city}, city admins only): a row per county with today's totals
 * and its open escalations, linking to each county's dashboard. Read as one day of every site (see
 * {@link SitesToday}).
 */
public final class CityPage implements ConsoleSection {

    private final SitesToday today;
    private final Html html;

    public CityPage(CareStore care, SafetyStore safety, CareDay day, Html html) {
        this.today = new SitesToday(care, safety, day);
        this.html = html;
    }

    /** One county's line: its sites' totals and open escalations ({@code atCoordinator}: those red on its page). */
    record CountyRow(String county, String segment, int sites, int expected, int arrived, int absent, int pickedUp,
                     int onSite, int missing, int escalations, int atCoordinator) {

        /** Whether an escalation of the county has reached its coordinator. */
        public boolean red() {
            return atCoordinator > 0;
        }
    }

    @Override
    public HttpReply handle(ConsoleRequest r) {
        if (!r.viewer().isCity()) {
            throw Refusal.forbidden();
        }
        if (r.isPost() || r.parts().size() > 1) {
            throw Refusal.notFound("这个页面");
        }
        List<Site> sites = today.sitesOf(null);
        SitesToday.Day day = today.read(sites);
        Map<String, List<SitesToday.SiteRow>> byCounty = new TreeMap<>();
        day.sites().forEach(s -> byCounty.computeIfAbsent(s.county(), c -> new ArrayList<>()).add(s));
        Map<String, int[]> red = new TreeMap<>();
        Map<String, String> countyOfSite = new java.util.HashMap<>();
        sites.forEach(s -> countyOfSite.put(s.code(), s.county()));
        day.escalations().stream().filter(SitesToday.Escalation::red)
                .forEach(e -> red.computeIfAbsent(countyOfSite.get(e.site()), c -> new int[1])[0]++);
        List<CountyRow> rows = new ArrayList<>();
        byCounty.forEach((county, list) -> rows.add(new CountyRow(county, Paths.segment(county), list.size(),
                list.stream().mapToInt(SitesToday.SiteRow::expected).sum(), list.stream().mapToInt(SitesToday.SiteRow::arrived).sum(),
                list.stream().mapToInt(SitesToday.SiteRow::absent).sum(), list.stream().mapToInt(SitesToday.SiteRow::pickedUp).sum(),
                list.stream().mapToInt(SitesToday.SiteRow::onSite).sum(), list.stream().mapToInt(SitesToday.SiteRow::missing).sum(),
                list.stream().mapToInt(SitesToday.SiteRow::escalations).sum(), red.getOrDefault(county, new int[1])[0])));
        Map<String, Object> values = new LinkedHashMap<>();
        values.put("day", day);
        values.put("counties", rows);
        return html.page(200, "city", "全市", r, null, values);
    }
}
