package provider

import (
	"reflect"
	"testing"

	"github.com/hashicorp/terraform-plugin-framework/types"

	"github.com/auditlog/terraform-provider-auditlog/internal/client"
)

func strs(v ...string) []types.String {
	out := make([]types.String, len(v))
	for i, s := range v {
		out[i] = types.StringValue(s)
	}
	return out
}

func sp(s string) *string { return &s }

// Only an anchored literal is one exact name; anything else stays a
// pattern the provider applies.
func TestExactName(t *testing.T) {
	for p, want := range map[string]string{
		"^DeleteUser$": "DeleteUser", "DeleteUser": "", "^Delete": "", "^Delete.*$": "", "^$": "", "^Delete|Terminate$": "",
		"^a\\.b$": "",
	} {
		got, ok := exactName(p)
		if ok != (want != "") || got != want {
			t.Errorf("exactName(%q) = %q, %v; want %q", p, got, ok, want)
		}
	}
}

// What is sent to the API, and what the provider applies, in the
// canonical form evidence.selection reports.
func TestCloudAuditSelectionParts(t *testing.T) {
	cases := []struct {
		name          string
		m             cloudAuditSelectModel
		lookups       int
		sent          []client.LookupAttribute
		api, provider []string
	}{
		{
			name: "one exact name, nothing else sent: to the API",
			m:    cloudAuditSelectModel{EventNames: strs("^DeleteUser$")},
			sent: []client.LookupAttribute{{AttributeKey: "EventName", AttributeValue: sp("DeleteUser")}},
			api:  []string{`event_names=["^DeleteUser$"]`},
		},
		{
			name: "an exact name with lookup_attributes stays in the provider", lookups: 1,
			m:        cloudAuditSelectModel{EventNames: strs("^DeleteUser$")},
			provider: []string{`event_names=["^DeleteUser$"]`},
		},
		{
			name: "action type sent; names, users, blocks, failures applied",
			m: cloudAuditSelectModel{
				ActionType: types.StringValue("Write"), EventNames: strs("^Delete", "^ConsoleLogin$", "^Delete"),
				UsersIn: strs("b", "a"), UsersNotIn: strs("c"), SourceIPIn: strs("10.1.2.3/8", "::ffff:10.0.0.0/104"),
				SourceIPNotIn: strs("2402:4e00::/32"), FailedOnly: types.BoolValue(true),
			},
			sent: []client.LookupAttribute{{AttributeKey: "ActionType", AttributeValue: sp("Write")}},
			api:  []string{`action_type="Write"`},
			provider: []string{`event_names=["^ConsoleLogin$","^Delete"]`, `users_in=["a","b"]`, `users_not_in=["c"]`,
				`source_ip_in=["10.0.0.0/8"]`, `source_ip_not_in=["2402:4e00::/32"]`, `failed_only=true`},
		},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			s, sent, err := cloudAuditSelection(&c.m, c.lookups)
			if err != nil {
				t.Fatal(err)
			}
			if !reflect.DeepEqual(sent, c.sent) || !reflect.DeepEqual(s.api, c.api) || !reflect.DeepEqual(s.provider, c.provider) {
				t.Errorf("sent %+v api %q provider %q; want %+v %q %q", sent, s.api, s.provider, c.sent, c.api, c.provider)
			}
		})
	}
	// A block that sets nothing is no selection.
	if s, sent, _ := cloudAuditSelection(&cloudAuditSelectModel{FailedOnly: types.BoolValue(false)}, 0); s != nil || sent != nil {
		t.Errorf("empty block: %+v %+v", s, sent)
	}
}

// Every kind of condition keeps and drops what it should; a masked,
// missing or unparsable address and a missing field are kept.
func TestSelectionKeep(t *testing.T) {
	s, err := ucloudSelection(&ucloudSelectModel{
		APIs: strs("^Delete", "Release"), UsersIn: strs("alice", "bob"), UsersNotIn: strs("bob"),
		RemoteIPIn: strs("106.75.0.0/16", "2402:4e00::/32"), RemoteIPNotIn: strs("106.75.9.0/24"), FailedOnly: types.BoolValue(true),
	})
	if err != nil {
		t.Fatal(err)
	}
	f := false
	ok := client.UserOperationEvent{Api: sp("DeleteUHost"), UserName: sp("alice"), RemoteIP: sp("106.75.1.2"), IsSuccess: &f}
	with := func(change func(e *client.UserOperationEvent)) *client.UserOperationEvent {
		e := ok
		change(&e)
		return &e
	}
	tr := true
	for name, c := range map[string]struct {
		e    *client.UserOperationEvent
		keep bool
	}{
		"all hold":             {&ok, true},
		"api anywhere":         {with(func(e *client.UserOperationEvent) { e.Api = sp("ReleaseEIP") }), true},
		"api not matched":      {with(func(e *client.UserOperationEvent) { e.Api = sp("CreateUHost") }), false},
		"user not in":          {with(func(e *client.UserOperationEvent) { e.UserName = sp("carol") }), false},
		"user excluded":        {with(func(e *client.UserOperationEvent) { e.UserName = sp("bob") }), false},
		"address outside":      {with(func(e *client.UserOperationEvent) { e.RemoteIP = sp("117.50.1.2") }), false},
		"address excluded":     {with(func(e *client.UserOperationEvent) { e.RemoteIP = sp("106.75.9.1") }), false},
		"ipv6 inside":          {with(func(e *client.UserOperationEvent) { e.RemoteIP = sp("2402:4e00:1::1") }), true},
		"ipv4-mapped inside":   {with(func(e *client.UserOperationEvent) { e.RemoteIP = sp("::ffff:106.75.1.2") }), true},
		"masked kept":          {with(func(e *client.UserOperationEvent) { e.RemoteIP = sp("113.108.*.73") }), true},
		"missing address kept": {with(func(e *client.UserOperationEvent) { e.RemoteIP = nil }), true},
		"not an address kept":  {with(func(e *client.UserOperationEvent) { e.RemoteIP = sp("") }), true},
		"succeeded":            {with(func(e *client.UserOperationEvent) { e.IsSuccess = &tr }), false},
		"missing success kept": {with(func(e *client.UserOperationEvent) { e.IsSuccess = nil }), true},
		"missing user kept":    {with(func(e *client.UserOperationEvent) { e.UserName = nil }), true},
	} {
		if got := s.keepUCloud(c.e); got != c.keep {
			t.Errorf("%s: keep = %v, want %v", name, got, c.keep)
		}
	}
}

