package provider

import (
	"context"
	"fmt"
	"math/big"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"testing"

	"github.com/hashicorp/terraform-plugin-framework/types"
	"github.com/hashicorp/terraform-plugin-go/tfprotov6"
	"github.com/hashicorp/terraform-plugin-go/tftypes"
	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/knownvalue"
	"github.com/hashicorp/terraform-plugin-testing/statecheck"
	"github.com/hashicorp/terraform-plugin-testing/tfjsonpath"

	"github.com/auditlog/terraform-provider-auditlog/internal/client"
	"github.com/auditlog/terraform-provider-auditlog/internal/cloudsim"
)

func caEventsCheck(name string, p tfjsonpath.Path, v knownvalue.Check) statecheck.StateCheck {
	return statecheck.ExpectKnownValue("data.auditlog_cloudaudit_events."+name, p, v)
}

func strOrNull(p *string) knownvalue.Check {
	if p == nil {
		return knownvalue.Null()
	}
	return knownvalue.StringExact(*p)
}

// caEventExact is the state of one simulator event, every field exact.
func caEventExact(e cloudsim.TencentEvent, withLocation bool) knownvalue.Check {
	var location knownvalue.Check = knownvalue.Null()
	if withLocation {
		location = knownvalue.StringExact(e.LocationText())
	}
	return knownvalue.ObjectExact(map[string]knownvalue.Check{
		"event_id":          knownvalue.StringExact(e.EventId),
		"username":          knownvalue.StringExact(e.Username),
		"event_time":        knownvalue.StringExact(e.EventTime),
		"cloud_audit_event": knownvalue.StringExact(e.CloudAuditEvent),
		"resource_type_cn":  knownvalue.StringExact(e.ResourceTypeCn),
		"error_code":        knownvalue.Int64Exact(e.ErrorCode),
		"event_name":        knownvalue.StringExact(e.EventName),
		"secret_id":         strOrNull(e.SecretId),
		"event_source":      knownvalue.StringExact(e.EventSource),
		"request_id":        knownvalue.StringExact(e.RequestID),
		"resource_region":   strOrNull(e.ResourceRegion),
		"account_id":        knownvalue.Int64Exact(e.AccountID),
		"source_ip_address": knownvalue.StringExact(e.SourceIPAddress),
		"event_name_cn":     knownvalue.StringExact(e.EventNameCn),
		"resources": knownvalue.ObjectExact(map[string]knownvalue.Check{
			"resource_type": knownvalue.StringExact(e.Resources.ResourceType),
			"resource_name": strOrNull(e.Resources.ResourceName),
		}),
		"event_region": knownvalue.StringExact(e.EventRegion),
		"location":     location,
	})
}

func caEventsExact(events []cloudsim.TencentEvent, withLocation bool) knownvalue.Check {
	checks := make([]knownvalue.Check, len(events))
	for i, e := range events {
		checks[i] = caEventExact(e, withLocation)
	}
	return knownvalue.ListExact(checks)
}

// caWindow is a time window covering every event of the data set.
func caWindow(events []cloudsim.TencentEvent) string {
	return fmt.Sprintf("start_time = %d\n  end_time = %d\n", events[len(events)-1].Unix(), events[0].Unix())
}

