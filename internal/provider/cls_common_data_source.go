package provider

import (
	"github.com/hashicorp/terraform-plugin-framework/attr"
	"github.com/hashicorp/terraform-plugin-framework/datasource/schema"
	"github.com/hashicorp/terraform-plugin-framework/types"
	"github.com/hashicorp/terraform-plugin-go/tftypes"
)

// The CLS data sources mirror wide API types. Each computed field is
// declared once, as a clsField, and both its schema attribute and its
// Terraform type are derived from it, so the two cannot disagree.

// clsField is one computed attribute: a scalar (typ), or an object (sub),
// or a list of either (list).
type clsField struct {
	name, desc string
	typ        attr.Type
	sub        []clsField
	list       bool
}

func clsStr(name, desc string) clsField {
	return clsField{name: name, desc: desc, typ: types.StringType}
}
func clsInt(name, desc string) clsField {
	return clsField{name: name, desc: desc, typ: types.Int64Type}
}
func clsBool(name, desc string) clsField {
	return clsField{name: name, desc: desc, typ: types.BoolType}
}

func clsObject(name, desc string, sub ...clsField) clsField {
	return clsField{name: name, desc: desc, sub: sub}
}

func clsObjects(name, desc string, sub ...clsField) clsField {
	return clsField{name: name, desc: desc, sub: sub, list: true}
}

// attrType is the field's framework type.
func (f clsField) attrType() attr.Type {
	t := f.typ
	if f.sub != nil {
		t = types.ObjectType{AttrTypes: clsAttrTypes(f.sub)}
	}
	if f.list {
		return types.ListType{ElemType: t}
	}
	return t
}

func clsAttrTypes(fields []clsField) map[string]attr.Type {
	out := make(map[string]attr.Type, len(fields))
	for _, f := range fields {
		out[f.name] = f.attrType()
	}
	return out
}

// clsObjectTFType is the Terraform type of an object of fields.
func clsObjectTFType(fields []clsField) tftypes.Object {
	return tfType(types.ObjectType{AttrTypes: clsAttrTypes(fields)}).(tftypes.Object) //nolint:forcetypeassert // an ObjectType's type is an Object
}

// clsSchemaAttrs are the computed schema attributes of fields.
func clsSchemaAttrs(fields []clsField) map[string]schema.Attribute {
	out := make(map[string]schema.Attribute, len(fields))
	for _, f := range fields {
		switch {
		case f.sub != nil && f.list:
			out[f.name] = schema.ListNestedAttribute{Computed: true, MarkdownDescription: f.desc,
				NestedObject: schema.NestedAttributeObject{Attributes: clsSchemaAttrs(f.sub)}}
		case f.sub != nil:
			out[f.name] = schema.SingleNestedAttribute{Computed: true, MarkdownDescription: f.desc, Attributes: clsSchemaAttrs(f.sub)}
		case f.list:
			out[f.name] = schema.ListAttribute{Computed: true, MarkdownDescription: f.desc, ElementType: f.typ}
		case f.typ == types.StringType:
			out[f.name] = schema.StringAttribute{Computed: true, MarkdownDescription: f.desc}
		case f.typ == types.Int64Type:
			out[f.name] = schema.Int64Attribute{Computed: true, MarkdownDescription: f.desc}
		case f.typ == types.BoolType:
			out[f.name] = schema.BoolAttribute{Computed: true, MarkdownDescription: f.desc}
		}
	}
	return out
}

// tfStringList is a list of strings; nil is null (the API left it out).
func tfStringList(ss []string) tftypes.Value {
	t := tftypes.List{ElementType: tftypes.String}
	if ss == nil {
		return tftypes.NewValue(t, nil)
	}
	elems := make([]tftypes.Value, len(ss))
	for i, s := range ss {
		elems[i] = tfString(s)
	}
	return tftypes.NewValue(t, elems)
}
