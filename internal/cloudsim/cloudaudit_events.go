package cloudsim

import (
	"crypto/hmac"
	"crypto/sha256"
	"encoding/binary"
	"encoding/json"
	"fmt"
	"sort"
	"strconv"
	"strings"
	"sync"
	"time"
)

// CloudAudit DescribeEvents limits, as documented: StartTime at most 90 days
// back, a span under 30 days, at most 50 events per page.
const (
	cloudAuditEventsLookback = 90 * 24 * time.Hour
	cloudAuditEventsMaxSpan  = 30 * 24 * time.Hour
	cloudAuditEventsMaxPage  = 50
	// The API documents no default MaxResults; LookUpEvents' documents
	// once said 10, so the simulator uses that.
	cloudAuditEventsDefaultPage = 10
	// cloudAuditEventsDataSpan is how far back the data set reaches: inside
	// one query's 30-day span, so one window reads every event.
	cloudAuditEventsDataSpan = 28 * 24 * time.Hour
)

// CloudAuditEventLookupKeys are the AttributeKey values DescribeEvents
// documents.
var CloudAuditEventLookupKeys = []string{
	"RequestId", "EventName", "ActionType", "PrincipalId", "ResourceType", "ResourceId", "ResourceName",
	"AccessKeyId", "SensitiveAction", "ApiErrorCode", "CamErrorCode", "SourceIPAddress", "Tags",
}

// TencentEventResources is the API's Resource type. ResourceName is absent
// for calls that name no single resource (lists, logins).
type TencentEventResources struct {
	ResourceType string  `json:"ResourceType"`
	ResourceName *string `json:"ResourceName,omitempty"`
}

// TencentEvent is one event of the CloudAudit data set, with the API's JSON
// names. SecretId is absent for console operations, ResourceRegion for
// global products, Location unless the request asks for it.
type TencentEvent struct {
	EventId         string                `json:"EventId"`
	Username        string                `json:"Username"`
	EventTime       string                `json:"EventTime"`
	CloudAuditEvent string                `json:"CloudAuditEvent"`
	ResourceTypeCn  string                `json:"ResourceTypeCn"`
	ErrorCode       int64                 `json:"ErrorCode"`
	EventName       string                `json:"EventName"`
	SecretId        *string               `json:"SecretId,omitempty"`
	EventSource     string                `json:"EventSource"`
	RequestID       string                `json:"RequestID"`
	ResourceRegion  *string               `json:"ResourceRegion,omitempty"`
	AccountID       int64                 `json:"AccountID"`
	SourceIPAddress string                `json:"SourceIPAddress"`
	EventNameCn     string                `json:"EventNameCn"`
	Resources       TencentEventResources `json:"Resources"`
	EventRegion     string                `json:"EventRegion"`
	Location        *string               `json:"Location,omitempty"`

	// What lookup conditions match, beyond the fields above.
	actionType, principalID, resourceID, apiErrorCode, camErrorCode string
	sensitive                                                       bool
	location                                                        string
	unix                                                            int64
}

// ActionType is "Read" or "Write"; PrincipalID, ResourceID, ApiErrorCode,
// CamErrorCode and Sensitive are what the lookup keys of those names match.
func (e TencentEvent) ActionType() string   { return e.actionType }
func (e TencentEvent) PrincipalID() string  { return e.principalID }
func (e TencentEvent) ResourceID() string   { return e.resourceID }
func (e TencentEvent) ApiErrorCode() string { return e.apiErrorCode }
func (e TencentEvent) CamErrorCode() string { return e.camErrorCode }
func (e TencentEvent) Sensitive() bool      { return e.sensitive }
func (e TencentEvent) Unix() int64          { return e.unix }

// LocationText is the IP location served when IsReturnLocation is 1.
func (e TencentEvent) LocationText() string { return e.location }

// tencentEventUser is an identity of the account: the root account, CAM
// sub-accounts (one of them API-only), and an assumed role.
type tencentEventUser struct {
	name, kind, principal string
	secretID              string // "" for people who also use the console
	apiOnly               bool
}

