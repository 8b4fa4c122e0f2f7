package provider

import (
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"sync"
	"testing"

	"github.com/auditlog/terraform-provider-auditlog/internal/cloudsim"
)

// clsStub answers the CLS actions in front of the simulator, which answers
// everything else (STS for evidence.account_id). It stands in for the
// simulator's CLS half until that half exists; what it serves is kept so
// tests compare every field with it.
type clsStub struct {
	t   *testing.T
	sim *testSim
	url string

	mu        sync.Mutex
	topics    []map[string]any
	index     map[string]any // DescribeIndex answer (without RequestId)
	logs      []string       // LogJson of each log, at times from+i*step ms
	fromMS    int64
	stepMS    int64
	histDelta int64 // added to the histogram's TotalCount
	// fault answers call n of an action instead, when it returns a code.
	fault func(action string, n int) string
	calls map[string]int
	sent  map[string][]map[string]json.RawMessage
}

func startCLSStub(t *testing.T) *clsStub {
	t.Helper()
	s := &clsStub{t: t, sim: startSim(t, cloudsim.Options{}), calls: map[string]int{}, sent: map[string][]map[string]json.RawMessage{}}
	s.url = httptestServer(t, s).URL
	return s
}

func (s *clsStub) providerConfig() string { return s.sim.providerBlock(withTencentEndpoint(s.url)) }

func (s *clsStub) callCount(action string) int {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.calls[action]
}

func (s *clsStub) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	action := r.Header.Get("X-TC-Action")
	if r.Header.Get("X-TC-Version") != "2020-10-16" {
		body, _ := io.ReadAll(r.Body)
		r.Body = io.NopCloser(bytes.NewReader(body))
		s.sim.ServeHTTP(w, r)
		return
	}
	body, _ := io.ReadAll(r.Body)
	var p map[string]json.RawMessage
	_ = json.Unmarshal(body, &p)
	s.mu.Lock()
	n := s.calls[action]
	s.calls[action]++
	s.sent[action] = append(s.sent[action], p)
	fault := s.fault
	s.mu.Unlock()
	w.Header().Set("Content-Type", "application/json")
	if fault != nil {
		if code := fault(action, n); code != "" {
			fmt.Fprintf(w, `{"Response":{"Error":{"Code":%q,"Message":"stub %s"},"RequestId":"rid-%s-%d"}}`, code, code, action, n)
			return
		}
	}
	var resp map[string]any
	switch action {
	case "DescribeTopics":
		resp = s.describeTopics(p)
	case "DescribeIndex":
		resp = s.index
	case "DescribeLogHistogram":
		resp = s.histogram(p)
	case "SearchLog":
		resp = s.search(p)
	default:
		resp = map[string]any{"Error": map[string]any{"Code": "InvalidAction", "Message": action}}
	}
	resp["RequestId"] = fmt.Sprintf("rid-%s-%d", action, n)
	out, _ := json.Marshal(map[string]any{"Response": resp})
	_, _ = w.Write(out)
}

func rawInt(p map[string]json.RawMessage, k string) int64 {
	var v int64
	_ = json.Unmarshal(p[k], &v)
	return v
}

func (s *clsStub) describeTopics(p map[string]json.RawMessage) map[string]any {
	var filters []struct {
		Key    string
		Values []string
	}
	_ = json.Unmarshal(p["Filters"], &filters)
	var out []map[string]any
	for _, t := range s.topics {
		keep := true
		for _, f := range filters {
			if f.Key == "topicId" {
				keep = keep && len(f.Values) == 1 && t["TopicId"] == f.Values[0]
			}
		}
		if keep {
			out = append(out, t)
		}
	}
	off, lim := rawInt(p, "Offset"), rawInt(p, "Limit")
	total := len(out)
	out = out[min(int(off), total):min(int(off+lim), total)]
	if out == nil {
		out = []map[string]any{}
	}
	return map[string]any{"Topics": out, "TotalCount": total}
}

// window is the indexes of the logs in [from, to] ms.
func (s *clsStub) window(from, to int64) (int, int) {
	lo, hi := 0, len(s.logs)
	for lo < hi && s.fromMS+int64(lo)*s.stepMS < from {
		lo++
	}
	for hi > lo && s.fromMS+int64(hi-1)*s.stepMS > to {
		hi--
	}
	return lo, hi
}

