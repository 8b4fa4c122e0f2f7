package provider

import (
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/knownvalue"
	"github.com/hashicorp/terraform-plugin-testing/statecheck"
	"github.com/hashicorp/terraform-plugin-testing/tfjsonpath"

	"github.com/auditlog/terraform-provider-auditlog/internal/cloudsim"
)

const tracksAddr = "data.auditlog_cloudaudit_tracks.test"

func tracksCheck(p tfjsonpath.Path, v knownvalue.Check) statecheck.StateCheck {
	return statecheck.ExpectKnownValue(tracksAddr, p, v)
}

func trackAt(i int) tfjsonpath.Path { return tfjsonpath.New("tracks").AtSliceIndex(i) }

// The simulator's data set is derived from the index alone; these are the
// values of its first, second and fourth tracking sets.
func TestAccCloudAuditTracks_readsEveryPage(t *testing.T) {
	sim := startSim(t, cloudsim.Options{Tracks: 45})
	resource.Test(t, resource.TestCase{
		ProtoV6ProviderFactories: testAccProtoV6ProviderFactories,
		Steps: []resource.TestStep{{
			Config: sim.providerConfig() + `
data "auditlog_cloudaudit_tracks" "test" {
  page_size = 20
}`,
			ConfigStateChecks: []statecheck.StateCheck{
				tracksCheck(tfjsonpath.New("total_count"), knownvalue.Int64Exact(45)),
				tracksCheck(tfjsonpath.New("tracks"), knownvalue.ListSizeExact(45)),
				tracksCheck(tfjsonpath.New("region"), knownvalue.StringExact("ap-guangzhou")),
				tracksCheck(tfjsonpath.New("id"), knownvalue.StringRegexp(regexp.MustCompile(`^cloudaudit-tracks-[0-9a-f]{16}$`))),
				tracksCheck(trackAt(0), knownvalue.ObjectExact(map[string]knownvalue.Check{
					"track_id":      knownvalue.Int64Exact(1000),
					"name":          knownvalue.StringExact("audit-all-1"),
					"action_type":   knownvalue.StringExact("*"),
					"resource_type": knownvalue.StringExact("*"),
					"status":        knownvalue.Int64Exact(1),
					"event_names":   knownvalue.ListExact([]knownvalue.Check{knownvalue.StringExact("*")}),
					"create_time":   knownvalue.StringExact("2021-01-14 14:43:38"),
					"storage": knownvalue.ObjectExact(map[string]knownvalue.Check{
						"storage_type":       knownvalue.StringExact("cos"),
						"storage_region":     knownvalue.StringExact("ap-guangzhou"),
						"storage_name":       knownvalue.StringExact("audit-logs-1"),
						"storage_prefix":     knownvalue.StringExact("cloudaudit1"),
						"storage_account_id": knownvalue.Null(),
						"storage_app_id":     knownvalue.Null(),
						"compress":           knownvalue.Int64Exact(1),
					}),
				})),
				tracksCheck(trackAt(1).AtMapKey("event_names"), knownvalue.ListExact([]knownvalue.Check{
					knownvalue.StringExact("CreateUser"), knownvalue.StringExact("DeleteUser"),
					knownvalue.StringExact("AttachUserPolicy"), knownvalue.StringExact("CreateAccessKey"),
				})),
				tracksCheck(trackAt(1).AtMapKey("storage").AtMapKey("compress"), knownvalue.Null()),
				tracksCheck(trackAt(3).AtMapKey("storage").AtMapKey("storage_account_id"), knownvalue.StringExact("100000031003")),
				tracksCheck(trackAt(44).AtMapKey("track_id"), knownvalue.Int64Exact(1044)),
			},
		}},
	})
	// Each plan and apply reads 3 pages; the test must not have read more.
	if n := sim.CallCount("DescribeAuditTracks"); n%3 != 0 || n == 0 {
		t.Errorf("DescribeAuditTracks calls = %d, want a multiple of 3 pages", n)
	}
}

func TestAccCloudAuditTracks_singlePage(t *testing.T) {
	sim := startSim(t, cloudsim.Options{Tracks: 45})
	resource.Test(t, resource.TestCase{
		ProtoV6ProviderFactories: testAccProtoV6ProviderFactories,
		Steps: []resource.TestStep{{
			Config: sim.providerConfig() + `
data "auditlog_cloudaudit_tracks" "test" {
  page_number = 3
  page_size   = 20
}`,
			ConfigStateChecks: []statecheck.StateCheck{
				tracksCheck(tfjsonpath.New("total_count"), knownvalue.Int64Exact(45)),
				tracksCheck(tfjsonpath.New("tracks"), knownvalue.ListSizeExact(5)),
				tracksCheck(trackAt(0).AtMapKey("track_id"), knownvalue.Int64Exact(1040)),
				tracksCheck(trackAt(4).AtMapKey("track_id"), knownvalue.Int64Exact(1044)),
			},
		}},
	})
	if n := sim.CallCount("DescribeAuditTracks"); n == 0 {
		t.Error("no DescribeAuditTracks call reached the simulator")
	}
}

