package cloudsim

import (
	"testing"
	"time"
)

// The bucket of a documented 20 calls per second: 20 calls at once, then
// one call per 50 ms; a refused call spends nothing; an idle second fills
// it again, never past 20.
func TestTokenBucket(t *testing.T) {
	t0 := time.Date(2026, 12, 7, 1, 0, 0, 0, time.UTC)
	b := newTokenBucket(20, 20, t0)
	for i := range 20 {
		if !b.take(t0) {
			t.Fatalf("call %d of a full bucket refused", i+1)
		}
	}
	if b.take(t0) || b.take(t0.Add(49*time.Millisecond)) {
		t.Error("a 21st call within 50 ms admitted")
	}
	if !b.take(t0.Add(50 * time.Millisecond)) {
		t.Error("the call 50 ms later refused: the refused calls spent a token")
	}
	if b.take(t0.Add(60 * time.Millisecond)) {
		t.Error("a second call within the next 50 ms admitted")
	}
	// A clock that steps back adds nothing.
	if b.take(t0) {
		t.Error("a call at an earlier time admitted")
	}
	// An hour idle fills the bucket to 20, no more.
	later := t0.Add(time.Hour)
	admitted := 0
	for range 30 {
		if b.take(later) {
			admitted++
		}
	}
	if admitted != 20 {
		t.Errorf("%d calls admitted at once after an idle hour, want 20", admitted)
	}
}

// A client that spaces its calls 1/20 s apart, each a few milliseconds
// early or late as a loaded machine makes them, is never refused: the
// 21st call of a calendar second, which a count per second refused, is
// within the rate.
func TestTokenBucketAdmitsEvenlySpacedCalls(t *testing.T) {
	t0 := time.Date(2026, 12, 7, 1, 0, 0, 0, time.UTC)
	b := newTokenBucket(20, 20, t0)
	jitter := []time.Duration{0, -3 * time.Millisecond, 4 * time.Millisecond, -1 * time.Millisecond, 2 * time.Millisecond}
	for i := range 2000 {
		at := t0.Add(time.Duration(i)*50*time.Millisecond + jitter[i%len(jitter)])
		if !b.take(at) {
			t.Fatalf("call %d at +%v refused", i+1, at.Sub(t0))
		}
	}
	// Twice the rate, sustained, is refused about half the time.
	b = newTokenBucket(20, 20, t0)
	admitted := 0
	for i := range 400 { // 10 s at 40 calls per second
		if b.take(t0.Add(time.Duration(i) * 25 * time.Millisecond)) {
			admitted++
		}
	}
	if admitted < 215 || admitted > 221 {
		t.Errorf("%d of 400 calls at 40/s over 10 s admitted, want the burst of 20 plus 20 per second (about 220)", admitted)
	}
}
