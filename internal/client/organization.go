package client

import (
	"context"
	"encoding/json"
	"strconv"
)

// Tencent Cloud Organization API identity. The API takes no region: none
// is sent.
const (
	OrganizationService = "organization"
	OrganizationVersion = "2021-03-31"
)

// OrganizationMembersPageSize is the Limit of every DescribeOrganizationMembers
// page: the documented maximum (1 to 50), so that a read needs as few calls
// as possible.
const OrganizationMembersPageSize = 50

// DescribeOrganizationMembersRequest is the request of
// DescribeOrganizationMembers. Offset and Limit are required by the API,
// and Offset must be a multiple of Limit; the other fields narrow or shape
// the list and are sent only when set.
type DescribeOrganizationMembersRequest struct {
	Offset uint64 `json:"Offset"`
	Limit  uint64 `json:"Limit"`
	// Lang is the site: "en" (international) or "zh" (China).
	Lang string `json:"Lang,omitempty"`
	// SearchKey searches by member name or member UIN.
	SearchKey string `json:"SearchKey,omitempty"`
	// AuthName searches by the name of the verified entity.
	AuthName string `json:"AuthName,omitempty"`
	// Product is the trusted service's product code, required when a
	// trusted-service (delegated) administrator calls.
	Product string `json:"Product,omitempty"`
	// Tags keeps the members carrying these tags (at most 10).
	Tags []OrgTag `json:"Tags,omitempty"`
}

// DescribeOrganizationMembersResponse is one page of members.
type DescribeOrganizationMembersResponse struct {
	ResponseMeta
	Items []OrgMember `json:"Items"`
	Total *uint64     `json:"Total"`
}

// OrgMember is the API's OrgMember type: one member account of the
// organization. Every field may be absent (the API says each may be null),
// so every field is a pointer or a nil-able list.
type OrgMember struct {
	MemberUin        *int64           `json:"MemberUin"`
	Name             *string          `json:"Name"`
	MemberType       *string          `json:"MemberType"`    // Invite or Create
	OrgPolicyType    *string          `json:"OrgPolicyType"` // Financial
	OrgPolicyName    *string          `json:"OrgPolicyName"`
	OrgPermission    []OrgPermission  `json:"OrgPermission"`
	NodeId           *int64           `json:"NodeId"`
	NodeName         *string          `json:"NodeName"`
	Remark           *string          `json:"Remark"`
	CreateTime       *string          `json:"CreateTime"`
	UpdateTime       *string          `json:"UpdateTime"`
	IsAllowQuit      *string          `json:"IsAllowQuit"` // Allow or Denied
	PayUin           *string          `json:"PayUin"`
	PayName          *string          `json:"PayName"`
	OrgIdentity      []MemberIdentity `json:"OrgIdentity"`
	BindStatus       *string          `json:"BindStatus"`       // Unbound, Valid, Success or Failed
	PermissionStatus *string          `json:"PermissionStatus"` // Confirmed or UnConfirmed
	Tags             []OrgTag         `json:"Tags"`
	NickName         *string          `json:"NickName"`
}

// OrgPermission is one financial permission of a member.
type OrgPermission struct {
	Id   *uint64 `json:"Id"`
	Name *string `json:"Name"`
}

// MemberIdentity is one management identity of a member.
type MemberIdentity struct {
	IdentityId        *int64  `json:"IdentityId"`
	IdentityAliasName *string `json:"IdentityAliasName"`
}

// OrgTag is the API's Tag type: a member's tag, or a tag to search by.
type OrgTag struct {
	TagKey   *string `json:"TagKey"`
	TagValue *string `json:"TagValue"`
}

// DescribeOrganizationMembers reads one page of organization members. The
// API takes no region, so none is sent.
func (c *TencentClient) DescribeOrganizationMembers(ctx context.Context, req DescribeOrganizationMembersRequest) (*DescribeOrganizationMembersResponse, error) {
	return callTencent[DescribeOrganizationMembersResponse](ctx, c, tencentOp{
		Service: OrganizationService, Version: OrganizationVersion, Action: "DescribeOrganizationMembers",
	}, req)
}

// OrganizationMembersResult is every member read by ListOrganizationMembers.
type OrganizationMembersResult struct {
	// Members in API order; never nil.
	Members []OrgMember
	// Total is the API's count of members matching the request.
	Total uint64
	// Pages is the number of API calls that succeeded, the checks of the
	// page borders included.
	Pages int
	// PageSizeCap is the Limit the API was found to cap pages at (silently,
	// below the documented 50); 0 when none was seen.
	PageSizeCap uint64
}

// ListOrganizationMembers reads every member matching req (or the first
// maxItems, when positive), with pages of OrganizationMembersPageSize
// fetched concurrently once the first has given the total; req's Offset and
// Limit are replaced. It fails rather than return a partial or inconsistent
// list; see pagedRead. A member listed twice (pages that overlap) is an
// error.
//
// The API wants every Offset to be a multiple of Limit, so every page asks
// for the full page size (the surplus of the last one is dropped) and, when
// the API silently caps its pages, the read starts again from the first
// member with pages of the cap: continuing at the next unread offset would
// send an Offset that is no multiple of the new Limit.
//
// Pages cannot overlap for the same reason, so the border of every two
// pages is checked instead: once both are read, the last member of the
// first is read again alone (Limit 1), and a different member means the
// list shifted under the read (see paging_borders.go). Every answer must
// carry both Items and Total.
func (c *TencentClient) ListOrganizationMembers(ctx context.Context, req DescribeOrganizationMembersRequest, maxItems int) (*OrganizationMembersResult, error) {
	read := pagedRead[OrgMember]{
		noun: "organization members", action: "DescribeOrganizationMembers", pageSize: OrganizationMembersPageSize,
		maxItems: maxItems, fixedLimit: true, requireTotal: true, log: c.log,
		key: func(m OrgMember) (string, bool) {
			if m.MemberUin == nil {
				return "", false
			}
			return "MemberUin " + strconv.FormatInt(*m.MemberUin, 10), true
		},
		probeBorders: true, identity: orgMemberIdentity,
		fetch: func(ctx context.Context, p pageSpec) (pageResult[OrgMember], error) {
			pageReq := req // each page works on its own copy
			pageReq.Offset, pageReq.Limit = uint64(p.offset), uint64(p.size)
			resp, err := c.DescribeOrganizationMembers(ctx, pageReq)
			if err != nil {
				return pageResult[OrgMember]{}, err
			}
			total, err := totalFromUint64("organization members", resp.Total, resp.RequestId)
			if err != nil {
				return pageResult[OrgMember]{}, err
			}
			return pageResult[OrgMember]{items: resp.Items, total: total, requestID: resp.RequestId}, nil
		},
	}
	res, err := read.run(ctx)
	if err != nil {
		return nil, err
	}
	return &OrganizationMembersResult{Members: res.items, Total: uint64(res.total), Pages: res.pages, PageSizeCap: uint64(res.cap)}, nil
}

// orgMemberIdentity names a member for the border probes: its MemberUin,
// or, for a member without one, the whole record as the API sent it.
func orgMemberIdentity(m OrgMember) string {
	if m.MemberUin != nil {
		return "MemberUin " + strconv.FormatInt(*m.MemberUin, 10)
	}
	b, _ := json.Marshal(m)
	return "a member without a MemberUin, " + string(b)
}
