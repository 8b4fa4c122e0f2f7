package provider

import (
	"encoding/json"
	"fmt"
	"regexp"
	"strconv"
	"testing"
	"time"

	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/knownvalue"
	"github.com/hashicorp/terraform-plugin-testing/statecheck"
	"github.com/hashicorp/terraform-plugin-testing/terraform"
	"github.com/hashicorp/terraform-plugin-testing/tfjsonpath"

	"github.com/auditlog/terraform-provider-auditlog/internal/cloudsim"
)

// Acceptance tests of the CLS data sources against the simulator's CLS
// half, which checks signatures and enforces the documented limits.

// clsSimTopic is the topic of the 29th generated tracking set (every
// product, ActionType Write), in ap-hongkong.
const (
	clsSimTopic  = "5a1c001c-4d2e-4c1a-9e7b-3f00aa00001c"
	clsSimRegion = "ap-hongkong"
)

func startCLSSim(t *testing.T, events int, topic cloudsim.CLSTopicOptions) *testSim {
	t.Helper()
	return startSim(t, cloudsim.Options{Tracks: 29, CLS: cloudsim.CLSOptions{
		Events: events, Days: 180, Topics: map[string]cloudsim.CLSTopicOptions{clsSimTopic: topic},
	}})
}

// clsSimWindow covers the simulator's 180 days and ends 16 minutes ago;
// served is the logs in it, ascending, as SearchLog serves them (From
// inclusive, To exclusive).
func clsSimWindow(sim *testSim) (from, to int64, served []cloudsim.CLSLog) {
	to = time.Now().Add(-16 * time.Minute).Unix()
	from = to - 181*24*3600
	for _, l := range sim.CLSLogs(clsSimTopic) {
		if l.Time >= from*1000 && l.Time < to*1000 {
			served = append(served, l)
		}
	}
	return from, to, served
}

func clsSimSearch(sim *testSim, body string) string {
	return sim.providerConfig() + fmt.Sprintf(`
data "auditlog_cls_search" "test" {
  region   = %q
  topic_id = %q
%s
}`, clsSimRegion, clsSimTopic, body)
}

// checkEveryLog compares every log of the state, in order, with what the
// simulator served: time, log_json, topic and, decoded, the identity.
func checkEveryLog(served []cloudsim.CLSLog, decoded bool) resource.TestCheckFunc {
	return func(s *terraform.State) error {
		rs := s.RootModule().Resources[clsSearchAddr]
		if rs == nil {
			return fmt.Errorf("%s not in state", clsSearchAddr)
		}
		a := rs.Primary.Attributes
		if a["logs.#"] != strconv.Itoa(len(served)) {
			return fmt.Errorf("%s logs, served %d", a["logs.#"], len(served))
		}
		for i, l := range served {
			p := fmt.Sprintf("logs.%d.", i)
			if a[p+"time"] != strconv.FormatInt(l.Time, 10) || a[p+"log_json"] != l.LogJson || a[p+"topic_id"] != clsSimTopic ||
				a[p+"pkg_id"] != l.PkgId || a[p+"pkg_log_id"] != l.PkgLogId {
				return fmt.Errorf("log %d: time %s, topic %s, package %s/%s, log_json %.80s; served time %d, %s/%s, %.80s", i, a[p+"time"], a[p+"topic_id"],
					a[p+"pkg_id"], a[p+"pkg_log_id"], a[p+"log_json"], l.Time, l.PkgId, l.PkgLogId, l.LogJson)
			}
			if !decoded {
				continue
			}
			var doc map[string]any
			if err := json.Unmarshal([]byte(l.LogJson), &doc); err != nil {
				return err
			}
			want := doc["userIdentity.principalId"]
			shape := "flattened"
			if s, ok := doc["userIdentity"].(string); ok {
				var id map[string]any
				if err := json.Unmarshal([]byte(s), &id); err != nil {
					return err
				}
				want, shape = id["principalId"], "json_string"
			}
			if a[p+"cloudaudit.principal_id"] != fmt.Sprint(want) || a[p+"cloudaudit.identity_shape"] != shape ||
				a[p+"cloudaudit.event_name"] != fmt.Sprint(doc["eventName"]) {
				return fmt.Errorf("log %d: principal %s (%s), event %s; served %v (%s), %v", i, a[p+"cloudaudit.principal_id"],
					a[p+"cloudaudit.identity_shape"], a[p+"cloudaudit.event_name"], want, shape, doc["eventName"])
			}
		}
		return nil
	}
}

