package provider

import (
	"context"
	"fmt"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/knownvalue"
	"github.com/hashicorp/terraform-plugin-testing/statecheck"
	"github.com/hashicorp/terraform-plugin-testing/tfjsonpath"

	"github.com/auditlog/terraform-provider-auditlog/internal/cloudsim"
)

// faultSource is one data source under the fault matrix: how to configure
// it, and what an exact, complete read of the simulator looks like.
type faultSource struct {
	name    string
	tencent bool
	action  string
	opts    cloudsim.Options
	config  string
	// pageCap is the page size the "silent page cap" row caps the action
	// at: below the page size the configuration asks for.
	pageCap int
	// tokenPaged marks a Tencent API paged by token, like UCloud's: the
	// token rows apply to it, the insertion rows do not.
	tokenPaged bool
	// success checks the state of a complete read; inserted is the number
	// of records an "insert" fault added.
	success func(sim *testSim, inserted int) []statecheck.StateCheck
}

const faultSubUin = "100021372635"

// faultEventsWindow covers the simulator's CloudAudit events (the 28 days
// before it starts) for any simulator started within 12 hours, inside the
// API's 30-day span.
var faultEventsWindow = fmt.Sprintf("start_time = %d\n  end_time = %d",
	time.Now().Add(-29*24*time.Hour).Unix(), time.Now().Add(12*time.Hour).Unix())

var faultSources = []faultSource{
	{
		name: "cloudaudit_tracks", tencent: true, action: "DescribeAuditTracks",
		opts:    cloudsim.Options{Tracks: 45},
		config:  `data "auditlog_cloudaudit_tracks" "test" { page_size = 10 }`, // 5 pages
		pageCap: 4,
		success: func(_ *testSim, inserted int) []statecheck.StateCheck {
			n := 45 + inserted
			// Every tracking set once, in API order (inserted ones come last).
			ids := make([]knownvalue.Check, n)
			for i := range ids {
				ids[i] = knownvalue.ObjectPartial(map[string]knownvalue.Check{"track_id": knownvalue.Int64Exact(int64(1000 + i))})
			}
			return []statecheck.StateCheck{
				tracksCheck(tfjsonpath.New("total_count"), knownvalue.Int64Exact(int64(n))),
				tracksCheck(tfjsonpath.New("tracks"), knownvalue.ListExact(ids)),
			}
		},
	},
	{
		name: "csip_user_call_records", tencent: true, action: "DescribeUserCallRecord",
		opts:    cloudsim.Options{CallRecords: 250},
		config:  fmt.Sprintf(`data "auditlog_csip_user_call_records" "test" { sub_uin = %q }`, faultSubUin), // 3 pages of 100
		pageCap: 50,
		success: func(sim *testSim, inserted int) []statecheck.StateCheck {
			addr := "data.auditlog_csip_user_call_records.test"
			checks := []statecheck.StateCheck{
				statecheck.ExpectKnownValue(addr, tfjsonpath.New("total"), knownvalue.Int64Exact(int64(250+inserted))),
				statecheck.ExpectKnownValue(addr, tfjsonpath.New("data"), knownvalue.ListSizeExact(250+inserted)),
			}
			// Inserted records sort among the others: the order of the
			// original data set is only known when nothing was inserted.
			if inserted == 0 {
				// Every record once, in API order.
				want := sim.CSIPCallRecords(faultSubUin)
				records := make([]knownvalue.Check, len(want))
				for i, r := range want {
					records[i] = knownvalue.ObjectPartial(map[string]knownvalue.Check{
						"source_ip": knownvalue.StringExact(r.SourceIP), "last_call_time": knownvalue.StringExact(r.LastCallTime),
						"call_count": knownvalue.Int64Exact(r.CallCount), "user_name": knownvalue.StringExact(r.UserName),
					})
				}
				checks = append(checks, statecheck.ExpectKnownValue(addr, tfjsonpath.New("data"), knownvalue.ListExact(records)))
			}
			return checks
		},
	},
	{
		name: "cloudaudit_events", tencent: true, tokenPaged: true, action: "DescribeEvents",
		pageCap: 20,
		opts:    cloudsim.Options{CloudAuditEvents: 120},
		config:  "data \"auditlog_cloudaudit_events\" \"test\" {\n  " + faultEventsWindow + "\n  max_results = 50\n}", // 3 pages
		success: func(sim *testSim, _ int) []statecheck.StateCheck {
			want := sim.CloudAuditEvents()
			addr := "data.auditlog_cloudaudit_events.test"
			return []statecheck.StateCheck{
				statecheck.ExpectKnownValue(addr, tfjsonpath.New("events"), knownvalue.ListSizeExact(120)),
				statecheck.ExpectKnownValue(addr, tfjsonpath.New("events").AtSliceIndex(0).AtMapKey("event_id"), knownvalue.StringExact(want[0].EventId)),
				statecheck.ExpectKnownValue(addr, tfjsonpath.New("events").AtSliceIndex(119).AtMapKey("event_id"), knownvalue.StringExact(want[119].EventId)),
				statecheck.ExpectKnownValue(addr, tfjsonpath.New("list_over"), knownvalue.Bool(true)),
				statecheck.ExpectKnownValue(addr, tfjsonpath.New("resume_token"), knownvalue.Null()),
			}
		},
	},
	{
		name: "ucloud_operation_events", action: "GetUserOperationEvents",
		opts:    cloudsim.Options{Events: 120},
		config:  `data "auditlog_ucloud_operation_events" "test" { max_results = 50 }`, // 3 pages
		pageCap: 20,
		success: func(sim *testSim, _ int) []statecheck.StateCheck {
			want := sim.UCloudEvents()
			addr := "data.auditlog_ucloud_operation_events.test"
			return []statecheck.StateCheck{
				statecheck.ExpectKnownValue(addr, tfjsonpath.New("events"), ucloudEventsExact(want)),
				statecheck.ExpectKnownValue(addr, tfjsonpath.New("resume_token"), knownvalue.Null()),
				statecheck.ExpectKnownValue(addr, tfjsonpath.New("evidence").AtMapKey("complete"), knownvalue.Bool(true)),
			}
		},
	},
}

