// Package client holds the API clients for Tencent Cloud and UCloud. It knows
// nothing of Terraform: the provider adapts its logger to the Logger interface
// below and turns the errors defined here into diagnostics.
package client

import "context"

// Logger receives structured log lines from the clients. Fields never carry
// secret keys, private keys, tokens or signatures.
type Logger interface {
	// Warn is for what a person should know although the read succeeded,
	// such as a page-size cap learned from the API.
	Warn(ctx context.Context, msg string, fields map[string]any)
	Info(ctx context.Context, msg string, fields map[string]any)
	Debug(ctx context.Context, msg string, fields map[string]any)
	Trace(ctx context.Context, msg string, fields map[string]any)
}

// nopLogger discards everything; it is used when no Logger is configured.
type nopLogger struct{}

func (nopLogger) Warn(context.Context, string, map[string]any)  {}
func (nopLogger) Info(context.Context, string, map[string]any)  {}
func (nopLogger) Debug(context.Context, string, map[string]any) {}
func (nopLogger) Trace(context.Context, string, map[string]any) {}

func loggerOrNop(l Logger) Logger {
	if l == nil {
		return nopLogger{}
	}
	return l
}

// MaskAccessKeyID shortens an access key ID (a Tencent SecretId, a UCloud
// public key) for log lines: a short prefix and suffix identify which key
// was used without writing the whole ID into a log file.
func MaskAccessKeyID(id string) string {
	switch n := len(id); {
	case n >= 16:
		return id[:4] + "…" + id[n-4:]
	case n >= 8:
		return id[:2] + "…" + id[n-2:]
	default:
		return "…"
	}
}