// More than the 10,000 rows a Context walk allows, every log once and as
// served, complete because the histogram agrees; then, decoded as CloudAudit
// events on smaller topics, userIdentity as flattened keys and as one JSON
// string. The large read is not decoded: Terraform's handling of ten
// thousand decoded objects costs minutes and proves nothing the small ones
// do not.
func TestAccCLSSim_readsPast10000RowsBothIdentityShapes(t *testing.T) {
	for name, c := range map[string]struct {
		opts   cloudsim.CLSTopicOptions
		events int
		least  int
		shape  string // "" when not decoded
	}{
		// 14,000 generated events put about 10,650 in the topic.
		"past 10000 rows": {cloudsim.CLSTopicOptions{}, 14_000, 10_001, ""},
		"flattened":       {cloudsim.CLSTopicOptions{}, 3_000, 1_000, "flattened"},
		"json_string":     {cloudsim.CLSTopicOptions{JSONUserIdentity: true}, 3_000, 1_000, "json_string"},
	} {
		t.Run(name, func(t *testing.T) {
			sim := startCLSSim(t, c.events, c.opts)
			from, to, served := clsSimWindow(sim)
			if len(served) < c.least {
				t.Fatalf("the topic serves %d logs in the window: the test needs at least %d", len(served), c.least)
			}
			decode := c.shape != ""
			checks := []statecheck.StateCheck{
				clsSearchCheck(tfjsonpath.New("evidence").AtMapKey("complete"), knownvalue.Bool(true)),
				clsSearchCheck(tfjsonpath.New("evidence").AtMapKey("records"), knownvalue.Int64Exact(int64(len(served)))),
				clsSearchCheck(tfjsonpath.New("evidence").AtMapKey("region"), knownvalue.StringExact(clsSimRegion)),
				clsSearchCheck(tfjsonpath.New("search_evidence").AtMapKey("histogram_total"), knownvalue.Int64Exact(int64(len(served)))),
				clsSearchCheck(tfjsonpath.New("search_evidence").AtMapKey("paging"), knownvalue.StringExact("offset")),
			}
			if decode {
				checks = append(checks, clsSearchCheck(tfjsonpath.New("logs").AtSliceIndex(0).AtMapKey("cloudaudit").AtMapKey("identity_shape"), knownvalue.StringExact(c.shape)))
			}
			resource.Test(t, resource.TestCase{
				ProtoV6ProviderFactories: testAccProtoV6ProviderFactories,
				Steps: []resource.TestStep{{
					Config:            clsSimSearch(sim, fmt.Sprintf("query = \"*\"\nfrom = %d\nto = %d\nsort = \"asc\"\ndecode_cloudaudit = %t", from, to, decode)),
					Check:             checkEveryLog(served, decode),
					ConfigStateChecks: checks,
				}},
			})
		})
	}
}

