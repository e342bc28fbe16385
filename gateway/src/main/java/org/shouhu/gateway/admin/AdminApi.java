package org.shouhu.gateway.admin;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.StringJoiner;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import org.shouhu.gateway.console.People;
import org.shouhu.gateway.console.Viewer;
import org.shouhu.gateway.http.HttpCall;
import org.shouhu.gateway.store.redis.RedisCityAdmins;
import org.shouhu.gateway.store.redis.RedisPersonalTokens;
import org.shouhu.gateway.http.HttpEndpoint;
import org.shouhu.gateway.http.HttpReply;
import org.shouhu.gateway.report.AttendanceExport;
import org.shouhu.gateway.report.Csv;
import org.shouhu.gateway.report.ReportRange;
import org.shouhu.gateway.report.ReportRefused;
import org.shouhu.gateway.report.Reports;
import org.shouhu.routes.care.CareDay;
import org.shouhu.routes.care.Child;
import org.shouhu.routes.care.Site;
import org.shouhu.routes.care.StaffMember;
import org.shouhu.routes.model.Address;
import org.shouhu.routes.model.Phone;
import org.shouhu.routes.port.CareStore;
import org.shouhu.routes.port.MessageStore;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The county coordinator's JSON API under {@code /api/}: set up sites, staff and children, see a
 * site's day and the messages sent to a number. Every call needs the admin bearer token; every
 * refusal is a status with {@code {"error": "<reason>"}}.
 */
public final class AdminApi implements HttpEndpoint {

    private static final Logger LOG = LoggerFactory.getLogger(AdminApi.class);

    /** The most messages {@code GET /api/messages} returns. */
    public static final int MESSAGES_LIMIT = 100;

    private static final String PREFIX = "/api/";
    private static final String PATHS = "/api/sites/{code}, /api/sites/{code}/staff, /api/sites/{code}/children, "
            + "/api/sites/{code}/children/{childId}/guardians/{address}, /api/sites/{code}/children/{childId}/invite, /api/sites/{code}/schedule, /api/sites/{code}/lessons, /api/counties/{county}/coordinator, /api/alerts, /api/alerts/{id}, /api/clock, "
            + "/api/sites/{code}/today, /api/dead-letters, /api/messages?to={phone}, DELETE /api/sites/{code}, DELETE /api/sites/{code}/staff/{phone}, "
            + "DELETE /api/sites/{code}/children/{childId}, /api/sites/{code}/children/{childId}/export, "
            + "/api/exports/attendance.csv?county=|site=&from=&to=, /api/exports/escalations.csv?county=|site=&from=&to=, "
            + "/api/exports/acknowledgements.csv?alert=|county=|site=&from=&to=, /api/reports/season?county=|site=|city=all&from=&to=, "
            + "/api/audit and /api/city-admins/{phone}";
    private static final List<String> SITE_FIELDS = List.of("code", "name", "county", "opens", "closes", "volunteersMayApprove",
            "voice");
    private static final List<String> STAFF_FIELDS = List.of("phone", "name", "role");
    private static final List<String> CHILD_FIELDS = List.of("name", "guardians");
    private static final List<String> GUARDIAN_FIELDS = List.of("phone", "relation", "voiceFirst");

    private final BearerToken token;
    private final CareStore care;
    private final MessageStore messages;
    private final CareDay day;
    private final ObjectMapper json = new ObjectMapper();
    private final SafetyAdmin safety;
    private final PrivacyAdmin privacy;

    /** An empty (or null) {@code adminToken} disables the API: every call gets 503. */
    public AdminApi(String adminToken, CareStore care, MessageStore messages, CareDay day) {
        this(adminToken, care, messages, day, null);
    }

    /** With the safety calls (schedules, coordinators, alerts, clock); {@code safety} null leaves them out. */
    public AdminApi(String adminToken, CareStore care, MessageStore messages, CareDay day, SafetyAdmin safety) {
        this(adminToken, care, messages, day, safety, null);
    }

    /** With removal, erasure, export and the audit log; {@code privacy} null leaves them out (and changes unaudited). */
    public AdminApi(String adminToken, CareStore care, MessageStore messages, CareDay day, SafetyAdmin safety,
                    PrivacyAdmin privacy) {
        this.privacy = privacy;
        this.token = new BearerToken(adminToken);
        this.care = care;
        this.messages = messages;
        this.day = day;
        this.safety = safety;
    }

