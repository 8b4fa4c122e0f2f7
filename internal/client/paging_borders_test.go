package client

import (
	"context"
	"math/rand/v2"
	"slices"
	"strconv"
	"sync"
	"testing"
)

// borderList is a list whose members leave anywhere and join only at the
// end, between any two calls, as organization members do; the total stays.
type borderList struct {
	mu      sync.Mutex
	items   []int
	next    int
	rng     *rand.Rand
	changes float64 // chance of a change before each call
	left    map[int]bool
}

func newBorderList(n int, seed uint64, changes float64) *borderList {
	l := &borderList{rng: rand.New(rand.NewPCG(seed, 1)), changes: changes, left: map[int]bool{}}
	for range n {
		l.items = append(l.items, l.next)
		l.next++
	}
	return l
}

func (l *borderList) fetch(_ context.Context, p pageSpec) (pageResult[int], error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	if l.rng.Float64() < l.changes {
		at := l.rng.IntN(len(l.items))
		l.left[l.items[at]] = true
		l.items = append(slices.Delete(slices.Clone(l.items), at, at+1), l.next)
		l.next++
	}
	total := int64(len(l.items))
	start := min(p.offset, total)
	page := slices.Clone(l.items[start:min(start+p.size, total)])
	return pageResult[int]{items: page, total: &total, requestID: "r" + strconv.Itoa(l.next)}, nil
}

func borderRead(l *borderList, probe bool) pagedRead[int] {
	return pagedRead[int]{
		noun: "members", action: "Test", pageSize: 5, fixedLimit: true, requireTotal: true, log: nopLogger{},
		key:          func(v int) (string, bool) { return strconv.Itoa(v), true },
		identity:     func(v int) string { return "member " + strconv.Itoa(v) },
		probeBorders: probe,
		fetch:        l.fetch,
	}
}

// Whatever leaves and joins between the calls, a read that succeeds holds
// every member who belonged the whole time, each once: with members joining
// only at the end, a probe at every page border is enough (DESIGN.md). The
// same reads without the probes lose members.
func TestBorderProbesNeverLoseAMember(t *testing.T) {
	read := func(probe bool) (ok, failed, lost int) {
		for seed := range uint64(400) {
			l := newBorderList(23, seed, 0.3) // 5 pages of 5, the last of 3
			res, err := borderRead(l, probe).run(context.Background())
			if err != nil {
				failed++
				continue
			}
			got := map[int]bool{}
			for _, v := range res.items {
				got[v] = true
			}
			missing := 0
			for v := range 23 {
				if !l.left[v] && !got[v] {
					missing++
				}
			}
			if missing > 0 {
				lost++
				if probe {
					t.Errorf("seed %d: the read succeeded with %d members missing who belonged the whole time: %v", seed, missing, res.items)
				}
				continue
			}
			ok++
		}
		return ok, failed, lost
	}
	ok, failed, _ := read(true)
	t.Logf("with probes: %d exact, %d failed", ok, failed)
	if ok < 50 {
		t.Errorf("only %d of 400 reads succeeded (%d failed): the test proves little", ok, failed)
	}
	okWithout, failedWithout, lost := read(false)
	t.Logf("without probes: %d exact, %d failed, %d lost a member", okWithout, failedWithout, lost)
	if lost == 0 {
		t.Error("without border probes no read lost a member: the test cannot fail")
	}
}