var tencentEventUsers = []tencentEventUser{
	{name: "root", kind: "Root", principal: DefaultTencentOwnerUin},
	{name: "alice", kind: "CAMUser", principal: "100000000011", secretID: "AKIDa1ic3Ex4mp1eKey0000000000000011"},
	{name: "bob", kind: "CAMUser", principal: "100000000012", secretID: "AKIDb0bEx4mp1eKey00000000000000012"},
	{name: "zhang.wei", kind: "CAMUser", principal: "100000000013", secretID: "AKIDzh4ngWeiEx4mp1eKey000000000013"},
	{name: "ci-deployer", kind: "CAMUser", principal: "100000000014", secretID: "AKIDc1Depl0yerEx4mp1eKey0000000014", apiOnly: true},
	{name: "ops-admin", kind: "AssumedRole", principal: "4611686018427397919:ops-session", secretID: "AKIDtmpR0leSess10nKey0000000000919", apiOnly: true},
}

// tencentEventKind is an API (or the console login) that appears in the log.
type tencentEventKind struct {
	name, nameCn, product, action string
	sensitive, namesResource      bool
	failCode                      string // API error code when the call fails
}

var tencentEventKinds = []tencentEventKind{
	{name: "ConsoleLogin", nameCn: "控制台登录", product: "account", action: "Write", sensitive: true, failCode: "FailedOperation.LoginFailed"},
	{name: "DescribeInstances", nameCn: "查看实例列表", product: "cvm", action: "Read"},
	{name: "RunInstances", nameCn: "创建实例", product: "cvm", action: "Write", namesResource: true, failCode: "ResourceInsufficient.SpecifiedInstanceType"},
	{name: "TerminateInstances", nameCn: "退还实例", product: "cvm", action: "Write", namesResource: true, sensitive: true, failCode: "InvalidInstanceId.NotFound"},
	{name: "DeleteBucket", nameCn: "删除存储桶", product: "cos", action: "Write", namesResource: true, sensitive: true, failCode: "BucketNotEmpty"},
	{name: "PutBucketPolicy", nameCn: "设置存储桶权限策略", product: "cos", action: "Write", namesResource: true, sensitive: true, failCode: "MalformedPolicy"},
	{name: "GetService", nameCn: "查询存储桶列表", product: "cos", action: "Read"},
	{name: "CreateUser", nameCn: "创建子用户", product: "cam", action: "Write", namesResource: true, failCode: "InvalidParameter.UserNameIllegal"},
	{name: "DeleteUser", nameCn: "删除子用户", product: "cam", action: "Write", namesResource: true, sensitive: true, failCode: "ResourceNotFound.UserNotExist"},
	{name: "AttachUserPolicy", nameCn: "绑定策略到用户", product: "cam", action: "Write", namesResource: true, sensitive: true, failCode: "InvalidParameter.PolicyIdNotExist"},
	{name: "CreateAccessKey", nameCn: "创建访问密钥", product: "cam", action: "Write", namesResource: true, sensitive: true, failCode: "OperationDenied.AccessKeyOverLimit"},
	{name: "DeleteAccessKey", nameCn: "删除访问密钥", product: "cam", action: "Write", namesResource: true, sensitive: true, failCode: "ResourceNotFound.AccessKeyNotExist"},
	{name: "ListUsers", nameCn: "拉取子用户", product: "cam", action: "Read"},
	{name: "DeleteSecurityGroup", nameCn: "删除安全组", product: "vpc", action: "Write", namesResource: true, failCode: "ResourceInUse"},
	{name: "ModifySecurityGroupPolicies", nameCn: "修改安全组出站和入站规则", product: "vpc", action: "Write", namesResource: true, sensitive: true, failCode: "InvalidParameterValue.Malformed"},
	{name: "ScheduleKeyDeletion", nameCn: "计划删除主密钥", product: "kms", action: "Write", namesResource: true, sensitive: true, failCode: "ResourceUnavailable.CmkStateNotSupport"},
	{name: "DescribeAuditTracks", nameCn: "查询跟踪集概要", product: "cloudaudit", action: "Read"},
}

