package client

import (
	"context"
	"errors"
	"net/http/httptest"
	"reflect"
	"strings"
	"testing"

	"github.com/auditlog/terraform-provider-auditlog/internal/cloudsim"
)

func TestGetProjectListAgainstSimulator(t *testing.T) {
	sim := cloudsim.New(cloudsim.Options{UCloudProjects: 4})
	srv := httptest.NewServer(sim)
	t.Cleanup(srv.Close)
	c, err := NewUCloudClient(UCloudConfig{PublicKey: cloudsim.DefaultUCloudPublicKey, PrivateKey: cloudsim.DefaultUCloudPrivateKey,
		ProjectID: cloudsim.DefaultUCloudProjectID, BaseURL: srv.URL})
	if err != nil {
		t.Fatal(err)
	}
	res, err := c.GetProjectList(context.Background(), GetProjectListRequest{IsFinance: "No"})
	if err != nil {
		t.Fatal(err)
	}
	want := sim.UCloudProjects()
	if res.ProjectCount != 4 || len(res.Projects) != 4 || !tctUUID.MatchString(res.RequestID) {
		t.Fatalf("ProjectCount %d, %d projects, RequestId %q; want 4, 4 and a UUID", res.ProjectCount, len(res.Projects), res.RequestID)
	}
	for i, p := range res.Projects {
		got := cloudsim.UCloudProject{ProjectId: *p.ProjectId, ProjectName: *p.ProjectName, ParentId: p.ParentId, ParentName: p.ParentName,
			CreateTime: *p.CreateTime, IsDefault: *p.IsDefault, MemberCount: *p.MemberCount, ResourceCount: *p.ResourceCount}
		if !reflect.DeepEqual(got, want[i]) {
			t.Errorf("project %d is %+v, want %+v", i, got, want[i])
		}
	}
	if *res.Projects[0].ProjectId != cloudsim.DefaultUCloudProjectID || !*res.Projects[0].IsDefault {
		t.Errorf("the first project is %s, want the default %s", *res.Projects[0].ProjectId, cloudsim.DefaultUCloudProjectID)
	}
}

func TestGetProjectListRequestAndChecks(t *testing.T) {
	const rid = "5e3c1f7a-0000-4000-8000-00000000000a"
	project := `{"ProjectId":"org-1","ProjectName":"Default","CreateTime":1700000000,"IsDefault":true,"MemberCount":1,"ResourceCount":0}`
	cases := []struct {
		name, body string
		want       string // "" = success
		projects   int
	}{
		{"consistent", `{"RetCode":0,"Action":"GetProjectListResponse","ProjectCount":1,"ProjectSet":[` + project + `]}`, "", 1},
		{"empty account", `{"RetCode":0,"Action":"GetProjectListResponse","ProjectCount":0}`, "", 0},
		{"count above the set", `{"RetCode":0,"Action":"GetProjectListResponse","ProjectCount":3,"ProjectSet":[` + project + `,` + project + `]}`,
			"ProjectCount is 3 but its ProjectSet holds 2 projects (RequestId: " + rid + ")", 0},
		{"count below the set", `{"RetCode":0,"Action":"GetProjectListResponse","ProjectCount":0,"ProjectSet":[` + project + `]}`,
			"ProjectCount is 0 but its ProjectSet holds 1 projects", 0},
		{"no set", `{"RetCode":0,"Action":"GetProjectListResponse","ProjectCount":2}`, "carries no ProjectSet although its ProjectCount is 2 (RequestId: " + rid + ")", 0},
		{"null set", `{"RetCode":0,"Action":"GetProjectListResponse","ProjectCount":2,"ProjectSet":null}`, "carries no ProjectSet", 0},
		{"no count", `{"RetCode":0,"Action":"GetProjectListResponse","ProjectSet":[` + project + `]}`, "carries no ProjectCount", 0},
		{"negative count", `{"RetCode":0,"Action":"GetProjectListResponse","ProjectCount":-1,"ProjectSet":[]}`, "impossible ProjectCount of -1", 0},
		{"api error", `{"RetCode":299,"Action":"GetProjectListResponse","Message":"IAM permission check failed"}`, "RetCode 299: IAM permission check failed (RequestId: " + rid + ")", 0},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			srv := newSequenceServer(t, reply(200, rid, tc.body))
			res, err := testClient(t, srv.URL).GetProjectList(context.Background(), GetProjectListRequest{IsFinance: "Yes"})
			if tc.want != "" {
				if err == nil || !strings.Contains(err.Error(), tc.want) {
					t.Fatalf("err = %v, want one containing %q", err, tc.want)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if res.Projects == nil || len(res.Projects) != tc.projects {
				t.Errorf("projects %v, want %d (never nil)", res.Projects, tc.projects)
			}
			form := srv.form(0)
			if form.Get("Action") != "GetProjectList" || form.Get("IsFinance") != "Yes" || form.Has("ProjectId") || form.Has("Region") {
				t.Errorf("sent %v; want Action and IsFinance, and no ProjectId or Region", form)
			}
		})
	}

	// A retryable failure is retried; the retried answer is checked afresh.
	srv := newSequenceServer(t, retCode(150, "Service temporarily unavailable"),
		reply(200, rid, `{"RetCode":0,"Action":"GetProjectListResponse","ProjectCount":1,"ProjectSet":[`+project+`]}`))
	res, err := testClient(t, srv.URL).GetProjectList(context.Background(), GetProjectListRequest{})
	if err != nil || len(res.Projects) != 1 || srv.calls.Load() != 2 {
		t.Errorf("after a 150: %v, %v, %d calls; want the project after 2 calls", res, err, srv.calls.Load())
	}
	var uerr *UCloudError
	srv = newSequenceServer(t, retCode(171, "Signature VerifyAC Error"))
	if _, err := testClient(t, srv.URL).GetProjectList(context.Background(), GetProjectListRequest{}); !errors.As(err, &uerr) || uerr.RetCode != 171 {
		t.Errorf("a refused signature: %v, want RetCode 171", err)
	}
}
