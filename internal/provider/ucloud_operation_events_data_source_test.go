package provider

import (
	"fmt"
	"regexp"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/path"
	"github.com/hashicorp/terraform-plugin-framework/types"
	"github.com/hashicorp/terraform-plugin-go/tftypes"
	"github.com/hashicorp/terraform-plugin-testing/compare"
	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/knownvalue"
	"github.com/hashicorp/terraform-plugin-testing/statecheck"
	"github.com/hashicorp/terraform-plugin-testing/tfjsonpath"

	"github.com/auditlog/terraform-provider-auditlog/internal/client"
	"github.com/auditlog/terraform-provider-auditlog/internal/cloudsim"
)

const ucloudEventsAddr = "data.auditlog_ucloud_operation_events.test"

func ucloudEventsCheck(p tfjsonpath.Path, v knownvalue.Check) statecheck.StateCheck {
	return statecheck.ExpectKnownValue(ucloudEventsAddr, p, v)
}

func ucloudEventAt(i int) tfjsonpath.Path { return tfjsonpath.New("events").AtSliceIndex(i) }

// ucloudEventExact is the state of one simulator event, every field exact.
func ucloudEventExact(e cloudsim.UCloudEvent) knownvalue.Check {
	resources := make([]knownvalue.Check, len(e.RelatedResource))
	for i, r := range e.RelatedResource {
		resources[i] = knownvalue.ObjectExact(map[string]knownvalue.Check{
			"resource_id":   knownvalue.StringExact(r.ResourceId),
			"resource_name": knownvalue.StringExact(r.ResourceName),
		})
	}
	var accessKey knownvalue.Check = knownvalue.Null()
	if e.AccessKeyID != "" {
		accessKey = knownvalue.StringExact(e.AccessKeyID)
	}
	return knownvalue.ObjectExact(map[string]knownvalue.Check{
		"region":           knownvalue.StringExact(e.Region),
		"api":              knownvalue.StringExact(e.Api),
		"is_success":       knownvalue.Bool(e.IsSuccess),
		"operate_time":     knownvalue.Int64Exact(e.OperateTime),
		"user_name":        knownvalue.StringExact(e.UserName),
		"user_email":       knownvalue.StringExact(e.UserEmail),
		"related_resource": knownvalue.ListExact(resources),
		"remote_ip":        knownvalue.StringExact(e.RemoteIP),
		"access_key_id":    accessKey,
	})
}

// ucloudEventsExact is the state of a list of simulator events, in order.
func ucloudEventsExact(events []cloudsim.UCloudEvent) knownvalue.Check {
	checks := make([]knownvalue.Check, len(events))
	for i, e := range events {
		checks[i] = ucloudEventExact(e)
	}
	return knownvalue.ListExact(checks)
}

// words turns a message into a regexp that survives Terraform wrapping the
// text of diagnostics: each space matches any run of white space.
func words(msg string) string {
	parts := strings.Fields(msg)
	for i, p := range parts {
		parts[i] = regexp.QuoteMeta(p)
	}
	return `(?s)` + strings.Join(parts, `\s+`)
}