var tencentProductCn = map[string]string{
	"account": "账号中心", "cvm": "云服务器", "cos": "对象存储", "cam": "访问管理", "vpc": "私有网络", "kms": "密钥管理服务", "cloudaudit": "云审计",
}

// Global products have no resource region.
var tencentGlobalProducts = map[string]bool{"account": true, "cam": true}

var tencentEventRegions = []string{"ap-guangzhou", "ap-guangzhou", "ap-shanghai", "ap-beijing", "ap-hongkong", "ap-singapore"}

var tencentEventAddresses = []struct{ ip, location string }{
	{"203.0.113.17", "中国-广东省-深圳市"},
	{"198.51.100.42", "中国-北京市-北京市"},
	{"192.0.2.101", "中国-上海市-上海市"},
	{"2001:db8:85a3::8a2e:370:7334", "中国-广东省-广州市"},
	{"2001:db8:4860::8888", "新加坡-新加坡-新加坡"},
	{"100.64.12.9", "内网"},
}

// tencentEventData is the event list, newest first, with a cache of the
// matching events per query, so each page costs O(page).
type tencentEventData struct {
	events []TencentEvent

	mu    sync.Mutex
	views map[string][]int32
}

func tencentEventResourceName(kind tencentEventKind, h uint64) (name, id string) {
	n := uint32(h>>40) % 97
	switch kind.product {
	case "cvm":
		id = fmt.Sprintf("ins-%08x", ucloudPermute32(0xc0000000|n))
		return id, id
	case "cos":
		name = fmt.Sprintf("audit-data-%d-%d", n%12, DefaultTencentAppID)
		return name, name
	case "cam":
		switch kind.name {
		case "CreateAccessKey", "DeleteAccessKey":
			id = fmt.Sprintf("AKID%016x%016x", ucloudHash(int(n), 107), ucloudHash(int(n), 108))
			return id, id
		case "AttachUserPolicy":
			return fmt.Sprintf("policy-%d", 1000+n%20), fmt.Sprintf("%d", 200000000+n%20)
		}
		name = []string{"carol", "dave", "erin", "frank", "grace", "heidi"}[n%6]
		return name, fmt.Sprintf("1000000001%02d", n%6)
	case "vpc":
		id = fmt.Sprintf("sg-%08x", ucloudPermute32(0x50000000|n%30))
		return id, id
	case "kms":
		id = fmt.Sprintf("%08x-%04x-11ee-%04x-%012x", ucloudPermute32(0x70000000|n%10), n%10, 0x8000|n%10, uint64(n%10)*0x1111)
		return id, id
	}
	return "", ""
}

// uuidFrom formats 128 bits of two hashes as a UUID.
func uuidFrom(a, b uint64) string {
	var buf [16]byte
	binary.BigEndian.PutUint64(buf[:8], a)
	binary.BigEndian.PutUint64(buf[8:], b)
	buf[6] = (buf[6] & 0x0f) | 0x40
	buf[8] = (buf[8] & 0x3f) | 0x80
	h := fmt.Sprintf("%x", buf[:])
	return h[0:8] + "-" + h[8:12] + "-" + h[12:16] + "-" + h[16:20] + "-" + h[20:32]
}