    /** What {@code GET /api/dead-letters} lists: outbox entries given up after failing every delivery. */
    private java.util.function.Supplier<List<Map<String, Object>>> deadLetters = List::of;

    /** The coordinator's reports and exports beyond the attendance ledger; null leaves them out. */
    private Reports reports;

    /**
     * Serves these reports: {@code GET /api/exports/escalations.csv}, {@code GET /api/exports/acknowledgements.csv},
     * {@code GET /api/reports/season}.
     */
    public AdminApi withReports(Reports reports) {
        this.reports = reports;
        return this;
    }

    private Reports reports() {
        if (reports == null) {
            throw new ApiRefusal(404, "the reports are not enabled on this node");
        }
        return reports;
    }

    /** Lists these dead letters at {@code GET /api/dead-letters}. */
    public AdminApi withDeadLetters(java.util.function.Supplier<List<Map<String, Object>>> deadLetters) {
        this.deadLetters = deadLetters;
        return this;
    }

    private SafetyAdmin safety() {
        if (safety == null) {
            throw new ApiRefusal(404, "the safety calls are not enabled on this node");
        }
        return safety;
    }

    @Override
    public HttpReply handle(HttpCall call) {
        if (token.isDisabled()) {
            return error(503, "the admin API is disabled: no admin token is configured");
        }
        String authorization = call.header("authorization");
        if (authorization == null || authorization.isBlank()) {
            return error(401, "missing admin token: send the header Authorization: Bearer <token>");
        }
        Optional<Viewer> person = token.admits(authorization) ? Optional.empty() : person(authorization);
        if (!token.admits(authorization) && person.isEmpty()) {
            LOG.warn("admin call {} {} refused: wrong token", call.method(), org.shouhu.routes.model.Phone.maskNumbers(call.path()));
            return error(401, "wrong admin token");
        }
        try {
            if (person.isPresent()) {
                checkPerson(person.get(), call);
            }
            HttpReply reply = route(call);
            if (privacy != null) {
                privacy.audited(person.map(Viewer::audited).orElse(PrivacyAdmin.WHO), call.method(),
                        call.path().startsWith(PREFIX + "exports/") || call.path().startsWith(PREFIX + "reports/") ? withQuery(call) : call.path(),
                        reply.status()); // an export is audited with what it covered
            }
            return reply;
        } catch (InvalidInput e) {
            LOG.debug("admin call {} {} refused: 400", call.method(), call.path());
            return error(400, e.getMessage());
        } catch (ApiRefusal e) {
            LOG.debug("admin call {} {} refused: {}", call.method(), call.path(), e.status());
            return error(e.status(), e.getMessage());
        } catch (ReportRefused e) {
            LOG.debug("admin call {} {} refused: {}", call.method(), call.path(), e.status());
            return error(e.status(), e.getMessage());
        }
    }

    /** The person whose personal token this is, while they are still on a roster; empty for any other token. */
    private Optional<Viewer> person(String authorization) {
        if (people == null || !authorization.regionMatches(true, 0, "Bearer ", 0, 7)) {
            return Optional.empty();
        }
        return personalTokens.owner(authorization.substring(7).strip()).flatMap(Phone::parse).flatMap(people::who);
    }

    /** A personal token's call must lie within what its owner may reach; a new or moved site, in their county. */
    private void checkPerson(Viewer person, HttpCall call) {
        List<String> parts = segments(call.path());
        AdminIds.checkPath(parts);
        String bodyScope = parts.equals(List.of("alerts")) && "POST".equals(call.method())
                ? AdminIds.scope(JsonBody.parse(call.body(), SafetyAdmin.ALERT_FIELDS).text("scope")) : null;
        new PersonalAccess(care, id -> safety == null ? Optional.empty() : safety.alertScope(id)).check(person, call, parts, bodyScope);
        if (parts.size() == 2 && parts.get(0).equals("sites") && "PUT".equals(call.method()) && !person.isCity()) {
            String county = JsonBody.parse(call.body(), SITE_FIELDS).text("county");
            if (county != null && !county.strip().equals(person.county())) {
                throw new ApiRefusal(403, "a site of county " + county.strip() + " is outside county " + person.county()
                        + ", which this token reaches");
            }
        }
    }

