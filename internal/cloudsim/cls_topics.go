// CLS (service cls, version 2020-10-16, host cls.tencentcloudapi.com):
// the topics CloudAudit delivers to, DescribeTopics and DescribeIndex. The
// rules come from ../../shared/reference/cls.md (§1, §4, §6, §11) and the
// API pages it cites; internal/cloudsim/README.md says which behaviour is
// documented and which the simulator chose.

package cloudsim

import (
	"encoding/json"
	"fmt"
	"sort"
	"strings"
	"sync"
	"time"
)

// CLSOptions sets what the CLS half serves.
type CLSOptions struct {
	// Events, when positive, replaces the deliveries of the DescribeEvents
	// data set with this many generated events spread over Days days
	// (default 180) before the simulator's start; each topic holds those
	// its tracking set's filter selects.
	Events int
	Days   int
	// Topics sets options per topic id.
	Topics map[string]CLSTopicOptions
	// DeliveryLag makes every event searchable only 5 to 10 minutes after
	// its time, as CloudAudit's deliveries arrive (cls.md §9).
	DeliveryLag bool
	// MaxResponseBytes is the size above which SearchLog answers
	// LimitExceeded.SearchResultTooLarge. Default 20 MB, the error text's.
	MaxResponseBytes int
	// SearchLatency holds every SearchLog and DescribeLogHistogram call
	// this long, inside the topic's concurrency slot (15 per topic).
	SearchLatency time.Duration
}

// CLSTopicOptions are one topic's settings.
type CLSTopicOptions struct {
	// JSONUserIdentity delivers userIdentity as one JSON string instead of
	// flattened keys (userIdentity.principalId, ...).
	JSONUserIdentity bool
	// Cold serves the topic as IA storage (StorageType "cold"): full-text
	// search only.
	Cold bool
	// Isolated answers searches with FailedOperation.TopicIsolated.
	Isolated bool
	// NoCQL answers CQL searches with OperationDenied.NewSyntaxNotSupported.
	NoCQL bool
	// Period and HotPeriod, when positive, replace the generated retention.
	Period, HotPeriod int
}

// ParseCLSTopic reads a topic's options from the command line:
// "TOPIC_ID:opt,opt" with opts userIdentity=json, cold, isolated, no-cql,
// period=N, hot-period=N.
func ParseCLSTopic(spec string) (string, CLSTopicOptions, error) {
	id, rest, _ := strings.Cut(spec, ":")
	var o CLSTopicOptions
	if id == "" {
		return "", o, fmt.Errorf("cls topic %q: want TOPIC_ID:opt,... ", spec)
	}
	for _, opt := range strings.Split(rest, ",") {
		k, v, _ := strings.Cut(opt, "=")
		var err error
		switch k {
		case "":
		case "userIdentity":
			if v != "json" && v != "flat" {
				err = fmt.Errorf("userIdentity is json or flat")
			}
			o.JSONUserIdentity = v == "json"
		case "cold":
			o.Cold = true
		case "isolated":
			o.Isolated = true
		case "no-cql":
			o.NoCQL = true
		case "period":
			_, err = fmt.Sscan(v, &o.Period)
		case "hot-period":
			_, err = fmt.Sscan(v, &o.HotPeriod)
		default:
			err = fmt.Errorf("unknown option %q (userIdentity=json|flat, cold, isolated, no-cql, period=N, hot-period=N)", k)
		}
		if err != nil {
			return "", o, fmt.Errorf("cls topic %q: %w", spec, err)
		}
	}
	return id, o, nil
}

// clsTopic is one topic a CloudAudit tracking set delivers to.
type clsTopic struct {
	info   clsTopicInfo
	region string
	track  simTrack
	opts   CLSTopicOptions

	logsOnce sync.Once
	logs     *clsLogs
}

