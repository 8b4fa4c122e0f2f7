package client_test

import (
	"context"
	"net/http/httptest"
	"sort"
	"strings"
	"sync"
	"testing"

	"github.com/auditlog/terraform-provider-auditlog/internal/client"
)

// progressLog records what a read's progress logs.
type progressLog struct {
	mu    sync.Mutex
	lines []progressLine
}

type progressLine struct {
	level, msg string
	fields     map[string]any
}

func (l *progressLog) add(level, msg string, f map[string]any) {
	l.mu.Lock()
	defer l.mu.Unlock()
	l.lines = append(l.lines, progressLine{level, msg, f})
}
func (l *progressLog) Warn(_ context.Context, msg string, f map[string]any)  { l.add("WARN", msg, f) }
func (l *progressLog) Info(_ context.Context, msg string, f map[string]any)  { l.add("INFO", msg, f) }
func (l *progressLog) Debug(_ context.Context, msg string, f map[string]any) { l.add("DEBUG", msg, f) }
func (l *progressLog) Trace(_ context.Context, msg string, f map[string]any) { l.add("TRACE", msg, f) }

func (l *progressLog) named(msg string) []progressLine {
	l.mu.Lock()
	defer l.mu.Unlock()
	var out []progressLine
	for _, line := range l.lines {
		if line.msg == msg {
			out = append(out, line)
		}
	}
	return out
}

// Pages fetched concurrently each log one "page read" line, with their own
// attempt number, a running record count and the API's total; the finish
// line counts pages and retries. Run with -race.
func TestReadProgressConcurrentPages(t *testing.T) {
	total := int64(91) // a page of 10, then 9 pages of 9 new records and the one before them
	f := &csipFake{page: func(n int, limit, offset int64) (int, *int64, string) {
		if n == 3 {
			return 0, nil, "InternalError" // retried once
		}
		return int(max(0, min(limit, total-offset))), &total, ""
	}}
	srv := httptest.NewServer(f)
	t.Cleanup(srv.Close)
	c, err := client.NewTencentClient(client.TencentConfig{SecretID: "AKIDfake", SecretKey: "fake-key", Endpoint: srv.URL, MaxRetries: 2})
	if err != nil {
		t.Fatal(err)
	}
	log := &progressLog{}
	ctx, progress := client.StartRead(context.Background(), log, "auditlog_test")
	res, err := c.ListUserCallRecords(ctx, "", client.DescribeUserCallRecordRequest{SubUin: "1"}, 10, 0)
	if err != nil {
		t.Fatal(err)
	}
	progress.Finish(ctx, len(res.Records), "")

	pages := log.named("page read")
	if len(pages) != 10 {
		t.Fatalf("%d page read lines, want 10", len(pages))
	}
	var numbers []int
	retried := 0
	for i, p := range pages {
		if p.level != "DEBUG" || p.fields["data_source"] != "auditlog_test" || p.fields["total"] != total {
			t.Errorf("page line %v", p)
		}
		page, _ := p.fields["page"].(int)
		numbers = append(numbers, page)
		if p.fields["records"] != 10+9*i {
			t.Errorf("line %d: records=%v, want the running count of new records %d", i, p.fields["records"], 10+9*i)
		}
		if p.fields["attempt"] == 2 {
			retried++
		} else if p.fields["attempt"] != 1 {
			t.Errorf("page %v read at attempt %v", p.fields["page"], p.fields["attempt"])
		}
	}
	sort.Ints(numbers)
	for i, n := range numbers {
		if n != i+1 {
			t.Fatalf("pages numbered %v, want 1 to 10", numbers)
		}
	}
	if retried != 1 {
		t.Errorf("%d pages read at attempt 2, want 1", retried)
	}
	fin := log.named("read finished")
	if len(fin) != 1 || fin[0].level != "INFO" || fin[0].fields["pages"] != 10 || fin[0].fields["records"] != 91 || fin[0].fields["retries"] != int64(1) {
		t.Fatalf("read finished lines %v", fin)
	}
	if started := log.named("read started"); len(started) != 1 || started[0].level != "INFO" {
		t.Fatalf("read started lines %v", started)
	}
}

func TestMaskAccessKeyID(t *testing.T) {
	for id, want := range map[string]string{
		"AKIDz8krbsJ5yKBZQpn74WFkmLPx3EXAMPLE": "AKID…MPLE",
		"4E9UU0VhqqL1Ac":                       "4E…Ac",
		"short":                                "…",
	} {
		got := client.MaskAccessKeyID(id)
		if got != want || (len(id) >= 8 && strings.Contains(got, id)) {
			t.Errorf("MaskAccessKeyID(%q) = %q, want %q", id, got, want)
		}
	}
}