func TestAccUCloudOperationEvents_readsEverything(t *testing.T) {
	sim := startSim(t, cloudsim.Options{})
	want := sim.UCloudEvents()
	if len(want) != 120 {
		t.Fatalf("the simulator has %d events, want its default 120", len(want))
	}
	console := slices.IndexFunc(want, func(e cloudsim.UCloudEvent) bool { return e.AccessKeyID == "" })
	noResources := slices.IndexFunc(want, func(e cloudsim.UCloudEvent) bool { return len(e.RelatedResource) == 0 })
	manyResources := slices.IndexFunc(want, func(e cloudsim.UCloudEvent) bool { return len(e.RelatedResource) >= 2 })
	if console < 0 || noResources < 0 || manyResources < 0 {
		t.Fatalf("the data set lacks a console event (%d), an event without resources (%d) or one with several (%d)", console, noResources, manyResources)
	}
	first := want[0]

	resource.Test(t, resource.TestCase{
		ProtoV6ProviderFactories: testAccProtoV6ProviderFactories,
		Steps: []resource.TestStep{{
			Config: sim.providerConfig() + `data "auditlog_ucloud_operation_events" "test" {}`,
			ConfigStateChecks: []statecheck.StateCheck{
				ucloudEventsCheck(tfjsonpath.New("events"), knownvalue.ListSizeExact(len(want))),
				ucloudEventsCheck(tfjsonpath.New("id"), knownvalue.StringRegexp(regexp.MustCompile(`^ucloud-operation-events-[0-9a-f]{16}$`))),
				ucloudEventsCheck(tfjsonpath.New("project_id"), knownvalue.StringExact(cloudsim.DefaultUCloudProjectID)),
				ucloudEventsCheck(tfjsonpath.New("max_results"), knownvalue.Int64Exact(50)),
				// Complete: no token to resume from, and the evidence says so.
				ucloudEventsCheck(tfjsonpath.New("resume_token"), knownvalue.Null()),
				ucloudEventsCheck(tfjsonpath.New("evidence").AtMapKey("complete"), knownvalue.Bool(true)),
				ucloudEventsCheck(tfjsonpath.New("next_token"), knownvalue.Null()),
				// The newest event, field by field.
				ucloudEventsCheck(ucloudEventAt(0).AtMapKey("region"), knownvalue.StringExact(first.Region)),
				ucloudEventsCheck(ucloudEventAt(0).AtMapKey("api"), knownvalue.StringExact(first.Api)),
				ucloudEventsCheck(ucloudEventAt(0).AtMapKey("is_success"), knownvalue.Bool(first.IsSuccess)),
				ucloudEventsCheck(ucloudEventAt(0).AtMapKey("operate_time"), knownvalue.Int64Exact(first.OperateTime)),
				ucloudEventsCheck(ucloudEventAt(0).AtMapKey("user_name"), knownvalue.StringExact(first.UserName)),
				ucloudEventsCheck(ucloudEventAt(0).AtMapKey("user_email"), knownvalue.StringExact(first.UserEmail)),
				ucloudEventsCheck(ucloudEventAt(0).AtMapKey("remote_ip"), knownvalue.StringExact(first.RemoteIP)),
				ucloudEventsCheck(ucloudEventAt(0), ucloudEventExact(first)),
				// A console operation has no API key: null, not "".
				ucloudEventsCheck(ucloudEventAt(console).AtMapKey("access_key_id"), knownvalue.Null()),
				ucloudEventsCheck(ucloudEventAt(console), ucloudEventExact(want[console])),
				// No resources is an empty list, not null; several keep their order.
				ucloudEventsCheck(ucloudEventAt(noResources).AtMapKey("related_resource"), knownvalue.ListSizeExact(0)),
				ucloudEventsCheck(ucloudEventAt(manyResources).AtMapKey("related_resource").AtSliceIndex(1).AtMapKey("resource_id"),
					knownvalue.StringExact(want[manyResources].RelatedResource[1].ResourceId)),
				// And every event, in API order.
				ucloudEventsCheck(tfjsonpath.New("events"), ucloudEventsExact(want)),
			},
		}},
	})
	// 120 events are 3 pages of 50; every read of the test reads all 3.
	if n := sim.CallCount("GetUserOperationEvents"); n == 0 || n%3 != 0 {
		t.Errorf("GetUserOperationEvents calls = %d, want a multiple of 3 pages", n)
	}
}

