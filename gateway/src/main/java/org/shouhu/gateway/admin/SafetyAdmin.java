package org.shouhu.gateway.admin;

import java.time.DayOfWeek;
import java.time.LocalDate;
import java.time.OffsetDateTime;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Pattern;
import org.shouhu.gateway.clock.SettableClock;
import org.shouhu.routes.care.Alert;
import org.shouhu.routes.care.AlertProgress;
import org.shouhu.routes.care.Alerts;
import org.shouhu.routes.care.ChatBinding;
import org.shouhu.routes.care.Coordinator;
import org.shouhu.routes.care.Lessons;
import org.shouhu.routes.care.SafetyService;
import org.shouhu.routes.care.Site;
import org.shouhu.routes.care.SiteSchedule;
import org.shouhu.routes.port.CareStore;
import org.shouhu.routes.port.Outbox;
import org.shouhu.routes.port.SafetyStore;

/**
 * The safety side of the admin API: site schedules, county coordinators, region-wide alerts and
 * who acknowledged them, and — only when the gateway runs on a simulated clock — moving time.
 */
public final class SafetyAdmin {

    static final List<String> SCHEDULE_FIELDS = List.of("days", "from", "to", "closed", "reminderMinutes", "noShowMinutes");
    static final List<String> COORDINATOR_FIELDS = List.of("phone", "name");
    static final List<String> ALERT_FIELDS = List.of("scope", "kind", "text", "requestId");
    static final List<String> CLOCK_FIELDS = List.of("now");
    static final List<String> LESSON_FIELDS = List.of("topic");
    private static final Pattern DAYS = Pattern.compile("[1-7]{1,7}");

    private final SafetyStore safety;
    private final SafetyService service;
    private final Alerts alerts;
    private final AlertProgress progress;
    private final SettableClock clock;
    private final Lessons lessons;
    private final Outbox outbox;
    private final ChatBinding binding;
    private final CareStore care;
    private final AlertRequests requests;

    /** {@code clock} is null unless the gateway runs on a simulated clock. */
    public SafetyAdmin(SafetyStore safety, SafetyService service, Alerts alerts, Lessons lessons, Outbox outbox,
                       ChatBinding binding, CareStore care, AlertProgress progress, SettableClock clock) {
        this.safety = safety;
        this.binding = binding;
        this.care = care;
        this.lessons = lessons;
        this.outbox = outbox;
        this.service = service;
        this.alerts = alerts;
        this.progress = progress;
        this.clock = clock;
        this.requests = new AlertRequests(alerts, service, care);
    }

    /** {@code PUT /api/sites/{code}/schedule}: {@code {"days":"12345","from","to","closed":"2026-07-20,…","reminderMinutes","noShowMinutes"}}. */
    Map<String, Object> putSchedule(Site site, JsonBody body) {
        String days = Typed.of("days", body.text("days")).text();
        if (!days.isEmpty() && !DAYS.matcher(days).matches()) {
            throw new InvalidInput("days", "\"" + days + "\" is not weekday digits 1 (Monday) to 7 (Sunday), like 12345");
        }
        Set<DayOfWeek> weekdays = EnumSet.noneOf(DayOfWeek.class);
        (days.isEmpty() ? "12345" : days).chars().forEach(c -> weekdays.add(DayOfWeek.of(c - '0')));
        Set<LocalDate> closed = new LinkedHashSet<>();
        String closedText = Typed.of("closed", body.text("closed")).text();
        if (!closedText.isEmpty()) {
            for (String d : closedText.split("[,，\\s]+")) {
                closed.add(date("closed", d));
            }
        }
        LocalDate from = optionalDate("from", body.text("from"));
        LocalDate to = optionalDate("to", body.text("to"));
        if (from != null && to != null && to.isBefore(from)) {
            throw new InvalidInput("to", "the season ends (" + to + ") before it starts (" + from + ")");
        }
        SiteSchedule schedule = new SiteSchedule(weekdays, from, to, closed,
                minutes("reminderMinutes", body.number("reminderMinutes"), 30),
                minutes("noShowMinutes", body.number("noShowMinutes"), 30));
        safety.putSchedule(site.code(), schedule);
        return scheduleView(site.code(), schedule);
    }

    private static Map<String, Object> scheduleView(String code, SiteSchedule s) {
        Map<String, Object> v = new LinkedHashMap<>();
        v.put("site", code);
        v.put("days", s.days().stream().map(d -> String.valueOf(d.getValue())).sorted().reduce("", String::concat));
        v.put("from", s.from() == null ? null : s.from().toString());
        v.put("to", s.to() == null ? null : s.to().toString());
        v.put("closed", s.closed().stream().sorted().map(LocalDate::toString).toList());
        v.put("reminderMinutes", s.reminderMinutes());
        v.put("noShowMinutes", s.noShowMinutes());
        return v;
    }

    /** {@code POST /api/sites/{code}/lessons {"topic":"防溺水"}}: records today's lesson and tells every guardian. */
    Map<String, Object> recordLesson(Site site, JsonBody body) {
        String topic = Typed.of("topic", body.text("topic")).required().atMost(12).text();
        int notified = outbox.enqueue(lessons.record(site, topic)).size();
        return Map.of("site", site.code(), "topic", topic, "notified", notified);
    }

