package provider

import (
	"context"
	"go/ast"
	"go/parser"
	"go/token"
	"os/exec"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"testing"

	"github.com/hashicorp/terraform-plugin-framework/datasource"
	dsschema "github.com/hashicorp/terraform-plugin-framework/datasource/schema"
	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/path"
	"github.com/hashicorp/terraform-plugin-framework/provider"
	pschema "github.com/hashicorp/terraform-plugin-framework/provider/schema"
	"github.com/hashicorp/terraform-plugin-framework/schema/validator"
	"github.com/hashicorp/terraform-plugin-framework/types"
)

// runStringValidators runs validators on value as the attribute at p.
func runStringValidators(validators []validator.String, p path.Path, value string) diag.Diagnostics {
	var d diag.Diagnostics
	for _, v := range validators {
		resp := &validator.StringResponse{}
		v.ValidateString(context.Background(), validator.StringRequest{Path: p, ConfigValue: types.StringValue(value)}, resp)
		d.Append(resp.Diagnostics...)
	}
	return d
}

// checkRegionWarning asserts that d is one warning naming the attribute
// and the region, and no error: new regions appear before the SDK lists them.
func checkRegionWarning(t *testing.T, name string, d diag.Diagnostics, names ...string) {
	t.Helper()
	if d.HasError() || d.WarningsCount() != 1 {
		t.Errorf("%s: %v, want one warning and no error", name, d)
		return
	}
	for _, want := range names {
		if !strings.Contains(d[0].Detail(), want) {
			t.Errorf("%s: %q does not name %s", name, d[0].Detail(), want)
		}
	}
}

// A region typo on every Tencent data source, the provider block and an
// account block is a plan-time warning naming the attribute; a listed
// region passes without one.
func TestRegionOutsideSDKListWarns(t *testing.T) {
	seen := 0
	for _, newDS := range New("test")().DataSources(context.Background()) {
		ds := newDS()
		var meta datasource.MetadataResponse
		ds.Metadata(context.Background(), datasource.MetadataRequest{ProviderTypeName: "auditlog"}, &meta)
		var resp datasource.SchemaResponse
		ds.Schema(context.Background(), datasource.SchemaRequest{}, &resp)
		attr, ok := resp.Schema.Attributes["region"].(dsschema.StringAttribute)
		if !ok || !attr.Optional {
			continue
		}
		seen++
		checkRegionWarning(t, meta.TypeName, runStringValidators(attr.Validators, path.Root("region"), "ap-guangzou"), "region", "ap-guangzou")
		if d := runStringValidators(attr.Validators, path.Root("region"), "ap-guangzhou"); len(d) != 0 {
			t.Errorf("%s: ap-guangzhou: %v", meta.TypeName, d)
		}
	}
	if seen < 4 {
		t.Errorf("only %d data sources take a region; the Tencent ones all do", seen)
	}

	var presp provider.SchemaResponse
	New("test")().Schema(context.Background(), provider.SchemaRequest{}, &presp)
	tc, ok1 := presp.Schema.Blocks["tencentcloud"].(pschema.SingleNestedBlock)
	region, ok2 := tc.Attributes["region"].(pschema.StringAttribute)
	accounts, ok3 := tc.Blocks["account"].(pschema.ListNestedBlock)
	account, ok4 := accounts.NestedObject.Attributes["region"].(pschema.StringAttribute)
	if !ok1 || !ok2 || !ok3 || !ok4 {
		t.Fatal("the provider schema has no tencentcloud.region or tencentcloud.account.region string attribute")
	}
	checkRegionWarning(t, "provider", runStringValidators(region.Validators, path.Root("tencentcloud").AtName("region"), "ap-guangzou"), "tencentcloud.region", "ap-guangzou")
	checkRegionWarning(t, "account", runStringValidators(account.Validators, path.Root("tencentcloud").AtName("account").AtListIndex(0).AtName("region"), "eu-frankfrut"), "eu-frankfrut")
}

// A region typo in TENCENTCLOUD_REGION or the tccli profile is warned of
// with every read of Tencent Cloud, naming where it was set.
func TestProviderRegionOutsideSDKListFromEnvironmentAndProfile(t *testing.T) {
	keys := mapEnv{"TENCENTCLOUD_SECRET_ID": "AKID", "TENCENTCLOUD_SECRET_KEY": "k", "TENCENTCLOUD_REGION": "ap-singapur"}
	data, _ := newProviderData(context.Background(), "test", providerModel{TencentCloud: &tencentCloudModel{SharedCredentialsDir: types.StringValue(t.TempDir())}}, keys)
	_, d := data.tencentClient()
	checkRegionWarning(t, "environment", d, "TENCENTCLOUD_REGION", "ap-singapur")

	dir := t.TempDir()
	writeTccliProfile(t, dir, "default", "AKIDfile", "file-key", "ap-shangai")
	data, _ = newProviderData(context.Background(), "test", providerModel{TencentCloud: &tencentCloudModel{SharedCredentialsDir: types.StringValue(dir)}}, mapEnv{})
	_, d = data.tencentClient()
	checkRegionWarning(t, "profile", d, filepath.Join(dir, "default.configure"), "ap-shangai")

	data, _ = newProviderData(context.Background(), "test", providerModel{TencentCloud: &tencentCloudModel{SharedCredentialsDir: types.StringValue(t.TempDir())}},
		mapEnv{"TENCENTCLOUD_SECRET_ID": "AKID", "TENCENTCLOUD_SECRET_KEY": "k", "TENCENTCLOUD_REGION": "ap-singapore"})
	if _, d := data.tencentClient(); len(d) != 0 {
		t.Errorf("listed region: %v", d)
	}
}

// sdkRegions holds every region constant of the SDK's regions package, so
// an upgrade of the module that adds a region fails here until the list
// names it too.
func TestSDKRegionsListsEveryConstant(t *testing.T) {
	out, err := exec.Command("go", "list", "-f", "{{.Dir}}", "github.com/tencentcloud/tencentcloud-sdk-go/tencentcloud/common/regions").Output()
	if err != nil {
		t.Fatalf("locating the regions package: %v", err)
	}
	files, err := filepath.Glob(filepath.Join(strings.TrimSpace(string(out)), "*.go"))
	if err != nil {
		t.Fatal(err)
	}
	var consts []string
	for _, file := range files {
		f, err := parser.ParseFile(token.NewFileSet(), file, nil, 0)
		if err != nil {
			t.Fatal(err)
		}
		ast.Inspect(f, func(n ast.Node) bool {
			if lit, ok := n.(*ast.BasicLit); ok && lit.Kind == token.STRING {
				s, _ := strconv.Unquote(lit.Value)
				consts = append(consts, s)
			}
			return true
		})
	}
	if len(consts) == 0 {
		t.Fatal("no region constants found in the SDK's regions package")
	}
	slices.Sort(consts)
	listed := slices.Clone(sdkRegions)
	slices.Sort(listed)
	if !slices.Equal(consts, listed) {
		t.Errorf("sdkRegions %v, the SDK's constants %v", listed, consts)
	}
}