// faultCase is one row of the matrix. Codes and outcomes may differ per
// cloud; an empty expectation means the fault does not apply to that cloud,
// and notApplicable says why.
type faultCase struct {
	name         string
	fault        cloudsim.Fault
	tencentCode  string // Fault.Code for Tencent
	ucloudCode   string // Fault.Code for UCloud
	maxRetries   int
	timeout      string // request_timeout
	inserted     int    // records the fault adds before a consistent re-read
	tencentError string // regex; "" means success with exact data
	ucloudError  string
	skipTencent  string // reason the fault does not apply
	skipUCloud   string
	// pageCap caps the action's pages silently at the source's pageCap
	// (Server.CapPageSize) instead of injecting fault.
	pageCap bool
	// sourceError overrides the expected error for one data source (by its
	// name; "" means success with exact data), sourceSkip the reason a case
	// does not apply to it.
	sourceError, sourceSkip map[string]string
	// notRetried marks a failure a retry cannot change: no faulted request
	// may be repeated.
	notRetried bool
}

// Data sources by the way they page, for the rows that concern only some.
var (
	tokenPagedSkip = map[string]string{"cloudaudit_events": "token-paged API", "ucloud_operation_events": "token-paged API"}
	csipOnlySkip   = map[string]string{"cloudaudit_tracks": "page-number API: its pages cannot overlap (DESIGN.md)",
		"cloudaudit_events": "token-paged API", "ucloud_operation_events": "token-paged API"}
)

