package client

import (
	"context"
	"fmt"
	"strconv"
	"strings"
)

// CSIP (Cloud Security Center) API identity.
const (
	CSIPService = "csip"
	CSIPVersion = "2022-11-21"
)

// DefaultUserCallRecordsPageSize is the page size ListUserCallRecords uses
// when none is given. The API documents neither a default nor a maximum
// Limit; the paging helper learns a silent cap.
const DefaultUserCallRecordsPageSize = 100

// DescribeUserCallRecordRequest is the request of DescribeUserCallRecord.
// SubUin is required by the API; the other fields are optional.
type DescribeUserCallRecordRequest struct {
	// SubUin is the UIN of the (sub-)account whose calls are listed.
	SubUin string `json:"SubUin"`
	// MemberId holds organization member IDs, for example "mem-6wfo0fzks3".
	MemberId []string `json:"MemberId,omitempty"`
	// Filter pages, sorts, bounds in time and filters by column.
	Filter *CSIPFilter `json:"Filter,omitempty"`
}

// CSIPFilter is CSIP's shared "Filter" type. Nil fields are not sent.
type CSIPFilter struct {
	Limit   *int64        `json:"Limit,omitempty"`
	Offset  *int64        `json:"Offset,omitempty"`
	Order   *string       `json:"Order,omitempty"` // "asc" or "desc"
	By      *string       `json:"By,omitempty"`    // sort field
	Filters []WhereFilter `json:"Filters,omitempty"`
	// StartTime and EndTime bound the query period, "YYYY-MM-DD hh:mm:ss".
	StartTime *string `json:"StartTime,omitempty"`
	EndTime   *string `json:"EndTime,omitempty"`
}

// WhereFilter is one column filter. OperatorType: 1 equal, 2 greater,
// 3 less, 4 greater or equal, 5 less or equal, 6 not equal, 7 exact,
// 9 fuzzy, 13 not fuzzy, 14 bitwise AND.
type WhereFilter struct {
	Name         string   `json:"Name"`
	Values       []string `json:"Values"`
	OperatorType *int64   `json:"OperatorType,omitempty"`
}

// DescribeUserCallRecordResponse is one page of call records.
type DescribeUserCallRecordResponse struct {
	ResponseMeta
	Data  []UserCallRecord `json:"Data"`
	Total *int64           `json:"Total"`
}

// UserCallRecord is the API's UserCallRecord type: the calls of one account
// from one source IP. Pointer fields keep "absent" apart from zero values.
type UserCallRecord struct {
	SourceIP       *string `json:"SourceIP"`
	EventType      *int64  `json:"EventType"` // 0 console, 1 API
	CallCount      *int64  `json:"CallCount"`
	Code           *int64  `json:"Code"` // 0 success
	FirstCallTime  *string `json:"FirstCallTime"`
	LastCallTime   *string `json:"LastCallTime"`
	SourceIPRemark *string `json:"SourceIPRemark"`
	Region         *string `json:"Region"` // geo location of the IP, free text
	UserName       *string `json:"UserName"`
	Date           *string `json:"Date"`
	AppID          *int64  `json:"AppID"`
	ISP            *string `json:"ISP"`
}

// DescribeUserCallRecord reads one page of call records. region may be ""
// (the API does not need one), in which case no X-TC-Region is sent.
func (c *TencentClient) DescribeUserCallRecord(ctx context.Context, region string, req DescribeUserCallRecordRequest) (*DescribeUserCallRecordResponse, error) {
	return callTencent[DescribeUserCallRecordResponse](ctx, c, tencentOp{
		Service: CSIPService, Version: CSIPVersion, Action: "DescribeUserCallRecord", Region: region,
	}, req)
}

