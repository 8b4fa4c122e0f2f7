package client

import (
	"context"
	"fmt"
)

// CLS (Cloud Log Service) API identity.
const (
	CLSService = "cls"
	CLSVersion = "2020-10-16"

	// CLSMaxTopicsPage is DescribeTopics' documented maximum Limit.
	CLSMaxTopicsPage = 100
	// maxCLSTopicPages stops a topic listing that never ends: 10,000 pages
	// of 100 are a million topics, far beyond any region of an account.
	maxCLSTopicPages = 10_000
)

// The documented rate limits of the CLS actions this client calls, in
// requests per second (API pages 614/60066, 71726, 56454, 56443). Without a
// configured rate, each keeps to its own; SearchLog and DescribeLogHistogram
// allow 10,000 a second, far more than one provider needs, so they are kept
// at 100 to leave the account's budget to others.
func init() {
	documentedTencentLimits["cls/DescribeTopics"] = 50
	documentedTencentLimits["cls/DescribeIndex"] = 20
	documentedTencentLimits["cls/SearchLog"] = 100
	documentedTencentLimits["cls/DescribeLogHistogram"] = 100
}

// CLSFilter is the API's Filter type of DescribeTopics.
type CLSFilter struct {
	Key    string   `json:"Key"`
	Values []string `json:"Values"`
}

// DescribeTopicsRequest is the request of DescribeTopics.
type DescribeTopicsRequest struct {
	Filters       []CLSFilter `json:"Filters,omitempty"`
	Offset        int64       `json:"Offset"`
	Limit         int64       `json:"Limit"`
	PreciseSearch *uint64     `json:"PreciseSearch,omitempty"`
	BizType       *uint64     `json:"BizType,omitempty"`
}

// DescribeTopicsResponse is one page of topics.
type DescribeTopicsResponse struct {
	ResponseMeta
	Topics     []CLSTopicInfo `json:"Topics"`
	TotalCount *int64         `json:"TotalCount"`
}

func (*DescribeTopicsResponse) promised() ([]string, bool) {
	return []string{"Topics", "TotalCount"}, false
}

// CLSTopicInfo is the API's TopicInfo. Every field may be absent, so every
// field is a pointer or a list and absent stays nil.
type CLSTopicInfo struct {
	LogsetId           *string           `json:"LogsetId"`
	TopicId            *string           `json:"TopicId"`
	TopicName          *string           `json:"TopicName"`
	PartitionCount     *int64            `json:"PartitionCount"`
	Index              *bool             `json:"Index"`
	AssumerName        *string           `json:"AssumerName"`
	CreateTime         *string           `json:"CreateTime"`
	Status             *bool             `json:"Status"`
	Tags               []CLSTag          `json:"Tags"`
	RoleName           *string           `json:"RoleName"`
	AutoSplit          *bool             `json:"AutoSplit"`
	MaxSplitPartitions *int64            `json:"MaxSplitPartitions"`
	StorageType        *string           `json:"StorageType"`
	Period             *int64            `json:"Period"`
	SubAssumerName     *string           `json:"SubAssumerName"`
	Describes          *string           `json:"Describes"`
	HotPeriod          *uint64           `json:"HotPeriod"`
	KeyId              *string           `json:"KeyId"`
	BizType            *uint64           `json:"BizType"`
	IsWebTracking      *bool             `json:"IsWebTracking"`
	Extends            *CLSTopicExtends  `json:"Extends"`
	TopicAsyncTaskID   *string           `json:"TopicAsyncTaskID"`
	MigrationStatus    *uint64           `json:"MigrationStatus"`
	EffectiveDate      *string           `json:"EffectiveDate"`
	IsSourceFrom       *bool             `json:"IsSourceFrom"`
	AssumerUin         *uint64           `json:"AssumerUin"`
	BillingMode        *uint64           `json:"BillingMode"`
	NewBillingMode     *uint64           `json:"NewBillingMode"`
	CustomKmsInfo      *CLSCustomKmsInfo `json:"CustomKmsInfo"`
}

// CLSTag is a tag of a topic.
type CLSTag struct {
	Key   *string `json:"Key"`
	Value *string `json:"Value"`
}

