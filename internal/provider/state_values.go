package provider

import (
	"context"

	"github.com/hashicorp/terraform-plugin-framework/attr"
	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/tfsdk"
	"github.com/hashicorp/terraform-plugin-go/tftypes"
)

// A data source's state is built directly as one tftypes.Value: the
// configuration as given, with the computed attributes filled in. For lists
// of tens of thousands of records, State.Set's reflection over framework
// values costs several times more than reading the pages themselves.

// setState writes state: config's attributes, with computed ones replaced.
func setState(ctx context.Context, config tfsdk.Config, state *tfsdk.State, computed map[string]tftypes.Value) diag.Diagnostics {
	var diags diag.Diagnostics
	attrs := map[string]tftypes.Value{}
	if err := config.Raw.As(&attrs); err != nil {
		diags.AddError("Building the data source's state", "The configuration could not be read: "+err.Error())
		return diags
	}
	for name, v := range computed {
		attrs[name] = v
	}
	typ := state.Schema.Type().TerraformType(ctx)
	if err := tftypes.ValidateValue(typ, attrs); err != nil {
		diags.AddError("Building the data source's state", "Please report this issue to the provider developers: "+err.Error())
		return diags
	}
	state.Raw = tftypes.NewValue(typ, attrs)
	return diags
}

// tfType is the Terraform type of a framework type.
func tfType(t attr.Type) tftypes.Type { return t.TerraformType(context.Background()) }

var (
	tfNullString = tftypes.NewValue(tftypes.String, nil)
	tfNullNumber = tftypes.NewValue(tftypes.Number, nil)
	tfNullBool   = tftypes.NewValue(tftypes.Bool, nil)
)

func tfString(s string) tftypes.Value { return tftypes.NewValue(tftypes.String, s) }

func tfInt(n int64) tftypes.Value { return tftypes.NewValue(tftypes.Number, n) }

// The *Ptr builders turn an absent API field (nil) into null.

func tfStringPtr(p *string) tftypes.Value {
	if p == nil {
		return tfNullString
	}
	return tftypes.NewValue(tftypes.String, *p)
}

func tfInt64Ptr(p *int64) tftypes.Value {
	if p == nil {
		return tfNullNumber
	}
	return tftypes.NewValue(tftypes.Number, *p)
}

func tfUint64Ptr(p *uint64) tftypes.Value {
	if p == nil {
		return tfNullNumber
	}
	return tftypes.NewValue(tftypes.Number, *p)
}

func tfBoolPtr(p *bool) tftypes.Value {
	if p == nil {
		return tfNullBool
	}
	return tftypes.NewValue(tftypes.Bool, *p)
}