// cloudAuditEventDocument is the CloudAuditEvent string: the whole event,
// as the API serves it, consistent with the event's own fields.
type cloudAuditEventDocument struct {
	EventVersion string `json:"eventVersion"`
	UserIdentity struct {
		Type        string `json:"type"`
		PrincipalID string `json:"principalId"`
		AccountID   string `json:"accountId"`
		SecretID    string `json:"secretId,omitempty"`
		UserName    string `json:"userName"`
	} `json:"userIdentity"`
	EventTime         string `json:"eventTime"`
	EventSource       string `json:"eventSource"`
	SourceIPAddress   string `json:"sourceIPAddress"`
	UserAgent         string `json:"userAgent"`
	RequestParameters string `json:"requestParameters"`
	ErrorCode         int64  `json:"errorCode"`
	APIErrorCode      string `json:"apiErrorCode,omitempty"`
	CamErrorCode      string `json:"camErrorCode,omitempty"`
	ErrorMessage      string `json:"errorMessage,omitempty"`
	RequestID         string `json:"requestID"`
	EventID           string `json:"eventID"`
	EventType         string `json:"eventType"`
	EventName         string `json:"eventName"`
	ActionType        string `json:"actionType"`
	ResourceType      string `json:"resourceType"`
	ResourceID        string `json:"resourceId,omitempty"`
	ResourceName      string `json:"resourceName,omitempty"`
	EventRegion       string `json:"eventRegion"`
	ResourceRegion    string `json:"resourceRegion,omitempty"`
	SensitiveAction   bool   `json:"sensitiveAction"`
}

// buildTencentEvents makes n events spread over the data span before now,
// newest first with strictly decreasing times, every field derived from the
// event's number so a fixed clock gives a fixed data set.
func buildTencentEvents(n int, now time.Time) *tencentEventData {
	n = max(n, 0)
	d := &tencentEventData{events: make([]TencentEvent, n), views: map[string][]int32{}}
	end := now.Unix() - 60
	step := int64(1)
	if n > 0 {
		step = max(int64(cloudAuditEventsDataSpan/time.Second)/int64(n), 1)
	}
	owner, _ := strconv.ParseInt(DefaultTencentOwnerUin, 10, 64)
	for i := range n {
		h := ucloudHash(i, 101)
		jitter := int64(0)
		if step >= 2 {
			jitter = int64(ucloudHash(i, 102) % uint64(step/2))
		}
		unix := end - int64(i)*step - jitter
		user := tencentEventUsers[(h>>8)%uint64(len(tencentEventUsers))]
		kind := tencentEventKinds[(h>>16)%uint64(len(tencentEventKinds))]
		if kind.name == "ConsoleLogin" && user.apiOnly {
			kind = tencentEventKinds[1+(h>>20)%uint64(len(tencentEventKinds)-1)]
		}
		console := kind.name == "ConsoleLogin" || (user.secretID == "" && kind.name != "ConsoleLogin")
		addr := tencentEventAddresses[(h>>28)%uint64(len(tencentEventAddresses))]
		region := tencentEventRegions[(h>>32)%uint64(len(tencentEventRegions))]

		e := TencentEvent{
			EventId:         uuidFrom(ucloudHash(i, 103), ucloudHash(i, 104)),
			Username:        user.name,
			EventTime:       strconv.FormatInt(unix, 10),
			ResourceTypeCn:  tencentProductCn[kind.product],
			EventName:       kind.name,
			EventSource:     kind.product + ".tencentcloudapi.com",
			RequestID:       uuidFrom(ucloudHash(i, 105), ucloudHash(i, 106)),
			AccountID:       owner,
			SourceIPAddress: addr.ip,
			EventNameCn:     kind.nameCn,
			Resources:       TencentEventResources{ResourceType: kind.product},
			EventRegion:     region,
			actionType:      kind.action,
			principalID:     user.principal,
			sensitive:       kind.sensitive,
			location:        addr.location,
			unix:            unix,
		}
		if kind.name == "ConsoleLogin" {
			e.EventSource = "console.cloud.tencent.com"
		}
		if !console {
			sid := user.secretID
			e.SecretId = &sid
		}
		if !tencentGlobalProducts[kind.product] {
			r := region
			e.ResourceRegion = &r
		}
		if kind.namesResource {
			name, id := tencentEventResourceName(kind, h)
			e.Resources.ResourceName = &name
			e.resourceID = id
		}
		// About one write in six fails: CAM refuses some (error code 4102,
		// an unauthorized operation), the API rejects the others. Reads and
		// logins fail less often.
		fail := (h>>44)%6 == 0
		if kind.action == "Read" {
			fail = (h>>44)%19 == 0
		}
		errMsg := ""
		if fail {
			switch {
			case kind.name == "ConsoleLogin":
				e.ErrorCode, e.apiErrorCode, errMsg = 1, kind.failCode, "login failed: wrong password or MFA code"
			case (h>>50)%3 == 0 || kind.failCode == "":
				e.ErrorCode, e.apiErrorCode, e.camErrorCode, errMsg = 4102, "UnauthorizedOperation", "4102", "you are not authorized to perform operation ("+kind.product+":"+kind.name+")"
			default:
				e.ErrorCode, e.apiErrorCode, errMsg = 1, kind.failCode, "the request failed: "+kind.failCode
			}
		}

		doc := cloudAuditEventDocument{
			EventVersion: "1.0", EventTime: e.EventTime, EventSource: e.EventSource, SourceIPAddress: e.SourceIPAddress,
			RequestParameters: "{}", ErrorCode: e.ErrorCode, APIErrorCode: e.apiErrorCode, CamErrorCode: e.camErrorCode, ErrorMessage: errMsg,
			RequestID: e.RequestID, EventID: e.EventId, EventType: "ApiCall", EventName: e.EventName, ActionType: kind.action,
			ResourceType: kind.product, ResourceID: e.resourceID, EventRegion: region, SensitiveAction: kind.sensitive,
		}
		doc.UserIdentity.Type, doc.UserIdentity.PrincipalID, doc.UserIdentity.AccountID, doc.UserIdentity.UserName =
			user.kind, user.principal, DefaultTencentOwnerUin, user.name
		if e.SecretId != nil {
			doc.UserIdentity.SecretID = *e.SecretId
			doc.UserAgent = "Terraform/1.11 (+https://www.terraform.io)"
		} else {
			doc.UserAgent = "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0 Safari/537.36"
		}
		if kind.name == "ConsoleLogin" {
			doc.EventType = "ConsoleLogin"
		}
		if e.Resources.ResourceName != nil {
			doc.ResourceName = *e.Resources.ResourceName
		}
		if e.ResourceRegion != nil {
			doc.ResourceRegion = *e.ResourceRegion
		}
		raw, _ := json.Marshal(doc)
		e.CloudAuditEvent = string(raw)
		d.events[i] = e
	}
	return d
}

