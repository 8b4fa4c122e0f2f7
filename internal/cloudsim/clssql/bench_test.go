package clssql

import (
	"context"
	"testing"
)

// BenchmarkExecuteMillion is the simulator's share of an analysis over a
// million matched events: loading them and counting per user and event.
func BenchmarkExecuteMillion(b *testing.B) {
	logs := testLogs(1_000_000)
	b.ResetTimer()
	for range b.N {
		res, err := Execute(context.Background(), `SELECT "userIdentity.principalId" AS principal, eventName, count(*) AS n GROUP BY principal, eventName`, testFields, logs)
		if err != nil || len(res.Records) != 12 {
			b.Fatal(res, err)
		}
	}
}