func TestAccCloudAuditTracks_maxItemsAndEmpty(t *testing.T) {
	sim := startSim(t, cloudsim.Options{Tracks: 45})
	empty := startSim(t, cloudsim.Options{Tracks: -1})
	resource.Test(t, resource.TestCase{
		ProtoV6ProviderFactories: testAccProtoV6ProviderFactories,
		Steps: []resource.TestStep{
			{
				Config: sim.providerConfig() + `
data "auditlog_cloudaudit_tracks" "test" {
  max_items = 7
  page_size = 5
}`,
				ConfigStateChecks: []statecheck.StateCheck{
					tracksCheck(tfjsonpath.New("total_count"), knownvalue.Int64Exact(45)),
					tracksCheck(tfjsonpath.New("tracks"), knownvalue.ListSizeExact(7)),
					tracksCheck(trackAt(6).AtMapKey("track_id"), knownvalue.Int64Exact(1006)),
				},
			},
			{
				Config: empty.providerConfig() + `
data "auditlog_cloudaudit_tracks" "test" {
  region = "ap-singapore"
}`,
				ConfigStateChecks: []statecheck.StateCheck{
					tracksCheck(tfjsonpath.New("total_count"), knownvalue.Int64Exact(0)),
					tracksCheck(tfjsonpath.New("tracks"), knownvalue.ListSizeExact(0)),
					tracksCheck(tfjsonpath.New("region"), knownvalue.StringExact("ap-singapore")),
				},
			},
		},
	})
}

// A page-size cap the API does not document is learned, not fatal: every
// tracking set is read, in order, and the cap is logged once at WARN (seen
// through terraform with TF_LOG=WARN and TF_LOG_PATH). An explicit page is
// returned exactly as the API sent it.
func TestAccCloudAuditTracks_silentPageCapIsLearned(t *testing.T) {
	sim := startSim(t, cloudsim.Options{Tracks: 30})
	sim.CapPageSize("DescribeAuditTracks", 4)
	logPath := filepath.Join(t.TempDir(), "terraform.log")
	t.Setenv("TF_LOG", "WARN")
	t.Setenv("TF_LOG_PATH", logPath)
	ids := func(from, n int) knownvalue.Check {
		checks := make([]knownvalue.Check, n)
		for i := range checks {
			checks[i] = knownvalue.ObjectPartial(map[string]knownvalue.Check{"track_id": knownvalue.Int64Exact(int64(from + i))})
		}
		return knownvalue.ListExact(checks)
	}
	resource.Test(t, resource.TestCase{
		ProtoV6ProviderFactories: testAccProtoV6ProviderFactories,
		Steps: []resource.TestStep{
			{
				Config: sim.providerConfig() + `data "auditlog_cloudaudit_tracks" "test" { page_size = 20 }`,
				ConfigStateChecks: []statecheck.StateCheck{
					tracksCheck(tfjsonpath.New("tracks"), ids(1000, 30)),
					tracksCheck(tfjsonpath.New("total_count"), knownvalue.Int64Exact(30)),
					tracksCheck(tfjsonpath.New("page_size"), knownvalue.Int64Exact(20)),
				},
			},
			{
				// Page 2 of 20 as the API serves it: 4 tracking sets from
				// offset 20, and a warning.
				Config: sim.providerConfig() + `data "auditlog_cloudaudit_tracks" "test" {
  page_number = 2
  page_size   = 20
}`,
				ConfigStateChecks: []statecheck.StateCheck{
					tracksCheck(tfjsonpath.New("tracks"), ids(1020, 4)),
					tracksCheck(tfjsonpath.New("total_count"), knownvalue.Int64Exact(30)),
				},
			},
		},
	})
	log, err := os.ReadFile(logPath)
	if err != nil {
		t.Fatal(err)
	}
	var warns []string
	for _, line := range strings.Split(string(log), "\n") {
		if strings.Contains(line, "[WARN]") && strings.Contains(line, "caps pages") {
			warns = append(warns, line)
		}
	}
	if len(warns) == 0 || !strings.Contains(warns[0], "DescribeAuditTracks caps pages at 4 tracking sets") {
		t.Errorf("no WARN line names the learned cap; lines: %q", warns)
	}
}

