package client

import (
	"context"
	"encoding/json"
	"net/http"
	"reflect"
	"slices"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/auditlog/terraform-provider-auditlog/internal/cloudsim"
)

// Tests of DescribeOrganizationMembers and ListOrganizationMembers against
// the simulator.

func tcoList(t *testing.T, c *TencentClient, req DescribeOrganizationMembersRequest, maxItems int) (*OrganizationMembersResult, error) {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	return c.ListOrganizationMembers(ctx, req, maxItems)
}

// tcoAsSim turns what the client decoded back into the simulator's type,
// field by field, so that a member can be compared with the data set.
func tcoAsSim(t *testing.T, m OrgMember) cloudsim.OrgMember {
	t.Helper()
	str := func(p *string) string {
		if p == nil {
			t.Fatalf("member %v: a field the simulator always sends is missing", m.MemberUin)
		}
		return *p
	}
	out := cloudsim.OrgMember{
		Name: str(m.Name), MemberType: str(m.MemberType), OrgPolicyType: str(m.OrgPolicyType), OrgPolicyName: str(m.OrgPolicyName),
		NodeName: str(m.NodeName), Remark: str(m.Remark), CreateTime: str(m.CreateTime), UpdateTime: str(m.UpdateTime),
		IsAllowQuit: str(m.IsAllowQuit), PayUin: str(m.PayUin), PayName: str(m.PayName), BindStatus: str(m.BindStatus),
		PermissionStatus: str(m.PermissionStatus), NickName: m.NickName,
		OrgPermission: []cloudsim.OrgPermission{}, OrgIdentity: []cloudsim.OrgMemberIdentity{},
	}
	if m.MemberUin == nil || m.NodeId == nil || m.OrgPermission == nil || m.OrgIdentity == nil {
		t.Fatalf("member %+v: a field the simulator always sends is missing", m)
	}
	out.MemberUin, out.NodeId = *m.MemberUin, *m.NodeId
	for _, p := range m.OrgPermission {
		out.OrgPermission = append(out.OrgPermission, cloudsim.OrgPermission{Id: *p.Id, Name: *p.Name})
	}
	for _, id := range m.OrgIdentity {
		out.OrgIdentity = append(out.OrgIdentity, cloudsim.OrgMemberIdentity{IdentityId: *id.IdentityId, IdentityAliasName: *id.IdentityAliasName})
	}
	for _, tag := range m.Tags {
		out.Tags = append(out.Tags, cloudsim.OrgTag{TagKey: *tag.TagKey, TagValue: *tag.TagValue})
	}
	return out
}

// tcoWant is the simulator's data set as the API returns it (AuthName is
// not among the fields returned).
func tcoWant(sim *cloudsim.Server) []cloudsim.OrgMember {
	want := sim.OrganizationMembers()
	for i := range want {
		want[i].AuthName = ""
	}
	return want
}

// tcoPages returns the Offset and Limit of every DescribeOrganizationMembers
// request, sorted (the pages after the first are fetched concurrently).
func tcoPages(t *testing.T, s *tctServer) [][2]int {
	t.Helper()
	var pages [][2]int
	for _, r := range s.requests() {
		if r.Action != "DescribeOrganizationMembers" {
			continue
		}
		off, err1 := strconv.Atoi(string(r.Params["Offset"]))
		lim, err2 := strconv.Atoi(string(r.Params["Limit"]))
		if err1 != nil || err2 != nil {
			t.Fatalf("request %s lacks an integer Offset or Limit", r.Body)
		}
		pages = append(pages, [2]int{off, lim})
	}
	slices.SortStableFunc(pages, func(a, b [2]int) int { return a[0] - b[0] })
	return pages
}