// clsTopicInfo is the API's TopicInfo, every documented field.
type clsTopicInfo struct {
	LogsetId           string          `json:"LogsetId"`
	TopicId            string          `json:"TopicId"`
	TopicName          string          `json:"TopicName"`
	PartitionCount     int64           `json:"PartitionCount"`
	Index              bool            `json:"Index"`
	AssumerName        string          `json:"AssumerName"`
	CreateTime         string          `json:"CreateTime"`
	Status             bool            `json:"Status"`
	Tags               []clsTag        `json:"Tags"`
	AutoSplit          bool            `json:"AutoSplit"`
	MaxSplitPartitions int64           `json:"MaxSplitPartitions"`
	StorageType        string          `json:"StorageType"`
	Period             int64           `json:"Period"`
	SubAssumerName     string          `json:"SubAssumerName"`
	Describes          string          `json:"Describes"`
	HotPeriod          uint64          `json:"HotPeriod"`
	KeyId              string          `json:"KeyId"`
	BizType            uint64          `json:"BizType"`
	IsWebTracking      bool            `json:"IsWebTracking"`
	Extends            *clsTopicExtend `json:"Extends"`
	TopicAsyncTaskID   string          `json:"TopicAsyncTaskID"`
	MigrationStatus    uint64          `json:"MigrationStatus"`
	EffectiveDate      string          `json:"EffectiveDate"`
	IsSourceFrom       bool            `json:"IsSourceFrom"`
	RoleName           string          `json:"RoleName"`
	AssumerUin         uint64          `json:"AssumerUin"`
	BillingMode        uint64          `json:"BillingMode"`
	NewBillingMode     uint64          `json:"NewBillingMode"`
	CustomKmsInfo      *clsKmsInfo     `json:"CustomKmsInfo"`
}

type clsTag struct {
	Key   string `json:"Key"`
	Value string `json:"Value"`
}

type clsKmsInfo struct {
	KmsRegion string `json:"KmsRegion"`
	KmsKeyId  string `json:"KmsKeyId"`
}

type clsTopicExtend struct {
	AnonymousAccess *struct {
		Operations []string `json:"Operations"`
		Conditions []struct {
			Attributes     string `json:"Attributes"`
			Rule           uint64 `json:"Rule"`
			ConditionValue string `json:"ConditionValue"`
		} `json:"Conditions"`
	} `json:"AnonymousAccess"`
}

// clsPeriods are the generated retentions, in turn: a year, six months
// less four days (180), 90 days, kept forever.
var clsPeriods = []struct{ period, hot int }{{365, 30}, {180, 0}, {90, 0}, {3640, 7}}

// clsService is the CLS half: the topics and the search state.
type clsService struct {
	t *tencentAPI

	once   sync.Once
	topics []*clsTopic // in track order
	byID   map[string]*clsTopic
	gen    *clsGenerated

	search clsSearchState
}

func registerCLS(t *tencentAPI) {
	t.cls = &clsService{t: t}
	t.cls.search.init()
	for _, a := range []struct {
		name   string
		handle func(*tencentCall) (any, *tencentError)
	}{
		{"DescribeTopics", t.cls.describeTopics},
		{"DescribeIndex", t.cls.describeIndex},
		{"SearchLog", t.cls.searchLog},
		{"DescribeLogHistogram", t.cls.describeLogHistogram},
	} {
		t.register("cls", a.name, tencentAction{version: "2020-10-16", regionRequired: true, handle: a.handle})
	}
}

// topicList builds the topics once, from the tracking sets that deliver to
// CLS in this account (no StorageAccountId, or this account's).
func (c *clsService) topicList() []*clsTopic {
	c.once.Do(func() {
		opts := c.t.srv.opts
		c.byID = map[string]*clsTopic{}
		if opts.CLS.Events > 0 {
			days := opts.CLS.Days
			if days <= 0 {
				days = 180
			}
			c.gen = generateCLSEvents(opts.CLS.Events, days, c.t.srv.start)
		}
		k := 0
		for _, raw := range c.t.trackSet() {
			var tr simTrack
			if json.Unmarshal(raw, &tr) != nil || tr.Storage == nil || tr.Storage.StorageType != "cls" {
				continue
			}
			if a := tr.Storage.StorageAccountId; a != nil && *a != "" && *a != opts.ownerUin {
				continue
			}
			if c.byID[tr.Storage.StorageName] != nil {
				continue // two tracking sets, one topic: the first defines it
			}
			top := &clsTopic{region: tr.Storage.StorageRegion, track: tr, opts: opts.CLS.Topics[tr.Storage.StorageName]}
			top.info = buildTopicInfo(tr, k, top.opts)
			c.topics = append(c.topics, top)
			c.byID[tr.Storage.StorageName] = top
			k++
		}
	})
	return c.topics
}

