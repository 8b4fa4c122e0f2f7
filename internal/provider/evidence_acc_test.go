package provider

import (
	"fmt"
	"regexp"
	"testing"
	"time"

	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/knownvalue"
	"github.com/hashicorp/terraform-plugin-testing/statecheck"
	"github.com/hashicorp/terraform-plugin-testing/tfjsonpath"

	"github.com/auditlog/terraform-provider-auditlog/internal/cloudsim"
)

// wantEvidence is the evidence a read must report, every attribute exact.
type wantEvidence struct {
	complete               bool
	records                int
	windowStart, windowEnd *int64
	chosenByAPI            bool
	narrowedBy             []string
	identity               bool // account_id and principal_arn of the simulator's key; else null
	region, project        string
	scanned                *int           // nil: records
	selection              *wantSelection // nil: null
	// endpointSource is evidence.endpoint_source; "" stands for
	// "provider_block", where providerConfig sets both clouds' URLs.
	endpointSource string
}

// wantSelection is evidence.selection, each list exact.
type wantSelection struct{ api, provider []string }

func (w wantEvidence) check() knownvalue.Check {
	num := func(p *int64) knownvalue.Check {
		if p == nil {
			return knownvalue.Null()
		}
		return knownvalue.Int64Exact(*p)
	}
	str := func(s string) knownvalue.Check {
		if s == "" {
			return knownvalue.Null()
		}
		return knownvalue.StringExact(s)
	}
	narrowed := make([]knownvalue.Check, len(w.narrowedBy))
	for i, n := range w.narrowedBy {
		narrowed[i] = knownvalue.StringExact(n)
	}
	account, arn := "", ""
	if w.identity {
		owner := cloudsim.DefaultTencentOwnerUin
		account, arn = owner, "qcs::cam:"+owner+":uin/"+owner
	}
	scanned := w.records
	if w.scanned != nil {
		scanned = *w.scanned
	}
	var selection knownvalue.Check = knownvalue.Null()
	if w.selection != nil {
		strs := func(l []string) knownvalue.Check {
			checks := make([]knownvalue.Check, len(l))
			for i, c := range l {
				checks[i] = knownvalue.StringExact(c)
			}
			return knownvalue.ListExact(checks)
		}
		selection = knownvalue.ObjectExact(map[string]knownvalue.Check{
			"api": strs(w.selection.api), "provider": strs(w.selection.provider),
		})
	}
	return knownvalue.ObjectExact(map[string]knownvalue.Check{
		"complete":             knownvalue.Bool(w.complete),
		"records":              knownvalue.Int64Exact(int64(w.records)),
		"scanned":              knownvalue.Int64Exact(int64(scanned)),
		"selection":            selection,
		"window_start":         num(w.windowStart),
		"window_end":           num(w.windowEnd),
		"window_chosen_by_api": knownvalue.Bool(w.chosenByAPI),
		"narrowed_by":          knownvalue.ListExact(narrowed),
		"account_id":           str(account),
		"principal_arn":        str(arn),
		"region":               str(w.region),
		"project_id":           str(w.project),
		// The simulator the read called (its URL is the test's endpoint).
		"endpoint":        knownvalue.StringRegexp(simEndpointRe),
		"endpoint_source": knownvalue.StringExact(first(w.endpointSource, "provider_block")),
	})
}

// simEndpointRe is evidence.endpoint of a read against a local simulator.
var simEndpointRe = regexp.MustCompile(`^http://127\.0\.0\.1:[0-9]+/?$`)

func evidenceIs(addr string, w wantEvidence) statecheck.StateCheck {
	return statecheck.ExpectKnownValue(addr, tfjsonpath.New("evidence"), w.check())
}

func i64(n int64) *int64 { return &n }

// evWindows are windows covering every record of a simulator: CloudAudit
// events (UNIX seconds), CSIP (Beijing time, as the simulator writes it,
// with the UNIX seconds it stands for) and UCloud (UNIX seconds).
type evWindows struct {
	eventsStart, eventsEnd int64
	csipStart, csipEnd     string
	csipStartU, csipEndU   int64
	ucloudBegin, ucloudEnd int64
}

func evWindowsOf(sim *testSim) evWindows {
	events := sim.CloudAuditEvents()
	csipEnd := sim.CSIPDataEnd()
	csipStart := csipEnd.Add(-200 * 24 * time.Hour)
	return evWindows{
		eventsStart: events[len(events)-1].Unix(), eventsEnd: events[0].Unix(),
		csipStart: csipStart.Format(cloudsim.CSIPTimeLayout), csipEnd: csipEnd.Format(cloudsim.CSIPTimeLayout),
		csipStartU: csipStart.Unix(), csipEndU: csipEnd.Unix(),
		ucloudBegin: sim.Started().Add(-301 * 24 * time.Hour).Unix(), ucloudEnd: sim.Started().Unix(),
	}
}

