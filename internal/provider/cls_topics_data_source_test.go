package provider

import (
	"fmt"
	"regexp"
	"testing"

	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/knownvalue"
	"github.com/hashicorp/terraform-plugin-testing/statecheck"
	"github.com/hashicorp/terraform-plugin-testing/tfjsonpath"
)

const clsTopicsAddr = "data.auditlog_cls_topics.test"

func clsTopicsCheck(p tfjsonpath.Path, v knownvalue.Check) statecheck.StateCheck {
	return statecheck.ExpectKnownValue(clsTopicsAddr, p, v)
}

// Every page (230 topics, pages of 100), every TopicInfo field as served,
// and with include_index every DescribeIndex field.
func TestAccCLSTopics_everyPageEveryFieldAndIndex(t *testing.T) {
	s := startCLSStub(t)
	for i := range 230 {
		storage := "hot"
		if i%3 == 0 {
			storage = "cold"
		}
		s.topics = append(s.topics, clsTopic(fmt.Sprintf("topic-%03d", i), storage, i%40))
	}
	s.index = map[string]any{
		"TopicId": "topic-000", "Status": true, "ModifyTime": "2026-02-03 04:05:06", "IncludeInternalFields": true, "MetadataFlag": 1,
		"CoverageField": "", "Rule": map[string]any{
			"FullText": map[string]any{"CaseSensitive": false, "Tokenizer": "@&?|#()='\",;:<>[]{}/ \n\t\r\\", "ContainZH": false},
			"KeyValue": map[string]any{"CaseSensitive": true, "KeyValues": []any{
				map[string]any{"Key": "eventName", "Value": map[string]any{"Type": "text", "Tokenizer": ",", "SqlFlag": true, "ContainZH": false, "Alias": ""}},
				map[string]any{"Key": "errorCode", "Value": map[string]any{"Type": "long", "Tokenizer": "", "SqlFlag": false}},
			}},
			"Tag": nil, "DynamicIndex": map[string]any{"Status": false},
		},
	}
	topic := func(i int) knownvalue.Check {
		served := s.topics[i]
		str := func(k string) knownvalue.Check { v, _ := served[k].(string); return knownvalue.StringExact(v) }
		hot, _ := served["HotPeriod"].(int)
		return knownvalue.ObjectPartial(map[string]knownvalue.Check{
			"topic_id": str("TopicId"), "topic_name": str("TopicName"),
			"logset_id": knownvalue.StringExact("logset-1"), "describes": knownvalue.StringExact("audit"), "biz_type": knownvalue.Int64Exact(0),
			"index": knownvalue.Bool(true), "status": knownvalue.Bool(true), "storage_type": str("StorageType"),
			"period": knownvalue.Int64Exact(180), "hot_period": knownvalue.Int64Exact(int64(hot)),
			"assumer_name": knownvalue.StringExact("CloudAudit"), "sub_assumer_name": knownvalue.StringExact(""), "assumer_uin": knownvalue.Int64Exact(100001),
			"role_name": knownvalue.StringExact(""), "partition_count": knownvalue.Int64Exact(1), "auto_split": knownvalue.Bool(true),
			"max_split_partitions": knownvalue.Int64Exact(50),
			"tags": knownvalue.ListExact([]knownvalue.Check{knownvalue.ObjectExact(map[string]knownvalue.Check{
				"key": knownvalue.StringExact("env"), "value": knownvalue.StringExact("prod")})}),
			"create_time": knownvalue.StringExact("2026-01-02 03:04:05"), "key_id": knownvalue.StringExact(""),
			"custom_kms_info": knownvalue.ObjectExact(map[string]knownvalue.Check{
				"kms_region": knownvalue.StringExact("ap-guangzhou"), "kms_key_id": knownvalue.StringExact("kms-1")}),
			"is_web_tracking": knownvalue.Bool(false),
			"anonymous_access": knownvalue.ObjectExact(map[string]knownvalue.Check{
				"operations": knownvalue.ListExact([]knownvalue.Check{knownvalue.StringExact("trackLog")}),
				"conditions": knownvalue.ListExact([]knownvalue.Check{knownvalue.ObjectExact(map[string]knownvalue.Check{
					"attributes": knownvalue.StringExact("VpcID"), "rule": knownvalue.Int64Exact(1), "condition_value": knownvalue.StringExact("vpc-1")})}),
			}),
			"is_source_from": knownvalue.Bool(false), "topic_async_task_id": knownvalue.StringExact(""), "migration_status": knownvalue.Int64Exact(2),
			"effective_date": knownvalue.StringExact(""), "billing_mode": knownvalue.Int64Exact(0), "new_billing_mode": knownvalue.Int64Exact(1),
		})
	}
	key := func(name, typ, tok string, sql bool, zh, alias knownvalue.Check) knownvalue.Check {
		return knownvalue.ObjectExact(map[string]knownvalue.Check{
			"key": knownvalue.StringExact(name), "type": knownvalue.StringExact(typ), "tokenizer": knownvalue.StringExact(tok),
			"sql_flag": knownvalue.Bool(sql), "contain_zh": zh, "alias": alias, "open_index_for_child_only": knownvalue.Null(), "child_nodes": knownvalue.Null(),
		})
	}
	resource.Test(t, resource.TestCase{
		ProtoV6ProviderFactories: testAccProtoV6ProviderFactories,
		Steps: []resource.TestStep{{
			Config: s.providerConfig() + `
data "auditlog_cls_topics" "test" {}`,
			ConfigStateChecks: []statecheck.StateCheck{
				clsTopicsCheck(tfjsonpath.New("topics"), knownvalue.ListSizeExact(230)),
				clsTopicsCheck(tfjsonpath.New("total_count"), knownvalue.Int64Exact(230)),
				clsTopicsCheck(tfjsonpath.New("topics").AtSliceIndex(0), topic(0)),
				clsTopicsCheck(tfjsonpath.New("topics").AtSliceIndex(229), topic(229)),
				clsTopicsCheck(tfjsonpath.New("topics").AtSliceIndex(0).AtMapKey("index_config"), knownvalue.Null()),
				clsTopicsCheck(tfjsonpath.New("evidence").AtMapKey("complete"), knownvalue.Bool(true)),
				clsTopicsCheck(tfjsonpath.New("evidence").AtMapKey("records"), knownvalue.Int64Exact(230)),
				clsTopicsCheck(tfjsonpath.New("evidence").AtMapKey("narrowed_by"), knownvalue.ListSizeExact(0)),
				clsTopicsCheck(tfjsonpath.New("evidence").AtMapKey("endpoint"), knownvalue.StringExact(s.url)),
			},
		}, {
			Config: s.providerConfig() + `
data "auditlog_cls_topics" "test" {
  include_index = true
  filters {
    key    = "topicId"
    values = ["topic-000"]
  }
}`,
			ConfigStateChecks: []statecheck.StateCheck{
				clsTopicsCheck(tfjsonpath.New("topics"), knownvalue.ListSizeExact(1)),
				clsTopicsCheck(tfjsonpath.New("evidence").AtMapKey("narrowed_by"), knownvalue.ListExact([]knownvalue.Check{knownvalue.StringExact("filters")})),
				clsTopicsCheck(tfjsonpath.New("topics").AtSliceIndex(0).AtMapKey("index_config"), knownvalue.ObjectExact(map[string]knownvalue.Check{
					"status": knownvalue.Bool(true), "modify_time": knownvalue.StringExact("2026-02-03 04:05:06"),
					"include_internal_fields": knownvalue.Bool(true), "metadata_flag": knownvalue.Int64Exact(1), "coverage_field": knownvalue.StringExact(""),
					"full_text": knownvalue.ObjectExact(map[string]knownvalue.Check{"case_sensitive": knownvalue.Bool(false),
						"tokenizer": knownvalue.StringExact("@&?|#()='\",;:<>[]{}/ \n\t\r\\"), "contain_zh": knownvalue.Bool(false)}),
					"key_value": knownvalue.ObjectExact(map[string]knownvalue.Check{"case_sensitive": knownvalue.Bool(true),
						"keys": knownvalue.ListExact([]knownvalue.Check{
							key("eventName", "text", ",", true, knownvalue.Bool(false), knownvalue.StringExact("")),
							key("errorCode", "long", "", false, knownvalue.Null(), knownvalue.Null()),
						})}),
					"tag": knownvalue.Null(), "dynamic_index": knownvalue.Bool(false),
				})),
			},
		}},
	})
}

// A total that changes between pages fails the read with both numbers.
func TestAccCLSTopics_changingTotalFails(t *testing.T) {
	s := startCLSStub(t)
	for i := range 150 {
		s.topics = append(s.topics, clsTopic(fmt.Sprintf("topic-%03d", i), "hot", 0))
	}
	s.fault = func(action string, n int) string {
		if action == "DescribeTopics" && n == 1 {
			s.topics = s.topics[:140] // deleted between the two pages (the lock is held)
		}
		return ""
	}
	resource.Test(t, resource.TestCase{
		ProtoV6ProviderFactories: testAccProtoV6ProviderFactories,
		Steps: []resource.TestStep{{
			Config:      s.providerConfig() + "\ndata \"auditlog_cls_topics\" \"test\" {}",
			ExpectError: regexp.MustCompile(`TotalCount changed from 150 to 140`),
		}},
	})
}