func TestAccCloudAuditEvents_readsEverything(t *testing.T) {
	sim := startSim(t, cloudsim.Options{})
	want := sim.CloudAuditEvents()
	if len(want) != 300 {
		t.Fatalf("the simulator has %d events, want its default 300", len(want))
	}
	// The data set must hold what the checks below rely on.
	has := func(f func(e cloudsim.TencentEvent) bool) bool { return slices.IndexFunc(want, f) >= 0 }
	for what, ok := range map[string]bool{
		"a console login":             has(func(e cloudsim.TencentEvent) bool { return e.EventName == "ConsoleLogin" && e.SecretId == nil }),
		"a failed write":              has(func(e cloudsim.TencentEvent) bool { return e.ActionType() == "Write" && e.ErrorCode != 0 }),
		"a CAM denial":                has(func(e cloudsim.TencentEvent) bool { return e.ErrorCode == 4102 }),
		"a failure in the service":    has(func(e cloudsim.TencentEvent) bool { return e.ErrorCode == 0 && e.ApiErrorCode() != "" }),
		"a global product":            has(func(e cloudsim.TencentEvent) bool { return e.ResourceRegion == nil }),
		"a call naming no resource":   has(func(e cloudsim.TencentEvent) bool { return e.Resources.ResourceName == nil }),
		"an IPv6 source":              has(func(e cloudsim.TencentEvent) bool { return slices.Contains([]byte(e.SourceIPAddress), ':') }),
		"a role session":              has(func(e cloudsim.TencentEvent) bool { return e.Username == "ops-admin" }),
		"a deletion (Delete*)":        has(func(e cloudsim.TencentEvent) bool { return len(e.EventName) > 6 && e.EventName[:6] == "Delete" }),
		"a sub-account using the API": has(func(e cloudsim.TencentEvent) bool { return e.Username == "alice" && e.SecretId != nil }),
	} {
		if !ok {
			t.Fatalf("the data set lacks %s", what)
		}
	}
	login := slices.IndexFunc(want, func(e cloudsim.TencentEvent) bool { return e.EventName == "ConsoleLogin" })

	config := sim.providerConfig() + fmt.Sprintf(`
data "auditlog_cloudaudit_events" "all" {
  %s
}
data "auditlog_cloudaudit_events" "located" {
  %s
  is_return_location = true
  max_results        = 7
}
output "login_event_name" {
  value = jsondecode(data.auditlog_cloudaudit_events.all.events[%d].cloud_audit_event).eventName
}
`, caWindow(want), caWindow(want), login)

	resource.Test(t, resource.TestCase{
		ProtoV6ProviderFactories: testAccProtoV6ProviderFactories,
		Steps: []resource.TestStep{{
			Config: config,
			ConfigStateChecks: []statecheck.StateCheck{
				caEventsCheck("all", tfjsonpath.New("events"), knownvalue.ListSizeExact(len(want))),
				caEventsCheck("all", tfjsonpath.New("id"), knownvalue.StringRegexp(regexp.MustCompile(`^cloudaudit-events-[0-9a-f]{16}$`))),
				caEventsCheck("all", tfjsonpath.New("max_results"), knownvalue.Int64Exact(50)),
				caEventsCheck("all", tfjsonpath.New("list_over"), knownvalue.Bool(true)),
				caEventsCheck("all", tfjsonpath.New("resume_token"), knownvalue.Null()),
				caEventsCheck("all", tfjsonpath.New("events").AtSliceIndex(login).AtMapKey("secret_id"), knownvalue.Null()),
				// Every event, every field, in API order.
				caEventsCheck("all", tfjsonpath.New("events"), caEventsExact(want, false)),
				// Pages of 7, with locations.
				caEventsCheck("located", tfjsonpath.New("max_results"), knownvalue.Int64Exact(7)),
				caEventsCheck("located", tfjsonpath.New("events"), caEventsExact(want, true)),
				// cloud_audit_event is the API's JSON, unchanged.
				statecheck.ExpectKnownOutputValue("login_event_name", knownvalue.StringExact("ConsoleLogin")),
			},
		}},
	})
	// 300 events are 6 pages of 50 and 43 of 7, and each read of the test
	// (plan and apply, and the refresh after) reads them all.
	if n := sim.CallCount("DescribeEvents"); n == 0 || n%(6+43) != 0 {
		t.Errorf("DescribeEvents calls = %d, want a multiple of 49 pages", n)
	}
}