// Every data source, read whole over a window that covers its records:
// complete, every record counted, the window as sent, nothing narrowing,
// the account of the key, the region or project sent.
func TestAccEvidence_complete(t *testing.T) {
	sim := startSim(t, cloudsim.Options{})
	w := evWindowsOf(sim)
	sub := cloudsim.CSIPSubUins[0]
	config := sim.providerConfig() + fmt.Sprintf(`
data "auditlog_cloudaudit_tracks" "test" {}

data "auditlog_cloudaudit_track" "test" {
  track_id = 1003
}

data "auditlog_csip_user_call_records" "test" {
  sub_uin = %q
  filter {
    start_time = %q
    end_time   = %q
  }
}

data "auditlog_cloudaudit_events" "test" {
  start_time = %d
  end_time   = %d
}

data "auditlog_ucloud_operation_events" "test" {
  begin_time = %d
  end_time   = %d
}
`, sub, w.csipStart, w.csipEnd, w.eventsStart, w.eventsEnd, w.ucloudBegin, w.ucloudEnd)

	resource.Test(t, resource.TestCase{
		ProtoV6ProviderFactories: testAccProtoV6ProviderFactories,
		Steps: []resource.TestStep{{
			Config: config,
			ConfigStateChecks: []statecheck.StateCheck{
				evidenceIs("data.auditlog_cloudaudit_tracks.test", wantEvidence{
					complete: true, records: 7, identity: true, region: "ap-guangzhou", narrowedBy: []string{}}),
				evidenceIs("data.auditlog_cloudaudit_track.test", wantEvidence{
					complete: true, records: 1, identity: true, region: "ap-guangzhou", narrowedBy: []string{}}),
				evidenceIs("data.auditlog_csip_user_call_records.test", wantEvidence{
					complete: true, records: len(sim.CSIPCallRecords(sub)), windowStart: i64(w.csipStartU), windowEnd: i64(w.csipEndU),
					identity: true, narrowedBy: []string{}}),
				evidenceIs("data.auditlog_cloudaudit_events.test", wantEvidence{
					complete: true, records: len(sim.CloudAuditEvents()), windowStart: i64(w.eventsStart), windowEnd: i64(w.eventsEnd),
					identity: true, region: "ap-guangzhou", narrowedBy: []string{}}),
				evidenceIs("data.auditlog_ucloud_operation_events.test", wantEvidence{
					complete: true, records: len(sim.UCloudEvents()), windowStart: i64(w.ucloudBegin), windowEnd: i64(w.ucloudEnd),
					project: cloudsim.DefaultUCloudProjectID, narrowedBy: []string{}}),
				// Complete reads leave nothing to resume.
				statecheck.ExpectKnownValue("data.auditlog_cloudaudit_events.test", tfjsonpath.New("resume_token"), knownvalue.Null()),
				statecheck.ExpectKnownValue("data.auditlog_ucloud_operation_events.test", tfjsonpath.New("resume_token"), knownvalue.Null()),
			},
		}},
	})
}

