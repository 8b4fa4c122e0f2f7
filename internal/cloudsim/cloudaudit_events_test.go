package cloudsim_test

import (
	"encoding/json"
	"fmt"
	"net/http"
	"slices"
	"strings"
	"testing"
	"time"

	tcjson "github.com/tencentcloud/tencentcloud-sdk-go/tencentcloud/common/json"

	"github.com/auditlog/terraform-provider-auditlog/internal/cloudsim"
)

// DescribeEvents and DescribeAuditTrack, driven with the official SDK.

type tcsimEventsPage struct {
	Response struct {
		ListOver   bool            `json:"ListOver"`
		NextToken  json.Number     `json:"NextToken"`
		Events     []eventsPageRow `json:"Events"`
		TotalCount int             `json:"TotalCount"`
	}
}

type eventsPageRow struct {
	EventId         string  `json:"EventId"`
	EventName       string  `json:"EventName"`
	CloudAuditEvent string  `json:"CloudAuditEvent"`
	SecretId        *string `json:"SecretId"`
	Location        *string `json:"Location"`
	Username        string  `json:"Username"`
}

func (c tcsimCaller) events(params map[string]any) tcsimResult {
	c.t.Helper()
	return c.call(tcsimAuditService, tcsimAuditVersion, "DescribeEvents", params)
}

func eventsWindow(events []cloudsim.TencentEvent) map[string]any {
	return map[string]any{
		"StartTime": tcjson.Number(jsonInt(events[len(events)-1].Unix())),
		"EndTime":   tcjson.Number(jsonInt(events[0].Unix())),
	}
}

func jsonInt(n int64) string { b, _ := json.Marshal(n); return string(b) }

func with(m map[string]any, kv ...any) map[string]any {
	out := map[string]any{}
	for k, v := range m {
		out[k] = v
	}
	for i := 0; i+1 < len(kv); i += 2 {
		out[fmt.Sprint(kv[i])] = kv[i+1]
	}
	return out
}

func lookups(kv ...string) []any {
	var out []any
	for i := 0; i+1 < len(kv); i += 2 {
		out = append(out, map[string]any{"AttributeKey": kv[i], "AttributeValue": kv[i+1]})
	}
	return out
}

// readAll pages through a query, returning every event id.
func readAll(t *testing.T, c tcsimCaller, params map[string]any) []string {
	t.Helper()
	var ids []string
	for pages := 1; pages < 1000; pages++ {
		res := c.events(params)
		if res.err != nil {
			t.Fatalf("page %d: %v", pages, res.err)
		}
		var p tcsimEventsPage
		if err := json.Unmarshal(res.body, &p); err != nil {
			t.Fatal(err)
		}
		for _, e := range p.Response.Events {
			ids = append(ids, e.EventId)
		}
		if p.Response.ListOver {
			return ids
		}
		params = with(params, "NextToken", tcjson.Number(p.Response.NextToken.String()))
	}
	t.Fatal("no ListOver after 1000 pages")
	return nil
}

func TestTencentSimDescribeEventsLookupSemantics(t *testing.T) {
	sim, host := tcsimStart(t, cloudsim.Options{CloudAuditEvents: 1500})
	all := sim.CloudAuditEvents()
	c := tcsimDefaultCaller(t, host)
	base := with(eventsWindow(all), "MaxResults", 50)

	pick := func(f func(e cloudsim.TencentEvent) bool) []string {
		var ids []string
		for _, e := range all {
			if f(e) {
				ids = append(ids, e.EventId)
			}
		}
		return ids
	}
	for name, tc := range map[string]struct {
		lookups []any
		want    []string
	}{
		"no condition": {nil, pick(func(cloudsim.TencentEvent) bool { return true })},
		"one key, two values (OR)": {lookups("EventName", "DeleteUser", "EventName", "DeleteBucket"),
			pick(func(e cloudsim.TencentEvent) bool {
				return e.EventName == "DeleteUser" || e.EventName == "DeleteBucket"
			})},
		"two keys (AND)": {lookups("ActionType", "Write", "PrincipalId", "100000000012"),
			pick(func(e cloudsim.TencentEvent) bool {
				return e.ActionType() == "Write" && e.PrincipalID() == "100000000012"
			})},
		"OR within AND": {lookups("SensitiveAction", "true", "SourceIPAddress", "203.0.113.17", "SourceIPAddress", "2001:db8:4860::8888"),
			pick(func(e cloudsim.TencentEvent) bool {
				return e.Sensitive() && (e.SourceIPAddress == "203.0.113.17" || e.SourceIPAddress == "2001:db8:4860::8888")
			})},
		"API error code": {lookups("ApiErrorCode", "UnauthorizedOperation"),
			pick(func(e cloudsim.TencentEvent) bool { return e.ApiErrorCode() == "UnauthorizedOperation" })},
		"no match": {lookups("RequestId", "00000000-0000-4000-8000-000000000000"), nil},
	} {
		t.Run(name, func(t *testing.T) {
			if name != "no match" && len(tc.want) < 3 {
				t.Fatalf("only %d events match: the case proves little", len(tc.want))
			}
			params := base
			if tc.lookups != nil {
				params = with(base, "LookupAttributes", tc.lookups)
			}
			got := readAll(t, c, params)
			if !slices.Equal(got, tc.want) {
				t.Errorf("%d events, want %d (in order)", len(got), len(tc.want))
			}
		})
	}
}