func i64p(v int64) *int64 { return &v }

// failed_only keeps a call that failed at CAM (ErrorCode) or in the
// service (apiErrorCode inside the event's document, ErrorCode 0), and
// every event whose outcome cannot be told; it drops only the events
// shown to have succeeded.
func TestSelectionKeepFailedCloudAudit(t *testing.T) {
	s, _, err := cloudAuditSelection(&cloudAuditSelectModel{FailedOnly: types.BoolValue(true)}, 0)
	if err != nil {
		t.Fatal(err)
	}
	for name, c := range map[string]struct {
		code *int64
		doc  *string
		keep bool
	}{
		"succeeded":                   {i64p(0), sp(`{"errorCode":0,"apiErrorCode":0}`), false},
		"succeeded, empty api code":   {i64p(0), sp(`{"errorCode":0,"apiErrorCode":""}`), false},
		"refused by CAM":              {i64p(4102), sp(`{"errorCode":4102,"apiErrorCode":"UnauthorizedOperation"}`), true},
		"refused by CAM, no document": {i64p(4102), nil, true},
		"failed in the service":       {i64p(0), sp(`{"errorCode":0,"apiErrorCode":"ResourceInUse","apiErrorMessage":"in use"}`), true},
		"service code as a number":    {i64p(0), sp(`{"errorCode":0,"apiErrorCode":1001}`), true},
		"document's errorCode":        {i64p(0), sp(`{"errorCode":1,"apiErrorCode":0}`), true},
		"document's CAM code":         {i64p(0), sp(`{"errorCode":0,"apiErrorCode":0,"camErrorCode":"4102"}`), true},
		"only a message":              {i64p(0), sp(`{"errorCode":0,"apiErrorCode":0,"apiErrorMessage":"quota exceeded"}`), true},
		"only an error message":       {i64p(0), sp(`{"errorCode":0,"apiErrorCode":0,"errorMessage":"signature expired"}`), true},
		"no document":                 {i64p(0), nil, true},
		"malformed document":          {i64p(0), sp(`{"errorCode":0,"apiErrorCode":`), true},
		"document not an object":      {i64p(0), sp(`"ok"`), true},
		"service outcome not stated":  {i64p(0), sp(`{"errorCode":0}`), true},
		"code of another shape":       {i64p(0), sp(`{"errorCode":0,"apiErrorCode":{"code":"x"}}`), true},
		"no ErrorCode, doc succeeded": {nil, sp(`{"errorCode":0,"apiErrorCode":0}`), false},
		"nothing at all":              {nil, nil, true},
	} {
		e := client.CloudAuditEvent{EventName: sp("DeleteUser"), ErrorCode: c.code, CloudAuditEvent: c.doc}
		if got := s.keepCloudAudit(&e); got != c.keep {
			t.Errorf("%s: keep = %v, want %v", name, got, c.keep)
		}
	}
}

// A name sent to the API is checked again on what comes back: whether the
// API's EventName match is exact and case-sensitive is not documented, and
// evidence.selection states the pattern, so the pattern must hold.
func TestSelectionRechecksSentName(t *testing.T) {
	s, sent, err := cloudAuditSelection(&cloudAuditSelectModel{EventNames: strs("^DeleteUser$")}, 0)
	if err != nil {
		t.Fatal(err)
	}
	if len(sent) != 1 || sent[0].AttributeKey != "EventName" || len(s.provider) != 0 {
		t.Fatalf("sent %+v, provider %q: the name should go to the API", sent, s.provider)
	}
	for name, keep := range map[string]bool{"DeleteUser": true, "deleteuser": false, "DeleteUserPolicy": false, "DeleteUsers": false} {
		if got := s.keepCloudAudit(&client.CloudAuditEvent{EventName: sp(name)}); got != keep {
			t.Errorf("%s: keep = %v, want %v", name, got, keep)
		}
	}
	if !s.keepCloudAudit(&client.CloudAuditEvent{}) {
		t.Error("an event without a name was dropped")
	}
}
