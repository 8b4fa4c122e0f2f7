package client

import (
	"context"
	"fmt"
	"strconv"
)

const (
	// CloudAuditMaxEventsPage is the documented maximum of DescribeEvents'
	// MaxResults.
	CloudAuditMaxEventsPage = 50

	// maxCloudAuditEventPages stops a read that never ends: an API handing
	// out ever new tokens without ever saying ListOver. The API serves at
	// most 30 days per query; 200,000 pages of 50 are ten million events,
	// far beyond any account's month.
	maxCloudAuditEventPages = 200_000
)

// LookupAttribute is one condition of DescribeEvents. Conditions on
// different keys must all hold; several conditions on one key match events
// with any of their values (the API's documentation says so for EventName;
// the simulator applies it to every key).
type LookupAttribute struct {
	AttributeKey   string  `json:"AttributeKey"`
	AttributeValue *string `json:"AttributeValue,omitempty"`
}

// DescribeEventsRequest is the request of DescribeEvents (2019-03-19). Every
// number is a uint64 in the API. StartTime and EndTime are required.
type DescribeEventsRequest struct {
	StartTime        uint64            `json:"StartTime"`
	EndTime          uint64            `json:"EndTime"`
	NextToken        *uint64           `json:"NextToken,omitempty"`
	MaxResults       *uint64           `json:"MaxResults,omitempty"`
	LookupAttributes []LookupAttribute `json:"LookupAttributes,omitempty"`
	IsReturnLocation *uint64           `json:"IsReturnLocation,omitempty"`
}

// DescribeEventsResponse is one page of events. NextToken is a JSON number
// that can exceed 2^53; encoding/json decodes it into a uint64 exactly.
// TotalCount is deprecated by the API (it counts the page, not the query)
// and is not used.
type DescribeEventsResponse struct {
	ResponseMeta
	ListOver   *bool             `json:"ListOver"`
	NextToken  *uint64           `json:"NextToken"`
	Events     []CloudAuditEvent `json:"Events"`
	TotalCount *uint64           `json:"TotalCount"`
}

// CloudAuditEvent is the API's Event type. Every field may be absent (the
// SDK marks SecretId and SourceIPAddress as possibly null; the documents say
// nothing of the others), so every field is a pointer and absent stays nil.
type CloudAuditEvent struct {
	EventId   *string `json:"EventId"`
	Username  *string `json:"Username"`
	EventTime *string `json:"EventTime"`
	// CloudAuditEvent is the whole event as a JSON document, in a string.
	CloudAuditEvent *string `json:"CloudAuditEvent"`
	ResourceTypeCn  *string `json:"ResourceTypeCn"`
	// ErrorCode is the authentication (CAM) error code: 0 does not mean
	// the call succeeded (see Outcome).
	ErrorCode       *int64          `json:"ErrorCode"`
	EventName       *string         `json:"EventName"`
	SecretId        *string         `json:"SecretId"`
	EventSource     *string         `json:"EventSource"`
	RequestID       *string         `json:"RequestID"`
	ResourceRegion  *string         `json:"ResourceRegion"`
	AccountID       *int64          `json:"AccountID"`
	SourceIPAddress *string         `json:"SourceIPAddress"`
	EventNameCn     *string         `json:"EventNameCn"`
	Resources       *EventResources `json:"Resources"`
	EventRegion     *string         `json:"EventRegion"`
	Location        *string         `json:"Location"`
}

// EventResources is the API's Resource type: one object, not a list.
type EventResources struct {
	ResourceType *string `json:"ResourceType"`
	ResourceName *string `json:"ResourceName"`
}

// DescribeEvents reads one page of events in region.
func (c *TencentClient) DescribeEvents(ctx context.Context, region string, req DescribeEventsRequest) (*DescribeEventsResponse, error) {
	resp, _, err := c.describeEvents(ctx, region, req)
	return resp, err
}

func (c *TencentClient) describeEvents(ctx context.Context, region string, req DescribeEventsRequest) (*DescribeEventsResponse, int, error) {
	return callTencentCounted[DescribeEventsResponse](ctx, c, tencentOp{
		Service: CloudAuditService, Version: CloudAuditVersion, Action: "DescribeEvents", Region: region,
	}, req)
}

