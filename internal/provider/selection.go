package provider

import (
	"context"
	"encoding/json"
	"fmt"
	"net/netip"
	"regexp"
	"slices"
	"strings"

	"github.com/hashicorp/terraform-plugin-framework-validators/listvalidator"
	"github.com/hashicorp/terraform-plugin-framework-validators/stringvalidator"
	"github.com/hashicorp/terraform-plugin-framework/datasource/schema"
	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/path"
	"github.com/hashicorp/terraform-plugin-framework/schema/validator"
	"github.com/hashicorp/terraform-plugin-framework/tfsdk"
	"github.com/hashicorp/terraform-plugin-framework/types"
	"github.com/hashicorp/terraform-plugin-go/tftypes"

	"github.com/auditlog/terraform-provider-auditlog/internal/client"
)

// The event data sources take a `select` block: conditions the provider
// applies to every record as its page arrives, so that only the records
// that match reach Terraform's state. What the API can filter exactly is
// sent to it (CloudAudit's ActionType, and one exact event name); the rest
// runs in the provider. Memory is bounded by what is kept, not by what is
// scanned. Evidence reports both parts, and how many records were scanned.

// selectBlockName is the block's name on both event data sources.
const selectBlockName = "select"

// selectAttrDescription ends the block's description on both data sources.
const selectRuleDescription = "Conditions on different attributes must all hold. A record whose field a condition needs is " +
	"missing, or cannot be judged (an address the API masks, such as `113.108.*.73`, or that is not an IP address), is " +
	"**kept** by that condition: the selection never drops a record it cannot show fails it. `max_items` counts the " +
	"records the API returned (`evidence.scanned`), not the kept ones, so that `resume_token` stays exact; " +
	"`evidence.records` counts the kept ones and `evidence.selection` states the selection, split into the part sent to " +
	"the API and the part the provider applied. The block is listed in `evidence.narrowed_by` as `select`."

const patternsRule = "RE2 regular expressions, as Terraform's `regex()` takes them; a record is kept when any of them " +
	"matches anywhere in the name (anchor with `^` and `$` for a whole name). At least one; an invalid expression is " +
	"an error at plan time."

const cidrsRule = "IPv4 or IPv6 CIDR blocks, such as `10.0.0.0/8` or `2402:4e00::/32`, matched as " +
	"`provider::auditlog::cidr_contains` matches them (an IPv4-mapped IPv6 address is its IPv4 address; host bits are " +
	"ignored). At least one; an invalid block is an error at plan time."

func selectListAttr(desc string, validators ...validator.String) schema.ListAttribute {
	return schema.ListAttribute{
		Optional:            true,
		ElementType:         types.StringType,
		MarkdownDescription: desc,
		Validators: []validator.List{
			listvalidator.SizeAtLeast(1),
			listvalidator.NoNullValues(),
			listvalidator.ValueStringsAre(append([]validator.String{stringvalidator.LengthAtLeast(1)}, validators...)...),
		},
	}
}

// cloudAuditSelectModel is the select block of auditlog_cloudaudit_events.
type cloudAuditSelectModel struct {
	EventNames    []types.String `tfsdk:"event_names"`
	ActionType    types.String   `tfsdk:"action_type"`
	UsersIn       []types.String `tfsdk:"users_in"`
	UsersNotIn    []types.String `tfsdk:"users_not_in"`
	SourceIPIn    []types.String `tfsdk:"source_ip_in"`
	SourceIPNotIn []types.String `tfsdk:"source_ip_not_in"`
	FailedOnly    types.Bool     `tfsdk:"failed_only"`
}

// ucloudSelectModel is the select block of auditlog_ucloud_operation_events.
type ucloudSelectModel struct {
	APIs          []types.String `tfsdk:"apis"`
	UsersIn       []types.String `tfsdk:"users_in"`
	UsersNotIn    []types.String `tfsdk:"users_not_in"`
	RemoteIPIn    []types.String `tfsdk:"remote_ip_in"`
	RemoteIPNotIn []types.String `tfsdk:"remote_ip_not_in"`
	FailedOnly    types.Bool     `tfsdk:"failed_only"`
}

