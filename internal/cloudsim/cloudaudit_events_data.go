// The CloudAudit DescribeEvents data set: its record type and the
// deterministic generator the simulator serves when no -data file is given.

package cloudsim

import (
	"encoding/binary"
	"encoding/json"
	"fmt"
	"strconv"
	"sync"
	"time"
)

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
	// errorCode and errorMessage are a signature or authentication
	// failure's; apiErrorCode and apiErrorMessage a failure in the
	// service's (the event-detail document). apiErrorCode is the
	// documented 0 for a call that succeeded, else the API's code.
	ErrorCode       int64  `json:"errorCode"`
	ErrorMessage    string `json:"errorMessage,omitempty"`
	APIErrorCode    any    `json:"apiErrorCode"`
	APIErrorMessage string `json:"apiErrorMessage,omitempty"`
	CamErrorCode    string `json:"camErrorCode,omitempty"`
	RequestID       string `json:"requestID"`
	EventID         string `json:"eventID"`
	EventType       string `json:"eventType"`
	EventName       string `json:"eventName"`
	ActionType      string `json:"actionType"`
	ResourceType    string `json:"resourceType"`
	ResourceID      string `json:"resourceId,omitempty"`
	ResourceName    string `json:"resourceName,omitempty"`
	EventRegion     string `json:"eventRegion"`
	ResourceRegion  string `json:"resourceRegion,omitempty"`
	SensitiveAction bool   `json:"sensitiveAction"`
}

// buildTencentEvents makes n events spread over the data span before now,
// newest first with strictly decreasing times, every field derived from the
// event's number so a fixed clock gives a fixed data set.
func buildTencentEvents(n int, now time.Time, ownerUin string) *tencentEventData {
	n = max(n, 0)
	d := &tencentEventData{events: make([]TencentEvent, n), views: map[string][]int32{}}
	end := now.Unix() - 60
	step := int64(1)
	if n > 0 {
		step = max(int64(cloudAuditEventsDataSpan/time.Second)/int64(n), 1)
	}
	owner, _ := strconv.ParseInt(ownerUin, 10, 64)
	for i := range n {
		h := ucloudHash(i, 101)
		jitter := int64(0)
		if step >= 2 {
			jitter = int64(ucloudHash(i, 102) % uint64(step/2))
		}
		unix := end - int64(i)*step - jitter
		user := tencentEventUsers[(h>>8)%uint64(len(tencentEventUsers))]
		if user.kind == "Root" {
			user.principal = ownerUin
		}
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
		// an unauthorized operation: ErrorCode set), the service rejects
		// the others after CAM let them through (ErrorCode 0; only the
		// document's apiErrorCode and apiErrorMessage say so). Reads and
		// logins fail less often; a failed login is an authentication
		// failure.
		fail := (h>>44)%6 == 0
		if kind.action == "Read" {
			fail = (h>>44)%19 == 0
		}
		errMsg, apiErrMsg := "", ""
		if fail {
			switch {
			case kind.name == "ConsoleLogin":
				e.ErrorCode, e.apiErrorCode, errMsg = 1, kind.failCode, "login failed: wrong password or MFA code"
			case (h>>50)%3 == 0 || kind.failCode == "":
				e.ErrorCode, e.apiErrorCode, e.camErrorCode, errMsg = 4102, "UnauthorizedOperation", "4102", "you are not authorized to perform operation ("+kind.product+":"+kind.name+")"
			default:
				e.apiErrorCode, apiErrMsg = kind.failCode, "the request failed: "+kind.failCode
			}
		}
		var apiErrorCode any = 0
		if e.apiErrorCode != "" {
			apiErrorCode = e.apiErrorCode
		}

		doc := cloudAuditEventDocument{
			EventVersion: "1.0", EventTime: e.EventTime, EventSource: e.EventSource, SourceIPAddress: e.SourceIPAddress,
			RequestParameters: "{}", ErrorCode: e.ErrorCode, ErrorMessage: errMsg, APIErrorCode: apiErrorCode,
			APIErrorMessage: apiErrMsg, CamErrorCode: e.camErrorCode,
			RequestID: e.RequestID, EventID: e.EventId, EventType: "ApiCall", EventName: e.EventName, ActionType: kind.action,
			ResourceType: kind.product, ResourceID: e.resourceID, EventRegion: region, SensitiveAction: kind.sensitive,
		}
		doc.UserIdentity.Type, doc.UserIdentity.PrincipalID, doc.UserIdentity.AccountID, doc.UserIdentity.UserName =
			user.kind, user.principal, ownerUin, user.name
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