// CloudAuditEventsQuery is one read of ListCloudAuditEvents.
type CloudAuditEventsQuery struct {
	Region string
	// Request holds the parameters sent on every page: MaxResults is the
	// page size and must be set; NextToken, when set, is where the read
	// starts (a token of an earlier read of the same query).
	Request DescribeEventsRequest
	// MaxItems stops the read after this many events; 0 reads them all.
	MaxItems int
	// OnPage, when set, receives each page's events (only the first ones
	// of a page that MaxItems cuts) as soon as the page is read, instead of
	// the result collecting them: the caller converts them while the next
	// page waits for the rate budget, and the API structs do not pile up.
	OnPage func(events []CloudAuditEvent)
}

// CloudAuditEventsResult is what ListCloudAuditEvents read.
type CloudAuditEventsResult struct {
	// Events are the events read, in API order; empty when the query has
	// OnPage, which received them instead.
	Events []CloudAuditEvent
	// Records counts the events read.
	Records int
	// ListOver is true when the API said the query has no more events.
	ListOver bool
	// ResumeToken, when the read stopped at MaxItems on a page boundary
	// before the end, continues it exactly after the last event.
	ResumeToken *uint64
	// CutMidPage is set when MaxItems ended the read inside a page: the
	// events are the first MaxItems, but no token resumes after them.
	CutMidPage bool
	// ShortPage, when set, says which page held fewer events than asked
	// for before the end (so that pages no longer end on multiples of the
	// page size): why a read whose MaxItems is a multiple of the page size
	// still ended inside a page.
	ShortPage string
	// Pages counts the successful calls, Retries the repeated attempts.
	Pages, Retries int
}

// ListCloudAuditEvents reads the events of one query page by page, strictly
// one call after the other (each page needs the previous page's token),
// newest first as the API returns them, until the API says ListOver.
//
// Every page is sent with the same parameters except NextToken: the API
// binds its tokens to the query, and its documentation asks for identical
// parameters. A read that should stop at MaxItems inside a page therefore
// takes the first events of that page and returns no ResumeToken (CutMidPage
// is set); the caller chooses a page size that divides MaxItems to avoid it.
//
// The read stops on ListOver, not on an empty token: the documentation's own
// example ends with ListOver true and a non-zero NextToken. A page that is
// not the last but carries no token, a token the read has already seen, or
// more pages than any real query holds are errors rather than a silent end,
// since the data would be incomplete. A failed page is retried by the
// client's retry policy with the same token, never from the first page; if
// it still fails, the error names the page.
func (c *TencentClient) ListCloudAuditEvents(ctx context.Context, q CloudAuditEventsQuery) (*CloudAuditEventsResult, error) {
	const action = "DescribeEvents"
	req := q.Request
	if req.MaxResults == nil || *req.MaxResults < 1 {
		return nil, fmt.Errorf("tencentcloud %s: MaxResults must be set to at least 1", action)
	}
	pageSize := *req.MaxResults
	res := &CloudAuditEventsResult{Events: make([]CloudAuditEvent, 0)}

	// seen maps each token to the page that returned it; the caller's
	// starting token counts as page 0.
	seen := map[uint64]int{}
	if req.NextToken != nil {
		seen[*req.NextToken] = 0
	}
	for page := 1; ; page++ {
		if page > maxCloudAuditEventPages {
			return res, fmt.Errorf("tencentcloud %s: stopped after %d pages without the API saying ListOver; the read is incomplete", action, maxCloudAuditEventPages)
		}
		resp, attempts, err := c.describeEvents(ctx, q.Region, req)
		res.Retries += max(attempts-1, 0)
		if err != nil {
			return res, fmt.Errorf("reading page %d of CloudAudit events: %w", page, err)
		}
		res.Pages++
		if uint64(len(resp.Events)) > pageSize {
			return res, fmt.Errorf("tencentcloud %s: page %d held %d events, more than the %d asked for (RequestId: %s); the API did not page as expected",
				action, page, len(resp.Events), pageSize, requestIDOrNone(resp.RequestId))
		}
		if resp.ListOver == nil {
			return res, fmt.Errorf("tencentcloud %s: page %d carries no ListOver (RequestId: %s), so the read cannot tell whether it is complete",
				action, page, requestIDOrNone(resp.RequestId))
		}
		over := *resp.ListOver
		events := resp.Events
		cut := q.MaxItems > 0 && res.Records+len(events) > q.MaxItems
		if cut {
			events = events[:q.MaxItems-res.Records]
		}
		res.Records += len(events)
		if q.OnPage != nil {
			q.OnPage(events)
		} else {
			res.Events = append(res.Events, events...)
		}
		pageRead(ctx, page, len(events), nil, attempts)
		if q.MaxItems > 0 && res.Records >= q.MaxItems {
			if cut {
				res.CutMidPage = true
				return res, nil
			}
			res.ListOver = over
			if !over {
				if resp.NextToken == nil {
					return res, fmt.Errorf("tencentcloud %s: page %d is not the last (ListOver is false) but carries no NextToken (RequestId: %s)",
						action, page, requestIDOrNone(resp.RequestId))
				}
				// A token seen before would resume a loop, not the read.
				if err := repeatedToken(seen, page, *resp.NextToken, resp.RequestId); err != nil {
					return res, err
				}
				res.ResumeToken = resp.NextToken
			}
			return res, nil
		}
		if uint64(len(events)) < pageSize && !over && res.ShortPage == "" {
			res.ShortPage = fmt.Sprintf("page %d held %d events of the %d asked for before the end (RequestId: %s)",
				page, len(events), pageSize, requestIDOrNone(resp.RequestId))
		}
		if over {
			res.ListOver = true
			return res, nil
		}
		if resp.NextToken == nil {
			return res, fmt.Errorf("tencentcloud %s: page %d is not the last (ListOver is false) but carries no NextToken (RequestId: %s); the read cannot continue",
				action, page, requestIDOrNone(resp.RequestId))
		}
		next := *resp.NextToken
		if err := repeatedToken(seen, page, next, resp.RequestId); err != nil {
			return res, err
		}
		seen[next] = page
		req.NextToken = &next
	}
}

