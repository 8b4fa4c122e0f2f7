package provider

import (
	"encoding/json"
	"fmt"
	"net/netip"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"testing"

	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/statecheck"
	"github.com/hashicorp/terraform-plugin-testing/terraform"

	"github.com/auditlog/terraform-provider-auditlog/internal/cloudsim"
)

// selectionSim serves the simulator's generated CloudAudit and UCloud
// events, with a few addresses masked (as the APIs mask them) or left
// out, so that the selection's treatment of unverifiable addresses is
// exercised against the same data the expected sets are computed from.
func selectionSim(t *testing.T) *testSim {
	t.Helper()
	gen := startSim(t, cloudsim.Options{})
	events := gen.CloudAuditEvents()
	for i := range events {
		switch i % 23 {
		case 5:
			events[i].SourceIPAddress = "113.108.*.73"
		case 11:
			events[i].SourceIPAddress = ""
		}
	}
	uc := gen.UCloudEvents()
	for i := range uc {
		switch i % 17 {
		case 3:
			uc[i].RemoteIP = "106.55.***.47"
		case 9:
			uc[i].RemoteIP = ""
		}
	}
	raw := map[string]any{"DescribeEvents": events, "GetUserOperationEvents": uc}
	b, err := json.Marshal(raw)
	if err != nil {
		t.Fatal(err)
	}
	d, err := cloudsim.ParseDataSet(b)
	if err != nil {
		t.Fatal(err)
	}
	return startSim(t, cloudsim.Options{Data: d})
}

// inAny tells whether addr lies in any block; ok is false when addr is
// not an address (masked or empty), whose membership is unknown.
func inAny(addr string, blocks ...string) (in, ok bool) {
	a, err := netip.ParseAddr(addr)
	if err != nil {
		return false, false
	}
	for _, b := range blocks {
		if netip.MustParsePrefix(b).Contains(a.Unmap()) {
			return true, true
		}
	}
	return false, true
}

// eventIDsAre checks the exact list of events, in order, by one field.
func eventIDsAre(addr, field string, want []string) resource.TestCheckFunc {
	return func(s *terraform.State) error {
		rs, ok := s.RootModule().Resources[addr]
		if !ok {
			return fmt.Errorf("%s not in state", addr)
		}
		attrs := rs.Primary.Attributes
		if got := attrs["events.#"]; got != strconv.Itoa(len(want)) {
			return fmt.Errorf("%s: %s events, want %d", addr, got, len(want))
		}
		for i, w := range want {
			if got := attrs[fmt.Sprintf("events.%d.%s", i, field)]; got != w {
				return fmt.Errorf("%s: events.%d.%s = %q, want %q", addr, i, field, got, w)
			}
		}
		return nil
	}
}

