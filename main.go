// Command terraform-provider-auditlog is the auditlog Terraform provider.
package main

import (
	"context"
	"flag"
	"log"

	"github.com/hashicorp/terraform-plugin-framework/providerserver"

	"github.com/auditlog/terraform-provider-auditlog/internal/provider"
)

// Documentation is generated from the schema, templates/ and examples/;
// examples are formatted first so the docs quote them as committed.
//go:generate terraform fmt -recursive ./examples/
//go:generate go tool tfplugindocs generate --provider-name auditlog --rendered-provider-name auditlog

// version and commit are set by the release build (goreleaser ldflags).
var (
	version = "dev"
	commit  = "none"
)

func main() {
	var debug bool
	flag.BoolVar(&debug, "debug", false, "set to true to run the provider with support for debuggers like delve")
	flag.Parse()

	err := providerserver.Serve(context.Background(), provider.New(version), providerserver.ServeOpts{
		Address: "registry.terraform.io/auditlog/auditlog",
		Debug:   debug,
	})
	if err != nil {
		log.Fatalf("%s (commit %s): %s", version, commit, err)
	}
}