func TestTencentSimDescribeEventsFieldsAndTokens(t *testing.T) {
	sim, host := tcsimStart(t, cloudsim.Options{CloudAuditEvents: 120})
	all := sim.CloudAuditEvents()
	c := tcsimDefaultCaller(t, host)
	res := c.events(with(eventsWindow(all), "MaxResults", 50, "IsReturnLocation", 1))
	if res.err != nil {
		t.Fatal(res.err)
	}
	var p tcsimEventsPage
	if err := json.Unmarshal(res.body, &p); err != nil {
		t.Fatal(err)
	}
	if len(p.Response.Events) != 50 || p.Response.ListOver || p.Response.TotalCount != 50 {
		t.Fatalf("%d events, ListOver %v, TotalCount %d", len(p.Response.Events), p.Response.ListOver, p.Response.TotalCount)
	}
	for i, e := range p.Response.Events {
		var doc struct {
			EventName    string `json:"eventName"`
			EventID      string `json:"eventID"`
			UserIdentity struct {
				UserName string `json:"userName"`
				SecretID string `json:"secretId"`
			} `json:"userIdentity"`
		}
		if err := json.Unmarshal([]byte(e.CloudAuditEvent), &doc); err != nil {
			t.Fatalf("event %d: CloudAuditEvent is not JSON: %v", i, err)
		}
		secret := ""
		if e.SecretId != nil {
			secret = *e.SecretId
		}
		if doc.EventName != e.EventName || doc.EventID != e.EventId || doc.UserIdentity.UserName != e.Username || doc.UserIdentity.SecretID != secret {
			t.Errorf("event %d: CloudAuditEvent %s disagrees with the event's fields", i, e.CloudAuditEvent)
		}
		if e.Location == nil || *e.Location != all[i].LocationText() {
			t.Errorf("event %d: Location %v, want %q", i, e.Location, all[i].LocationText())
		}
		if e.EventName == "ConsoleLogin" && e.SecretId != nil {
			t.Errorf("event %d: a console login with a SecretId", i)
		}
	}
	token := p.Response.NextToken.String()

	// A token carries the query: another page size, window or condition
	// refuses it, the same query accepts it.
	next := with(eventsWindow(all), "MaxResults", 50, "IsReturnLocation", 1, "NextToken", tcjson.Number(token))
	if r := c.events(next); r.err != nil {
		t.Fatalf("the token's own query: %v", r.err)
	}
	for name, params := range map[string]map[string]any{
		"other page size":    with(next, "MaxResults", 40),
		"other location":     with(next, "IsReturnLocation", 0),
		"other window":       with(next, "EndTime", tcjson.Number(jsonInt(all[0].Unix()+1))),
		"other condition":    with(next, "LookupAttributes", lookups("EventName", "ConsoleLogin")),
		"token off by one":   with(next, "NextToken", tcjson.Number(strings.TrimSuffix(token, token[len(token)-1:])+string("0123456789"[(token[len(token)-1]-'0'+1)%10]))),
		"token out of range": with(next, "NextToken", tcjson.Number("5")),
	} {
		r := c.events(params)
		tcsimExpectError(t, r, "InvalidParameter")
		if !strings.Contains(r.sdkErr().GetMessage(), "NextToken") {
			t.Errorf("%s: message %q does not name NextToken", name, r.sdkErr().GetMessage())
		}
	}
}

