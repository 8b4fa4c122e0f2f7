package provider

import (
	"fmt"
	"regexp"
	"testing"
	"time"

	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/knownvalue"
	"github.com/hashicorp/terraform-plugin-testing/statecheck"
	"github.com/hashicorp/terraform-plugin-testing/tfjsonpath"
)

const clsSearchAddr = "data.auditlog_cls_search.test"

func clsSearchCheck(p tfjsonpath.Path, v knownvalue.Check) statecheck.StateCheck {
	return statecheck.ExpectKnownValue(clsSearchAddr, p, v)
}

// clsSearchSetup is a stub with one hot topic and n CloudAudit logs, one a
// minute ending two hours ago; from and to (seconds) cover them all.
func clsSearchSetup(t *testing.T, n int, storage string, hot int) (s *clsStub, from, to int64) {
	s = startCLSStub(t)
	s.topics = []map[string]any{clsTopic("topic-audit", storage, hot)}
	end := time.Now().Add(-2 * time.Hour).Truncate(time.Second)
	s.stepMS = 60_000
	s.fromMS = end.UnixMilli() - int64(n-1)*s.stepMS
	for i := range n {
		s.logs = append(s.logs, cloudAuditLog(i))
	}
	return s, s.fromMS/1000 - 1, end.Unix() + 1
}

func clsSearchConfig(s *clsStub, body string) string {
	return s.providerConfig() + `
data "auditlog_cls_search" "test" {
  topic_id = "topic-audit"
` + body + `
}`
}

// Every log once over several pages, every field as served, both
// userIdentity shapes decoded, the member account read from the configured
// key, complete because the histogram agrees. (Reads past the 10,000 rows a
// Context allows are TestAccCLSSim_readsPast10000RowsBothIdentityShapes'.)
func TestAccCLSSearch_everyFieldBothIdentityShapes(t *testing.T) {
	const n = 2_500
	s, from, to := clsSearchSetup(t, n, "hot", 0)
	resource.Test(t, resource.TestCase{
		ProtoV6ProviderFactories: testAccProtoV6ProviderFactories,
		Steps: []resource.TestStep{{
			Config: clsSearchConfig(s, fmt.Sprintf(`  query = "eventName:DeleteUser"
  from = %d
  to = %d
  sort = "asc"
  decode_cloudaudit = true
  member_account_field = "org.member"`, from, to)),
			ConfigStateChecks: []statecheck.StateCheck{
				clsSearchCheck(tfjsonpath.New("logs"), knownvalue.ListSizeExact(n)),
				clsSearchCheck(tfjsonpath.New("evidence").AtMapKey("complete"), knownvalue.Bool(true)),
				clsSearchCheck(tfjsonpath.New("evidence").AtMapKey("records"), knownvalue.Int64Exact(n)),
				clsSearchCheck(tfjsonpath.New("evidence").AtMapKey("window_start"), knownvalue.Int64Exact(from)),
				clsSearchCheck(tfjsonpath.New("evidence").AtMapKey("window_end"), knownvalue.Int64Exact(to)),
				clsSearchCheck(tfjsonpath.New("evidence").AtMapKey("region"), knownvalue.StringExact("ap-guangzhou")),
				clsSearchCheck(tfjsonpath.New("evidence").AtMapKey("narrowed_by"), knownvalue.ListExact([]knownvalue.Check{knownvalue.StringExact("query")})),
				clsSearchCheck(tfjsonpath.New("resume_token"), knownvalue.Null()),
				clsSearchCheck(tfjsonpath.New("search_evidence"), knownvalue.ObjectExact(map[string]knownvalue.Check{
					"topic_id": knownvalue.StringExact("topic-audit"), "region": knownvalue.StringExact("ap-guangzhou"),
					"histogram_total": knownvalue.Int64Exact(n), "query_string": knownvalue.StringExact("eventName:DeleteUser"),
					"query_syntax": knownvalue.StringExact("CQL"), "paging": knownvalue.StringExact("offset"),
					"from_ms": knownvalue.Int64Exact(from * 1000), "to_ms": knownvalue.Int64Exact(to * 1000),
					"incomplete_because": knownvalue.ListSizeExact(0),
				})),
				clsSearchCheck(tfjsonpath.New("logs").AtSliceIndex(0), clsLogCheck(s, 0, "flattened")),
				clsSearchCheck(tfjsonpath.New("logs").AtSliceIndex(1), clsLogCheck(s, 1, "json_string")),
				clsSearchCheck(tfjsonpath.New("logs").AtSliceIndex(n-1), clsLogCheck(s, n-1, "json_string")),
				clsSearchCheck(tfjsonpath.New("logs").AtSliceIndex(2_000), clsLogCheck(s, 2_000, "flattened")),
			},
		}},
	})
	for _, p := range s.sent["SearchLog"] {
		if string(p["QuerySyntax"]) != "1" || p["Query"] != nil || p["Context"] != nil || string(p["Sort"]) != `"asc"` {
			t.Fatalf("SearchLog sent %v: want QueryString with QuerySyntax 1, Sort, no Query, no Context", p)
		}
	}
	for _, p := range s.sent["DescribeLogHistogram"] {
		if string(p["SyntaxRule"]) != "1" {
			t.Fatalf("DescribeLogHistogram sent %v: want SyntaxRule 1", p)
		}
	}
}

