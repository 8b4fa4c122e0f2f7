package cloudsim

import (
	"encoding/json"
	"io"
	"net/http"
	"net/url"
	"reflect"
	"strings"
	"testing"
)

func TestUCloudSimGetProjectList(t *testing.T) {
	srv, base := ucloudTestServer(t, Options{UCloudProjects: 7})
	r := ucloudTestForm(t, base, ucloudDefaultSigned(map[string]string{"Action": "GetProjectList", "IsFinance": "No"}))
	if r.retCode() != 0 || r.body["Action"] != "GetProjectListResponse" || !strings.Contains(r.header.Get("X-UCLOUD-REQUEST-UUID"), "-") {
		t.Fatalf("answer %v (headers %v)", r.body, r.header)
	}
	raw, _ := json.Marshal(r.body["ProjectSet"])
	var got []UCloudProject
	if err := json.Unmarshal(raw, &got); err != nil {
		t.Fatal(err)
	}
	want := srv.UCloudProjects()
	if !reflect.DeepEqual(got, want) || r.body["ProjectCount"] != float64(7) {
		t.Errorf("ProjectCount %v, ProjectSet %+v; want 7 and %+v", r.body["ProjectCount"], got, want)
	}
	ids := map[string]bool{}
	for i, p := range want {
		if ids[p.ProjectId] {
			t.Errorf("project ID %s listed twice", p.ProjectId)
		}
		ids[p.ProjectId] = true
		if p.IsDefault != (i == 0) || (i == 0 && p.ProjectId != DefaultUCloudProjectID) {
			t.Errorf("project %d: %+v; the default project %s is the first and only default", i, p, DefaultUCloudProjectID)
		}
		if (p.ParentId != nil) != (i%3 == 2) {
			t.Errorf("project %d: ParentId %v; every third carries the deprecated parent", i, p.ParentId)
		}
	}

	// Every listed project exists for the other actions; their log is empty.
	other := want[1].ProjectId
	ev := ucloudTestForm(t, base, ucloudDefaultSigned(map[string]string{"Action": "GetUserOperationEvents", "ProjectId": other}))
	if ev.retCode() != 0 {
		t.Errorf("GetUserOperationEvents in listed project %s: %v", other, ev.body)
	} else if events, _ := ev.body["Events"].([]any); len(events) != 0 {
		t.Errorf("project %s holds %d events, want none (the data set is in the default project)", other, len(events))
	}
	def := ucloudTestForm(t, base, ucloudDefaultSigned(map[string]string{"Action": "GetUserOperationEvents", "ProjectId": DefaultUCloudProjectID}))
	if events, _ := def.body["Events"].([]any); len(events) == 0 {
		t.Error("the default project lost its events")
	}

	for name, tc := range map[string]struct {
		params  map[string]string
		retCode int
	}{
		"bad IsFinance":   {ucloudDefaultSigned(map[string]string{"Action": "GetProjectList", "IsFinance": "maybe"}), 230},
		"wrong signature": {ucloudSigned(map[string]string{"Action": "GetProjectList"}, DefaultUCloudPublicKey, "wrong-private-key"), 171},
		"unknown key":     {ucloudSigned(map[string]string{"Action": "GetProjectList"}, "nobody@example.com", DefaultUCloudPrivateKey), 172},
		"IsFinance Yes":   {ucloudDefaultSigned(map[string]string{"Action": "GetProjectList", "IsFinance": "Yes"}), 0},
	} {
		if r := ucloudTestForm(t, base, tc.params); r.retCode() != tc.retCode {
			t.Errorf("%s: RetCode %d (%v), want %d", name, r.retCode(), r.body["Message"], tc.retCode)
		}
	}
}