func TestAccSelection_cloudAudit(t *testing.T) {
	sim := selectionSim(t)
	all := sim.CloudAuditEvents()
	start, end := all[len(all)-1].Unix(), all[0].Unix()

	// Expected sets, from the data set itself.
	var logins, reads, writesKept, ipKept, usersKept []string
	masked := 0
	deleteRe := regexp.MustCompile(`^Delete|^Terminate`)
	writes, serviceFailures := 0, 0
	for _, e := range all {
		if e.EventName == "ConsoleLogin" {
			logins = append(logins, e.EventId)
		}
		if e.ActionType() == "Read" {
			reads = append(reads, e.EventId)
		}
		if e.ActionType() == "Write" {
			writes++
			// A call fails at CAM (ErrorCode) or in the service (ErrorCode
			// 0, apiErrorCode in its document): failed_only keeps both.
			if deleteRe.MatchString(e.EventName) && (e.ErrorCode != 0 || e.ApiErrorCode() != "") {
				writesKept = append(writesKept, e.EventId)
				if e.ErrorCode == 0 {
					serviceFailures++
				}
			}
		}
		in, ok := inAny(e.SourceIPAddress, "203.0.113.0/24", "2001:db8:4860::/48")
		if !ok {
			masked++
		}
		if !ok || !in {
			ipKept = append(ipKept, e.EventId)
		}
		if e.Username == "alice" || e.Username == "bob" {
			if e.Username != "bob" {
				usersKept = append(usersKept, e.EventId)
			}
		}
	}
	if masked == 0 || len(logins) == 0 || serviceFailures == 0 || serviceFailures == len(writesKept) || len(ipKept) == len(all) {
		t.Fatalf("the data set does not exercise the selection: %d masked, %d logins, %d kept writes (%d failed in the service)",
			masked, len(logins), len(writesKept), serviceFailures)
	}

	config := sim.providerConfig() + fmt.Sprintf(`
locals {
  start = %d
  end   = %d
}

# One exact name, nothing else sent: the API selects.
data "auditlog_cloudaudit_events" "logins" {
  start_time = local.start
  end_time   = local.end
  select {
    event_names = ["^ConsoleLogin$"]
  }
}

# ActionType at the API.
data "auditlog_cloudaudit_events" "reads" {
  start_time = local.start
  end_time   = local.end
  select {
    action_type = "Read"
  }
}

# ActionType at the API, names and failures in the provider; no raw JSON.
data "auditlog_cloudaudit_events" "failed_deletes" {
  start_time                = local.start
  end_time                  = local.end
  include_cloud_audit_event = false
  select {
    action_type = "Write"
    event_names = ["^Terminate", "^Delete"]
    failed_only = true
  }
}

# Addresses outside the blocks, masked and missing ones kept.
data "auditlog_cloudaudit_events" "outside" {
  start_time = local.start
  end_time   = local.end
  select {
    source_ip_not_in = ["203.0.113.99/24", "2001:db8:4860::/48"]
  }
}

data "auditlog_cloudaudit_events" "users" {
  start_time = local.start
  end_time   = local.end
  select {
    users_in     = ["alice", "bob"]
    users_not_in = ["bob"]
  }
}
`, start, end)

	ev := func(records, scanned int, api, provider []string) wantEvidence {
		return wantEvidence{
			complete: true, records: records, scanned: &scanned, windowStart: i64(start), windowEnd: i64(end),
			identity: true, region: "ap-guangzhou", narrowedBy: []string{"select"},
			selection: &wantSelection{api: api, provider: provider},
		}
	}
	resource.Test(t, resource.TestCase{
		ProtoV6ProviderFactories: testAccProtoV6ProviderFactories,
		Steps: []resource.TestStep{{
			Config: config,
			ConfigStateChecks: []statecheck.StateCheck{
				evidenceIs("data.auditlog_cloudaudit_events.logins", ev(len(logins), len(logins), []string{`event_names=["^ConsoleLogin$"]`}, []string{})),
				evidenceIs("data.auditlog_cloudaudit_events.reads", ev(len(reads), len(reads), []string{`action_type="Read"`}, []string{})),
				evidenceIs("data.auditlog_cloudaudit_events.failed_deletes", ev(len(writesKept), writes,
					[]string{`action_type="Write"`}, []string{`event_names=["^Delete","^Terminate"]`, "failed_only=true"})),
				evidenceIs("data.auditlog_cloudaudit_events.outside", ev(len(ipKept), len(all),
					[]string{}, []string{`source_ip_not_in=["2001:db8:4860::/48","203.0.113.0/24"]`})),
				evidenceIs("data.auditlog_cloudaudit_events.users", ev(len(usersKept), len(all),
					[]string{}, []string{`users_in=["alice","bob"]`, `users_not_in=["bob"]`})),
			},
			Check: resource.ComposeAggregateTestCheckFunc(
				eventIDsAre("data.auditlog_cloudaudit_events.logins", "event_id", logins),
				eventIDsAre("data.auditlog_cloudaudit_events.reads", "event_id", reads),
				eventIDsAre("data.auditlog_cloudaudit_events.failed_deletes", "event_id", writesKept),
				eventIDsAre("data.auditlog_cloudaudit_events.outside", "event_id", ipKept),
				eventIDsAre("data.auditlog_cloudaudit_events.users", "event_id", usersKept),
				// The lean record: no raw JSON, every other field kept.
				resource.TestCheckNoResourceAttr("data.auditlog_cloudaudit_events.failed_deletes", "events.0.cloud_audit_event"),
				resource.TestCheckResourceAttrSet("data.auditlog_cloudaudit_events.failed_deletes", "events.0.event_name"),
				resource.TestCheckResourceAttrSet("data.auditlog_cloudaudit_events.reads", "events.0.cloud_audit_event"),
			),
		}},
	})
}

