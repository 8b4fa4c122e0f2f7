package client

import (
	"context"
	"encoding/json"
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
		err := json.Unmarshal(b, &body)
		return &body.ucloudEnvelope, err
	})
	if err != nil {
		return nil, err
	}
	return &GetUserOperationEventsResponse{Events: body.Events, NextToken: body.NextToken, RequestID: requestID}, nil
}

// ListUserOperationEvents reads the operation log page by page, strictly one
// call after the other (the API forbids concurrent calls), newest first as
// the API returns it. maxItems <= 0 means no limit.
//
// Every page is requested with the same parameters except NextToken. The page
// size is req.MaxResults, or UCloudMaxOperationEventsPage when unset. The
// read stops when the API returns an empty NextToken or an empty page (then
// the returned nextToken is ""), or when maxItems (if > 0) events have been
// read. In that last case the final page asks only for the events still
// missing, so the API's NextToken resumes exactly after the last returned
// event, and that token is returned: passing it back as req.NextToken (with
// the same filters and page size) continues the read without gap or overlap.
//
// That final page is the only one whose MaxResults differs. The API
// documentation asks for identical parameters across pages; we rely on the
// token marking a position in the filtered result list, which does not depend
// on the page size. The simulator behaves that way; against the real gateway
// it is unverified, and a read that ends on a page boundary (or has no
// maxItems) never changes MaxResults at all.
//
// A failed page is retried by the client's retry policy with the same
// NextToken; the read never restarts from the first page. If it still fails,
// the error is returned together with the events read so far and the token
// that resumes at the failed page. A NextToken that the API has already
// returned in this read is an error rather than a silent stop, since it means
// the API is looping and the data is incomplete.
func (c *UCloudClient) ListUserOperationEvents(ctx context.Context, req GetUserOperationEventsRequest, maxItems int) (events []UserOperationEvent, nextToken string, err error) {
	pageSize := UCloudMaxOperationEventsPage
	if req.MaxResults != nil {
		if *req.MaxResults < 1 {
			return nil, "", fmt.Errorf("ucloud %s: MaxResults must be at least 1, got %d", ucloudActionGetUserOperationEvents, *req.MaxResults)
		}
		pageSize = *req.MaxResults
	}

	// seen maps each token to the page that returned it; the caller's
	// starting token counts as page 0.
	seen := make(map[string]int)
	token := req.NextToken
	if token != "" {
		seen[token] = 0
	}
	for page := 1; ; page++ {
		if page > maxUCloudEventPages {
			return events, token, fmt.Errorf("ucloud %s: stopped after %d pages without reaching the end", ucloudActionGetUserOperationEvents, maxUCloudEventPages)
		}
		size := pageSize
		if maxItems > 0 {
			size = min(size, maxItems-len(events))
		}
		pageReq := req
		pageReq.MaxResults = &size
		pageReq.NextToken = token

		callCtx, call := trackCall(ctx)
		resp, err := c.GetUserOperationEvents(callCtx, pageReq)
		if err != nil {
			return events, token, fmt.Errorf("reading UCloud operation events, page %d: %w", page, err)
		}
		pageRead(ctx, page, len(resp.Events), nil, call.attempt())
		if maxItems > 0 && len(events)+len(resp.Events) > maxItems {
			// Taking a prefix would make the returned token skip events.
			return events, token, fmt.Errorf("ucloud %s: page %d returned %d events although %d were requested (RequestId: %s)",
				ucloudActionGetUserOperationEvents, page, len(resp.Events), size, requestIDOrNone(resp.RequestID))
		}
		events = append(events, resp.Events...)

		next := resp.NextToken
		if next == "" || len(resp.Events) == 0 {
			return events, "", nil
		}
		if prev, dup := seen[next]; dup {
			from := fmt.Sprintf("page %d", prev)
			if prev == 0 {
				from = "the request (the starting NextToken)"
			}
			return events, "", fmt.Errorf("ucloud %s: page %d returned a NextToken already returned by %s; the API is looping, so the read is incomplete (RequestId: %s)",
				ucloudActionGetUserOperationEvents, page, from, requestIDOrNone(resp.RequestID))
		}
		seen[next] = page
		if maxItems > 0 && len(events) >= maxItems {
			return events, next, nil
		}
		token = next
	}
}
