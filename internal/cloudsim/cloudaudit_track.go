// CloudAudit DescribeAuditTrack: one tracking set in detail.

package cloudsim

import (
	"encoding/json"
)

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
