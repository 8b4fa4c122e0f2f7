// CLS DescribeIndex: the index of a CloudAudit topic (cls.md §6).

package cloudsim

import "sort"

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
