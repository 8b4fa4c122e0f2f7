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
	Debug(ctx context.Context, msg string, fields map[string]any)
	Trace(ctx context.Context, msg string, fields map[string]any)
}

// nopLogger discards everything; it is used when no Logger is configured.
type nopLogger struct{}

func (nopLogger) Warn(context.Context, string, map[string]any)  {}
func (nopLogger) Debug(context.Context, string, map[string]any) {}
func (nopLogger) Trace(context.Context, string, map[string]any) {}

func loggerOrNop(l Logger) Logger {
	if l == nil {
		return nopLogger{}
	}
	return l
}
