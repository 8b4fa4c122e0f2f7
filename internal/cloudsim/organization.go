package cloudsim

// Tencent Cloud Organization: DescribeOrganizationMembers (service
// organization, version 2021-03-31, host organization.tencentcloudapi.com,
// organization.intl.tencentcloudapi.com on the international site).
//
// What the simulator relies on, from the API's page
// https://www.tencentcloud.com/document/api/1031/52062 (2024 to 2026
// versions), its data types page https://www.tencentcloud.com/document/product/1031/52067,
// and the SDK model (tencentcloud-sdk-go, tencentcloud/organization/v20210331
// models.go and client.go; the .NET and Ruby SDKs for the two newest
// OrgMember fields):
//
//   - Region: "not required for this API"; any region, or none, is accepted.
//   - Offset (Integer, required): "an integer multiple of the value of
//     Limit"; Limit (Integer, required): 1 to 50. Both are uint64 in the
//     SDK. A value out of range is refused with InvalidParameterValue (the
//     common code for a wrong value; the action's own list names only
//     InvalidParameter, and the provider treats both alike).
//   - Lang: en (international site) or zh (China site). SearchKey: "search by
//     member name or ID". AuthName: the verified entity's name, a field the
//     answer does not carry. Product: the trusted service's product code,
//     required when a trusted-service administrator calls. Tags.N: "member
//     tag search list, with a maximum of 10", of {TagKey, TagValue}.
//   - The answer: Items (Array of OrgMember), Total (Integer, uint64 in the
//     SDK), RequestId. OrgMember: MemberUin (Integer, int64), Name,
//     MemberType (Invite or Create), OrgPolicyType (Financial),
//     OrgPolicyName, OrgPermission [{Id (uint64), Name}], NodeId (int64),
//     NodeName, Remark, CreateTime, UpdateTime (YYYY-MM-DD hh:mm:ss),
//     IsAllowQuit (Allow or Denied), PayUin, PayName (strings),
//     OrgIdentity [{IdentityId (int64), IdentityAliasName}], BindStatus
//     (Unbound, Valid, Success or Failed), PermissionStatus (Confirmed or
//     UnConfirmed), Tags [{TagKey, TagValue}], NickName. Every field "may
//     return null"; the simulator leaves out Tags and NickName on some
//     members, as the newest fields. No source read lists an
//     IsMemberAllowQuit field: it is not served.
//   - Errors of the action: FailedOperation.OperateBillingPermissionErr,
//     InternalError, InvalidParameter, ResourceNotFound.OrganizationNodeNotExist,
//     ResourceNotFound.OrganizationNotExist,
//     ResourceNotFound.OrganizationServiceNotExist. Rate limit 20 per second
//     (the 2023 page; later pages print none).
//
// Not documented, so chosen here: the administrator account is itself a
// member of the list (the first); SearchKey matches a part of the name
// (case folded) or of the UIN; AuthName a part of the entity name; a member
// matches Tags when it carries every tag given; Product is accepted and
// changes nothing (the caller is the organization's administrator). An
// account in no organization (Options.OrgMembers negative) is refused with
// ResourceNotFound.OrganizationNotExist.

import (
	"encoding/json"
	"fmt"
	"strconv"
	"strings"
	"sync"
	"time"
)

// Organization request limits.
const (
	orgMaxLimit      = 50
	orgMaxSearchTags = 10
)

