package client

import (
	"context"
	"errors"
	"strings"
	"testing"

	"github.com/auditlog/terraform-provider-auditlog/internal/cloudsim"
)

// Answers that are well-formed JSON but lie about what they hold: no list,
// an Error without a Code, repeated keys. Each is an error naming what is
// wrong and the RequestId, and none is retried (asking again would not
// change the shape).

// envRead makes one read of each action against a server that always
// answers body, and returns the error and the number of calls.
func envRead(t *testing.T, body string, read func(c *TencentClient) error) (calls int, err error) {
	t.Helper()
	s := tctStart(t, cloudsim.Options{}, tctAlways(tctHTTP(200, "application/json", body)))
	err = read(tctClient(t, s.URL(), nil))
	return len(s.requests()), err
}

var envReads = map[string]func(c *TencentClient) error{
	"DescribeUserCallRecord": func(c *TencentClient) error {
		_, err := c.ListUserCallRecords(context.Background(), "", DescribeUserCallRecordRequest{SubUin: "1"}, 0, 0)
		return err
	},
	"DescribeAuditTracks": func(c *TencentClient) error {
		_, err := c.ListAuditTracks(context.Background(), "ap-guangzhou", 20, 0)
		return err
	},
	"DescribeEvents": func(c *TencentClient) error {
		size := uint64(50)
		_, err := c.ListCloudAuditEvents(context.Background(), CloudAuditEventsQuery{Region: "ap-guangzhou",
			Request: DescribeEventsRequest{StartTime: 1, EndTime: 2, MaxResults: &size}})
		return err
	},
	"DescribeAuditTrack": func(c *TencentClient) error {
		_, err := c.DescribeAuditTrack(context.Background(), "ap-guangzhou", 1000)
		return err
	},
	"DescribeOrganizationMembers": func(c *TencentClient) error {
		_, err := c.ListOrganizationMembers(context.Background(), DescribeOrganizationMembersRequest{}, 0)
		return err
	},
}

func wantShapeError(t *testing.T, err error, calls int, parts ...string) {
	t.Helper()
	var te *TencentError
	if !errors.As(err, &te) {
		t.Fatalf("error %v (%T), want a TencentError", err, err)
	}
	if te.Retryable() || calls != 1 {
		t.Errorf("retried (%d calls, Retryable %v): asking again cannot change the answer's shape", calls, te.Retryable())
	}
	for _, p := range parts {
		if !strings.Contains(err.Error(), p) {
			t.Errorf("error %q lacks %q", err, p)
		}
	}
}

func TestTencentAnswerWithoutItsListIsAnError(t *testing.T) {
	for action, field := range map[string]string{
		"DescribeUserCallRecord": `no "Data" field`,
		"DescribeAuditTracks":    `no "Tracks" field`,
		"DescribeEvents":         `no "Events" field`,
		"DescribeAuditTrack":     `none of the fields "Name", "ActionType"`,
		// Both the list and the total are promised.
		"DescribeOrganizationMembers": `no "Items" or "Total" field`,
	} {
		t.Run(action, func(t *testing.T) {
			calls, err := envRead(t, `{"Response":{"RequestId":"r1"}}`, envReads[action])
			wantShapeError(t, err, calls, action, field, "RequestId: r1")
			var te *TencentError
			if errors.As(err, &te) && te.RequestID != "r1" {
				t.Errorf("RequestID %q, want r1", te.RequestID)
			}
		})
	}
	// With the total but without the list, too.
	calls, err := envRead(t, `{"Response":{"TotalCount":0,"RequestId":"r2"}}`, envReads["DescribeAuditTracks"])
	wantShapeError(t, err, calls, `no "Tracks" field`, "RequestId: r2")
}

// An empty list with a total of 0 (or a null list, which Tencent Cloud
// writes for "no value") is "nothing matched".
func TestTencentEmptyListIsNothingMatched(t *testing.T) {
	for _, body := range []string{
		`{"Response":{"Data":[],"Total":0,"RequestId":"r1"}}`,
		`{"Response":{"Data":null,"Total":0,"RequestId":"r1"}}`,
		// CSIP promises only its list: no total beside no records is
		// still nothing matched (DescribeOrganizationMembers promises both).
		`{"Response":{"Data":[],"RequestId":"r1"}}`,
	} {
		s := tctStart(t, cloudsim.Options{}, tctAlways(tctHTTP(200, "application/json", body)))
		res, err := tctClient(t, s.URL(), nil).ListUserCallRecords(context.Background(), "", DescribeUserCallRecordRequest{SubUin: "1"}, 0, 0)
		if err != nil || len(res.Records) != 0 || res.Records == nil {
			t.Errorf("%s: %+v, %v", body, res, err)
		}
	}
	s := tctStart(t, cloudsim.Options{}, tctAlways(tctHTTP(200, "application/json", `{"Response":{"Tracks":[],"TotalCount":0,"RequestId":"r1"}}`)))
	if res, err := tctList(t, tctClient(t, s.URL(), nil), 20, 0); err != nil || len(res.Tracks) != 0 {
		t.Errorf("no tracking sets: %+v, %v", res, err)
	}
}

