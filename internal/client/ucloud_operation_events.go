package client

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"strconv"
)

const (
	// ucloudActionGetUserOperationEvents is the ULog action that reads the
	// account's operation log (the last 365 days only).
	ucloudActionGetUserOperationEvents = "GetUserOperationEvents"

	// UCloudMaxOperationEventsPage is the documented maximum of MaxResults.
	// ListUserOperationEvents uses it as the page size when the request sets
	// none, to need as few sequential calls as possible.
	UCloudMaxOperationEventsPage = 50

	// maxUCloudEventPages stops a read that never ends: an API handing out
	// ever new tokens with non-empty pages. 200,000 pages of 50 is ten
	// million events, far beyond a year of any account's operations.
	maxUCloudEventPages = 200_000
)

// GetUserOperationEventsRequest holds the parameters of GetUserOperationEvents.
// Empty strings, nil pointers and empty slices are not sent.
type GetUserOperationEventsRequest struct {
	// ProjectId defaults to the client's ProjectID; if both are empty none is
	// sent and the gateway uses the default project (main accounts only).
	ProjectId string
	// BeginTime and EndTime are UNIX timestamps in seconds.
	BeginTime, EndTime *int64
	// MaxResults is the page size (1 to 50).
	MaxResults *int
	// NextToken continues a previous read; every other parameter must then be
	// identical to the call that returned it.
	NextToken string
	// ResourceID keeps the events related to one resource. (The request
	// spells it ResourceID, the response ResourceId.)
	ResourceID string
	// AccessKeyIDs keeps the events made with any of these API keys.
	AccessKeyIDs []string
}

// GetUserOperationEventsResponse is one page of operation events.
type GetUserOperationEventsResponse struct {
	Events []UserOperationEvent
	// NextToken is empty on the last page.
	NextToken string
	// RequestID is the X-UCLOUD-REQUEST-UUID header of the response.
	RequestID string
}

// UserOperationEvent is one entry of the operation log. Every field is
// optional in the API, so every field is a pointer: an absent field stays nil
// and is told apart from an empty or false one.
type UserOperationEvent struct {
	Region          *string           `json:"Region,omitempty"`
	Api             *string           `json:"Api,omitempty"`
	IsSuccess       *bool             `json:"IsSuccess,omitempty"`
	OperateTime     *int64            `json:"OperateTime,omitempty"`
	UserName        *string           `json:"UserName,omitempty"`
	UserEmail       *string           `json:"UserEmail,omitempty"`
	RelatedResource []RelatedResource `json:"RelatedResource,omitempty"`
	RemoteIP        *string           `json:"RemoteIP,omitempty"`
	// AccessKeyID is the API key used; console operations have none.
	AccessKeyID *string `json:"AccessKeyID,omitempty"`
}

// RelatedResource is a resource an operation event touched.
type RelatedResource struct {
	ResourceId   *string `json:"ResourceId,omitempty"`
	ResourceName *string `json:"ResourceName,omitempty"`
}

// getUserOperationEventsBody is the whole response body; embedding the
// envelope lets one json.Unmarshal read both the RetCode and the events.
type getUserOperationEventsBody struct {
	ucloudEnvelope
	Events    []UserOperationEvent `json:"Events"`
	NextToken string               `json:"NextToken"`
}

// params flattens the request. Only documented parameters are sent: whether
// the gateway tolerates others (such as Region) on this API is undocumented.
func (r GetUserOperationEventsRequest) params(defaultProject string) map[string]string {
	p := make(map[string]string, 7+len(r.AccessKeyIDs))
	if r.ProjectId != "" {
		p["ProjectId"] = r.ProjectId
	} else if defaultProject != "" {
		p["ProjectId"] = defaultProject
	}
	if r.BeginTime != nil {
		p["BeginTime"] = strconv.FormatInt(*r.BeginTime, 10)
	}
	if r.EndTime != nil {
		p["EndTime"] = strconv.FormatInt(*r.EndTime, 10)
	}
	if r.MaxResults != nil {
		p["MaxResults"] = strconv.Itoa(*r.MaxResults)
	}
	if r.NextToken != "" {
		p["NextToken"] = r.NextToken
	}
	if r.ResourceID != "" {
		p["ResourceID"] = r.ResourceID
	}
	// Number only the non-empty keys: dropping an empty one after numbering
	// would leave a gap (AccessKeyIDs.0, AccessKeyIDs.2).
	n := 0
	for _, k := range r.AccessKeyIDs {
		if k == "" {
			continue
		}
		p["AccessKeyIDs."+strconv.Itoa(n)] = k
		n++
	}
	return p
}