func TestUCloudSimProjectsAroundAConfiguredProject(t *testing.T) {
	// A configured default project that the generated IDs would reach.
	srv := New(Options{UCloudProjectID: "org-sim003", UCloudProjects: 4})
	var ids []string
	for _, p := range srv.UCloudProjects() {
		ids = append(ids, p.ProjectId)
	}
	if want := []string{"org-sim003", "org-sim002", "org-sim004", "org-sim005"}; !reflect.DeepEqual(ids, want) {
		t.Errorf("project IDs %v, want %v", ids, want)
	}
	if n := len(New(Options{UCloudProjects: -1}).UCloudProjects()); n != 1 {
		t.Errorf("UCloudProjects -1 gives %d projects, want the default project alone", n)
	}
	if n := len(New(Options{}).UCloudProjects()); n != 3 {
		t.Errorf("default: %d projects, want 3", n)
	}
}

// FaultDuplicateKey on GetProjectList repeats ProjectSet and ProjectCount
// in another case, after the real ones: a decoder that takes keys without
// regard to case and keeps the last value reads one project, counted one,
// where the account holds three.
func TestUCloudSimRepeatedProjectKeys(t *testing.T) {
	srv, base := ucloudTestServer(t, Options{UCloudProjects: 3})
	srv.InjectFault(Fault{Kind: FaultDuplicateKey, Action: "GetProjectList", Times: 1})
	r := ucloudTestForm(t, base, ucloudDefaultSigned(map[string]string{"Action": "GetProjectList"}))
	listed, _ := r.body["ProjectSet"].([]any)
	repeated, _ := r.body["projectSet"].([]any)
	if r.retCode() != 0 || len(listed) != 3 || r.body["ProjectCount"] != float64(3) || len(repeated) != 1 || r.body["projectCount"] != float64(1) {
		t.Fatalf("answer %v: want ProjectSet of 3 counted 3, then projectSet of 1 counted 1", r.body)
	}
	var folded struct {
		ProjectSet   []any
		ProjectCount int
	}
	raw := ucloudTestRaw(t, base, ucloudDefaultSigned(map[string]string{"Action": "GetProjectList"}))
	if err := json.Unmarshal(raw, &folded); err != nil || len(folded.ProjectSet) != 3 || folded.ProjectCount != 3 {
		t.Errorf("the fault applied to a second answer (Times 1): %s", raw)
	}
	srv.InjectFault(Fault{Kind: FaultDuplicateKey, Action: "GetProjectList", Times: 1})
	raw = ucloudTestRaw(t, base, ucloudDefaultSigned(map[string]string{"Action": "GetProjectList"}))
	if err := json.Unmarshal(raw, &folded); err != nil || len(folded.ProjectSet) != 1 || folded.ProjectCount != 1 {
		t.Errorf("encoding/json reads %d projects counted %d (%v) from %s; the fault proves nothing", len(folded.ProjectSet), folded.ProjectCount, err, raw)
	}
	// Without its count, or without both fields.
	srv.InjectFault(Fault{Kind: FaultNoTotal, Action: "GetProjectList", Times: 1})
	r = ucloudTestForm(t, base, ucloudDefaultSigned(map[string]string{"Action": "GetProjectList"}))
	if _, has := r.body["ProjectCount"]; has || r.body["ProjectSet"] == nil {
		t.Errorf("no-total: %v", r.body)
	}
	srv.InjectFault(Fault{Kind: FaultNoList, Action: "GetProjectList", Times: 1})
	r = ucloudTestForm(t, base, ucloudDefaultSigned(map[string]string{"Action": "GetProjectList"}))
	if _, has := r.body["ProjectCount"]; has || r.body["ProjectSet"] != nil || r.retCode() != 0 {
		t.Errorf("no-list: %v", r.body)
	}
}

// ucloudTestRaw posts a form and returns the answer's bytes as sent.
func ucloudTestRaw(t *testing.T, base string, params map[string]string) []byte {
	t.Helper()
	form := url.Values{}
	for k, v := range params {
		form.Set(k, v)
	}
	resp, err := http.PostForm(base, form)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	raw, err := io.ReadAll(resp.Body)
	if err != nil {
		t.Fatal(err)
	}
	return raw
}