// CLSTopicExtends is the API's TopicExtendInfo.
type CLSTopicExtends struct {
	AnonymousAccess *CLSAnonymousAccess `json:"AnonymousAccess"`
}

// CLSAnonymousAccess is which operations need no authentication, and when.
type CLSAnonymousAccess struct {
	Operations []string                `json:"Operations"`
	Conditions []CLSAnonymousCondition `json:"Conditions"`
}

// CLSAnonymousCondition is one condition of anonymous access.
type CLSAnonymousCondition struct {
	Attributes     *string `json:"Attributes"`
	Rule           *uint64 `json:"Rule"`
	ConditionValue *string `json:"ConditionValue"`
}

// CLSCustomKmsInfo is the customer key a topic is encrypted with; an empty
// one means the system key.
type CLSCustomKmsInfo struct {
	KmsRegion *string `json:"KmsRegion"`
	KmsKeyId  *string `json:"KmsKeyId"`
}

// CLSTopicsResult is what ListCLSTopics read.
type CLSTopicsResult struct {
	Topics []CLSTopicInfo
	Total  int64
	Pages  int
}

// ListCLSTopics reads every topic the filters match in region, pages of
// the documented maximum one after the other, checked against TotalCount:
// a total that changes, a page that brings nothing before the total is
// reached, more topics than the total, or a topic listed twice fail the
// read (topic lists are short; a second pass is the caller's choice).
func (c *TencentClient) ListCLSTopics(ctx context.Context, region string, req DescribeTopicsRequest) (*CLSTopicsResult, error) {
	const action = "DescribeTopics"
	req.Offset, req.Limit = 0, CLSMaxTopicsPage
	res := &CLSTopicsResult{Topics: make([]CLSTopicInfo, 0)}
	seen := map[string]int{}
	var total *int64
	for page := 1; ; page++ {
		if page > maxCLSTopicPages {
			return nil, fmt.Errorf("tencentcloud %s: stopped after %d pages; the read is incomplete", action, maxCLSTopicPages)
		}
		resp, attempts, err := callTencentCounted[DescribeTopicsResponse](ctx, c, tencentOp{
			Service: CLSService, Version: CLSVersion, Action: action, Region: region,
		}, req)
		if err != nil {
			return nil, fmt.Errorf("reading page %d of CLS topics: %w", page, err)
		}
		res.Pages++
		rid := requestIDOrNone(resp.RequestId)
		if resp.TotalCount == nil || *resp.TotalCount < 0 {
			return nil, fmt.Errorf("tencentcloud %s: page %d carries no valid TotalCount (RequestId: %s), so the read cannot tell whether it is complete", action, page, rid)
		}
		if total != nil && *total != *resp.TotalCount {
			return nil, fmt.Errorf("tencentcloud %s: TotalCount changed from %d to %d between pages (page %d, RequestId: %s): topics were created or deleted during the read; read again",
				action, *total, *resp.TotalCount, page, rid)
		}
		total = resp.TotalCount
		if int64(len(resp.Topics)) > req.Limit {
			return nil, fmt.Errorf("tencentcloud %s: page %d held %d topics, more than the %d asked for (RequestId: %s)", action, page, len(resp.Topics), req.Limit, rid)
		}
		for i, t := range resp.Topics {
			id := ""
			if t.TopicId != nil {
				id = *t.TopicId
			}
			if id == "" {
				return nil, fmt.Errorf("tencentcloud %s: topic %d of page %d has no TopicId (RequestId: %s)", action, i+1, page, rid)
			}
			if prev, dup := seen[id]; dup {
				return nil, fmt.Errorf("tencentcloud %s: topic %s is listed on page %d and again on page %d (RequestId: %s): the list changed during the read; read again",
					action, id, prev, page, rid)
			}
			seen[id] = page
		}
		res.Topics = append(res.Topics, resp.Topics...)
		pageRead(ctx, page, len(resp.Topics), total, attempts)
		got := int64(len(res.Topics))
		switch {
		case got > *total:
			return nil, fmt.Errorf("tencentcloud %s: %d topics read, more than the TotalCount of %d (RequestId: %s)", action, got, *total, rid)
		case got == *total:
			res.Total = *total
			return res, nil
		case len(resp.Topics) == 0:
			return nil, fmt.Errorf("tencentcloud %s: page %d is empty, but only %d of the TotalCount of %d topics were read (RequestId: %s); the read is incomplete",
				action, page, got, *total, rid)
		}
		req.Offset = got
	}
}