func cloudAuditSelectBlock() schema.SingleNestedBlock {
	return schema.SingleNestedBlock{
		MarkdownDescription: "Keep only the events that match these conditions. `action_type` is sent to the API " +
			"(`LookupAttributes` with `ActionType`), and so is `event_names` when it is exactly one whole name " +
			"(`^DeleteUser$`, no other regular expression syntax) and `lookup_attributes` is empty; since the documents do " +
			"not say whether the API's `EventName` match is exact and case-sensitive, the provider applies that pattern " +
			"again to every event the API returns, and drops (and counts in `evidence.scanned`) those it does not match. " +
			"Everything else runs in the provider, on every event the API returns, as each page arrives. " + selectRuleDescription,
		Attributes: map[string]schema.Attribute{
			"event_names": selectListAttr("Keep the events whose `event_name` matches any of these "+patternsRule,
				re2Validator{}),
			"action_type": schema.StringAttribute{
				Optional: true,
				MarkdownDescription: "Keep only `Read` or only `Write` events. Sent to the API (`LookupAttributes` with " +
					"`ActionType`), which alone knows an event's action type; not allowed together with an `ActionType` " +
					"condition in `lookup_attributes`.",
				Validators: []validator.String{stringvalidator.OneOf("Read", "Write")},
			},
			"users_in":     userNamesAttr("Keep the events whose `username` is one of these, compared exactly."),
			"users_not_in": userNamesAttr("Keep the events whose `username` is none of these, compared exactly."),
			"source_ip_in": selectListAttr("Keep the events whose `source_ip_address` lies in any of these blocks. "+
				cidrsRule, cidrValidator{}),
			"source_ip_not_in": selectListAttr("Keep the events whose `source_ip_address` lies in none of these blocks. "+
				cidrsRule, cidrValidator{}),
			"failed_only": schema.BoolAttribute{
				Optional: true,
				MarkdownDescription: "`true` keeps only the failed calls; `false` or unset keeps both. A call fails in two places, " +
					"recorded apart: CAM refuses it (`error_code` other than `0`), or CAM lets it through and the service fails it " +
					"(`error_code` `0`; only the event's document says so). An event is kept when any of `error_code` and its " +
					"document's `errorCode`, `apiErrorCode`, `camErrorCode` (codes other than `0` and `\"\"`), `errorMessage` or " +
					"`apiErrorMessage` (not empty) records a failure, and also when it cannot be told whether the call failed: " +
					"`error_code` is `0` or missing and the document is missing, is not a JSON object, leaves out `apiErrorCode`, or " +
					"gives an error field of another type. Such an event is kept, never silently dropped. The document is read " +
					"whatever `include_cloud_audit_event` says.",
			},
		},
	}
}

func ucloudSelectBlock() schema.SingleNestedBlock {
	return schema.SingleNestedBlock{
		MarkdownDescription: "Keep only the events that match these conditions. The API filters none of them " +
			"(`resource_id` and `access_key_ids` are its only filters), so the provider applies them all, on every " +
			"event the API returns, as each page arrives. " + selectRuleDescription,
		Attributes: map[string]schema.Attribute{
			"apis":         selectListAttr("Keep the events whose `api` matches any of these "+patternsRule, re2Validator{}),
			"users_in":     userNamesAttr("Keep the events whose `user_name` is one of these, compared exactly."),
			"users_not_in": userNamesAttr("Keep the events whose `user_name` is none of these, compared exactly."),
			"remote_ip_in": selectListAttr("Keep the events whose `remote_ip` lies in any of these blocks. "+
				cidrsRule, cidrValidator{}),
			"remote_ip_not_in": selectListAttr("Keep the events whose `remote_ip` lies in none of these blocks. "+
				cidrsRule, cidrValidator{}),
			"failed_only": schema.BoolAttribute{
				Optional:            true,
				MarkdownDescription: "`true` keeps only the failed operations (`is_success` false); `false` or unset keeps both.",
			},
		},
	}
}

