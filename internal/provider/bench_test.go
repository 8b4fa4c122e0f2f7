package provider

// Micro-benchmarks of the provider's share of a large read (see
// BENCHMARKS.md; `make bench` measures the whole terraform plan):
//
//	go test -bench . -run '^$' ./internal/provider
//	go test -bench 'Value/100000' -run '^$' -cpuprofile cpu.out ./internal/provider && go tool pprof -top cpu.out
//
// BenchmarkTracksValue, BenchmarkCSIPCallRecordsValue and
// BenchmarkUCloudEventsValue convert API records into framework values at
// 1k, 10k and 100k records. BenchmarkLinearity reports ns/record at 1k and at
// 100k for each and their ratio (1 is linear). BenchmarkReadDataSource runs a
// whole ReadDataSource RPC in process (paging against the simulator,
// conversion, State.Set and the msgpack encoding of the answer), everything
// but gRPC and Terraform itself, at 1k and 10k records (and 100k with
// BENCH_READ_100K=1).

import (
	"context"
	"fmt"
	"os"
	"strconv"
	"testing"
	"time"

	"github.com/hashicorp/terraform-plugin-go/tfprotov6"
	"github.com/hashicorp/terraform-plugin-go/tftypes"

	"github.com/auditlog/terraform-provider-auditlog/internal/client"
	"github.com/auditlog/terraform-provider-auditlog/internal/cloudsim"
)

var benchSizes = []int{1_000, 10_000, 100_000}

func benchStr(s string) *string { return &s }
func benchI64(v int64) *int64   { return &v }
func benchU64(v uint64) *uint64 { return &v }
func benchBool(v bool) *bool    { return &v }

// Synthetic records, shaped like the simulator's: every field present,
// distinct strings per record (as real ones are), a few nested values.

func benchTracks(n int) []client.AuditTrack {
	names := [][]string{{"*"}, {"CreateUser", "DeleteUser", "AttachUserPolicy"}, {"PutBucketPolicy", "DeleteBucket"}}
	out := make([]client.AuditTrack, n)
	for i := range out {
		out[i] = client.AuditTrack{
			TrackId:      benchU64(uint64(1000 + i)),
			Name:         benchStr("audit-cam-" + strconv.Itoa(i)),
			ActionType:   benchStr([]string{"*", "Write", "Read"}[i%3]),
			ResourceType: benchStr("cam"),
			Status:       benchU64(uint64(i % 2)),
			EventNames:   names[i%len(names)],
			Storage: &client.AuditStorage{
				StorageType:   benchStr("cos"),
				StorageRegion: benchStr("ap-guangzhou"),
				StorageName:   benchStr("audit-logs-" + strconv.Itoa(i)),
				StoragePrefix: benchStr("cloudaudit" + strconv.Itoa(i)),
			},
			CreateTime: benchStr("2021-01-14 14:43:38"),
		}
	}
	return out
}

func benchCallRecords(n int) []client.UserCallRecord {
	out := make([]client.UserCallRecord, n)
	for i := range out {
		out[i] = client.UserCallRecord{
			SourceIP:       benchStr(fmt.Sprintf("106.55.%d.%d", i/256%256, i%256)),
			EventType:      benchI64(int64(i % 2)),
			CallCount:      benchI64(int64(1 + i%997)),
			Code:           benchI64(0),
			FirstCallTime:  benchStr("2025-03-01 08:00:00"),
			LastCallTime:   benchStr("2025-05-21 17:42:10"),
			SourceIPRemark: benchStr(""),
			Region:         benchStr("中国-广东省-广州市"),
			UserName:       benchStr("ops-automation"),
			Date:           benchStr(""),
			AppID:          benchI64(1250000000),
			ISP:            benchStr("腾讯云"),
		}
	}
	return out
}