    /** Accepts personal API tokens (made in the console) for what their owners may reach, and serves the city admins' list. */
    public AdminApi withPeople(People people, RedisPersonalTokens personalTokens, RedisCityAdmins cityAdmins) {
        this.people = people;
        this.personalTokens = personalTokens;
        this.cityAdmins = cityAdmins;
        return this;
    }

    private People people;
    private RedisPersonalTokens personalTokens;
    private RedisCityAdmins cityAdmins;

    /** {@code PUT /api/city-admins/{phone}} ({@code {"name"}}) and {@code DELETE}: who sees the whole city in the console. */
    private HttpReply cityAdmin(HttpCall call, String typedPhone) {
        if (cityAdmins == null) {
            throw new ApiRefusal(404, "the console is not enabled on this node");
        }
        Phone phone = Phone.parse(typedPhone).orElseThrow(() -> new InvalidInput("phone", "\"" + typedPhone + "\" is not a phone number"));
        if ("DELETE".equals(call.method())) {
            if (!cityAdmins.remove(phone)) {
                throw new ApiRefusal(404, "no city admin " + phone.masked());
            }
            return reply(200, Map.of("removed", phone.masked()));
        }
        allow(call, "PUT");
        String name = Typed.of("name", JsonBody.parse(call.body(), List.of("name")).text("name")).required().text();
        cityAdmins.put(phone, name);
        LOG.info("city admin {} saved", phone.masked());
        return reply(200, Map.of("phone", phone.e164(), "name", name));
    }

    private HttpReply route(HttpCall call) {
        List<String> parts = segments(call.path());
        AdminIds.checkPath(parts);
        if (parts.size() == 2 && parts.get(0).equals("city-admins")) {
            return cityAdmin(call, parts.get(1));
        }
        HttpReply removal = routeRemovals(call, parts);
        if (removal != null) {
            return removal;
        }
        if (parts.equals(List.of("clock"))) {
            allow(call, "POST");
            return reply(200, safety().setClock(JsonBody.parse(call.body(), SafetyAdmin.CLOCK_FIELDS)));
        }
        if (parts.equals(List.of("alerts"))) {
            allow(call, "POST");
            Map<String, Object> sent = safety().sendAlert(JsonBody.parse(call.body(), SafetyAdmin.ALERT_FIELDS));
            return reply(Boolean.TRUE.equals(sent.get("repeated")) ? 200 : 201, sent);
        }
        if (parts.size() == 2 && parts.get(0).equals("alerts")) {
            allow(call, "GET");
            return reply(200, safety().alert(parts.get(1)));
        }
        if (parts.size() == 3 && parts.get(0).equals("counties") && parts.get(2).equals("coordinator")) {
            allow(call, "PUT");
            return reply(200, safety().putCoordinator(parts.get(1), JsonBody.parse(call.body(), SafetyAdmin.COORDINATOR_FIELDS)));
        }
        if (parts.size() == 6 && parts.get(0).equals("sites") && parts.get(2).equals("children")
                && parts.get(4).equals("guardians")) {
            if ("PUT".equals(call.method())) { // voice: {"voiceFirst": true}
                return putVoiceFirst(existingSite(parts.get(1)), parts.get(3), parts.get(5), call.body());
            }
            allow(call, "DELETE");
            return removeGuardian(existingSite(parts.get(1)), parts.get(3), parts.get(5));
        }
        if (parts.size() == 5 && parts.get(0).equals("sites") && parts.get(2).equals("children")
                && parts.get(4).equals("invite")) {
            allow(call, "POST");
            return reply(201, safety().invite(existingSite(parts.get(1)), parts.get(3)));
        }
        if (parts.equals(List.of("dead-letters"))) {
            allow(call, "GET");
            return reply(200, Map.of("deadLetters", deadLetters.get()));
        }
        if (parts.equals(List.of("exports", "attendance.csv"))) {
            allow(call, "GET");
            return csv(new AttendanceExport(care, day.zone()).csv(ReportRange.siteOrCounty(care, call.queryParam("county"),
                    call.queryParam("site"), call.queryParam("from"), call.queryParam("to"))));
        }
        if (parts.equals(List.of("exports", "escalations.csv"))) {
            allow(call, "GET");
            Reports r = reports();
            return csv(r.escalationsCsv(r.range(call.queryParam("county"), call.queryParam("site"), call.queryParam("from"),
                    call.queryParam("to"))));
        }
        if (parts.equals(List.of("exports", "acknowledgements.csv"))) {
            allow(call, "GET");
            return acknowledgements(call);
        }
        if (parts.equals(List.of("reports", "season"))) {
            allow(call, "GET");
            Reports r = reports();
            return reply(200, r.season(r.range(call.queryParam("county"), call.queryParam("site"), call.queryParam("city"),
                    call.queryParam("from"), call.queryParam("to"))).json());
        }
        if (parts.equals(List.of("messages"))) {
            allow(call, "GET");
            return messagesTo(call.queryParam("to"));
        }
        if (parts.size() >= 2 && parts.size() <= 3 && parts.get(0).equals("sites") && !parts.get(1).isEmpty()) {
            String code = parts.get(1);
            String what = parts.size() == 3 ? parts.get(2) : "";
            switch (what) {
                case "" -> {
                    allow(call, "PUT");
                    return putSite(code, call.body());
                }
                case "staff" -> {
                    allow(call, "POST");
                    return addStaff(existingSite(code), call.body());
                }
                case "children" -> {
                    allow(call, "POST");
                    return addChild(existingSite(code), call.body());
                }
                case "today" -> {
                    allow(call, "GET");
                    return today(existingSite(code));
                }
                case "lessons" -> {
                    allow(call, "POST");
                    return reply(201, safety().recordLesson(existingSite(code), JsonBody.parse(call.body(), SafetyAdmin.LESSON_FIELDS)));
                }
                case "schedule" -> {
                    allow(call, "PUT");
                    return reply(200, safety().putSchedule(existingSite(code),
                            JsonBody.parse(call.body(), SafetyAdmin.SCHEDULE_FIELDS)));
                }
                default -> {
                    // not a path of ours: 404 below
                }
            }
        }
        throw new ApiRefusal(404, "no such path " + call.path() + "; the admin API has " + PATHS);
    }