// max_items stops a read; resume_token, passed as next_token, continues it
// exactly where it stopped. 1,000 events are read as 17 chained chunks of
// max_items = 60 (pages of 30, the same MaxResults on every page, which the
// simulator enforces), and the chunks together are the full read.
func TestAccUCloudOperationEvents_maxItemsAndResume(t *testing.T) {
	sim := startSim(t, cloudsim.Options{Events: 1000})
	want := sim.UCloudEvents()
	small := startSim(t, cloudsim.Options{Events: 10})

	addr := func(name string) string { return "data.auditlog_ucloud_operation_events." + name }
	check := func(name string, p tfjsonpath.Path, v knownvalue.Check) statecheck.StateCheck {
		return statecheck.ExpectKnownValue(addr(name), p, v)
	}
	nonEmpty := knownvalue.StringRegexp(regexp.MustCompile(`^\S+$`))

	const chunk = 60
	var config strings.Builder
	config.WriteString(sim.providerConfig())
	config.WriteString("data \"auditlog_ucloud_operation_events\" \"all\" {}\n")
	checks := []statecheck.StateCheck{check("all", tfjsonpath.New("events"), ucloudEventsExact(want))}
	for k := 0; k*chunk < len(want); k++ {
		name := fmt.Sprintf("c%d", k)
		next := ""
		if k > 0 {
			next = fmt.Sprintf("next_token = data.auditlog_ucloud_operation_events.c%d.resume_token\n", k-1)
		}
		fmt.Fprintf(&config, "data \"auditlog_ucloud_operation_events\" %q {\n%smax_items = %d\n}\n", name, next, chunk)
		end := min((k+1)*chunk, len(want))
		checks = append(checks,
			check(name, tfjsonpath.New("events"), ucloudEventsExact(want[k*chunk:end])),
			check(name, tfjsonpath.New("max_results"), knownvalue.Int64Exact(30)))
		if end < len(want) {
			checks = append(checks, check(name, tfjsonpath.New("resume_token"), nonEmpty),
				check(name, tfjsonpath.New("evidence").AtMapKey("complete"), knownvalue.Bool(false)))
		} else {
			checks = append(checks, check(name, tfjsonpath.New("resume_token"), knownvalue.Null()),
				check(name, tfjsonpath.New("evidence").AtMapKey("complete"), knownvalue.Bool(true)))
		}
	}
	checks = append(checks,
		statecheck.CompareValuePairs(addr("c0"), tfjsonpath.New("resume_token"), addr("c1"), tfjsonpath.New("next_token"), compare.ValuesSame()),
		statecheck.CompareValuePairs(addr("c0"), tfjsonpath.New("id"), addr("c1"), tfjsonpath.New("id"), compare.ValuesDiffer()))

	resource.Test(t, resource.TestCase{
		ProtoV6ProviderFactories: testAccProtoV6ProviderFactories,
		Steps: []resource.TestStep{
			{Config: config.String(), ConfigStateChecks: checks},
			{
				// A max_results that does not divide max_items: the first
				// max_items events, and no token, since the API's would skip
				// the rest of the last page.
				Config: sim.providerConfig() + `
data "auditlog_ucloud_operation_events" "test" {
  max_items   = 7
  max_results = 5
}
`,
				ConfigStateChecks: []statecheck.StateCheck{
					ucloudEventsCheck(tfjsonpath.New("events"), ucloudEventsExact(want[:7])),
					ucloudEventsCheck(tfjsonpath.New("max_results"), knownvalue.Int64Exact(5)),
					ucloudEventsCheck(tfjsonpath.New("resume_token"), knownvalue.Null()),
					// Null, and not complete: the read stopped inside a page.
					ucloudEventsCheck(tfjsonpath.New("evidence").AtMapKey("complete"), knownvalue.Bool(false)),
				},
			},
			{
				// A continuation with another page size is refused by the
				// API; the error says why.
				Config: sim.providerConfig() + `
data "auditlog_ucloud_operation_events" "first" {
  max_items = 60
}

data "auditlog_ucloud_operation_events" "second" {
  next_token = data.auditlog_ucloud_operation_events.first.resume_token
  max_items  = 100
}
`,
				ExpectError: regexp.MustCompile(`(?s)RetCode\s+230.*NextToken\s+is\s+invalid.*valid\s+only\s+with\s+exactly\s+the\s+arguments.*MaxResults\s+=\s+50`),
			},
			{
				// A limit that reaches exactly the end leaves nothing to resume.
				Config: small.providerConfig() + `
data "auditlog_ucloud_operation_events" "test" {
  max_items = 10
}
`,
				ConfigStateChecks: []statecheck.StateCheck{
					ucloudEventsCheck(tfjsonpath.New("events"), ucloudEventsExact(small.UCloudEvents())),
					// Complete: no token to resume from, and the evidence says so.
					ucloudEventsCheck(tfjsonpath.New("resume_token"), knownvalue.Null()),
					ucloudEventsCheck(tfjsonpath.New("evidence").AtMapKey("complete"), knownvalue.Bool(true)),
				},
			},
		},
	})
}