// An API whose EventName condition matches loosely (here by prefix, which
// the documents do not rule out) returns events the pattern does not
// match: they are scanned, counted in evidence.scanned, and dropped, so
// the selection evidence states is the selection that holds.
func TestAccSelection_sentNameRechecked(t *testing.T) {
	gen := startSim(t, cloudsim.Options{})
	events := gen.CloudAuditEvents()
	renamed := 0
	for i := range events {
		if events[i].EventName == "DeleteUser" && renamed%2 == 0 {
			events[i].EventName = "DeleteUserPolicy"
		}
		if strings.HasPrefix(events[i].EventName, "DeleteUser") {
			renamed++
		}
	}
	b, err := json.Marshal(map[string]any{"DescribeEvents": events})
	if err != nil {
		t.Fatal(err)
	}
	d, err := cloudsim.ParseDataSet(b)
	if err != nil {
		t.Fatal(err)
	}
	sim := startSim(t, cloudsim.Options{Data: d, EventNameMatch: cloudsim.EventNamePrefix})
	all := sim.CloudAuditEvents()
	start, end := all[len(all)-1].Unix(), all[0].Unix()
	var kept []string
	scanned := 0
	for _, e := range all {
		if strings.HasPrefix(e.EventName, "DeleteUser") {
			scanned++
		}
		if e.EventName == "DeleteUser" {
			kept = append(kept, e.EventId)
		}
	}
	if len(kept) == 0 || scanned == len(kept) {
		t.Fatalf("the data set does not exercise the check: %d kept of %d", len(kept), scanned)
	}
	config := sim.providerConfig() + fmt.Sprintf(`
data "auditlog_cloudaudit_events" "deletes" {
  start_time = %d
  end_time   = %d
  select {
    event_names = ["^DeleteUser$"]
  }
}
`, start, end)
	resource.Test(t, resource.TestCase{
		ProtoV6ProviderFactories: testAccProtoV6ProviderFactories,
		Steps: []resource.TestStep{{
			Config: config,
			ConfigStateChecks: []statecheck.StateCheck{
				evidenceIs("data.auditlog_cloudaudit_events.deletes", wantEvidence{
					complete: true, records: len(kept), scanned: &scanned, windowStart: i64(start), windowEnd: i64(end),
					identity: true, region: "ap-guangzhou", narrowedBy: []string{"select"},
					selection: &wantSelection{api: []string{`event_names=["^DeleteUser$"]`}, provider: []string{}},
				}),
			},
			Check: eventIDsAre("data.auditlog_cloudaudit_events.deletes", "event_id", kept),
		}},
	})
}