    /**
     * Removal, erasure, export and the audit log (see {@link PrivacyAdmin}); null when the path is
     * not one of them. DELETE on a site, a staff phone or a child; GET of an export or the log.
     */
    private HttpReply routeRemovals(HttpCall call, List<String> parts) {
        boolean delete = "DELETE".equals(call.method());
        boolean site = parts.size() >= 2 && parts.get(0).equals("sites") && !parts.get(1).isEmpty();
        if (parts.equals(List.of("audit"))) {
            allow(call, "GET");
            return reply(200, privacy().auditLog(call.queryParam("limit")));
        }
        if (site && parts.size() == 2 && delete) {
            return reply(200, privacy().removeSite(existingSite(parts.get(1))));
        }
        if (site && parts.size() == 4 && parts.get(2).equals("staff")) {
            allow(call, "DELETE");
            return reply(200, privacy().removeStaff(existingSite(parts.get(1)), parts.get(3)));
        }
        if (site && parts.size() == 4 && parts.get(2).equals("children")) {
            allow(call, "DELETE");
            return reply(200, privacy().eraseChild(existingSite(parts.get(1)), parts.get(3)));
        }
        if (site && parts.size() == 5 && parts.get(2).equals("children") && parts.get(4).equals("export")) {
            allow(call, "GET");
            return reply(200, privacy().exportChild(existingSite(parts.get(1)), parts.get(3)));
        }
        return null;
    }

    private PrivacyAdmin privacy() {
        if (privacy == null) {
            throw new ApiRefusal(404, "removal, export and the audit log are not enabled on this node");
        }
        return privacy;
    }

    /** The path with its query, as the caller asked it ({@code /api/exports/attendance.csv?county=昭阳区&from=…}). */
    private static String withQuery(HttpCall call) {
        StringJoiner query = new StringJoiner("&", "?", "").setEmptyValue("");
        call.query().forEach((name, values) -> values.forEach(v -> query.add(name + "=" + v)));
        return call.path() + query;
    }