// An empty page that carries a NextToken does not end the read: the events
// after it are read, and the read is complete only at the end.
func TestAccUCloudOperationEvents_emptyPageWithToken(t *testing.T) {
	sim := startSim(t, cloudsim.Options{Events: 120})
	sim.InjectFault(cloudsim.Fault{Kind: cloudsim.FaultEmptyPage, Action: "GetUserOperationEvents", After: 1, Times: 1})
	resource.Test(t, resource.TestCase{
		ProtoV6ProviderFactories: testAccProtoV6ProviderFactories,
		Steps: []resource.TestStep{{
			Config: sim.providerConfig() + `data "auditlog_ucloud_operation_events" "test" {}`,
			ConfigStateChecks: []statecheck.StateCheck{
				ucloudEventsCheck(tfjsonpath.New("events"), ucloudEventsExact(sim.UCloudEvents())),
				// Complete: no token to resume from, and the evidence says so.
				ucloudEventsCheck(tfjsonpath.New("resume_token"), knownvalue.Null()),
				ucloudEventsCheck(tfjsonpath.New("evidence").AtMapKey("complete"), knownvalue.Bool(true)),
			},
		}},
	})
	if sim.FaultCount() != 1 {
		t.Errorf("the empty page was served %d times, want 1", sim.FaultCount())
	}
}

// The warnings of a read without an exact resume_token, and of a max_items
// whose divisors make pages small.
func TestUCloudOperationEvents_pagingWarnings(t *testing.T) {
	five := types.Int64Value(5)
	cases := []struct {
		name       string
		maxResults types.Int64
		res        client.UserOperationEventsResult
		maxItems   int
		want       []string // summaries
		detail     string
	}{
		{"exact", types.Int64Null(), client.UserOperationEventsResult{PageSize: 30, NextToken: "t"}, 60, nil, ""},
		{"withheld", five, client.UserOperationEventsResult{PageSize: 5, TokenWithheld: "the read stopped 2 events into page 2"}, 7,
			[]string{"No resume_token for this read"}, "choose a max_results that divides max_items (7)"},
		{"prime", types.Int64Null(), client.UserOperationEventsResult{PageSize: 1, NextToken: "t"}, 53,
			[]string{"Small pages for this max_items"}, "up to 53 sequential calls are made where pages of 50 would need 2"},
		{"prime, explicit max_results", five, client.UserOperationEventsResult{PageSize: 1, NextToken: "t"}, 53, nil, ""},
		{"unbounded", types.Int64Null(), client.UserOperationEventsResult{PageSize: 50, Complete: true}, 0, nil, ""},
	}
	for _, tc := range cases {
		diags := ucloudPagingWarnings(ucloudOperationEventsModel{MaxResults: tc.maxResults}, &tc.res, tc.maxItems)
		var got []string
		for _, d := range diags {
			if d.Severity() != diag.SeverityWarning {
				t.Errorf("%s: %s is not a warning", tc.name, d.Summary())
			}
			got = append(got, d.Summary())
			if tc.detail != "" && !strings.Contains(d.Detail(), tc.detail) {
				t.Errorf("%s: detail %q lacks %q", tc.name, d.Detail(), tc.detail)
			}
		}
		if !slices.Equal(got, tc.want) {
			t.Errorf("%s: warnings %q, want %q", tc.name, got, tc.want)
		}
	}
}

