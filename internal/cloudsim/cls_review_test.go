package cloudsim_test

import (
	"encoding/json"
	"testing"
	"time"

	"github.com/auditlog/terraform-provider-auditlog/internal/cloudsim"
)

// The review's deliveries: the compliant scenario's CLS topic holds them
// by default, every watched event by an allow-listed user except the
// seeded ones beyond the window; noncompliant adds mallory's inside it;
// cos-only lists no tracking set that delivers to CLS.
func TestCLSReviewDeliveries(t *testing.T) {
	const topic = "5a1c0001-4d2e-4c1a-9e7b-3f00aa000001"
	d, err := cloudsim.Scenario("compliant")
	if err != nil {
		t.Fatal(err)
	}
	allowed := map[string]bool{"admin": true, "ops-automation": true, "alice": true, "bob": true, "ci-deployer": true}
	watched := map[string]bool{"ConsoleLogin": true, "TerminateInstances": true, "RebootInstances": true, "DeleteBucket": true, "ScheduleKeyDeletion": true, "DeleteUser": true}
	for _, tc := range []struct {
		review       string
		inWindow     int // by users outside the allow-list, inside 180 days
		beyondWindow int
	}{{"", 0, 3}, {cloudsim.CLSReviewNoncompliant, 7, 3}} {
		sim := cloudsim.New(cloudsim.Options{Data: d, CLS: cloudsim.CLSOptions{Review: tc.review}})
		logs := sim.CLSLogs(topic)
		if len(logs) != cloudsim.CLSReviewEvents+tc.inWindow+tc.beyondWindow {
			t.Fatalf("review %q: %d logs, want %d", tc.review, len(logs), cloudsim.CLSReviewEvents+tc.inWindow+tc.beyondWindow)
		}
		from := sim.Started().Add(-180 * 24 * time.Hour).UnixMilli()
		in, beyond := 0, 0
		for _, l := range logs {
			// Flattened: userIdentity.userName is a key of its own.
			var doc map[string]any
			if err := json.Unmarshal([]byte(l.LogJson), &doc); err != nil {
				t.Fatal(err)
			}
			event, _ := doc["eventName"].(string)
			var user *string
			if u, ok := doc["userIdentity.userName"].(string); ok {
				user = &u
			}
			if user != nil && allowed[*user] && (!watched[event] || *user == "admin" || *user == "ops-automation") {
				continue
			}
			if l.Time < from {
				beyond++
			} else {
				in++
			}
		}
		if in != tc.inWindow || beyond != tc.beyondWindow {
			t.Errorf("review %q: %d events by users outside the allow-list inside 180 days and %d beyond, want %d and %d", tc.review, in, beyond, tc.inWindow, tc.beyondWindow)
		}
	}
	cos := cloudsim.New(cloudsim.Options{Data: d, CLS: cloudsim.CLSOptions{Review: cloudsim.CLSReviewCOSOnly}})
	if ids := cos.CLSTopicIDs(); len(ids) != 0 {
		t.Errorf("cos-only serves CLS topics %v", ids)
	}
	if err := cloudsim.CheckCLSReview("most"); err == nil {
		t.Error("an unknown review mode was accepted")
	}
}
