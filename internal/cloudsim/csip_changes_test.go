package cloudsim_test

import (
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"reflect"
	"slices"
	"strings"
	"testing"

	"github.com/auditlog/terraform-provider-auditlog/internal/client"
	"github.com/auditlog/terraform-provider-auditlog/internal/cloudsim"
)

// csipPage reads one page at offset, limit records.
func csipPage(t *testing.T, c *client.TencentClient, subUin string, offset, limit int64) ([]cloudsim.CSIPCallRecord, int64) {
	t.Helper()
	resp, err := c.DescribeUserCallRecord(t.Context(), "", client.DescribeUserCallRecordRequest{SubUin: subUin,
		Filter: &client.CSIPFilter{Offset: csipPtr(offset), Limit: csipPtr(limit)}})
	if err != nil {
		t.Fatal(err)
	}
	return csipToSimAll(t, resp.Data), *resp.Total
}

// A page asked one record early (Offset-1, as the provider reads) starts
// with the last record of the page before.
func TestCSIPOverlappingPagesLineUp(t *testing.T) {
	_, base := csipStart(t, cloudsim.Options{CallRecords: 30})
	c := csipDefaultClient(t, base)
	subUin := cloudsim.CSIPSubUins[0]
	first, _ := csipPage(t, c, subUin, 0, 10)
	second, _ := csipPage(t, c, subUin, 9, 10)
	if !reflect.DeepEqual(first[9], second[0]) {
		t.Errorf("page at offset 9 starts with %+v, page at 0 ends with %+v", second[0], first[9])
	}
}

// shift-down adds a record newer than any and ages out the oldest; shift-up
// removes the newest and adds one older than any. Total stays; every other
// record moves one offset, down or up, and CSIPCallRecords follows.
func TestCSIPShiftFaults(t *testing.T) {
	for _, kind := range []cloudsim.FaultKind{cloudsim.FaultShiftDown, cloudsim.FaultShiftUp} {
		t.Run(string(kind), func(t *testing.T) {
			sim, base := csipStart(t, cloudsim.Options{CallRecords: 20})
			c := csipDefaultClient(t, base)
			subUin := cloudsim.CSIPSubUins[1]
			before := sim.CSIPCallRecords(subUin)
			sim.InjectFault(cloudsim.Fault{Kind: kind, Action: "DescribeUserCallRecord", Times: 1})
			page, total := csipPage(t, c, subUin, 0, 100)
			if total != 20 || len(page) != 20 {
				t.Fatalf("Total %d, %d records; want 20", total, len(page))
			}
			if !reflect.DeepEqual(page, sim.CSIPCallRecords(subUin)) {
				t.Error("CSIPCallRecords does not follow the change")
			}
			for _, r := range page {
				if r.FirstCallTime > r.LastCallTime || r.UserName != cloudsim.CSIPUserName(subUin) {
					t.Errorf("record %+v is not well formed", r)
				}
			}
			if kind == cloudsim.FaultShiftDown {
				if !reflect.DeepEqual(page[1:], before[:19]) || slices.Contains(before, page[0]) || page[0].LastCallTime <= before[0].LastCallTime {
					t.Errorf("shift down: want a new newest record, then the others one offset down without the oldest")
				}
			} else {
				if !reflect.DeepEqual(page[:19], before[1:]) || slices.Contains(before, page[19]) || page[19].LastCallTime >= before[19].LastCallTime {
					t.Errorf("shift up: want the others one offset up without the newest, then a new oldest record")
				}
			}
			// Every sub-account changed; the next request sees the same list.
			again, _ := csipPage(t, c, subUin, 0, 100)
			if !reflect.DeepEqual(again, page) {
				t.Error("the change did not last")
			}
			if other := sim.CSIPCallRecords(cloudsim.CSIPSubUins[0]); len(other) != 20 {
				t.Errorf("sub-account 0 holds %d records", len(other))
			}
		})
	}
}

// ignore-offset answers every page from the first record (CSIP) or as page
// 1 (CloudAudit tracking sets), with the right totals.
func TestIgnoreOffsetFault(t *testing.T) {
	sim, base := csipStart(t, cloudsim.Options{CallRecords: 30, Tracks: 30})
	c := csipDefaultClient(t, base)
	subUin := cloudsim.CSIPSubUins[0]
	first, _ := csipPage(t, c, subUin, 0, 10)
	sim.InjectFault(cloudsim.Fault{Kind: cloudsim.FaultIgnoreOffset})
	later, total := csipPage(t, c, subUin, 15, 10)
	if total != 30 || !reflect.DeepEqual(later, first) {
		t.Errorf("offset 15 under ignore-offset: Total %d, %v", total, later)
	}
	tracks, err := c.DescribeAuditTracks(t.Context(), "ap-guangzhou", client.DescribeAuditTracksRequest{PageNumber: 3, PageSize: 10})
	if err != nil || len(tracks.Tracks) != 10 || *tracks.Tracks[0].TrackId != 1000 || *tracks.TotalCount != 30 {
		t.Errorf("page 3 under ignore-offset: %+v %v", tracks, err)
	}
}

