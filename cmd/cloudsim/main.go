// Command cloudsim serves the local Tencent Cloud and UCloud simulator on
// loopback, for the demo, the benchmarks and manual exploration:
//
//	cloudsim                               # on 127.0.0.1:8787
//	cloudsim -addr 127.0.0.1:0 -url-file /tmp/sim.url -tracks 12
//	cloudsim -scenario noncompliant -terraformrc .mirror/terraformrc
//	cloudsim -data my-account.json
//	cloudsim -fault throttle,action=DescribeAuditTracks,times=2 -fault http-status,status=503,after=5,times=1
//	cloudsim -page-cap DescribeAuditTracks=4 -page-cap DescribeUserCallRecord=50
//
// It prints the environment variables that point the provider at it (and
// Terraform at a local build of the provider, when the CLI configuration
// named by -terraformrc exists), what it serves for each action (the records
// of the -scenario or -data set, or generated ones), then serves until
// interrupted or until the process that started it exits.
package main

import (
	"errors"
	"flag"
	"fmt"
	"io"
	"log"
	"os"
	"os/signal"
	"path/filepath"
	"strings"
	"syscall"
	"time"

	"github.com/auditlog/terraform-provider-auditlog/internal/cloudsim"
)

// defaultAddr is fixed, so that the environment printed once stays valid
// across restarts of the simulator.
const defaultAddr = "127.0.0.1:8787"

// defaultTerraformRC is the dev-override CLI configuration `make demo`
// writes, pointing Terraform at the provider it built.
const defaultTerraformRC = ".demo/terraformrc"

