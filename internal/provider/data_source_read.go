package provider

import (
	"context"

	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/tfsdk"
	"github.com/hashicorp/terraform-plugin-framework/types"
	"github.com/hashicorp/terraform-plugin-go/tftypes"

	"github.com/auditlog/terraform-provider-auditlog/internal/client"
)

// Every data source's read starts the same way: the progress lines, the
// configuration decoded into the data source's model, the read's context
// (secrets masked, bounded by timeouts.read, cancelled when the read ends),
// and the client of the cloud it reads. readTencent and readUCloud do that
// once; a data source gives them only what is its own, the read of its
// decoded model:
//
//	func (d *xDataSource) read(ctx context.Context, config tfsdk.Config, state *tfsdk.State) diag.Diagnostics {
//		return readTencent(ctx, d.data, "auditlog_x", regionRequired, config, state, d.readX)
//	}
//
//	func (d *xDataSource) readX(ctx context.Context, m *xModel, target tencentTarget, out *readState) (diags diag.Diagnostics) {
//		... call the API ...
//		diags.Append(out.set(ctx, len(records), computed)...)
//		return diags
//	}
//
// Both paths of a read use it: the framework's Read and the server's direct
// ReadDataSource (fast_read.go) call the same read.

// readState is where a read puts what it read: its state, and the number of
// records, which the "read finished" line reports.
type readState struct {
	config  tfsdk.Config
	state   *tfsdk.State
	records int
}

// set writes the state, the configuration with the computed attributes
// filled in (see setState), and counts the read's records.
func (s *readState) set(ctx context.Context, records int, computed map[string]tftypes.Value) diag.Diagnostics {
	s.records = records
	return setState(ctx, s.config, s.state, computed)
}

// modelOf is a data source's configuration model M, whose methods have
// pointer receivers: the read decodes the configuration into a new M.
type modelOf[M any] interface {
	*M
	readModel
}

// runRead runs one read of data source typeName: it logs the read's start
// and end (see beginRead), decodes config into a new model, readies the
// read's context (see startRead) and hands both to read, unless the
// configuration could not be decoded.
func runRead[M any, P modelOf[M]](ctx context.Context, d *providerData, typeName string, config tfsdk.Config, state *tfsdk.State,
	read func(ctx context.Context, m P, out *readState) diag.Diagnostics,
) (diags diag.Diagnostics) {
	out := &readState{config: config, state: state}
	ctx, progress := beginRead(ctx, typeName)
	defer func() { progress.finish(ctx, out.records, diags) }()
	m := P(new(M))
	ctx, cancel, diags := d.startRead(ctx, config, m)
	defer cancel()
	if diags.HasError() {
		return diags
	}
	diags.Append(read(ctx, m, out)...)
	return diags
}

// tencentReadModel is the configuration model of a Tencent Cloud data
// source.
type tencentReadModel interface {
	readModel
	// readTarget returns the account and region arguments the read is
	// made with (a null region where the data source has none).
	readTarget() (account, region types.String)
}

// tencentModelOf is a Tencent Cloud data source's model M (see modelOf).
type tencentModelOf[M any] interface {
	*M
	tencentReadModel
}

// readTencent runs one read of a Tencent Cloud data source (see runRead),
// with the account and region its model names (see tencentTarget) and
// region used as use says.
func readTencent[M any, P tencentModelOf[M]](ctx context.Context, d *providerData, typeName string, use regionUse, config tfsdk.Config, state *tfsdk.State,
	read func(ctx context.Context, m P, target tencentTarget, out *readState) diag.Diagnostics,
) diag.Diagnostics {
	return runRead(ctx, d, typeName, config, state, func(ctx context.Context, m P, out *readState) diag.Diagnostics {
		account, region := m.readTarget()
		ctx, target, diags := d.tencentTarget(ctx, account, region, use)
		if diags.HasError() {
			return diags
		}
		return append(diags, read(ctx, m, target, out)...)
	})
}

// readUCloud runs one read of a UCloud data source (see runRead) with the
// provider's UCloud client.
func readUCloud[M any, P modelOf[M]](ctx context.Context, d *providerData, typeName string, config tfsdk.Config, state *tfsdk.State,
	read func(ctx context.Context, m P, c *client.UCloudClient, out *readState) diag.Diagnostics,
) diag.Diagnostics {
	return runRead(ctx, d, typeName, config, state, func(ctx context.Context, m P, out *readState) diag.Diagnostics {
		c, diags := d.ucloudClient()
		if diags.HasError() {
			return diags
		}
		return append(diags, read(ctx, m, c, out)...)
	})
}
