package provider

import (
	"context"
	"fmt"
	"net/netip"
	"strings"

	"github.com/hashicorp/terraform-plugin-framework/function"
)

var _ function.Function = cidrContainsFunction{}

// NewCIDRContainsFunction is provider::auditlog::cidr_contains: whether an
// IPv4 or IPv6 address lies in a CIDR block. Terraform has no such function,
// and source-IP allow-lists written as string prefixes get IPv6 and
// non-octet prefix lengths wrong.
func NewCIDRContainsFunction() function.Function { return cidrContainsFunction{} }

type cidrContainsFunction struct{}

func (cidrContainsFunction) Metadata(_ context.Context, _ function.MetadataRequest, resp *function.MetadataResponse) {
	resp.Name = "cidr_contains"
}

func (cidrContainsFunction) Definition(_ context.Context, _ function.DefinitionRequest, resp *function.DefinitionResponse) {
	resp.Definition = function.Definition{
		Summary: "Tells whether an IP address lies in a CIDR block",
		MarkdownDescription: "Returns `true` when the IPv4 or IPv6 address `ip` lies in the CIDR block `cidr`, such as " +
			"`10.0.0.0/8` or `2402:4e00::/32`, and `false` when it does not.\n\n" +
			"**Families.** An IPv4-mapped IPv6 address (`::ffff:10.1.2.3`) is the IPv4 address it maps, and so is a " +
			"block inside `::ffff:0:0/96` (`::ffff:10.0.0.0/104` is `10.0.0.0/8`). After that, an address is never in a " +
			"block of the other family: `cidr_contains(\"::/0\", \"10.1.2.3\")` and `cidr_contains(\"0.0.0.0/0\", \"2402:4e00::1\")` " +
			"are `false`, not errors, so one allow-list may mix IPv4 and IPv6 blocks.\n\n" +
			"**Errors.** An `ip` that is not a single IP address is an error naming the `ip` argument, never `false`: " +
			"in particular an address the API masks, such as `113.108.*.73` or `106.55.***.47` in CSIP's `source_ip`, " +
			"whose membership cannot be known, and an address with an IPv6 zone (`fe80::1%eth0`). A `cidr` that is not " +
			"a CIDR block is an error naming the `cidr` argument. Host bits set in `cidr` are ignored, as in Terraform's " +
			"`cidrsubnet()`: `10.1.2.3/8` is `10.0.0.0/8`. Wrap the call in `can()` or `try()` to decide what such input means " +
			"for your check.",
		Parameters: []function.Parameter{
			function.StringParameter{
				Name:                "cidr",
				MarkdownDescription: "CIDR block, IPv4 or IPv6, such as `10.0.0.0/8` or `2402:4e00::/32`.",
			},
			function.StringParameter{
				Name:                "ip",
				MarkdownDescription: "IPv4 or IPv6 address, such as `10.1.2.3` or `2402:4e00::1`.",
			},
		},
		Return: function.BoolReturn{},
	}
}

func (cidrContainsFunction) Run(ctx context.Context, req function.RunRequest, resp *function.RunResponse) {
	var cidr, ip string
	resp.Error = req.Arguments.Get(ctx, &cidr, &ip)
	if resp.Error != nil {
		return
	}
	prefix, err := parseCIDR(cidr)
	if err != nil {
		resp.Error = function.NewArgumentFuncError(0, err.Error())
		return
	}
	addr, err := parseIP(ip)
	if err != nil {
		resp.Error = function.NewArgumentFuncError(1, err.Error())
		return
	}
	resp.Error = resp.Result.Set(ctx, prefix.Contains(addr))
}

// parseCIDR parses a CIDR block, with IPv4-mapped IPv6 blocks as their IPv4
// equivalent and host bits cleared.
func parseCIDR(s string) (netip.Prefix, error) {
	p, err := netip.ParsePrefix(s)
	if err != nil {
		return netip.Prefix{}, fmt.Errorf("%q is not a CIDR block such as 10.0.0.0/8 or 2402:4e00::/32", s)
	}
	if a := p.Addr(); a.Is4In6() && p.Bits() >= 96 {
		p = netip.PrefixFrom(a.Unmap(), p.Bits()-96)
	}
	return p.Masked(), nil
}

// parseIP parses one IP address, with an IPv4-mapped IPv6 address as the
// IPv4 address it maps. Masked and zoned addresses are refused: whether they
// lie in a block cannot be known, and false would be a guess.
func parseIP(s string) (netip.Addr, error) {
	if strings.Contains(s, "*") {
		return netip.Addr{}, fmt.Errorf("%q is masked (part of it is hidden as *), so whether it lies in a CIDR block cannot be known", s)
	}
	a, err := netip.ParseAddr(s)
	if err != nil {
		return netip.Addr{}, fmt.Errorf("%q is not an IP address such as 10.1.2.3 or 2402:4e00::1", s)
	}
	if a.Zone() != "" {
		return netip.Addr{}, fmt.Errorf("%q has an IPv6 zone (%%%s); give the address without it", s, a.Zone())
	}
	return a.Unmap(), nil
}