// cloudAuditEvents returns the event data set, dated before the simulator's
// start and built on first use.
func (t *tencentAPI) cloudAuditEvents() *tencentEventData {
	t.eventsOnce.Do(func() {
		if raws, ok := t.srv.opts.Data.CloudAuditEvents(); ok {
			t.events = tencentEventsFrom(raws)
			return
		}
		t.events = buildTencentEvents(t.srv.opts.CloudAuditEvents, t.eventsEpoch)
	})
	return t.events
}

// CloudAuditEvents returns the DescribeEvents data set in API order, newest
// first: what a read of a window covering it, without conditions, returns.
func (s *Server) CloudAuditEvents() []TencentEvent {
	return append([]TencentEvent(nil), s.tencent.cloudAuditEvents().events...)
}

// eventsQuery is a DescribeEvents request, every parameter but NextToken.
type eventsQuery struct {
	StartTime, EndTime uint64
	MaxResults         uint64
	IsReturnLocation   uint64
	Lookup             []eventsLookup
}

type eventsLookup struct {
	Key   string  `json:"AttributeKey"`
	Value *string `json:"AttributeValue"`
}

// key is the query's canonical form: the token binding and the cache key.
func (q eventsQuery) key() string {
	b, _ := json.Marshal(q)
	return string(b)
}