// includeRawEventDescription documents include_cloud_audit_event.
const includeRawEventDescription = "Whether each event carries `cloud_audit_event`, the whole event as a JSON document, " +
	"about half of every event's bytes. Default `true`. Set `false` when no check reads it: every event's " +
	"`cloud_audit_event` is then null, and the state and the plan JSON are about half the size. It changes no other " +
	"attribute, and neither which events are read nor `evidence`."

// recordSelection is a select block made ready to apply: compiled
// patterns, sets, parsed blocks, and its canonical form for evidence.
type recordSelection struct {
	names             []*regexp.Regexp
	usersIn, usersOut map[string]bool
	ipIn, ipOut       []netip.Prefix
	failedOnly        bool
	// api and provider are the canonical conditions, each
	// "<attribute>=<JSON value>", of the part sent to the API and the part
	// the provider applies.
	api, provider []string
}

// condition is one canonical condition: the attribute's name in the
// select block and its value as JSON, lists sorted and each value once.
func condition(name string, value any) string {
	b, _ := json.Marshal(value)
	return name + "=" + string(b)
}

func setOf(list []types.String) (map[string]bool, []string) {
	if list == nil {
		return nil, nil
	}
	set := map[string]bool{}
	for _, v := range list {
		set[v.ValueString()] = true
	}
	keys := make([]string, 0, len(set))
	for k := range set {
		keys = append(keys, k)
	}
	slices.Sort(keys)
	return set, keys
}

// addNames compiles the patterns; the validators have checked them.
func (s *recordSelection) addNames(attr string, list []types.String) error {
	if list == nil {
		return nil
	}
	_, canon := setOf(list)
	for _, p := range canon {
		re, err := regexp.Compile(p)
		if err != nil {
			return fmt.Errorf("attribute %s.%s: %w", selectBlockName, attr, err)
		}
		s.names = append(s.names, re)
	}
	s.provider = append(s.provider, condition(attr, canon))
	return nil
}

func (s *recordSelection) addUsers(attr string, list []types.String, in bool) {
	set, canon := setOf(list)
	if set == nil {
		return
	}
	if in {
		s.usersIn = set
	} else {
		s.usersOut = set
	}
	s.provider = append(s.provider, condition(attr, canon))
}

func (s *recordSelection) addCIDRs(attr string, list []types.String, in bool) error {
	if list == nil {
		return nil
	}
	var prefixes []netip.Prefix
	seen := map[string]bool{}
	var canon []string
	for _, v := range list {
		p, err := parseCIDR(v.ValueString())
		if err != nil {
			return fmt.Errorf("attribute %s.%s: %w", selectBlockName, attr, err)
		}
		if !seen[p.String()] {
			seen[p.String()] = true
			canon = append(canon, p.String())
			prefixes = append(prefixes, p)
		}
	}
	slices.Sort(canon)
	if in {
		s.ipIn = prefixes
	} else {
		s.ipOut = prefixes
	}
	s.provider = append(s.provider, condition(attr, canon))
	return nil
}

func (s *recordSelection) addFailedOnly(v types.Bool) {
	if v.ValueBool() {
		s.failedOnly = true
		s.provider = append(s.provider, condition("failed_only", true))
	}
}

// empty is true when the selection keeps every record and sends nothing.
func (s *recordSelection) empty() bool {
	return s == nil || len(s.api) == 0 && len(s.provider) == 0
}

// keep tells whether a record with these fields is kept. A nil field is
// one the API left out: a condition on it keeps the record, as does an
// address that is masked or not an address.
func (s *recordSelection) keep(name, user, ip *string, failed *bool) bool {
	if s == nil {
		return true
	}
	if s.names != nil && name != nil && !slices.ContainsFunc(s.names, func(re *regexp.Regexp) bool { return re.MatchString(*name) }) {
		return false
	}
	if user != nil && (s.usersIn != nil && !s.usersIn[*user] || s.usersOut != nil && s.usersOut[*user]) {
		return false
	}
	if s.ipIn != nil || s.ipOut != nil {
		if ip != nil {
			if a, err := parseIP(*ip); err == nil {
				has := func(p netip.Prefix) bool { return p.Contains(a) }
				if s.ipIn != nil && !slices.ContainsFunc(s.ipIn, has) || slices.ContainsFunc(s.ipOut, has) {
					return false
				}
			}
		}
	}
	if s.failedOnly && failed != nil && !*failed {
		return false
	}
	return true
}