func TestListOrganizationMembersExactAcrossPages(t *testing.T) {
	s := tctStart(t, cloudsim.Options{OrgMembers: 120}, nil)
	res, err := tcoList(t, tctClient(t, s.URL(), nil), DescribeOrganizationMembersRequest{}, 0)
	if err != nil {
		t.Fatal(err)
	}
	want := tcoWant(s.sim)
	// 3 pages and a member read alone at each of their 2 borders.
	if len(res.Members) != len(want) || res.Total != 120 || res.Pages != 5 || res.PageSizeCap != 0 {
		t.Fatalf("read %d members, Total %d, %d calls, cap %d; want 120, 120, 5, 0", len(res.Members), res.Total, res.Pages, res.PageSizeCap)
	}
	for i, m := range res.Members {
		if got := tcoAsSim(t, m); !reflect.DeepEqual(got, want[i]) {
			t.Fatalf("member %d is\n%+v\nwant\n%+v", i, got, want[i])
		}
	}
	if got := tcoPages(t, s); !reflect.DeepEqual(got, [][2]int{{0, 50}, {49, 1}, {50, 50}, {99, 1}, {100, 50}}) {
		t.Errorf("pages (Offset, Limit) %v, want (0,50) (49,1) (50,50) (99,1) (100,50)", got)
	}
	for _, r := range s.requests() {
		if region := r.Header.Get("X-TC-Region"); region != "" {
			t.Errorf("%s sent X-TC-Region %q; the Organization API takes none", r.Action, region)
		}
	}
}

func TestListOrganizationMembersRequestAndMaxItems(t *testing.T) {
	s := tctStart(t, cloudsim.Options{OrgMembers: 120}, nil)
	env, team := "env", "team"
	req := DescribeOrganizationMembersRequest{Lang: "en", SearchKey: "prod", AuthName: "Example", Product: "cloudaudit",
		Tags: []OrgTag{{TagKey: &env, TagValue: &team}}}
	if _, err := tcoList(t, tctClient(t, s.URL(), nil), req, 0); err != nil {
		t.Fatal(err)
	}
	var sent map[string]any
	if err := json.Unmarshal(s.requests()[0].Body, &sent); err != nil {
		t.Fatal(err)
	}
	wantSent := map[string]any{"Offset": 0.0, "Limit": 50.0, "Lang": "en", "SearchKey": "prod", "AuthName": "Example", "Product": "cloudaudit",
		"Tags": []any{map[string]any{"TagKey": "env", "TagValue": "team"}}}
	if !reflect.DeepEqual(sent, wantSent) {
		t.Errorf("sent %v, want %v", sent, wantSent)
	}

	// max_items: pages of 50 (the API wants each Offset to be a multiple
	// of the Limit, so the last page is not shortened), the first 57 kept.
	s = tctStart(t, cloudsim.Options{OrgMembers: 120}, nil)
	res, err := tcoList(t, tctClient(t, s.URL(), nil), DescribeOrganizationMembersRequest{}, 57)
	if err != nil {
		t.Fatal(err)
	}
	want := tcoWant(s.sim)[:57]
	if len(res.Members) != 57 || res.Total != 120 {
		t.Fatalf("read %d members of Total %d; want 57 of 120", len(res.Members), res.Total)
	}
	for i, m := range res.Members {
		if got := tcoAsSim(t, m); !reflect.DeepEqual(got, want[i]) {
			t.Errorf("member %d is %+v, want %+v", i, got, want[i])
		}
	}
	if got := tcoPages(t, s); !reflect.DeepEqual(got, [][2]int{{0, 50}, {49, 1}, {50, 50}}) {
		t.Errorf("pages %v, want (0,50) (49,1) (50,50)", got)
	}
}

// The simulator refuses an Offset that is no multiple of Limit, as the API
// documents: a silent cap must restart the read with pages of the cap.
func TestListOrganizationMembersLearnsSilentCap(t *testing.T) {
	s := tctStart(t, cloudsim.Options{OrgMembers: 120}, nil)
	s.sim.CapPageSize("DescribeOrganizationMembers", 20)
	res, err := tcoList(t, tctClient(t, s.URL(), nil), DescribeOrganizationMembersRequest{}, 0)
	if err != nil {
		t.Fatal(err)
	}
	want := tcoWant(s.sim)
	if len(res.Members) != 120 || res.PageSizeCap != 20 {
		t.Fatalf("read %d members with cap %d; want 120 and 20", len(res.Members), res.PageSizeCap)
	}
	for i, m := range res.Members {
		if *m.MemberUin != want[i].MemberUin {
			t.Fatalf("member %d has MemberUin %d, want %d", i, *m.MemberUin, want[i].MemberUin)
		}
	}
	for _, p := range tcoPages(t, s) {
		if p[0]%p[1] != 0 {
			t.Errorf("page (Offset %d, Limit %d): the Offset is no multiple of the Limit", p[0], p[1])
		}
	}
}

