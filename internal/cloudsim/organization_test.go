package cloudsim_test

import (
	"encoding/json"
	"fmt"
	"reflect"
	"strings"
	"testing"

	tccommon "github.com/tencentcloud/tencentcloud-sdk-go/tencentcloud/common"

	"github.com/auditlog/terraform-provider-auditlog/internal/cloudsim"
)

// DescribeOrganizationMembers through the official SDK.

type tcsimOrgPage struct {
	Items     []cloudsim.OrgMember `json:"Items"`
	Total     int                  `json:"Total"`
	RequestId string               `json:"RequestId"`
}

func (c tcsimCaller) members(params string) tcsimResult {
	c.t.Helper()
	return c.call("organization", "2021-03-31", "DescribeOrganizationMembers", params)
}

func tcsimDecodeOrg(t *testing.T, res tcsimResult) tcsimOrgPage {
	t.Helper()
	if res.err != nil {
		t.Fatalf("DescribeOrganizationMembers failed: %v", res.err)
	}
	var env struct{ Response tcsimOrgPage }
	if err := json.Unmarshal(res.body, &env); err != nil {
		t.Fatalf("answer %s: %v", res.body, err)
	}
	if !tcsimUUID.MatchString(env.Response.RequestId) {
		t.Errorf("RequestId %q is not a UUID", env.Response.RequestId)
	}
	return env.Response
}

func tcsimUins(items []cloudsim.OrgMember) []int64 {
	out := make([]int64, len(items))
	for i, m := range items {
		out[i] = m.MemberUin
	}
	return out
}

func TestOrganizationSimPagesTheMembers(t *testing.T) {
	sim, host := tcsimStart(t, cloudsim.Options{OrgMembers: 120})
	c := tcsimDefaultCaller(t, host)
	c.region = "" // the API takes no region
	all := sim.OrganizationMembers()
	if len(all) != 120 || all[0].MemberUin != 100000000001 || all[0].Name != "org-admin" || all[119].MemberUin != 100000000120 {
		t.Fatalf("data set: %d members, first %d %s, last %d", len(all), all[0].MemberUin, all[0].Name, all[len(all)-1].MemberUin)
	}
	var got []cloudsim.OrgMember
	for offset := 0; offset < 150; offset += 50 {
		page := tcsimDecodeOrg(t, c.members(fmt.Sprintf(`{"Offset":%d,"Limit":50}`, offset)))
		if page.Total != 120 {
			t.Errorf("Offset %d: Total %d, want 120", offset, page.Total)
		}
		got = append(got, page.Items...)
	}
	for i := range all {
		all[i].AuthName = "" // not returned
	}
	if !reflect.DeepEqual(got, all) {
		t.Errorf("the pages hold %v, want the data set %v", tcsimUins(got), tcsimUins(all))
	}
	// Fields that may be absent are absent, not empty.
	res := c.members(`{"Offset":0,"Limit":3}`)
	var raw struct {
		Response struct{ Items []map[string]json.RawMessage }
	}
	if err := json.Unmarshal(res.body, &raw); err != nil {
		t.Fatal(err)
	}
	if _, has := raw.Response.Items[0]["Tags"]; has {
		t.Errorf("member 0 carries Tags: %s", res.body)
	}
	if _, has := raw.Response.Items[2]["NickName"]; has {
		t.Errorf("member 2 carries a NickName: %s", res.body)
	}
	if _, has := raw.Response.Items[0]["AuthName"]; has {
		t.Errorf("the entity name is not a field of OrgMember: %s", res.body)
	}

	// Deterministic: another simulator serves the same members.
	other := cloudsim.New(cloudsim.Options{OrgMembers: 120}).OrganizationMembers()
	for i := range other {
		other[i].AuthName = ""
	}
	if !reflect.DeepEqual(other, all) {
		t.Error("two simulators serve different organizations")
	}
	if n := len(cloudsim.New(cloudsim.Options{}).OrganizationMembers()); n != 5 {
		t.Errorf("default organization has %d members, want 5", n)
	}
}

