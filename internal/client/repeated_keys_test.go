package client

import (
	"context"
	"errors"
	"strings"
	"testing"

	"github.com/auditlog/terraform-provider-auditlog/internal/cloudsim"
)

// Every answer of both clouds goes through one key scan: a body that
// repeats a key, fed to every action and to the error envelopes, is refused
// as damaged, with its RequestId, and not retried. Each body is otherwise
// what the action answers, so a decoder that skips the scan reads it (the
// last value of a repeated key wins) as a consistent answer.

func TestRepeatedKeysRefusedByEveryTencentAction(t *testing.T) {
	const rid = "7a1e0c55-0000-4000-8000-0000000000d1"
	member := `{"MemberUin":100000000002,"Name":"prod"}`
	for _, tc := range []struct {
		name, response string
		read           func(c *TencentClient) error
		role           bool // read through an assumed role: AssumeRole answers body first
		// secret marks an answer that may carry credentials: its decoding
		// error is not quoted, only that it could not be decoded.
		secret bool
	}{
		{name: "DescribeUserCallRecord", read: envReads["DescribeUserCallRecord"],
			response: `"Data":[{"SourceIP":"1.2.3.4"},{"SourceIP":"5.6.7.8"}],"Total":2,"data":[],"total":0`},
		{name: "DescribeAuditTracks", read: envReads["DescribeAuditTracks"],
			response: `"Tracks":[{"TrackId":1},{"TrackId":2}],"TotalCount":2,"tracks":[],"totalCount":0`},
		{name: "DescribeAuditTrack", read: envReads["DescribeAuditTrack"],
			response: `"Name":"a","Status":1,"status":0`},
		{name: "DescribeEvents", read: envReads["DescribeEvents"],
			response: `"Events":[{"EventId":"e1"}],"ListOver":true,"events":[]`},
		{name: "DescribeOrganizationMembers", read: envReads["DescribeOrganizationMembers"],
			response: `"Items":[` + member + `],"Total":1,"items":[],"total":0`},
		{name: "GetCallerIdentity", read: func(c *TencentClient) error {
			_, err := c.CallerIdentity(context.Background())
			return err
		}, response: `"Arn":"qcs::cam::uin/100000000001:uin/100000000001","AccountId":"100000000001","accountId":"100000000009","UserId":"100000000001","PrincipalId":"100000000001","Type":"RootAccount"`},
		{name: "AssumeRole", role: true, secret: true, read: func(c *TencentClient) error { _, err := tctRead(c); return err },
			response: `"Credentials":{"Token":"t","TmpSecretId":"AKIDexample","TmpSecretKey":"k1","TmpSecretKey":"k2"},"ExpiredTime":4102444800,"Expiration":"2100-01-01T00:00:00Z"`},
		{name: "error envelope", read: envReads["DescribeAuditTracks"],
			response: `"Error":{"Code":"InternalError","Message":"m","code":""}`},
		{name: "error envelope of another shape", read: envReads["DescribeAuditTracks"],
			response: `"Error":{"Code":"InternalError","Message":"m","Code":"ResourceNotFound"},"Tracks":"none"`},
	} {
		t.Run(tc.name, func(t *testing.T) {
			body := `{"Response":{` + tc.response + `,"RequestId":"` + rid + `"}}`
			s := tctStart(t, cloudsim.Options{}, tctAlways(tctHTTP(200, "application/json", body)))
			c := tctClient(t, s.URL(), nil)
			if tc.role {
				c = tctAssumeRoleClient(t, s, 0, nil)
			}
			err := tc.read(c)
			if err == nil {
				t.Fatalf("read: no error; a body that repeats a key must be refused")
			}
			if n := len(s.requests()); n != 1 {
				t.Errorf("%d calls; a damaged answer is not retried", n)
			}
			parts := []string{"RequestId: " + rid, "duplicate key"}
			if tc.secret {
				parts = []string{"RequestId: " + rid, "undecodable JSON"}
			}
			for _, p := range parts {
				if !strings.Contains(err.Error(), p) {
					t.Errorf("error %q lacks %q", err, p)
				}
			}
		})
	}
}

func TestRepeatedKeysRefusedByEveryUCloudAction(t *testing.T) {
	project := `{"ProjectId":"org-1","ProjectName":"Default","CreateTime":1700000000,"IsDefault":true,"MemberCount":1,"ResourceCount":0}`
	projects := strings.Repeat(project+",", 2) + project
	for _, tc := range []struct {
		name, body string
		read       func(c *UCloudClient) error
	}{
		{"GetProjectList, keys in another case",
			`{"RetCode":0,"Action":"GetProjectListResponse","ProjectCount":3,"ProjectSet":[` + projects + `],"projectSet":[],"projectCount":0}`,
			func(c *UCloudClient) error {
				_, err := c.GetProjectList(context.Background(), GetProjectListRequest{})
				return err
			}},
		{"GetProjectList, field of a project",
			`{"RetCode":0,"Action":"GetProjectListResponse","ProjectCount":1,"ProjectSet":[{"ProjectId":"org-1","ProjectId":"org-2"}]}`,
			func(c *UCloudClient) error {
				_, err := c.GetProjectList(context.Background(), GetProjectListRequest{})
				return err
			}},
		{"GetUserOperationEvents",
			`{"RetCode":0,"Action":"GetUserOperationEventsResponse","Events":[{"Api":"A"}],"events":[],"NextToken":""}`,
			func(c *UCloudClient) error {
				_, err := c.GetUserOperationEvents(context.Background(), GetUserOperationEventsRequest{})
				return err
			}},
		{"any other action",
			`{"RetCode":0,"Action":"GetRegionResponse","Regions":[{"Region":"cn-bj2"}],"Regions":[]}`,
			func(c *UCloudClient) error { _, err := c.Call(context.Background(), "GetRegion", nil); return err }},
		// A repeated RetCode: encoding/json reads the last, another reader
		// the first; which one is meant cannot be told.
		{"error envelope, RetCode repeated",
			`{"RetCode":0,"RetCode":171,"Action":"GetProjectListResponse","Message":"signature error"}`,
			func(c *UCloudClient) error {
				_, err := c.GetProjectList(context.Background(), GetProjectListRequest{})
				return err
			}},
		{"error envelope, Message repeated",
			`{"RetCode":171,"Action":"GetProjectListResponse","Message":"a","message":"b"}`,
			func(c *UCloudClient) error {
				_, err := c.GetProjectList(context.Background(), GetProjectListRequest{})
				return err
			}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			srv := newSequenceServer(t, reply(200, "req-dup", tc.body))
			err := tc.read(testClient(t, srv.URL))
			var ue *UCloudError
			if !errors.As(err, &ue) || ue.Retryable() || srv.calls.Load() != 1 {
				t.Fatalf("error %v (%d calls), want a UCloudError, not retried", err, srv.calls.Load())
			}
			for _, p := range []string{"duplicate key", "RequestId: req-dup"} {
				if !strings.Contains(err.Error(), p) {
					t.Errorf("error %q lacks %q", err, p)
				}
			}
		})
	}
}