func TestAccCloudAuditTracks_apiErrors(t *testing.T) {
	sim := startSim(t, cloudsim.Options{})
	wrongKey := sim.providerBlock(withTencentSecretKey("not-the-secret-key"), without(ucloudBlock, "max_retries")) + `
data "auditlog_cloudaudit_tracks" "test" {}
`
	unknownID := sim.providerBlock(withTencentSecretID("AKIDunknown000000000000000000000000"), without(ucloudBlock, "max_retries")) + `
data "auditlog_cloudaudit_tracks" "test" {}
`
	resource.Test(t, resource.TestCase{
		ProtoV6ProviderFactories: testAccProtoV6ProviderFactories,
		Steps: []resource.TestStep{
			{
				Config:      wrongKey,
				ExpectError: regexp.MustCompile(`(?s)AuthFailure\.SignatureFailure.*RequestId:\s+[0-9a-f-]{36}`),
			},
			{
				Config:      unknownID,
				ExpectError: regexp.MustCompile(`AuthFailure\.SecretIdNotFound`),
			},
			{
				Config:      sim.providerConfig() + `data "auditlog_cloudaudit_tracks" "test" { region = "ap-atlantis" }`,
				ExpectError: regexp.MustCompile(`(?s)UnsupportedRegion.*ap-atlantis`),
			},
		},
	})
}

func TestAccCloudAuditTracks_invalidArguments(t *testing.T) {
	sim := startSim(t, cloudsim.Options{})
	cases := map[string]struct {
		args string
		want string
	}{
		"page_number zero":          {`page_number = 0`, `(?s)Attribute page_number value must be at least 1`},
		"page_size zero":            {`page_size = 0`, `(?s)Attribute page_size value must be at least 1`},
		"max_items zero":            {`max_items = 0`, `(?s)Attribute max_items value must be at least 1`},
		"page_number and max_items": {"page_number = 1\nmax_items = 5", `(?s)Attribute "max_items" cannot be specified when "page_number" is specified`},
		"region not an ID":          {`region = "Guangzhou"`, `(?s)Attribute region must be a Tencent Cloud region ID`},
		"page_size wrong type":      {`page_size = "many"`, `(?s)Inappropriate value for attribute "page_size"`},
	}
	for name, tc := range cases {
		t.Run(name, func(t *testing.T) {
			resource.Test(t, resource.TestCase{
				ProtoV6ProviderFactories: testAccProtoV6ProviderFactories,
				Steps: []resource.TestStep{{
					Config:      sim.providerConfig() + "data \"auditlog_cloudaudit_tracks\" \"test\" {\n" + tc.args + "\n}",
					ExpectError: regexp.MustCompile(tc.want),
					PlanOnly:    true,
				}},
			})
		})
	}
	if n := sim.CallCount("DescribeAuditTracks"); n != 0 {
		t.Errorf("invalid arguments reached the API %d times; they must fail at plan time", n)
	}
}

func TestAccCloudAuditTracks_assumeRole(t *testing.T) {
	sim := startSim(t, cloudsim.Options{Tracks: 3})
	resource.Test(t, resource.TestCase{
		ProtoV6ProviderFactories: testAccProtoV6ProviderFactories,
		Steps: []resource.TestStep{{
			Config: sim.providerBlock(withTencentBlocks(`
assume_role {
  role_arn         = "qcs::cam::uin/100000000001:roleName/auditor"
  session_name     = "compliance-check"
  session_duration = 900
}`), without(ucloudBlock, "max_retries")) + `
data "auditlog_cloudaudit_tracks" "test" {}
`,
			ConfigStateChecks: []statecheck.StateCheck{
				tracksCheck(tfjsonpath.New("tracks"), knownvalue.ListSizeExact(3)),
				// The evidence names the identity the reads act as: the
				// role, in the account that owns it.
				tracksCheck(tfjsonpath.New("evidence").AtMapKey("account_id"), knownvalue.StringExact(cloudsim.DefaultTencentOwnerUin)),
				tracksCheck(tfjsonpath.New("evidence").AtMapKey("principal_arn"),
					knownvalue.StringRegexp(regexp.MustCompile(`^qcs::sts:`+cloudsim.DefaultTencentOwnerUin+`:assumed-role/[0-9]+$`))),
			},
		}},
	})
	if sim.CallCount("AssumeRole") == 0 {
		t.Error("the role was never assumed through STS")
	}
}

// A configuration that only names UCloud must not need Tencent keys until a
// Tencent data source is read, and then the error says what to set.
func TestAccCloudAuditTracks_missingCredentials(t *testing.T) {
	sim := startSim(t, cloudsim.Options{})
	resource.Test(t, resource.TestCase{
		ProtoV6ProviderFactories: testAccProtoV6ProviderFactories,
		Steps: []resource.TestStep{{
			Config: sim.providerBlock(without("tencentcloud.secret_id", "tencentcloud.secret_key", ucloudBlock, "max_retries")) + `
data "auditlog_cloudaudit_tracks" "test" {}
`,
			ExpectError: regexp.MustCompile(`(?s)Missing Tencent Cloud credentials.*TENCENTCLOUD_SECRET_ID`),
		}},
	})
}