// Any Error object is an error: without a Code, or with an empty one, it is
// reported with its Message and the RequestId, and not retried.
func TestTencentErrorWithoutCodeIsAnError(t *testing.T) {
	for _, errObj := range []string{
		`{"Message":"internal failure, results incomplete"}`,
		`{"Code":"","Message":"internal failure, results incomplete"}`,
	} {
		body := `{"Response":{"Error":` + errObj + `,"Tracks":[],"TotalCount":0,"RequestId":"x"}}`
		calls, err := envRead(t, body, envReads["DescribeAuditTracks"])
		wantShapeError(t, err, calls, "ClientError.ErrorWithoutCode", "an Error object without a Code", "internal failure, results incomplete", "RequestId: x")
	}
	// An Error without a Code whose other fields do not fit the answer.
	calls, err := envRead(t, `{"Response":{"Error":{"Message":"m"},"Tracks":"none","RequestId":"y"}}`, envReads["DescribeAuditTracks"])
	wantShapeError(t, err, calls, "ClientError.ErrorWithoutCode", "m", "RequestId: y")
	// "Error": null is no error.
	s := tctStart(t, cloudsim.Options{}, tctAlways(tctHTTP(200, "application/json", `{"Response":{"Error":null,"Tracks":[],"TotalCount":0,"RequestId":"z"}}`)))
	if _, err := tctList(t, tctClient(t, s.URL(), nil), 20, 0); err != nil {
		t.Errorf(`"Error": null: %v`, err)
	}
}

// A key repeated at any level (the envelope, the Response, a record) is a
// damaged answer: encoding/json would keep the last value, and match keys
// differing only in case to one field.
func TestTencentDuplicateKeysAreRefused(t *testing.T) {
	for _, tc := range []struct{ name, body, want string }{
		{"list twice", `{"Response":{"Tracks":[{"TrackId":1},{"TrackId":2},{"TrackId":3}],"Tracks":[{"TrackId":4}],"TotalCount":3,"RequestId":"x"}}`,
			`duplicate key "Tracks" in Response`},
		{"total in another case", `{"Response":{"Tracks":[],"TotalCount":3,"totalcount":0,"RequestId":"x"}}`,
			`duplicate key "totalcount" in Response (the same field as "TotalCount"`},
		{"escaped key", `{"Response":{"Tracks":[],"Tr\u0061cks":[{"TrackId":4}],"TotalCount":1,"RequestId":"x"}}`,
			`duplicate key "Tracks" in Response`},
		{"field of a record", `{"Response":{"Tracks":[{"TrackId":1},{"TrackId":2,"Status":1,"Status":0}],"TotalCount":2,"RequestId":"x"}}`,
			`duplicate key "Status" in Response.Tracks[1]`},
		{"nested object", `{"Response":{"Tracks":[{"TrackId":1,"Storage":{"StorageName":"a","StorageName":"b"}}],"TotalCount":1,"RequestId":"x"}}`,
			`duplicate key "StorageName" in Response.Tracks[0].Storage`},
		{"Error object", `{"Response":{"Error":{"Code":"InternalError","Code":""},"RequestId":"x"}}`,
			`duplicate key "Code" in Response.Error`},
		{"Response twice", `{"Response":{"Error":{"Code":"InternalError"},"RequestId":"x"},"Response":{"Tracks":[],"TotalCount":0,"RequestId":"x"}}`,
			`duplicate key "Response" in the top-level object`},
	} {
		t.Run(tc.name, func(t *testing.T) {
			calls, err := envRead(t, tc.body, envReads["DescribeAuditTracks"])
			wantShapeError(t, err, calls, "ClientError.ParseJsonError", tc.want)
		})
	}
	calls, err := envRead(t, `{"Response":{"Data":[{"SourceIP":"1.2.3.4","SourceIP":"5.6.7.8"}],"Total":1,"RequestId":"r9"}}`, envReads["DescribeUserCallRecord"])
	wantShapeError(t, err, calls, `duplicate key "SourceIP" in Response.Data[0]`, "RequestId: r9")
}