// DescribeIndexRequest is the request of DescribeIndex.
type DescribeIndexRequest struct {
	TopicId string `json:"TopicId"`
}

// DescribeIndexResponse is a topic's index configuration.
type DescribeIndexResponse struct {
	ResponseMeta
	TopicId               *string      `json:"TopicId"`
	Status                *bool        `json:"Status"`
	Rule                  *CLSRuleInfo `json:"Rule"`
	ModifyTime            *string      `json:"ModifyTime"`
	IncludeInternalFields *bool        `json:"IncludeInternalFields"`
	MetadataFlag          *uint64      `json:"MetadataFlag"`
	CoverageField         *string      `json:"CoverageField"`
}

func (*DescribeIndexResponse) promised() ([]string, bool) { return []string{"Status"}, false }

// CLSRuleInfo is the API's RuleInfo: a null member is an index that is off.
type CLSRuleInfo struct {
	FullText     *CLSFullTextInfo     `json:"FullText"`
	KeyValue     *CLSRuleKeyValueInfo `json:"KeyValue"`
	Tag          *CLSRuleKeyValueInfo `json:"Tag"`
	DynamicIndex *CLSDynamicIndex     `json:"DynamicIndex"`
}

// CLSFullTextInfo is the full-text index.
type CLSFullTextInfo struct {
	CaseSensitive *bool   `json:"CaseSensitive"`
	Tokenizer     *string `json:"Tokenizer"`
	ContainZH     *bool   `json:"ContainZH"`
}

// CLSRuleKeyValueInfo is the key-value (or tag) index.
type CLSRuleKeyValueInfo struct {
	CaseSensitive *bool             `json:"CaseSensitive"`
	KeyValues     []CLSKeyValueInfo `json:"KeyValues"`
}

// CLSKeyValueInfo is one indexed key.
type CLSKeyValueInfo struct {
	Key   *string       `json:"Key"`
	Value *CLSValueInfo `json:"Value"`
}

// CLSValueInfo is how one key is indexed.
type CLSValueInfo struct {
	Type                  *string           `json:"Type"`
	Tokenizer             *string           `json:"Tokenizer"`
	SqlFlag               *bool             `json:"SqlFlag"`
	ContainZH             *bool             `json:"ContainZH"`
	Alias                 *string           `json:"Alias"`
	OpenIndexForChildOnly *bool             `json:"OpenIndexForChildOnly"`
	ChildNode             []CLSKeyValueInfo `json:"ChildNode"`
}

// CLSDynamicIndex is the dynamic index switch.
type CLSDynamicIndex struct {
	Status *bool `json:"Status"`
}

// DescribeCLSIndex reads the index configuration of one topic in region.
func (c *TencentClient) DescribeCLSIndex(ctx context.Context, region, topicID string) (*DescribeIndexResponse, error) {
	return callTencent[DescribeIndexResponse](ctx, c, tencentOp{
		Service: CLSService, Version: CLSVersion, Action: "DescribeIndex", Region: region,
	}, DescribeIndexRequest{TopicId: topicID})
}

// DescribeCLSTopic reads the one topic with topicID in region, or nil when
// the region holds none.
func (c *TencentClient) DescribeCLSTopic(ctx context.Context, region, topicID string) (*CLSTopicInfo, error) {
	res, err := c.ListCLSTopics(ctx, region, DescribeTopicsRequest{Filters: []CLSFilter{{Key: "topicId", Values: []string{topicID}}}})
	if err != nil {
		return nil, err
	}
	for i := range res.Topics {
		if t := res.Topics[i].TopicId; t != nil && *t == topicID {
			return &res.Topics[i], nil
		}
	}
	return nil, nil
}
