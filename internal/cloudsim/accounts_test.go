package cloudsim_test

import (
	"context"
	"errors"
	"testing"
	"time"

	"github.com/auditlog/terraform-provider-auditlog/internal/client"
	"github.com/auditlog/terraform-provider-auditlog/internal/cloudsim"
)

// A role of member B yields credentials that read B's data and act as B; a
// role whose trust policy does not name the caller is refused with a code
// of AssumeRole's documented list.
func TestMemberAccountRoles(t *testing.T) {
	s := cloudsim.New(cloudsim.Options{Accounts: []cloudsim.Account{
		{Uin: "100000000002", Roles: map[string][]string{"auditor": {cloudsim.DefaultTencentOwnerUin}}, CloudAuditEvents: 30, Tracks: 2},
		{Uin: "100000000003", Roles: map[string][]string{"auditor": {"100000000099"}}, CloudAuditEvents: 40},
	}})
	base, err := s.Start("127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = s.Close() })
	own := csipDefaultClient(t, base)
	ctx := context.Background()
	window := client.DescribeEventsRequest{StartTime: uint64(s.Started().Add(-29 * 24 * time.Hour).Unix()), EndTime: uint64(s.Started().Unix())}
	size := uint64(50)
	window.MaxResults = &size

	b := own.WithRole(client.AssumeRoleConfig{RoleArn: "qcs::cam::uin/100000000002:roleName/auditor", SessionName: "audit"})
	id, err := b.CallerIdentity(ctx)
	if err != nil || id.AccountId != "100000000002" || id.PrincipalId != cloudsim.DefaultTencentOwnerUin || id.Type != "CAMRole" {
		t.Errorf("GetCallerIdentity as the role = %+v, %v; want account 100000000002, assumed by the owner", id, err)
	}
	page, err := b.DescribeEvents(ctx, "ap-guangzhou", window)
	if err != nil {
		t.Fatal(err)
	}
	want := s.Account("100000000002").CloudAuditEvents()
	if len(page.Events) != 30 || len(want) != 30 {
		t.Fatalf("member's role read %d events, the member's data set has %d; want 30", len(page.Events), len(want))
	}
	for i, e := range page.Events {
		if *e.EventId != want[i].EventId || e.AccountID == nil || *e.AccountID != 100000000002 {
			t.Errorf("event %d: id %v account %v, want %s of account 100000000002", i, *e.EventId, e.AccountID, want[i].EventId)
		}
	}
	tracks, err := b.ListAuditTracks(ctx, "ap-guangzhou", 20, 0)
	if err != nil || len(tracks.Tracks) != 2 {
		t.Errorf("member's tracking sets: %v, %v; want its 2", tracks, err)
	}
	if n := s.AssumeRoleCount("qcs::cam::uin/100000000002:roleName/auditor"); n != 1 {
		t.Errorf("AssumeRole answered %d times, want 1", n)
	}

	for arn, want := range map[string]string{
		"qcs::cam::uin/100000000003:roleName/auditor": "UnauthorizedOperation",
		"qcs::cam::uin/100000000002:roleName/missing": "ResourceNotFound.RoleNotFound",
		"qcs::cam::uin/100000000077:roleName/auditor": "InvalidParameter.AccountNotAvaliable",
	} {
		_, err := own.WithRole(client.AssumeRoleConfig{RoleArn: arn, SessionName: "audit"}).DescribeEvents(ctx, "ap-guangzhou", window)
		var te *client.TencentError
		var are *client.AssumeRoleError
		if !errors.As(err, &te) || te.Code != want || !errors.As(err, &are) {
			t.Errorf("AssumeRole %s: %v, want code %s", arn, err, want)
		}
	}
	// The simulator's own account is still read with its own key.
	ownPage, err := own.DescribeEvents(ctx, "ap-guangzhou", window)
	if err != nil || len(ownPage.Events) != 50 || *ownPage.Events[0].AccountID != 100000000001 {
		t.Errorf("own account: %v; want a full page of its own events", err)
	}
}
