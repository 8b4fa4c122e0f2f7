package provider

import (
	"context"
	"testing"

	"github.com/hashicorp/terraform-plugin-framework/datasource/schema"
	"github.com/hashicorp/terraform-plugin-framework/path"
	"github.com/hashicorp/terraform-plugin-framework/schema/validator"
	"github.com/hashicorp/terraform-plugin-framework/types"
)

// An empty user name is a value the API can hold, not a missing one: it is
// compared exactly like any other. users_in keeps an event with the empty
// name only when "" is listed, users_not_in drops it only then, and either
// list may hold "". An event without a user name (null) is kept by both,
// as every condition keeps a record whose field is missing.
func TestSelectionEmptyUserName(t *testing.T) {
	list := func(v ...string) []types.String {
		out := make([]types.String, len(v))
		for i, s := range v {
			out[i] = types.StringValue(s)
		}
		return out
	}
	empty, alice := "", "alice"
	for _, tc := range []struct {
		name                         string
		in, out                      []types.String
		keepEmpty, keepAlice, keepNo bool
	}{
		{name: `users_in ["alice"]`, in: list("alice"), keepEmpty: false, keepAlice: true, keepNo: true},
		{name: `users_in [""]`, in: list(""), keepEmpty: true, keepAlice: false, keepNo: true},
		{name: `users_in ["", "alice"]`, in: list("", "alice"), keepEmpty: true, keepAlice: true, keepNo: true},
		{name: `users_not_in ["alice"]`, out: list("alice"), keepEmpty: true, keepAlice: false, keepNo: true},
		{name: `users_not_in [""]`, out: list(""), keepEmpty: false, keepAlice: true, keepNo: true},
	} {
		t.Run(tc.name, func(t *testing.T) {
			for _, sel := range []func() (*recordSelection, error){
				func() (*recordSelection, error) {
					return ucloudSelection(&ucloudSelectModel{UsersIn: tc.in, UsersNotIn: tc.out})
				},
				func() (*recordSelection, error) {
					s, _, err := cloudAuditSelection(&cloudAuditSelectModel{UsersIn: tc.in, UsersNotIn: tc.out}, 0)
					return s, err
				},
			} {
				s, err := sel()
				if err != nil {
					t.Fatal(err)
				}
				if got := s.keep(nil, &empty, nil, nil); got != tc.keepEmpty {
					t.Errorf("user name \"\": kept %v, want %v", got, tc.keepEmpty)
				}
				if got := s.keep(nil, &alice, nil, nil); got != tc.keepAlice {
					t.Errorf("user name alice: kept %v, want %v", got, tc.keepAlice)
				}
				if got := s.keep(nil, nil, nil, nil); got != tc.keepNo {
					t.Errorf("no user name: kept %v, want %v", got, tc.keepNo)
				}
			}
		})
	}

	// Both data sources' lists accept "" at plan time.
	for blockName, block := range map[string]schema.SingleNestedBlock{"cloudaudit": cloudAuditSelectBlock(), "ucloud": ucloudSelectBlock()} {
		for _, attr := range []string{"users_in", "users_not_in"} {
			a, ok := block.Attributes[attr].(schema.ListAttribute)
			if !ok {
				t.Fatalf("%s select.%s is not a list", blockName, attr)
			}
			value, _ := types.ListValueFrom(context.Background(), types.StringType, []string{""})
			for _, v := range a.Validators {
				var resp validator.ListResponse
				v.ValidateList(context.Background(), validator.ListRequest{Path: path.Root("select").AtName(attr), ConfigValue: value}, &resp)
				if resp.Diagnostics.HasError() {
					t.Errorf("%s select.%s = [\"\"] refused: %v", blockName, attr, resp.Diagnostics)
				}
			}
		}
	}
}