func benchEvents(n int) []client.UserOperationEvent {
	out := make([]client.UserOperationEvent, n)
	for i := range out {
		out[i] = client.UserOperationEvent{
			Region:      benchStr("cn-bj2"),
			Api:         benchStr("DeleteUHostInstance"),
			IsSuccess:   benchBool(i%7 != 0),
			OperateTime: benchI64(1_747_000_000 - int64(i)*60),
			UserName:    benchStr("alice"),
			UserEmail:   benchStr("alice@example.com"),
			RelatedResource: []client.RelatedResource{
				{ResourceId: benchStr("uhost-" + strconv.Itoa(i)), ResourceName: benchStr("web-" + strconv.Itoa(i))},
			},
			RemoteIP:    benchStr(fmt.Sprintf("10.0.%d.%d", i/256%256, i%256)),
			AccessKeyID: benchStr("AKID" + strconv.Itoa(i%5)),
		}
	}
	return out
}

func benchCloudAuditEvents(n int) []client.CloudAuditEvent {
	out := make([]client.CloudAuditEvent, n)
	for i := range out {
		id := fmt.Sprintf("7f3c1a2e-%04x-4b6d-8e9f-%012x", i%65536, i)
		when := strconv.FormatInt(1_747_000_000-int64(i)*60, 10)
		doc := `{"eventVersion":"1.0","userIdentity":{"type":"CAMUser","principalId":"100000000011","accountId":"100000000001","userName":"alice"},` +
			`"eventTime":"` + when + `","eventSource":"cvm.tencentcloudapi.com","sourceIPAddress":"203.0.113.17","eventID":"` + id + `","eventName":"TerminateInstances"}`
		out[i] = client.CloudAuditEvent{
			EventId: benchStr(id), Username: benchStr("alice"), EventTime: benchStr(when), CloudAuditEvent: benchStr(doc),
			ResourceTypeCn: benchStr("云服务器"), ErrorCode: benchI64(0), EventName: benchStr("TerminateInstances"),
			SecretId: benchStr("AKIDa1ic3Ex4mp1eKey0000000000000011"), EventSource: benchStr("cvm.tencentcloudapi.com"),
			RequestID: benchStr(fmt.Sprintf("0c9d7e4a-%04x-4f21-a3b5-%012x", i%65536, i)), ResourceRegion: benchStr("ap-guangzhou"),
			AccountID: benchI64(100000000001), SourceIPAddress: benchStr(fmt.Sprintf("203.0.%d.%d", i/256%256, i%256)),
			EventNameCn: benchStr("退还实例"), EventRegion: benchStr("ap-guangzhou"),
			Resources: &client.EventResources{ResourceType: benchStr("cvm"), ResourceName: benchStr(fmt.Sprintf("ins-%08x", i))},
		}
	}
	return out
}

// benchConverters are the direct conversions, each with its input builder.
var benchConverters = []struct {
	name    string
	prepare func(n int) func() // returns the conversion of n records
}{
	{"tracks", func(n int) func() {
		in := benchTracks(n)
		return func() { _ = tracksValue(in) }
	}},
	{"csip", func(n int) func() {
		in := benchCallRecords(n)
		return func() { _ = csipCallRecordsValue(in) }
	}},
	{"ucloud", func(n int) func() {
		in := benchEvents(n)
		return func() { _ = ucloudEventsValue(in) }
	}},
	{"cloudaudit_events", func(n int) func() {
		in := benchCloudAuditEvents(n)
		return func() { _ = cloudAuditEventsValue(in) }
	}},
}

func benchConvert(b *testing.B, which string) {
	for _, c := range benchConverters {
		if c.name != which {
			continue
		}
		for _, n := range benchSizes {
			b.Run(strconv.Itoa(n), func(b *testing.B) {
				convert := c.prepare(n)
				b.ReportAllocs()
				b.ResetTimer()
				for b.Loop() {
					convert()
				}
				b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(b.N)/float64(n), "ns/record")
			})
		}
	}
}

func BenchmarkTracksValue(b *testing.B)           { benchConvert(b, "tracks") }
func BenchmarkCSIPCallRecordsValue(b *testing.B)  { benchConvert(b, "csip") }
func BenchmarkUCloudEventsValue(b *testing.B)     { benchConvert(b, "ucloud") }
func BenchmarkCloudAuditEventsValue(b *testing.B) { benchConvert(b, "cloudaudit_events") }

