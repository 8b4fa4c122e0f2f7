// Command terraform-provider-auditlog is the auditlog Terraform provider.
package main

import (
	_ "embed"
	"flag"
	"log"
	"strings"

	"github.com/hashicorp/terraform-plugin-go/tfprotov6/tf6server"

	"github.com/auditlog/terraform-provider-auditlog/internal/provider"
)

// Documentation is generated from the schema, templates/ and examples/;
// examples are formatted first so the docs quote them as committed.
//go:generate terraform fmt -recursive ./examples/
//go:generate go tool tfplugindocs generate --provider-name auditlog --rendered-provider-name auditlog

// versionFile is the repository's VERSION file: the one place the version
// is kept, so that a plain `go build` reports it too.
//
//go:embed VERSION
var versionFile string

// version and commit are set by the build (`-ldflags -X main.version=...`):
// scripts/mirror.sh stamps VERSION, the release build the tag, which must
// name the same version (see RELEASING.md). An unstamped build uses VERSION.
var (
	version = ""
	commit  = "none"
)

func main() {
	if version == "" {
		version = strings.TrimSpace(versionFile)
	}
	var debug bool
	flag.BoolVar(&debug, "debug", false, "set to true to run the provider with support for debuggers like delve")
	flag.Parse()

	var opts []tf6server.ServeOpt
	if debug {
		opts = append(opts, tf6server.WithManagedDebug())
	}
	err := tf6server.Serve("registry.terraform.io/auditlog/auditlog", provider.NewProtocol6Server(version), opts...)
	if err != nil {
		log.Fatalf("%s (commit %s): %s", version, commit, err)
	}
}