    /** The path after {@code /api/}, split at {@code /}; a trailing slash is ignored. */
    private static List<String> segments(String path) {
        if (path == null || !path.startsWith(PREFIX)) {
            return List.of();
        }
        String rest = path.substring(PREFIX.length());
        if (rest.endsWith("/")) {
            rest = rest.substring(0, rest.length() - 1);
        }
        return rest.isEmpty() ? List.of() : Arrays.asList(rest.split("/", -1));
    }

    private static void allow(HttpCall call, String method) {
        if (!method.equals(call.method())) {
            throw new ApiRefusal(405, "method " + call.method() + " is not allowed on " + call.path() + "; use " + method);
        }
    }

    private Site existingSite(String typedCode) {
        String code = typedCode.toUpperCase(Locale.ROOT);
        return care.site(code).orElseThrow(() -> new ApiRefusal(404,
                "no site with code " + code + "; create it first with PUT /api/sites/" + code));
    }

    // --- the calls

    /**
     * {@code PUT /api/sites/{code}}: creates or replaces a site; {@code volunteersMayApprove} alone
     * changes only that setting of an existing site.
     */
    private HttpReply putSite(String code, byte[] bodyBytes) {
        JsonBody body = JsonBody.parse(bodyBytes, SITE_FIELDS);
        Boolean voice = body.flag("voice");
        if (voice != null) { // voice: every guardian of the site is called
            return putVoiceForAll(code, body, voice);
        }
        Boolean volunteersMayApprove = body.flag("volunteersMayApprove");
        if (volunteersMayApprove != null) {
            return putVolunteersMayApprove(code, body, volunteersMayApprove);
        }
        SiteInput input = SiteInput.parse(code, body.text("name"), body.text("county"), body.text("opens"),
                body.text("closes"));
        String bodyCode = body.text("code");
        if (bodyCode != null && !input.code().equals(SiteInput.code(bodyCode))) {
            throw new InvalidInput("code", "\"" + bodyCode + "\" in the body differs from " + input.code() + " in the path");
        }
        Site site = input.toSite();
        care.putSite(site);
        LOG.info("site {} saved", site.code());
        return reply(200, SiteView.of(site));
    }

    /**
     * {@code PUT /api/sites/{code}} with {@code {"voice": true}}: every guardian of an existing site is
     * called when a no-show or overdue alert goes unanswered (only that setting changes).
     */
    private HttpReply putVoiceForAll(String code, JsonBody body, boolean on) {
        Site site = existingSite(code);
        if (body.text("name") != null || body.text("county") != null || body.text("opens") != null
                || body.text("closes") != null || body.flag("volunteersMayApprove") != null) {
            throw new InvalidInput("voice", "is set on its own: send the site's other fields in another request");
        }
        care.setVoiceForAll(site.code(), on);
        LOG.info("site {}: voice calls for {} guardians", site.code(), on ? "all" : "voice-first");
        Map<String, Object> view = new java.util.LinkedHashMap<>(json.convertValue(SiteView.of(site), Map.class));
        view.put("voice", on);
        return reply(200, view);
    }

    /** {@code PUT /api/sites/{code}} with {@code volunteersMayApprove}: the setting, and the site too when the body has it. */
    private HttpReply putVolunteersMayApprove(String code, JsonBody body, boolean may) {
        boolean siteGiven = body.text("name") != null || body.text("county") != null || body.text("opens") != null
                || body.text("closes") != null;
        Site site;
        if (siteGiven) {
            site = SiteInput.parse(code, body.text("name"), body.text("county"), body.text("opens"), body.text("closes")).toSite();
            care.putSite(site);
        } else {
            site = existingSite(code);
        }
        care.setVolunteersMayApprove(site.code(), may);
        LOG.info("site {}: volunteers {} approve registrations and make invite codes", site.code(), may ? "may" : "may not");
        Map<String, Object> view = new java.util.LinkedHashMap<>(json.convertValue(SiteView.of(site), Map.class));
        view.put("volunteersMayApprove", may);
        return reply(200, view);
    }

