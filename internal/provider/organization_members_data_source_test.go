package provider

import (
	"regexp"
	"strings"
	"testing"

	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/knownvalue"
	"github.com/hashicorp/terraform-plugin-testing/statecheck"
	"github.com/hashicorp/terraform-plugin-testing/tfjsonpath"

	"github.com/auditlog/terraform-provider-auditlog/internal/cloudsim"
)

const membersAddr = "data.auditlog_organization_members.test"

func membersCheck(p tfjsonpath.Path, v knownvalue.Check) statecheck.StateCheck {
	return statecheck.ExpectKnownValue(membersAddr, p, v)
}

// orgMemberCheck is one member of the simulator's data set, every field
// exact: what the API leaves out is null.
func orgMemberCheck(m cloudsim.OrgMember) knownvalue.Check {
	str := knownvalue.StringExact
	perms := make([]knownvalue.Check, len(m.OrgPermission))
	for i, p := range m.OrgPermission {
		perms[i] = knownvalue.ObjectExact(map[string]knownvalue.Check{"id": knownvalue.Int64Exact(int64(p.Id)), "name": str(p.Name)})
	}
	ids := make([]knownvalue.Check, len(m.OrgIdentity))
	for i, id := range m.OrgIdentity {
		ids[i] = knownvalue.ObjectExact(map[string]knownvalue.Check{
			"identity_id": knownvalue.Int64Exact(id.IdentityId), "identity_alias_name": str(id.IdentityAliasName),
		})
	}
	var tags knownvalue.Check = knownvalue.Null()
	if m.Tags != nil {
		list := make([]knownvalue.Check, len(m.Tags))
		for i, tag := range m.Tags {
			list[i] = knownvalue.ObjectExact(map[string]knownvalue.Check{"tag_key": str(tag.TagKey), "tag_value": str(tag.TagValue)})
		}
		tags = knownvalue.ListExact(list)
	}
	var nick knownvalue.Check = knownvalue.Null()
	if m.NickName != nil {
		nick = str(*m.NickName)
	}
	return knownvalue.ObjectExact(map[string]knownvalue.Check{
		"member_uin":        knownvalue.Int64Exact(m.MemberUin),
		"name":              str(m.Name),
		"member_type":       str(m.MemberType),
		"org_policy_type":   str(m.OrgPolicyType),
		"org_policy_name":   str(m.OrgPolicyName),
		"org_permission":    knownvalue.ListExact(perms),
		"node_id":           knownvalue.Int64Exact(m.NodeId),
		"node_name":         str(m.NodeName),
		"remark":            str(m.Remark),
		"create_time":       str(m.CreateTime),
		"update_time":       str(m.UpdateTime),
		"is_allow_quit":     str(m.IsAllowQuit),
		"pay_uin":           str(m.PayUin),
		"pay_name":          str(m.PayName),
		"org_identity":      knownvalue.ListExact(ids),
		"bind_status":       str(m.BindStatus),
		"permission_status": str(m.PermissionStatus),
		"tags":              tags,
		"nick_name":         nick,
	})
}

func orgMembersCheck(members []cloudsim.OrgMember) knownvalue.Check {
	checks := make([]knownvalue.Check, len(members))
	for i, m := range members {
		checks[i] = orgMemberCheck(m)
	}
	return knownvalue.ListExact(checks)
}