// The page that failed is page 2: faults skip the first request (After: 1).
var faultCases = []faultCase{
	{name: "throttled twice", fault: cloudsim.Fault{Kind: cloudsim.FaultThrottle, After: 1, Times: 2}},
	{name: "throttled (UinLimitExceeded)", fault: cloudsim.Fault{Kind: cloudsim.FaultThrottle, After: 1, Times: 1},
		tencentCode: "RequestLimitExceeded.UinLimitExceeded", skipUCloud: "Tencent-only code"},
	{name: "throttled (IPLimitExceeded)", fault: cloudsim.Fault{Kind: cloudsim.FaultThrottle, After: 1, Times: 1},
		tencentCode: "RequestLimitExceeded.IPLimitExceeded", skipUCloud: "Tencent-only code"},
	{name: "throttled (GlobalRegionUinLimitExceeded)", fault: cloudsim.Fault{Kind: cloudsim.FaultThrottle, After: 1, Times: 1},
		tencentCode: "RequestLimitExceeded.GlobalRegionUinLimitExceeded", skipUCloud: "Tencent-only code"},
	{name: "internal error", fault: cloudsim.Fault{Kind: cloudsim.FaultAPIError, After: 1, Times: 2},
		tencentCode: "InternalError", ucloudCode: "150"},
	{name: "resource unavailable / gateway failure", fault: cloudsim.Fault{Kind: cloudsim.FaultAPIError, After: 1, Times: 1},
		tencentCode: "ResourceUnavailable", ucloudCode: "130"},
	{name: "API timeout (RetCode 110)", fault: cloudsim.Fault{Kind: cloudsim.FaultAPIError, After: 1, Times: 1},
		ucloudCode: "110", skipTencent: "UCloud-only code"},
	{name: "HTTP 502", fault: cloudsim.Fault{Kind: cloudsim.FaultHTTPStatus, HTTPStatus: 502, After: 1, Times: 1}},
	{name: "HTTP 503", fault: cloudsim.Fault{Kind: cloudsim.FaultHTTPStatus, HTTPStatus: 503, After: 1, Times: 1}},
	{name: "HTTP 504", fault: cloudsim.Fault{Kind: cloudsim.FaultHTTPStatus, HTTPStatus: 504, After: 1, Times: 1}},
	{name: "slow answer past request_timeout, once", fault: cloudsim.Fault{Kind: cloudsim.FaultSlow, Delay: 3 * time.Second, After: 1, Times: 1}, timeout: "1s"},
	{name: "slow answers past request_timeout, always", fault: cloudsim.Fault{Kind: cloudsim.FaultSlow, Delay: 3 * time.Second, After: 1}, timeout: "1s", maxRetries: 1,
		tencentError: `(?s)page\s+2.*ClientError\.NetworkError:\s+request\s+timed\s+out`, ucloudError: `(?s)page\s+2.*(timed\s+out|deadline|Timeout)`},
	{name: "connection reset", fault: cloudsim.Fault{Kind: cloudsim.FaultReset, After: 1, Times: 1}},
	{name: "truncated JSON", fault: cloudsim.Fault{Kind: cloudsim.FaultTruncate, After: 1, Times: 1}},
	{name: "malformed JSON", fault: cloudsim.Fault{Kind: cloudsim.FaultMalformed, After: 1, Times: 1}},
	{name: "RetCode as a string", fault: cloudsim.Fault{Kind: cloudsim.FaultStringRetCode}, skipTencent: "UCloud envelope only"},
	{name: "expired STS token", fault: cloudsim.Fault{Kind: cloudsim.FaultExpireTokens, After: 1, Times: 1},
		skipUCloud: "the provider takes no UCloud STS credentials"},
	{name: "clock skew of 10 minutes", fault: cloudsim.Fault{Kind: cloudsim.FaultClockSkew, Delay: 10 * time.Minute},
		tencentError: `(?s)AuthFailure\.SignatureExpire.*RequestId:\s+[0-9a-f-]{36}`},
	{name: "records inserted between pages, once", fault: cloudsim.Fault{Kind: cloudsim.FaultInsertRecords, Records: 3, After: 1, Times: 1}, inserted: 3,
		skipUCloud: "tokens freeze the query window; not simulated"},
	{name: "records inserted on every page", fault: cloudsim.Fault{Kind: cloudsim.FaultInsertRecords, Records: 1, After: 1},
		tencentError: `(?s)changed\s+from.*second\s+read\s+saw\s+it\s+change\s+again`, skipUCloud: "tokens freeze the query window; not simulated"},
	{name: "repeated NextToken", fault: cloudsim.Fault{Kind: cloudsim.FaultRepeatToken, After: 1, Times: 1},
		ucloudError: `(?s)page\s+2\s+returned\s+a\s+NextToken\s+already\s+returned`, skipTencent: "offset-paged API"},
	{name: "empty page with a NextToken", fault: cloudsim.Fault{Kind: cloudsim.FaultEmptyPage, After: 1, Times: 1},
		skipTencent: "offset-paged API"},
	{name: "silent page cap (4 tracks, 50 records, 20 events)", pageCap: true},
	{name: "pages ignore Offset / PageNumber", fault: cloudsim.Fault{Kind: cloudsim.FaultIgnoreOffset, After: 1}, sourceSkip: tokenPagedSkip,
		sourceError: map[string]string{
			// Page 5 of 10 is page 1 again: 10 where 5 are left.
			"cloudaudit_tracks":      `(?s)page\s+5.*held\s+10,\s+but\s+the\s+total\s+of\s+45\s+leaves\s+room\s+for\s+5.*second\s+read\s+was\s+inconsistent\s+too`,
			"csip_user_call_records": `(?s)page\s+2.*the\s+API\s+ignores\s+Offset`,
		}},
	{name: "records shift down once between pages", fault: cloudsim.Fault{Kind: cloudsim.FaultShiftDown, After: 1, Times: 1}, sourceSkip: csipOnlySkip},
	{name: "records shift down on every page", fault: cloudsim.Fault{Kind: cloudsim.FaultShiftDown, After: 1}, sourceSkip: csipOnlySkip,
		tencentError: `(?s)page\s+\d+.*shifting\s+the\s+pages.*second\s+read\s+was\s+inconsistent\s+too`},
	{name: "records shift up once between pages", fault: cloudsim.Fault{Kind: cloudsim.FaultShiftUp, After: 1, Times: 1}, sourceSkip: csipOnlySkip},
	{name: "records shift up on every page", fault: cloudsim.Fault{Kind: cloudsim.FaultShiftUp, After: 1}, sourceSkip: csipOnlySkip,
		tencentError: `(?s)page\s+\d+.*shifting\s+the\s+pages.*second\s+read\s+was\s+inconsistent\s+too`},
	{name: "total below what the pages hold", fault: cloudsim.Fault{Kind: cloudsim.FaultUnderstateTotal, Records: 7}, sourceSkip: tokenPagedSkip,
		tencentError: `(?s)held\s+\d+,\s+but\s+the\s+total\s+of\s+\d+\s+leaves\s+room\s+for\s+\d+.*second\s+read\s+was\s+inconsistent\s+too`},
	{name: "answer without its list", fault: cloudsim.Fault{Kind: cloudsim.FaultNoList, After: 1}, notRetried: true,
		tencentError: `(?s)page\s+2.*no\s+"(Data|Tracks|Events)"\s+field.*RequestId:\s+[0-9a-f-]{36}`,
		ucloudError:  `(?s)page\s+2.*no\s+"Events"\s+field.*RequestId:\s+[0-9a-f-]{36}`},
	{name: "answer without its total", fault: cloudsim.Fault{Kind: cloudsim.FaultNoTotal, After: 1}, notRetried: true, sourceSkip: tokenPagedSkip,
		tencentError: `(?s)page\s+2\s+of.*carries\s+no\s+total.*RequestId:\s+[0-9a-f-]{36}`},
	{name: "Error without a Code", fault: cloudsim.Fault{Kind: cloudsim.FaultErrorWithoutCode, After: 1}, notRetried: true, skipUCloud: "Tencent envelope only",
		tencentError: `(?s)page\s+2.*ClientError\.ErrorWithoutCode.*internal\s+failure,\s+results\s+incomplete.*RequestId:\s+[0-9a-f-]{36}`},
	{name: "repeated keys in the answer", fault: cloudsim.Fault{Kind: cloudsim.FaultDuplicateKey, After: 1}, notRetried: true,
		tencentError: `(?s)page\s+2.*duplicate\s+key\s+"(Data|Tracks|Events)"\s+in\s+Response.*RequestId:\s+[0-9a-f-]{36}`,
		ucloudError:  `(?s)page\s+2.*duplicate\s+key\s+"Events"\s+in\s+the\s+top-level\s+object.*RequestId:\s+[0-9a-f-]{36}`},
	{name: "throttled on every retry", fault: cloudsim.Fault{Kind: cloudsim.FaultThrottle, After: 1}, maxRetries: 1,
		tencentError: `(?s)reading\s+page\s+2.*RequestLimitExceeded:.*RequestId:\s+[0-9a-f-]{36}`,
		ucloudError:  `(?s)page\s+2.*RetCode\s+153.*Request\s+too\s+frequent.*RequestId:\s+[0-9a-f-]{36}`},
	{name: "permission denied mid-read (not retried)", fault: cloudsim.Fault{Kind: cloudsim.FaultAPIError, After: 1},
		tencentCode: "UnauthorizedOperation", ucloudCode: "299",
		tencentError: `(?s)page\s+2.*UnauthorizedOperation.*RequestId:\s+[0-9a-f-]{36}`,
		ucloudError:  `(?s)page\s+2.*RetCode\s+299.*RequestId:\s+[0-9a-f-]{36}`},
}