// max_items stops every read early: not complete, and max_items narrows it.
// A UCloud read cut inside a page (max_items = 2, max_results = 3: 2 of 13
// events) has no resume_token and is not complete either. One page of the
// tracking sets is narrowed by page_number and page_size, and complete only
// when it reaches the end.
func TestAccEvidence_maxItems(t *testing.T) {
	sim := startSim(t, cloudsim.Options{Events: 13})
	w := evWindowsOf(sim)
	sub := cloudsim.CSIPSubUins[1]
	all := len(sim.CloudAuditEvents())
	config := sim.providerConfig() + fmt.Sprintf(`
data "auditlog_cloudaudit_tracks" "capped" {
  max_items = 3
}

data "auditlog_cloudaudit_tracks" "page1" {
  page_number = 1
  page_size   = 5
}

data "auditlog_cloudaudit_tracks" "page2" {
  page_number = 2
  page_size   = 5
}

data "auditlog_csip_user_call_records" "capped" {
  sub_uin   = %q
  max_items = 5
  filter {
    start_time = %q
    end_time   = %q
  }
}

data "auditlog_cloudaudit_events" "capped" {
  start_time = %d
  end_time   = %d
  max_items  = 10
}

data "auditlog_cloudaudit_events" "exact" {
  start_time = %d
  end_time   = %d
  max_items  = %d
}

data "auditlog_ucloud_operation_events" "capped" {
  begin_time = %d
  end_time   = %d
  max_items  = 10
}

data "auditlog_ucloud_operation_events" "cut" {
  begin_time  = %d
  end_time    = %d
  max_items   = 2
  max_results = 3
}
`, sub, w.csipStart, w.csipEnd, w.eventsStart, w.eventsEnd, w.eventsStart, w.eventsEnd, all,
		w.ucloudBegin, w.ucloudEnd, w.ucloudBegin, w.ucloudEnd)

	events := func(n int, complete bool) wantEvidence {
		return wantEvidence{complete: complete, records: n, windowStart: i64(w.eventsStart), windowEnd: i64(w.eventsEnd),
			identity: true, region: "ap-guangzhou", narrowedBy: []string{"max_items"}}
	}
	ucloud := func(n int) wantEvidence {
		return wantEvidence{records: n, windowStart: i64(w.ucloudBegin), windowEnd: i64(w.ucloudEnd),
			project: cloudsim.DefaultUCloudProjectID, narrowedBy: []string{"max_items"}}
	}
	resource.Test(t, resource.TestCase{
		ProtoV6ProviderFactories: testAccProtoV6ProviderFactories,
		Steps: []resource.TestStep{{
			Config: config,
			ConfigStateChecks: []statecheck.StateCheck{
				evidenceIs("data.auditlog_cloudaudit_tracks.capped", wantEvidence{
					records: 3, identity: true, region: "ap-guangzhou", narrowedBy: []string{"max_items"}}),
				evidenceIs("data.auditlog_cloudaudit_tracks.page1", wantEvidence{
					records: 5, identity: true, region: "ap-guangzhou", narrowedBy: []string{"page_number", "page_size"}}),
				evidenceIs("data.auditlog_cloudaudit_tracks.page2", wantEvidence{
					complete: true, records: 2, identity: true, region: "ap-guangzhou", narrowedBy: []string{"page_number", "page_size"}}),
				evidenceIs("data.auditlog_csip_user_call_records.capped", wantEvidence{
					records: 5, windowStart: i64(w.csipStartU), windowEnd: i64(w.csipEndU), identity: true, narrowedBy: []string{"max_items"}}),
				evidenceIs("data.auditlog_cloudaudit_events.capped", events(10, false)),
				// max_items reaching exactly the end: complete, and still
				// narrowed by max_items, which is set.
				evidenceIs("data.auditlog_cloudaudit_events.exact", events(all, true)),
				evidenceIs("data.auditlog_ucloud_operation_events.capped", ucloud(10)),
				statecheck.ExpectKnownValue("data.auditlog_ucloud_operation_events.capped", tfjsonpath.New("resume_token"),
					knownvalue.NotNull()),
				evidenceIs("data.auditlog_ucloud_operation_events.cut", ucloud(2)),
				statecheck.ExpectKnownValue("data.auditlog_ucloud_operation_events.cut", tfjsonpath.New("resume_token"), knownvalue.Null()),
			},
		}},
	})
}

// CSIP: column filters, a page, an offset and organization members narrow
// the read; without a start or an end the API chooses the window.
func TestAccEvidence_csipNarrowing(t *testing.T) {
	sim := startSim(t, cloudsim.Options{})
	w := evWindowsOf(sim)
	sub := cloudsim.CSIPSubUins[2]
	records := sim.CSIPCallRecords(sub)
	api := 0
	for _, r := range records {
		if r.EventType == 1 {
			api++
		}
	}
	if api == 0 || api == len(records) {
		t.Fatalf("the data set has %d API calls of %d records; the filter would not narrow", api, len(records))
	}
	config := sim.providerConfig() + fmt.Sprintf(`
data "auditlog_csip_user_call_records" "filtered" {
  sub_uin = %[1]q
  filter {
    filters {
      name   = "EventType"
      values = ["1"]
    }
  }
}

data "auditlog_csip_user_call_records" "page" {
  sub_uin   = %[1]q
  member_id = ["mem-6wfo0fzks3"]
  filter {
    limit      = 5
    offset     = 10
    start_time = %[2]q
  }
}

data "auditlog_csip_user_call_records" "last_page" {
  sub_uin = %[1]q
  filter {
    limit      = 50
    offset     = 0
    end_time   = %[3]q
  }
}
`, sub, w.csipStart, w.csipEnd)
	resource.Test(t, resource.TestCase{
		ProtoV6ProviderFactories: testAccProtoV6ProviderFactories,
		Steps: []resource.TestStep{{
			Config: config,
			ConfigStateChecks: []statecheck.StateCheck{
				// Total counts the matching records only: complete, and
				// narrowed by the filter; no window sent.
				evidenceIs("data.auditlog_csip_user_call_records.filtered", wantEvidence{
					complete: true, records: api, chosenByAPI: true, identity: true, narrowedBy: []string{"filter.filters"}}),
				evidenceIs("data.auditlog_csip_user_call_records.page", wantEvidence{
					records: 5, windowStart: i64(w.csipStartU), chosenByAPI: true, identity: true,
					narrowedBy: []string{"filter.limit", "filter.offset", "member_id"}}),
				// One page holding every record: complete, but a page; an
				// offset of 0 narrows nothing.
				evidenceIs("data.auditlog_csip_user_call_records.last_page", wantEvidence{
					complete: true, records: len(records), windowEnd: i64(w.csipEndU), chosenByAPI: true, identity: true,
					narrowedBy: []string{"filter.limit"}}),
			},
		}},
	})
}