func (t *tencentAPI) describeEvents(call *tencentCall) (any, *tencentError) {
	p := call.params
	if err := p.only("StartTime", "EndTime", "NextToken", "MaxResults", "LookupAttributes", "IsReturnLocation"); err != nil {
		return nil, err
	}
	var q eventsQuery
	if _, err := p.get("StartTime", &q.StartTime, true); err != nil {
		return nil, err
	}
	if _, err := p.get("EndTime", &q.EndTime, true); err != nil {
		return nil, err
	}
	q.MaxResults = cloudAuditEventsDefaultPage
	if _, err := p.get("MaxResults", &q.MaxResults, false); err != nil {
		return nil, err
	}
	if _, err := p.get("IsReturnLocation", &q.IsReturnLocation, false); err != nil {
		return nil, err
	}
	var token uint64
	hasToken, err := p.get("NextToken", &token, false)
	if err != nil {
		return nil, err
	}
	var lookups []json.RawMessage
	if _, err := p.get("LookupAttributes", &lookups, false); err != nil {
		return nil, err
	}
	for i, raw := range lookups {
		lp := params{raw: map[string]json.RawMessage{}, path: fmt.Sprintf("LookupAttributes.%d.", i)}
		if json.Unmarshal(raw, &lp.raw) != nil {
			return nil, errorf("InvalidParameter", "The value type of parameter `LookupAttributes.%d` is not valid.", i)
		}
		if err := lp.only("AttributeKey", "AttributeValue"); err != nil {
			return nil, err
		}
		var l eventsLookup
		if _, err := lp.get("AttributeKey", &l.Key, true); err != nil {
			return nil, err
		}
		if _, err := lp.get("AttributeValue", &l.Value, false); err != nil {
			return nil, err
		}
		if !contains(CloudAuditEventLookupKeys, l.Key) {
			return nil, errorf("InvalidParameter", "LookupAttributes.%d.AttributeKey `%s` is not valid; valid keys are %s.", i, l.Key, strings.Join(CloudAuditEventLookupKeys, ", "))
		}
		q.Lookup = append(q.Lookup, l)
	}

	now := call.now.Unix()
	switch {
	case q.MaxResults < 1 || q.MaxResults > cloudAuditEventsMaxPage:
		return nil, errorf("InvalidParameter", "MaxResults must be between 1 and %d, got %d.", cloudAuditEventsMaxPage, q.MaxResults)
	case q.IsReturnLocation > 1:
		return nil, errorf("InvalidParameter", "IsReturnLocation must be 0 or 1, got %d.", q.IsReturnLocation)
	case q.StartTime > q.EndTime:
		return nil, errorf("InvalidParameter", "StartTime (%d) must not be after EndTime (%d).", q.StartTime, q.EndTime)
	case int64(q.StartTime) < now-int64(cloudAuditEventsLookback/time.Second) || q.StartTime > 1<<62:
		return nil, errorf("InvalidParameter", "StartTime (%d) is more than 90 days ago; events can be searched for the last 90 days only.", q.StartTime)
	case q.EndTime-q.StartTime >= uint64(cloudAuditEventsMaxSpan/time.Second):
		return nil, errorf("InvalidParameter", "The time span from StartTime to EndTime (%d s) must be under 30 days.", q.EndTime-q.StartTime)
	}

	view := t.eventsView(q)
	offset := 0
	if hasToken {
		o, ok := t.openEventsToken(q, token)
		if !ok || o > len(view) {
			return nil, errorf("InvalidParameter", "NextToken `%d` is invalid: it was not issued for this query (every parameter but NextToken must be the same as in the call that returned it).", token)
		}
		offset = o
	}
	end := min(offset+int(t.srv.cappedPage("DescribeEvents", int64(q.MaxResults))), len(view))
	data := t.cloudAuditEvents()
	events := make([]TencentEvent, 0, end-offset)
	for _, idx := range view[offset:end] {
		e := data.events[idx]
		if q.IsReturnLocation == 1 {
			loc := e.location
			e.Location = &loc
		}
		events = append(events, e)
	}
	// As in the documentation's example, the last page carries a NextToken
	// too: readers must stop on ListOver.
	return struct {
		ListOver   bool           `json:"ListOver"`
		NextToken  uint64         `json:"NextToken"`
		Events     []TencentEvent `json:"Events"`
		TotalCount int            `json:"TotalCount"`
	}{ListOver: end >= len(view), NextToken: t.eventsToken(q, end), Events: events, TotalCount: len(events)}, nil
}

