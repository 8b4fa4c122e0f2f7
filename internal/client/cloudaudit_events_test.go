package client

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"regexp"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/auditlog/terraform-provider-auditlog/internal/cloudsim"
)

// Tests of DescribeEvents and ListCloudAuditEvents against the simulator.

func ceQuery(sim *cloudsim.Server, maxItems int) CloudAuditEventsQuery {
	pageSize := uint64(50)
	events := sim.CloudAuditEvents()
	return CloudAuditEventsQuery{
		Region: tctRegion, MaxItems: maxItems,
		Request: DescribeEventsRequest{
			StartTime: uint64(events[len(events)-1].Unix()), EndTime: uint64(events[0].Unix()), MaxResults: &pageSize,
		},
	}
}

func ceList(t *testing.T, c *TencentClient, q CloudAuditEventsQuery) (*CloudAuditEventsResult, error) {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
	defer cancel()
	return c.ListCloudAuditEvents(ctx, q)
}

func ceIDs(events []CloudAuditEvent) []string {
	ids := make([]string, len(events))
	for i, e := range events {
		if e.EventId != nil {
			ids[i] = *e.EventId
		}
	}
	return ids
}

func simEventIDs(events []cloudsim.TencentEvent) []string {
	ids := make([]string, len(events))
	for i, e := range events {
		ids[i] = e.EventId
	}
	return ids
}

// withoutToken is a request body with its NextToken removed, re-encoded
// from the raw members so that every other byte is compared.
func withoutToken(t *testing.T, params map[string]json.RawMessage) string {
	t.Helper()
	rest := map[string]json.RawMessage{}
	for k, v := range params {
		if k != "NextToken" {
			rest[k] = v
		}
	}
	b, err := json.Marshal(rest)
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}

// Every page carries the same parameters except NextToken; each token is
// the previous answer's, digit for digit, although every simulator token is
// above 2^63; the read stops on ListOver (the last answer carries a token).
func TestListCloudAuditEventsIdenticalParametersAndExactTokens(t *testing.T) {
	s := tctStart(t, cloudsim.Options{CloudAuditEvents: 300}, nil)
	q := ceQuery(s.sim, 0)
	all := s.sim.CloudAuditEvents()
	res, err := ceList(t, tctClient(t, s.URL(), nil), q)
	if err != nil {
		t.Fatal(err)
	}
	if got, want := strings.Join(ceIDs(res.Events), ","), strings.Join(simEventIDs(all), ","); got != want {
		t.Fatalf("events differ from the simulator's (%d read, %d held)", len(res.Events), len(all))
	}
	if !res.ListOver || res.ResumeToken != nil || res.Pages != 6 || res.Retries != 0 {
		t.Errorf("ListOver %v, ResumeToken %v, Pages %d, Retries %d; want true, nil, 6, 0", res.ListOver, res.ResumeToken, res.Pages, res.Retries)
	}
	reqs, answers := s.requests(), s.simAnswers()
	if len(reqs) != 6 {
		t.Fatalf("%d requests, want 6", len(reqs))
	}
	first := withoutToken(t, reqs[0].Params)
	tokenRe := regexp.MustCompile(`"NextToken":([0-9]+)`)
	for i, r := range reqs {
		if got := withoutToken(t, r.Params); got != first {
			t.Errorf("page %d parameters %s differ from page 1's %s", i+1, got, first)
		}
		if i == 0 {
			if _, has := r.Params["NextToken"]; has {
				t.Error("page 1 sent a NextToken")
			}
			continue
		}
		m := tokenRe.FindSubmatch(answers[i-1])
		if m == nil {
			t.Fatalf("answer %d carries no NextToken", i)
		}
		if !bytes.Equal(r.Params["NextToken"], m[1]) {
			t.Errorf("page %d sent NextToken %s, the previous answer gave %s", i+1, r.Params["NextToken"], m[1])
		}
		if n, _ := strconv.ParseUint(string(m[1]), 10, 64); n < 1<<53 {
			t.Errorf("token %d is below 2^53; the test proves nothing about precision", n)
		}
	}
	if tokenRe.Find(answers[len(answers)-1]) == nil {
		t.Error("the last answer carries no NextToken; the test does not prove the read stops on ListOver")
	}
}

