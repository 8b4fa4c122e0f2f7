package cloudsim

import (
	"encoding/json"
	"fmt"
	"time"
)

// cloudAuditRegions are the regions CloudAudit answers in.
var cloudAuditRegions = map[string]bool{
	"ap-guangzhou": true, "ap-shanghai": true, "ap-beijing": true, "ap-chengdu": true, "ap-nanjing": true,
	"ap-hongkong": true, "ap-singapore": true, "ap-seoul": true, "ap-tokyo": true, "ap-bangkok": true,
	"eu-frankfurt": true, "na-siliconvalley": true, "na-ashburn": true,
}

// simTrack mirrors the API's Tracks type. Storage fields that real tracking
// sets usually lack are pointers, so they are absent from the JSON.
type simTrack struct {
	TrackId      uint64      `json:"TrackId"`
	Name         string      `json:"Name"`
	ActionType   string      `json:"ActionType"`
	ResourceType string      `json:"ResourceType"`
	Status       uint64      `json:"Status"`
	EventNames   []string    `json:"EventNames"`
	Storage      *simStorage `json:"Storage"`
	CreateTime   string      `json:"CreateTime"`
}

type simStorage struct {
	StorageType      string  `json:"StorageType"`
	StorageRegion    string  `json:"StorageRegion"`
	StorageName      string  `json:"StorageName"`
	StoragePrefix    string  `json:"StoragePrefix"`
	StorageAccountId *string `json:"StorageAccountId,omitempty"`
	StorageAppId     *string `json:"StorageAppId,omitempty"`
	Compress         *uint64 `json:"Compress,omitempty"`
}

// trackProducts are the products tracking sets follow, with API names.
var trackProducts = []struct {
	resource string
	events   []string
}{
	{"*", []string{"*"}},
	{"cam", []string{"CreateUser", "DeleteUser", "AttachUserPolicy", "CreateAccessKey"}},
	{"cos", []string{"PutBucketPolicy", "DeleteBucket"}},
	{"cvm", []string{"RunInstances", "TerminateInstances", "ResetInstancesPassword"}},
	{"vpc", []string{"CreateSecurityGroupPolicies", "DeleteSecurityGroupPolicies"}},
	{"cdb", []string{"*"}},
	{"kms", []string{"ScheduleKeyDeletion", "DisableKey"}},
}

var trackStorageRegions = []string{"ap-guangzhou", "ap-shanghai", "ap-beijing", "ap-hongkong", "ap-singapore"}

// buildTrack derives tracking set i (0-based) from its index alone, so every
// run of the simulator serves the same data set.
func buildTrack(i int) simTrack {
	prod := trackProducts[i%len(trackProducts)]
	action := []string{"*", "Write", "Read"}[i%3]
	region := trackStorageRegions[i%len(trackStorageRegions)]
	created := time.Date(2021, 1, 14, 14, 43, 38, 0, time.FixedZone("CST", 8*3600)).Add(time.Duration(i) * 7 * time.Hour)
	tr := simTrack{
		TrackId:      uint64(1000 + i),
		Name:         fmt.Sprintf("audit-%s-%d", prod.resource, i+1),
		ActionType:   action,
		ResourceType: prod.resource,
		Status:       map[bool]uint64{true: 0, false: 1}[i%5 == 4],
		EventNames:   prod.events,
		CreateTime:   created.Format("2006-01-02 15:04:05"),
	}
	if prod.resource == "*" {
		tr.Name = fmt.Sprintf("audit-all-%d", i+1) // "*" is not allowed in names
	}
	st := &simStorage{StorageRegion: region}
	switch i % 3 {
	case 0:
		st.StorageType = "cos"
		st.StorageName = fmt.Sprintf("audit-logs-%d", i+1)
		st.StoragePrefix = fmt.Sprintf("cloudaudit%d", i+1)
	case 1:
		st.StorageType = "cls"
		st.StorageName = fmt.Sprintf("%08x-4d2e-4c1a-9e7b-%012x", 0x5a1c0000+i, 0x3f00aa000000+i)
		st.StoragePrefix = "cloudaudit"
	case 2:
		st.StorageType = "ckafka"
		st.StorageName = fmt.Sprintf("ckafka-%06d/audit-topic-%d", 100000+i, i+1)
		st.StoragePrefix = "audit"
	}
	if i%4 == 3 { // delivered to another account of the organization
		account, appID := fmt.Sprintf("1000%08d", 31000+i), fmt.Sprintf("13%08d", 50000+i)
		st.StorageAccountId, st.StorageAppId = &account, &appID
	}
	if i%3 == 0 {
		compress := uint64(1 + i%2)
		st.Compress = &compress
	}
	tr.Storage = st
	return tr
}

// trackSet returns the encoded tracking sets of the data set, built once.
func (t *tencentAPI) trackSet() []json.RawMessage {
	t.tracksOnce.Do(func() {
		if d := t.srv.opts.Data; d != nil && d.tracks != nil {
			t.mu.Lock()
			t.tracks = append([]json.RawMessage{}, d.tracks...)
			if t.srv.clsReview() == CLSReviewCOSOnly {
				t.tracks = withoutCLSTracks(t.tracks)
			}
			t.mu.Unlock()
			return
		}
		n := max(t.srv.opts.Tracks, 0)
		tracks := make([]json.RawMessage, n)
		for i := range n {
			tracks[i], _ = json.Marshal(buildTrack(i))
		}
		if t.srv.clsReview() == CLSReviewCOSOnly {
			tracks = withoutCLSTracks(tracks)
		}
		t.mu.Lock()
		t.tracks = tracks
		t.mu.Unlock()
	})
	t.mu.Lock()
	defer t.mu.Unlock()
	return t.tracks
}

// insertTracks creates n more tracking sets, as a colleague might during a
// long read.
func (t *tencentAPI) insertTracks(n int) {
	t.trackSet()
	t.mu.Lock()
	defer t.mu.Unlock()
	for i, end := len(t.tracks), len(t.tracks)+n; i < end; i++ {
		raw, _ := json.Marshal(buildTrack(i))
		t.tracks = append(t.tracks, raw)
	}
}

func (t *tencentAPI) describeAuditTracks(call *tencentCall) (any, *tencentError) {
	p := call.params
	if err := p.only("PageNumber", "PageSize"); err != nil {
		return nil, err
	}
	var pageNumber, pageSize int64
	if _, err := p.get("PageNumber", &pageNumber, true); err != nil {
		return nil, err
	}
	if _, err := p.get("PageSize", &pageSize, true); err != nil {
		return nil, err
	}
	if pageNumber < 1 {
		return nil, errorf("InvalidParameterValue", "PageNumber must be at least 1, got %d.", pageNumber)
	}
	if pageSize < 1 {
		return nil, errorf("InvalidParameterValue", "PageSize must be at least 1, got %d.", pageSize)
	}
	if call.ignoreOffset {
		pageNumber = 1 // FaultIgnoreOffset: every page is the first
	}
	all := t.trackSet()
	served := t.srv.cappedPage("DescribeAuditTracks", pageSize)
	// Past the end is an empty page; compare before multiplying, as huge
	// page numbers would overflow.
	n := int64(len(all))
	start := n
	if pageNumber-1 < (n+pageSize-1)/pageSize {
		start = (pageNumber - 1) * pageSize
	}
	end := min(start+served, n)
	return struct {
		Tracks     []json.RawMessage `json:"Tracks"`
		TotalCount int               `json:"TotalCount"`
	}{Tracks: all[start:end], TotalCount: len(all)}, nil
}
