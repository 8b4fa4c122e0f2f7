package provider

import (
	"context"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/hashicorp/terraform-plugin-go/tfprotov6"

	"github.com/auditlog/terraform-provider-auditlog/internal/cloudsim"
)

// Terraform's interrupt (Ctrl-C) reaches the provider as StopProvider. The
// framework cancels the context of every call it answers; the reads the
// server answers directly (fast_read.go) must end as promptly, with a
// diagnostic that says the read was interrupted, not that it timed out or
// that the API failed.
func TestStopProviderInterruptsDirectReads(t *testing.T) {
	for _, tc := range []struct {
		typeName string
		config   map[string]any
	}{
		{"auditlog_cloudaudit_tracks", map[string]any{}},
		{"auditlog_ucloud_operation_events", map[string]any{}},
	} {
		t.Run(tc.typeName, func(t *testing.T) {
			ctx := context.Background()
			// An API that takes every request and answers none for 20 s.
			arrived, release := make(chan struct{}, 16), make(chan struct{})
			stalled := httptest.NewServer(http.HandlerFunc(func(_ http.ResponseWriter, r *http.Request) {
				arrived <- struct{}{}
				select {
				case <-r.Context().Done():
				case <-release:
				case <-time.After(20 * time.Second):
				}
			}))
			t.Cleanup(stalled.Close)
			t.Cleanup(func() { close(release) }) // runs first

			srv := NewProtocol6Server("test")()
			schemas, err := srv.GetProviderSchema(ctx, &tfprotov6.GetProviderSchemaRequest{})
			if err != nil {
				t.Fatal(err)
			}
			providerConfig := benchDynamicValue(t, benchNullExcept(schemas.Provider.ValueType(), map[string]any{
				"tencentcloud": map[string]any{"secret_id": cloudsim.DefaultTencentSecretID, "secret_key": cloudsim.DefaultTencentSecretKey, "endpoint": stalled.URL},
				"ucloud": map[string]any{"public_key": cloudsim.DefaultUCloudPublicKey, "private_key": cloudsim.DefaultUCloudPrivateKey,
					"project_id": cloudsim.DefaultUCloudProjectID, "base_url": stalled.URL},
				"request_timeout": "30s",
			}))
			if resp, err := srv.ConfigureProvider(ctx, &tfprotov6.ConfigureProviderRequest{TerraformVersion: "1.11.4", Config: providerConfig}); err != nil || benchDiagsError(resp.Diagnostics) != nil {
				t.Fatalf("configure: %v %v", err, benchDiagsError(resp.Diagnostics))
			}

			dsType := schemas.DataSourceSchemas[tc.typeName].ValueType()
			req := &tfprotov6.ReadDataSourceRequest{TypeName: tc.typeName, Config: benchDynamicValue(t, benchNullExcept(dsType, tc.config))}
			done := make(chan *tfprotov6.ReadDataSourceResponse, 1)
			go func() {
				resp, err := srv.ReadDataSource(ctx, req)
				if err != nil {
					t.Errorf("ReadDataSource: %v", err)
				}
				done <- resp
			}()
			select {
			case <-arrived:
			case <-time.After(10 * time.Second):
				t.Fatal("the read never called the API")
			}

			stopped := time.Now()
			if _, err := srv.StopProvider(ctx, &tfprotov6.StopProviderRequest{}); err != nil {
				t.Fatal(err)
			}
			var resp *tfprotov6.ReadDataSourceResponse
			select {
			case resp = <-done:
			case <-time.After(5 * time.Second):
				t.Fatal("the read was still running 5 s after StopProvider")
			}
			if took := time.Since(stopped); took > time.Second {
				t.Errorf("the read ended %v after StopProvider", took)
			}
			if resp == nil || resp.State != nil {
				t.Fatalf("an interrupted read returned a state: %+v", resp)
			}
			var found bool
			for _, d := range resp.Diagnostics {
				if d.Severity == tfprotov6.DiagnosticSeverityError && strings.Contains(d.Detail, "interrupted") {
					found = true
					if strings.Contains(d.Detail, "timeouts.read") || d.Attribute != nil {
						t.Errorf("an interruption reported as a timeout: %+v", d)
					}
				}
			}
			if !found {
				t.Errorf("no diagnostic says the read was interrupted: %v", benchDiagsError(resp.Diagnostics))
			}
			if s, ok := srv.(*server); ok && s.readsInProgress() != 0 {
				t.Errorf("%d reads still registered after they ended", s.readsInProgress())
			}
		})
	}
}