// BenchmarkLinearity converts 1,000 and 100,000 records of each kind within
// one benchmark and reports the time per record of both, and their ratio:
// linear growth keeps "ratio" near 1 (above ~1.5 something grows faster
// than the number of records).
func BenchmarkLinearity(b *testing.B) {
	for _, c := range benchConverters {
		b.Run(c.name, func(b *testing.B) {
			small, large := c.prepare(1_000), c.prepare(100_000)
			var tSmall, tLarge time.Duration
			for b.Loop() {
				t0 := time.Now()
				for range 100 { // as many records as one large conversion
					small()
				}
				t1 := time.Now()
				large()
				tSmall += t1.Sub(t0)
				tLarge += time.Since(t1)
			}
			perSmall := float64(tSmall.Nanoseconds()) / float64(b.N) / 100_000
			perLarge := float64(tLarge.Nanoseconds()) / float64(b.N) / 100_000
			b.ReportMetric(perSmall, "ns/record@1k")
			b.ReportMetric(perLarge, "ns/record@100k")
			b.ReportMetric(perLarge/perSmall, "ratio")
		})
	}
}

// ---------------------------------------------------------------- ReadDataSource

// benchNullExcept builds a value of type t, an object, that is null everywhere
// except the attributes of set: a nested map for a nested object, else a
// value tftypes.NewValue accepts for that attribute's type.
func benchNullExcept(t tftypes.Type, set map[string]any) tftypes.Value {
	obj, ok := t.(tftypes.Object)
	if !ok {
		panic(fmt.Sprintf("benchNullExcept: %s is not an object type", t))
	}
	vals := make(map[string]tftypes.Value, len(obj.AttributeTypes))
	for name, at := range obj.AttributeTypes {
		v, ok := set[name]
		nested, isMap := v.(map[string]any)
		switch {
		case !ok:
			vals[name] = tftypes.NewValue(at, nil)
		case isMap:
			vals[name] = benchNullExcept(at, nested)
		default:
			vals[name] = tftypes.NewValue(at, v)
		}
	}
	for name := range set {
		if _, ok := obj.AttributeTypes[name]; !ok {
			panic(fmt.Sprintf("benchNullExcept: no attribute %q", name))
		}
	}
	return tftypes.NewValue(t, vals)
}

func benchDynamicValue(b testing.TB, v tftypes.Value) *tfprotov6.DynamicValue {
	b.Helper()
	dv, err := tfprotov6.NewDynamicValue(v.Type(), v)
	if err != nil {
		b.Fatal(err)
	}
	return &dv
}

func benchDiagsError(diags []*tfprotov6.Diagnostic) error {
	for _, d := range diags {
		if d.Severity == tfprotov6.DiagnosticSeverityError {
			return fmt.Errorf("%s: %s", d.Summary, d.Detail)
		}
	}
	return nil
}

