// Package gaterelease tests how auditlog-gate reaches its users: the
// release archive and checksum file goreleaser makes for this platform,
// installed by the policy guide's own install steps as a CI runs them. It
// has no code of its own; the command is the Go module in examples/policy.
package gaterelease