// clsLogCheck is log i exactly as the stub served it.
func clsLogCheck(s *clsStub, i int, shape string) knownvalue.Check {
	served := s.logAt(i)
	str := func(k string) knownvalue.Check { v, _ := served[k].(string); return knownvalue.StringExact(v) }
	ms, _ := served["Time"].(int64)
	return knownvalue.ObjectExact(map[string]knownvalue.Check{
		"time": knownvalue.Int64Exact(ms), "topic_id": str("TopicId"), "topic_name": str("TopicName"),
		"source": str("Source"), "host_name": str("HostName"), "file_name": str("FileName"), "pkg_id": str("PkgId"),
		"pkg_log_id": str("PkgLogId"), "high_lights": knownvalue.ListSizeExact(0), "log_json": str("LogJson"),
		"raw_log": str("RawLog"), "index_status": str("IndexStatus"),
		"cloudaudit": knownvalue.ObjectExact(map[string]knownvalue.Check{
			"event_name": knownvalue.StringExact("DeleteUser"), "event_source": knownvalue.StringExact("cam.tencentcloudapi.com"),
			"event_type": knownvalue.StringExact("ApiCall"), "event_region": knownvalue.StringExact("ap-guangzhou"),
			"event_time": knownvalue.StringExact(fmt.Sprint(1700000000 + i)), "request_id": knownvalue.StringExact(fmt.Sprintf("req-%d", i)),
			"source_ip_address": knownvalue.StringExact("10.0.0.1"), "resource_type": knownvalue.StringExact("cam"),
			"resource_name": knownvalue.StringExact("user/ops"), "action_type": knownvalue.StringExact("Write"),
			"error_code": knownvalue.StringExact("0"), "error_message": knownvalue.Null(),
			"principal_id": knownvalue.StringExact(fmt.Sprint(100100 + i)), "account_id": knownvalue.StringExact("100001"),
			"user_name": knownvalue.StringExact("ops"), "secret_id": knownvalue.Null(), "identity_shape": knownvalue.StringExact(shape),
			"member_account": knownvalue.StringExact(fmt.Sprint(200000 + i)),
		}),
	})
}

