package client

import (
	"context"
	"strconv"
)

// CloudAudit API identity.
const (
	CloudAuditService = "cloudaudit"
	CloudAuditVersion = "2019-03-19"
)

// DefaultAuditTracksPageSize is the page size used when reading every page.
// The API documents no maximum; the paging helper learns a silent cap.
const DefaultAuditTracksPageSize = 20

// DescribeAuditTracksRequest is the request of DescribeAuditTracks. Both
// fields are required by the API.
type DescribeAuditTracksRequest struct {
	PageNumber uint64 `json:"PageNumber"`
	PageSize   uint64 `json:"PageSize"`
}

// DescribeAuditTracksResponse is one page of tracking sets.
type DescribeAuditTracksResponse struct {
	ResponseMeta
	Tracks     []AuditTrack `json:"Tracks"`
	TotalCount *uint64      `json:"TotalCount"`
}

// AuditTrack is the API's "Tracks" type: one tracking set. Pointer fields
// keep "absent" apart from zero values.
type AuditTrack struct {
	TrackId      *uint64       `json:"TrackId"`
	Name         *string       `json:"Name"`
	ActionType   *string       `json:"ActionType"`
	ResourceType *string       `json:"ResourceType"`
	Status       *uint64       `json:"Status"`
	EventNames   []string      `json:"EventNames"`
	Storage      *AuditStorage `json:"Storage"`
	CreateTime   *string       `json:"CreateTime"`
}

// AuditStorage is the API's "Storage" type: where a tracking set delivers.
type AuditStorage struct {
	StorageType      *string `json:"StorageType"`
	StorageRegion    *string `json:"StorageRegion"`
	StorageName      *string `json:"StorageName"`
	StoragePrefix    *string `json:"StoragePrefix"`
	StorageAccountId *string `json:"StorageAccountId"`
	StorageAppId     *string `json:"StorageAppId"`
	Compress         *uint64 `json:"Compress"`
}

// DescribeAuditTracks reads one page of tracking sets in region.
func (c *TencentClient) DescribeAuditTracks(ctx context.Context, region string, req DescribeAuditTracksRequest) (*DescribeAuditTracksResponse, error) {
	return callTencent[DescribeAuditTracksResponse](ctx, c, tencentOp{
		Service: CloudAuditService, Version: CloudAuditVersion, Action: "DescribeAuditTracks", Region: region,
	}, req)
}

// AuditTracksResult is every tracking set read by ListAuditTracks.
type AuditTracksResult struct {
	Tracks     []AuditTrack
	TotalCount uint64
	// Pages is the number of API calls that succeeded.
	Pages int
	// PageSizeCap is the page size the API was found to cap pages at
	// (silently: its documentation gives no maximum); 0 when none was seen.
	PageSizeCap uint64
}

// ListAuditTracks reads every tracking set (or the first maxItems, when
// positive), fetching pages concurrently once the first has given the total.
// When the API silently caps the page size, the read starts again at page 1
// with pages of the cap. It fails rather than return a partial or
// inconsistent list; see pagedRead.
func (c *TencentClient) ListAuditTracks(ctx context.Context, region string, pageSize uint64, maxItems int) (*AuditTracksResult, error) {
	if pageSize == 0 {
		pageSize = DefaultAuditTracksPageSize
	}
	read := pagedRead[AuditTrack]{
		noun: "tracking sets", action: "DescribeAuditTracks", pageSize: int64(pageSize), maxItems: maxItems, fixedLimit: true, log: c.log,
		key: func(t AuditTrack) (string, bool) {
			if t.TrackId == nil {
				return "", false
			}
			return "TrackId " + strconv.FormatUint(*t.TrackId, 10), true
		},
		fetch: func(ctx context.Context, p pageSpec) (pageResult[AuditTrack], error) {
			resp, err := c.DescribeAuditTracks(ctx, region, DescribeAuditTracksRequest{PageNumber: uint64(p.number), PageSize: uint64(p.size)})
			if err != nil {
				return pageResult[AuditTrack]{}, err
			}
			total, err := totalFromUint64("tracking sets", resp.TotalCount, resp.RequestId)
			if err != nil {
				return pageResult[AuditTrack]{}, err
			}
			return pageResult[AuditTrack]{items: resp.Tracks, total: total, requestID: resp.RequestId}, nil
		},
	}
	res, err := read.run(ctx)
	if err != nil {
		return nil, err
	}
	return &AuditTracksResult{Tracks: res.items, TotalCount: uint64(res.total), Pages: res.pages, PageSizeCap: uint64(res.cap)}, nil
}