// The filters reach the API and every returned event matches them. The three
// data sources are independent, so Terraform reads them in parallel: with
// retries off and a slow API, that only works if their calls never overlap
// (the API throttles concurrent calls with RetCode 153).
func TestAccUCloudOperationEvents_filters(t *testing.T) {
	sim := startSim(t, cloudsim.Options{Events: 300, UCloudLatency: 5 * time.Millisecond})
	all := sim.UCloudEvents()

	// The resource touched by the most events.
	counts := map[string]int{}
	resourceID := ""
	for _, e := range all {
		for _, r := range e.RelatedResource {
			counts[r.ResourceId]++
			if counts[r.ResourceId] > counts[resourceID] {
				resourceID = r.ResourceId
			}
		}
	}
	byResource := filterEvents(all, func(e cloudsim.UCloudEvent) bool {
		return slices.ContainsFunc(e.RelatedResource, func(r cloudsim.UCloudRelatedResource) bool { return r.ResourceId == resourceID })
	})
	keys := cloudsim.UCloudAccessKeyIDs[:2]
	byKey := filterEvents(all, func(e cloudsim.UCloudEvent) bool { return slices.Contains(keys, e.AccessKeyID) })
	// A window from the 60th to the 11th newest event, both ends inclusive.
	begin, end := all[60].OperateTime, all[11].OperateTime
	inWindow := all[11:61]
	if len(byResource) < 2 || len(byKey) < 2 || len(byKey) == len(all) {
		t.Fatalf("the data set cannot exercise the filters: %d events for %s, %d for two keys", len(byResource), resourceID, len(byKey))
	}

	cfg := sim.providerBlock(withMaxRetries(0)) + fmt.Sprintf(`
data "auditlog_ucloud_operation_events" "by_resource" {
  resource_id = %q
  max_results = 10
}

data "auditlog_ucloud_operation_events" "by_key" {
  access_key_ids = [%q, %q]
}

data "auditlog_ucloud_operation_events" "window" {
  begin_time  = %d
  end_time    = %d
  max_results = 20
}
`, resourceID, keys[0], keys[1], begin, end)
	check := func(name string, p tfjsonpath.Path, v knownvalue.Check) statecheck.StateCheck {
		return statecheck.ExpectKnownValue("data.auditlog_ucloud_operation_events."+name, p, v)
	}
	resource.Test(t, resource.TestCase{
		ProtoV6ProviderFactories: testAccProtoV6ProviderFactories,
		Steps: []resource.TestStep{{
			Config: cfg,
			ConfigStateChecks: []statecheck.StateCheck{
				check("by_resource", tfjsonpath.New("events"), ucloudEventsExact(byResource)),
				check("by_resource", tfjsonpath.New("resource_id"), knownvalue.StringExact(resourceID)),
				check("by_key", tfjsonpath.New("events"), ucloudEventsExact(byKey)),
				check("by_key", tfjsonpath.New("access_key_ids"), knownvalue.ListExact([]knownvalue.Check{
					knownvalue.StringExact(keys[0]), knownvalue.StringExact(keys[1]),
				})),
				check("window", tfjsonpath.New("events"), ucloudEventsExact(inWindow)),
				check("window", tfjsonpath.New("begin_time"), knownvalue.Int64Exact(begin)),
			},
		}},
	})
}

func filterEvents(events []cloudsim.UCloudEvent, keep func(cloudsim.UCloudEvent) bool) []cloudsim.UCloudEvent {
	var out []cloudsim.UCloudEvent
	for _, e := range events {
		if keep(e) {
			out = append(out, e)
		}
	}
	return out
}