func buildTopicInfo(tr simTrack, k int, o CLSTopicOptions) clsTopicInfo {
	per := clsPeriods[k%len(clsPeriods)]
	if o.Period > 0 {
		per.period, per.hot = o.Period, 0
	}
	if o.HotPeriod > 0 {
		per.hot = o.HotPeriod
	}
	created, err := time.Parse("2006-01-02 15:04:05", tr.CreateTime)
	if err != nil {
		created = time.Date(2025, 1, 1, 0, 0, 0, 0, time.UTC)
	}
	info := clsTopicInfo{
		LogsetId:       fmt.Sprintf("%08x-7c1d-4e6a-8b1f-%012x", ucloudPermute32(uint32(len(tr.Storage.StorageRegion))), ucloudHash(len(tr.Storage.StorageRegion), 300)>>16),
		TopicId:        tr.Storage.StorageName,
		TopicName:      "cloudaudit_" + tr.Name,
		PartitionCount: 1, Index: true, AssumerName: "CloudAudit",
		CreateTime: created.Add(10 * time.Minute).Format("2006-01-02 15:04:05"),
		Status:     true, Tags: []clsTag{}, AutoSplit: true, MaxSplitPartitions: 50,
		StorageType: "hot", Period: int64(per.period), HotPeriod: uint64(per.hot),
		Describes: "CloudAudit tracking set " + tr.Name, RoleName: "CLS_QcsRole", AssumerUin: 100000000001,
	}
	if o.Cold {
		info.StorageType, info.HotPeriod = "cold", 0
	}
	if k%2 == 1 {
		info.Tags = []clsTag{{Key: "owner", Value: "security"}}
	}
	if k%3 == 1 { // encrypted with a customer key
		info.KeyId = fmt.Sprintf("kms-%08x", ucloudPermute32(uint32(k)))
		info.CustomKmsInfo = &clsKmsInfo{KmsRegion: tr.Storage.StorageRegion, KmsKeyId: info.KeyId}
	}
	if k%4 == 2 { // anonymous upload allowed from one VPC
		info.IsWebTracking = true
		info.Extends = &clsTopicExtend{AnonymousAccess: &struct {
			Operations []string `json:"Operations"`
			Conditions []struct {
				Attributes     string `json:"Attributes"`
				Rule           uint64 `json:"Rule"`
				ConditionValue string `json:"ConditionValue"`
			} `json:"Conditions"`
		}{Operations: []string{"trackLog"}}}
		info.Extends.AnonymousAccess.Conditions = append(info.Extends.AnonymousAccess.Conditions, struct {
			Attributes     string `json:"Attributes"`
			Rule           uint64 `json:"Rule"`
			ConditionValue string `json:"ConditionValue"`
		}{Attributes: "VpcID", Rule: 1, ConditionValue: "vpc-audit001"})
	}
	return info
}

// topic finds a topic by id in a region.
func (c *clsService) topic(id, region string) (*clsTopic, *tencentError) {
	c.topicList()
	top := c.byID[id]
	if top == nil || top.region != region {
		return nil, errorf("ResourceNotFound.TopicNotExist", "The topic %s does not exist in region %s.", id, region)
	}
	return top, nil
}

// logsOf returns a topic's logs, delivered on first use.
func (c *clsService) logsOf(top *clsTopic) *clsLogs {
	top.logsOnce.Do(func() {
		owner := c.t.srv.opts.ownerUin
		switch {
		case top.track.Status == 0:
			top.logs = &clsLogs{classFields: func(uint32) []clsField { return nil }} // a disabled tracking set delivers nothing
		case c.gen != nil:
			top.logs = c.gen.logsFor(top.track, owner, top.opts.JSONUserIdentity)
		default:
			top.logs = clsLogsFromEvents(c.t.cloudAuditEvents().events, top.track, top.opts.JSONUserIdentity)
		}
	})
	return top.logs
}

// CLSTopicIDs lists the topic ids the simulator serves, in track order.
func (s *Server) CLSTopicIDs() []string {
	var out []string
	for _, top := range s.tencent.cls.topicList() {
		out = append(out, top.info.TopicId)
	}
	return out
}

type clsFilter struct {
	Key    string   `json:"Key"`
	Values []string `json:"Values"`
}