// keepCloudAudit applies the selection to a CloudAudit event. A call
// fails at CAM (ErrorCode) or in the service (only the event's document
// says so): failed_only keeps either, and an event whose outcome cannot
// be told. The document is decoded only when failed_only needs it.
func (s *recordSelection) keepCloudAudit(e *client.CloudAuditEvent) bool {
	var failed *bool
	if s != nil && s.failedOnly {
		if outcome := e.Outcome(); outcome != client.OutcomeUnknown {
			f := outcome == client.OutcomeFailed
			failed = &f
		}
	}
	return s.keep(e.EventName, e.Username, e.SourceIPAddress, failed)
}

// keepUCloud applies the selection to a UCloud operation event.
func (s *recordSelection) keepUCloud(e *client.UserOperationEvent) bool {
	var failed *bool
	if e.IsSuccess != nil {
		f := !*e.IsSuccess
		failed = &f
	}
	return s.keep(e.Api, e.UserName, e.RemoteIP, failed)
}

// exactName is the one whole name an anchored literal pattern such as
// ^DeleteUser$ matches, and whether the pattern is one.
func exactName(pattern string) (string, bool) {
	inner, ok := strings.CutPrefix(pattern, "^")
	if !ok {
		return "", false
	}
	inner, ok = strings.CutSuffix(inner, "$")
	if !ok || inner == "" || regexp.QuoteMeta(inner) != inner {
		return "", false
	}
	return inner, true
}

// cloudAuditSelection prepares the select block of a CloudAudit read and
// returns the lookup conditions it sends to the API. lookups is the number
// of lookup_attributes the user configured.
func cloudAuditSelection(m *cloudAuditSelectModel, lookups int) (*recordSelection, []client.LookupAttribute, error) {
	if m == nil {
		return nil, nil, nil
	}
	s := &recordSelection{}
	var sent []client.LookupAttribute
	if !m.ActionType.IsNull() {
		v := m.ActionType.ValueString()
		sent = append(sent, client.LookupAttribute{AttributeKey: "ActionType", AttributeValue: &v})
		s.api = append(s.api, condition("action_type", v))
	}
	names := m.EventNames
	if len(names) == 1 && lookups == 0 && m.ActionType.IsNull() {
		if name, ok := exactName(names[0].ValueString()); ok {
			sent = append(sent, client.LookupAttribute{AttributeKey: "EventName", AttributeValue: &name})
			s.api = append(s.api, condition("event_names", []string{names[0].ValueString()}))
			// Whether the API's EventName match is exact and case-sensitive
			// is not documented: the pattern is applied again to what comes
			// back, so the selection evidence states is the one that holds.
			s.names = []*regexp.Regexp{regexp.MustCompile(names[0].ValueString())}
			names = nil
		}
	}
	if err := s.addNames("event_names", names); err != nil {
		return nil, nil, err
	}
	s.addUsers("users_in", m.UsersIn, true)
	s.addUsers("users_not_in", m.UsersNotIn, false)
	if err := s.addCIDRs("source_ip_in", m.SourceIPIn, true); err != nil {
		return nil, nil, err
	}
	if err := s.addCIDRs("source_ip_not_in", m.SourceIPNotIn, false); err != nil {
		return nil, nil, err
	}
	s.addFailedOnly(m.FailedOnly)
	if s.empty() {
		return nil, nil, nil
	}
	return s, sent, nil
}