// A throttled page is retried with the same token, never from page 1, and
// every page logs one "page read" line with the attempt that succeeded.
func TestListCloudAuditEventsRetryResumesAtFailedPage(t *testing.T) {
	s := tctStart(t, cloudsim.Options{CloudAuditEvents: 300}, nil)
	s.sim.InjectFault(cloudsim.Fault{Kind: cloudsim.FaultThrottle, Action: "DescribeEvents", After: 2, Times: 1})
	log := &captureLogger{}
	c := tctClient(t, s.URL(), func(cfg *TencentConfig) { cfg.Logger = log })
	ctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
	defer cancel()
	ctx, _ = StartRead(ctx, log, "auditlog_cloudaudit_events")
	res, err := c.ListCloudAuditEvents(ctx, ceQuery(s.sim, 0))
	if err != nil {
		t.Fatal(err)
	}
	if len(res.Events) != 300 || res.Pages != 6 || res.Retries != 1 {
		t.Errorf("%d events, %d pages, %d retries; want 300, 6, 1", len(res.Events), res.Pages, res.Retries)
	}
	reqs := s.requests()
	if len(reqs) != 7 {
		t.Fatalf("%d requests, want 7 (6 pages, one retried)", len(reqs))
	}
	if !bytes.Equal(reqs[2].Body, reqs[3].Body) {
		t.Errorf("the retry of page 3 sent %s, the failed call %s", reqs[3].Body, reqs[2].Body)
	}
	for i, r := range reqs[1:] {
		if _, has := r.Params["NextToken"]; !has {
			t.Errorf("request %d has no NextToken: the read restarted from page 1", i+2)
		}
	}
	var pages []string
	for _, e := range log.entries {
		if e.msg == "page read" {
			pages = append(pages, fmt.Sprintf("%v/%v/%v", e.fields["page"], e.fields["records"], e.fields["attempt"]))
			if e.fields["data_source"] != "auditlog_cloudaudit_events" {
				t.Errorf("page read line names data source %v", e.fields["data_source"])
			}
		}
	}
	if got, want := strings.Join(pages, " "), "1/50/1 2/100/1 3/150/2 4/200/1 5/250/1 6/300/1"; got != want {
		t.Errorf("page read lines (page/records/attempt) %q, want %q", got, want)
	}
}

// max_items on a page boundary returns a token that resumes without gap or
// overlap; inside a page, the first events and no token.
func TestListCloudAuditEventsMaxItemsAndResume(t *testing.T) {
	s := tctStart(t, cloudsim.Options{CloudAuditEvents: 300}, nil)
	c := tctClient(t, s.URL(), nil)
	want := simEventIDs(s.sim.CloudAuditEvents())

	q := ceQuery(s.sim, 100)
	first, err := ceList(t, c, q)
	if err != nil {
		t.Fatal(err)
	}
	if first.ResumeToken == nil || first.ListOver || first.CutMidPage || first.Pages != 2 {
		t.Fatalf("ResumeToken %v, ListOver %v, CutMidPage %v, Pages %d; want a token, false, false, 2",
			first.ResumeToken, first.ListOver, first.CutMidPage, first.Pages)
	}
	q.Request.NextToken, q.MaxItems = first.ResumeToken, 0
	rest, err := ceList(t, c, q)
	if err != nil {
		t.Fatal(err)
	}
	got := append(ceIDs(first.Events), ceIDs(rest.Events)...)
	if strings.Join(got, ",") != strings.Join(want, ",") {
		t.Errorf("the two reads hold %d events, not the simulator's %d in order", len(got), len(want))
	}

	cut, err := ceList(t, c, ceQuery(s.sim, 70))
	if err != nil {
		t.Fatal(err)
	}
	if len(cut.Events) != 70 || !cut.CutMidPage || cut.ResumeToken != nil || cut.ListOver {
		t.Errorf("%d events, CutMidPage %v, ResumeToken %v, ListOver %v; want 70, true, nil, false", len(cut.Events), cut.CutMidPage, cut.ResumeToken, cut.ListOver)
	}
	if strings.Join(ceIDs(cut.Events), ",") != strings.Join(want[:70], ",") {
		t.Error("the cut read does not hold the first 70 events")
	}
}