func TestListOrganizationMembersInconsistentAnswers(t *testing.T) {
	// The second page repeats the first: pages overlap.
	s := tctStart(t, cloudsim.Options{OrgMembers: 100}, nil) // two full pages: a repeated page fits the total
	var mu sync.Mutex
	var first []byte
	s.rewrite = func(req tctSeen, body []byte) []byte {
		mu.Lock()
		defer mu.Unlock()
		if req.Action != "DescribeOrganizationMembers" {
			return body
		}
		switch {
		case string(req.Params["Offset"]) == "0":
			first = body
			return body
		case string(req.Params["Limit"]) == "1":
			return body // the border probe reads the list as it is
		}
		return first // the other pages are fetched once the first has been read
	}
	_, err := tcoList(t, tctClient(t, s.URL(), nil), DescribeOrganizationMembersRequest{}, 0)
	if err == nil || !strings.Contains(err.Error(), "MemberUin 100000000001 was returned twice") {
		t.Errorf("overlapping pages: err = %v, want an error naming the member returned twice", err)
	}

	// An answer must carry both Items and Total: one without either is an
	// answer of another shape, not an organization of 0 members. Asking
	// again would not change it.
	for _, tc := range []struct{ name, response, want string }{
		{"no Items", `"Total":3`, `no "Items" field`},
		{"no Total", `"Items":[]`, `no "Total" field`},
		{"neither", ``, `no "Items" or "Total" field`},
		{"null Total", `"Items":[],"Total":null`, `no total`},
	} {
		s = tctStart(t, cloudsim.Options{}, tctAlways(tctHTTP(http.StatusOK, "application/json",
			`{"Response":{`+tc.response+strings.Repeat(",", min(len(tc.response), 1))+`"RequestId":"6f0c1a2b-0000-4000-8000-000000000001"}}`)))
		res, err := tcoList(t, tctClient(t, s.URL(), nil), DescribeOrganizationMembersRequest{}, 0)
		if err == nil || !strings.Contains(err.Error(), tc.want) || !strings.Contains(err.Error(), "6f0c1a2b-0000-4000-8000-000000000001") {
			t.Errorf("%s: %+v, %v; want an error naming %s and the RequestId", tc.name, res, err, tc.want)
		}
		if n := s.count(); n != 1 {
			t.Errorf("%s: %d calls; an answer of the wrong shape is not retried", tc.name, n)
		}
	}
	// An empty organization says so with both fields.
	s = tctStart(t, cloudsim.Options{}, tctAlways(tctHTTP(http.StatusOK, "application/json",
		`{"Response":{"Items":[],"Total":0,"RequestId":"6f0c1a2b-0000-4000-8000-000000000002"}}`)))
	res, err := tcoList(t, tctClient(t, s.URL(), nil), DescribeOrganizationMembersRequest{}, 0)
	if err != nil || res.Members == nil || len(res.Members) != 0 {
		t.Errorf("an empty answer: %v, %v; want an empty, non-nil list", res, err)
	}

	// Members joining during the read, twice: the read fails with both changes.
	s = tctStart(t, cloudsim.Options{OrgMembers: 120}, nil)
	s.sim.InjectFault(cloudsim.Fault{Kind: cloudsim.FaultInsertRecords, Action: "DescribeOrganizationMembers", After: 1, Records: 1})
	_, err = tcoList(t, tctClient(t, s.URL(), nil), DescribeOrganizationMembersRequest{}, 0)
	if err == nil || !strings.Contains(err.Error(), "number of organization members changed") || !strings.Contains(err.Error(), "saw it change again") {
		t.Errorf("a total that keeps changing: err = %v", err)
	}
}

