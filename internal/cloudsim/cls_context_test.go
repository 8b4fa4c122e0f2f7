package cloudsim

import (
	"fmt"
	"testing"
	"time"
)

// A Context lives an hour on the server's clock: checked here, inside the
// package, because a signed request cannot travel an hour (the signature
// check allows five minutes of skew).
func TestCLSContextExpiresAfterAnHour(t *testing.T) {
	now := time.Now()
	s := New(Options{Tracks: 29, Now: func() time.Time { return now }})
	from, to := now.Add(-30*24*time.Hour).UnixMilli(), now.UnixMilli()
	call := func(at time.Time, body string) (any, *tencentError) {
		p, err := parseParams([]byte(body))
		if err != nil {
			t.Fatal(err)
		}
		return s.tencent.cls.searchLog(&tencentCall{region: "ap-hongkong", params: p, now: at})
	}
	base := fmt.Sprintf(`"TopicId":"5a1c001c-4d2e-4c1a-9e7b-3f00aa00001c","From":%d,"To":%d,"Limit":5`, from, to)
	first, terr := call(now, "{"+base+"}")
	if terr != nil {
		t.Fatal(terr)
	}
	answer, ok := first.(clsSearchAnswer)
	if !ok {
		t.Fatalf("answer %T", first)
	}
	ctx := answer.Context
	next := fmt.Sprintf(`{%s,"Context":%q}`, base, ctx)
	if _, terr := call(now.Add(59*time.Minute), next); terr != nil {
		t.Errorf("a Context 59 minutes old: %v", terr)
	}
	if _, terr := call(now.Add(61*time.Minute), next); terr == nil || terr.Code != "FailedOperation.InvalidContext" {
		t.Errorf("a Context 61 minutes old: %v, want FailedOperation.InvalidContext", terr)
	}
}
