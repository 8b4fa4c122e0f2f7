package client

import (
	"context"
	"encoding/json"
	"fmt"
)

// ucloudActionGetProjectList is the UAccount action that lists the projects
// of the account, in one unpaged call.
const ucloudActionGetProjectList = "GetProjectList"

// GetProjectListRequest holds the parameters of GetProjectList. The API
// documents no ProjectId, Region or paging parameter, so none is sent.
type GetProjectListRequest struct {
	// IsFinance is "Yes" or "No" ("is a finance account"); empty sends
	// none. Its effect on the list is not documented.
	IsFinance string
}

// UCloudProject is the API's ProjectListInfo type. Every field is a
// pointer: a field the API leaves out stays nil.
type UCloudProject struct {
	ProjectId   *string `json:"ProjectId"`
	ProjectName *string `json:"ProjectName"`
	// ParentId and ParentName are deprecated by the API.
	ParentId   *string `json:"ParentId"`
	ParentName *string `json:"ParentName"`
	// CreateTime is a UNIX timestamp in seconds.
	CreateTime  *int64 `json:"CreateTime"`
	IsDefault   *bool  `json:"IsDefault"`
	MemberCount *int64 `json:"MemberCount"`
	// ResourceCount is deprecated by the API ("do not use").
	ResourceCount *int64 `json:"ResourceCount"`
}

// getProjectListBody is the whole response body.
type getProjectListBody struct {
	ucloudEnvelope
	ProjectCount *int64          `json:"ProjectCount"`
	ProjectSet   []UCloudProject `json:"ProjectSet"`
	// hasSet tells an absent or null ProjectSet from an empty one.
	hasSet bool
}

func (b *getProjectListBody) UnmarshalJSON(data []byte) error {
	type plain getProjectListBody // no UnmarshalJSON: no recursion
	var raw struct {
		plain
		Set json.RawMessage `json:"ProjectSet"`
	}
	if err := json.Unmarshal(data, &raw); err != nil {
		return err
	}
	*b = getProjectListBody(raw.plain)
	if len(raw.Set) == 0 || string(raw.Set) == "null" {
		return nil
	}
	b.hasSet = true
	return json.Unmarshal(raw.Set, &b.ProjectSet)
}

// GetProjectListResult is every project of the account.
type GetProjectListResult struct {
	// Projects in API order; never nil.
	Projects []UCloudProject
	// ProjectCount is the API's count, which equals len(Projects).
	ProjectCount int64
	// RequestID is the X-UCLOUD-REQUEST-UUID header of the response.
	RequestID string
}

// GetProjectList lists the projects of the account in one call and checks
// the answer against itself: ProjectCount must be present and equal the
// number of projects in ProjectSet, so a list cut short, or a count that
// says more exist, fails the read instead of passing for the whole list.
// An answer without ProjectSet is an error unless ProjectCount is 0.
func (c *UCloudClient) GetProjectList(ctx context.Context, req GetProjectListRequest) (*GetProjectListResult, error) {
	params := map[string]string{}
	if req.IsFinance != "" {
		params["IsFinance"] = req.IsFinance
	}
	var body getProjectListBody
	callCtx, call := trackCall(ctx)
	requestID, _, err := c.invoke(callCtx, ucloudActionGetProjectList, params, func(b []byte) (*ucloudEnvelope, error) {
		body = getProjectListBody{} // nothing may leak from a failed attempt
		err := json.Unmarshal(b, &body)
		return &body.ucloudEnvelope, err
	})
	if err != nil {
		return nil, err
	}
	rid := requestIDOrNone(requestID)
	if body.ProjectCount == nil {
		return nil, fmt.Errorf("ucloud %s: the answer carries no ProjectCount (RequestId: %s), so it cannot be checked for completeness",
			ucloudActionGetProjectList, rid)
	}
	count := *body.ProjectCount
	switch {
	case count < 0:
		return nil, fmt.Errorf("ucloud %s: the answer reports an impossible ProjectCount of %d (RequestId: %s)", ucloudActionGetProjectList, count, rid)
	case !body.hasSet && count != 0:
		return nil, fmt.Errorf("ucloud %s: the answer carries no ProjectSet although its ProjectCount is %d (RequestId: %s)",
			ucloudActionGetProjectList, count, rid)
	case int64(len(body.ProjectSet)) != count:
		return nil, fmt.Errorf("ucloud %s: the answer's ProjectCount is %d but its ProjectSet holds %d projects (RequestId: %s): the list is inconsistent, so it cannot be trusted to be complete",
			ucloudActionGetProjectList, count, len(body.ProjectSet), rid)
	}
	projects := body.ProjectSet
	if projects == nil {
		projects = []UCloudProject{}
	}
	pageRead(ctx, 1, len(projects), &count, call.attempt())
	return &GetProjectListResult{Projects: projects, ProjectCount: count, RequestID: requestID}, nil
}
