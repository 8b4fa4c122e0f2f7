package provider

import (
	"os"
	"reflect"
	"sort"
	"strings"
	"testing"

	"github.com/auditlog/terraform-provider-auditlog/internal/cloudsim"
)

// The module's activity controls select at the provider by default: on the
// shipped scenarios they give the same verdicts and the same findings as a
// full read filtered in HCL (select_at_provider = false), review the same
// number of records (scanned by the provider instead of by HCL), and keep
// fewer in the state.
func TestAccComplianceSelectionBothWays(t *testing.T) {
	if os.Getenv("TF_ACC") == "" {
		t.Skip("acceptance test: set TF_ACC=1")
	}
	r := newExampleRun(t)
	for _, name := range cloudsim.Scenarios() {
		t.Run(name, func(t *testing.T) {
			d, err := cloudsim.Scenario(name)
			if err != nil {
				t.Fatal(err)
			}
			sim := startSim(t, cloudsim.Options{Data: d})
			env := simEnv(sim, sim.Options().TencentSecretKey)
			fullPlan, out, code := r.plan(env, name+"-full", "-var=select_at_provider=false")
			if code != 0 {
				t.Fatalf("full read: exit %d\n%s", code, out)
			}
			selPlan, out, code := r.plan(env, name+"-selected")
			if code != 0 {
				t.Fatalf("selected read: exit %d\n%s", code, out)
			}
			full, sel := readCompliance(t, fullPlan), readCompliance(t, selPlan)
			if full.Passed != sel.Passed || len(full.Controls) != len(sel.Controls) {
				t.Fatalf("passed %v with %d controls (full) vs %v with %d (selected)", full.Passed, len(full.Controls), sel.Passed, len(sel.Controls))
			}
			findings := func(c complianceControl) []string {
				var out []string
				for _, f := range c.Findings {
					out = append(out, f.ID+" "+f.Detail)
				}
				sort.Strings(out)
				return out
			}
			keptFewer := false
			for id, f := range full.Controls {
				s := sel.Controls[id]
				if f.Status != s.Status || !reflect.DeepEqual(findings(f), findings(s)) || !reflect.DeepEqual(f.Incomplete, s.Incomplete) {
					t.Errorf("%s: full read %s %v %v; selected %s %v %v", id, f.Status, findings(f), f.Incomplete, s.Status, findings(s), s.Incomplete)
				}
				if f.Records != s.Records || s.Kept > s.Records || f.Kept != f.Records {
					t.Errorf("%s: records %d kept %d (full) vs records %d kept %d (selected)", id, f.Records, f.Kept, s.Records, s.Kept)
				}
				if s.Kept < f.Kept {
					keptFewer = true
				}
			}
			if !keptFewer {
				t.Errorf("the selection kept no fewer records than the full read")
			}
			// Selected reads state what they scanned, and their selection.
			for _, id := range []string{"UC-01", "UC-02"} {
				ev := sel.Controls[id].Evidence
				if len(ev) != 1 || ev[0].Scanned == nil || *ev[0].Scanned != sel.Controls[id].Records {
					t.Errorf("%s: evidence %+v, want one read that scanned %d records", id, ev, sel.Controls[id].Records)
				}
			}
			// EVT-01 reviews DescribeEvents' read, which states what it
			// scanned, and the events the CLS analyses counted (EVT-02's
			// records: the same analyses).
			var events []int
			for _, e := range sel.Controls["EVT-01"].Evidence {
				switch {
				case e.DataSource == "data.auditlog_cloudaudit_events.window" && e.Scanned != nil:
					events = append(events, *e.Scanned)
				case strings.HasPrefix(e.DataSource, "data.auditlog_cls_"):
				default:
					t.Errorf("EVT-01 rests on %s", e.DataSource)
				}
			}
			if want := sel.Controls["EVT-01"].Records - sel.Controls["EVT-02"].Records; len(events) != 1 || events[0] != want {
				t.Errorf("EVT-01: DescribeEvents scanned %v, want one read that scanned %d records", events, want)
			}
			if got := sel.Controls["UC-02"].Evidence[0].DataSource; !strings.HasSuffix(got, "failed[0]") {
				t.Errorf("UC-02 rests on %s, want the read of the failed operations", got)
			}
		})
	}
}