// GetUserOperationEvents reads one page of the operation log.
func (c *UCloudClient) GetUserOperationEvents(ctx context.Context, req GetUserOperationEventsRequest) (*GetUserOperationEventsResponse, error) {
	var body getUserOperationEventsBody
	requestID, _, err := c.invoke(ctx, ucloudActionGetUserOperationEvents, req.params(c.projectID), func(b []byte) (*ucloudEnvelope, error) {
		body = getUserOperationEventsBody{} // nothing may leak from a failed attempt
		err := decodeUserOperationEventsBody(b, &body)
		return &body.ucloudEnvelope, err
	})
	if err != nil {
		return nil, err
	}
	return &GetUserOperationEventsResponse{Events: body.Events, NextToken: body.NextToken, RequestID: requestID}, nil
}

// decodeUserOperationEventsBody decodes one answer of GetUserOperationEvents
// and checks its shape: no object repeats a key, and a successful answer
// (RetCode 0) carries its Events list, which may be empty but not absent
// (an answer without it is not a page of the operation log).
func decodeUserOperationEventsBody(b []byte, into *getUserOperationEventsBody) error {
	if err := json.Unmarshal(b, into); err != nil {
		return err
	}
	present, err := scanJSONKeys(b, "", []string{"Events"})
	if err != nil {
		return err
	}
	into.keysScanned = true
	if into.RetCode.Set && into.RetCode.Code == 0 && present&1 == 0 {
		return errNoEvents
	}
	return nil
}

// errNoEvents is a successful GetUserOperationEvents answer without Events.
var errNoEvents = errors.New(`the answer has no "Events" field: an answer of an unexpected shape, not an empty page`)

// tokenSource names where a token was first seen: a page, or the request
// (page 0).
func tokenSource(page int) string {
	if page == 0 {
		return "the request (the starting NextToken)"
	}
	return fmt.Sprintf("page %d", page)
}

// UCloudEventsPageSize is the MaxResults a read of at most maxItems events
// (every event when maxItems <= 0) sends on every page when the caller sets
// none: UCloudMaxOperationEventsPage for an unbounded read, otherwise the
// largest size up to that maximum that divides maxItems, so that the read
// ends on a page boundary and the API's NextToken resumes exactly after the
// last event returned. A prime maxItems above the maximum gives 1.
func UCloudEventsPageSize(maxItems int) int {
	return PageSizeDividing(maxItems, UCloudMaxOperationEventsPage)
}

// PageSizeDividing is the page size of a token-paged read bounded by
// maxItems: the largest size up to apiMax that divides maxItems, so that the
// read ends on a page boundary and the API's token resumes exactly after the
// last record returned (a prime maxItems above apiMax gives 1). Unbounded
// (maxItems <= 0), it is apiMax.
func PageSizeDividing(maxItems, apiMax int) int {
	if maxItems <= 0 {
		return apiMax
	}
	for size := min(maxItems, apiMax); size > 1; size-- {
		if maxItems%size == 0 {
			return size
		}
	}
	return 1
}

// UserOperationEventsResult is what ListUserOperationEvents read.
type UserOperationEventsResult struct {
	// Events in API order, newest first: the events read, or with a keep
	// function, those it kept.
	Events []UserOperationEvent
	// Scanned counts the events the API returned to the read (up to
	// maxItems), kept or not.
	Scanned int
	// Complete is true when every matching event was read: the API ended
	// the list with an empty NextToken.
	Complete bool
	// NextToken resumes exactly after the last event of Events, with the
	// same request (including MaxResults = PageSize). It is empty when the
	// read is complete, and when it stopped at maxItems in the middle of a
	// page (see TokenWithheld). After a failure it resumes at the page that
	// failed.
	NextToken string
	// TokenWithheld says why an incomplete read has no NextToken: the last
	// page held more events than maxItems left room for, and the API's
	// token would skip the surplus.
	TokenWithheld string
	// PageSize is the MaxResults sent on every page.
	PageSize int
	// Pages is the number of calls that succeeded.
	Pages int
}

// ListUserOperationEvents reads the operation log page by page, strictly one
// call after the other (the API forbids concurrent calls), newest first as
// the API returns it. maxItems <= 0 means no limit.
//
// Every page is sent with byte-identical parameters except NextToken: the API
// documents a NextToken as valid only with every other parameter identical to
// the call that returned it. The page size is req.MaxResults, or when unset
// UCloudEventsPageSize(maxItems): then a bounded read ends on a page boundary
// and the NextToken it returns resumes exactly after its last event. When
// req.MaxResults does not divide maxItems (or the API returned a short page
// on the way), the last page holds more events than are wanted: the read
// returns the first maxItems of them and no NextToken, since the API's token
// would skip the rest; TokenWithheld says so.
//
// The read ends when the API returns an empty NextToken. A page that holds no
// event but a NextToken does not end it: the token is followed, because an
// event on a later page would otherwise be lost while the read looked
// complete. A NextToken the API has already returned in this read is an
// error, since it means the API is looping; so is a read that has not ended
// after maxUCloudEventPages pages.
//
// A failed page is retried by the client's retry policy with the same
// NextToken; the read never restarts from the first page. If it still fails,
// the error is returned together with the events read so far and the token
// that resumes at the failed page.
func (c *UCloudClient) ListUserOperationEvents(ctx context.Context, req GetUserOperationEventsRequest, maxItems int) (*UserOperationEventsResult, error) {
	return c.ListUserOperationEventsKept(ctx, req, maxItems, nil)
}

