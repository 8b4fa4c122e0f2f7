package cloudsim

// UCloud UAccount GetProjectList. What the simulator relies on, from the
// API's page (source UCloudDoc-Team/api, uaccount-api/get_project_list.md;
// the same page on UCloud's mirrors, such as
// https://www.surfercloud.com/docs/api/uaccount-api/get_project_list) and
// the UCloud Go SDK's services/uaccount models:
//
//   - Common gateway; parameters: only the common Action, PublicKey and
//     Signature, plus IsFinance (string, optional, "Yes" or "No"; its effect
//     is not described). No Region, ProjectId, Offset or Limit.
//   - No paging: one answer holds every project, with ProjectCount (int) and
//     ProjectSet (array of ProjectListInfo), both always returned.
//   - ProjectListInfo: ProjectId, ProjectName (strings), CreateTime (int,
//     UNIX seconds), IsDefault (bool), MemberCount (int), ResourceCount (int,
//     deprecated), all always returned; ParentId, ParentName (strings,
//     deprecated, optional).
//
// Not documented, so chosen here: IsFinance other than Yes or No is refused
// with RetCode 230, as other parameter errors are; with Yes or No the list
// is the same. The first project is the account's default, UCloudProjectID;
// the others exist for every action (no RetCode 292), and their operation
// log is empty. Every third carries the deprecated ParentId and ParentName.

import (
	"fmt"
	"sync"
)

// UCloudProject is one project of the simulator's UCloud account, with the
// JSON names of the API's ProjectListInfo type.
type UCloudProject struct {
	ProjectId     string  `json:"ProjectId"`
	ProjectName   string  `json:"ProjectName"`
	ParentId      *string `json:"ParentId,omitempty"`
	ParentName    *string `json:"ParentName,omitempty"`
	CreateTime    int64   `json:"CreateTime"`
	IsDefault     bool    `json:"IsDefault"`
	MemberCount   int64   `json:"MemberCount"`
	ResourceCount int64   `json:"ResourceCount"`
}

var ucloudProjectNames = []string{"Default", "audit", "staging", "prod", "data", "sandbox"}

// buildUCloudProjects derives the account's projects: n of them (at least
// the default project defaultID), the same on every run.
func buildUCloudProjects(n int, defaultID string) []UCloudProject {
	n = max(n, 1)
	projects := make([]UCloudProject, 0, n)
	next := 1
	for i := range n {
		p := UCloudProject{
			ProjectId:   defaultID,
			ProjectName: ucloudProjectNames[i%len(ucloudProjectNames)],
			CreateTime:  1700000000 + int64(i)*30*86400,
			IsDefault:   i == 0,
			MemberCount: 1 + int64(i%4),
		}
		if i >= len(ucloudProjectNames) {
			p.ProjectName = fmt.Sprintf("%s-%d", p.ProjectName, i/len(ucloudProjectNames)+1)
		}
		if i > 0 {
			for {
				next++
				if id := fmt.Sprintf("org-sim%03d", next); id != defaultID {
					p.ProjectId = id
					break
				}
			}
		}
		if i%3 == 2 {
			parent, parentName := defaultID, ucloudProjectNames[0]
			p.ParentId, p.ParentName = &parent, &parentName
		}
		projects = append(projects, p)
	}
	return projects
}

// ucloudProjectSet is the account's projects, built once.
type ucloudProjectSet struct {
	once     sync.Once
	projects []UCloudProject
	ids      map[string]bool
}

func (u *ucloudAPI) projectList() ([]UCloudProject, map[string]bool) {
	ps := &u.projects
	ps.once.Do(func() {
		ps.projects = buildUCloudProjects(u.srv.opts.UCloudProjects, u.srv.opts.UCloudProjectID)
		ps.ids = make(map[string]bool, len(ps.projects))
		for _, p := range ps.projects {
			ps.ids[p.ProjectId] = true
		}
	})
	return ps.projects, ps.ids
}

// projectExists reports whether id is one of the account's projects.
func (u *ucloudAPI) projectExists(id string) bool {
	_, ids := u.projectList()
	return ids[id]
}

// UCloudProjects returns the projects GetProjectList lists, in its order.
func (s *Server) UCloudProjects() []UCloudProject {
	projects, _ := s.ucloud.projectList()
	return append([]UCloudProject(nil), projects...)
}

// getProjectList implements the UAccount action; see the top of this file.
func (u *ucloudAPI) getProjectList(c *ucloudCall) any {
	if v, set := c.params["IsFinance"]; set && v != "Yes" && v != "No" {
		return c.fail(ucloudRetParamNotAllowed, "Params [IsFinance] not available: must be Yes or No")
	}
	projects, _ := u.projectList()
	return struct {
		ucloudReply
		ProjectCount int             `json:"ProjectCount"`
		ProjectSet   []UCloudProject `json:"ProjectSet"`
	}{ucloudReply{Action: c.action + "Response"}, len(projects), projects}
}
