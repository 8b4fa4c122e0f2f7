package cloudsim

import (
	"runtime"
	"testing"
	"time"
)

// BenchmarkCLSMillionEvents measures the simulator's side of a search over
// a million generated events in 180 days: building the data set, then one
// CQL search over the whole window (the matches are cached per query, so
// later pages cost only their rows).
//
//	go test -run '^$' -bench BenchmarkCLSMillionEvents -benchtime 1x ./internal/cloudsim/
func BenchmarkCLSMillionEvents(b *testing.B) {
	now := time.Now()
	for range b.N {
		var before, after runtime.MemStats
		runtime.GC()
		runtime.ReadMemStats(&before)
		start := time.Now()
		s := New(Options{Tracks: 29, Now: func() time.Time { return now }, CLS: CLSOptions{Events: 1_000_000, Days: 180}})
		top, _ := s.tencent.cls.topic("5a1c001c-4d2e-4c1a-9e7b-3f00aa00001c", "ap-hongkong")
		logs := s.tencent.cls.logsOf(top)
		built := time.Since(start)
		runtime.GC()
		runtime.ReadMemStats(&after)
		from, to := now.Add(-181*24*time.Hour).UnixMilli(), now.UnixMilli()
		for _, q := range []string{"*", "eventName:DeleteUser", "userIdentity.userName:alice AND NOT errorCode:0", "DeleteUser"} {
			qs := time.Now()
			pq, err := s.tencent.cls.prepare("ap-hongkong", top.info.TopicId, from, to, q, clsCQL, now)
			if err != nil {
				b.Fatal(err)
			}
			n := len(s.tencent.cls.matches(pq, now))
			b.Logf("%q: %d of %d logs in %v", q, n, logs.len(), time.Since(qs))
		}
		b.Logf("built %d logs in %v, heap +%d MB", logs.len(), built, (int64(after.HeapAlloc)-int64(before.HeapAlloc))>>20)
	}
}
