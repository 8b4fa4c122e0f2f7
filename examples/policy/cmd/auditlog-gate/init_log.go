package main

import (
	"regexp"
	"strings"
)

// providerNamedInLog is an address that init's log calls a provider
// ("provider example.com/x/auditlog was not found"), on any host: a
// configuration may require a provider from any host, and a copy vendored
// under another source is one the policy never pins.
var providerNamedInLog = regexp.MustCompile(`\bprovider\s+((?:[a-z0-9-]+\.)+[a-z]{2,}(?::[0-9]+)?/[a-z0-9_-]+/[a-z0-9_-]+)\b`)

// unpinnedNamedIn adds to found the addresses init's log names as
// providers that the policy does not pin, each once.
func unpinnedNamedIn(log string, pinned, found []string) []string {
	for _, m := range providerNamedInLog.FindAllStringSubmatch(strings.ToLower(log), -1) {
		if !contains(pinned, m[1]) && !contains(found, m[1]) {
			found = append(found, m[1])
		}
	}
	return found
}
