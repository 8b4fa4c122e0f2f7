package main

import (
	"strings"
	"testing"
)

// A provider from a host other than a registry's (a copy vendored under
// example.com) is named too: init's log is the only place that says which
// provider it could not install.
func TestUnpinnedProvidersOfAnyHost(t *testing.T) {
	log := `Initializing provider plugins...
- Finding latest version of example.com/x/auditlog...

Error: Failed to query available provider packages

Could not retrieve the list of available versions for provider
example.com/x/auditlog: provider example.com/x/auditlog was not found in any
of the search locations
`
	pinned := []string{"registry.terraform.io/auditlog/auditlog"}
	if got := unpinnedNamedIn(log, pinned, unpinnedIn(log, pinned)); strings.Join(got, " ") != "example.com/x/auditlog" {
		t.Errorf("unpinned providers: %q, want example.com/x/auditlog", got)
	}
	// A pinned provider named by init is not unpinned; a registry one is
	// reported once.
	log = "provider registry.terraform.io/hashicorp/external was not found; provider registry.terraform.io/auditlog/auditlog"
	if got := unpinnedNamedIn(log, pinned, unpinnedIn(log, pinned)); strings.Join(got, " ") != "registry.terraform.io/hashicorp/external" {
		t.Errorf("unpinned providers: %q, want registry.terraform.io/hashicorp/external alone", got)
	}
}