// TestAccFaultMatrix reads every data source through every injected fault
// with the real terraform binary, and checks the outcome: the exact data the
// simulator holds, or an error naming the code, the RequestId and the page.
func TestAccFaultMatrix(t *testing.T) {
	for _, fc := range faultCases {
		for _, src := range faultSources {
			t.Run(fc.name+"/"+src.name, func(t *testing.T) {
				skip, code, wantErr := fc.skipUCloud, fc.ucloudCode, fc.ucloudError
				if src.tencent {
					skip, code, wantErr = fc.skipTencent, fc.tencentCode, fc.tencentError
				}
				if src.tokenPaged {
					switch fc.fault.Kind {
					case cloudsim.FaultInsertRecords:
						skip = "tokens freeze the query window; not simulated"
					case cloudsim.FaultRepeatToken:
						skip, wantErr = "", fc.ucloudError
					case cloudsim.FaultEmptyPage:
						skip = "not simulated for DescribeEvents"
					}
				}
				if why, ok := fc.sourceSkip[src.name]; ok {
					skip = why
				}
				if want, ok := fc.sourceError[src.name]; ok {
					wantErr = want
				}
				if skip != "" {
					t.Logf("MATRIX | %s | %s | n/a: %s", fc.name, src.name, skip)
					t.Skip(skip)
				}
				if fc.name == "clock skew of 10 minutes" && !src.tencent {
					wantErr = "" // UCloud signatures carry no timestamp: skew is harmless
				}

				sim := startSim(t, src.opts)
				if fc.pageCap {
					sim.CapPageSize(src.action, src.pageCap)
				} else {
					fault := fc.fault
					fault.Action, fault.Code = src.action, code
					sim.InjectFault(fault)
				}

				step := resource.TestStep{Config: faultProviderConfig(sim, fc) + src.config}
				if wantErr != "" {
					step.ExpectError = regexp.MustCompile(wantErr)
				} else {
					// What the simulator holds after the read: faults may change it.
					step.ConfigStateChecks = []statecheck.StateCheck{lazyStateChecks(func() []statecheck.StateCheck { return src.success(sim, fc.inserted) })}
				}
				start := time.Now()
				resource.Test(t, resource.TestCase{ProtoV6ProviderFactories: testAccProtoV6ProviderFactories, Steps: []resource.TestStep{step}})
				elapsed := time.Since(start)
				outcome := "exact data"
				if wantErr != "" {
					outcome = "error " + strings.Trim(wantErr, "(?s)")
				}
				t.Logf("MATRIX | %s | %s | %s | %d faulted requests | %s", fc.name, src.name, outcome, sim.FaultCount(), elapsed.Round(100*time.Millisecond))
				if elapsed > 30*time.Second {
					t.Errorf("took %s; a fault must resolve, or fail, within a bounded time", elapsed)
				}
				if sim.FaultCount() == 0 {
					t.Error("the fault was never applied; the case proves nothing")
				}
				// Pages fetched concurrently can each meet the fault once;
				// asking for the same page again would be a retry.
				if (fc.notRetried || fc.name == "permission denied mid-read (not retried)") && sim.RepeatedFaultCount() != 0 {
					t.Errorf("a failure a retry cannot change was retried: %d repeated requests", sim.RepeatedFaultCount())
				}
				if fc.fault.Kind == cloudsim.FaultThrottle && fc.fault.Times == 0 && sim.RepeatedFaultCount() == 0 {
					t.Error("a throttled call was never retried")
				}
				if fc.fault.Kind == cloudsim.FaultExpireTokens && sim.CallCount("AssumeRole") < 2 {
					t.Errorf("the role was assumed %d times; an expired session must be renewed", sim.CallCount("AssumeRole"))
				}
			})
		}
	}
}