// lookup_attributes: conditions on different keys hold together, repeated
// conditions on one key match any of their values.
func TestAccCloudAuditEvents_lookupAttributes(t *testing.T) {
	sim := startSim(t, cloudsim.Options{CloudAuditEvents: 2000})
	all := sim.CloudAuditEvents()
	var deletions, failedWrites, aliceLogins []cloudsim.TencentEvent
	for _, e := range all {
		if (e.EventName == "DeleteUser" || e.EventName == "DeleteBucket") && e.PrincipalID() == "100000000011" {
			deletions = append(deletions, e)
		}
		if e.ActionType() == "Write" && e.CamErrorCode() == "4102" {
			failedWrites = append(failedWrites, e)
		}
		if e.EventName == "ConsoleLogin" && e.Username == "alice" {
			aliceLogins = append(aliceLogins, e)
		}
	}
	if len(deletions) < 2 || len(failedWrites) < 10 || len(aliceLogins) < 2 {
		t.Fatalf("the data set holds too few matches to prove anything: %d deletions, %d failed writes, %d logins",
			len(deletions), len(failedWrites), len(aliceLogins))
	}
	window := caWindow(all)
	config := sim.providerConfig() + fmt.Sprintf(`
data "auditlog_cloudaudit_events" "deletions" {
  %[1]s
  lookup_attributes {
    attribute_key   = "EventName"
    attribute_value = "DeleteUser"
  }
  lookup_attributes {
    attribute_key   = "PrincipalId"
    attribute_value = "100000000011"
  }
  lookup_attributes {
    attribute_key   = "EventName"
    attribute_value = "DeleteBucket"
  }
}
data "auditlog_cloudaudit_events" "denied_writes" {
  %[1]s
  lookup_attributes {
    attribute_key   = "ActionType"
    attribute_value = "Write"
  }
  lookup_attributes {
    attribute_key   = "CamErrorCode"
    attribute_value = "4102"
  }
}
data "auditlog_cloudaudit_events" "none" {
  %[1]s
  lookup_attributes {
    attribute_key   = "RequestId"
    attribute_value = "00000000-0000-4000-8000-000000000000"
  }
}
data "auditlog_cloudaudit_events" "alice_logins" {
  %[1]s
  lookup_attributes {
    attribute_key   = "EventName"
    attribute_value = "ConsoleLogin"
  }
  lookup_attributes {
    attribute_key   = "PrincipalId"
    attribute_value = "100000000011"
  }
}
`, window)
	resource.Test(t, resource.TestCase{
		ProtoV6ProviderFactories: testAccProtoV6ProviderFactories,
		Steps: []resource.TestStep{{
			Config: config,
			ConfigStateChecks: []statecheck.StateCheck{
				caEventsCheck("deletions", tfjsonpath.New("events"), caEventsExact(deletions, false)),
				caEventsCheck("denied_writes", tfjsonpath.New("events"), caEventsExact(failedWrites, false)),
				caEventsCheck("alice_logins", tfjsonpath.New("events"), caEventsExact(aliceLogins, false)),
				// Nothing matches: an empty list, not null.
				caEventsCheck("none", tfjsonpath.New("events"), knownvalue.ListExact([]knownvalue.Check{})),
				caEventsCheck("none", tfjsonpath.New("list_over"), knownvalue.Bool(true)),
			},
		}},
	})
}

// max_items stops a read on a page boundary; resume_token, passed as
// next_token, continues it with no gap and no overlap.
func TestAccCloudAuditEvents_maxItemsAndResume(t *testing.T) {
	sim := startSim(t, cloudsim.Options{})
	want := sim.CloudAuditEvents()
	window := caWindow(want)
	digits := knownvalue.StringRegexp(regexp.MustCompile(`^[0-9]+$`))
	config := sim.providerConfig() + fmt.Sprintf(`
data "auditlog_cloudaudit_events" "first" {
  %[1]s
  max_items = 120
}
data "auditlog_cloudaudit_events" "second" {
  %[1]s
  max_items  = 120
  next_token = data.auditlog_cloudaudit_events.first.resume_token
}
data "auditlog_cloudaudit_events" "rest" {
  %[1]s
  max_results = 40
  next_token  = data.auditlog_cloudaudit_events.second.resume_token
}
data "auditlog_cloudaudit_events" "uneven" {
  %[1]s
  max_results = 50
  max_items   = 70
}
`, window)
	resource.Test(t, resource.TestCase{
		ProtoV6ProviderFactories: testAccProtoV6ProviderFactories,
		Steps: []resource.TestStep{{
			Config: config,
			ConfigStateChecks: []statecheck.StateCheck{
				// 40, the largest page size up to 50 that divides 120.
				caEventsCheck("first", tfjsonpath.New("max_results"), knownvalue.Int64Exact(40)),
				caEventsCheck("first", tfjsonpath.New("events"), caEventsExact(want[:120], false)),
				caEventsCheck("first", tfjsonpath.New("resume_token"), digits),
				caEventsCheck("first", tfjsonpath.New("list_over"), knownvalue.Bool(false)),
				caEventsCheck("second", tfjsonpath.New("events"), caEventsExact(want[120:240], false)),
				caEventsCheck("second", tfjsonpath.New("resume_token"), digits),
				caEventsCheck("rest", tfjsonpath.New("events"), caEventsExact(want[240:], false)),
				caEventsCheck("rest", tfjsonpath.New("resume_token"), knownvalue.Null()),
				caEventsCheck("rest", tfjsonpath.New("list_over"), knownvalue.Bool(true)),
				// 70 is not a multiple of 50: the first 70, and no token.
				caEventsCheck("uneven", tfjsonpath.New("events"), caEventsExact(want[:70], false)),
				caEventsCheck("uneven", tfjsonpath.New("resume_token"), knownvalue.Null()),
				caEventsCheck("uneven", tfjsonpath.New("list_over"), knownvalue.Bool(false)),
			},
		}},
	})
}