func TestUCloudAnswerShape(t *testing.T) {
	for _, tc := range []struct{ name, body, want string }{
		{"no Events", `{"RetCode":0,"Action":"GetUserOperationEventsResponse"}`, `no "Events" field`},
		{"Events twice", `{"RetCode":0,"Events":[{"Api":"A"},{"Api":"B"}],"Events":[],"NextToken":""}`, `duplicate key "Events" in the top-level object`},
		{"RetCode twice", `{"RetCode":171,"RetCode":0,"Events":[]}`, `duplicate key "RetCode"`},
		{"field of an event", `{"RetCode":0,"Events":[{"Api":"A","IsSuccess":false,"issuccess":true}]}`, `duplicate key "issuccess" in Events[0] (the same field as "IsSuccess"`},
	} {
		t.Run(tc.name, func(t *testing.T) {
			srv := newSequenceServer(t, reply(200, "req-shape", tc.body))
			_, err := testClient(t, srv.URL).GetUserOperationEvents(context.Background(), GetUserOperationEventsRequest{})
			var ue *UCloudError
			if !errors.As(err, &ue) || ue.Retryable() || srv.calls.Load() != 1 {
				t.Fatalf("error %v (%d calls), want a UCloudError not retried", err, srv.calls.Load())
			}
			for _, p := range []string{tc.want, "RequestId: req-shape"} {
				if !strings.Contains(err.Error(), p) {
					t.Errorf("error %q lacks %q", err, p)
				}
			}
		})
	}
	// An empty list is an empty page; an error answer needs no Events.
	for _, body := range []string{`{"RetCode":0,"Events":[]}`, `{"RetCode":0,"Events":null}`} {
		srv := newSequenceServer(t, reply(200, "req-ok", body))
		if resp, err := testClient(t, srv.URL).GetUserOperationEvents(context.Background(), GetUserOperationEventsRequest{}); err != nil || len(resp.Events) != 0 {
			t.Errorf("%s: %+v, %v", body, resp, err)
		}
	}
	srv := newSequenceServer(t, retCode(299, "permission denied"))
	_, err := testClient(t, srv.URL, func(c *UCloudConfig) { c.MaxRetries = 0 }).GetUserOperationEvents(context.Background(), GetUserOperationEventsRequest{})
	var ue *UCloudError
	if !errors.As(err, &ue) || ue.RetCode != 299 {
		t.Errorf("error answer: %v", err)
	}
}

// A page after the first without a total is an answer of another shape,
// not a total that changed: the read fails naming the page and the
// RequestId, without a second pass. DescribeOrganizationMembers promises
// its Total, so its answer is refused before paging sees it.
func TestPageWithoutTotalAfterTheFirst(t *testing.T) {
	s := tctStart(t, cloudsim.Options{CallRecords: 250}, nil)
	s.sim.InjectFault(cloudsim.Fault{Kind: cloudsim.FaultNoTotal, Action: "DescribeUserCallRecord", After: 1})
	_, err := tctClient(t, s.URL(), nil).ListUserCallRecords(context.Background(), "", DescribeUserCallRecordRequest{SubUin: cloudsim.CSIPSubUins[0]}, 100, 0)
	if err == nil || !strings.Contains(err.Error(), "page 2 of") || !strings.Contains(err.Error(), "(offset 99) carries no total") ||
		!strings.Contains(err.Error(), "RequestId: ") || strings.Contains(err.Error(), "second read") {
		t.Errorf("CSIP page 2 without Total: %v", err)
	}
	s = tctStart(t, cloudsim.Options{OrgMembers: 120}, nil)
	s.sim.InjectFault(cloudsim.Fault{Kind: cloudsim.FaultNoTotal, Action: "DescribeOrganizationMembers", After: 1})
	_, err = tcoList(t, tctClient(t, s.URL(), nil), DescribeOrganizationMembersRequest{}, 0)
	wantShapeError(t, err, 1, `no "Total" field`, "RequestId: ")
	if n := s.sim.RepeatedFaultCount(); n != 0 {
		t.Errorf("%d faulted pages asked again; an answer of the wrong shape is not retried", n)
	}
}