// A histogram that disagrees with what was read: complete false, both
// numbers named.
func TestAccCLSSearch_histogramMismatchIsIncomplete(t *testing.T) {
	s, from, to := clsSearchSetup(t, 30, "hot", 0)
	s.histDelta = 1
	resource.Test(t, resource.TestCase{
		ProtoV6ProviderFactories: testAccProtoV6ProviderFactories,
		Steps: []resource.TestStep{{
			Config: clsSearchConfig(s, fmt.Sprintf("query = \"*\"\nfrom = %d\nto = %d", from, to)),
			ConfigStateChecks: []statecheck.StateCheck{
				clsSearchCheck(tfjsonpath.New("logs"), knownvalue.ListSizeExact(30)),
				clsSearchCheck(tfjsonpath.New("evidence").AtMapKey("complete"), knownvalue.Bool(false)),
				clsSearchCheck(tfjsonpath.New("evidence").AtMapKey("narrowed_by"), knownvalue.ListSizeExact(0)),
				clsSearchCheck(tfjsonpath.New("search_evidence").AtMapKey("histogram_total"), knownvalue.Int64Exact(31)),
				clsSearchCheck(tfjsonpath.New("search_evidence").AtMapKey("incomplete_because"), knownvalue.ListExact([]knownvalue.Check{
					knownvalue.StringRegexp(regexp.MustCompile(`with 30 logs .* counts 31 `)),
				})),
			},
		}},
	})
}

// A window ending under 15 minutes ago is read but not complete.
func TestAccCLSSearch_recentWindowIsIncomplete(t *testing.T) {
	s, from, _ := clsSearchSetup(t, 5, "hot", 0)
	to := time.Now().Add(-time.Minute).Unix()
	resource.Test(t, resource.TestCase{
		ProtoV6ProviderFactories: testAccProtoV6ProviderFactories,
		Steps: []resource.TestStep{{
			Config: clsSearchConfig(s, fmt.Sprintf("query = \"*\"\nfrom = %d\nto = %d", from, to)),
			ConfigStateChecks: []statecheck.StateCheck{
				clsSearchCheck(tfjsonpath.New("logs"), knownvalue.ListSizeExact(5)),
				clsSearchCheck(tfjsonpath.New("evidence").AtMapKey("complete"), knownvalue.Bool(false)),
				clsSearchCheck(tfjsonpath.New("search_evidence").AtMapKey("incomplete_because"), knownvalue.ListExact([]knownvalue.Check{
					knownvalue.StringRegexp(regexp.MustCompile(`under 15 minutes ago`)),
				})),
			},
		}},
	})
}

// A key-value query on a cold topic, or over a window past hot_period, is
// not sent: no logs, complete false, hot_period named. A full-text query on
// the cold topic is sent and can be complete.
func TestAccCLSSearch_coldStorageRefusesKeyValueQueries(t *testing.T) {
	for name, c := range map[string]struct {
		storage string
		hot     int
		query   string
		sent    bool
		reason  string
	}{
		"cold topic":        {"cold", 0, `eventName:DeleteUser`, false, `cold \(infrequent access\) storage \(hot_period 0\)`},
		"past hot_period":   {"hot", 7, `eventName:DeleteUser`, false, `hot_period of 7 days`},
		"range past hot":    {"hot", 7, `errorCode>0`, false, `hot_period of 7 days`},
		"full text, cold":   {"cold", 0, `DeleteUser AND "user:ops"`, true, ""},
		"within hot_period": {"hot", 30, `eventName:DeleteUser`, true, ""},
	} {
		t.Run(name, func(t *testing.T) {
			s, _, to := clsSearchSetup(t, 480, c.storage, c.hot) // one a minute: 8 hours
			from := time.Now().Add(-10 * 24 * time.Hour).Unix()
			var reasons knownvalue.Check = knownvalue.ListSizeExact(0)
			records := 480
			if !c.sent {
				reasons = knownvalue.ListExact([]knownvalue.Check{knownvalue.StringRegexp(regexp.MustCompile(c.reason))})
				records = 0
			}
			resource.Test(t, resource.TestCase{
				ProtoV6ProviderFactories: testAccProtoV6ProviderFactories,
				Steps: []resource.TestStep{{
					Config: clsSearchConfig(s, fmt.Sprintf("query = %q\nfrom = %d\nto = %d", c.query, from, to)),
					ConfigStateChecks: []statecheck.StateCheck{
						clsSearchCheck(tfjsonpath.New("logs"), knownvalue.ListSizeExact(records)),
						clsSearchCheck(tfjsonpath.New("evidence").AtMapKey("complete"), knownvalue.Bool(c.sent)),
						clsSearchCheck(tfjsonpath.New("search_evidence").AtMapKey("incomplete_because"), reasons),
					},
				}},
			})
			if got := s.callCount("SearchLog") > 0; got != c.sent {
				t.Fatalf("SearchLog called: %v, want %v", got, c.sent)
			}
		})
	}
}

