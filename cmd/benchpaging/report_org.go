//go:build linux

// benchpaging report: the organization case (many accounts, for_each).

package main

import (
	"bufio"
	"bytes"
	"fmt"
	"os"
	"path/filepath"
	"regexp"
	"sort"
	"strconv"
)

// orgReadFloor is the least time one account's read can take: 40 pages at
// the API's 20 calls per second.
const orgReadFloor = 2.0

// orgReadLimit is the target: every account's read within 1.25 times its
// floor, AssumeRole included.
const orgReadLimit = 1.25

// The fields of a log line come in any order.
var (
	readFinished = regexp.MustCompile(`: read finished: .*\bdata_source=auditlog_cloudaudit_events\b`)
	durationMS   = regexp.MustCompile(`\bduration_ms=([0-9]+)\b`)
)

// readDurations are the "read finished" durations, in seconds, of the
// CloudAudit events reads of a provider log (TF_LOG_PATH).
func readDurations(path string) ([]float64, error) {
	b, err := os.ReadFile(path)
	if err != nil {
		return nil, err
	}
	var out []float64
	sc := bufio.NewScanner(bytes.NewReader(b))
	sc.Buffer(make([]byte, 1<<20), 1<<24)
	for sc.Scan() {
		if !readFinished.Match(sc.Bytes()) {
			continue
		}
		if m := durationMS.FindSubmatch(sc.Bytes()); m != nil {
			ms, _ := strconv.Atoi(string(m[1]))
			out = append(out, float64(ms)/1000)
		}
	}
	return out, sc.Err()
}

// orgReport writes the organization case's table and returns the gates it
// failed. dir is the runs directory; accounts the number of member
// accounts the run read.
func orgReport(w *bytes.Buffer, dir string, accounts int) []string {
	org := filepath.Join(dir, "org")
	if _, err := os.Stat(org); err != nil {
		return nil
	}
	var failed []string
	r := loadPlanRun(filepath.Join(org, "many"), 0)
	single := loadPlanRun(filepath.Join(org, "single"), 0)
	stats := kv{}
	if l, err := readKVLines(filepath.Join(org, "many", "stats.txt")); err == nil && len(l) > 0 {
		stats = l[0]
	}
	durations, err := readDurations(filepath.Join(org, "many", "provider.log"))
	if err != nil {
		failed = append(failed, "organization: no provider log: "+err.Error())
	}
	sort.Float64s(durations)
	fmt.Fprintf(w, "\n### Organization: %d accounts, `for_each`, the simulator enforcing 20 calls/s per action and account\n\n", accounts)
	fmt.Fprintf(w, "| case | plan wall s | reads | slowest read s | median read s | of floor (%.0f s) | AssumeRole calls | most per account | throttled | provider CPU s | terraform CPU s | provider peak RSS MiB | terraform peak RSS MiB |\n", orgReadFloor)
	fmt.Fprintf(w, "|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|\n")
	if single.ok {
		fmt.Fprintf(w, "| one account, same events | %.2f | 1 | | | | | | | %.2f | %.2f | %.0f | %.0f |\n",
			single.wall, single.provCPU, single.tfCPU, single.provRSS/1024, single.tfRSS/1024)
	}
	if !r.ok {
		fmt.Fprintf(w, "| %d accounts | %s | | | | | | | | | | | |\n", accounts, r.note)
		return append(failed, "organization: "+r.note)
	}
	slowest, median := 0.0, 0.0
	if n := len(durations); n > 0 {
		slowest, median = durations[n-1], durations[n/2]
	}
	fmt.Fprintf(w, "| %d accounts | %.2f | %d | %.2f | %.2f | %.2f× | %s | %s | %s | %.2f | %.2f | %.0f | %.0f |\n",
		accounts, r.wall, len(durations), slowest, median, slowest/orgReadFloor, stats["assume_role_calls"], stats["assume_role_max_per_role"],
		stats["throttled"], r.provCPU, r.tfCPU, r.provRSS/1024, r.tfRSS/1024)
	fmt.Fprintf(w, "\nEach account's read is its `read finished` duration (AssumeRole and GetCallerIdentity included); its floor is 40 calls at 20 per second. Terraform reads 10 at once (`-parallelism`, default 10).\n")
	switch {
	case len(durations) != accounts:
		failed = append(failed, fmt.Sprintf("organization: %d reads finished, want %d", len(durations), accounts))
	case slowest > orgReadLimit*orgReadFloor:
		failed = append(failed, fmt.Sprintf("organization: slowest account read %.2f s > %.2f× its %.0f s floor", slowest, orgReadLimit, orgReadFloor))
	}
	if stats["assume_role_roles"] != strconv.Itoa(accounts) || stats["assume_role_max_per_role"] != "1" {
		failed = append(failed, fmt.Sprintf("organization: AssumeRole for %s roles, at most %s per role; want one for each of %d", stats["assume_role_roles"], stats["assume_role_max_per_role"], accounts))
	}
	if stats["throttled"] != "0" {
		failed = append(failed, fmt.Sprintf("organization: %s calls throttled, want 0", stats["throttled"]))
	}
	if r.provCPU > r.tfCPU {
		failed = append(failed, fmt.Sprintf("organization: provider CPU %.2f s > terraform CPU %.2f s", r.provCPU, r.tfCPU))
	}
	if r.provRSS > r.tfRSS {
		failed = append(failed, fmt.Sprintf("organization: provider peak RSS %.0f MiB > terraform peak RSS %.0f MiB", r.provRSS/1024, r.tfRSS/1024))
	}
	return failed
}