// eventsView returns the numbers of the events the query matches, newest
// first. Conditions on different keys must all hold; several values of one
// key match any of them (the documentation says so for EventName).
func (t *tencentAPI) eventsView(q eventsQuery) []int32 {
	data := t.cloudAuditEvents()
	vq := q
	vq.MaxResults, vq.IsReturnLocation = 0, 0
	key := vq.key()
	data.mu.Lock()
	if v, ok := data.views[key]; ok {
		data.mu.Unlock()
		return v
	}
	data.mu.Unlock()

	byKey := map[string][]string{}
	var keys []string
	for _, l := range q.Lookup {
		v := ""
		if l.Value != nil {
			v = *l.Value
		}
		if _, ok := byKey[l.Key]; !ok {
			keys = append(keys, l.Key)
		}
		byKey[l.Key] = append(byKey[l.Key], v)
	}
	sort.Strings(keys)
	// Events are newest first: the window is one contiguous run.
	evs := data.events
	lo := sort.Search(len(evs), func(i int) bool { return evs[i].unix <= int64(q.EndTime) })
	hi := sort.Search(len(evs), func(i int) bool { return evs[i].unix < int64(q.StartTime) })
	view := make([]int32, 0, max(hi-lo, 0))
	for i := lo; i < hi; i++ {
		if eventMatches(&evs[i], keys, byKey) {
			view = append(view, int32(i))
		}
	}
	data.mu.Lock()
	if len(data.views) >= maxCachedUCloudViews {
		data.views = map[string][]int32{}
	}
	data.views[key] = view
	data.mu.Unlock()
	return view
}

func eventMatches(e *TencentEvent, keys []string, byKey map[string][]string) bool {
	for _, k := range keys {
		var field string
		switch k {
		case "RequestId":
			field = e.RequestID
		case "EventName":
			field = e.EventName
		case "ActionType":
			field = e.actionType
		case "PrincipalId":
			field = e.principalID
		case "ResourceType":
			field = e.Resources.ResourceType
		case "ResourceId":
			field = e.resourceID
		case "ResourceName":
			if e.Resources.ResourceName != nil {
				field = *e.Resources.ResourceName
			}
		case "AccessKeyId":
			if e.SecretId != nil {
				field = *e.SecretId
			}
		case "SensitiveAction":
			field = strconv.FormatBool(e.sensitive)
		case "ApiErrorCode":
			field = e.apiErrorCode
		case "CamErrorCode":
			field = e.camErrorCode
		case "SourceIPAddress":
			field = e.SourceIPAddress
		case "Tags":
			return false // no event of the data set carries tags
		}
		if field == "" || !contains(byKey[k], field) {
			return false
		}
	}
	return true
}

// Tokens are uint64, as the API's are: the top bit set (so every token is
// above 2^53 and a reader that passes it through a float64 breaks), 39 bits
// of an HMAC over the query and the position, and the position in the
// query's result list in the low 24 bits. A token is only valid for the
// query it was issued for.
const eventsTokenOffsetBits = 24

func (t *tencentAPI) eventsTokenMAC(q eventsQuery, offset int) uint64 {
	key := sha256.Sum256([]byte("cloudsim cloudaudit NextToken\x00" + t.srv.opts.TencentSecretKey))
	m := hmac.New(sha256.New, key[:])
	m.Write([]byte(q.key()))
	m.Write([]byte{0, byte(offset >> 16), byte(offset >> 8), byte(offset)})
	return binary.BigEndian.Uint64(m.Sum(nil)) >> (64 - 39)
}