func TestAccUCloudOperationEvents_emptyAndDefaultProject(t *testing.T) {
	empty := startSim(t, cloudsim.Options{Events: -1})
	sim := startSim(t, cloudsim.Options{Events: 3})
	o := sim.Options()
	// No project anywhere: none is sent, the API uses the default project,
	// and project_id stays null.
	noProject := sim.providerBlock(without(tencentBlock, "ucloud.project_id", "max_retries")) + `
data "auditlog_ucloud_operation_events" "test" {}
`
	resource.Test(t, resource.TestCase{
		ProtoV6ProviderFactories: testAccProtoV6ProviderFactories,
		Steps: []resource.TestStep{
			{
				Config: empty.providerConfig() + `data "auditlog_ucloud_operation_events" "test" {}`,
				ConfigStateChecks: []statecheck.StateCheck{
					ucloudEventsCheck(tfjsonpath.New("events"), knownvalue.ListSizeExact(0)),
					// Complete: no token to resume from, and the evidence says so.
					ucloudEventsCheck(tfjsonpath.New("resume_token"), knownvalue.Null()),
					ucloudEventsCheck(tfjsonpath.New("evidence").AtMapKey("complete"), knownvalue.Bool(true)),
				},
			},
			{
				Config: noProject,
				ConfigStateChecks: []statecheck.StateCheck{
					ucloudEventsCheck(tfjsonpath.New("events"), ucloudEventsExact(sim.UCloudEvents())),
					ucloudEventsCheck(tfjsonpath.New("project_id"), knownvalue.Null()),
				},
			},
			{
				// The data source's project wins over the provider's.
				Config: sim.providerConfig() + fmt.Sprintf(`data "auditlog_ucloud_operation_events" "test" { project_id = %q }`, o.UCloudProjectID),
				ConfigStateChecks: []statecheck.StateCheck{
					ucloudEventsCheck(tfjsonpath.New("events"), knownvalue.ListSizeExact(3)),
					ucloudEventsCheck(tfjsonpath.New("project_id"), knownvalue.StringExact(o.UCloudProjectID)),
				},
			},
		},
	})
}

// API errors carry the RetCode and the request id, and sit on the argument
// the API blames.
func TestAccUCloudOperationEvents_apiErrors(t *testing.T) {
	sim := startSim(t, cloudsim.Options{})
	// A simulator whose clock is 400 days ahead: a window the plan accepts
	// is past the API's 365 days.
	ahead := startSim(t, cloudsim.Options{Now: func() time.Time { return time.Now().Add(400 * 24 * time.Hour) }})
	wrongKey := sim.providerBlock(withUCloudPrivateKey("not-the-private-key"), without(tencentBlock, "max_retries")) + `
data "auditlog_ucloud_operation_events" "test" {}
`
	// An error on an attribute shows that attribute's line of the
	// configuration before the error's detail.
	blames := func(attribute, detail string) *regexp.Regexp {
		return regexp.MustCompile(`(?s)on terraform_plugin_test\.tf line \d+, in data "auditlog_ucloud_operation_events" "test":\s+\d+:\s+` +
			attribute + `\s+=.*` + words(detail)[4:])
	}
	dataSource := func(args string) string {
		return "data \"auditlog_ucloud_operation_events\" \"test\" {\n" + args + "\n}\n"
	}
	resource.Test(t, resource.TestCase{
		ProtoV6ProviderFactories: testAccProtoV6ProviderFactories,
		Steps: []resource.TestStep{
			{
				Config:      wrongKey,
				ExpectError: regexp.MustCompile(`(?s)RetCode 171.*Signature VerifyAC Error.*RequestId:\s+[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}`),
			},
			{
				Config:      sim.providerConfig() + dataSource(`project_id = "org-nope"`),
				ExpectError: blames("project_id", "RetCode 292: Project does not exist (RequestId:"),
			},
			{
				Config:      sim.providerConfig() + dataSource(`next_token = "bogus"`),
				ExpectError: blames("next_token", "RetCode 230: NextToken is invalid (RequestId:"),
			},
			{
				Config:      ahead.providerConfig() + dataSource(fmt.Sprintf(`begin_time = %d`, time.Now().Add(-30*24*time.Hour).Unix())),
				ExpectError: blames("begin_time", "RetCode 230: Params [BeginTime] not available: only the operation events of the last 365 days can be queried"),
			},
		},
	})
}