func TestTencentSimDescribeEventsParameterErrors(t *testing.T) {
	now := time.Now()
	_, host := tcsimStart(t, cloudsim.Options{CloudAuditEvents: 50})
	c := tcsimDefaultCaller(t, host)
	at := func(d time.Duration) tcjson.Number { return tcjson.Number(jsonInt(now.Add(-d).Unix())) }
	day := 24 * time.Hour
	ok := map[string]any{"StartTime": at(2 * day), "EndTime": at(day)}
	for name, tc := range map[string]struct {
		params map[string]any
		code   string
		word   string
	}{
		"StartTime missing":   {map[string]any{"EndTime": at(day)}, "MissingParameter", "StartTime"},
		"StartTime 91 days":   {with(ok, "StartTime", at(91*day), "EndTime", at(80*day)), "InvalidParameter", "90 days"},
		"span of 30 days":     {with(ok, "StartTime", at(40*day), "EndTime", at(10*day)), "InvalidParameter", "30 days"},
		"start after end":     {with(ok, "StartTime", at(day), "EndTime", at(2*day)), "InvalidParameter", "StartTime"},
		"MaxResults 51":       {with(ok, "MaxResults", 51), "InvalidParameter", "MaxResults"},
		"MaxResults 0":        {with(ok, "MaxResults", 0), "InvalidParameter", "MaxResults"},
		"IsReturnLocation 2":  {with(ok, "IsReturnLocation", 2), "InvalidParameter", "IsReturnLocation"},
		"key Username":        {with(ok, "LookupAttributes", lookups("Username", "alice")), "InvalidParameter", "LookupAttributes.0.AttributeKey"},
		"unknown parameter":   {with(ok, "Mode", "quick"), "UnknownParameter", "Mode"},
		"StartTime as string": {with(ok, "StartTime", "yesterday"), "InvalidParameter", "StartTime"},
	} {
		t.Run(name, func(t *testing.T) {
			r := c.events(tc.params)
			tcsimExpectError(t, r, tc.code)
			if !strings.Contains(r.sdkErr().GetMessage(), tc.word) {
				t.Errorf("message %q does not mention %q", r.sdkErr().GetMessage(), tc.word)
			}
		})
	}
	// A request signed for another body is refused before any of this.
	bad := tcsimDefaultCaller(t, host)
	bad.tamper = func(t *testing.T, r *http.Request) { r.Header.Set("X-TC-Timestamp", jsonInt(now.Unix()-1)) }
	tcsimExpectError(t, bad.events(ok), "AuthFailure.SignatureFailure")
}

// DescribeAuditTrack agrees with DescribeAuditTracks and adds
// TrackForAllMembers and Filters.
func TestTencentSimDescribeAuditTrack(t *testing.T) {
	sim, host := tcsimStart(t, cloudsim.Options{Tracks: 7})
	c := tcsimDefaultCaller(t, host)
	res := c.page(1, 20)
	tcsimDecodePage(t, res)
	var listed struct {
		Response struct {
			Tracks []map[string]json.RawMessage `json:"Tracks"`
		}
	}
	if err := json.Unmarshal(res.body, &listed); err != nil {
		t.Fatal(err)
	}
	var disabled, partial bool
	for _, tr := range listed.Response.Tracks {
		var id uint64
		_ = json.Unmarshal(tr["TrackId"], &id)
		res := c.call(tcsimAuditService, tcsimAuditVersion, "DescribeAuditTrack", map[string]any{"TrackId": tcjson.Number(jsonInt(int64(id)))})
		if res.err != nil {
			t.Fatalf("track %d: %v", id, res.err)
		}
		var detail struct{ Response map[string]json.RawMessage }
		if err := json.Unmarshal(res.body, &detail); err != nil {
			t.Fatal(err)
		}
		for k, v := range tr {
			if k == "TrackId" {
				if _, echoed := detail.Response[k]; echoed {
					t.Errorf("track %d: the answer echoes TrackId, the API's does not", id)
				}
				continue
			}
			if string(detail.Response[k]) != string(v) {
				t.Errorf("track %d: %s is %s in the detail, %s in the list", id, k, detail.Response[k], v)
			}
		}
		d, _ := sim.CloudAuditTrack(id)
		disabled = disabled || d.Status == 0
		partial = partial || (d.TrackForAllMembers != nil && *d.TrackForAllMembers == 0)
	}
	if len(listed.Response.Tracks) != 7 || !disabled || !partial {
		t.Errorf("%d tracks, a disabled one %v, one not covering all members %v", len(listed.Response.Tracks), disabled, partial)
	}
	tcsimExpectError(t, c.call(tcsimAuditService, tcsimAuditVersion, "DescribeAuditTrack", map[string]any{"TrackId": tcjson.Number("999")}), "ResourceNotFound.AuditNotExist")
	tcsimExpectError(t, c.call(tcsimAuditService, tcsimAuditVersion, "DescribeAuditTrack", map[string]any{}), "MissingParameter")
}