// An API that hands back a token it already gave, or says neither ListOver
// nor where to continue, fails the read instead of looping or stopping short.
func TestListCloudAuditEventsRefusesBrokenPaging(t *testing.T) {
	s := tctStart(t, cloudsim.Options{CloudAuditEvents: 300}, nil)
	s.sim.InjectFault(cloudsim.Fault{Kind: cloudsim.FaultRepeatToken, Action: "DescribeEvents", After: 2, Times: 1})
	_, err := ceList(t, tctClient(t, s.URL(), nil), ceQuery(s.sim, 0))
	if err == nil || !strings.Contains(err.Error(), "page 3 returned a NextToken already returned by page 2") || !strings.Contains(err.Error(), "RequestId: ") {
		t.Errorf("error %v, want page 3 repeating page 2's token, with the RequestId", err)
	}

	for name, rewrite := range map[string]func(b []byte) []byte{
		"no ListOver":  func(b []byte) []byte { return regexp.MustCompile(`"ListOver":(true|false),`).ReplaceAll(b, nil) },
		"no NextToken": func(b []byte) []byte { return regexp.MustCompile(`"NextToken":[0-9]+,`).ReplaceAll(b, nil) },
	} {
		t.Run(name, func(t *testing.T) {
			s := tctStart(t, cloudsim.Options{CloudAuditEvents: 300}, nil)
			s.rewrite = func(_ tctSeen, b []byte) []byte { return rewrite(b) }
			_, err := ceList(t, tctClient(t, s.URL(), nil), ceQuery(s.sim, 0))
			if err == nil || !strings.Contains(err.Error(), "page 1") {
				t.Errorf("error %v, want page 1 refused", err)
			}
		})
	}
}

// The token handed out when max_items is reached is checked like the others:
// a looping API's token would resume the loop, not the read.
func TestListCloudAuditEventsResumeTokenOfALoop(t *testing.T) {
	s := tctStart(t, cloudsim.Options{CloudAuditEvents: 300}, nil)
	s.sim.InjectFault(cloudsim.Fault{Kind: cloudsim.FaultRepeatToken, Action: "DescribeEvents", After: 1, Times: 1})
	res, err := ceList(t, tctClient(t, s.URL(), nil), ceQuery(s.sim, 100))
	if err == nil || !strings.Contains(err.Error(), "page 2 returned a NextToken already returned by page 1") {
		t.Fatalf("error %v, want page 2 repeating page 1's token", err)
	}
	if res.ResumeToken != nil {
		t.Errorf("the looping token %d was handed out", *res.ResumeToken)
	}
	// The starting token coming back at max_items.
	s = tctStart(t, cloudsim.Options{CloudAuditEvents: 300}, nil)
	c := tctClient(t, s.URL(), nil)
	first, err := ceList(t, c, ceQuery(s.sim, 50))
	if err != nil || first.ResumeToken == nil {
		t.Fatal(first, err)
	}
	q := ceQuery(s.sim, 50)
	q.Request.NextToken = first.ResumeToken
	s.sim.InjectFault(cloudsim.Fault{Kind: cloudsim.FaultRepeatToken, Action: "DescribeEvents", Times: 1})
	if _, err := ceList(t, c, q); err == nil || !strings.Contains(err.Error(), "already returned by the request (the starting next_token)") {
		t.Errorf("error %v, want the starting token refused", err)
	}
}

// A read whose max_items is a multiple of the page size can still end
// inside a page when the API returned a short page on the way: the result
// says which.
func TestListCloudAuditEventsShortPageBeforeTheEnd(t *testing.T) {
	s := tctStart(t, cloudsim.Options{CloudAuditEvents: 300}, nil)
	s.sim.CapPageSize("DescribeEvents", 30)
	q := ceQuery(s.sim, 100) // pages of 50 asked for, 30 served
	res, err := ceList(t, tctClient(t, s.URL(), nil), q)
	if err != nil {
		t.Fatal(err)
	}
	if !res.CutMidPage || res.ResumeToken != nil || res.Records != 100 {
		t.Fatalf("CutMidPage %v, ResumeToken %v, %d events; want true, nil, 100", res.CutMidPage, res.ResumeToken, res.Records)
	}
	if !strings.HasPrefix(res.ShortPage, "page 1 held 30 events of the 50 asked for before the end (RequestId: ") {
		t.Errorf("ShortPage %q", res.ShortPage)
	}
}

func TestDescribeAuditTrackUnknown(t *testing.T) {
	s := tctStart(t, cloudsim.Options{}, nil)
	c := tctClient(t, s.URL(), nil)
	got, err := c.DescribeAuditTrack(context.Background(), tctRegion, 1002)
	if err != nil || got.Name == nil || *got.Name != "audit-cos-3" || got.Filters == nil {
		t.Fatalf("DescribeAuditTrack(1002) = %+v, %v", got, err)
	}
	_, err = c.DescribeAuditTrack(context.Background(), tctRegion, 999)
	var te *TencentError
	if !errors.As(err, &te) || te.Code != "ResourceNotFound.AuditNotExist" || te.RequestID == "" {
		t.Errorf("error %v, want ResourceNotFound.AuditNotExist with a RequestId", err)
	}
}