func main() {
	var (
		addr           = flag.String("addr", defaultAddr, "listen address; port 0 picks a free port")
		urlFile        = flag.String("url-file", "", "write the base URL to this file once listening")
		terraformRC    = flag.String("terraformrc", defaultTerraformRC, "Terraform CLI configuration to print as TF_CLI_CONFIG_FILE, if the file exists: a dev override (make demo) or a mirror's (make mirror: .mirror/terraformrc)")
		exitWithParent = flag.Bool("exit-with-parent", true, "exit when the process that started the simulator exits (as `go run` does when killed)")
		opts           cloudsim.Options
	)
	flag.IntVar(&opts.Tracks, "tracks", 0, "CloudAudit tracking sets (0: default 7, negative: none)")
	flag.IntVar(&opts.CallRecords, "call-records", 0, "CSIP call records per sub-account (0: default 40, negative: none)")
	flag.IntVar(&opts.Events, "events", 0, "UCloud operation events (0: default 120, negative: none)")
	flag.IntVar(&opts.UCloudFailureEvery, "ucloud-failure-every", 0, "about one in N generated UCloud operation events fails (0: default 7)")
	flag.IntVar(&opts.CloudAuditEvents, "cloudaudit-events", 0, "CloudAudit events served by DescribeEvents (0: default 300, negative: none)")
	flag.IntVar(&opts.OrgMembers, "org-members", 0, "member accounts of the Tencent Cloud Organization, the administrator included (0: default 5, negative: no organization)")
	flag.IntVar(&opts.UCloudProjects, "ucloud-projects", 0, "projects of the UCloud account, the default project included (0: default 3)")
	flag.IntVar(&opts.TrackPageCap, "track-page-cap", 0, "silently cap DescribeAuditTracks pages at this size (0: no cap); the same as -page-cap DescribeAuditTracks=N")
	flag.BoolVar(&opts.EnforceRateLimits, "enforce-rate-limits", false, "refuse Tencent calls beyond 20 per second per action with RequestLimitExceeded")
	flag.DurationVar(&opts.UCloudLatency, "ucloud-latency", 0, "hold each UCloud operation-log call this long")
	flag.DurationVar(&opts.Latency, "latency", 0, "delay every answer this long, as a distant API would")
	flag.StringVar(&opts.RefuseCallerIdentity, "refuse-caller-identity", "",
		"refuse STS GetCallerIdentity with this error code, such as AuthFailure.UnauthorizedOperation, as a CAM policy denying it would")
	flag.Func("event-name-match", "how DescribeEvents' EventName condition compares names: "+strings.Join(cloudsim.EventNameMatchings, ", ")+
		" (default exact; the documents do not say)", func(v string) error {
		m, err := cloudsim.ParseEventNameMatching(v)
		opts.EventNameMatch = m
		return err
	})
	members := flag.Int("accounts", 0, "also serve this many member accounts, UINs 100000000002 and up, each with a role auditor trusting the simulator's own account")
	memberEvents := flag.Int("account-events", 0, "CloudAudit events of each member account of -accounts (0: default 300)")
	statsFile := flag.String("stats-file", "", "when stopped, write what was answered to this file as key=value figures: throttled calls and AssumeRole calls (in all, roles, most for one role)")
	var faults []cloudsim.Fault
	flag.Func("fault", "inject a fault: KIND[,action=A][,after=N][,times=N][,code=C][,status=N][,delay=D][,records=N] (repeatable); "+
		"kinds: throttle, api-error, http-status, slow, reset, truncate, malformed, string-retcode, expire-tokens, clock-skew, insert, repeat-token, empty-page, ignore-offset, shift-down, shift-up, understate-total, no-list, error-without-code, duplicate-key, no-expired-time, no-expiry, expire-context, histogram-skew",
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
	flag.IntVar(&opts.CLS.Events, "cls-events", 0, "deliver this many generated CloudAudit events to the CLS topics of the tracking sets, each topic those its filter selects (0: the DescribeEvents events)")
	flag.IntVar(&opts.CLS.Days, "cls-days", 0, "spread -cls-events over this many days before the start (0: default 180)")
	flag.BoolVar(&opts.CLS.DeliveryLag, "cls-delivery-lag", false, "make CLS logs searchable only 5 to 10 minutes after their time, as CloudAudit delivers them")
	flag.IntVar(&opts.CLS.MaxResponseBytes, "cls-max-response-bytes", 0, "answer SearchLog pages larger than this with LimitExceeded.SearchResultTooLarge (0: 20 MB)")
	flag.BoolVar(&opts.CLS.HistogramWholeEdges, "cls-histogram-whole-edges", false, "make DescribeLogHistogram count whole edge buckets, logs outside From and To included (undocumented either way)")
	flag.DurationVar(&opts.CLS.SearchLatency, "cls-search-latency", 0, "hold each CLS search this long inside the topic's 15 concurrent-search slots")
	flag.Int64Var(&opts.CLS.HistogramMinInterval, "cls-histogram-min-interval", 0, "make DescribeLogHistogram answer buckets at least this many ms wide, whatever Interval asks (undocumented either way)")
	flag.Func("cls-topic", "options of one CLS topic: TOPIC_ID:opt,... with userIdentity=json|flat, cold, isolated, no-cql, period=N, hot-period=N, ia-window=search|refuse|omit, "+
		"time=event|delivery, offset=unknown|invalid|ignore, offset-cap=N, offset-cap-code=invalid|reach-limit (repeatable)",
		func(spec string) error {
			id, o, err := cloudsim.ParseCLSTopic(spec)
			if opts.CLS.Topics == nil {
				opts.CLS.Topics = map[string]cloudsim.CLSTopicOptions{}
			}
			opts.CLS.Topics[id] = o
			return err
		})
	flag.Func("cls-review", "make the CLS topics hold a six-month review's deliveries: compliant (3000 events over -cls-days, default 180, watched ones by admin and ops-automation only), noncompliant (and mallory's TerminateInstances, RebootInstances, DeleteUser inside the window), cos-only (compliant, and no tracking set delivering to CLS is listed); default: the data set's CLSReview (the compliant scenario: compliant), else none",
		func(mode string) error {
			if err := cloudsim.CheckCLSReview(mode); err != nil {
				return err
			}
			opts.CLS.Review = mode
			return nil
		})
	dataFile := flag.String("data", "", "serve the records in this JSON file instead of generated ones (see internal/cloudsim/scenarios/README.md)")
	scenario := flag.String("scenario", "", "serve a shipped data set: compliant, noncompliant, or organization (several accounts)")
	flag.Parse()

	dataLabel := ""
	switch {
	case *dataFile != "" && *scenario != "":
		log.Fatalf("cloudsim: -data and -scenario are exclusive")
	case *dataFile != "":
		dataLabel = "the data set " + *dataFile
		d, err := cloudsim.LoadDataSet(*dataFile)
		if err != nil {
			log.Fatalf("cloudsim: %v", err)
		}
		opts.Data = d
	case *scenario == cloudsim.OrganizationScenario:
		dataLabel = "the shipped scenario organization (internal/cloudsim/scenarios/README.md lists its accounts): the auditor's own account"
		o, err := cloudsim.OrganizationOptions(opts)
		if err != nil {
			log.Fatalf("cloudsim: %v", err)
		}
		opts = o
	case *scenario != "":
		dataLabel = "the shipped scenario " + *scenario + " (internal/cloudsim/scenarios/README.md lists its seeded findings)"
		d, err := cloudsim.Scenario(*scenario)
		if err != nil {
			log.Fatalf("cloudsim: %v", err)
		}
		opts.Data = d
	}

	if *members > 0 {
		opts.Accounts = append(opts.Accounts, cloudsim.MemberAccounts(*members, *memberEvents)...)
	}

	parent := os.Getppid()
	sim := cloudsim.New(opts)
	if opts.CLS.Events > 0 {
		sim.PrepareCLS() // before listening: searches are timed, not the data set's making
	}
	for _, f := range faults {
		sim.InjectFault(f)
	}
	for action, n := range pageCaps {
		sim.CapPageSize(action, n)
	}
	url, err := sim.Start(*addr)
	if err != nil {
		if errors.Is(err, syscall.EADDRINUSE) {
			log.Fatalf("cloudsim: %s is in use: another simulator may be running (stop it, or pick another address with -addr, such as -addr 127.0.0.1:0 for a free port)", *addr)
		}
		log.Fatalf("cloudsim: %v", err)
	}
	rc := ""
	if *terraformRC != "" {
		if abs, err := filepath.Abs(*terraformRC); err == nil {
			if _, err := os.Stat(abs); err == nil {
				rc = abs
			}
		}
	}
	printUsage(os.Stdout, sim, url, rc, *terraformRC, dataLabel)
	if *urlFile != "" {
		if err := os.WriteFile(*urlFile, []byte(url+"\n"), 0o600); err != nil {
			log.Fatalf("cloudsim: %v", err)
		}
	}

	stop := make(chan os.Signal, 1)
	signal.Notify(stop, os.Interrupt, syscall.SIGTERM, syscall.SIGHUP)
	if *exitWithParent {
		go watchParent(parent, stop)
	}
	<-stop
	_ = sim.Close()
	if *statsFile != "" {
		if err := os.WriteFile(*statsFile, []byte(statsLine(sim)+"\n"), 0o600); err != nil {
			log.Fatalf("cloudsim: %v", err)
		}
	}
}

// statsLine is what the simulator answered, as key=value figures.
func statsLine(sim *cloudsim.Server) string {
	calls, most := 0, 0
	counts := sim.AssumeRoleCounts()
	for _, n := range counts {
		calls += n
		most = max(most, n)
	}
	return fmt.Sprintf("throttled=%d assume_role_calls=%d assume_role_roles=%d assume_role_max_per_role=%d describe_events_calls=%d",
		sim.ThrottledCount(), calls, len(counts), most, sim.CallCount("DescribeEvents"))
}

// watchParent signals stop once the process that started the simulator has
// exited. Killing `go run` does not kill the program it runs: without this,
// the simulator would keep its fixed port and the next run would fail.
func watchParent(parent int, stop chan<- os.Signal) {
	if parent <= 1 {
		return // started by init or a subreaper: nothing to watch
	}
	for range time.Tick(500 * time.Millisecond) {
		if os.Getppid() != parent {
			stop <- syscall.SIGTERM
			return
		}
	}
}

// printUsage prints what a user needs to point the provider (and Terraform)
// at the simulator, and what data it serves: for each action, the records of
// the data set (-data, -scenario) or the generated ones.
func printUsage(w io.Writer, sim *cloudsim.Server, url, rc, rcFlag, dataLabel string) {
	o := sim.Options()
	p := func(format string, args ...any) { _, _ = fmt.Fprintf(w, format+"\n", args...) }
	p("cloudsim listening on %s", url)
	p("")
	p("# Point the provider at the simulator (paste into a shell, or eval the export lines):")
	p("export TENCENTCLOUD_ENDPOINT=%s TENCENTCLOUD_SECRET_ID=%s TENCENTCLOUD_SECRET_KEY=%s", url, o.TencentSecretID, o.TencentSecretKey)
	p("export UCLOUD_API_BASE_URL=%s UCLOUD_PUBLIC_KEY=%s UCLOUD_PRIVATE_KEY=%s UCLOUD_PROJECT_ID=%s", url, o.UCloudPublicKey, o.UCloudPrivateKey, o.UCloudProjectID)
	switch {
	case rc == "":
		p("# No CLI configuration at %s: run `make mirror` (then -terraformrc .mirror/terraformrc) or `make demo`", rcFlag)
		p("# (a dev override in .demo/terraformrc) once, or set TF_CLI_CONFIG_FILE to your own (see README.md).")
	case cliConfigHas(rc, "dev_overrides"):
		p("export TF_CLI_CONFIG_FILE=%s", rc)
		p("# With this dev override, run terraform plan or apply directly: terraform init is not needed (and fails offline);")
		p("# a configuration that calls modules needs terraform get.")
	default:
		p("export TF_CLI_CONFIG_FILE=%s", rc)
		p("# Then terraform init (it installs the provider from the mirror, offline) and terraform plan.")
	}
	p("")
	sum, fromData := sim.SummarizeData()
	if fromData {
		p("# Data: %s.", dataLabel)
		if sum.CapturedAt != "" {
			p("# Captured at %s; every time in it is moved by %s, so that the capture is the simulator's start (%s).",
				sum.CapturedAt, shiftOf(sum.CapturedAt, sim.Started()), sim.Started().UTC().Format(time.RFC3339))
		}
		if len(sum.Actions) < 4 {
			p("# Actions it leaves out serve generated data (see internal/cloudsim/README.md).")
		}
	} else {
		p("# Data: generated (see internal/cloudsim/README.md):")
	}
	line := func(action, label, generated string) {
		if s, ok := sum.Actions[action]; ok {
			p("#   %s: %s", label, s)
		} else if fromData {
			p("#   %s: generated, %s", label, generated)
		} else {
			p("#   %s: %s", label, generated)
		}
	}
	line("DescribeAuditTracks", "CloudAudit tracking sets", fmt.Sprintf("%d tracking sets", max(o.Tracks, 0)))
	line("DescribeEvents", "CloudAudit events", fmt.Sprintf("%d events over the 28 days that end a minute before the start", max(o.CloudAuditEvents, 0)))
	end := sim.CSIPDataEnd()
	line("DescribeUserCallRecord", "CSIP call records", fmt.Sprintf("%d for each of the sub-accounts %s, last calls from %s to %s (Beijing time)",
		max(o.CallRecords, 0), strings.Join(cloudsim.CSIPSubUins, ", "),
		end.Add(-90*24*time.Hour).Format(cloudsim.CSIPTimeLayout), end.Format(cloudsim.CSIPTimeLayout)))
	ucloudEnd := sim.Started().Add(-time.Minute)
	line("GetUserOperationEvents", "UCloud operation events", fmt.Sprintf("%d in project %s, from about %s to %s",
		max(o.Events, 0), o.UCloudProjectID, ucloudEnd.Add(-300*24*time.Hour).UTC().Format(time.RFC3339), ucloudEnd.UTC().Format(time.RFC3339)))
	if o.OrgMembers < 0 {
		p("#   Organization: the account belongs to no organization")
	} else {
		p("#   Organization: %d member accounts, the administrator %s first", o.OrgMembers, cloudsim.DefaultTencentOwnerUin)
	}
	p("#   UCloud projects: %d, the default %s first", len(sim.UCloudProjects()), o.UCloudProjectID)
	for _, topic := range sim.CLSTopics() {
		p("#   CLS topic %s", topic)
	}
	if mode := sim.CLSReview(); mode != "" && o.CLS.Events <= 0 {
		days := o.CLS.Days
		if days <= 0 {
			days = 180
		}
		p("#   CLS deliveries: the six-month review %q (-cls-review): %d events over the last %d days, see internal/cloudsim/README.md", mode, cloudsim.CLSReviewEvents, days)
	}
	for _, a := range o.Accounts {
		role := ""
		for name := range a.Roles {
			role = "qcs::cam::uin/" + a.Uin + ":roleName/" + name
		}
		msum, _ := sim.Account(a.Uin).SummarizeData()
		p("# Member account %s (role %s, trusting %s):", a.Uin, role, cloudsim.DefaultTencentOwnerUin)
		for _, action := range []string{"DescribeAuditTracks", "DescribeEvents", "DescribeUserCallRecord"} {
			if s, ok := msum.Actions[action]; ok {
				p("#   %s: %s", action, s)
			}
		}
	}
	p("# Stop with Ctrl-C.")
}

// cliConfigHas reports whether the CLI configuration at path holds word.
func cliConfigHas(path, word string) bool {
	b, err := os.ReadFile(path)
	return err == nil && strings.Contains(string(b), word)
}

// shiftOf is how far a data set's times move: from its capture to start.
func shiftOf(capturedAt string, start time.Time) string {
	at, err := time.Parse(time.RFC3339, capturedAt)
	if err != nil {
		return "?"
	}
	d := start.Sub(at)
	sign := "+"
	if d < 0 {
		sign, d = "-", -d
	}
	days, rest := int(d/(24*time.Hour)), (d % (24 * time.Hour)).Round(time.Second)
	out := fmt.Sprintf("%s%d days", sign, days)
	if days == 1 {
		out = sign + "1 day"
	}
	if rest > 0 {
		out += fmt.Sprintf(" %02d:%02d:%02d", int(rest/time.Hour), int(rest%time.Hour/time.Minute), int(rest%time.Minute/time.Second))
	}
	return out
}