// CloudAudit events: lookup_attributes narrow the read; a read started at
// next_token skips the newest events, so next_token narrows it too, and it
// is complete when it reaches the end.
func TestAccEvidence_eventsLookupAndNextToken(t *testing.T) {
	sim := startSim(t, cloudsim.Options{})
	w := evWindowsOf(sim)
	counts := map[string]int{}
	name := ""
	for _, e := range sim.CloudAuditEvents() {
		counts[e.EventName]++
		if counts[e.EventName] > counts[name] {
			name = e.EventName
		}
	}
	n := counts[name]
	if n < 4 {
		t.Fatalf("the most frequent event, %s, occurs %d times; the test needs at least 4", name, n)
	}
	first := n / 2
	config := sim.providerConfig() + fmt.Sprintf(`
data "auditlog_cloudaudit_events" "first" {
  start_time = %[1]d
  end_time   = %[2]d
  max_items  = %[3]d
  lookup_attributes {
    attribute_key   = "EventName"
    attribute_value = %[4]q
  }
}

data "auditlog_cloudaudit_events" "rest" {
  start_time  = %[1]d
  end_time    = %[2]d
  max_results = data.auditlog_cloudaudit_events.first.max_results
  next_token  = data.auditlog_cloudaudit_events.first.resume_token
  lookup_attributes {
    attribute_key   = "EventName"
    attribute_value = %[4]q
  }
}
`, w.eventsStart, w.eventsEnd, first, name)
	base := wantEvidence{windowStart: i64(w.eventsStart), windowEnd: i64(w.eventsEnd), identity: true, region: "ap-guangzhou"}
	firstWant, restWant := base, base
	firstWant.records, firstWant.narrowedBy = first, []string{"lookup_attributes", "max_items"}
	restWant.complete, restWant.records, restWant.narrowedBy = true, n-first, []string{"lookup_attributes", "next_token"}
	resource.Test(t, resource.TestCase{
		ProtoV6ProviderFactories: testAccProtoV6ProviderFactories,
		Steps: []resource.TestStep{{
			Config: config,
			ConfigStateChecks: []statecheck.StateCheck{
				evidenceIs("data.auditlog_cloudaudit_events.first", firstWant),
				statecheck.ExpectKnownValue("data.auditlog_cloudaudit_events.first", tfjsonpath.New("resume_token"), knownvalue.NotNull()),
				evidenceIs("data.auditlog_cloudaudit_events.rest", restWant),
				statecheck.ExpectKnownValue("data.auditlog_cloudaudit_events.rest", tfjsonpath.New("resume_token"), knownvalue.Null()),
			},
		}},
	})
}

// GetCallerIdentity's CAM permission is not documented. Refused, the reads
// succeed with a null account_id and principal_arn, the rest of their
// evidence intact.
func TestAccEvidence_callerIdentityRefused(t *testing.T) {
	sim := startSim(t, cloudsim.Options{RefuseCallerIdentity: "AuthFailure.UnauthorizedOperation"})
	w := evWindowsOf(sim)
	config := sim.providerConfig() + fmt.Sprintf(`
data "auditlog_cloudaudit_tracks" "test" {}

data "auditlog_cloudaudit_events" "test" {
  start_time = %d
  end_time   = %d
}
`, w.eventsStart, w.eventsEnd)
	resource.Test(t, resource.TestCase{
		ProtoV6ProviderFactories: testAccProtoV6ProviderFactories,
		Steps: []resource.TestStep{{
			Config: config,
			ConfigStateChecks: []statecheck.StateCheck{
				evidenceIs("data.auditlog_cloudaudit_tracks.test", wantEvidence{
					complete: true, records: 7, region: "ap-guangzhou", narrowedBy: []string{}}),
				evidenceIs("data.auditlog_cloudaudit_events.test", wantEvidence{
					complete: true, records: len(sim.CloudAuditEvents()), windowStart: i64(w.eventsStart), windowEnd: i64(w.eventsEnd),
					region: "ap-guangzhou", narrowedBy: []string{}}),
				statecheck.ExpectKnownValue("data.auditlog_cloudaudit_tracks.test", tfjsonpath.New("tracks"), knownvalue.ListSizeExact(7)),
			},
		}},
	})
	if sim.CallCount("GetCallerIdentity") == 0 {
		t.Error("GetCallerIdentity was never asked: the test proves nothing")
	}
}
