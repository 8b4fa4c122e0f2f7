//go:build linux

// benchpaging read: the client-only paging benchmark.

package main

import (
	"context"
	"flag"
	"fmt"
	"net/http"
	"os"
	"sync/atomic"
	"time"

	"github.com/auditlog/terraform-provider-auditlog/internal/client"
)

// countingTransport counts HTTP exchanges.
type countingTransport struct {
	base http.RoundTripper
	n    atomic.Int64
}

func (t *countingTransport) RoundTrip(r *http.Request) (*http.Response, error) {
	t.n.Add(1)
	return t.base.RoundTrip(r)
}

// pooledTransport is a keep-alive transport like the ones the client builds
// for itself (internal/client newHTTPTransport, newPooledHTTPClient).
func pooledTransport(idlePerHost int) *http.Transport {
	base, ok := http.DefaultTransport.(*http.Transport)
	if !ok {
		base = &http.Transport{Proxy: http.ProxyFromEnvironment}
	}
	t := base.Clone()
	t.MaxIdleConnsPerHost = idlePerHost
	t.IdleConnTimeout = 90 * time.Second
	return t
}

func runRead(args []string) error {
	fs := flag.NewFlagSet("read", flag.ExitOnError)
	source := fs.String("source", "", "csip, tracks, ucloud or events")
	pageSize := fs.Int("page-size", 0, "page size (0: the provider's default for the data source)")
	subUin := fs.String("sub-uin", "100021372635", "CSIP SubUin")
	region := fs.String("region", "ap-guangzhou", "CloudAudit region")
	expect := fs.Int("expect", -1, "fail unless exactly this many records are read (-1: no check)")
	warm := fs.Duration("warm", -1, "first read one page untimed (the simulator builds its data set on the first call), then pause this long; negative: no warm-up")
	_ = fs.Parse(args)
	warmUp := func(read func() error) error {
		if *warm < 0 {
			return nil
		}
		if err := read(); err != nil {
			return fmt.Errorf("warm-up: %w", err)
		}
		time.Sleep(*warm)
		return nil
	}

	env := os.Getenv
	ctx := context.Background()
	var (
		records, pages int
		count          *countingTransport
		start          time.Time
		err            error
	)
	switch *source {
	case "csip", "tracks":
		count = &countingTransport{base: pooledTransport(32)}
		c, cerr := simTencentClient(count)
		if cerr != nil {
			return cerr
		}
		if err := warmUp(func() error {
			if *source == "csip" {
				_, err := c.ListUserCallRecords(ctx, "", client.DescribeUserCallRecordRequest{SubUin: *subUin}, int64(*pageSize), 1)
				return err
			}
			_, err := c.DescribeAuditTracks(ctx, *region, client.DescribeAuditTracksRequest{PageNumber: 1, PageSize: 1})
			return err
		}); err != nil {
			return err
		}
		count.n.Store(0)
		start = time.Now()
		if *source == "csip" {
			var res *client.UserCallRecordsResult
			res, err = c.ListUserCallRecords(ctx, "", client.DescribeUserCallRecordRequest{SubUin: *subUin}, int64(*pageSize), 0)
			if err == nil {
				records, pages = len(res.Records), res.Pages
			}
		} else {
			var res *client.AuditTracksResult
			res, err = c.ListAuditTracks(ctx, *region, uint64(*pageSize), 0)
			if err == nil {
				records, pages = len(res.Tracks), res.Pages
			}
		}
	case "events":
		// One window covering the simulator's events (the 28 days before it
		// started), inside the API's 30-day span; pages of 50, one after
		// the other.
		count = &countingTransport{base: pooledTransport(8)}
		c, cerr := simTencentClient(count)
		if cerr != nil {
			return cerr
		}
		size := uint64(client.CloudAuditMaxEventsPage)
		if *pageSize > 0 {
			size = uint64(*pageSize)
		}
		now := time.Now()
		q := client.CloudAuditEventsQuery{Region: *region, Request: client.DescribeEventsRequest{
			StartTime: uint64(now.Add(-29 * 24 * time.Hour).Unix()), EndTime: uint64(now.Add(12 * time.Hour).Unix()), MaxResults: &size,
		}}
		if err := warmUp(func() error { w := q; w.MaxItems = 1; _, err := c.ListCloudAuditEvents(ctx, w); return err }); err != nil {
			return err
		}
		count.n.Store(0)
		start = time.Now()
		var res *client.CloudAuditEventsResult
		res, err = c.ListCloudAuditEvents(ctx, q)
		if err == nil {
			records, pages = len(res.Events), res.Pages
		}
	case "ucloud":
		count = &countingTransport{base: pooledTransport(8)}
		c, cerr := client.NewUCloudClient(client.UCloudConfig{
			PublicKey: env("UCLOUD_PUBLIC_KEY"), PrivateKey: env("UCLOUD_PRIVATE_KEY"),
			ProjectID: env("UCLOUD_PROJECT_ID"), BaseURL: env("UCLOUD_API_BASE_URL"),
			MaxRetries: client.DefaultMaxRetries, UserAgent: "benchpaging",
			HTTPClient: &http.Client{Transport: count},
		})
		if cerr != nil {
			return cerr
		}
		req := client.GetUserOperationEventsRequest{}
		if *pageSize > 0 {
			req.MaxResults = pageSize
		}
		if err := warmUp(func() error { _, err := c.ListUserOperationEvents(ctx, req, 1); return err }); err != nil {
			return err
		}
		count.n.Store(0)
		start = time.Now()
		var res *client.UserOperationEventsResult
		res, err = c.ListUserOperationEvents(ctx, req, 0)
		records = len(res.Events)
		// Strictly sequential, one call per page; retries would show as
		// requests > pages only for the Tencent APIs, so count calls here.
		pages = int(count.n.Load())
	default:
		return fmt.Errorf("read: -source must be csip, tracks, ucloud or events, got %q", *source)
	}
	wall := time.Since(start)
	if err != nil {
		return fmt.Errorf("read %s: %w", *source, err)
	}
	if *expect >= 0 && records != *expect {
		return fmt.Errorf("read %s: read %d records, expected %d", *source, records, *expect)
	}
	fmt.Printf("source=%s records=%d pages=%d requests=%d wall_s=%.4f pages_per_s=%.3f records_per_s=%.1f\n",
		*source, records, pages, count.n.Load(), wall.Seconds(),
		float64(pages)/wall.Seconds(), float64(records)/wall.Seconds())
	return nil
}

func simTencentClient(transport http.RoundTripper) (*client.TencentClient, error) {
	return client.NewTencentClient(client.TencentConfig{
		SecretID: os.Getenv("TENCENTCLOUD_SECRET_ID"), SecretKey: os.Getenv("TENCENTCLOUD_SECRET_KEY"),
		Endpoint: os.Getenv("TENCENTCLOUD_ENDPOINT"), MaxRetries: client.DefaultMaxRetries,
		UserAgent: "benchpaging", Transport: transport,
	})
}