// max_items stops with an offset token; the continuation reads exactly
// the rest and is complete.
func TestAccCLSSearch_maxItemsAndResumeToken(t *testing.T) {
	s, from, to := clsSearchSetup(t, 2_300, "hot", 0)
	window := fmt.Sprintf("query = \"*\"\nfrom = %d\nto = %d\nmax_items = 2000\n", from, to)
	resource.Test(t, resource.TestCase{
		ProtoV6ProviderFactories: testAccProtoV6ProviderFactories,
		Steps: []resource.TestStep{{
			Config: clsSearchConfig(s, window),
			ConfigStateChecks: []statecheck.StateCheck{
				clsSearchCheck(tfjsonpath.New("logs"), knownvalue.ListSizeExact(2000)),
				clsSearchCheck(tfjsonpath.New("resume_token"), knownvalue.StringExact("2000")),
				clsSearchCheck(tfjsonpath.New("evidence").AtMapKey("complete"), knownvalue.Bool(false)),
				clsSearchCheck(tfjsonpath.New("logs").AtSliceIndex(0).AtMapKey("pkg_log_id"), knownvalue.StringExact("2299")),
			},
		}, {
			Config: clsSearchConfig(s, window+`next_token = "2000"`),
			ConfigStateChecks: []statecheck.StateCheck{
				clsSearchCheck(tfjsonpath.New("logs"), knownvalue.ListSizeExact(300)),
				clsSearchCheck(tfjsonpath.New("resume_token"), knownvalue.Null()),
				clsSearchCheck(tfjsonpath.New("evidence").AtMapKey("complete"), knownvalue.Bool(true)),
				clsSearchCheck(tfjsonpath.New("evidence").AtMapKey("narrowed_by"), knownvalue.ListExact([]knownvalue.Check{
					knownvalue.StringExact("max_items"), knownvalue.StringExact("next_token")})),
				clsSearchCheck(tfjsonpath.New("logs").AtSliceIndex(0).AtMapKey("pkg_log_id"), knownvalue.StringExact("299")),
				clsSearchCheck(tfjsonpath.New("logs").AtSliceIndex(299).AtMapKey("pkg_log_id"), knownvalue.StringExact("0")),
			},
		}},
	})
}

// Throttling and engine faults are retried; the read is still exact.
func TestAccCLSSearch_retriesTransientFaults(t *testing.T) {
	s, from, to := clsSearchSetup(t, 1_200, "hot", 0)
	s.fault = func(action string, n int) string {
		switch {
		case action == "SearchLog" && n == 1:
			return "LimitExceeded.LogSearch"
		case action == "DescribeLogHistogram" && n == 0:
			return "InternalError.SearchFailed"
		}
		return ""
	}
	resource.Test(t, resource.TestCase{
		ProtoV6ProviderFactories: testAccProtoV6ProviderFactories,
		Steps: []resource.TestStep{{
			Config: clsSearchConfig(s, fmt.Sprintf("query = \"*\"\nfrom = %d\nto = %d", from, to)),
			ConfigStateChecks: []statecheck.StateCheck{
				clsSearchCheck(tfjsonpath.New("logs"), knownvalue.ListSizeExact(1_200)),
				clsSearchCheck(tfjsonpath.New("evidence").AtMapKey("complete"), knownvalue.Bool(true)),
			},
		}},
	})
}

