package org.shouhu.routes.care;

import org.shouhu.routes.model.Address;

/**
 * A guardian's request to follow a child at a site ({@code DJ 王小明 ZT0427}); nothing about the child
 * reaches the guardian until a staff member of that site approves it ({@code 批 12}).
 *
 * @param no       the request number, unique within the site
 * @param approved whether staff approved it
 */
public record Registration(String siteCode, int no, String childName, Address guardian, String relation,
                           boolean approved) {
}