// Where SearchLog refuses Offset past 5,000 rows (FailedOperation.
// GetlogReachLimit, one of the refusals DESIGN.md lists), the read starts
// over in histogram slices walked by Context and reads past 10,000 rows
// exactly: every log once and as served, complete, no resume_token.
func TestAccCLSSim_offsetRefusedReadsHistogramSlices(t *testing.T) {
	// 14,000 generated events put about 10,650 in the topic.
	sim := startCLSSim(t, 14_000, cloudsim.CLSTopicOptions{OffsetCap: 5_000, OffsetCapCode: "reach-limit"})
	from, to, served := clsSimWindow(sim)
	if len(served) <= 10_000 {
		t.Fatalf("the topic serves %d logs in the window: the test needs more than 10,000", len(served))
	}
	resource.Test(t, resource.TestCase{
		ProtoV6ProviderFactories: testAccProtoV6ProviderFactories,
		Steps: []resource.TestStep{{
			Config: clsSimSearch(sim, fmt.Sprintf("query = \"*\"\nfrom = %d\nto = %d\nsort = \"asc\"", from, to)),
			Check:  checkEveryLog(served, false),
			ConfigStateChecks: []statecheck.StateCheck{
				clsSearchCheck(tfjsonpath.New("evidence").AtMapKey("complete"), knownvalue.Bool(true)),
				clsSearchCheck(tfjsonpath.New("evidence").AtMapKey("records"), knownvalue.Int64Exact(int64(len(served)))),
				clsSearchCheck(tfjsonpath.New("search_evidence").AtMapKey("histogram_total"), knownvalue.Int64Exact(int64(len(served)))),
				clsSearchCheck(tfjsonpath.New("search_evidence").AtMapKey("paging"), knownvalue.StringExact("histogram_slices")),
				clsSearchCheck(tfjsonpath.New("search_evidence").AtMapKey("incomplete_because"), knownvalue.ListExact([]knownvalue.Check{})),
				clsSearchCheck(tfjsonpath.New("resume_token"), knownvalue.Null()),
			},
		}},
	})
}

// Where Offset is refused and one histogram bucket holds more logs than a
// Context walk returns (the simulator keeping its buckets wider than the
// whole window), the read cannot be exact: it fails naming both numbers.
func TestAccCLSSim_offsetRefusedBucketOverTheContextCap(t *testing.T) {
	sim := startSim(t, cloudsim.Options{Tracks: 29, CLS: cloudsim.CLSOptions{
		Events: 14_000, Days: 180, HistogramMinInterval: 200 * 24 * 3600 * 1000,
		Topics: map[string]cloudsim.CLSTopicOptions{clsSimTopic: {OffsetRefusal: "unknown"}},
	}})
	from, to, served := clsSimWindow(sim)
	resource.Test(t, resource.TestCase{
		ProtoV6ProviderFactories: testAccProtoV6ProviderFactories,
		Steps: []resource.TestStep{{
			Config:      clsSimSearch(sim, fmt.Sprintf("query = \"*\"\nfrom = %d\nto = %d", from, to)),
			ExpectError: regexp.MustCompile(fmt.Sprintf(`(?s)UnknownParameter.*%d\s+logs\s+in\s+one\s+bucket.*more\s+than\s+the\s+10000\s+one\s+Context.*cannot\s+be\s+exact`, len(served))),
		}},
	})
}

// A key-value query the simulator's CQL matches, read in full and equal to
// the histogram.
func TestAccCLSSim_keyValueQuery(t *testing.T) {
	sim := startCLSSim(t, 3_000, cloudsim.CLSTopicOptions{HotPeriod: 60})
	_, to, _ := clsSimWindow(sim)
	from := to - 50*24*3600 // within hot_period: key-value search is documented there
	resource.Test(t, resource.TestCase{
		ProtoV6ProviderFactories: testAccProtoV6ProviderFactories,
		Steps: []resource.TestStep{{
			Config: clsSimSearch(sim, fmt.Sprintf("query = \"eventName:DeleteUser\"\nfrom = %d\nto = %d\ndecode_cloudaudit = true", from, to)),
			ConfigStateChecks: []statecheck.StateCheck{
				clsSearchCheck(tfjsonpath.New("evidence").AtMapKey("complete"), knownvalue.Bool(true)),
				clsSearchCheck(tfjsonpath.New("logs").AtSliceIndex(0).AtMapKey("cloudaudit").AtMapKey("event_name"), knownvalue.StringExact("DeleteUser")),
			},
		}},
	})
}