// ListUserOperationEventsKept is ListUserOperationEvents that keeps only
// the events keep accepts (all when keep is nil), deciding as each page
// arrives: memory holds what is kept, not what is scanned. maxItems, the
// pages, the tokens and Complete are about the events the API returned,
// Scanned; Events are the kept ones.
func (c *UCloudClient) ListUserOperationEventsKept(ctx context.Context, req GetUserOperationEventsRequest, maxItems int,
	keep func(*UserOperationEvent) bool,
) (*UserOperationEventsResult, error) {
	res := &UserOperationEventsResult{PageSize: UCloudEventsPageSize(maxItems)}
	add := func(events []UserOperationEvent) {
		res.Scanned += len(events)
		if keep == nil {
			res.Events = append(res.Events, events...)
			return
		}
		for i := range events {
			if keep(&events[i]) {
				res.Events = append(res.Events, events[i])
			}
		}
	}
	if req.MaxResults != nil {
		if *req.MaxResults < 1 {
			return res, fmt.Errorf("ucloud %s: MaxResults must be at least 1, got %d", ucloudActionGetUserOperationEvents, *req.MaxResults)
		}
		res.PageSize = *req.MaxResults
	}
	pageReq := req
	size := res.PageSize
	pageReq.MaxResults = &size // the same value, and so the same bytes, on every page

	// seen maps each token to the page that returned it; the caller's
	// starting token counts as page 0.
	seen := make(map[string]int)
	token := req.NextToken
	if token != "" {
		seen[token] = 0
	}
	shortPage := "" // the first page that held fewer events than asked, before the end
	for page := 1; ; page++ {
		if page > maxUCloudEventPages {
			res.NextToken = token
			return res, fmt.Errorf("ucloud %s: stopped after %d pages without reaching the end", ucloudActionGetUserOperationEvents, maxUCloudEventPages)
		}
		pageReq.NextToken = token
		callCtx, call := trackCall(ctx)
		resp, err := c.GetUserOperationEvents(callCtx, pageReq)
		if err != nil {
			res.NextToken = token
			return res, fmt.Errorf("reading UCloud operation events, page %d: %w", page, err)
		}
		res.Pages++
		pageRead(ctx, page, len(resp.Events), nil, call.attempt())
		if len(resp.Events) > size {
			res.NextToken = token
			return res, fmt.Errorf("ucloud %s: page %d returned %d events although MaxResults was %d (RequestId: %s)",
				ucloudActionGetUserOperationEvents, page, len(resp.Events), size, requestIDOrNone(resp.RequestID))
		}
		next := resp.NextToken
		if maxItems > 0 && res.Scanned+len(resp.Events) >= maxItems {
			take := maxItems - res.Scanned
			add(resp.Events[:take])
			switch {
			case take < len(resp.Events):
				// The API's token points after the whole page: handing it
				// out would skip the events left over.
				why := fmt.Sprintf("MaxResults (%d) does not divide the %d events wanted", size, maxItems)
				if maxItems%size == 0 {
					why = shortPage
				}
				res.TokenWithheld = fmt.Sprintf("the read stopped %d events into page %d, which held %d: %s, so the API's NextToken would skip %d events",
					take, page, len(resp.Events), why, len(resp.Events)-take)
			case next == "":
				res.Complete = true
			default:
				// A token seen before would resume a loop, not the read.
				if prev, dup := seen[next]; dup {
					res.NextToken = token
					return res, fmt.Errorf("ucloud %s: page %d returned a NextToken already returned by %s; the API is looping, so it cannot resume the read (RequestId: %s)",
						ucloudActionGetUserOperationEvents, page, tokenSource(prev), requestIDOrNone(resp.RequestID))
				}
				res.NextToken = next
			}
			return res, nil
		}
		add(resp.Events)
		if next == "" {
			res.Complete = true
			return res, nil
		}
		if prev, dup := seen[next]; dup {
			// This page's events are already in res.Events: no token
			// resumes exactly after them.
			return res, fmt.Errorf("ucloud %s: page %d returned a NextToken already returned by %s; the API is looping, so the read is incomplete (RequestId: %s)",
				ucloudActionGetUserOperationEvents, page, tokenSource(prev), requestIDOrNone(resp.RequestID))
		}
		seen[next] = page
		if len(resp.Events) < size && shortPage == "" {
			shortPage = fmt.Sprintf("page %d held %d events of the %d asked for before the end (RequestId: %s), so the pages no longer end where the read does",
				page, len(resp.Events), size, requestIDOrNone(resp.RequestID))
		}
		token = next
	}
}
