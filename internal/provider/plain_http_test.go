package provider

import (
	"context"
	"net"
	"strings"
	"testing"

	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/types"
	"github.com/hashicorp/terraform-plugin-go/tfprotov6"

	"github.com/auditlog/terraform-provider-auditlog/internal/cloudsim"
)

// Credentials about to travel over plain HTTP to another machine draw a
// warning with every read of that cloud; HTTPS and this machine do not.
func TestPlainHTTPToAnotherHostWarns(t *testing.T) {
	cases := []struct {
		name          string
		tencent       *tencentCloudModel
		ucloudBaseURL string
		env           mapEnv
		wantTencent   bool
		wantUCloud    bool
	}{
		{name: "defaults are HTTPS"},
		{name: "loopback IPv4", tencent: &tencentCloudModel{Endpoint: types.StringValue("http://127.0.0.1:8080")}, ucloudBaseURL: "http://127.3.2.1:9000"},
		{name: "loopback IPv6", tencent: &tencentCloudModel{Endpoint: types.StringValue("http://[::1]:8080/")}, ucloudBaseURL: "http://[::1]"},
		{name: "localhost", tencent: &tencentCloudModel{Endpoint: types.StringValue("http://localhost:8080")}, ucloudBaseURL: "http://LOCALHOST:9000/"},
		{name: "HTTPS elsewhere", tencent: &tencentCloudModel{Endpoint: types.StringValue("https://10.1.2.3")}, ucloudBaseURL: "https://api.ucloud.cn"},
		{name: "HTTP elsewhere", tencent: &tencentCloudModel{Endpoint: types.StringValue("http://10.1.2.3:8080")}, ucloudBaseURL: "http://api.ucloud.cn",
			wantTencent: true, wantUCloud: true},
		{name: "protocol HTTP", tencent: &tencentCloudModel{Protocol: types.StringValue("http")}, wantTencent: true},
		{name: "from the environment", env: mapEnv{"TENCENTCLOUD_ENDPOINT": "http://192.168.1.10", "UCLOUD_API_BASE_URL": "http://192.168.1.11"},
			wantTencent: true, wantUCloud: true},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			tencent := tc.tencent
			if tencent == nil {
				tencent = &tencentCloudModel{}
			}
			tencent.SecretID, tencent.SecretKey = types.StringValue("AKIDexample"), types.StringValue("example-key")
			ucloud := &ucloudModel{PublicKey: types.StringValue("pub"), PrivateKey: types.StringValue("priv"), ProjectID: types.StringValue("org-x")}
			if tc.ucloudBaseURL != "" {
				ucloud.BaseURL = types.StringValue(tc.ucloudBaseURL)
			}
			env := tc.env
			if env == nil {
				env = mapEnv{}
			}
			data, diags := newProviderData(context.Background(), "test", providerModel{TencentCloud: tencent, UCloud: ucloud}, env)
			if diags.HasError() {
				t.Fatal(diags)
			}
			_, td := data.tencentClient()
			_, ud := data.ucloudClient()
			checkPlainHTTPWarning(t, "Tencent Cloud", td, tc.wantTencent)
			checkPlainHTTPWarning(t, "UCloud", ud, tc.wantUCloud)
		})
	}
}

func checkPlainHTTPWarning(t *testing.T, cloud string, d diag.Diagnostics, want bool) {
	t.Helper()
	if d.HasError() {
		t.Fatalf("%s: %v", cloud, d)
	}
	got := len(d) == 1 && d[0].Severity() == diag.SeverityWarning && strings.Contains(d[0].Summary(), "without encryption")
	if got != want || (!want && len(d) != 0) {
		t.Errorf("%s: diagnostics %v, want a plain HTTP warning: %v", cloud, d, want)
	}
	if got && cloud == "UCloud" && !strings.Contains(d[0].Detail(), "no timestamp") {
		t.Errorf("UCloud warning does not say why replay is possible: %s", d[0].Detail())
	}
}

// The warning reaches Terraform with the read's result: a simulator on an
// address of this machine that is not loopback stands for another host.
func TestPlainHTTPWarningReachesTheRead(t *testing.T) {
	var ip string
	addrs, _ := net.InterfaceAddrs()
	for _, a := range addrs {
		if n, ok := a.(*net.IPNet); ok && n.IP.To4() != nil && !n.IP.IsLoopback() {
			ip = n.IP.String()
			break
		}
	}
	if ip == "" {
		t.Skip("this machine has no address other than loopback")
	}
	sim := cloudsim.New(cloudsim.Options{Tracks: 2})
	url, err := sim.Start(ip + ":0")
	if err != nil {
		t.Skipf("cannot listen on %s: %v", ip, err)
	}
	t.Cleanup(func() { _ = sim.Close() })
	o := sim.Options()

	ctx := context.Background()
	server := NewProtocol6Server("test")()
	schemas, err := server.GetProviderSchema(ctx, &tfprotov6.GetProviderSchemaRequest{})
	if err != nil {
		t.Fatal(err)
	}
	config := benchDynamicValue(t, benchNullExcept(schemas.Provider.ValueType(), map[string]any{
		"tencentcloud": map[string]any{"secret_id": o.TencentSecretID, "secret_key": o.TencentSecretKey, "endpoint": url},
	}))
	if resp, err := server.ConfigureProvider(ctx, &tfprotov6.ConfigureProviderRequest{TerraformVersion: "1.11.4", Config: config}); err != nil || benchDiagsError(resp.Diagnostics) != nil {
		t.Fatalf("configure: %v %v", err, benchDiagsError(resp.Diagnostics))
	}
	typeName := "auditlog_cloudaudit_tracks"
	got, err := server.ReadDataSource(ctx, &tfprotov6.ReadDataSourceRequest{
		TypeName: typeName, Config: benchDynamicValue(t, benchNullExcept(schemas.DataSourceSchemas[typeName].ValueType(), nil)),
	})
	if err != nil || benchDiagsError(got.Diagnostics) != nil || got.State == nil {
		t.Fatalf("read: %v %v", err, benchDiagsError(got.Diagnostics))
	}
	if len(got.Diagnostics) != 1 || got.Diagnostics[0].Severity != tfprotov6.DiagnosticSeverityWarning ||
		!strings.Contains(got.Diagnostics[0].Detail, ip) {
		t.Errorf("diagnostics %+v, want one warning naming %s", got.Diagnostics, ip)
	}
}
