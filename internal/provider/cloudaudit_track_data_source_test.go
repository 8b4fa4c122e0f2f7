package provider

import (
	"fmt"
	"regexp"
	"testing"

	"github.com/hashicorp/terraform-plugin-testing/compare"
	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/knownvalue"
	"github.com/hashicorp/terraform-plugin-testing/statecheck"
	"github.com/hashicorp/terraform-plugin-testing/tfjsonpath"

	"github.com/auditlog/terraform-provider-auditlog/internal/cloudsim"
)

func stringsExact(list []string) knownvalue.Check {
	checks := make([]knownvalue.Check, len(list))
	for i, s := range list {
		checks[i] = knownvalue.StringExact(s)
	}
	return knownvalue.ListExact(checks)
}

// trackDetailExact is the state of DescribeAuditTrack's answer, every field.
func trackDetailExact(t *testing.T, id uint64, d cloudsim.TrackDetail) map[string]knownvalue.Check {
	t.Helper()
	// The detail's storage is the list's: compare through JSON names.
	s := d.Storage
	var account, appID knownvalue.Check = knownvalue.Null(), knownvalue.Null()
	if s.StorageAccountId != nil {
		account = knownvalue.StringExact(*s.StorageAccountId)
	}
	if s.StorageAppId != nil {
		appID = knownvalue.StringExact(*s.StorageAppId)
	}
	var compress knownvalue.Check = knownvalue.Null()
	if s.Compress != nil {
		compress = knownvalue.Int64Exact(int64(*s.Compress))
	}
	var members knownvalue.Check = knownvalue.Null()
	if d.TrackForAllMembers != nil {
		members = knownvalue.Int64Exact(int64(*d.TrackForAllMembers))
	}
	var filters knownvalue.Check = knownvalue.Null()
	if d.Filters != nil {
		fields := make([]knownvalue.Check, len(d.Filters.ResourceFields))
		for i, f := range d.Filters.ResourceFields {
			fields[i] = knownvalue.ObjectExact(map[string]knownvalue.Check{
				"resource_type": knownvalue.StringExact(f.ResourceType),
				"action_type":   knownvalue.StringExact(f.ActionType),
				"event_names":   stringsExact(f.EventNames),
			})
		}
		filters = knownvalue.ObjectExact(map[string]knownvalue.Check{"resource_fields": knownvalue.ListExact(fields)})
	}
	return map[string]knownvalue.Check{
		"track_id":      knownvalue.Int64Exact(int64(id)),
		"name":          knownvalue.StringExact(d.Name),
		"action_type":   knownvalue.StringExact(d.ActionType),
		"resource_type": knownvalue.StringExact(d.ResourceType),
		"status":        knownvalue.Int64Exact(int64(d.Status)),
		"event_names":   stringsExact(d.EventNames),
		"storage": knownvalue.ObjectExact(map[string]knownvalue.Check{
			"storage_type":       knownvalue.StringExact(s.StorageType),
			"storage_region":     knownvalue.StringExact(s.StorageRegion),
			"storage_name":       knownvalue.StringExact(s.StorageName),
			"storage_prefix":     knownvalue.StringExact(s.StoragePrefix),
			"storage_account_id": account,
			"storage_app_id":     appID,
			"compress":           compress,
		}),
		"create_time":           knownvalue.StringExact(d.CreateTime),
		"track_for_all_members": members,
		"filters":               filters,
	}
}

// Every tracking set of the list, read in detail: every field as the
// simulator serves it, consistent with what the list says.
func TestAccCloudAuditTrack_detail(t *testing.T) {
	sim := startSim(t, cloudsim.Options{})
	var config = sim.providerConfig()
	var checks []statecheck.StateCheck
	var disabled, partial, nullMembers, noFilters bool
	for i := range 7 {
		id := uint64(1000 + i)
		d, ok := sim.CloudAuditTrack(id)
		if !ok {
			t.Fatalf("the simulator has no tracking set %d", id)
		}
		disabled = disabled || d.Status == 0
		partial = partial || (d.TrackForAllMembers != nil && *d.TrackForAllMembers == 0)
		nullMembers = nullMembers || d.TrackForAllMembers == nil
		noFilters = noFilters || d.Filters == nil
		config += fmt.Sprintf("data \"auditlog_cloudaudit_track\" \"t%d\" {\n  track_id = %d\n}\n", i, id)
		addr := fmt.Sprintf("data.auditlog_cloudaudit_track.t%d", i)
		for attr, check := range trackDetailExact(t, id, d) {
			checks = append(checks, statecheck.ExpectKnownValue(addr, tfjsonpath.New(attr), check))
		}
		// The list says the same of it.
		checks = append(checks, statecheck.CompareValuePairs(addr, tfjsonpath.New("storage"),
			"data.auditlog_cloudaudit_tracks.all", tfjsonpath.New("tracks").AtSliceIndex(i).AtMapKey("storage"), compare.ValuesSame()))
		checks = append(checks, statecheck.CompareValuePairs(addr, tfjsonpath.New("name"),
			"data.auditlog_cloudaudit_tracks.all", tfjsonpath.New("tracks").AtSliceIndex(i).AtMapKey("name"), compare.ValuesSame()))
	}
	if !disabled || !partial || !nullMembers || !noFilters {
		t.Fatalf("the data set lacks a disabled set (%v), one not covering all members (%v), one without track_for_all_members (%v) or one without filters (%v)",
			disabled, partial, nullMembers, noFilters)
	}
	config += `data "auditlog_cloudaudit_tracks" "all" {}`
	resource.Test(t, resource.TestCase{
		ProtoV6ProviderFactories: testAccProtoV6ProviderFactories,
		Steps:                    []resource.TestStep{{Config: config, ConfigStateChecks: checks}},
	})
}

func TestAccCloudAuditTrack_unknownID(t *testing.T) {
	sim := startSim(t, cloudsim.Options{})
	resource.Test(t, resource.TestCase{
		ProtoV6ProviderFactories: testAccProtoV6ProviderFactories,
		Steps: []resource.TestStep{{
			Config: sim.providerConfig() + `data "auditlog_cloudaudit_track" "test" { track_id = 424242 }`,
			ExpectError: regexp.MustCompile(`(?s)track_id.*DescribeAuditTrack:\s+ResourceNotFound\.AuditNotExist:\s+The\s+tracking\s+set\s+does\s+not\s+exist\.\s+` +
				`\(RequestId:\s+[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}\)`),
		}},
	})
}