// Final refusals fail the read on the attribute they concern, with the
// code and RequestId.
func TestAccCLSSearch_finalErrors(t *testing.T) {
	for code, want := range map[string]string{
		"FailedOperation.SyntaxError":                    `(?s)query.*FailedOperation\.SyntaxError.*rid-SearchLog-0`,
		"OperationDenied.NewSyntaxNotSupported":          `(?s)query.*NewSyntaxNotSupported.*rid-SearchLog-0`,
		"OperationDenied.OperationNotSupportInSearchLow": `(?s)query.*OperationNotSupportInSearchLow`,
		"FailedOperation.TopicIsolated":                  `(?s)topic_id.*TopicIsolated.*rid-SearchLog-0`,
		"ResourceNotFound.TopicNotExist":                 `(?s)topic_id.*TopicNotExist`,
	} {
		t.Run(code, func(t *testing.T) {
			s, from, to := clsSearchSetup(t, 10, "hot", 0)
			s.fault = func(action string, _ int) string {
				if action == "SearchLog" {
					return code
				}
				return ""
			}
			resource.Test(t, resource.TestCase{
				ProtoV6ProviderFactories: testAccProtoV6ProviderFactories,
				Steps: []resource.TestStep{{
					Config:      clsSearchConfig(s, fmt.Sprintf("query = \"*\"\nfrom = %d\nto = %d", from, to)),
					ExpectError: regexp.MustCompile(want),
				}},
			})
			if s.callCount("SearchLog") != 1 {
				t.Fatalf("%d SearchLog calls, want 1 (not retried)", s.callCount("SearchLog"))
			}
		})
	}
}

// A topic the region does not list fails on topic_id before any search.
func TestAccCLSSearch_missingTopic(t *testing.T) {
	s, from, to := clsSearchSetup(t, 10, "hot", 0)
	s.topics = nil
	resource.Test(t, resource.TestCase{
		ProtoV6ProviderFactories: testAccProtoV6ProviderFactories,
		Steps: []resource.TestStep{{
			Config:      clsSearchConfig(s, fmt.Sprintf("query = \"*\"\nfrom = %d\nto = %d", from, to)),
			ExpectError: regexp.MustCompile(`(?s)topic_id.*Topic topic-audit does not exist in region ap-guangzhou`),
		}},
	})
	if s.callCount("SearchLog")+s.callCount("DescribeLogHistogram") != 0 {
		t.Fatal("searched a topic that does not exist")
	}
}

// Plan-time errors name the attribute.
func TestAccCLSSearch_invalidConfig(t *testing.T) {
	s := startCLSStub(t)
	now := time.Now().Add(-time.Hour).Unix()
	for name, c := range map[string]struct{ body, want string }{
		"sql":          {fmt.Sprintf("query = \"* | select count(*)\"\nfrom = %d\nto = %d", now-60, now), `(?s)query.*SQL part`},
		"window":       {fmt.Sprintf("query = \"*\"\nfrom = %d\nto = %d", now, now-60), `(?s)to.*must be after from`},
		"member alone": {fmt.Sprintf("query = \"*\"\nfrom = %d\nto = %d\nmember_account_field = \"x\"", now-60, now), `(?s)member_account_field.*decode_cloudaudit`},
		"bad token":    {fmt.Sprintf("query = \"*\"\nfrom = %d\nto = %d\nnext_token = \"ctx-abc\"", now-60, now), `(?s)next_token.*decimal digits`},
	} {
		t.Run(name, func(t *testing.T) {
			resource.Test(t, resource.TestCase{
				ProtoV6ProviderFactories: testAccProtoV6ProviderFactories,
				Steps:                    []resource.TestStep{{Config: clsSearchConfig(s, c.body), ExpectError: regexp.MustCompile(c.want)}},
			})
		})
	}
}