// OrgMember is one member of the simulator's organization, with the JSON
// names of the API's OrgMember type.
type OrgMember struct {
	MemberUin        int64               `json:"MemberUin"`
	Name             string              `json:"Name"`
	MemberType       string              `json:"MemberType"`
	OrgPolicyType    string              `json:"OrgPolicyType"`
	OrgPolicyName    string              `json:"OrgPolicyName"`
	OrgPermission    []OrgPermission     `json:"OrgPermission"`
	NodeId           int64               `json:"NodeId"`
	NodeName         string              `json:"NodeName"`
	Remark           string              `json:"Remark"`
	CreateTime       string              `json:"CreateTime"`
	UpdateTime       string              `json:"UpdateTime"`
	IsAllowQuit      string              `json:"IsAllowQuit"`
	PayUin           string              `json:"PayUin"`
	PayName          string              `json:"PayName"`
	OrgIdentity      []OrgMemberIdentity `json:"OrgIdentity"`
	BindStatus       string              `json:"BindStatus"`
	PermissionStatus string              `json:"PermissionStatus"`
	Tags             []OrgTag            `json:"Tags,omitempty"`     // absent on some members
	NickName         *string             `json:"NickName,omitempty"` // absent on some members
	// AuthName is the verified entity the member belongs to: AuthName
	// searches by it, but the API does not return it.
	AuthName string `json:"-"`
}

// OrgPermission is a financial permission of a member.
type OrgPermission struct {
	Id   uint64 `json:"Id"`
	Name string `json:"Name"`
}

// OrgMemberIdentity is the API's MemberIdentity type.
type OrgMemberIdentity struct {
	IdentityId        int64  `json:"IdentityId"`
	IdentityAliasName string `json:"IdentityAliasName"`
}

// OrgTag is the API's Tag type.
type OrgTag struct {
	TagKey   string `json:"TagKey"`
	TagValue string `json:"TagValue"`
}

var (
	orgMemberNames = []string{"prod", "finance", "dev", "security", "logging", "billing", "data", "sandbox"}
	orgPermissions = []OrgPermission{{1, "View bills"}, {2, "View balance"}, {3, "Pay for the member"}, {4, "Consolidated billing"}, {5, "Issue invoices"}}
	orgNodes       = []struct {
		id   int64
		name string
	}{{1001, "Root"}, {1002, "Production"}, {1003, "Development"}}
	orgBindStatuses = []string{"Unbound", "Valid", "Success", "Failed"}
	orgEnvironments = []string{"prod", "staging", "dev"}
)

// orgAdminName is the name of the administrator account in the list.
const orgAdminName = "org-admin"

// buildOrgMember derives member i (0-based) from its index alone: member 0
// is the administrator account (DefaultTencentOwnerUin), member i > 0 has
// the UIN 100000000001 + i.
func buildOrgMember(i int) OrgMember {
	uin, _ := strconv.ParseInt(DefaultTencentOwnerUin, 10, 64)
	m := OrgMember{
		MemberUin:     uin + int64(i),
		Name:          orgAdminName,
		MemberType:    "Create",
		OrgPolicyType: "Financial",
		OrgPolicyName: "Financial management",
		OrgPermission: []OrgPermission{},
		OrgIdentity:   []OrgMemberIdentity{},
		IsAllowQuit:   "Denied",
		BindStatus:    orgBindStatuses[i%len(orgBindStatuses)],
		AuthName:      "Example Technology Co., Ltd.",
	}
	node := orgNodes[i%len(orgNodes)]
	m.NodeId, m.NodeName = node.id, node.name
	created := time.Date(2024, 3, 1, 10, 0, 0, 0, csipZone).Add(time.Duration(i) * 36 * time.Hour)
	m.CreateTime = created.Format(CSIPTimeLayout)
	m.UpdateTime = created.Add(time.Duration(i%7) * 24 * time.Hour).Format(CSIPTimeLayout)
	m.PermissionStatus = map[bool]string{true: "UnConfirmed", false: "Confirmed"}[i%5 == 4]
	if i > 0 {
		base := orgMemberNames[(i-1)%len(orgMemberNames)]
		m.Name = base
		if round := (i - 1) / len(orgMemberNames); round > 0 {
			m.Name = fmt.Sprintf("%s-%d", base, round+1)
		}
		if i%4 == 1 {
			m.MemberType = "Invite"
		}
		m.OrgPermission = append(m.OrgPermission, orgPermissions[:1+i%len(orgPermissions)]...)
		if i%2 == 1 {
			m.Remark = m.Name + " account"
		}
		if i%3 == 0 {
			m.IsAllowQuit = "Allow"
		}
		if i%4 == 2 {
			m.PayUin, m.PayName = DefaultTencentOwnerUin, orgAdminName
		}
		switch i % 3 {
		case 1:
			m.OrgIdentity = []OrgMemberIdentity{{1, "Administrator"}}
		case 2:
			m.OrgIdentity = []OrgMemberIdentity{{1, "Administrator"}, {2, "Finance"}}
		}
		if i%5 == 3 {
			m.AuthName = "Example Labs Ltd."
		}
	}
	if i%2 == 1 {
		m.Tags = []OrgTag{{"env", orgEnvironments[(i/2)%len(orgEnvironments)]}}
		if i%4 == 3 {
			m.Tags = append(m.Tags, OrgTag{"team", "security"})
		}
	}
	if i%3 != 2 {
		nick := "nick-" + m.Name
		m.NickName = &nick
	}
	return m
}