// The provider's client against the faults: a shift once during the read is
// noticed and read again exactly; a shift on every page, and an ignored
// Offset, fail the read naming what happened.
func TestCSIPClientAgainstChangeFaults(t *testing.T) {
	for _, tc := range []struct {
		fault cloudsim.Fault
		want  string // "" for the exact list
	}{
		{cloudsim.Fault{Kind: cloudsim.FaultShiftDown, After: 1, Times: 1}, ""},
		{cloudsim.Fault{Kind: cloudsim.FaultShiftUp, After: 2, Times: 1}, ""},
		{cloudsim.Fault{Kind: cloudsim.FaultShiftDown, After: 1}, "a second read was inconsistent too"},
		{cloudsim.Fault{Kind: cloudsim.FaultShiftUp, After: 1}, "a second read was inconsistent too"},
		{cloudsim.Fault{Kind: cloudsim.FaultIgnoreOffset}, "the API ignores Offset"},
	} {
		t.Run(fmt.Sprintf("%s after %d times %d", tc.fault.Kind, tc.fault.After, tc.fault.Times), func(t *testing.T) {
			sim, base := csipStart(t, cloudsim.Options{CallRecords: 250})
			subUin := cloudsim.CSIPSubUins[0]
			tc.fault.Action = "DescribeUserCallRecord"
			sim.InjectFault(tc.fault)
			res, err := csipDefaultClient(t, base).ListUserCallRecords(t.Context(), "", client.DescribeUserCallRecordRequest{SubUin: subUin}, 100, 0)
			if tc.want != "" {
				if err == nil || !strings.Contains(err.Error(), tc.want) {
					t.Fatalf("error %v, want %q", err, tc.want)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if !reflect.DeepEqual(csipToSimAll(t, res.Records), sim.CSIPCallRecords(subUin)) {
				t.Error("the read is not the list as it is now")
			}
		})
	}
}

// The envelope faults damage real answers, keeping them well-formed JSON.
func TestEnvelopeFaults(t *testing.T) {
	for _, tc := range []struct {
		kind            cloudsim.FaultKind
		tencent, ucloud string // the damaged answer holds this
	}{
		{cloudsim.FaultNoList, `{"Response":{"RequestId":"`, `{"Action":"GetUserOperationEventsResponse","RetCode":0}`},
		{cloudsim.FaultErrorWithoutCode, `"Error":{"Message":"internal failure, results incomplete"}`, ""},
		{cloudsim.FaultDuplicateKey, `"TotalCount":1}}`, `"Events":[{`},
		{cloudsim.FaultUnderstateTotal, `"TotalCount":29,`, ""},
	} {
		t.Run(string(tc.kind), func(t *testing.T) {
			sim, base := csipStart(t, cloudsim.Options{Tracks: 30, Events: 30})
			sim.InjectFault(cloudsim.Fault{Kind: tc.kind})
			tencent := tracksRaw(t, base)
			if !strings.Contains(tencent, tc.tencent) || !json.Valid([]byte(tencent)) {
				t.Errorf("DescribeAuditTracks answered %.300s, want it to hold %s", tencent, tc.tencent)
			}
			if tc.kind == cloudsim.FaultDuplicateKey && strings.Count(tencent, `"Tracks":`) != 2 {
				t.Errorf("Tracks not repeated: %.300s", tencent)
			}
			if tc.ucloud != "" {
				ucloud := ucloudRawEvents(t, sim, base)
				if !strings.Contains(ucloud, tc.ucloud) || !json.Valid([]byte(ucloud)) {
					t.Errorf("GetUserOperationEvents answered %.300s, want it to hold %s", ucloud, tc.ucloud)
				}
			}
		})
	}
}

// rawBodies is a transport that keeps the body of every answer as it came.
type rawBodies struct{ last []byte }

func (r *rawBodies) RoundTrip(req *http.Request) (*http.Response, error) {
	resp, err := http.DefaultTransport.RoundTrip(req)
	if err != nil {
		return resp, err
	}
	r.last, _ = io.ReadAll(resp.Body)
	_ = resp.Body.Close()
	resp.Body = io.NopCloser(strings.NewReader(string(r.last)))
	return resp, nil
}

// tracksRaw asks for a page of tracking sets with the provider's client and
// returns the answer's body as it came, whatever the client made of it.
func tracksRaw(t *testing.T, base string) string {
	t.Helper()
	raw := &rawBodies{}
	c, err := client.NewTencentClient(client.TencentConfig{SecretID: cloudsim.DefaultTencentSecretID, SecretKey: cloudsim.DefaultTencentSecretKey,
		Endpoint: base, Transport: raw})
	if err != nil {
		t.Fatal(err)
	}
	_, _ = c.DescribeAuditTracks(t.Context(), "ap-guangzhou", client.DescribeAuditTracksRequest{PageNumber: 1, PageSize: 10})
	return string(raw.last)
}

// ucloudRawEvents sends a signed GetUserOperationEvents and returns the
// answer's body as it came.
func ucloudRawEvents(t *testing.T, sim *cloudsim.Server, base string) string {
	t.Helper()
	o := sim.Options()
	params := map[string]string{"Action": "GetUserOperationEvents", "PublicKey": o.UCloudPublicKey, "MaxResults": "10"}
	params["Signature"] = client.SignUCloud(params, o.UCloudPrivateKey)
	form := url.Values{}
	for k, v := range params {
		form.Set(k, v)
	}
	resp, err := http.Post(base, "application/x-www-form-urlencoded", strings.NewReader(form.Encode()))
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	return string(b)
}
