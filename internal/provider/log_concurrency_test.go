package provider

import (
	"bytes"
	"context"
	"strings"
	"sync"
	"testing"

	"github.com/hashicorp/terraform-plugin-log/tflog"
	"github.com/hashicorp/terraform-plugin-log/tflogtest"
)

// syncBuffer is a log sink several goroutines may write to.
type syncBuffer struct {
	mu  sync.Mutex
	buf bytes.Buffer
}

func (b *syncBuffer) Write(p []byte) (int, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.Write(p)
}

func (b *syncBuffer) String() string {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.String()
}

// The pages of one read are fetched by several goroutines that all log
// through the read's masked context. That must neither race nor crash the
// provider process ("fatal error: concurrent map writes"), and every line
// must stay masked.
func TestConcurrentLoggingThroughMaskedReadContext(t *testing.T) {
	const secret = "sk-SECRET-0123456789"
	var out syncBuffer
	ctx := tflogtest.RootLogger(context.Background(), &out)
	// The framework puts fields such as these on every request's context.
	ctx = tflog.SetField(ctx, "tf_req_id", "0f0e0d0c")
	ctx = tflog.SetField(ctx, "tf_data_source_type", "auditlog_csip_user_call_records")
	data := &providerData{secrets: []string{secret}}
	ctx = data.maskSecrets(ctx)

	const workers, lines = 4, 300 // 4: the pages one read fetches at once
	var wg sync.WaitGroup
	for w := range workers {
		wg.Add(1)
		go func() {
			defer wg.Done()
			log := tflogAdapter{}
			for i := range lines {
				log.Debug(ctx, "tencentcloud request signed with "+secret, map[string]any{"worker": w, "page": i, "header": "key " + secret})
				log.Trace(ctx, "waited for the API's rate budget", map[string]any{"budget": "csip/" + secret})
			}
		}()
	}
	wg.Wait()

	got := out.String()
	if strings.Contains(got, secret) {
		t.Fatalf("a secret reached the log")
	}
	if n := strings.Count(got, "\n"); n != 2*workers*lines {
		t.Fatalf("logged %d lines, want %d", n, 2*workers*lines)
	}
	if !strings.Contains(got, `"tf_req_id":"0f0e0d0c"`) || !strings.Contains(got, `"header":"key ***"`) {
		t.Fatalf("lines lost their context fields or masks; first line: %s", strings.SplitN(got, "\n", 2)[0])
	}
}