// A token the API did not issue for this query is the API's error, attached
// to next_token, with its code and RequestId.
func TestAccCloudAuditEvents_foreignToken(t *testing.T) {
	sim := startSim(t, cloudsim.Options{})
	want := sim.CloudAuditEvents()
	resource.Test(t, resource.TestCase{
		ProtoV6ProviderFactories: testAccProtoV6ProviderFactories,
		Steps: []resource.TestStep{{
			Config: sim.providerConfig() + fmt.Sprintf(`
data "auditlog_cloudaudit_events" "test" {
  %s
  next_token = "18446744073709551615"
}`, caWindow(want)),
			ExpectError: regexp.MustCompile(`(?s)next_token.*InvalidParameter:\s+NextToken\s+` + "`18446744073709551615`" + `\s+is\s+invalid.*RequestId:\s+[0-9a-f-]{36}`),
		}},
	})
}

// Numbers above 2^53 survive: AccountID is an int64 and tokens are uint64.
func TestCloudAuditEventValue_exactLargeNumbers(t *testing.T) {
	big53 := int64(1)<<53 + 1
	v := cloudAuditEventValue(&client.CloudAuditEvent{AccountID: &big53}, true)
	var attrs map[string]tftypes.Value
	if err := v.As(&attrs); err != nil {
		t.Fatal(err)
	}
	var n big.Float
	if err := attrs["account_id"].As(&n); err != nil {
		t.Fatal(err)
	}
	if got, acc := n.Int64(); got != big53 || acc != big.Exact {
		t.Errorf("account_id = %v (%v), want %d exactly", got, acc, big53)
	}
	for _, name := range []string{"event_id", "secret_id", "location", "resources", "error_code"} {
		if !attrs[name].IsNull() {
			t.Errorf("%s = %v, want null for an absent field", name, attrs[name])
		}
	}
	// The token validator takes every uint64 and nothing else.
	for s, ok := range map[string]bool{
		"18446744073709551615": true, "9007199254740993": true, "0": true,
		"18446744073709551616": false, "-1": false, "+5": false, "1e9": false, "\t12": false, "": false,
	} {
		_, err := strconv.ParseUint(s, 10, 64)
		if got := digitsRe.MatchString(s) && err == nil; got != ok {
			t.Errorf("token %q accepted = %v, want %v", s, got, ok)
		}
	}
}

func TestEventsPageSize(t *testing.T) {
	null := func() knownInt { return knownInt{} }
	for _, tc := range []struct {
		maxResults, maxItems knownInt
		want                 int64
	}{
		{null(), null(), 50},
		{null(), knownInt{set: true, v: 120}, 40},
		{null(), knownInt{set: true, v: 100}, 50},
		{null(), knownInt{set: true, v: 97}, 1}, // a prime above 50
		{null(), knownInt{set: true, v: 7}, 7},
		{knownInt{set: true, v: 50}, knownInt{set: true, v: 70}, 50},
	} {
		if got := eventsPageSize(tc.maxResults.value(), tc.maxItems.value(), 50); got != tc.want {
			t.Errorf("eventsPageSize(%v, %v) = %d, want %d", tc.maxResults, tc.maxItems, got, tc.want)
		}
	}
}

type knownInt struct {
	set bool
	v   int64
}

func (k knownInt) value() types.Int64 {
	if !k.set {
		return types.Int64Null()
	}
	return types.Int64Value(k.v)
}

