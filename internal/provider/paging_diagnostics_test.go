package provider

import (
	"strings"
	"testing"

	"github.com/hashicorp/terraform-plugin-framework/diag"
)

func TestSinglePageWarning(t *testing.T) {
	cases := []struct {
		name                 string
		asked, offset, total int64
		got                  int
		warn                 string // "" for none
	}{
		{"full page", 20, 0, 45, 20, ""},
		{"last page, short by the total", 20, 40, 45, 5, ""},
		{"past the end", 20, 60, 45, 0, ""},
		{"capped", 20, 20, 45, 4, "returned 4 tracking sets for what, although 20 were asked for and its total (45) says 25 exist from offset 20 on. It appears to cap its page size at 4"},
		{"capped last page", 20, 40, 45, 4, "says 5 exist"},
		{"empty although more exist", 20, 0, 45, 0, "returned 0 tracking sets"},
		{"limit 0", 0, 0, 45, 0, ""},
	}
	for _, tc := range cases {
		var diags diag.Diagnostics
		singlePageWarning(&diags, "tracking sets", "what", tc.asked, tc.offset, tc.total, tc.got, "advice.")
		switch {
		case tc.warn == "" && len(diags) != 0:
			t.Errorf("%s: unexpected %v", tc.name, diags)
		case tc.warn != "" && (len(diags) != 1 || diags[0].Severity() != diag.SeverityWarning || !strings.Contains(diags[0].Detail(), tc.warn) || !strings.HasSuffix(diags[0].Detail(), "advice.")):
			t.Errorf("%s: %v, want a warning with %q", tc.name, diags, tc.warn)
		}
	}
}

func TestPageOffset(t *testing.T) {
	for _, tc := range []struct {
		n, size, total, want int64
		ok                   bool
	}{
		{1, 20, 0, 0, true},
		{2, 20, 45, 20, true},
		{3, 20, 45, 40, true},
		{4, 20, 45, 0, false},
		{1 << 62, 1 << 62, 45, 0, false}, // (n-1)*size overflows int64
		{0, 20, 45, 0, false},
	} {
		if got, ok := pageOffset(tc.n, tc.size, tc.total); got != tc.want || ok != tc.ok {
			t.Errorf("pageOffset(%d, %d, %d) = %d, %v", tc.n, tc.size, tc.total, got, ok)
		}
	}
	var diags diag.Diagnostics
	if !impossibleTotal(&diags, "s", "TotalCount", 1<<63+1, "r1") || !strings.Contains(diags[0].Detail(), "9223372036854775809 (RequestId: r1)") {
		t.Errorf("2^63+1: %v", diags)
	}
	if impossibleTotal(&diags, "s", "TotalCount", 1<<63-1, "r1") {
		t.Error("2^63-1 refused")
	}
}
