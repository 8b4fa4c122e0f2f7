package provider

import (
	"fmt"
	"math"

	"github.com/hashicorp/terraform-plugin-framework/diag"
)

// singlePageWarning tells the user that an explicit single-page read got
// fewer rows than it asked for while the API's total says more exist at and
// after its offset: the API caps its page size (neither API documents a
// maximum), so the next page starts earlier than a page-size step. The rows
// are returned exactly as the API sent them. what names the request
// ("page_number = 2, page_size = 20"); advice says how to read the rest.
func singlePageWarning(diags *diag.Diagnostics, noun, what string, asked, offset, total int64, got int, advice string) {
	if asked <= 0 || offset < 0 || total <= offset {
		return
	}
	expected := min(asked, total-offset)
	if int64(got) >= expected {
		return
	}
	diags.AddWarning("Fewer "+noun+" than asked for",
		fmt.Sprintf("The API returned %d %s for %s, although %d were asked for and its total (%d) says %d exist from offset %d on. "+
			"It appears to cap its page size at %d. The %s are returned exactly as the API sent them; %s",
			got, noun, what, asked, total, total-offset, offset, got, noun, advice))
}

// pageOffset is the offset of page number n (from 1) of the given size, or
// false when it lies beyond any list of total items (computed without
// overflow for any n and size).
func pageOffset(n, size, total int64) (int64, bool) {
	if n < 1 || size < 1 || n-1 > total/size {
		return 0, false
	}
	return (n - 1) * size, true
}

// impossibleTotal reports a total no list can hold.
func impossibleTotal(diags *diag.Diagnostics, summary, field string, total uint64, requestID string) bool {
	if total <= math.MaxInt64 {
		return false
	}
	diags.AddError(summary, fmt.Sprintf("The API reports an impossible %s of %d (RequestId: %s); the read cannot be trusted.", field, total, requestID))
	return true
}