// max_results that does not divide max_items: the first max_items events,
// no token, and a warning on max_items saying why and what to do.
func TestCloudAuditEventsWarnsWhenCutInsideAPage(t *testing.T) {
	ctx := context.Background()
	sim := startSim(t, cloudsim.Options{})
	o := sim.Options()
	server := NewProtocol6Server("test")()
	schemas, err := server.GetProviderSchema(ctx, &tfprotov6.GetProviderSchemaRequest{})
	if err != nil {
		t.Fatal(err)
	}
	conf, err := server.ConfigureProvider(ctx, &tfprotov6.ConfigureProviderRequest{TerraformVersion: "1.11.4",
		Config: benchDynamicValue(t, benchNullExcept(schemas.Provider.ValueType(), map[string]any{
			"tencentcloud": map[string]any{"secret_id": o.TencentSecretID, "secret_key": o.TencentSecretKey, "endpoint": sim.URL},
		}))})
	if err != nil || benchDiagsError(conf.Diagnostics) != nil {
		t.Fatalf("configure: %v %v", err, benchDiagsError(conf.Diagnostics))
	}
	want := sim.CloudAuditEvents()
	read := func(maxResults, maxItems int64) *tfprotov6.ReadDataSourceResponse {
		resp, err := server.ReadDataSource(ctx, &tfprotov6.ReadDataSourceRequest{TypeName: "auditlog_cloudaudit_events",
			Config: benchDynamicValue(t, benchNullExcept(schemas.DataSourceSchemas["auditlog_cloudaudit_events"].ValueType(), map[string]any{
				"start_time": want[len(want)-1].Unix(), "end_time": want[0].Unix(), "max_results": maxResults, "max_items": maxItems,
			}))})
		if err != nil || benchDiagsError(resp.Diagnostics) != nil {
			t.Fatalf("read: %v %v", err, benchDiagsError(resp.Diagnostics))
		}
		return resp
	}
	cut := read(50, 70)
	if len(cut.Diagnostics) != 1 || cut.Diagnostics[0].Severity != tfprotov6.DiagnosticSeverityWarning ||
		!cut.Diagnostics[0].Attribute.Equal(tftypes.NewAttributePath().WithAttributeName("max_items")) ||
		!strings.Contains(cut.Diagnostics[0].Detail, "choose a max_results that divides max_items") {
		t.Errorf("diagnostics %+v, want one warning on max_items", cut.Diagnostics)
	}
	if even := read(35, 70); len(even.Diagnostics) != 0 {
		t.Errorf("max_results 35 divides max_items 70, yet: %+v", even.Diagnostics)
	}
	// max_items a multiple of max_results, but the API served a short page
	// on the way: the warning says so, not that 100 is not a multiple of 50.
	sim.CapPageSize("DescribeEvents", 30)
	short := read(50, 100)
	if len(short.Diagnostics) != 1 || short.Diagnostics[0].Severity != tfprotov6.DiagnosticSeverityWarning {
		t.Fatalf("diagnostics %+v, want one warning", short.Diagnostics)
	}
	detail := short.Diagnostics[0].Detail
	for _, w := range []string{"max_items (100) is a multiple of max_results (50)", "page 1 held 30 events of the 50 asked for before the end (RequestId: ", "resume_token is null"} {
		if !strings.Contains(detail, w) {
			t.Errorf("warning %q lacks %q", detail, w)
		}
	}
	if strings.Contains(detail, "is not a multiple") {
		t.Errorf("warning %q says what did not happen", detail)
	}
}

// A changed select changes the query where the selection is sent to the
// API: a token from a read of Write events does not continue a read of
// every event. The API refuses it, and the error says what a token needs.
func TestAccCloudAuditEvents_tokenOfAnotherSelection(t *testing.T) {
	sim := startSim(t, cloudsim.Options{})
	window := caWindow(sim.CloudAuditEvents())
	resource.Test(t, resource.TestCase{
		ProtoV6ProviderFactories: testAccProtoV6ProviderFactories,
		Steps: []resource.TestStep{{
			Config: sim.providerConfig() + fmt.Sprintf(`
data "auditlog_cloudaudit_events" "writes" {
  %[1]s
  max_items = 20
  select {
    action_type = "Write"
  }
}
data "auditlog_cloudaudit_events" "all" {
  %[1]s
  max_items  = 20
  next_token = data.auditlog_cloudaudit_events.writes.resume_token
}`, window),
			ExpectError: regexp.MustCompile(`(?s)next_token.*InvalidParameter:\s+NextToken.*is\s+invalid.*` +
				icWords("A token continues only the query that returned it") + `.*` + icWords("the parts of select sent to the API")),
		}},
	})
}
