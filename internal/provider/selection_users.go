package provider

import (
	"github.com/hashicorp/terraform-plugin-framework-validators/listvalidator"
	"github.com/hashicorp/terraform-plugin-framework/datasource/schema"
	"github.com/hashicorp/terraform-plugin-framework/schema/validator"
)

// emptyUserNameRule ends the description of users_in and users_not_in.
// An empty user name is a value an API can send, so it is compared like
// any other: dropping it from users_in always, or matching it to nothing,
// would hide events a reviewer cannot see were there.
const emptyUserNameRule = " An empty name is a name like any other: `\"\"` may be listed, and matches the events whose user " +
	"name is empty (and only those); an event without a user name at all is kept, as by every condition."

// userNamesAttr is users_in or users_not_in: like the other lists of the
// select block, but "" is a value it may hold.
func userNamesAttr(desc string) schema.ListAttribute {
	a := selectListAttr(desc + emptyUserNameRule)
	a.Validators = []validator.List{listvalidator.SizeAtLeast(1), listvalidator.NoNullValues()}
	return a
}
