// Command cloudsim serves the local Tencent Cloud and UCloud simulator on
// loopback, for the demo, the benchmarks and manual exploration:
//
//	cloudsim -addr 127.0.0.1:0 -url-file /tmp/sim.url -tracks 12
//	cloudsim -scenario noncompliant
//	cloudsim -data my-account.json
//	cloudsim -fault throttle,action=DescribeAuditTracks,times=2 -fault http-status,status=503,after=5,times=1
//	cloudsim -page-cap DescribeAuditTracks=4 -page-cap DescribeUserCallRecord=50
//
// It prints the environment variables that point the provider at it, then
// serves until interrupted.
package main

import (
	"flag"
	"fmt"
	"log"
	"os"
	"os/signal"
	"syscall"

	"github.com/auditlog/terraform-provider-auditlog/internal/cloudsim"
)

func main() {
	var (
		addr    = flag.String("addr", "127.0.0.1:0", "listen address; port 0 picks a free port")
		urlFile = flag.String("url-file", "", "write the base URL to this file once listening")
		opts    cloudsim.Options
	)
	flag.IntVar(&opts.Tracks, "tracks", 0, "CloudAudit tracking sets (0: default 7, negative: none)")
	flag.IntVar(&opts.CallRecords, "call-records", 0, "CSIP call records per sub-account (0: default 40, negative: none)")
	flag.IntVar(&opts.Events, "events", 0, "UCloud operation events (0: default 120, negative: none)")
	flag.IntVar(&opts.CloudAuditEvents, "cloudaudit-events", 0, "CloudAudit events served by DescribeEvents (0: default 300, negative: none)")
	flag.IntVar(&opts.TrackPageCap, "track-page-cap", 0, "silently cap DescribeAuditTracks pages at this size (0: no cap); the same as -page-cap DescribeAuditTracks=N")
	flag.BoolVar(&opts.EnforceRateLimits, "enforce-rate-limits", false, "refuse Tencent calls beyond 20 per second per action with RequestLimitExceeded")
	flag.DurationVar(&opts.UCloudLatency, "ucloud-latency", 0, "hold each UCloud operation-log call this long")
	flag.DurationVar(&opts.Latency, "latency", 0, "delay every answer this long, as a distant API would")
	var faults []cloudsim.Fault
	flag.Func("fault", "inject a fault: KIND[,action=A][,after=N][,times=N][,code=C][,status=N][,delay=D][,records=N] (repeatable); "+
		"kinds: throttle, api-error, http-status, slow, reset, truncate, malformed, string-retcode, expire-tokens, clock-skew, insert, repeat-token, empty-page",
		func(spec string) error {
			f, err := cloudsim.ParseFault(spec)
			faults = append(faults, f)
			return err
		})
	pageCaps := map[string]int{}
	flag.Func("page-cap", "silently serve at most N records per page of an action: Action=N (repeatable), "+
		"such as DescribeAuditTracks=4, DescribeUserCallRecord=50 or GetUserOperationEvents=20",
		func(spec string) error {
			action, n, err := cloudsim.ParsePageCap(spec)
			pageCaps[action] = n
			return err
		})
	dataFile := flag.String("data", "", "serve the records in this JSON file instead of generated ones (see internal/cloudsim/scenarios/README.md)")
	scenario := flag.String("scenario", "", "serve a shipped data set: compliant or noncompliant")
	flag.Parse()

	switch {
	case *dataFile != "" && *scenario != "":
		log.Fatalf("cloudsim: -data and -scenario are exclusive")
	case *dataFile != "":
		d, err := cloudsim.LoadDataSet(*dataFile)
		if err != nil {
			log.Fatalf("cloudsim: %v", err)
		}
		opts.Data = d
	case *scenario != "":
		d, err := cloudsim.Scenario(*scenario)
		if err != nil {
			log.Fatalf("cloudsim: %v", err)
		}
		opts.Data = d
	}

	sim := cloudsim.New(opts)
	for _, f := range faults {
		sim.InjectFault(f)
	}
	for action, n := range pageCaps {
		sim.CapPageSize(action, n)
	}
	url, err := sim.Start(*addr)
	if err != nil {
		log.Fatalf("cloudsim: %v", err)
	}
	o := sim.Options()
	fmt.Printf("cloudsim listening on %s\n", url)
	fmt.Printf("export TENCENTCLOUD_ENDPOINT=%s TENCENTCLOUD_SECRET_ID=%s TENCENTCLOUD_SECRET_KEY=%s\n", url, o.TencentSecretID, o.TencentSecretKey)
	fmt.Printf("export UCLOUD_API_BASE_URL=%s UCLOUD_PUBLIC_KEY=%s UCLOUD_PRIVATE_KEY=%s UCLOUD_PROJECT_ID=%s\n", url, o.UCloudPublicKey, o.UCloudPrivateKey, o.UCloudProjectID)
	if *urlFile != "" {
		if err := os.WriteFile(*urlFile, []byte(url+"\n"), 0o600); err != nil {
			log.Fatalf("cloudsim: %v", err)
		}
	}

	stop := make(chan os.Signal, 1)
	signal.Notify(stop, os.Interrupt, syscall.SIGTERM)
	<-stop
	_ = sim.Close()
}