func (c *clsService) describeTopics(call *tencentCall) (any, *tencentError) {
	p := call.params
	if err := p.only("Filters", "Offset", "Limit", "PreciseSearch", "BizType"); err != nil {
		return nil, err
	}
	var filters []clsFilter
	offset, limit := int64(0), int64(20)
	var precise, biz uint64
	for name, v := range map[string]any{"Filters": &filters, "Offset": &offset, "Limit": &limit, "PreciseSearch": &precise, "BizType": &biz} {
		if _, err := p.get(name, v, false); err != nil {
			return nil, err
		}
	}
	switch {
	case len(filters) > 10:
		return nil, errorf("InvalidParameter", "At most 10 Filters are allowed, got %d.", len(filters))
	case limit < 1 || limit > 100:
		return nil, errorf("InvalidParameter", "Limit must be 1 to 100, got %d.", limit)
	case offset < 0:
		return nil, errorf("InvalidParameter", "Offset must not be negative, got %d.", offset)
	case precise > 3 || biz > 1:
		return nil, errorf("InvalidParameter", "PreciseSearch is 0 to 3 and BizType 0 or 1.")
	}
	for i, f := range filters {
		if len(f.Values) > 100 {
			return nil, errorf("InvalidParameter", "Filters.%d holds more than 100 Values.", i)
		}
		switch {
		case f.Key == "topicName", f.Key == "logsetName", f.Key == "topicId", f.Key == "logsetId", f.Key == "tagKey",
			f.Key == "storageType", strings.HasPrefix(f.Key, "tag:"):
		default:
			return nil, errorf("InvalidParameter", "Filters.%d.Key `%s` is not valid; valid keys are topicName, logsetName, topicId, logsetId, tagKey, tag:<key>, storageType.", i, f.Key)
		}
	}
	var out []clsTopicInfo
	for _, top := range c.topicList() {
		if top.region != call.region || biz != 0 || !topicMatches(top.info, filters, precise) {
			continue
		}
		out = append(out, top.info)
	}
	total := len(out)
	start := min(int(offset), total)
	end := min(start+int(limit), total)
	page := out[start:end]
	if page == nil {
		page = []clsTopicInfo{}
	}
	return struct {
		Topics     []clsTopicInfo `json:"Topics"`
		TotalCount int            `json:"TotalCount"`
	}{page, total}, nil
}

func topicMatches(info clsTopicInfo, filters []clsFilter, precise uint64) bool {
	for _, f := range filters {
		ok := false
		for _, v := range f.Values {
			switch {
			case f.Key == "topicName":
				ok = ok || (precise&1 != 0 && info.TopicName == v) || (precise&1 == 0 && strings.Contains(info.TopicName, v))
			case f.Key == "logsetName":
				name := "cloudaudit_logset"
				ok = ok || (precise&2 != 0 && name == v) || (precise&2 == 0 && strings.Contains(name, v))
			case f.Key == "topicId":
				ok = ok || info.TopicId == v
			case f.Key == "logsetId":
				ok = ok || info.LogsetId == v
			case f.Key == "storageType":
				ok = ok || info.StorageType == v
			case f.Key == "tagKey":
				for _, t := range info.Tags {
					ok = ok || t.Key == v
				}
			case strings.HasPrefix(f.Key, "tag:"):
				for _, t := range info.Tags {
					ok = ok || (t.Key == strings.TrimPrefix(f.Key, "tag:") && t.Value == v)
				}
			}
		}
		if !ok {
			return false
		}
	}
	return true
}

// clsIndexKey is one key-value index entry (KeyValueInfo).
type clsIndexKey struct {
	Key   string       `json:"Key"`
	Value clsValueInfo `json:"Value"`
}

type clsValueInfo struct {
	Type      string `json:"Type"`
	Tokenizer string `json:"Tokenizer"`
	SqlFlag   bool   `json:"SqlFlag"`
	ContainZH bool   `json:"ContainZH"`
	Alias     string `json:"Alias"`
}

