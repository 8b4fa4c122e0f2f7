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

// clsTopic is one topic a CloudAudit tracking set delivers to.
type clsTopic struct {
	info   clsTopicInfo
	region string
	track  simTrack
	opts   CLSTopicOptions
	// source is the account whose tracking set delivers here: this one,
	// or another that names this account as its StorageAccountId.
	source *tencentAPI

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

// clsRegions are the regions the international DescribeTopics page lists
// (cls.md §1); another is UnsupportedRegion.
var clsRegions = map[string]bool{
	"ap-bangkok": true, "ap-beijing": true, "ap-chengdu": true, "ap-chongqing": true, "ap-guangzhou": true,
	"ap-hongkong": true, "ap-jakarta": true, "ap-mumbai": true, "ap-nanjing": true, "ap-seoul": true,
	"ap-shanghai": true, "ap-shanghai-fsi": true, "ap-shenzhen-fsi": true, "ap-singapore": true, "ap-tokyo": true,
	"eu-frankfurt": true, "na-ashburn": true, "na-siliconvalley": true, "sa-saopaulo": true,
}

// clsService is the CLS half: the topics and the search state.
type clsService struct {
	t *tencentAPI

	once   sync.Once
	topics []*clsTopic // in track order
	byID   map[string]*clsTopic

	genOnce sync.Once
	gen     *clsGenerated

	reviewOnce sync.Once
	review     []TencentEvent

	// foreign are the accounts whose tracking sets may deliver to this
	// one's topics (StorageAccountId): the account that serves this one
	// as a member.
	foreign []*tencentAPI

	search clsSearchState
}

func registerCLS(t *tencentAPI) {
	t.cls = &clsService{t: t}
	t.cls.search.init()
	for _, m := range t.srv.members {
		m.srv.tencent.cls.foreign = append(m.srv.tencent.cls.foreign, t)
	}
	for _, a := range []struct {
		name   string
		handle func(*tencentCall) (any, *tencentError)
	}{
		{"DescribeTopics", t.cls.describeTopics},
		{"DescribeIndex", t.cls.describeIndex},
		{"SearchLog", t.cls.searchLog},
		{"DescribeLogHistogram", t.cls.describeLogHistogram},
	} {
		t.register("cls", a.name, tencentAction{version: "2020-10-16", regionRequired: true, regions: clsRegions, handle: a.handle})
	}
}

// topicList builds the topics once, from the tracking sets that deliver to
// CLS in this account (no StorageAccountId, or this account's).
func (c *clsService) topicList() []*clsTopic {
	c.once.Do(func() {
		opts := c.t.srv.opts
		c.byID = map[string]*clsTopic{}
		k := 0
		add := func(source *tencentAPI, own bool) {
			for _, raw := range source.trackSet() {
				var tr simTrack
				if json.Unmarshal(raw, &tr) != nil || tr.Storage == nil || tr.Storage.StorageType != "cls" {
					continue
				}
				a := tr.Storage.StorageAccountId
				elsewhere := a != nil && *a != "" && *a != source.srv.opts.ownerUin
				if own == elsewhere || !own && *a != opts.ownerUin {
					continue
				}
				if c.byID[tr.Storage.StorageName] != nil {
					continue // two tracking sets, one topic: the first defines it
				}
				top := &clsTopic{region: tr.Storage.StorageRegion, track: tr, opts: opts.CLS.Topics[tr.Storage.StorageName], source: source}
				top.info = buildTopicInfo(tr, k, top.opts)
				c.topics = append(c.topics, top)
				c.byID[tr.Storage.StorageName] = top
				k++
			}
		}
		add(c.t, true)
		for _, f := range c.foreign {
			add(f, false)
		}
	})
	return c.topics
}

// generated is the account's generated event stream (CLSOptions.Events),
// nil when the deliveries are the DescribeEvents data set.
func (c *clsService) generated() *clsGenerated {
	c.genOnce.Do(func() {
		o := c.t.srv.opts.CLS
		if o.Events > 0 {
			days := o.Days
			if days <= 0 {
				days = 180
			}
			c.gen = generateCLSEvents(o.Events, days, c.t.srv.start)
		}
	})
	return c.gen
}

// reviewEvents are the six-month review's deliveries (CLSOptions.Review),
// nil without a review.
func (c *clsService) reviewEvents() []TencentEvent {
	c.reviewOnce.Do(func() {
		if mode := c.t.srv.clsReview(); mode != "" {
			c.review = buildCLSReviewEvents(mode, c.t.srv.opts.CLS.Days, c.t.srv.start, c.t.srv.opts.ownerUin)
		}
	})
	return c.review
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
		src := top.source
		owner := src.srv.opts.ownerUin
		switch {
		case top.track.Status == 0:
			top.logs = &clsLogs{classFields: func(uint32) []clsField { return nil }} // a disabled tracking set delivers nothing
		case src.cls.generated() == nil && src.cls.reviewEvents() != nil:
			top.logs = clsLogsFromEvents(src.cls.reviewEvents(), top.track, top.opts.JSONUserIdentity)
		case src.cls.generated() != nil:
			top.logs = src.cls.generated().logsFor(top.track, owner, top.opts.JSONUserIdentity)
		default:
			top.logs = clsLogsFromEvents(src.cls.deliveredEvents(top.track), top.track, top.opts.JSONUserIdentity)
		}
		if top.opts.DeliveryTime {
			top.logs.toDeliveryTime()
		}
	})
	return top.logs
}