// Invalid arguments fail the plan, before any call.
func TestAccUCloudOperationEvents_invalidArguments(t *testing.T) {
	sim := startSim(t, cloudsim.Options{})
	now := time.Now()
	ago := func(d time.Duration) int64 { return now.Add(-d).Unix() }
	day := 24 * time.Hour
	keys51 := make([]string, 51)
	for i := range keys51 {
		keys51[i] = fmt.Sprintf("%q", fmt.Sprintf("key-%02d", i))
	}
	cases := map[string]struct {
		args string
		want string
	}{
		"begin after end":         {fmt.Sprintf("begin_time = %d\nend_time = %d", ago(10*day), ago(20*day)), words("Attribute end_time") + `.*` + words("must not be before begin_time")},
		"begin in the future":     {fmt.Sprintf("begin_time = %d", now.Add(time.Hour).Unix()), words("Attribute begin_time") + `.*` + words("is in the future")},
		"end in the future":       {fmt.Sprintf("end_time = %d", now.Add(time.Hour).Unix()), words("Attribute end_time") + `.*` + words("is in the future")},
		"begin past 365 days":     {fmt.Sprintf("begin_time = %d\nend_time = %d", ago(366*day), ago(day)), words("Attribute begin_time") + `.*` + words("is more than 365 days ago")},
		"end past 365 days":       {fmt.Sprintf("end_time = %d", ago(400*day)), words("Attribute end_time") + `.*` + words("is more than 365 days ago")},
		"negative begin":          {"begin_time = -1", words("Attribute begin_time value must be at least 0")},
		"max_results zero":        {"max_results = 0", words("Attribute max_results value must be between 1 and 50, got: 0")},
		"max_results 51":          {"max_results = 51", words("Attribute max_results value must be between 1 and 50, got: 51")},
		"max_items zero":          {"max_items = 0", words("Attribute max_items value must be at least 1, got: 0")},
		"empty access key":        {`access_key_ids = ["4R8pQm2ZkX7bN1cV5yT9wL3sD6fG0hJ", ""]`, words("Attribute access_key_ids[1] string length must be at least 1")},
		"no access keys":          {`access_key_ids = []`, words("Attribute access_key_ids list must contain at least 1 elements")},
		"51 access keys":          {"access_key_ids = [" + strings.Join(keys51, ", ") + "]", words("Attribute access_key_ids list must contain at least 1 elements and at most 50 elements")},
		"null access key":         {`access_key_ids = [null]`, `(?s)access_key_ids = \[null\].*This attribute contains a null value`},
		"empty resource_id":       {`resource_id = ""`, words("Attribute resource_id string length must be at least 1")},
		"empty project_id":        {`project_id = ""`, words("Attribute project_id string length must be at least 1")},
		"empty next_token":        {`next_token = ""`, words("Attribute next_token string length must be at least 1")},
		"max_results wrong type":  {`max_results = "many"`, `(?s)Inappropriate value for attribute "max_results"`},
		"unknown argument events": {`events = []`, `(?s)Invalid Configuration for Read-Only Attribute`},
	}
	for name, tc := range cases {
		t.Run(name, func(t *testing.T) {
			resource.Test(t, resource.TestCase{
				ProtoV6ProviderFactories: testAccProtoV6ProviderFactories,
				Steps: []resource.TestStep{{
					Config:      sim.providerConfig() + "data \"auditlog_ucloud_operation_events\" \"test\" {\n" + tc.args + "\n}",
					ExpectError: regexp.MustCompile(tc.want),
					PlanOnly:    true,
				}},
			})
		})
	}
	if n := sim.CallCount("GetUserOperationEvents"); n != 0 {
		t.Errorf("invalid arguments reached the API %d times; they must fail at plan time", n)
	}
}

// A large log goes through Terraform whole: 20,000 events are 400 pages.
func TestAccUCloudOperationEvents_twentyThousand(t *testing.T) {
	sim := startSim(t, cloudsim.Options{Events: 20000})
	want := sim.UCloudEvents()
	resource.Test(t, resource.TestCase{
		ProtoV6ProviderFactories: testAccProtoV6ProviderFactories,
		Steps: []resource.TestStep{{
			Config: sim.providerConfig() + `data "auditlog_ucloud_operation_events" "test" {}`,
			ConfigStateChecks: []statecheck.StateCheck{
				ucloudEventsCheck(tfjsonpath.New("events"), knownvalue.ListSizeExact(20000)),
				ucloudEventsCheck(ucloudEventAt(0), ucloudEventExact(want[0])),
				ucloudEventsCheck(ucloudEventAt(19999), ucloudEventExact(want[19999])),
				// Complete: no token to resume from, and the evidence says so.
				ucloudEventsCheck(tfjsonpath.New("resume_token"), knownvalue.Null()),
				ucloudEventsCheck(tfjsonpath.New("evidence").AtMapKey("complete"), knownvalue.Bool(true)),
			},
		}},
	})
	t.Logf("GetUserOperationEvents calls: %d", sim.CallCount("GetUserOperationEvents"))
}