// clsIndexedKeys are the keys of a CloudAudit topic's key-value index,
// with their types: an assumption (cls.md §11: which keys such a topic
// indexes is undocumented). The JSON-string shape indexes userIdentity as
// one text key (a parent and its child cannot both be keys).
func clsIndexedKeys(jsonUserIdentity bool) []clsIndexKey {
	text := []string{"actionType", "apiErrorCode", "apiErrorMessage", "camErrorCode", "errorMessage", "eventID", "eventName",
		"eventRegion", "eventSource", "eventType", "eventVersion", "requestID", "requestParameters", "resourceId",
		"resourceName", "resourceRegion", "resourceType", "sensitiveAction", "sourceIPAddress", "userAgent"}
	if jsonUserIdentity {
		text = append(text, "userIdentity")
	} else {
		text = append(text, "userIdentity.accountId", "userIdentity.principalId", "userIdentity.secretId", "userIdentity.type", "userIdentity.userName")
	}
	var out []clsIndexKey
	for _, k := range text {
		// Free text (messages, agents, parameters) has no statistics.
		sql := k != "errorMessage" && k != "apiErrorMessage" && k != "userAgent" && k != "requestParameters"
		out = append(out, clsIndexKey{Key: k, Value: clsValueInfo{Type: "text", Tokenizer: clsDefaultTokenizer, SqlFlag: sql}})
	}
	out = append(out, clsIndexKey{Key: "errorCode", Value: clsValueInfo{Type: "long", SqlFlag: true}},
		clsIndexKey{Key: "eventTime", Value: clsValueInfo{Type: "long", SqlFlag: true}})
	sort.Slice(out, func(a, b int) bool { return out[a].Key < out[b].Key })
	return out
}

// indexTypes maps each indexed key to its type.
func (top *clsTopic) indexTypes() map[string]string {
	m := map[string]string{}
	for _, k := range clsIndexedKeys(top.opts.JSONUserIdentity) {
		m[k.Key] = k.Value.Type
	}
	return m
}

func (c *clsService) describeIndex(call *tencentCall) (any, *tencentError) {
	p := call.params
	if err := p.only("TopicId"); err != nil {
		return nil, err
	}
	var id string
	if _, err := p.get("TopicId", &id, true); err != nil {
		return nil, err
	}
	top, err := c.topic(id, call.region)
	if err != nil {
		return nil, err
	}
	type caseTokens struct {
		CaseSensitive bool   `json:"CaseSensitive"`
		Tokenizer     string `json:"Tokenizer"`
		ContainZH     bool   `json:"ContainZH"`
	}
	type keyValues struct {
		CaseSensitive bool          `json:"CaseSensitive"`
		KeyValues     []clsIndexKey `json:"KeyValues"`
	}
	rule := struct {
		FullText     *caseTokens `json:"FullText"`
		KeyValue     *keyValues  `json:"KeyValue"`
		Tag          *keyValues  `json:"Tag"`
		DynamicIndex *struct {
			Status bool `json:"Status"`
		} `json:"DynamicIndex"`
	}{
		FullText: &caseTokens{Tokenizer: clsDefaultTokenizer},
		KeyValue: &keyValues{KeyValues: clsIndexedKeys(top.opts.JSONUserIdentity)},
	}
	metadata := uint64(0)
	return map[string]any{
		"TopicId": id, "Status": true, "Rule": rule, "ModifyTime": top.info.CreateTime,
		"IncludeInternalFields": false, "MetadataFlag": metadata, "CoverageField": "",
	}, nil
}

// CLSLog is one log of a topic as SearchLog serves it.
type CLSLog struct {
	Time    int64 // Unix ms
	LogJson string
}

// CLSLogCount is how many logs a topic holds, before retention and
// delivery lag: what a search of every log over its whole time finds.
func (s *Server) CLSLogCount(topicID string) int {
	c := s.tencent.cls
	c.topicList()
	if top := c.byID[topicID]; top != nil {
		return c.logsOf(top).len()
	}
	return 0
}

// CLSLogs lists a topic's logs in ascending time, for tests comparing a
// read with what was served (each LogJson is built on the call: keep to
// small data sets).
func (s *Server) CLSLogs(topicID string) []CLSLog {
	c := s.tencent.cls
	c.topicList()
	top := c.byID[topicID]
	if top == nil {
		return nil
	}
	logs := c.logsOf(top)
	out := make([]CLSLog, logs.len())
	for i := range out {
		out[i] = CLSLog{Time: logs.times[i], LogJson: logs.logJSON(i)}
	}
	return out
}