func TestAccSelection_ucloud(t *testing.T) {
	sim := selectionSim(t)
	all := sim.UCloudEvents()
	begin, end := all[len(all)-1].OperateTime, all[0].OperateTime

	apiRe := regexp.MustCompile(`^Delete|Release`)
	users := map[string]bool{}
	var kept, failedInside []string
	masked := 0
	for _, e := range all {
		users[e.UserName] = true
		in, ok := inAny(e.RemoteIP, "106.75.0.0/16", "2402:4e00::/32")
		if !ok {
			masked++
		}
		if (!ok || in) && !e.IsSuccess {
			failedInside = append(failedInside, e.Api)
		}
	}
	// The two users with the most matching operations: one kept, one
	// excluded again by users_not_in.
	matching := map[string]int{}
	for _, e := range all {
		if apiRe.MatchString(e.Api) {
			matching[e.UserName]++
		}
	}
	names := slices.Sorted(func(yield func(string) bool) {
		for u := range users {
			if !yield(u) {
				return
			}
		}
	})
	slices.SortStableFunc(names, func(a, b string) int { return matching[b] - matching[a] })
	if len(names) < 2 || masked == 0 || matching[names[1]] == 0 {
		t.Fatalf("the data set does not exercise the selection: users %v, %d masked", names, masked)
	}
	keepUser, dropUser := names[0], names[1]
	for _, e := range all {
		if apiRe.MatchString(e.Api) && e.UserName != dropUser && (e.UserName == keepUser || e.UserName == dropUser) {
			kept = append(kept, e.Api)
		}
	}
	if len(kept) == 0 || len(failedInside) == 0 {
		t.Fatalf("empty expected sets: %d, %d", len(kept), len(failedInside))
	}

	config := sim.providerConfig() + fmt.Sprintf(`
data "auditlog_ucloud_operation_events" "apis_users" {
  begin_time = %[1]d
  end_time   = %[2]d
  select {
    apis         = ["^Delete", "Release"]
    users_in     = [%[3]q, %[4]q]
    users_not_in = [%[4]q]
  }
}

data "auditlog_ucloud_operation_events" "failed_inside" {
  begin_time = %[1]d
  end_time   = %[2]d
  select {
    remote_ip_in = ["2402:4e00::/32", "106.75.0.0/16"]
    failed_only  = true
  }
}
`, begin, end, keepUser, dropUser)
	ev := func(records int, provider []string) wantEvidence {
		scanned := len(all)
		return wantEvidence{
			complete: true, records: records, scanned: &scanned, windowStart: i64(begin), windowEnd: i64(end),
			narrowedBy: []string{"select"}, project: cloudsim.DefaultUCloudProjectID,
			selection: &wantSelection{api: []string{}, provider: provider},
		}
	}
	users2, _ := json.Marshal(slices.Sorted(slices.Values([]string{keepUser, dropUser})))
	drop2, _ := json.Marshal([]string{dropUser})
	resource.Test(t, resource.TestCase{
		ProtoV6ProviderFactories: testAccProtoV6ProviderFactories,
		Steps: []resource.TestStep{{
			Config: config,
			ConfigStateChecks: []statecheck.StateCheck{
				evidenceIs("data.auditlog_ucloud_operation_events.apis_users", ev(len(kept),
					[]string{`apis=["Release","^Delete"]`, "users_in=" + string(users2), "users_not_in=" + string(drop2)})),
				evidenceIs("data.auditlog_ucloud_operation_events.failed_inside", ev(len(failedInside),
					[]string{"failed_only=true", `remote_ip_in=["106.75.0.0/16","2402:4e00::/32"]`})),
			},
			Check: resource.ComposeAggregateTestCheckFunc(
				eventIDsAre("data.auditlog_ucloud_operation_events.apis_users", "api", kept),
				eventIDsAre("data.auditlog_ucloud_operation_events.failed_inside", "api", failedInside),
			),
		}},
	})
}

// Patterns, blocks and conflicting conditions are refused at plan time,
// naming the attribute; so is a misspelt condition.
func TestAccSelection_invalid(t *testing.T) {
	sim := startSim(t, cloudsim.Options{})
	cases := []struct{ body, want string }{
		{`event_names = ["^Delete", "(unclosed"]`, `(?s)Invalid regular expression.*select\.event_names\[1\]`},
		{`source_ip_in = ["10.0.0.0/33"]`, `(?s)Invalid CIDR block.*select\.source_ip_in\[0\]`},
		{`source_ip_not_in = ["113.108.*.73/32"]`, `(?s)Invalid CIDR block.*select\.source_ip_not_in\[0\]`},
		{`users_in = []`, `(?s)select\.users_in.*at least 1`},
		{`action_type = "Delete"`, `(?s)select\.action_type.*Read.*Write`},
		{`event_name = ["^Delete"]`, `Unsupported argument`},
	}
	var steps []resource.TestStep
	for _, c := range cases {
		steps = append(steps, resource.TestStep{
			Config: sim.providerConfig() + fmt.Sprintf(`
data "auditlog_cloudaudit_events" "test" {
  start_time = %d
  end_time   = %d
  select {
    %s
  }
}
`, sim.Started().Add(-3600e9).Unix(), sim.Started().Unix(), c.body),
			PlanOnly: true, ExpectError: regexp.MustCompile(c.want),
		})
	}
	steps = append(steps, resource.TestStep{
		Config: sim.providerConfig() + fmt.Sprintf(`
data "auditlog_cloudaudit_events" "test" {
  start_time = %d
  end_time   = %d
  lookup_attributes {
    attribute_key   = "ActionType"
    attribute_value = "Read"
  }
  select {
    action_type = "Write"
  }
}
`, sim.Started().Add(-3600e9).Unix(), sim.Started().Unix()),
		PlanOnly: true, ExpectError: regexp.MustCompile(`(?s)Conflicting ActionType conditions.*lookup_attributes\[0\]`),
	}, resource.TestStep{
		Config: sim.providerConfig() + `
data "auditlog_ucloud_operation_events" "test" {
  select {
    apis         = ["*Delete"]
    remote_ip_in = ["::1/129"]
  }
}
`,
		PlanOnly: true, ExpectError: regexp.MustCompile(`(?s)select\.apis\[0\].*select\.remote_ip_in\[0\]|select\.remote_ip_in\[0\].*select\.apis\[0\]`),
	})
	resource.Test(t, resource.TestCase{ProtoV6ProviderFactories: testAccProtoV6ProviderFactories, Steps: steps})
}