// Values the simulator never sends: absent fields are null, an absent
// RelatedResource is null while an empty one is an empty list.
func TestUCloudOperationEvents_eventValue(t *testing.T) {
	for name, v := range tfObject(t, ucloudEventValue(&client.UserOperationEvent{})) {
		if !v.IsNull() {
			t.Errorf("absent %s = %v, want null", name, v)
		}
	}
	name := "web-01"
	withEmpty := tfObject(t, ucloudEventValue(&client.UserOperationEvent{
		RelatedResource: []client.RelatedResource{},
		UserName:        &name,
	}))
	if rel := withEmpty["related_resource"]; rel.IsNull() || len(tfList(t, rel)) != 0 {
		t.Errorf("empty related_resource = %v, want an empty list", rel)
	}
	partial := tfObject(t, ucloudEventValue(&client.UserOperationEvent{
		RelatedResource: []client.RelatedResource{{ResourceName: &name}},
	}))
	r := tfObject(t, tfList(t, partial["related_resource"])[0])
	if !r["resource_id"].IsNull() || !r["resource_name"].Equal(tftypes.NewValue(tftypes.String, name)) {
		t.Errorf("related resource = %v", r)
	}
	if list := ucloudEventsValue(nil); list.IsNull() || len(tfList(t, list)) != 0 {
		t.Errorf("no events = %v, want an empty list", list)
	}
}

func TestUCloudOperationEvents_errorPath(t *testing.T) {
	cases := []struct {
		code int
		msg  string
		want string // "" for none
	}{
		{292, "Project does not exist", "project_id"},
		{230, "Params [MaxResults] not available: must be an integer from 1 to 50", "max_results"},
		{230, "NextToken is invalid", "next_token"},
		{230, "Params [BeginTime] not available: only the operation events of the last 365 days can be queried", "begin_time"},
		{230, "Params [EndTime] not available", "end_time"},
		{230, "Params [ResourceID] not available", "resource_id"},
		{230, "Params [AccessKeyIDs] not available: at most 50 access keys", "access_key_ids"},
		{171, "Signature VerifyAC Error", ""},
		{153, "Request too frequent", ""},
	}
	for _, tc := range cases {
		p, ok := ucloudEventsErrorPath(&client.UCloudError{RetCode: tc.code, Message: tc.msg})
		switch {
		case tc.want == "" && ok:
			t.Errorf("%d %q: blamed %s, want no attribute", tc.code, tc.msg, p)
		case tc.want != "" && (!ok || !p.Equal(path.Root(tc.want))):
			t.Errorf("%d %q: blamed %s (%v), want %s", tc.code, tc.msg, p, ok, tc.want)
		}
	}
}

// A read that runs out of timeouts.read says so, against timeouts.read,
// for UCloud as for Tencent Cloud.
func TestAccReadTimeoutReported(t *testing.T) {
	sim := startSim(t, cloudsim.Options{Latency: 2 * time.Second})
	// The value in force is quoted, not the default.
	timedOut := regexp.MustCompile(`(?s)did\s+not\s+finish\s+within\s+timeouts\.read\s+\(300ms\):`)
	for _, dataSource := range []string{"auditlog_ucloud_operation_events", "auditlog_cloudaudit_tracks"} {
		t.Run(dataSource, func(t *testing.T) {
			resource.Test(t, resource.TestCase{
				ProtoV6ProviderFactories: testAccProtoV6ProviderFactories,
				Steps: []resource.TestStep{{
					Config: sim.providerConfig() + fmt.Sprintf(`
data %q "test" {
  timeouts {
    read = "300ms"
  }
}
`, dataSource),
					ExpectError: timedOut,
				}},
			})
		})
	}
}