// deliveredEvents are the DescribeEvents events a tracking set of this
// account delivers, newest first: the account's own, and, for a set that
// follows every member of the organization (TrackForAllMembers 1), those
// of the member accounts the simulator serves, whose documents name the
// member in userIdentity.accountId.
func (c *clsService) deliveredEvents(track simTrack) []TencentEvent {
	events := c.t.cloudAuditEvents().events
	d, ok := c.t.srv.CloudAuditTrack(track.TrackId)
	if !ok || d.TrackForAllMembers == nil || *d.TrackForAllMembers != 1 || len(c.t.srv.members) == 0 {
		return events
	}
	all := append([]TencentEvent(nil), events...)
	uins := make([]string, 0, len(c.t.srv.members))
	for uin := range c.t.srv.members {
		uins = append(uins, uin)
	}
	sort.Strings(uins)
	for _, uin := range uins {
		all = append(all, c.t.srv.members[uin].srv.tencent.cloudAuditEvents().events...)
	}
	sort.SliceStable(all, func(a, b int) bool { return all[a].unix > all[b].unix })
	return all
}

// CLSTopics describes the topics the simulator serves, in track order:
// "id (region, tracking set name, N days)".
func (s *Server) CLSTopics() []string {
	var out []string
	for _, top := range s.tencent.cls.topicList() {
		out = append(out, fmt.Sprintf("%s (%s, %s, %d days)", top.info.TopicId, top.region, top.track.Name, top.info.Period))
	}
	return out
}

// PrepareCLS delivers every topic's logs now rather than on the first
// search, so that a benchmark times searches, not the data set's making.
func (s *Server) PrepareCLS() {
	c := s.tencent.cls
	for _, top := range c.topicList() {
		c.logsOf(top)
	}
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

// CLSLog is one log of a topic as SearchLog serves it (a LogInfo).
type CLSLog struct {
	Time               int64 // Unix ms
	TopicId, TopicName string
	PkgId, PkgLogId    string
	LogJson            string
	Source, FileName   string // "" for CloudAudit's deliveries
	HostName, RawLog   string // ""
	IndexStatus        string // ""
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
		li := logInfo(top, logs, i)
		out[i] = CLSLog{Time: li.Time, TopicId: li.TopicId, TopicName: li.TopicName, PkgId: li.PkgId, PkgLogId: li.PkgLogId, LogJson: li.LogJson}
	}
	return out
}
