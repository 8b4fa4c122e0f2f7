package cloudsim_test

import (
	"encoding/json"
	"fmt"
	"testing"

	tccommon "github.com/tencentcloud/tencentcloud-sdk-go/tencentcloud/common"

	"github.com/auditlog/terraform-provider-auditlog/internal/cloudsim"
)

// A tracking set that delivers to another account's topic (its
// StorageAccountId), and one that follows every member of the organization.

const (
	// Tracking set 7 (audit-all-8, every product, Write) delivers to this
	// topic of account 100000031007, in ap-beijing.
	clsCrossTopic   = "5a1c0007-4d2e-4c1a-9e7b-3f00aa000007"
	clsCrossAccount = "100000031007"
)

// clsAsMember returns a caller holding a role of account uin.
func clsAsMember(t *testing.T, host, uin, region string) tcsimCaller {
	t.Helper()
	c := tcsimDefaultCaller(t, host)
	res := c.call("sts", "2018-08-13", "AssumeRole",
		fmt.Sprintf(`{"RoleArn":"qcs::cam::uin/%s:roleName/auditor","RoleSessionName":"cls-test"}`, uin))
	var out struct {
		Response struct {
			Credentials struct{ TmpSecretId, TmpSecretKey, Token string }
		}
	}
	if res.err != nil || json.Unmarshal(res.body, &out) != nil {
		t.Fatalf("AssumeRole: %v", res.err)
	}
	cr := out.Response.Credentials
	c.cred = tccommon.NewTokenCredential(cr.TmpSecretId, cr.TmpSecretKey, cr.Token)
	c.region = region
	return c
}

func TestCLSCrossAccountDeliveryIsTheStorageAccountsTopic(t *testing.T) {
	sim, host := tcsimStart(t, cloudsim.Options{Tracks: clsTracks, Accounts: []cloudsim.Account{
		{Uin: clsCrossAccount, Roles: map[string][]string{"auditor": {cloudsim.DefaultTencentOwnerUin}}},
	}})
	type topicsPage struct {
		Topics     []struct{ TopicId string }
		TotalCount int
	}
	filter := map[string]any{"Filters": []map[string]any{{"Key": "topicId", "Values": []string{clsCrossTopic}}}}
	own := tcsimDefaultCaller(t, host)
	own.region = "ap-beijing"
	if p := clsDecode[topicsPage](t, own.cls("DescribeTopics", filter)); p.TotalCount != 0 {
		t.Errorf("the delivering account lists the storage account's topic: %+v", p)
	}
	member := clsAsMember(t, host, clsCrossAccount, "ap-beijing")
	if p := clsDecode[topicsPage](t, member.cls("DescribeTopics", filter)); p.TotalCount != 1 {
		t.Fatalf("the storage account does not list its topic: %+v", p)
	}
	// The storage account's topic holds the delivering account's events.
	want := clsExpected(sim, func(map[string]any) bool { return true })
	from, to := clsWindow(sim)
	var got []string
	for offset := 0; ; {
		page := clsDecode[clsSearchPage](t, member.cls("SearchLog", map[string]any{
			"TopicId": clsCrossTopic, "From": from, "To": to, "Limit": 100, "Offset": offset}))
		for _, r := range page.Results {
			got = append(got, clsEventID(t, r.LogJson))
		}
		offset += len(page.Results)
		if page.ListOver {
			break
		}
	}
	if fmt.Sprint(got) != fmt.Sprint(want) {
		t.Errorf("the storage account's topic holds %d events, want the delivering account's %d", len(got), len(want))
	}
}

func TestCLSOrganizationTrackDeliversTheMembersEvents(t *testing.T) {
	sim, c := clsStart(t, cloudsim.Options{Accounts: cloudsim.MemberAccounts(2, 50)})
	writes := func(s *cloudsim.Server) int {
		n := 0
		for _, e := range s.CloudAuditEvents() {
			if e.ActionType() == "Write" {
				n++
			}
		}
		return n
	}
	want := writes(sim) + writes(sim.Account("100000000002")) + writes(sim.Account("100000000003"))
	from, to := clsWindow(sim)
	type histogram struct{ TotalCount int }
	h := clsDecode[histogram](t, c.cls("DescribeLogHistogram", map[string]any{"TopicId": clsAllTopic, "From": from, "To": to, "Query": "*"}))
	if h.TotalCount != want {
		t.Errorf("the organization's topic holds %d events, want %d (the administrator's and both members')", h.TotalCount, want)
	}
	member := clsDecode[clsSearchPage](t, c.cls("SearchLog", map[string]any{"TopicId": clsAllTopic, "From": from, "To": to,
		"QueryString": "userIdentity.accountId:100000000003", "Limit": 1000}))
	if len(member.Results) != writes(sim.Account("100000000003")) {
		t.Errorf("member 100000000003's events: %d, want %d", len(member.Results), writes(sim.Account("100000000003")))
	}
}
