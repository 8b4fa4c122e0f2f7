package cloudsim

import (
	"strconv"
	"testing"
)

// The organization's member list names each account of the organization
// scenario as the scenario (and its README) does: a configuration written
// from DescribeOrganizationMembers finds finance where the guide says.
func TestOrgMemberNamesMatchOrganizationScenario(t *testing.T) {
	owner, _ := strconv.ParseInt(DefaultTencentOwnerUin, 10, 64)
	for _, m := range OrganizationMembers {
		uin, _ := strconv.ParseInt(m.Uin, 10, 64)
		if got := buildOrgMember(int(uin - owner)); got.Name != m.Name || got.MemberUin != uin {
			t.Errorf("member %s: listed as %s (%d), the scenario calls it %s", m.Uin, got.Name, got.MemberUin, m.Name)
		}
	}
}