// UserCallRecordIdentity names a call record by the fields that make it
// itself: the API aggregates the calls of one account per source IP, so a
// record is its SourceIP, EventType, Code, UserName, AppID, Region, ISP and
// Date, and its FirstCallTime (which sets apart two source IPs the API
// masks alike, such as 106.55.***.47). CallCount and LastCallTime grow with
// every call, and SourceIPRemark is the user's to edit at any time, so they
// are not part of it. An absent field is left out.
func UserCallRecordIdentity(r UserCallRecord) string {
	var b strings.Builder
	b.Grow(160)
	b.WriteString("call record {")
	sep := ""
	str := func(name string, v *string) {
		if v != nil {
			b.WriteString(sep + name + " " + strconv.Quote(*v))
			sep = ", "
		}
	}
	num := func(name string, v *int64) {
		if v != nil {
			b.WriteString(sep + name + " " + strconv.FormatInt(*v, 10))
			sep = ", "
		}
	}
	str("SourceIP", r.SourceIP)
	num("EventType", r.EventType)
	num("Code", r.Code)
	str("UserName", r.UserName)
	str("FirstCallTime", r.FirstCallTime)
	str("Date", r.Date)
	str("Region", r.Region)
	str("ISP", r.ISP)
	num("AppID", r.AppID)
	b.WriteString("}")
	return b.String()
}

// UserCallRecordsResult is every call record read by ListUserCallRecords.
type UserCallRecordsResult struct {
	// Records are in the order the API returned them; never nil.
	Records []UserCallRecord
	// Total is the API's count of matching records (ignoring Offset).
	Total int64
	// Pages is the number of API calls that succeeded.
	Pages int
	// PageSizeCap is the Limit the API was found to cap pages at (silently:
	// its documentation gives no maximum); 0 when none was seen.
	PageSizeCap int64
}

// ListUserCallRecords reads call records page by page with Limit/Offset
// until Total is reached or maxItems (when positive) records are read.
//
// The request's filter is kept (Order, By, StartTime, EndTime, Filters) and
// reading starts at its Offset when set; its Limit is replaced by pageSize
// (default DefaultUserCallRecordsPageSize). The request is not modified.
//
// Every page after the first starts one record early (Offset-1, with the
// same Limit, so pageSize-1 new records a page): that record must be the one
// the previous page ended with (by UserCallRecordIdentity), so that pages
// shifted by records arriving or ageing out during the read, and an API that
// ignores Offset, are noticed.
//
// A page shorter than the requested Limit before Total is reached reveals a
// silent page-size cap: the read continues at the next unread offset with
// the cap as its Limit. It fails rather than return a partial or shuffled
// list when the API's answers stop adding up: a Total that changes between
// pages (records added or aged out during the read), pages shifted against
// each other, a page holding more than Total leaves room for (each of which
// starts the read again once, then fails), a cap that changes again, an
// ignored Offset, or a page longer than asked for. Errors name the page, the
// offset and the RequestId.
func (c *TencentClient) ListUserCallRecords(ctx context.Context, region string, req DescribeUserCallRecordRequest, pageSize int64, maxItems int) (*UserCallRecordsResult, error) {
	if pageSize <= 0 {
		pageSize = DefaultUserCallRecordsPageSize
	}
	var filter CSIPFilter
	if req.Filter != nil {
		filter = *req.Filter
	}
	start := int64(0)
	if filter.Offset != nil && *filter.Offset > 0 {
		start = *filter.Offset
	}
	read := pagedRead[UserCallRecord]{
		noun: "call records", action: "DescribeUserCallRecord", pageSize: pageSize, start: start, maxItems: maxItems, log: c.log,
		identity: UserCallRecordIdentity,
		fetch: func(ctx context.Context, p pageSpec) (pageResult[UserCallRecord], error) {
			// Each page works on its own copy: the caller's filter is never changed.
			pageFilter := filter
			pageFilter.Limit, pageFilter.Offset = &p.limit, &p.offset
			pageReq := req
			pageReq.Filter = &pageFilter
			resp, err := c.DescribeUserCallRecord(ctx, region, pageReq)
			if err != nil {
				return pageResult[UserCallRecord]{}, err
			}
			if resp.Total != nil && *resp.Total < 0 {
				return pageResult[UserCallRecord]{}, fmt.Errorf("the API reports an impossible total of %d call records (RequestId: %s)", *resp.Total, resp.RequestId)
			}
			return pageResult[UserCallRecord]{items: resp.Data, total: resp.Total, requestID: resp.RequestId}, nil
		},
	}
	res, err := read.run(ctx)
	if err != nil {
		return nil, err
	}
	return &UserCallRecordsResult{Records: res.items, Total: res.total, Pages: res.pages, PageSizeCap: res.cap}, nil
}