func (t *tencentAPI) eventsToken(q eventsQuery, offset int) uint64 {
	return 1<<63 | t.eventsTokenMAC(q, offset)<<eventsTokenOffsetBits | uint64(offset)
}

func (t *tencentAPI) openEventsToken(q eventsQuery, token uint64) (int, bool) {
	offset := int(token & (1<<eventsTokenOffsetBits - 1))
	return offset, token == t.eventsToken(q, offset)
}

// ---------------------------------------------------------------- DescribeAuditTrack

// simResourceField is the API's ResourceField type.
type simResourceField struct {
	ResourceType string   `json:"ResourceType"`
	ActionType   string   `json:"ActionType"`
	EventNames   []string `json:"EventNames"`
}

// TrackDetail is DescribeAuditTrack's answer for one tracking set: the
// fields of the list's Tracks except TrackId, plus TrackForAllMembers
// (absent for some sets, as the API allows) and Filters.
type TrackDetail struct {
	Name               string      `json:"Name"`
	ActionType         string      `json:"ActionType"`
	ResourceType       string      `json:"ResourceType"`
	Status             uint64      `json:"Status"`
	EventNames         []string    `json:"EventNames"`
	Storage            *simStorage `json:"Storage"`
	CreateTime         string      `json:"CreateTime"`
	TrackForAllMembers *uint64     `json:"TrackForAllMembers,omitempty"`
	Filters            *struct {
		ResourceFields []simResourceField `json:"ResourceFields"`
	} `json:"Filters,omitempty"`
}

// trackDetail derives the detail of tracking set i from the same data as
// DescribeAuditTracks serves.
func trackDetail(tr simTrack, i int) TrackDetail {
	d := TrackDetail{Name: tr.Name, ActionType: tr.ActionType, ResourceType: tr.ResourceType, Status: tr.Status,
		EventNames: tr.EventNames, Storage: tr.Storage, CreateTime: tr.CreateTime}
	if i%6 != 5 { // the sixth set has the field null, as the API allows
		all := uint64(map[bool]int{true: 1, false: 0}[i%2 == 0])
		d.TrackForAllMembers = &all
	}
	if i%7 != 6 { // the seventh set has no filters
		d.Filters = &struct {
			ResourceFields []simResourceField `json:"ResourceFields"`
		}{ResourceFields: []simResourceField{{ResourceType: tr.ResourceType, ActionType: tr.ActionType, EventNames: tr.EventNames}}}
		if tr.ResourceType != "*" && i%3 == 1 {
			d.Filters.ResourceFields = append(d.Filters.ResourceFields,
				simResourceField{ResourceType: "cam", ActionType: "Write", EventNames: []string{"DeleteUser", "CreateAccessKey"}})
		}
	}
	return d
}

// CloudAuditTrack returns DescribeAuditTrack's answer for a tracking set,
// and whether it exists.
func (s *Server) CloudAuditTrack(trackID uint64) (TrackDetail, bool) {
	if d := s.opts.Data; d != nil && d.trackDetail != nil {
		answer, ok := d.AuditTrack(trackID)
		if !ok {
			return TrackDetail{}, false
		}
		return trackDetailFrom(answer), true
	}
	all := s.tencent.trackSet()
	for i, raw := range all {
		var tr simTrack
		if json.Unmarshal(raw, &tr) == nil && tr.TrackId == trackID {
			return trackDetail(tr, i), true
		}
	}
	return TrackDetail{}, false
}

func (t *tencentAPI) describeAuditTrack(call *tencentCall) (any, *tencentError) {
	p := call.params
	if err := p.only("TrackId"); err != nil {
		return nil, err
	}
	var id uint64
	if _, err := p.get("TrackId", &id, true); err != nil {
		return nil, err
	}
	d, ok := t.srv.CloudAuditTrack(id)
	if !ok {
		return nil, errorf("ResourceNotFound.AuditNotExist", "The tracking set does not exist.")
	}
	return d, nil
}
