package provider

import (
	"context"
	"fmt"
	"reflect"
	"sort"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/hashicorp/terraform-plugin-framework/datasource"
	"github.com/hashicorp/terraform-plugin-framework/datasource/schema"
	"github.com/hashicorp/terraform-plugin-go/tfprotov6"
	"github.com/hashicorp/terraform-plugin-go/tftypes"

	"github.com/auditlog/terraform-provider-auditlog/internal/cloudsim"
)

// Every data source the provider serves has the evidence attribute, with
// the same attributes, types and descriptions: policies read it by name
// from every data source alike.
func TestEvidenceOnEveryDataSource(t *testing.T) {
	ctx := context.Background()
	p := &auditlogProvider{version: "test"}
	want := evidenceSchema()
	wantNames := make([]string, 0, len(evidenceAttrTypes))
	for name := range evidenceAttrTypes {
		wantNames = append(wantNames, name)
	}
	sort.Strings(wantNames)

	seen := 0
	var first *schema.SingleNestedAttribute
	var firstName string
	for _, newDS := range p.DataSources(ctx) {
		ds := newDS()
		var meta datasource.MetadataResponse
		ds.Metadata(ctx, datasource.MetadataRequest{ProviderTypeName: "auditlog"}, &meta)
		var resp datasource.SchemaResponse
		ds.Schema(ctx, datasource.SchemaRequest{}, &resp)
		if resp.Diagnostics.HasError() {
			t.Fatalf("%s: schema: %v", meta.TypeName, resp.Diagnostics)
		}
		seen++
		attr, ok := resp.Schema.Attributes[evidenceAttrName]
		if !ok {
			t.Errorf("%s has no %s attribute", meta.TypeName, evidenceAttrName)
			continue
		}
		ev, ok := attr.(schema.SingleNestedAttribute)
		if !ok {
			t.Errorf("%s.%s is a %T, want a single nested attribute", meta.TypeName, evidenceAttrName, attr)
			continue
		}
		if !ev.Computed || ev.Optional || ev.Required {
			t.Errorf("%s.%s must be computed only", meta.TypeName, evidenceAttrName)
		}
		names := make([]string, 0, len(ev.Attributes))
		for name, a := range ev.Attributes {
			names = append(names, name)
			if !a.IsComputed() || a.IsOptional() || a.IsRequired() {
				t.Errorf("%s.%s.%s must be computed only", meta.TypeName, evidenceAttrName, name)
			}
			if want, ok := evidenceAttrTypes[name]; !ok || !a.GetType().Equal(want) {
				t.Errorf("%s.%s.%s has type %v, want %v", meta.TypeName, evidenceAttrName, name, a.GetType(), want)
			}
			if strings.TrimSpace(a.GetMarkdownDescription()) == "" {
				t.Errorf("%s.%s.%s has no description", meta.TypeName, evidenceAttrName, name)
			}
		}
		sort.Strings(names)
		if !reflect.DeepEqual(names, wantNames) {
			t.Errorf("%s.%s has attributes %v, want %v", meta.TypeName, evidenceAttrName, names, wantNames)
		}
		// The same declaration, descriptions included, everywhere.
		if !reflect.DeepEqual(ev, want) {
			t.Errorf("%s.%s differs from the shared declaration (evidenceSchema)", meta.TypeName, evidenceAttrName)
		}
		if first == nil {
			first, firstName = &ev, meta.TypeName
		} else if !reflect.DeepEqual(ev, *first) {
			t.Errorf("%s.%s differs from %s.%s", meta.TypeName, evidenceAttrName, firstName, evidenceAttrName)
		}
		if !strings.Contains(resp.Schema.MarkdownDescription, "**Evidence.**") {
			t.Errorf("%s's description does not say which arguments narrow its evidence (**Evidence.**)", meta.TypeName)
		}
	}
	if seen != 10 {
		t.Errorf("the provider has %d data sources, want 10", seen)
	}
}

// The value every read builds has the attribute's type, lists narrowed_by
// sorted and once each, empty (not null) when nothing narrows, and turns
// what does not apply into null.
func TestEvidenceValue(t *testing.T) {
	wantType := evidenceSchema().GetType().TerraformType(context.Background())
	start := int64(1700000000)
	ev := evidence{complete: true, records: 3, windowStart: &start, region: "ap-guangzhou"}
	ev.narrow("next_token", true)
	ev.narrow("max_items", true)
	ev.narrow("next_token", true)
	ev.narrow("resource_id", false)
	v := ev.value()
	if !v.Type().Equal(wantType) {
		t.Fatalf("value type %v, want %v", v.Type(), wantType)
	}
	got := tfObject(t, v)
	var narrowed []string
	for _, e := range tfList(t, got["narrowed_by"]) {
		var s string
		if err := e.As(&s); err != nil {
			t.Fatal(err)
		}
		narrowed = append(narrowed, s)
	}
	if !reflect.DeepEqual(narrowed, []string{"max_items", "next_token"}) {
		t.Errorf("narrowed_by %v, want [max_items next_token]", narrowed)
	}
	for _, name := range []string{"window_end", "account_id", "principal_arn", "project_id"} {
		if !got[name].IsNull() {
			t.Errorf("%s is %v, want null", name, got[name])
		}
	}
	for name, want := range map[string]tftypes.Value{
		"complete": tftypes.NewValue(tftypes.Bool, true), "records": tfInt(3), "window_start": tfInt(start),
		"window_chosen_by_api": tftypes.NewValue(tftypes.Bool, false), "region": tfString("ap-guangzhou"),
		// Without a selection, every record scanned is returned.
		"scanned": tfInt(3), "selection": tftypes.NewValue(selectionTFType, nil),
	} {
		if !got[name].Equal(want) {
			t.Errorf("%s is %v, want %v", name, got[name], want)
		}
	}

	empty := tfObject(t, evidence{}.value())
	if empty["narrowed_by"].IsNull() || len(tfList(t, empty["narrowed_by"])) != 0 {
		t.Errorf("narrowed_by of a read nothing narrows is %v, want an empty list", empty["narrowed_by"])
	}
	if empty["complete"].IsNull() || empty["window_chosen_by_api"].IsNull() {
		t.Error("complete and window_chosen_by_api must never be null")
	}
}