func (s *clsStub) histogram(p map[string]json.RawMessage) map[string]any {
	lo, hi := s.window(rawInt(p, "From"), rawInt(p, "To"))
	return map[string]any{"Interval": rawInt(p, "Interval"), "TotalCount": int64(hi-lo) + s.histDelta, "HistogramInfos": []any{}}
}

// logAt is log i as SearchLog returns it, with the official example's mix
// of empty strings and empty lists.
func (s *clsStub) logAt(i int) map[string]any {
	return map[string]any{
		"Time": s.fromMS + int64(i)*s.stepMS, "TopicId": "topic-audit", "TopicName": "cloudaudit", "Source": "", "FileName": "",
		"HostName": "", "PkgId": fmt.Sprintf("pkg-%d", i), "PkgLogId": fmt.Sprint(i), "HighLights": []any{},
		"LogJson": s.logs[i], "RawLog": "", "IndexStatus": "",
	}
}

func (s *clsStub) search(p map[string]json.RawMessage) map[string]any {
	lo, hi := s.window(rawInt(p, "From"), rawInt(p, "To"))
	var sort string
	_ = json.Unmarshal(p["Sort"], &sort)
	off, lim := int(rawInt(p, "Offset")), int(rawInt(p, "Limit"))
	n := hi - lo
	var rows []map[string]any
	for k := off; k < min(off+lim, n); k++ {
		i := lo + k
		if sort == "desc" {
			i = hi - 1 - k
		}
		rows = append(rows, s.logAt(i))
	}
	return map[string]any{"Context": "ctx", "ListOver": off+lim >= n, "Analysis": false, "ColNames": []any{}, "AnalysisResults": []any{},
		"AnalysisRecords": nil, "Columns": nil, "Results": rows, "Topics": nil, "SamplingRate": 0}
}

// cloudAuditLog is a delivered CloudAudit event; odd ones carry userIdentity
// as one JSON string, even ones as flattened keys.
func cloudAuditLog(i int) string {
	ev := map[string]any{"eventName": "DeleteUser", "eventSource": "cam.tencentcloudapi.com", "eventType": "ApiCall",
		"eventRegion": "ap-guangzhou", "eventTime": 1700000000 + i, "requestID": fmt.Sprintf("req-%d", i), "errorCode": 0,
		"sourceIPAddress": "10.0.0.1", "resourceType": "cam", "resourceName": "user/ops", "actionType": "Write",
		"org": map[string]any{"member": fmt.Sprint(200000 + i)}}
	id := map[string]any{"principalId": fmt.Sprint(100100 + i), "accountId": "100001", "userName": "ops"}
	if i%2 == 1 {
		b, _ := json.Marshal(id)
		ev["userIdentity"] = string(b)
	} else {
		for k, v := range id {
			ev["userIdentity."+k] = v
		}
	}
	b, _ := json.Marshal(ev)
	return string(b)
}

func clsTopic(id, storage string, hot int) map[string]any {
	return map[string]any{
		"LogsetId": "logset-1", "TopicId": id, "TopicName": "name-" + id, "PartitionCount": 1, "Index": true, "AssumerName": "CloudAudit",
		"CreateTime": "2026-01-02 03:04:05", "Status": true, "Tags": []any{map[string]any{"Key": "env", "Value": "prod"}}, "RoleName": "",
		"AutoSplit": true, "MaxSplitPartitions": 50, "StorageType": storage, "Period": 180, "SubAssumerName": "", "Describes": "audit",
		"HotPeriod": hot, "KeyId": "", "BizType": 0, "IsWebTracking": false,
		"Extends": map[string]any{"AnonymousAccess": map[string]any{"Operations": []string{"trackLog"},
			"Conditions": []any{map[string]any{"Attributes": "VpcID", "Rule": 1, "ConditionValue": "vpc-1"}}}},
		"TopicAsyncTaskID": "", "MigrationStatus": 2, "EffectiveDate": "", "IsSourceFrom": false, "AssumerUin": 100001,
		"BillingMode": 0, "NewBillingMode": 1, "CustomKmsInfo": map[string]any{"KmsRegion": "ap-guangzhou", "KmsKeyId": "kms-1"},
	}
}