    /** {@code POST /api/sites/{code}/staff}: adds a staff member (201), or updates one already at this site (200). */
    private HttpReply addStaff(Site site, byte[] bodyBytes) {
        JsonBody body = JsonBody.parse(bodyBytes, STAFF_FIELDS);
        StaffInput input = StaffInput.parse(body.text("phone"), body.text("name"), body.text("role"));
        StaffMember member = input.toMember(site.code());
        boolean known = care.staffOf(site.code()).stream().anyMatch(s -> s.phone().equals(member.phone()));
        try {
            care.putStaff(member);
        } catch (IllegalStateException e) {
            throw new ApiRefusal(409, e.getMessage() + "; a phone can be staff at one site only");
        }
        LOG.info("staff {} {} at site {} as {}", known ? "updated" : "added", member.phone().masked(), site.code(),
                member.role());
        return reply(known ? 200 : 201, StaffView.of(member));
    }

    /** {@code POST /api/sites/{code}/children}: puts a child on the roster with the next roster number. */
    private HttpReply addChild(Site site, byte[] bodyBytes) {
        JsonBody body = JsonBody.parse(bodyBytes, CHILD_FIELDS);
        List<GuardianInput> guardians = new ArrayList<>();
        for (JsonBody item : body.objects("guardians", GUARDIAN_FIELDS)) {
            String phone = item.text("phone");
            String relation = item.text("relation");
            try {
                guardians.add(GuardianInput.parse(phone, relation, item.flag("voiceFirst")));
            } catch (InvalidInput e) {
                throw e.named(item.path() + e.field());
            }
        }
        ChildInput input = ChildInput.parse(body.text("name"), guardians);
        Optional<Child> same = input.sameNameIn(care.roster(site.code()));
        if (same.isPresent()) {
            throw new ApiRefusal(409, "a child named \"" + input.name() + "\" is already number "
                    + same.get().rosterNo() + " on the roster of " + site.code()
                    + "; two children of one name cannot be told apart by SMS");
        }
        Child child = care.addChild(site.code(), input.name(), input.toGuardians());
        LOG.info("child {} added to site {} as number {} with {} guardian(s)", child.id(), site.code(),
                child.rosterNo(), input.guardians().size());
        return reply(201, ChildAdded.of(child));
    }

    /** {@code GET /api/sites/{code}/today}: the site's day so far. */
    private HttpReply today(Site site) {
        LocalDate date = day.today();
        List<Child> roster = care.roster(site.code());
        return reply(200, TodayView.of(site, date, roster, care.day(site.code(), date),
                care.guardiansOf(roster.stream().map(Child::id).toList()),
                safety == null ? List.of() : safety.laddersOf(site.code(), date)));
    }

    /** {@code GET /api/messages?to=}: the messages sent to a number, newest first. */
    private HttpReply messagesTo(String to) {
        Phone phone = queryPhone(to);
        List<MessageView> sent = messages.sentTo(Address.of(phone), MESSAGES_LIMIT).stream()
                .filter(m -> !m.isReportOnly()).map(MessageView::of).toList();
        LOG.debug("{} messages to {} looked up", sent.size(), phone.masked());
        return reply(200, sent);
    }

    /**
     * The {@code to} query parameter as a phone. A {@code +} not percent-encoded arrives as a space,
     * and a number may come without its {@code +}: {@code +8613912345678}, {@code %2B8613912345678},
     * {@code 8613912345678} and {@code 13912345678} are the same phone.
     */
    static Phone queryPhone(String to) {
        if (to == null || to.isBlank()) {
            throw new InvalidInput("to", "is missing: give a phone number, like /api/messages?to=13912345678");
        }
        String text = to.startsWith(" ") ? "+" + to.strip() : to.strip();
        Optional<Phone> phone = Phone.parse(text);
        if (phone.isEmpty() && !text.isEmpty() && text.chars().allMatch(c -> c >= '0' && c <= '9')) {
            phone = Phone.parse("+" + text);
        }
        return phone.orElseThrow(() -> new InvalidInput("to", "\"" + to.strip() + "\" is not a phone number"));
    }

    /**
     * {@code DELETE /api/sites/{code}/children/{childId}/guardians/{address}}: staff remove a guardian
     * (a phone like +8613912345678, or a chat account like telegram:12345, URL-encoded).
     */
    private HttpReply removeGuardian(Site site, String childId, String rawAddress) {
        String address = guardianAddress(rawAddress);
        var child = childAt(care, site, childId);
        boolean linked = care.guardiansOf(child.id()).stream().anyMatch(g -> g.address().value().equals(address));
        if (!linked) {
            throw new ApiRefusal(404, "this address is not a guardian of child " + childId);
        }
        care.unlinkGuardian(child.id(), new org.shouhu.routes.model.Address(address));
        LOG.info("guardian {} removed from child {}", org.shouhu.routes.model.Phone.mask(address), childId);
        return reply(200, Map.of("childId", childId, "removed", address));
    }

