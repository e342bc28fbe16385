package org.shouhu.gateway.report;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.time.Instant;
import java.time.ZoneId;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Consumer;
import java.util.regex.Pattern;
import org.apache.commons.csv.CSVPrinter;
import org.shouhu.routes.care.Alert;
import org.shouhu.routes.care.AlertAcknowledgements;
import org.shouhu.routes.care.Child;
import org.shouhu.routes.care.Guardian;
import org.shouhu.routes.care.Site;
import org.shouhu.routes.model.Address;
import org.shouhu.routes.port.CareStore;
import org.shouhu.routes.port.SafetyStore;

/**
 * Who was expected to acknowledge each alert ({@code 1}) and when each did: a row per recipient of
 * one alert, or of every alert sent in a range to its sites, with the children each recipient is
 * guardian of and a phone to call. Staff broadcasts are not acknowledged and are left out.
 */
public final class AcknowledgementReport {

    /** The CSV's columns. */
    public static final List<String> HEADER = List.of("提醒编号", "发送时间", "范围", "类型", "托管点编号", "托管点", "孩子", "关系",
            "电话", "渠道", "确认时间");

    /** Alerts whose recipients are read in one pipeline: a site's alert has about a hundred, a city's 24,000. */
    static final int ALERTS_PER_READ = 100;

    /** Alert ids as the stores write them ({@code a-ZT0427-2026-07-15}, {@code a-req-…}): never a key separator. */
    private static final Pattern ALERT_ID = Pattern.compile("[A-Za-z0-9_-]{1,80}");

    /** A child of a recipient, at a site of the report: the site, the child, and what the recipient is to it (奶奶). */
    public record Ward(Site site, Child child, String relation) {
    }

    /**
     * One recipient of one alert.
     *
     * @param wards          the children at the report's sites this address is guardian of now; empty when it is no
     *                       longer any child's guardian there
     * @param phone          the number to call ({@code +8613912345678}): the address's own, or the one a chat account
     *                       gave for SMS; null when there is none
     * @param acknowledgedAt null when it has not acknowledged
     */
    public record Row(Alert alert, Address address, List<Ward> wards, String phone, Instant acknowledgedAt) {
    }

    private final CareStore care;
    private final SafetyStore safety;
    private final ZoneId zone;

    public AcknowledgementReport(CareStore care, SafetyStore safety, ZoneId zone) {
        this.care = care;
        this.safety = safety;
        this.zone = zone;
    }

    /**
     * A row per recipient of every alert sent on the range's days that went to any of its sites; of an
     * alert to more than these sites (a county's or the city's), only the recipients at these sites.
     * By alert (when sent), then site and roster number. Cost: the range's alerts by one range read,
     * their recipients and acknowledgements a pipeline per hundred alerts, each site's roster and
     * guardians (cached), and one read per chat recipient for its phone.
     */
    public List<Row> rows(ReportRange range) {
        List<Row> rows = new ArrayList<>();
        each(range, rows::add);
        return rows;
    }

    /**
     * A row per recipient of one alert, with their children at the sites of its scope.
     *
     * @throws ReportRefused 400 for a malformed id or a staff broadcast, 404 for no such alert
     */
    public List<Row> rows(String alertId) {
        Alert alert = alert(alertId);
        Map<Address, List<Ward>> wards = wards(sitesOf(alert.scope()));
        List<Row> rows = new ArrayList<>();
        rowsOf(List.of(alert), wards, a -> true, rows::add);
        return rows;
    }

    /** {@link #rows(ReportRange)} as the CSV file {@code acknowledgements-{from}-{to}.csv}, written as it is read. */
    public Csv.File csv(ReportRange range) {
        return Csv.write("acknowledgements-" + range.from() + "-" + range.to() + ".csv", HEADER, csv -> {
            int[] rows = {0};
            try {
                each(range, row -> {
                    try {
                        print(csv, row);
                    } catch (IOException e) {
                        throw new UncheckedIOException(e);
                    }
                    rows[0]++;
                });
            } catch (UncheckedIOException e) {
                throw e.getCause();
            }
            return rows[0];
        });
    }

    /** {@link #rows(String)} as the CSV file {@code acknowledgements-{alert id}.csv}. */
    public Csv.File csv(String alertId) {
        List<Row> rows = rows(alertId);
        return Csv.write("acknowledgements-" + alertId + ".csv", HEADER, csv -> {
            for (Row row : rows) {
                print(csv, row);
            }
            return rows.size();
        });
    }

    private void print(CSVPrinter csv, Row r) throws IOException {
        List<Ward> w = r.wards();
        csv.printRecord(r.alert().id(), Csv.dateTime(r.alert().sentAt(), zone), scope(r.alert().scope()), kind(r.alert().kind()),
                joined(w.stream().map(x -> x.site().code()).distinct().toList()),
                joined(w.stream().map(x -> Csv.text(x.site().name())).distinct().toList()),
                joined(w.stream().map(x -> Csv.text(x.child().label())).toList()),
                joined(w.stream().map(x -> Csv.text(x.relation())).distinct().toList()),
                Csv.phone(r.phone()), channel(r.address()), Csv.dateTime(r.acknowledgedAt(), zone));
    }

    private static String joined(List<String> parts) {
        return String.join("、", parts);
    }

