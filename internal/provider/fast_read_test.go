package provider

import (
	"bytes"
	"context"
	"regexp"
	"testing"
	"time"

	"github.com/hashicorp/terraform-plugin-framework/providerserver"
	"github.com/hashicorp/terraform-plugin-go/tfprotov6"
	"github.com/hashicorp/terraform-plugin-go/tftypes"

	"github.com/auditlog/terraform-provider-auditlog/internal/cloudsim"
)

// The server answers ReadDataSource itself (fast_read.go); the framework
// would answer through Read. Both must give Terraform the same bytes: the
// same state for a good read, the same diagnostics, on the same attribute,
// for a failed one.
func TestDirectReadMatchesFramework(t *testing.T) {
	ctx := context.Background()
	sim := startSim(t, cloudsim.Options{Tracks: 23, CallRecords: 37, Events: 41})
	o := sim.Options()
	direct := NewProtocol6Server("test")()
	framework := providerserver.NewProtocol6(&auditlogProvider{version: "test"})()

	schemas, err := direct.GetProviderSchema(ctx, &tfprotov6.GetProviderSchemaRequest{})
	if err != nil {
		t.Fatal(err)
	}
	providerConfig := benchDynamicValue(t, benchNullExcept(schemas.Provider.ValueType(), map[string]any{
		"tencentcloud": map[string]any{"secret_id": o.TencentSecretID, "secret_key": o.TencentSecretKey, "endpoint": sim.URL},
		"ucloud":       map[string]any{"public_key": o.UCloudPublicKey, "private_key": o.UCloudPrivateKey, "base_url": sim.URL},
	}))
	for _, s := range []tfprotov6.ProviderServer{direct, framework} {
		resp, err := s.ConfigureProvider(ctx, &tfprotov6.ConfigureProviderRequest{TerraformVersion: "1.11.4", Config: providerConfig})
		if err != nil || benchDiagsError(resp.Diagnostics) != nil {
			t.Fatalf("configure: %v %v", err, benchDiagsError(resp.Diagnostics))
		}
	}

	requestID := regexp.MustCompile(`[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}`)
	cases := []struct {
		name, typeName string
		config         map[string]any
		wantError      bool
	}{
		{"tracks, every page", "auditlog_cloudaudit_tracks", map[string]any{"page_size": 5}, false},
		{"tracks, one page", "auditlog_cloudaudit_tracks", map[string]any{"page_number": 2, "page_size": 10, "timeouts": map[string]any{"read": "1m"}}, false},
		{"tracks, unsupported region", "auditlog_cloudaudit_tracks", map[string]any{"region": "ap-atlantis"}, true},
		{"csip, filtered", "auditlog_csip_user_call_records", map[string]any{
			// Terraform sends an absent list block as an empty list.
			"sub_uin": cloudsim.CSIPSubUins[1], "filter": map[string]any{"order": "asc", "by": "CallCount", "filters": []tftypes.Value{}}}, false},
		{"csip, unknown sub-account", "auditlog_csip_user_call_records", map[string]any{"sub_uin": "1"}, false},
		{"ucloud, capped", "auditlog_ucloud_operation_events", map[string]any{"max_items": 17, "max_results": 7}, false},
		{"cloudaudit events, cut inside a page (a warning)", "auditlog_cloudaudit_events", map[string]any{
			"start_time": time.Now().Add(-29 * 24 * time.Hour).Unix(), "end_time": time.Now().Unix(), "max_items": 70, "max_results": 50}, false},
		{"cloudaudit events, located", "auditlog_cloudaudit_events", map[string]any{
			"start_time": time.Now().Add(-29 * 24 * time.Hour).Unix(), "end_time": time.Now().Unix(), "is_return_location": true}, false},
		{"cloudaudit events, foreign token", "auditlog_cloudaudit_events", map[string]any{
			"start_time": time.Now().Add(-29 * 24 * time.Hour).Unix(), "end_time": time.Now().Unix(), "next_token": "12345"}, true},
		{"cloudaudit track", "auditlog_cloudaudit_track", map[string]any{"track_id": 1003}, false},
		{"cloudaudit track, unknown", "auditlog_cloudaudit_track", map[string]any{"track_id": 99}, true},
		{"organization members", "auditlog_organization_members", map[string]any{"search_key": "a", "tags": []tftypes.Value{}}, false},
		{"ucloud projects", "auditlog_ucloud_projects", map[string]any{"max_items": 2}, false},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			dsType := schemas.DataSourceSchemas[c.typeName].ValueType()
			req := &tfprotov6.ReadDataSourceRequest{TypeName: c.typeName, Config: benchDynamicValue(t, benchNullExcept(dsType, c.config))}
			got, err := direct.ReadDataSource(ctx, req)
			if err != nil {
				t.Fatal(err)
			}
			want, err := framework.ReadDataSource(ctx, req)
			if err != nil {
				t.Fatal(err)
			}
			if (benchDiagsError(got.Diagnostics) != nil) != c.wantError {
				t.Fatalf("diagnostics: %v", benchDiagsError(got.Diagnostics))
			}
			if len(got.Diagnostics) != len(want.Diagnostics) {
				t.Fatalf("%d diagnostics, the framework gives %d", len(got.Diagnostics), len(want.Diagnostics))
			}
			for i, g := range got.Diagnostics {
				w := want.Diagnostics[i]
				if g.Severity != w.Severity || g.Summary != w.Summary ||
					requestID.ReplaceAllString(g.Detail, "ID") != requestID.ReplaceAllString(w.Detail, "ID") || !g.Attribute.Equal(w.Attribute) {
					t.Errorf("diagnostic %d:\n got  %+v\n want %+v", i, g, w)
				}
			}
			if c.wantError {
				return
			}
			if got.State == nil || want.State == nil || !bytes.Equal(got.State.MsgPack, want.State.MsgPack) {
				t.Errorf("the state differs from the framework's (%d vs %d bytes)", len(got.State.MsgPack), len(want.State.MsgPack))
			}
		})
	}
}