func TestListOrganizationMembersAPIErrors(t *testing.T) {
	s := tctStart(t, cloudsim.Options{OrgMembers: -1}, nil)
	_, err := tcoList(t, tctClient(t, s.URL(), nil), DescribeOrganizationMembersRequest{}, 0)
	te := tctAsError(t, err)
	if te.Code != "ResourceNotFound.OrganizationNotExist" || !tctUUID.MatchString(te.RequestID) || te.Retryable() {
		t.Errorf("no organization: %v (retryable %v); want ResourceNotFound.OrganizationNotExist with a RequestId, not retried", err, te.Retryable())
	}
	if n := s.count(); n != 1 {
		t.Errorf("%d calls; a final error is not retried", n)
	}

	// A Limit above 50 is refused as the API documents.
	s = tctStart(t, cloudsim.Options{}, nil)
	_, err = tctClient(t, s.URL(), nil).DescribeOrganizationMembers(context.Background(), DescribeOrganizationMembersRequest{Limit: 51})
	if te := tctAsError(t, err); te.Code != "InvalidParameterValue" || !strings.Contains(te.Message, "Limit") {
		t.Errorf("Limit 51: %v, want InvalidParameterValue naming Limit", err)
	}
}

// One member leaves at the head and one joins at the tail between two
// pages: Total stays and no MemberUin repeats, but the member that ended
// up at the border is on neither page. The member read alone at the border
// after the later page shows it: the read starts again once and is exact.
func TestListOrganizationMembersShiftUnderConstantTotal(t *testing.T) {
	s := tctStart(t, cloudsim.Options{OrgMembers: 120}, nil)
	before := tcoWant(s.sim)
	s.sim.InjectFault(cloudsim.Fault{Kind: cloudsim.FaultShiftUp, Action: "DescribeOrganizationMembers", After: 1, Times: 1})
	res, err := tcoList(t, tctClient(t, s.URL(), nil), DescribeOrganizationMembersRequest{}, 0)
	if err != nil {
		t.Fatal(err)
	}
	want := tcoWant(s.sim)
	if want[49].MemberUin != before[50].MemberUin {
		t.Fatalf("the shift did not move member %d to the end of page 1: the test proves nothing", before[50].MemberUin)
	}
	got := make([]int64, len(res.Members))
	for i, m := range res.Members {
		got[i] = *m.MemberUin
	}
	wantUins := make([]int64, len(want))
	for i, m := range want {
		wantUins[i] = m.MemberUin
	}
	if !reflect.DeepEqual(got, wantUins) || res.Total != 120 {
		t.Errorf("read %v (Total %d), want the members after the change %v", got, res.Total, wantUins)
	}

	// A change between every two calls: the second read differs too, and
	// the error quotes what the border held each time.
	s = tctStart(t, cloudsim.Options{OrgMembers: 120}, nil)
	s.sim.InjectFault(cloudsim.Fault{Kind: cloudsim.FaultShiftUp, Action: "DescribeOrganizationMembers", After: 1})
	_, err = tcoList(t, tctClient(t, s.URL(), nil), DescribeOrganizationMembersRequest{}, 0)
	if err == nil {
		t.Fatal("members shifting between every two calls: no error")
	}
	for _, part := range []string{"organization members", "offset 49", "where page 1 ended with MemberUin 100000000050", "second read was inconsistent too", "RequestId: "} {
		if !strings.Contains(err.Error(), part) {
			t.Errorf("error %q lacks %q", err, part)
		}
	}

	// A member listed early (and the last leaving): pages read after it
	// repeat a member; the read starts again and is exact.
	s = tctStart(t, cloudsim.Options{OrgMembers: 120}, nil)
	s.sim.InjectFault(cloudsim.Fault{Kind: cloudsim.FaultShiftDown, Action: "DescribeOrganizationMembers", After: 1, Times: 1})
	if _, err := tcoList(t, tctClient(t, s.URL(), nil), DescribeOrganizationMembersRequest{}, 0); err != nil {
		t.Errorf("a member listed early once: %v; the read starts again and is exact", err)
	}
}