// The generated events fail in both places a call can: at CAM (ErrorCode
// and the document's errorCode set) and in the service after CAM let the
// call through (ErrorCode 0, the document's apiErrorCode and
// apiErrorMessage set). A call that succeeded states both outcomes.
func TestCloudAuditEventsFailureKinds(t *testing.T) {
	srv := cloudsim.New(cloudsim.Options{Now: func() time.Time { return time.Unix(1_780_000_000, 0) }})
	defer srv.Close()
	var cam, service, ok int
	for _, e := range srv.CloudAuditEvents() {
		var doc map[string]any
		if err := json.Unmarshal([]byte(e.CloudAuditEvent), &doc); err != nil {
			t.Fatalf("%s: %v", e.EventId, err)
		}
		switch {
		case e.ErrorCode != 0:
			cam++
			if doc["errorCode"] != float64(e.ErrorCode) || doc["errorMessage"] == nil {
				t.Errorf("%s: CAM failure with document %v", e.EventId, doc)
			}
		case e.ApiErrorCode() != "":
			service++
			if doc["errorCode"] != float64(0) || doc["apiErrorCode"] != e.ApiErrorCode() || doc["apiErrorMessage"] == nil || doc["errorMessage"] != nil {
				t.Errorf("%s: service failure with document %v", e.EventId, doc)
			}
		default:
			ok++
			if doc["errorCode"] != float64(0) || doc["apiErrorCode"] != float64(0) {
				t.Errorf("%s: success with document %v", e.EventId, doc)
			}
		}
	}
	if cam == 0 || service == 0 || ok == 0 {
		t.Errorf("%d CAM failures, %d service failures, %d successes: want each kind", cam, service, ok)
	}
}

// Options.EventNameMatch makes the EventName condition match loosely, as
// an API whose match the documents leave open might.
func TestTencentSimDescribeEventsEventNameMatch(t *testing.T) {
	for _, tc := range []struct {
		match cloudsim.EventNameMatching
		value string
		want  func(name string) bool
	}{
		{cloudsim.EventNameExact, "DeleteUser", func(n string) bool { return n == "DeleteUser" }},
		{cloudsim.EventNameExact, "deleteuser", func(string) bool { return false }},
		{cloudsim.EventNameFoldCase, "deleteuser", func(n string) bool { return n == "DeleteUser" }},
		{cloudsim.EventNamePrefix, "Delete", func(n string) bool { return strings.HasPrefix(n, "Delete") }},
	} {
		t.Run(string(tc.match)+" "+tc.value, func(t *testing.T) {
			sim, host := tcsimStart(t, cloudsim.Options{CloudAuditEvents: 400, EventNameMatch: tc.match})
			all := sim.CloudAuditEvents()
			var want []string
			for _, e := range all {
				if tc.want(e.EventName) {
					want = append(want, e.EventId)
				}
			}
			c := tcsimDefaultCaller(t, host)
			got := readAll(t, c, with(eventsWindow(all), "MaxResults", 50, "LookupAttributes", lookups("EventName", tc.value)))
			if !slices.Equal(got, want) {
				t.Errorf("%d events, want %d", len(got), len(want))
			}
		})
	}
	for _, s := range []string{"", "exact", "case-insensitive", "prefix"} {
		if _, err := cloudsim.ParseEventNameMatching(s); err != nil {
			t.Errorf("%q: %v", s, err)
		}
	}
	if _, err := cloudsim.ParseEventNameMatching("regex"); err == nil {
		t.Error("regex accepted")
	}
}