// repeatedToken is the error for a NextToken that an earlier page (or the
// request, page 0) already returned: the API is looping.
func repeatedToken(seen map[uint64]int, page int, next uint64, requestID string) error {
	prev, dup := seen[next]
	if !dup {
		return nil
	}
	from := "page " + strconv.Itoa(prev)
	if prev == 0 {
		from = "the request (the starting next_token)"
	}
	return fmt.Errorf("tencentcloud DescribeEvents: page %d returned a NextToken already returned by %s (%d); the API is looping, so the read is incomplete (RequestId: %s)",
		page, from, next, requestIDOrNone(requestID))
}

// DescribeAuditTrackRequest is the request of DescribeAuditTrack.
type DescribeAuditTrackRequest struct {
	TrackId uint64 `json:"TrackId"`
}

// DescribeAuditTrackResponse is one tracking set in detail: the fields of
// DescribeAuditTracks' Tracks except TrackId (the answer does not echo it),
// plus TrackForAllMembers and Filters, which only this action returns.
type DescribeAuditTrackResponse struct {
	ResponseMeta
	Name               *string       `json:"Name"`
	ActionType         *string       `json:"ActionType"`
	ResourceType       *string       `json:"ResourceType"`
	Status             *uint64       `json:"Status"`
	EventNames         []string      `json:"EventNames"`
	Storage            *AuditStorage `json:"Storage"`
	CreateTime         *string       `json:"CreateTime"`
	TrackForAllMembers *uint64       `json:"TrackForAllMembers"`
	Filters            *AuditFilter  `json:"Filters"`
}

// AuditFilter is the API's Filter type: which events a tracking set
// delivers.
type AuditFilter struct {
	ResourceFields []AuditResourceField `json:"ResourceFields"`
}

// AuditResourceField is the API's ResourceField type.
type AuditResourceField struct {
	ResourceType *string  `json:"ResourceType"`
	ActionType   *string  `json:"ActionType"`
	EventNames   []string `json:"EventNames"`
}

// DescribeAuditTrack reads one tracking set in region. An unknown id is the
// API's ResourceNotFound.AuditNotExist.
func (c *TencentClient) DescribeAuditTrack(ctx context.Context, region string, trackID uint64) (*DescribeAuditTrackResponse, error) {
	return callTencent[DescribeAuditTrackResponse](ctx, c, tencentOp{
		Service: CloudAuditService, Version: CloudAuditVersion, Action: "DescribeAuditTrack", Region: region,
	}, DescribeAuditTrackRequest{TrackId: trackID})
}
