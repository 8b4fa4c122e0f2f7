package provider

import (
	"encoding/json"
	"fmt"
	"regexp"
	"sort"
	"strconv"
	"testing"

	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/knownvalue"
	"github.com/hashicorp/terraform-plugin-testing/statecheck"
	"github.com/hashicorp/terraform-plugin-testing/terraform"
	"github.com/hashicorp/terraform-plugin-testing/tfjsonpath"

	"github.com/auditlog/terraform-provider-auditlog/internal/cloudsim"
)

const clsAnalysisAddr = "data.auditlog_cls_analysis.test"

func clsSimAnalysis(sim *testSim, body string) string {
	return sim.providerConfig() + fmt.Sprintf(`
data "auditlog_cls_analysis" "test" {
  region   = %q
  topic_id = %q
%s
}`, clsSimRegion, clsSimTopic, body)
}

func clsAnalysisCheck(p tfjsonpath.Path, v knownvalue.Check) statecheck.StateCheck {
	return statecheck.ExpectKnownValue(clsAnalysisAddr, p, v)
}

// clsCountsBy counts the served logs by a key of their document.
func clsCountsBy(t *testing.T, served []cloudsim.CLSLog, key string) map[string]int {
	t.Helper()
	out := map[string]int{}
	for _, l := range served {
		var doc map[string]any
		if err := json.Unmarshal([]byte(l.LogJson), &doc); err != nil {
			t.Fatal(err)
		}
		v, _ := doc[key].(string)
		out[v]++
	}
	return out
}

// checkCounts compares the rows (key column, n column) with want, in the
// order of the keys.
func checkCounts(keyCol string, want map[string]int) resource.TestCheckFunc {
	return func(s *terraform.State) error {
		rs := s.RootModule().Resources[clsAnalysisAddr]
		if rs == nil {
			return fmt.Errorf("%s not in state", clsAnalysisAddr)
		}
		a := rs.Primary.Attributes
		keys := make([]string, 0, len(want))
		for k := range want {
			keys = append(keys, k)
		}
		sort.Strings(keys)
		if a["rows.#"] != strconv.Itoa(len(keys)) {
			return fmt.Errorf("%s rows, want %d", a["rows.#"], len(keys))
		}
		for i, k := range keys {
			p := fmt.Sprintf("rows.%d.", i)
			if a[p+keyCol] != k || a[p+"n"] != strconv.Itoa(want[k]) {
				return fmt.Errorf("row %d: %s = %q, n = %s; want %q and %d", i, keyCol, a[p+keyCol], a[p+"n"], k, want[k])
			}
		}
		return nil
	}
}

// Counts computed by CLS (the simulator's SQL engine) equal those computed
// from the logs the simulator serves; an answer past the 100 rows CLS
// returns without LIMIT is read whole; one longer than max_rows keeps
// max_rows rows and is not complete; SQL that could be cut or estimated is
// refused at plan time; a field without SQL statistics fails naming it; a
// sampled answer fails the read.
func TestAccCLSAnalysis(t *testing.T) {
	sim := startCLSSim(t, 3_000, cloudsim.CLSTopicOptions{})
	from, to, served := clsSimWindow(sim)
	byEvent := clsCountsBy(t, served, "eventName")
	byID := clsCountsBy(t, served, "eventID")
	if len(byEvent) < 3 || len(byID) <= 100 {
		t.Fatalf("the topic has %d event names and %d event ids: the test needs at least 3 and more than 100", len(byEvent), len(byID))
	}
	window := fmt.Sprintf("from = %d\nto = %d\n", from, to)
	perEvent := window + `sql = "SELECT eventName, count(*) AS n GROUP BY eventName ORDER BY eventName"` + "\n"
	resource.Test(t, resource.TestCase{
		ProtoV6ProviderFactories: testAccProtoV6ProviderFactories,
		Steps: []resource.TestStep{
			{
				Config: clsSimAnalysis(sim, perEvent),
				Check:  checkCounts("eventName", byEvent),
				ConfigStateChecks: []statecheck.StateCheck{
					clsAnalysisCheck(tfjsonpath.New("evidence").AtMapKey("complete"), knownvalue.Bool(true)),
					clsAnalysisCheck(tfjsonpath.New("evidence").AtMapKey("records"), knownvalue.Int64Exact(int64(len(byEvent)))),
					clsAnalysisCheck(tfjsonpath.New("analysis_evidence").AtMapKey("sampling_rate"), knownvalue.StringExact("1")),
					clsAnalysisCheck(tfjsonpath.New("analysis_evidence").AtMapKey("query_string"), knownvalue.StringRegexp(regexp.MustCompile(`^\* \| SELECT eventName, count\(\*\) AS n GROUP BY eventName ORDER BY eventName LIMIT 1001$`))),
					clsAnalysisCheck(tfjsonpath.New("columns").AtSliceIndex(1).AtMapKey("type"), knownvalue.StringExact("bigint")),
				},
			},
			{
				// SQL NULL is a null element of the row's map, under both engines.
				Config: clsSimAnalysis(sim, window+`sql = "SELECT eventName, CASE WHEN 1 = 0 THEN 'x' END AS e, count(*) AS n GROUP BY eventName ORDER BY eventName"`+"\n"),
				Check:  checkCounts("eventName", byEvent),
				ConfigStateChecks: []statecheck.StateCheck{
					clsAnalysisCheck(tfjsonpath.New("rows").AtSliceIndex(0).AtMapKey("e"), knownvalue.Null()),
					clsAnalysisCheck(tfjsonpath.New("columns"), knownvalue.ListSizeExact(3)),
				},
			},
			{
				// Past CLS's 100-row default: every event id, once.
				Config: clsSimAnalysis(sim, window+`sql = "SELECT eventID, count(*) AS n GROUP BY eventID ORDER BY eventID"`+"\nmax_rows = 9999\n"),
				Check:  checkCounts("eventID", byID),
			},
			{
				Config: clsSimAnalysis(sim, perEvent+"max_rows = 2\n"),
				ConfigStateChecks: []statecheck.StateCheck{
					clsAnalysisCheck(tfjsonpath.New("evidence").AtMapKey("complete"), knownvalue.Bool(false)),
					clsAnalysisCheck(tfjsonpath.New("rows"), knownvalue.ListSizeExact(2)),
					clsAnalysisCheck(tfjsonpath.New("analysis_evidence").AtMapKey("rows_returned"), knownvalue.Int64Exact(3)),
				},
			},
			{
				Config:      clsSimAnalysis(sim, window+`sql = "SELECT eventName, count(*) AS n GROUP BY eventName LIMIT 5"`),
				ExpectError: regexp.MustCompile(`(?s)sql.*holds LIMIT`),
			},
			{
				Config:      clsSimAnalysis(sim, window+`sql = "SELECT approx_distinct(eventName) AS n"`),
				ExpectError: regexp.MustCompile(`(?s)approximate\s+aggregate`),
			},
			{
				Config:      clsSimAnalysis(sim, window+`sql = "SELECT userAgent, count(*) AS n GROUP BY userAgent"`),
				ExpectError: regexp.MustCompile(`(?s)reads userAgent, which topic.*without SQL statistics`),
			},
			{
				PreConfig:   func() { sim.InjectFault(cloudsim.Fault{Kind: cloudsim.FaultSampledSQL, Action: "SearchLog", Times: 1}) },
				Config:      clsSimAnalysis(sim, perEvent),
				ExpectError: regexp.MustCompile(`(?s)not\s+on\s+every\s+matching\s+log`),
			},
		},
	})
}