// Each fault is retried or fails as documented; evidence is false on every
// path that cannot be proven complete.
func TestAccCLSSim_faults(t *testing.T) {
	type step struct {
		opts     cloudsim.CLSTopicOptions
		fault    *cloudsim.Fault
		query    string
		complete bool
		err      string
	}
	for name, c := range map[string]step{
		"throttled search retried": {fault: &cloudsim.Fault{Kind: cloudsim.FaultAPIError, Action: "SearchLog", Code: "LimitExceeded.LogSearch", Times: 1}, query: "*", complete: true},
		"engine failure retried":   {fault: &cloudsim.Fault{Kind: cloudsim.FaultAPIError, Action: "DescribeLogHistogram", Code: "InternalError.SearchFailed", Times: 1}, query: "*", complete: true},
		"timeout retried":          {fault: &cloudsim.Fault{Kind: cloudsim.FaultAPIError, Action: "SearchLog", Code: "FailedOperation.SearchTimeout", Times: 1}, query: "*", complete: true},
		"histogram disagrees":      {fault: &cloudsim.Fault{Kind: cloudsim.FaultHistogramSkew, Records: 2}, query: "*", complete: false},
		"cold, key-value":          {opts: cloudsim.CLSTopicOptions{Cold: true}, query: "eventName:DeleteUser", complete: false},
		"cold, full text":          {opts: cloudsim.CLSTopicOptions{Cold: true}, query: "DeleteUser", complete: true},
		"past hot_period":          {opts: cloudsim.CLSTopicOptions{HotPeriod: 7}, query: "eventName:DeleteUser", complete: false},
		"past hot_period, omitted": {opts: cloudsim.CLSTopicOptions{HotPeriod: 7, IAWindow: "omit"}, query: "eventName:DeleteUser", complete: false},
		"past hot_period, refused": {opts: cloudsim.CLSTopicOptions{HotPeriod: 7, IAWindow: "refuse"}, query: "eventName:DeleteUser", complete: false},
		"isolated topic":           {opts: cloudsim.CLSTopicOptions{Isolated: true}, query: "*", err: `(?s)topic_id.*FailedOperation\.TopicIsolated.*RequestId`},
		"CQL not enabled":          {opts: cloudsim.CLSTopicOptions{NoCQL: true}, query: "*", err: `(?s)query.*OperationDenied\.NewSyntaxNotSupported`},
		"syntax error":             {query: "*Delete", err: `(?s)query.*FailedOperation\.SyntaxError`},
	} {
		t.Run(name, func(t *testing.T) {
			sim := startCLSSim(t, 2_000, c.opts)
			from, to, _ := clsSimWindow(sim)
			if c.fault != nil {
				sim.InjectFault(*c.fault)
			}
			st := resource.TestStep{Config: clsSimSearch(sim, fmt.Sprintf("query = %q\nfrom = %d\nto = %d", c.query, from, to))}
			if c.err != "" {
				st.ExpectError = regexp.MustCompile(c.err)
			} else {
				st.ConfigStateChecks = []statecheck.StateCheck{clsSearchCheck(tfjsonpath.New("evidence").AtMapKey("complete"), knownvalue.Bool(c.complete))}
			}
			resource.Test(t, resource.TestCase{ProtoV6ProviderFactories: testAccProtoV6ProviderFactories, Steps: []resource.TestStep{st}})
		})
	}
}

// A histogram whose edge buckets count logs outside the window disagrees
// with the read: not complete, both numbers named.
func TestAccCLSSim_histogramWholeEdgesIsIncomplete(t *testing.T) {
	// 20,000 events over 180 days, one every 13 minutes; a window of 30
	// days ending 40 days ago has buckets of 3.6 hours, and its edge
	// buckets reach hours outside it.
	sim := startSim(t, cloudsim.Options{Tracks: 29, CLS: cloudsim.CLSOptions{Events: 20_000, Days: 180, HistogramWholeEdges: true}})
	to := time.Now().Add(-40*24*time.Hour).Unix() + 1_234
	from := to - 30*24*3600
	var served []cloudsim.CLSLog
	for _, l := range sim.CLSLogs(clsSimTopic) {
		if l.Time >= from*1000 && l.Time < to*1000 {
			served = append(served, l)
		}
	}
	resource.Test(t, resource.TestCase{
		ProtoV6ProviderFactories: testAccProtoV6ProviderFactories,
		Steps: []resource.TestStep{{
			Config: clsSimSearch(sim, fmt.Sprintf("query = \"*\"\nfrom = %d\nto = %d", from, to)),
			ConfigStateChecks: []statecheck.StateCheck{
				clsSearchCheck(tfjsonpath.New("logs"), knownvalue.ListSizeExact(len(served))),
				clsSearchCheck(tfjsonpath.New("evidence").AtMapKey("complete"), knownvalue.Bool(false)),
				clsSearchCheck(tfjsonpath.New("search_evidence").AtMapKey("incomplete_because"), knownvalue.ListExact([]knownvalue.Check{
					knownvalue.StringRegexp(regexp.MustCompile(fmt.Sprintf(`with %d logs .* counts \d+ `, len(served))))})),
			},
		}},
	})
}