// max_items counts the events the API returned, not the kept ones, so
// that resume_token stays exact: the continuation scans the rest and the
// two reads keep exactly what one read would. An empty select block is no
// selection.
func TestAccSelection_maxItemsCountsScanned(t *testing.T) {
	sim := selectionSim(t)
	all := sim.CloudAuditEvents()
	start, end := all[len(all)-1].Unix(), all[0].Unix()
	var first, rest []string
	for i, e := range all {
		if e.Username != "alice" {
			continue
		}
		if i < 100 {
			first = append(first, e.EventId)
		} else {
			rest = append(rest, e.EventId)
		}
	}
	config := sim.providerConfig() + fmt.Sprintf(`
data "auditlog_cloudaudit_events" "first" {
  start_time = %[1]d
  end_time   = %[2]d
  max_items  = 100
  select {
    users_in = ["alice"]
  }
}

data "auditlog_cloudaudit_events" "rest" {
  start_time = %[1]d
  end_time   = %[2]d
  max_results = data.auditlog_cloudaudit_events.first.max_results
  next_token = data.auditlog_cloudaudit_events.first.resume_token
  select {
    users_in = ["alice"]
  }
}

data "auditlog_cloudaudit_events" "empty_select" {
  start_time = %[1]d
  end_time   = %[2]d
  select {}
}
`, start, end)
	scanned, restScanned := 100, len(all)-100
	sel := &wantSelection{api: []string{}, provider: []string{`users_in=["alice"]`}}
	resource.Test(t, resource.TestCase{
		ProtoV6ProviderFactories: testAccProtoV6ProviderFactories,
		Steps: []resource.TestStep{{
			Config: config,
			ConfigStateChecks: []statecheck.StateCheck{
				evidenceIs("data.auditlog_cloudaudit_events.first", wantEvidence{
					complete: false, records: len(first), scanned: &scanned, windowStart: i64(start), windowEnd: i64(end),
					identity: true, region: "ap-guangzhou", narrowedBy: []string{"max_items", "select"}, selection: sel,
				}),
				evidenceIs("data.auditlog_cloudaudit_events.rest", wantEvidence{
					complete: true, records: len(rest), scanned: &restScanned, windowStart: i64(start), windowEnd: i64(end),
					identity: true, region: "ap-guangzhou", narrowedBy: []string{"next_token", "select"}, selection: sel,
				}),
				evidenceIs("data.auditlog_cloudaudit_events.empty_select", wantEvidence{
					complete: true, records: len(all), windowStart: i64(start), windowEnd: i64(end),
					identity: true, region: "ap-guangzhou", narrowedBy: []string{},
				}),
			},
			Check: resource.ComposeAggregateTestCheckFunc(
				eventIDsAre("data.auditlog_cloudaudit_events.first", "event_id", first),
				eventIDsAre("data.auditlog_cloudaudit_events.rest", "event_id", rest),
				resource.TestCheckResourceAttrSet("data.auditlog_cloudaudit_events.first", "resume_token"),
			),
		}},
	})
}