// orgService holds the organization's members.
type orgService struct {
	srv *Server

	once    sync.Once
	mu      sync.Mutex
	members []orgRow // guarded by mu once built
	// next is the index (buildOrgMember) of the next member to join:
	// members who left keep their UINs to themselves.
	next int
}

type orgRow struct {
	m   OrgMember
	raw json.RawMessage
}

func registerOrganization(t *tencentAPI) {
	o := &orgService{srv: t.srv}
	t.org = o
	t.register("organization", "DescribeOrganizationMembers", tencentAction{version: "2021-03-31", handle: o.describeOrganizationMembers})
}

// rows returns the members, built and encoded once.
func (o *orgService) rows() []orgRow {
	o.once.Do(func() {
		n := max(o.srv.opts.OrgMembers, 0)
		rows := make([]orgRow, n)
		for i := range rows {
			rows[i] = orgRowFor(buildOrgMember(i))
		}
		o.mu.Lock()
		o.members, o.next = rows, n
		o.mu.Unlock()
	})
	o.mu.Lock()
	defer o.mu.Unlock()
	return o.members
}

func orgRowFor(m OrgMember) orgRow {
	raw, _ := json.Marshal(m)
	return orgRow{m: m, raw: raw}
}

// insertMembers adds n members, as accounts joining during a long read.
func (o *orgService) insertMembers(n int) {
	o.rows()
	o.mu.Lock()
	defer o.mu.Unlock()
	for range n {
		o.members = append(o.members, o.join())
	}
}

// join builds the next member to join; mu is held.
func (o *orgService) join() orgRow {
	r := orgRowFor(buildOrgMember(o.next))
	o.next++
	return r
}

// shiftMembers changes the list under a constant total, as a member
// leaving and another joining between two pages of a read do. up: the
// first member after the administrator leaves and a new member joins at
// the end (the order new members are listed in), so every later member
// moves one offset up. down: the last member leaves and a new member is
// listed first after the administrator, so every later member moves one
// offset down. An organization of the administrator alone does not change.
func (o *orgService) shiftMembers(up bool) {
	o.rows()
	o.mu.Lock()
	defer o.mu.Unlock()
	n := len(o.members)
	if n < 2 {
		return
	}
	// A new slice: pages already answered keep the rows they were given.
	shifted := make([]orgRow, 0, n)
	if up {
		shifted = append(append(append(shifted, o.members[0]), o.members[2:]...), o.join())
	} else {
		shifted = append(append(append(shifted, o.members[0]), o.join()), o.members[1:n-1]...)
	}
	o.members = shifted
}

// OrganizationMembers returns the members DescribeOrganizationMembers
// lists, in its order; none when the account is in no organization.
func (s *Server) OrganizationMembers() []OrgMember {
	rows := s.tencent.org.rows()
	out := make([]OrgMember, len(rows))
	for i, r := range rows {
		out[i] = r.m
	}
	return out
}