    /** {@code POST /api/sites/{code}/children/{childId}/invite}: a code staff hand to a child's parents. */
    Map<String, Object> invite(Site site, String childId) {
        var child = AdminApi.childAt(care, site, childId);
        String code = binding.newCode(List.of(child));
        return Map.of("childId", childId, "code", code,
                "validUntil", service.clockNow().plus(ChatBinding.CODE_VALID).toString());
    }

    /** {@code PUT /api/counties/{county}/coordinator}: who gets the last step of every ladder in the county. */
    Map<String, Object> putCoordinator(String county, JsonBody body) {
        String name = Typed.of("name", body.text("name")).required().atMost(20).text();
        Coordinator c = new Coordinator(county, Typed.of("phone", body.text("phone")).required().phone(), name);
        safety.putCoordinator(c);
        return Map.of("county", county, "phone", c.phone().e164(), "name", name);
    }

    /**
     * {@code POST /api/alerts}: {@code {"scope":"county:威信县","kind":"drowning","text":…}} to every
     * guardian in scope. Answered as soon as the alert and its job are written (one atomic write):
     * the recipients are worked out and the messages queued behind the answer, by this node at once
     * (its expander, which {@link Alerts#start} asks) or, should it die, by another ({@link Alerts#expandPending}). With {@code "requestId"} (the
     * console's own id for this alert), asking again sends nothing and answers with the alert sent
     * the first time ({@code "repeated": true}); the same requestId with another scope, kind or text
     * is refused (409), not swallowed.
     */
    Map<String, Object> sendAlert(JsonBody body) {
        AlertRequests.Started started = requests.start(body.text("scope"), body.text("kind"), body.text("text"), body.text("requestId"));
        Map<String, Object> v = new LinkedHashMap<>(progressView(started.alert().id()));
        v.put("repeated", started.repeated());
        return v;
    }

    /**
     * {@code GET /api/alerts/{id}}: its state (pending: recipients not yet worked out; sending; done),
     * recipients, messages queued / sent / delivered / failed, when the rest should be out at the
     * current provider rates ({@code finishEstimate}, null when done), acknowledged, and who has not.
     */
    Map<String, Object> alert(String id) {
        Map<String, Object> v = new LinkedHashMap<>(progressView(id));
        List<String> waiting = new ArrayList<>();
        safety.notAcknowledged(id).forEach(a -> waiting.add(a.value()));
        v.put("acknowledged", safety.acknowledgedCount(id));
        v.put("notAcknowledged", waiting);
        return v;
    }

    private Map<String, Object> progressView(String id) {
        AlertProgress.Progress p = progress.of(id).orElseThrow(() -> new ApiRefusal(404, "no alert " + id));
        Alert alert = p.alert();
        Map<String, Object> v = new LinkedHashMap<>();
        v.put("id", id);
        v.put("scope", alert.scope());
        v.put("kind", alert.kind());
        v.put("text", alert.text());
        v.put("sentAt", alert.sentAt().toString());
        v.put("state", p.state().name().toLowerCase(java.util.Locale.ROOT));
        v.put("recipients", p.state() == AlertProgress.State.PENDING ? null : p.recipients());
        v.put("queued", p.queued());
        v.put("sent", p.sent());
        v.put("delivered", p.delivered());
        v.put("failed", p.failed());
        v.put("suppressed", p.suppressed());
        v.put("finishEstimate", p.finishEstimate() == null ? null : p.finishEstimate().toString());
        return v;
    }

    /** {@code POST /api/clock {"now":"2026-07-15T08:31:00+08:00"}}: moves a simulated clock and fires what became due. */
    Map<String, Object> setClock(JsonBody body) {
        if (clock == null) {
            throw new ApiRefusal(409, "the clock is the system clock; start with SHOUHU_CLOCK=simulated to move it");
        }
        String now = Typed.of("now", body.text("now")).required().text();
        try {
            clock.set(OffsetDateTime.parse(now).toInstant());
        } catch (DateTimeParseException e) {
            throw new InvalidInput("now", "\"" + now + "\" is not a time like 2026-07-15T08:31:00+08:00");
        }
        int fired = service.runDue();
        return Map.of("now", clock.instant().toString(), "fired", fired);
    }

    private static LocalDate optionalDate(String field, String raw) {
        String text = Typed.of(field, raw).text();
        return text.isEmpty() ? null : date(field, text);
    }

    private static LocalDate date(String field, String text) {
        try {
            return LocalDate.parse(text);
        } catch (DateTimeParseException e) {
            throw new InvalidInput(field, "\"" + text + "\" is not a date like 2026-07-15");
        }
    }

    private static int minutes(String field, String raw, int fallback) {
        String text = Typed.of(field, raw).text();
        if (text.isEmpty()) {
            return fallback;
        }
        try {
            int n = Integer.parseInt(text);
            if (n < 0 || n > 240) {
                throw new NumberFormatException();
            }
            return n;
        } catch (NumberFormatException e) {
            throw new InvalidInput(field, "\"" + text + "\" is not a number of minutes from 0 to 240");
        }
    }

    /** An alert's scope ({@code county:威信县}) by its id; empty when there is no such alert. */
    Optional<String> alertScope(String id) {
        return safety.alert(id).map(Alert::scope);
    }

    /** The ladders opened at a site on a day, open or closed, with their logs (the today view shows them). */
    List<org.shouhu.routes.care.Ladder> laddersOf(String siteCode, java.time.LocalDate date) {
        return safety.laddersOpened(List.of(siteCode), date, date);
    }
}