    /** A guardian's address as a path names it: a chat account as typed, a phone in E.164. */
    private static String guardianAddress(String rawAddress) {
        // the server already decoded the path: a second decode would turn "+86…" into " 86…"
        String typed = rawAddress.strip();
        return typed.contains(":") ? typed
                : org.shouhu.routes.model.Phone.parse(typed).map(org.shouhu.routes.model.Phone::e164).orElse(typed);
    }

    /**
     * {@code PUT /api/sites/{code}/children/{childId}/guardians/{phone}} with {@code {"voiceFirst": true}}:
     * whether the guardian is called when a no-show or overdue alert goes unanswered; the rest of the
     * guardian stays as it was.
     */
    private HttpReply putVoiceFirst(Site site, String childId, String rawAddress, byte[] bodyBytes) {
        Boolean voiceFirst = JsonBody.parse(bodyBytes, List.of("voiceFirst")).flag("voiceFirst");
        if (voiceFirst == null) {
            throw new InvalidInput("voiceFirst", "is missing: true or false");
        }
        String address = guardianAddress(rawAddress);
        var child = childAt(care, site, childId);
        var guardian = care.guardiansOf(child.id()).stream().filter(g -> g.address().value().equals(address)).findFirst()
                .orElseThrow(() -> new ApiRefusal(404, "this phone is not a guardian of child " + childId));
        if (!guardian.address().isSms()) {
            throw new ApiRefusal(409, "only a guardian with a phone can be called");
        }
        care.linkGuardian(child.id(), new org.shouhu.routes.care.Guardian(guardian.address(), guardian.relation(), voiceFirst));
        LOG.info("guardian {} of child {}: voice first {}", guardian.address().masked(), childId, voiceFirst);
        return reply(200, Map.of("childId", childId, "phone", address, "relation", guardian.relation(),
                "voiceFirst", voiceFirst));
    }

    /** The child of this id at this site, or 404 (a child of another site is not found either). */
    static Child childAt(CareStore care, Site site, String childId) {
        return care.child(childId).filter(c -> c.siteCode().equals(site.code()))
                .orElseThrow(() -> new ApiRefusal(404, "no child " + childId + " at site " + site.code()));
    }

    // --- answers

    private HttpReply reply(int status, Object body) {
        try {
            return HttpReply.json(status, json.writeValueAsString(body));
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("admin answer could not be written as JSON", e);
        }
    }

    /**
     * {@code GET /api/exports/acknowledgements.csv?alert=…} (one alert's recipients) or {@code ?county=…|site=…&from=…&to=…}
     * (every alert sent to those sites on those days).
     */
    private HttpReply acknowledgements(HttpCall call) {
        Reports r = reports();
        String alert = call.queryParam("alert");
        boolean range = java.util.stream.Stream.of("county", "site", "from", "to")
                .anyMatch(p -> call.queryParam(p) != null && !call.queryParam(p).isBlank());
        if (alert != null && !alert.isBlank()) {
            if (range) {
                throw new ApiRefusal(400, "give alert=… alone, or county=… or site=… with from= and to=, not both");
            }
            return csv(r.acknowledgementsCsv(alert));
        }
        if (!range) {
            throw new ApiRefusal(400, "give alert=… for one alert, or county=… or site=… with from= and to= for the alerts of those days");
        }
        return csv(r.acknowledgementsCsv(r.range(call.queryParam("county"), call.queryParam("site"), call.queryParam("from"),
                call.queryParam("to"))));
    }

    /** A CSV file as a download. */
    private static HttpReply csv(Csv.File file) {
        return new HttpReply(200, "text/csv; charset=utf-8", file.bytes())
                .withHeader("Content-Disposition", "attachment; filename=\"" + file.name() + "\"");
    }

    private HttpReply error(int status, String reason) {
        return reply(status, Map.of("error", reason));
    }
}