func TestOrganizationSimRules(t *testing.T) {
	_, host := tcsimStart(t, cloudsim.Options{})
	c := tcsimDefaultCaller(t, host)
	tags := func(n int) string {
		list := make([]string, n)
		for i := range list {
			list[i] = fmt.Sprintf(`{"TagKey":"k%d","TagValue":"v"}`, i)
		}
		return strings.Join(list, ",")
	}
	for _, tc := range []struct{ params, code string }{
		{`{"Offset":0,"Limit":51}`, "InvalidParameterValue"},
		{`{"Offset":0,"Limit":0}`, "InvalidParameterValue"},
		{`{"Offset":7,"Limit":5}`, "InvalidParameterValue"},
		{`{"Offset":-5,"Limit":5}`, "InvalidParameterValue"},
		{`{"Offset":0}`, "MissingParameter"},
		{`{"Limit":10}`, "MissingParameter"},
		{`{"Offset":0,"Limit":10,"Lang":"fr"}`, "InvalidParameterValue"},
		{`{"Offset":0,"Limit":10,"Tags":[` + tags(11) + `]}`, "InvalidParameterValue"},
		{`{"Offset":0,"Limit":10,"Tags":[{"TagKey":"env","Value":"prod"}]}`, "UnknownParameter"},
		{`{"Offset":0,"Limit":10,"Tags":[{"TagValue":"prod"}]}`, "MissingParameter"},
		{`{"Offset":0,"Limit":10,"NodeId":1001}`, "UnknownParameter"},
		{`{"Offset":"zero","Limit":10}`, "InvalidParameter"},
	} {
		t.Run(tc.params, func(t *testing.T) { tcsimExpectError(t, c.members(tc.params), tc.code) })
	}
	// At most 10 tags, and both sites, are accepted.
	tcsimDecodeOrg(t, c.members(`{"Offset":0,"Limit":10,"Lang":"zh","Tags":[`+tags(10)+`]}`))
	tcsimDecodeOrg(t, c.members(`{"Offset":10,"Limit":10,"Lang":"en"}`))

	// A key that is not the account's is refused before the action runs.
	bad := c
	bad.cred = tccommon.NewCredential(cloudsim.DefaultTencentSecretID, "not-the-key")
	tcsimExpectError(t, bad.members(`{"Offset":0,"Limit":10}`), "AuthFailure.SignatureFailure")

	_, host = tcsimStart(t, cloudsim.Options{OrgMembers: -1})
	tcsimExpectError(t, tcsimDefaultCaller(t, host).members(`{"Offset":0,"Limit":10}`), "ResourceNotFound.OrganizationNotExist")
}

func TestOrganizationSimSearches(t *testing.T) {
	sim, host := tcsimStart(t, cloudsim.Options{OrgMembers: 20})
	c := tcsimDefaultCaller(t, host)
	all := sim.OrganizationMembers()
	want := func(keep func(cloudsim.OrgMember) bool) []int64 {
		var out []int64
		for _, m := range all {
			if keep(m) {
				out = append(out, m.MemberUin)
			}
		}
		return out
	}
	hasTag := func(m cloudsim.OrgMember, k, v string) bool {
		for _, tag := range m.Tags {
			if tag.TagKey == k && tag.TagValue == v {
				return true
			}
		}
		return false
	}
	for _, tc := range []struct {
		params string
		keep   func(cloudsim.OrgMember) bool
	}{
		{`"SearchKey":"PROD"`, func(m cloudsim.OrgMember) bool { return strings.Contains(m.Name, "prod") }},
		{`"SearchKey":"100000000004"`, func(m cloudsim.OrgMember) bool { return m.MemberUin == 100000000004 }},
		{`"AuthName":"Labs"`, func(m cloudsim.OrgMember) bool { return m.AuthName == "Example Labs Ltd." }},
		{`"Tags":[{"TagKey":"env","TagValue":"prod"}]`, func(m cloudsim.OrgMember) bool { return hasTag(m, "env", "prod") }},
		{`"Tags":[{"TagKey":"env","TagValue":"prod"},{"TagKey":"team","TagValue":"security"}]`, func(m cloudsim.OrgMember) bool {
			return hasTag(m, "env", "prod") && hasTag(m, "team", "security")
		}},
		{`"Product":"cloudaudit"`, func(cloudsim.OrgMember) bool { return true }},
	} {
		t.Run(tc.params, func(t *testing.T) {
			page := tcsimDecodeOrg(t, c.members(`{"Offset":0,"Limit":50,`+tc.params+`}`))
			w := want(tc.keep)
			if len(w) == 0 || (len(w) == len(all) && !strings.Contains(tc.params, "Product")) {
				t.Fatalf("the data set gives this search %d of %d members: the test proves nothing", len(w), len(all))
			}
			if got := tcsimUins(page.Items); !reflect.DeepEqual(got, w) || page.Total != len(w) {
				t.Errorf("got %v (Total %d), want %v", got, page.Total, w)
			}
		})
	}
}