// lazyStateChecks builds its checks when the state is checked, so that they
// expect what the simulator holds then.
type lazyStateChecks func() []statecheck.StateCheck

func (l lazyStateChecks) CheckState(ctx context.Context, req statecheck.CheckStateRequest, resp *statecheck.CheckStateResponse) {
	for _, c := range l() {
		c.CheckState(ctx, req, resp)
		if resp.Error != nil {
			return
		}
	}
}

// faultProviderConfig reads Tencent Cloud through an assumed role, so that
// expired sessions can be tested, with the retries and timeout of the case.
func faultProviderConfig(sim *testSim, fc faultCase) string {
	retries := fc.maxRetries
	if retries == 0 {
		retries = 3
	}
	timeout := fc.timeout
	if timeout == "" {
		timeout = "10s"
	}
	return sim.providerBlock(withTencentBlocks(`
assume_role {
  role_arn     = "qcs::cam::uin/100000000001:roleName/auditor"
  session_name = "fault-matrix"
}`), without("ucloud.project_id"), withMaxRetries(retries), withRequestTimeout(timeout))
}

// TestAccLoadTwentyDataSources reads twenty data sources in one
// configuration, in parallel, against a simulator that enforces the real
// limits (20 calls per second per Tencent action, one UCloud operation-log
// call at a time): every read succeeds and the simulator throttles nothing,
// because the provider paces its calls.
func TestAccLoadTwentyDataSources(t *testing.T) {
	sim := startSim(t, cloudsim.Options{Tracks: 200, CallRecords: 1000, Events: 500, EnforceRateLimits: true, UCloudLatency: 20 * time.Millisecond})
	var config strings.Builder
	config.WriteString(sim.providerConfig())
	var checks []statecheck.StateCheck
	for i := range 7 {
		fmt.Fprintf(&config, "data \"auditlog_cloudaudit_tracks\" \"t%d\" {\n  page_size = %d\n}\n", i, 20+i)
		checks = append(checks, statecheck.ExpectKnownValue(fmt.Sprintf("data.auditlog_cloudaudit_tracks.t%d", i), tfjsonpath.New("tracks"), knownvalue.ListSizeExact(200)))
	}
	for i := range 7 {
		subUin := cloudsim.CSIPSubUins[i%len(cloudsim.CSIPSubUins)]
		fmt.Fprintf(&config, "data \"auditlog_csip_user_call_records\" \"c%d\" {\n  sub_uin = %q\n  max_items = %d\n}\n", i, subUin, 1000-i)
		checks = append(checks, statecheck.ExpectKnownValue(fmt.Sprintf("data.auditlog_csip_user_call_records.c%d", i), tfjsonpath.New("data"), knownvalue.ListSizeExact(1000-i)))
	}
	for i := range 6 {
		fmt.Fprintf(&config, "data \"auditlog_ucloud_operation_events\" \"u%d\" {\n  max_results = %d\n}\n", i, 45+i)
		checks = append(checks, statecheck.ExpectKnownValue(fmt.Sprintf("data.auditlog_ucloud_operation_events.u%d", i), tfjsonpath.New("events"), knownvalue.ListSizeExact(500)))
	}
	start := time.Now()
	resource.Test(t, resource.TestCase{
		ProtoV6ProviderFactories: testAccProtoV6ProviderFactories,
		Steps:                    []resource.TestStep{{Config: config.String(), ConfigStateChecks: checks}},
	})
	t.Logf("20 data sources: %d CloudAudit, %d CSIP and %d UCloud calls in %s; %d throttled",
		sim.CallCount("DescribeAuditTracks"), sim.CallCount("DescribeUserCallRecord"), sim.CallCount("GetUserOperationEvents"),
		time.Since(start).Round(100*time.Millisecond), sim.ThrottledCount())
	if n := sim.ThrottledCount(); n != 0 {
		t.Errorf("the simulator throttled %d calls; the provider's pacing must keep every read inside the limits", n)
	}
}
