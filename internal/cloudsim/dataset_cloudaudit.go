package cloudsim

import (
	"encoding/json"
	"sort"
	"strconv"
	"time"
)

// tencentEventsFrom is the DescribeEvents data set of a DataSet: its Event
// items, newest first, with the fields lookup conditions match taken from
// each event's CloudAuditEvent document, as the API matches them.
func tencentEventsFrom(raws []json.RawMessage) *tencentEventData {
	evs := make([]TencentEvent, 0, len(raws))
	for _, raw := range raws {
		var e TencentEvent
		_ = json.Unmarshal(raw, &e) // validated when the data set was loaded
		var doc struct {
			UserIdentity struct {
				PrincipalID string `json:"principalId"`
			} `json:"userIdentity"`
			APIErrorCode    any    `json:"apiErrorCode"` // the documents' integer, or an API code
			CamErrorCode    string `json:"camErrorCode"`
			ActionType      string `json:"actionType"`
			ResourceID      string `json:"resourceId"`
			SensitiveAction bool   `json:"sensitiveAction"`
		}
		_ = json.Unmarshal([]byte(e.CloudAuditEvent), &doc)
		e.principalID, e.apiErrorCode, e.camErrorCode = doc.UserIdentity.PrincipalID, apiErrorCodeText(doc.APIErrorCode), doc.CamErrorCode
		e.actionType, e.resourceID, e.sensitive = doc.ActionType, doc.ResourceID, doc.SensitiveAction
		if n, err := strconv.ParseInt(e.EventTime, 10, 64); err == nil {
			e.unix = n
		} else if t, err := time.ParseInLocation(CSIPTimeLayout, e.EventTime, csipZone); err == nil {
			e.unix = t.Unix()
		}
		// Location is answered only when the request asks for it.
		if e.Location != nil {
			e.location, e.Location = *e.Location, nil
		}
		evs = append(evs, e)
	}
	sort.SliceStable(evs, func(a, b int) bool { return evs[a].unix > evs[b].unix })
	return &tencentEventData{events: evs, views: map[string][]int32{}}
}

// apiErrorCodeText is what the ApiErrorCode lookup key matches: the code
// as written, "" for none (absent, null, 0).
func apiErrorCodeText(v any) string {
	switch v := v.(type) {
	case string:
		return v
	case float64:
		if v != 0 {
			return strconv.FormatFloat(v, 'f', -1, 64)
		}
	}
	return ""
}

// trackDetailFrom is DescribeAuditTrack's answer from a DataSet.
func trackDetailFrom(answer map[string]json.RawMessage) TrackDetail {
	raw, _ := json.Marshal(answer)
	var d TrackDetail
	_ = json.Unmarshal(raw, &d)
	return d
}