func TestOrganizationSimFaults(t *testing.T) {
	sim, host := tcsimStart(t, cloudsim.Options{OrgMembers: 30})
	c := tcsimDefaultCaller(t, host)
	sim.CapPageSize("DescribeOrganizationMembers", 8)
	if page := tcsimDecodeOrg(t, c.members(`{"Offset":0,"Limit":20}`)); len(page.Items) != 8 || page.Total != 30 {
		t.Errorf("capped page: %d members of Total %d, want 8 of 30", len(page.Items), page.Total)
	}
	sim.CapPageSize("DescribeOrganizationMembers", 0)
	sim.InjectFault(cloudsim.Fault{Kind: cloudsim.FaultInsertRecords, Action: "DescribeOrganizationMembers", Records: 2, Times: 1})
	if page := tcsimDecodeOrg(t, c.members(`{"Offset":0,"Limit":20}`)); page.Total != 32 {
		t.Errorf("after 2 members joined: Total %d, want 32", page.Total)
	}
	sim.InjectFault(cloudsim.Fault{Kind: cloudsim.FaultAPIError, Action: "DescribeOrganizationMembers", Code: "FailedOperation.OperateBillingPermissionErr", Times: 1})
	tcsimExpectError(t, c.members(`{"Offset":0,"Limit":20}`), "FailedOperation.OperateBillingPermissionErr")
	if _, _, err := cloudsim.ParsePageCap("DescribeOrganizationMembers=4"); err != nil {
		t.Errorf("the page cap of the action cannot be set from the command line: %v", err)
	}
}

// Offset must be a multiple of Limit: a Limit of 1 reaches any member, so a
// page border can be read alone.
func TestOrganizationSimOneMemberAtAnyOffset(t *testing.T) {
	sim, host := tcsimStart(t, cloudsim.Options{OrgMembers: 120})
	c := tcsimDefaultCaller(t, host)
	all := sim.OrganizationMembers()
	for _, offset := range []int{0, 49, 99, 119} {
		page := tcsimDecodeOrg(t, c.members(fmt.Sprintf(`{"Offset":%d,"Limit":1}`, offset)))
		if len(page.Items) != 1 || page.Items[0].MemberUin != all[offset].MemberUin || page.Total != 120 {
			t.Errorf("Offset %d, Limit 1: %v (Total %d), want member %d", offset, tcsimUins(page.Items), page.Total, all[offset].MemberUin)
		}
	}
	tcsimExpectError(t, c.members(`{"Offset":49,"Limit":50}`), "InvalidParameterValue")
}

