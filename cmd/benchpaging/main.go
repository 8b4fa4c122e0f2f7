//go:build linux

// Command benchpaging is the helper of scripts/bench.sh (make bench), for
// Linux only (it reads /proc and uses waitid). It has four subcommands:
//
//	benchpaging read -source csip|tracks|ucloud|events [-page-size N] [-sub-uin UIN] [-expect N] [-warm D]
//
// reads every record of one data set from the simulator (or any endpoint the
// environment names, as cmd/cloudsim prints it) with the project's own client
// package, exactly as the provider pages it but without Terraform, and prints
// one line of key=value figures: records, pages (successful API calls),
// requests (HTTP exchanges, retries included), wall_s and pages_per_s.
//
//	benchpaging measure -o FILE [-poll 20ms] [-timeout D] -- COMMAND [ARGS...]
//
// runs COMMAND with stdin, stdout, stderr and the environment passed through
// unchanged, and when it ends appends one line of key=value figures to FILE:
// its wall time, its own CPU time, its CPU time including the children it
// waited for, its peak RSS and that of its waited-for children, and the
// wrapper's own cost. It exits with COMMAND's status. The benchmark uses it
// twice: around `terraform plan`, and as the provider binary Terraform starts
// (a dev_overrides wrapper script execs it), so that the provider's figures
// are taken from the provider process alone. See BENCHMARKS.md.
//
//	benchpaging report -dir DIR -sizes "1000 10000 100000" [-gates] [-o FILE]
//
// reads the files the benchmark left in DIR, prints the Markdown tables of
// BENCHMARKS.md and, with -gates, exits 1 when a target is missed.
//
//	benchpaging quiet [-below 0.25] [-max-wait 60s]
//
// waits until the machine's CPUs have been busy less than -below CPUs' worth
// over one second (other people's builds and tests share it), or -max-wait
// has passed, and says so when it had to wait.
package main

import (
	"errors"
	"fmt"
	"os"
)

func main() {
	if len(os.Args) < 2 {
		usage()
	}
	var err error
	switch os.Args[1] {
	case "read":
		err = runRead(os.Args[2:])
	case "measure":
		os.Exit(runMeasure(os.Args[2:]))
	case "report":
		err = runReport(os.Args[2:])
	case "quiet":
		err = runQuiet(os.Args[2:])
	default:
		usage()
	}
	if err != nil {
		var ge gateError
		if errors.As(err, &ge) {
			fmt.Fprintln(os.Stderr, "benchpaging:", err)
			os.Exit(1)
		}
		fmt.Fprintln(os.Stderr, "benchpaging:", err)
		os.Exit(2)
	}
}

func usage() {
	fmt.Fprint(os.Stderr, `usage:
  benchpaging read -source csip|tracks|ucloud|events [-page-size N] [-sub-uin UIN] [-expect N] [-warm D]
  benchpaging measure -o FILE [-poll 20ms] [-timeout D] -- COMMAND [ARGS...]
  benchpaging report -dir DIR -sizes "1000 10000 100000" [-gates] [-o FILE]
  benchpaging quiet [-below 0.25] [-max-wait 60s]
`)
	os.Exit(2)
}
