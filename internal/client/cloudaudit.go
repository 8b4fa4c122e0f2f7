package client

import (
	"context"
	"fmt"
)

// CloudAudit API identity.
const (
	CloudAuditService = "cloudaudit"
	CloudAuditVersion = "2019-03-19"
)

// DefaultAuditTracksPageSize is the page size used when reading every page.
// The API documents no maximum; the paging helper notices a silent cap.
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
}

// ListAuditTracks reads tracking sets page by page until TotalCount are read
// or maxItems (when positive) is reached. It fails rather than return a
// partial list when the API's answers stop adding up: a page shorter than
// pageSize before the end (a silent page-size cap), or a TotalCount that
// changes between pages (tracking sets created or deleted during the read).
func (c *TencentClient) ListAuditTracks(ctx context.Context, region string, pageSize uint64, maxItems int) (*AuditTracksResult, error) {
	if pageSize == 0 {
		pageSize = DefaultAuditTracksPageSize
	}
	res := &AuditTracksResult{Tracks: make([]AuditTrack, 0)}
	for page := uint64(1); ; page++ {
		resp, err := c.DescribeAuditTracks(ctx, region, DescribeAuditTracksRequest{PageNumber: page, PageSize: pageSize})
		if err != nil {
			return nil, fmt.Errorf("reading page %d of tracking sets: %w", page, err)
		}
		res.Pages++
		total := derefUint(resp.TotalCount)
		if page == 1 {
			res.TotalCount = total
			res.Tracks = make([]AuditTrack, 0, min(total, uint64(capHint(maxItems))))
		} else if total != res.TotalCount {
			return nil, fmt.Errorf("the number of tracking sets changed from %d to %d while reading page %d (RequestId: %s); they were modified during the read, try again",
				res.TotalCount, total, page, resp.RequestId)
		}
		res.Tracks = append(res.Tracks, resp.Tracks...)

		if maxItems > 0 && len(res.Tracks) >= maxItems {
			res.Tracks = res.Tracks[:maxItems]
			return res, nil
		}
		if uint64(len(res.Tracks)) >= res.TotalCount {
			return res, nil
		}
		if uint64(len(resp.Tracks)) < pageSize {
			return nil, fmt.Errorf("page %d held %d tracking sets, fewer than the page size %d, yet only %d of %d were read (RequestId: %s); the API may cap the page size: set a smaller page_size",
				page, len(resp.Tracks), pageSize, len(res.Tracks), res.TotalCount, resp.RequestId)
		}
	}
}

func derefUint(p *uint64) uint64 {
	if p == nil {
		return 0
	}
	return *p
}

// capHint bounds a preallocation so a huge or absent max_items does not
// reserve memory the read may never need.
func capHint(maxItems int) int {
	const ceiling = 1 << 16
	if maxItems <= 0 || maxItems > ceiling {
		return ceiling
	}
	return maxItems
}