// FaultShiftUp: between two pages the first member after the administrator
// leaves and a new member joins at the end. Total stays, no member is
// listed twice, and the member that ended page 1's neighbour moves back
// across the border: pages read before and after miss it.
func TestOrganizationSimMemberShift(t *testing.T) {
	sim, host := tcsimStart(t, cloudsim.Options{OrgMembers: 120})
	c := tcsimDefaultCaller(t, host)
	before := sim.OrganizationMembers()
	page1 := tcsimDecodeOrg(t, c.members(`{"Offset":0,"Limit":50}`))
	sim.InjectFault(cloudsim.Fault{Kind: cloudsim.FaultShiftUp, Action: "DescribeOrganizationMembers", Times: 1})
	page2 := tcsimDecodeOrg(t, c.members(`{"Offset":50,"Limit":50}`))
	page3 := tcsimDecodeOrg(t, c.members(`{"Offset":100,"Limit":50}`))
	if page1.Total != 120 || page2.Total != 120 || page3.Total != 120 {
		t.Fatalf("totals %d, %d, %d; a shift keeps the total", page1.Total, page2.Total, page3.Total)
	}
	read := map[int64]int{}
	for _, p := range [][]cloudsim.OrgMember{page1.Items, page2.Items, page3.Items} {
		for _, m := range p {
			read[m.MemberUin]++
		}
	}
	after := sim.OrganizationMembers()
	if len(after) != 120 || after[0].MemberUin != before[0].MemberUin || after[1].MemberUin != before[2].MemberUin || after[119].MemberUin != before[119].MemberUin+1 {
		t.Fatalf("after the shift: %v; want member %d gone and %d joined at the end", tcsimUins(after), before[1].MemberUin, before[119].MemberUin+1)
	}
	for uin, n := range read {
		if n > 1 {
			t.Errorf("member %d listed %d times", uin, n)
		}
	}
	if stayed := before[50].MemberUin; read[stayed] != 0 || after[49].MemberUin != stayed {
		t.Errorf("member %d, a member the whole time, was read %d times and is at %d; want it missed, now the last of page 1", stayed, read[stayed], slicesIndex(after, stayed))
	}
	// Shift down: the last member leaves, a new one is listed second.
	sim.InjectFault(cloudsim.Fault{Kind: cloudsim.FaultShiftDown, Action: "DescribeOrganizationMembers", Times: 1})
	tcsimDecodeOrg(t, c.members(`{"Offset":0,"Limit":1}`))
	down := sim.OrganizationMembers()
	if len(down) != 120 || down[1].MemberUin != before[119].MemberUin+2 || down[2].MemberUin != after[1].MemberUin || down[119].MemberUin != after[118].MemberUin {
		t.Errorf("after a shift down: %v", tcsimUins(down))
	}
}

func slicesIndex(ms []cloudsim.OrgMember, uin int64) int {
	for i, m := range ms {
		if m.MemberUin == uin {
			return i
		}
	}
	return -1
}

// Answers of the wrong shape: without Items and Total, without Total alone,
// with the keys repeated.
func TestOrganizationSimAnswersWithoutTheirFields(t *testing.T) {
	sim, host := tcsimStart(t, cloudsim.Options{OrgMembers: 30})
	c := tcsimDefaultCaller(t, host)
	fields := func(kind cloudsim.FaultKind) map[string]json.RawMessage {
		t.Helper()
		sim.InjectFault(cloudsim.Fault{Kind: kind, Action: "DescribeOrganizationMembers", Times: 1})
		res := c.members(`{"Offset":0,"Limit":20}`)
		var env struct{ Response map[string]json.RawMessage }
		if res.err != nil || json.Unmarshal(res.body, &env) != nil {
			t.Fatalf("%s: %v %s", kind, res.err, res.body)
		}
		if _, has := env.Response["RequestId"]; !has {
			t.Errorf("%s: no RequestId in %s", kind, res.body)
		}
		return env.Response
	}
	if r := fields(cloudsim.FaultNoList); r["Items"] != nil || r["Total"] != nil {
		t.Errorf("no-list: %v", r)
	}
	if r := fields(cloudsim.FaultNoTotal); r["Items"] == nil || r["Total"] != nil {
		t.Errorf("no-total: %v", r)
	}
	sim.InjectFault(cloudsim.Fault{Kind: cloudsim.FaultDuplicateKey, Action: "DescribeOrganizationMembers", Times: 1})
	if res := c.members(`{"Offset":0,"Limit":20}`); !strings.Contains(string(res.body), `"Items":[{"MemberUin":100000000001`) || strings.Count(string(res.body), `"Total":`) != 2 {
		t.Errorf("duplicate-key: %s", res.body)
	}
}