// 120 members are 3 pages of 50: every member arrives, in order, with every
// field as the simulator holds it.
func TestAccOrganizationMembers_exactAcrossPages(t *testing.T) {
	sim := startSim(t, cloudsim.Options{OrgMembers: 120})
	members := sim.OrganizationMembers()
	resource.Test(t, resource.TestCase{
		ProtoV6ProviderFactories: testAccProtoV6ProviderFactories,
		Steps: []resource.TestStep{{
			Config: sim.providerConfig() + `data "auditlog_organization_members" "test" {}`,
			ConfigStateChecks: []statecheck.StateCheck{
				membersCheck(tfjsonpath.New("total"), knownvalue.Int64Exact(120)),
				membersCheck(tfjsonpath.New("items"), orgMembersCheck(members)),
				membersCheck(tfjsonpath.New("id"), knownvalue.StringRegexp(regexp.MustCompile(`^organization-members-[0-9a-f]{16}$`))),
				evidenceIs(membersAddr, wantEvidence{complete: true, records: 120, identity: true, narrowedBy: []string{}}),
			},
		}},
	})
	// Each read is 3 pages and a member read alone at each of the 2 page
	// borders; the test must not have read more.
	if n := sim.CallCount("DescribeOrganizationMembers"); n == 0 || n%5 != 0 {
		t.Errorf("DescribeOrganizationMembers calls = %d, want a multiple of 5 (3 pages, 2 borders)", n)
	}

	// One member leaves at the head and one joins at the end between two
	// pages: the total stays and no member repeats, but a member who
	// belonged the whole time moved back onto page 1 after it was read.
	// The border shows it; the read starts again and is exact.
	shifted := startSim(t, cloudsim.Options{OrgMembers: 120})
	moved := shifted.OrganizationMembers()[50]
	shifted.InjectFault(cloudsim.Fault{Kind: cloudsim.FaultShiftUp, Action: "DescribeOrganizationMembers", After: 1, Times: 1})
	resource.Test(t, resource.TestCase{
		ProtoV6ProviderFactories: testAccProtoV6ProviderFactories,
		Steps: []resource.TestStep{{
			Config: shifted.providerConfig() + `data "auditlog_organization_members" "test" {}`,
			ConfigStateChecks: []statecheck.StateCheck{
				membersCheck(tfjsonpath.New("total"), knownvalue.Int64Exact(120)),
				// The members as they are after the change.
				lazyStateChecks(func() []statecheck.StateCheck {
					return []statecheck.StateCheck{membersCheck(tfjsonpath.New("items"), orgMembersCheck(shifted.OrganizationMembers()))}
				}),
				membersCheck(tfjsonpath.New("items").AtSliceIndex(49).AtMapKey("member_uin"), knownvalue.Int64Exact(moved.MemberUin)),
				evidenceIs(membersAddr, wantEvidence{complete: true, records: 120, identity: true, narrowedBy: []string{}}),
			},
		}},
	})
	if shifted.FaultCount() == 0 {
		t.Error("the members never shifted: the case proves nothing")
	}

	// Members shifting between every two calls: the second read differs
	// too, and the error says where and what.
	restless := startSim(t, cloudsim.Options{OrgMembers: 120})
	restless.InjectFault(cloudsim.Fault{Kind: cloudsim.FaultShiftUp, Action: "DescribeOrganizationMembers", After: 1})
	resource.Test(t, resource.TestCase{
		ProtoV6ProviderFactories: testAccProtoV6ProviderFactories,
		Steps: []resource.TestStep{{
			Config: restless.providerConfig() + `data "auditlog_organization_members" "test" {}`,
			ExpectError: regexp.MustCompile(`(?s)offset\s+49\s+of\s+organization\s+members,\s+read\s+alone\s+after\s+page\s+2\s+\(RequestId:\s+[0-9a-f-]{36}\),\s+holds\s+MemberUin\s+\d+\s+where\s+page\s+1\s+ended\s+with\s+MemberUin\s+100000000050` +
				`.*second\s+read\s+was\s+inconsistent\s+too`),
		}},
	})
}