// BenchmarkReadDataSource reads every record of a simulator through the
// provider's protocol server, as Terraform's ReadDataSource call does. The
// provider's rate limits are raised to 1000 calls/s so that the figure is the
// provider's work, not the pacing of the CloudAudit and CSIP APIs.
func BenchmarkReadDataSource(b *testing.B) {
	cases := []struct {
		name, typeName string
		opts           func(n int) cloudsim.Options
		config         map[string]any
	}{
		{"ucloud", "auditlog_ucloud_operation_events",
			func(n int) cloudsim.Options { return cloudsim.Options{Events: n} }, nil},
		{"csip", "auditlog_csip_user_call_records",
			func(n int) cloudsim.Options { return cloudsim.Options{CallRecords: n} },
			map[string]any{"sub_uin": cloudsim.CSIPSubUins[0]}},
		{"tracks", "auditlog_cloudaudit_tracks",
			func(n int) cloudsim.Options { return cloudsim.Options{Tracks: n} },
			map[string]any{"page_size": 1000}},
		// Pages of at most 50 events, one after the other: 100,000 events
		// are 2,000 sequential calls.
		{"cloudaudit_events", "auditlog_cloudaudit_events",
			func(n int) cloudsim.Options { return cloudsim.Options{CloudAuditEvents: n} },
			map[string]any{"start_time": time.Now().Add(-29 * 24 * time.Hour).Unix(), "end_time": time.Now().Add(12 * time.Hour).Unix()}},
		// The CLS topic of the 29th tracking set holds about three in four
		// of the n events generated over 180 days: pages of 1,000 by Offset.
		{"cls_search", "auditlog_cls_search",
			func(n int) cloudsim.Options {
				return cloudsim.Options{Tracks: 29, CLS: cloudsim.CLSOptions{Events: n, Days: 180}}
			},
			map[string]any{"region": clsSimRegion, "topic_id": clsSimTopic, "query": "*", "sort": "asc",
				"from": time.Now().Add(-181 * 24 * time.Hour).Unix(), "to": time.Now().Add(-16 * time.Minute).Unix()}},
	}
	sizes := benchSizes[:2]
	if os.Getenv("BENCH_READ_100K") != "" {
		sizes = benchSizes // a 100k read takes 20 to 45 s
	}
	for _, c := range cases {
		for _, n := range sizes {
			b.Run(fmt.Sprintf("%s/%d", c.name, n), func(b *testing.B) {
				ctx := context.Background()
				sim := cloudsim.New(c.opts(n))
				url, err := sim.Start("127.0.0.1:0")
				if err != nil {
					b.Fatal(err)
				}
				defer sim.Close()
				o := sim.Options()

				server, err := NewProtocol6Server("bench")(), error(nil)
				if err != nil {
					b.Fatal(err)
				}
				schemas, err := server.GetProviderSchema(ctx, &tfprotov6.GetProviderSchemaRequest{})
				if err != nil || benchDiagsError(schemas.Diagnostics) != nil {
					b.Fatalf("schema: %v %v", err, benchDiagsError(schemas.Diagnostics))
				}
				providerConfig := benchNullExcept(schemas.Provider.ValueType(), map[string]any{
					"tencentcloud": map[string]any{
						"secret_id": o.TencentSecretID, "secret_key": o.TencentSecretKey, "endpoint": url,
						"rate_limit": 1000,
					},
					"ucloud": map[string]any{
						"public_key": o.UCloudPublicKey, "private_key": o.UCloudPrivateKey,
						"project_id": o.UCloudProjectID, "base_url": url,
					},
				})
				conf, err := server.ConfigureProvider(ctx, &tfprotov6.ConfigureProviderRequest{
					TerraformVersion: "1.11.4", Config: benchDynamicValue(b, providerConfig),
				})
				if err != nil || benchDiagsError(conf.Diagnostics) != nil {
					b.Fatalf("configure: %v %v", err, benchDiagsError(conf.Diagnostics))
				}
				dsSchema := schemas.DataSourceSchemas[c.typeName]
				if dsSchema == nil {
					b.Fatalf("no schema for %s", c.typeName)
				}
				req := &tfprotov6.ReadDataSourceRequest{
					TypeName: c.typeName,
					Config:   benchDynamicValue(b, benchNullExcept(dsSchema.ValueType(), c.config)),
				}
				read := func() int {
					resp, err := server.ReadDataSource(ctx, req)
					if err != nil {
						b.Fatal(err)
					}
					if err := benchDiagsError(resp.Diagnostics); err != nil {
						b.Fatal(err)
					}
					return len(resp.State.MsgPack)
				}
				read() // the simulator builds its data set on the first call

				b.ReportAllocs()
				b.ResetTimer()
				var stateBytes int
				for b.Loop() {
					stateBytes = read()
				}
				b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(b.N)/float64(n), "ns/record")
				b.ReportMetric(float64(stateBytes), "state-bytes")
			})
		}
	}
}
