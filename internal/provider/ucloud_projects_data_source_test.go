package provider

import (
	"regexp"
	"testing"

	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/knownvalue"
	"github.com/hashicorp/terraform-plugin-testing/statecheck"
	"github.com/hashicorp/terraform-plugin-testing/tfjsonpath"

	"github.com/auditlog/terraform-provider-auditlog/internal/cloudsim"
)

const projectsAddr = "data.auditlog_ucloud_projects.test"

func projectsCheck(p tfjsonpath.Path, v knownvalue.Check) statecheck.StateCheck {
	return statecheck.ExpectKnownValue(projectsAddr, p, v)
}

// ucloudProjectsCheck is the simulator's projects, every field exact.
func ucloudProjectsCheck(projects []cloudsim.UCloudProject) knownvalue.Check {
	opt := func(p *string) knownvalue.Check {
		if p == nil {
			return knownvalue.Null()
		}
		return knownvalue.StringExact(*p)
	}
	checks := make([]knownvalue.Check, len(projects))
	for i, p := range projects {
		checks[i] = knownvalue.ObjectExact(map[string]knownvalue.Check{
			"project_id":     knownvalue.StringExact(p.ProjectId),
			"project_name":   knownvalue.StringExact(p.ProjectName),
			"parent_id":      opt(p.ParentId),
			"parent_name":    opt(p.ParentName),
			"create_time":    knownvalue.Int64Exact(p.CreateTime),
			"is_default":     knownvalue.Bool(p.IsDefault),
			"member_count":   knownvalue.Int64Exact(p.MemberCount),
			"resource_count": knownvalue.Int64Exact(p.ResourceCount),
		})
	}
	return knownvalue.ListExact(checks)
}

func TestAccUCloudProjects_listing(t *testing.T) {
	sim := startSim(t, cloudsim.Options{UCloudProjects: 5})
	projects := sim.UCloudProjects()
	resource.Test(t, resource.TestCase{
		ProtoV6ProviderFactories: testAccProtoV6ProviderFactories,
		Steps: []resource.TestStep{
			{
				Config: sim.providerConfig() + `data "auditlog_ucloud_projects" "test" {}`,
				ConfigStateChecks: []statecheck.StateCheck{
					projectsCheck(tfjsonpath.New("project_count"), knownvalue.Int64Exact(5)),
					projectsCheck(tfjsonpath.New("project_set"), ucloudProjectsCheck(projects)),
					projectsCheck(tfjsonpath.New("project_set").AtSliceIndex(0).AtMapKey("project_id"), knownvalue.StringExact(cloudsim.DefaultUCloudProjectID)),
					// No ProjectId is sent, whatever the provider's ucloud.project_id.
					evidenceIs(projectsAddr, wantEvidence{complete: true, records: 5, narrowedBy: []string{}}),
				},
			},
			{
				Config: sim.providerConfig() + `data "auditlog_ucloud_projects" "test" {
  is_finance = "Yes"
  max_items  = 2
}`,
				ConfigStateChecks: []statecheck.StateCheck{
					projectsCheck(tfjsonpath.New("project_count"), knownvalue.Int64Exact(5)),
					projectsCheck(tfjsonpath.New("project_set"), ucloudProjectsCheck(projects[:2])),
					evidenceIs(projectsAddr, wantEvidence{records: 2, narrowedBy: []string{"is_finance", "max_items"}}),
				},
			},
		},
	})
	// One call per read (plan, apply and refresh of two steps), never more.
	if n := sim.CallCount("GetProjectList"); n == 0 || n > 8 {
		t.Errorf("GetProjectList calls = %d", n)
	}
}

func TestAccUCloudProjects_errors(t *testing.T) {
	sim := startSim(t, cloudsim.Options{})
	sim.InjectFault(cloudsim.Fault{Kind: cloudsim.FaultAPIError, Action: "GetProjectList", Code: "299"})
	resource.Test(t, resource.TestCase{
		ProtoV6ProviderFactories: testAccProtoV6ProviderFactories,
		Steps: []resource.TestStep{
			{
				Config:      sim.providerConfig() + `data "auditlog_ucloud_projects" "test" {}`,
				ExpectError: regexp.MustCompile(`(?s)Reading UCloud projects.*RetCode 299: Injected fault 299 \(RequestId:\s+[0-9a-f-]{36}\)`),
			},
			{
				// ProjectSet and ProjectCount repeated in another case: a
				// reader that keeps the last reads 1 project of 3, complete.
				PreConfig: func() {
					sim.ClearFaults()
					sim.InjectFault(cloudsim.Fault{Kind: cloudsim.FaultDuplicateKey, Action: "GetProjectList"})
				},
				Config: sim.providerConfig() + `data "auditlog_ucloud_projects" "test" {}`,
				ExpectError: regexp.MustCompile(`(?s)Reading UCloud projects.*duplicate\s+key\s+"projectSet"\s+in\s+the\s+top-level\s+object\s+\(the\s+same\s+field\s+as\s+"ProjectSet".*` +
					`RequestId:\s+[0-9a-f-]{36}`),
			},
			{
				Config:      sim.providerConfig() + `data "auditlog_ucloud_projects" "test" { is_finance = "maybe" }`,
				ExpectError: regexp.MustCompile(`(?s)Attribute is_finance value must be one of`),
				PlanOnly:    true,
			},
		},
	})
}