    /** Every row of a range, an alert's recipients read a hundred alerts at a time (a county's season is thousands). */
    private void each(ReportRange range, Consumer<Row> each) {
        List<Alert> alerts = safety.alertsSent(range.from().atStartOfDay(zone).toInstant(),
                range.to().plusDays(1).atStartOfDay(zone).toInstant()).stream()
                .filter(a -> range.reaches(a.scope())).toList();
        if (alerts.isEmpty()) {
            return;
        }
        Map<Address, List<Ward>> wards = wards(range.sites());
        for (int i = 0; i < alerts.size(); i += ALERTS_PER_READ) {
            rowsOf(alerts.subList(i, Math.min(alerts.size(), i + ALERTS_PER_READ)), wards, range::holdsAllOf, each);
        }
    }

    /**
     * The rows of these alerts: every recipient of an alert whose scope {@code whole} says lies within
     * the report's sites, else only those among {@code wards}; by site and roster number, those
     * no longer anyone's guardian there last.
     */
    private void rowsOf(List<Alert> alerts, Map<Address, List<Ward>> wards, java.util.function.Predicate<String> whole,
                        Consumer<Row> each) {
        Map<String, AlertAcknowledgements> acks = safety.acknowledgements(alerts.stream().map(Alert::id).toList());
        Map<Address, Optional<String>> phones = new HashMap<>();
        for (Alert alert : alerts) {
            AlertAcknowledgements a = acks.get(alert.id());
            if (a == null) {
                continue;
            }
            boolean all = whole.test(alert.scope());
            a.recipients().stream()
                    .filter(to -> all || wards.containsKey(to))
                    .sorted(Comparator.<Address, String>comparing(to -> first(wards.get(to)))
                            .thenComparing(Address::value))
                    .forEach(to -> each.accept(new Row(alert, to, wards.getOrDefault(to, List.of()),
                            phones.computeIfAbsent(to, this::phone).orElse(null), a.acknowledged().get(to))));
        }
    }

    /** How rows of one alert are ordered: by the first child's site and roster number, the child-less last. */
    private static String first(List<Ward> wards) {
        if (wards == null || wards.isEmpty()) {
            return "\uFFFF";
        }
        Ward w = wards.get(0);
        return w.site().code() + String.format("/%06d", w.child().rosterNo());
    }

    /** Each guardian address of these sites' children, with its children in site and roster order. Cost: each site's roster and guardians (cached). */
    private Map<Address, List<Ward>> wards(List<Site> sites) {
        Map<Address, List<Ward>> wards = new LinkedHashMap<>();
        for (Site site : sites.stream().sorted(Comparator.comparing(Site::code)).toList()) {
            List<Child> roster = care.roster(site.code());
            Map<String, List<Guardian>> guardians = care.guardiansOf(roster.stream().map(Child::id).toList());
            for (Child child : roster) {
                for (Guardian g : guardians.getOrDefault(child.id(), List.of())) {
                    wards.computeIfAbsent(g.address(), a -> new ArrayList<>()).add(new Ward(site, child, g.relation()));
                }
            }
        }
        return wards;
    }

    /** The number to call: an SMS or WhatsApp address's own, a chat account's fallback phone (one read). */
    private Optional<String> phone(Address address) {
        if (address.isSms()) {
            return Optional.of(address.value());
        }
        if (address.id().startsWith("+")) {
            return Optional.of(address.id()); // whatsapp:+86…
        }
        return care.fallbackPhone(address).map(Address::value);
    }

    private Alert alert(String alertId) {
        String id = alertId == null ? "" : alertId.strip();
        if (!ALERT_ID.matcher(id).matches()) {
            throw new ReportRefused(400, "alert must be an alert id (letters, digits, - or _, like a-ZT0427-2026-07-15), not " + id);
        }
        Alert alert = safety.alert(id).orElseThrow(() -> new ReportRefused(404, "no alert " + id));
        if (alert.isNotice()) {
            throw new ReportRefused(400, id + " is a staff broadcast, which guardians do not acknowledge");
        }
        return alert;
    }

    /** The sites an alert's scope names now. */
    private List<Site> sitesOf(String scope) {
        if (scope.startsWith("site:")) {
            return care.site(scope.substring("site:".length())).map(List::of).orElse(List.of());
        }
        return care.sites().stream().filter(s -> scope.equals("city") || scope.equals("county:" + s.county())).toList();
    }

    /** How the report names a scope: 托管点ZT0427, 昭阳区, 全市. */
    public static String scope(String scope) {
        if (scope.startsWith("site:")) {
            return "托管点" + scope.substring("site:".length());
        }
        if (scope.startsWith("county:")) {
            return Csv.text(scope.substring("county:".length()));
        }
        return scope.equals("city") ? "全市" : Csv.text(scope);
    }

    /** How the report names an alert's kind: the daily drowning alert's 防溺水, a coordinator's own kind as given. */
    public static String kind(String kind) {
        return "drowning".equals(kind) ? "防溺水" : Csv.text(kind);
    }

    /** How the report names an address's channel. */
    public static String channel(Address address) {
        return switch (address.channel()) {
            case Address.SMS -> "短信";
            case "wechat" -> "微信";
            case "telegram" -> "Telegram";
            case "whatsapp" -> "WhatsApp";
            default -> address.channel();
        };
    }
}