func (o *orgService) describeOrganizationMembers(call *tencentCall) (any, *tencentError) {
	p := call.params
	if err := p.only("Offset", "Limit", "Lang", "SearchKey", "AuthName", "Product", "Tags"); err != nil {
		return nil, err
	}
	var offset, limit int64
	if _, err := p.get("Offset", &offset, true); err != nil {
		return nil, err
	}
	if _, err := p.get("Limit", &limit, true); err != nil {
		return nil, err
	}
	switch {
	case limit < 1 || limit > orgMaxLimit:
		return nil, errorf("InvalidParameterValue", "The value of `Limit` must be from 1 to %d, got %d.", orgMaxLimit, limit)
	case offset < 0:
		return nil, errorf("InvalidParameterValue", "The value of `Offset` must not be negative, got %d.", offset)
	case offset%limit != 0:
		return nil, errorf("InvalidParameterValue", "The value of `Offset` (%d) must be a multiple of `Limit` (%d).", offset, limit)
	}
	var lang, searchKey, authName, product string
	for _, s := range []struct {
		name string
		v    *string
	}{{"Lang", &lang}, {"SearchKey", &searchKey}, {"AuthName", &authName}, {"Product", &product}} {
		if _, err := p.get(s.name, s.v, false); err != nil {
			return nil, err
		}
	}
	if lang != "" && lang != "en" && lang != "zh" {
		return nil, errorf("InvalidParameterValue", "The value of `Lang` must be `en` or `zh`, got %q.", lang)
	}
	tags, terr := parseOrgTags(p)
	if terr != nil {
		return nil, terr
	}
	if o.srv.opts.OrgMembers < 0 {
		return nil, errorf("ResourceNotFound.OrganizationNotExist", "The organization does not exist: account %s belongs to no organization.", DefaultTencentOwnerUin)
	}

	rows := o.rows()
	matched := make([]json.RawMessage, 0, len(rows))
	for i := range rows {
		if orgMatches(&rows[i].m, searchKey, authName, tags) {
			matched = append(matched, rows[i].raw)
		}
	}
	n := int64(len(matched))
	start := min(offset, n)
	end := min(start+o.srv.cappedPage("DescribeOrganizationMembers", limit), n)
	return struct {
		Items []json.RawMessage `json:"Items"`
		Total int64             `json:"Total"`
	}{Items: matched[start:end], Total: n}, nil
}

// parseOrgTags validates Tags: at most 10 {TagKey, TagValue}.
func parseOrgTags(p params) ([]OrgTag, *tencentError) {
	var raw []map[string]json.RawMessage
	if _, err := p.get("Tags", &raw, false); err != nil {
		return nil, err
	}
	if len(raw) > orgMaxSearchTags {
		return nil, errorf("InvalidParameterValue", "The value of `Tags` holds %d tags, more than the %d allowed.", len(raw), orgMaxSearchTags)
	}
	tags := make([]OrgTag, 0, len(raw))
	for i, r := range raw {
		tp := params{raw: r, path: fmt.Sprintf("Tags.%d.", i)}
		if tp.raw == nil {
			tp.raw = map[string]json.RawMessage{}
		}
		if err := tp.only("TagKey", "TagValue"); err != nil {
			return nil, err
		}
		var tag OrgTag
		if _, err := tp.get("TagKey", &tag.TagKey, true); err != nil {
			return nil, err
		}
		if _, err := tp.get("TagValue", &tag.TagValue, false); err != nil {
			return nil, err
		}
		tags = append(tags, tag)
	}
	return tags, nil
}

// orgMatches applies the search arguments; see the top of this file.
func orgMatches(m *OrgMember, searchKey, authName string, tags []OrgTag) bool {
	if searchKey != "" && !strings.Contains(strings.ToLower(m.Name), strings.ToLower(searchKey)) &&
		!strings.Contains(strconv.FormatInt(m.MemberUin, 10), searchKey) {
		return false
	}
	if authName != "" && !strings.Contains(m.AuthName, authName) {
		return false
	}
	for _, want := range tags {
		found := false
		for _, have := range m.Tags {
			found = found || have == want
		}
		if !found {
			return false
		}
	}
	return true
}