// The identity is learned once per provider instance, however many reads
// need it at once; refused, it is asked for once too, and every read
// succeeds without it. Run under -race.
func TestEvidenceIdentityOncePerProvider(t *testing.T) {
	for _, refuse := range []string{"", "UnauthorizedOperation"} {
		t.Run("refused="+refuse, func(t *testing.T) {
			ctx := context.Background()
			sim := startSim(t, cloudsim.Options{RefuseCallerIdentity: refuse})
			o := sim.Options()
			server := NewProtocol6Server("test")()
			schemas, err := server.GetProviderSchema(ctx, &tfprotov6.GetProviderSchemaRequest{})
			if err != nil {
				t.Fatal(err)
			}
			providerConfig := benchDynamicValue(t, benchNullExcept(schemas.Provider.ValueType(), map[string]any{
				"tencentcloud": map[string]any{"secret_id": o.TencentSecretID, "secret_key": o.TencentSecretKey, "endpoint": sim.URL},
			}))
			if resp, err := server.ConfigureProvider(ctx, &tfprotov6.ConfigureProviderRequest{TerraformVersion: "1.11.4", Config: providerConfig}); err != nil ||
				benchDiagsError(resp.Diagnostics) != nil {
				t.Fatalf("configure: %v %v", err, benchDiagsError(resp.Diagnostics))
			}
			reads := []struct {
				typeName string
				config   map[string]any
			}{
				{"auditlog_cloudaudit_tracks", map[string]any{}},
				{"auditlog_cloudaudit_track", map[string]any{"track_id": 1001}},
				{"auditlog_csip_user_call_records", map[string]any{"sub_uin": cloudsim.CSIPSubUins[0]}},
				{"auditlog_cloudaudit_events", map[string]any{"start_time": time.Now().Add(-24 * time.Hour).Unix(), "end_time": time.Now().Unix()}},
			}
			configs := make([]*tfprotov6.DynamicValue, len(reads))
			for i, r := range reads {
				configs[i] = benchDynamicValue(t, benchNullExcept(schemas.DataSourceSchemas[r.typeName].ValueType(), r.config))
			}
			const rounds = 3
			var wg sync.WaitGroup
			accounts := make([]tftypes.Value, rounds*len(reads))
			errs := make([]error, len(accounts))
			for i := range accounts {
				wg.Add(1)
				go func() {
					defer wg.Done()
					r := reads[i%len(reads)]
					typ := schemas.DataSourceSchemas[r.typeName].ValueType()
					resp, err := server.ReadDataSource(ctx, &tfprotov6.ReadDataSourceRequest{TypeName: r.typeName, Config: configs[i%len(reads)]})
					if err == nil {
						err = benchDiagsError(resp.Diagnostics)
					}
					if err != nil {
						errs[i] = fmt.Errorf("%s: %w", r.typeName, err)
						return
					}
					state, err := resp.State.Unmarshal(typ)
					if err != nil {
						errs[i] = err
						return
					}
					var attrs map[string]tftypes.Value
					if err := state.As(&attrs); err != nil {
						errs[i] = err
						return
					}
					var ev map[string]tftypes.Value
					if err := attrs[evidenceAttrName].As(&ev); err != nil {
						errs[i] = err
						return
					}
					accounts[i] = ev["account_id"]
				}()
			}
			wg.Wait()
			want := tfString(cloudsim.DefaultTencentOwnerUin)
			if refuse != "" {
				want = tfNullString
			}
			for i := range accounts {
				if errs[i] != nil {
					t.Fatalf("read %d: %v", i, errs[i])
				}
				if !accounts[i].Equal(want) {
					t.Errorf("read %d (%s): account_id %v, want %v", i, reads[i%len(reads)].typeName, accounts[i], want)
				}
			}
			if n := sim.CallCount("GetCallerIdentity"); n != 1 {
				t.Errorf("GetCallerIdentity called %d times for %d reads of one provider instance, want 1", n, len(accounts))
			}
		})
	}
}
