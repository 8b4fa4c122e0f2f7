package provider

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/hashicorp/terraform-plugin-framework/datasource"
	"github.com/hashicorp/terraform-plugin-framework/path"
	"github.com/hashicorp/terraform-plugin-framework/tfsdk"
)

// A window that starts in the future holds no event yet: its read would
// return 0 events, which looks like a quiet account. The plan refuses it,
// on start_time, as UCloud's begin_time is refused; a start a little ahead
// (another machine's clock) is within the grace.
func TestCloudAuditEventsWindowInTheFuture(t *testing.T) {
	ctx := context.Background()
	ds := NewCloudAuditEventsDataSource().(*cloudAuditEventsDataSource) //nolint:forcetypeassert // the constructor's own type
	var sresp datasource.SchemaResponse
	ds.Schema(ctx, datasource.SchemaRequest{}, &sresp)
	typ := sresp.Schema.Type().TerraformType(ctx)
	now := time.Now()
	for _, tc := range []struct {
		name       string
		start, end time.Time
		wantError  bool
	}{
		{"the last day", now.Add(-24 * time.Hour), now, false},
		{"a minute ahead, within the grace", now.Add(time.Minute), now.Add(time.Hour), false},
		{"ten minutes ahead", now.Add(10 * time.Minute), now.Add(time.Hour), true},
		{"tomorrow", now.Add(24 * time.Hour), now.Add(25 * time.Hour), true},
	} {
		t.Run(tc.name, func(t *testing.T) {
			raw := benchNullExcept(typ, map[string]any{"start_time": tc.start.Unix(), "end_time": tc.end.Unix()})
			var resp datasource.ValidateConfigResponse
			ds.ValidateConfig(ctx, datasource.ValidateConfigRequest{Config: tfsdk.Config{Raw: raw, Schema: sresp.Schema}}, &resp)
			if got := resp.Diagnostics.HasError(); got != tc.wantError {
				t.Fatalf("error = %v, want %v: %v", got, tc.wantError, resp.Diagnostics)
			}
			if !tc.wantError {
				return
			}
			d := resp.Diagnostics.Errors()[0]
			wp, ok := d.(interface{ Path() path.Path })
			if !ok || !wp.Path().Equal(path.Root("start_time")) {
				t.Errorf("the error is not on start_time: %v", d)
			}
			if !strings.Contains(d.Detail(), "is in the future") {
				t.Errorf("detail %q does not say the start is in the future", d.Detail())
			}
		})
	}
}