// max_items keeps the first members and says the read is incomplete; the
// search arguments narrow it, and a narrowed read that reaches the API's
// Total is complete.
func TestAccOrganizationMembers_maxItemsAndSearches(t *testing.T) {
	sim := startSim(t, cloudsim.Options{OrgMembers: 60})
	members := sim.OrganizationMembers()
	var prod []cloudsim.OrgMember
	for _, m := range members {
		for _, tag := range m.Tags {
			if tag == (cloudsim.OrgTag{TagKey: "env", TagValue: "prod"}) && strings.Contains(m.Name, "a") {
				prod = append(prod, m)
			}
		}
	}
	if len(prod) < 2 {
		t.Fatalf("the data set has %d members tagged env = prod with an a in their name: the test proves nothing", len(prod))
	}
	resource.Test(t, resource.TestCase{
		ProtoV6ProviderFactories: testAccProtoV6ProviderFactories,
		Steps: []resource.TestStep{
			{
				Config: sim.providerConfig() + `data "auditlog_organization_members" "test" { max_items = 57 }`,
				ConfigStateChecks: []statecheck.StateCheck{
					membersCheck(tfjsonpath.New("total"), knownvalue.Int64Exact(60)),
					membersCheck(tfjsonpath.New("items"), orgMembersCheck(members[:57])),
					evidenceIs(membersAddr, wantEvidence{records: 57, identity: true, narrowedBy: []string{"max_items"}}),
				},
			},
			{
				Config: sim.providerConfig() + `data "auditlog_organization_members" "test" {
  lang       = "en"
  search_key = "a"
  tags {
    tag_key   = "env"
    tag_value = "prod"
  }
}`,
				ConfigStateChecks: []statecheck.StateCheck{
					membersCheck(tfjsonpath.New("total"), knownvalue.Int64Exact(int64(len(prod)))),
					membersCheck(tfjsonpath.New("items"), orgMembersCheck(prod)),
					evidenceIs(membersAddr, wantEvidence{complete: true, records: len(prod), identity: true, narrowedBy: []string{"search_key", "tags"}}),
				},
			},
		},
	})
}

func TestAccOrganizationMembers_errors(t *testing.T) {
	noOrg := startSim(t, cloudsim.Options{OrgMembers: -1})
	sim := startSim(t, cloudsim.Options{})
	sim.InjectFault(cloudsim.Fault{Kind: cloudsim.FaultAPIError, Action: "DescribeOrganizationMembers", Code: "FailedOperation.OperateBillingPermissionErr"})
	tags := strings.Repeat("tags {\n  tag_key = \"k\"\n  tag_value = \"v\"\n}\n", 11)
	resource.Test(t, resource.TestCase{
		ProtoV6ProviderFactories: testAccProtoV6ProviderFactories,
		Steps: []resource.TestStep{
			{
				Config: noOrg.providerConfig() + `data "auditlog_organization_members" "test" {}`,
				ExpectError: regexp.MustCompile(`(?s)ResourceNotFound\.OrganizationNotExist.*RequestId:\s+[0-9a-f-]{36}.*` +
					`belongs\s+to\s+no\s+Tencent\s+Cloud\s+Organization`),
			},
			{
				Config:      sim.providerConfig() + `data "auditlog_organization_members" "test" {}`,
				ExpectError: regexp.MustCompile(`(?s)FailedOperation\.OperateBillingPermissionErr.*RequestId:\s+[0-9a-f-]{36}`),
			},
			{
				// Neither Items nor Total: not an organization of no members.
				PreConfig: func() {
					sim.ClearFaults()
					sim.InjectFault(cloudsim.Fault{Kind: cloudsim.FaultNoList, Action: "DescribeOrganizationMembers"})
				},
				Config:      sim.providerConfig() + `data "auditlog_organization_members" "test" {}`,
				ExpectError: regexp.MustCompile(`(?s)no\s+"Items"\s+or\s+"Total"\s+field.*RequestId:\s+[0-9a-f-]{36}`),
			},
			{
				Config:      sim.providerConfig() + `data "auditlog_organization_members" "test" { lang = "fr" }`,
				ExpectError: regexp.MustCompile(`(?s)Attribute lang value must be one of`),
				PlanOnly:    true,
			},
			{
				Config:      sim.providerConfig() + "data \"auditlog_organization_members\" \"test\" {\n" + tags + "}",
				ExpectError: regexp.MustCompile(`(?s)Attribute tags list must contain at most 10 elements`),
				PlanOnly:    true,
			},
		},
	})
	// The refusal is final: one call per read, no retries.
	if n := noOrg.CallCount("DescribeOrganizationMembers"); n == 0 || n > 2 {
		t.Errorf("DescribeOrganizationMembers calls = %d for a final error", n)
	}
}
