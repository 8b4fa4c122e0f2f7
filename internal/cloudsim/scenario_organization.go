package cloudsim

import "fmt"

// The organization scenario: the simulator's own account (the auditor,
// DefaultTencentOwnerUin) and three member accounts, each with a role
// "auditor" that trusts the auditor's account.
//
//   - prod    100000000002: the compliant data set.
//   - finance 100000000003: the noncompliant data set (its seeded findings
//     are those of the noncompliant scenario): the non-compliant member.
//   - dev     100000000004: the compliant data set, but the organization's
//     configuration in scenarios/README.md does not read it: the member that
//     is not audited.
//
// The auditor's own account serves the compliant data set.

// OrganizationScenario is the name of the multi-account scenario.
const OrganizationScenario = "organization"

// OrganizationMember is a member account of the organization scenario.
type OrganizationMember struct {
	Name, Uin, RoleArn string
	// Scenario is the data set the account serves.
	Scenario string
}

// OrganizationMembers are the member accounts of the organization
// scenario, in UIN order.
var OrganizationMembers = []OrganizationMember{
	{Name: "prod", Uin: "100000000002", RoleArn: "qcs::cam::uin/100000000002:roleName/auditor", Scenario: "compliant"},
	{Name: "finance", Uin: "100000000003", RoleArn: "qcs::cam::uin/100000000003:roleName/auditor", Scenario: "noncompliant"},
	{Name: "dev", Uin: "100000000004", RoleArn: "qcs::cam::uin/100000000004:roleName/auditor", Scenario: "compliant"},
}

// OrganizationOptions returns the options of the organization scenario:
// opts with the auditor's own data set and the member accounts set.
func OrganizationOptions(opts Options) (Options, error) {
	own, err := Scenario("compliant")
	if err != nil {
		return opts, err
	}
	opts.Data = own
	opts.Accounts = nil
	for _, m := range OrganizationMembers {
		d, err := Scenario(m.Scenario)
		if err != nil {
			return opts, fmt.Errorf("member %s: %w", m.Name, err)
		}
		opts.Accounts = append(opts.Accounts, Account{Uin: m.Uin, Data: d, Roles: map[string][]string{"auditor": {DefaultTencentOwnerUin}}})
	}
	return opts, nil
}