// ucloudSelection prepares the select block of a UCloud read; nothing of
// it goes to the API.
func ucloudSelection(m *ucloudSelectModel) (*recordSelection, error) {
	if m == nil {
		return nil, nil
	}
	s := &recordSelection{}
	if err := s.addNames("apis", m.APIs); err != nil {
		return nil, err
	}
	s.addUsers("users_in", m.UsersIn, true)
	s.addUsers("users_not_in", m.UsersNotIn, false)
	if err := s.addCIDRs("remote_ip_in", m.RemoteIPIn, true); err != nil {
		return nil, err
	}
	if err := s.addCIDRs("remote_ip_not_in", m.RemoteIPNotIn, false); err != nil {
		return nil, err
	}
	s.addFailedOnly(m.FailedOnly)
	if s.empty() {
		return nil, nil
	}
	return s, nil
}

// selectionValue is evidence.selection: null without a selection.
func (s *recordSelection) value() tftypes.Value {
	if s.empty() {
		return tftypes.NewValue(selectionTFType, nil)
	}
	list := func(items []string) tftypes.Value {
		items = slices.Clone(items)
		slices.Sort(items)
		elems := make([]tftypes.Value, len(items))
		for i, c := range items {
			elems[i] = tfString(c)
		}
		return tftypes.NewValue(narrowedByTFType, elems)
	}
	return tftypes.NewValue(selectionTFType, map[string]tftypes.Value{
		"api":      list(s.api),
		"provider": list(s.provider),
	})
}

// re2Validator accepts an RE2 regular expression.
type re2Validator struct{}

func (re2Validator) Description(context.Context) string {
	return "value must be an RE2 regular expression"
}

func (v re2Validator) MarkdownDescription(ctx context.Context) string { return v.Description(ctx) }

func (re2Validator) ValidateString(_ context.Context, req validator.StringRequest, resp *validator.StringResponse) {
	if req.ConfigValue.IsNull() || req.ConfigValue.IsUnknown() {
		return
	}
	if _, err := regexp.Compile(req.ConfigValue.ValueString()); err != nil {
		resp.Diagnostics.AddAttributeError(req.Path, "Invalid regular expression",
			fmt.Sprintf("Attribute %s must be an RE2 regular expression (the syntax of Terraform's regex()); %q is not: %v.",
				req.Path, req.ConfigValue.ValueString(), err))
	}
}

// cidrValidator accepts an IPv4 or IPv6 CIDR block.
type cidrValidator struct{}

func (cidrValidator) Description(context.Context) string {
	return "value must be an IPv4 or IPv6 CIDR block"
}

func (v cidrValidator) MarkdownDescription(ctx context.Context) string { return v.Description(ctx) }

func (cidrValidator) ValidateString(_ context.Context, req validator.StringRequest, resp *validator.StringResponse) {
	if req.ConfigValue.IsNull() || req.ConfigValue.IsUnknown() {
		return
	}
	if _, err := parseCIDR(req.ConfigValue.ValueString()); err != nil {
		resp.Diagnostics.AddAttributeError(req.Path, "Invalid CIDR block",
			fmt.Sprintf("Attribute %s: %v.", req.Path, err))
	}
}

// selectionID is the selection's part of a data source's id.
func selectionID(s *recordSelection) string {
	if s.empty() {
		return ""
	}
	return strings.Join(s.api, "\x01") + "\x02" + strings.Join(s.provider, "\x01")
}

// validateActionTypeOnce refuses select.action_type together with an
// ActionType condition in lookup_attributes: the API matches several
// conditions on one key with any of their values, so the two would widen
// the read instead of narrowing it.
func validateActionTypeOnce(ctx context.Context, config tfsdk.Config, diags *diag.Diagnostics) {
	p := path.Root(selectBlockName).AtName("action_type")
	var actionType types.String
	var lookups []lookupAttributeModel
	if config.GetAttribute(ctx, p, &actionType).HasError() || actionType.IsNull() {
		return
	}
	if config.GetAttribute(ctx, path.Root("lookup_attributes"), &lookups).HasError() {
		return
	}
	for i, l := range lookups {
		if l.AttributeKey.ValueString() == "ActionType" {
			diags.AddAttributeError(p, "Conflicting ActionType conditions",
				fmt.Sprintf("Attribute %s cannot be set together with the ActionType condition of lookup_attributes[%d]: the API "+
					"matches several ActionType conditions with any of them, which would read both. Keep one of the two.", p, i))
			return
		}
	}
}
