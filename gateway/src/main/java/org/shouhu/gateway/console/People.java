package org.shouhu.gateway.console;

import java.util.Optional;
import java.util.TreeSet;
import org.shouhu.gateway.store.redis.RedisCityAdmins;
import org.shouhu.routes.care.Coordinator;
import org.shouhu.routes.care.Site;
import org.shouhu.routes.care.StaffMember;
import org.shouhu.routes.care.StaffRole;
import org.shouhu.routes.model.Address;
import org.shouhu.routes.model.Phone;
import org.shouhu.routes.port.CareStore;
import org.shouhu.routes.port.SafetyStore;

/**
 * Who a phone is, read from the roster at each request: a city admin, a county's coordinator, a
 * site's captain or volunteer (the highest wins), or nobody. Taking someone off the roster takes
 * their console away at their next click.
 */
public final class People {

    private final CareStore care;
    private final SafetyStore safety;
    private final RedisCityAdmins cityAdmins;

    public People(CareStore care, SafetyStore safety, RedisCityAdmins cityAdmins) {
        this.care = care;
        this.safety = safety;
        this.cityAdmins = cityAdmins;
    }

    public Optional<Viewer> who(Phone phone) {
        Optional<String> admin = cityAdmins.name(phone);
        if (admin.isPresent()) {
            return Optional.of(new Viewer(phone, admin.get(), Role.CITY_ADMIN, null, null));
        }
        for (String county : counties()) {
            Optional<Coordinator> c = safety.coordinator(county);
            if (c.isPresent() && c.get().phone().equals(phone)) {
                return Optional.of(new Viewer(phone, c.get().name(), Role.COORDINATOR, null, county));
            }
        }
        Optional<StaffMember> staff = care.identify(Address.of(phone)).staff();
        return staff.map(s -> new Viewer(phone, s.name(), s.role() == StaffRole.CAPTAIN ? Role.CAPTAIN : Role.VOLUNTEER,
                s.siteCode(), null));
    }

    /** Every county that has a site, in order. */
    public TreeSet<String> counties() {
        TreeSet<String> counties = new TreeSet<>();
        care.sites().stream().map(Site::county).forEach(counties::add);
        return counties;
    }
}