// Logs arriving late (delivery lag) under a window ending now: the read is
// not complete.
func TestAccCLSSim_deliveryLagWindowIsIncomplete(t *testing.T) {
	sim := startSim(t, cloudsim.Options{Tracks: 29, CLS: cloudsim.CLSOptions{Events: 500, Days: 1, DeliveryLag: true}})
	to := time.Now().Unix()
	resource.Test(t, resource.TestCase{
		ProtoV6ProviderFactories: testAccProtoV6ProviderFactories,
		Steps: []resource.TestStep{{
			Config: clsSimSearch(sim, fmt.Sprintf("query = \"*\"\nfrom = %d\nto = %d", to-2*24*3600, to)),
			ConfigStateChecks: []statecheck.StateCheck{
				clsSearchCheck(tfjsonpath.New("evidence").AtMapKey("complete"), knownvalue.Bool(false)),
				clsSearchCheck(tfjsonpath.New("search_evidence").AtMapKey("incomplete_because"), knownvalue.ListExact([]knownvalue.Check{
					knownvalue.StringRegexp(regexp.MustCompile(`under 15 minutes ago`))})),
			},
		}},
	})
}

// The topics the simulator serves, each as served, with its index.
func TestAccCLSSim_topicsChainFromTracks(t *testing.T) {
	sim := startCLSSim(t, 100, cloudsim.CLSTopicOptions{})
	resource.Test(t, resource.TestCase{
		ProtoV6ProviderFactories: testAccProtoV6ProviderFactories,
		Steps: []resource.TestStep{{
			Config: sim.providerConfig() + fmt.Sprintf(`
data "auditlog_cloudaudit_tracks" "all" {}

locals {
  cls = [for t in data.auditlog_cloudaudit_tracks.all.tracks : t.storage if t.storage.storage_type == "cls" && t.storage.storage_name == %q]
}

data "auditlog_cls_topics" "test" {
  region        = local.cls[0].storage_region
  include_index = true
  filters {
    key    = "topicId"
    values = [local.cls[0].storage_name]
  }
}

output "n" { value = length(local.cls) }
`, clsSimTopic),
			ConfigStateChecks: []statecheck.StateCheck{
				statecheck.ExpectKnownOutputValue("n", knownvalue.Int64Exact(1)),
				clsTopicsCheck(tfjsonpath.New("region"), knownvalue.StringExact(clsSimRegion)),
				clsTopicsCheck(tfjsonpath.New("topics"), knownvalue.ListSizeExact(1)),
				clsTopicsCheck(tfjsonpath.New("topics").AtSliceIndex(0).AtMapKey("topic_id"), knownvalue.StringExact(clsSimTopic)),
				clsTopicsCheck(tfjsonpath.New("topics").AtSliceIndex(0).AtMapKey("storage_type"), knownvalue.StringExact("hot")),
				clsTopicsCheck(tfjsonpath.New("topics").AtSliceIndex(0).AtMapKey("assumer_name"), knownvalue.StringExact("CloudAudit")),
				clsTopicsCheck(tfjsonpath.New("topics").AtSliceIndex(0).AtMapKey("index_config").AtMapKey("key_value").AtMapKey("case_sensitive"), knownvalue.Bool(false)),
				clsTopicsCheck(tfjsonpath.New("evidence").AtMapKey("complete"), knownvalue.Bool(true)),
			},
		}},
	})
}
