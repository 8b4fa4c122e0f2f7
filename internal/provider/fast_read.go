package provider

import (
	"context"
	"sync"

	"github.com/hashicorp/terraform-plugin-framework/datasource"
	dsschema "github.com/hashicorp/terraform-plugin-framework/datasource/schema"
	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/path"
	"github.com/hashicorp/terraform-plugin-framework/providerserver"
	"github.com/hashicorp/terraform-plugin-framework/tfsdk"
	"github.com/hashicorp/terraform-plugin-go/tfprotov6"
	"github.com/hashicorp/terraform-plugin-go/tftypes"
)

// Audit histories are large: a read can return 100,000 records. After a
// data source's Read, the framework walks the whole state several times
// (a copy, a semantic-equality pass, an equality check, a pass over null
// blocks) before encoding it; for large lists that costs several times the
// read itself, and more CPU and memory than Terraform spends on the plan.
//
// So this provider's server answers ReadDataSource for its own data sources
// directly: it decodes the configuration, runs the data source's read (the
// same code the framework's Read runs) and encodes the state it built. Every
// other call, validation included, goes to the framework unchanged.

// stateReader is a data source whose read the server can call directly.
type stateReader interface {
	datasource.DataSourceWithConfigure
	read(ctx context.Context, config tfsdk.Config, state *tfsdk.State) diag.Diagnostics
}

// NewProtocol6Server returns the provider's protocol server constructor, for
// tf6server.Serve and for acceptance tests.
func NewProtocol6Server(version string) func() tfprotov6.ProviderServer {
	return func() tfprotov6.ProviderServer {
		p := &auditlogProvider{version: version}
		return &server{ProviderServer: providerserver.NewProtocol6(p)(), provider: p}
	}
}

// server is the framework's server with ReadDataSource answered directly.
type server struct {
	tfprotov6.ProviderServer
	provider *auditlogProvider

	schemas sync.Map // data source type name -> dsschema.Schema

	// reads holds the cancel function of each direct read in progress.
	// StopProvider (Terraform's interrupt, such as Ctrl-C) cancels them,
	// as the framework cancels the calls it answers.
	readsMu sync.Mutex
	reads   map[*context.CancelFunc]struct{}
}

// registerRead returns ctx, cancelled by StopProvider, and the function
// that forgets it once the read is over.
func (s *server) registerRead(ctx context.Context) (context.Context, func()) {
	ctx, cancel := context.WithCancel(ctx)
	s.readsMu.Lock()
	defer s.readsMu.Unlock()
	if s.reads == nil {
		s.reads = map[*context.CancelFunc]struct{}{}
	}
	key := &cancel
	s.reads[key] = struct{}{}
	return ctx, func() {
		s.readsMu.Lock()
		delete(s.reads, key)
		s.readsMu.Unlock()
		cancel()
	}
}

// readsInProgress counts the direct reads registered.
func (s *server) readsInProgress() int {
	s.readsMu.Lock()
	defer s.readsMu.Unlock()
	return len(s.reads)
}

// StopProvider cancels every direct read in progress, then lets the
// framework cancel the calls it answers.
func (s *server) StopProvider(ctx context.Context, req *tfprotov6.StopProviderRequest) (*tfprotov6.StopProviderResponse, error) {
	s.readsMu.Lock()
	for cancel := range s.reads {
		(*cancel)()
	}
	s.readsMu.Unlock()
	return s.ProviderServer.StopProvider(ctx, req)
}

func (s *server) ReadDataSource(ctx context.Context, req *tfprotov6.ReadDataSourceRequest) (*tfprotov6.ReadDataSourceResponse, error) {
	data := s.provider.configured()
	newReader, known := s.provider.stateReaders()[req.TypeName]
	if !known || data == nil || req.Config == nil || len(data.unknown) > 0 {
		// Unconfigured, not ours, or configured with settings not known
		// yet (which the framework defers when Terraform allows it): the
		// framework knows what to say.
		return s.ProviderServer.ReadDataSource(ctx, req)
	}
	ctx, done := s.registerRead(ctx)
	defer done()
	reader := newReader()
	schema := s.schema(ctx, req.TypeName, reader)
	typ := schema.Type().TerraformType(ctx)

	resp := &tfprotov6.ReadDataSourceResponse{}
	raw, err := req.Config.Unmarshal(typ)
	if err != nil {
		return failedRead(resp, "Unable to read the configuration", err)
	}
	var configured datasource.ConfigureResponse
	reader.Configure(ctx, datasource.ConfigureRequest{ProviderData: data}, &configured)
	diags := configured.Diagnostics
	state := tfsdk.State{Schema: schema, Raw: tftypes.NewValue(typ, nil)}
	diags.Append(reader.read(ctx, tfsdk.Config{Raw: raw, Schema: schema}, &state)...)
	resp.Diagnostics = protoDiagnostics(diags)
	if diags.HasError() {
		return resp, nil
	}
	encoded, err := encodeState(typ, state.Raw)
	if err != nil {
		return failedRead(resp, "Unable to encode the state", err)
	}
	resp.State = &encoded
	return resp, nil
}

// failedRead reports err as an error diagnostic of the response. The RPC
// itself succeeds: an RPC error would tell Terraform the plugin failed,
// not that this read did.
func failedRead(resp *tfprotov6.ReadDataSourceResponse, summary string, err error) (*tfprotov6.ReadDataSourceResponse, error) {
	resp.Diagnostics = append(resp.Diagnostics, &tfprotov6.Diagnostic{
		Severity: tfprotov6.DiagnosticSeverityError, Summary: summary, Detail: err.Error(),
	})
	return resp, nil
}

// schema returns a data source's schema, built once per type.
func (s *server) schema(ctx context.Context, typeName string, ds datasource.DataSource) dsschema.Schema {
	if cached, ok := s.schemas.Load(typeName); ok {
		if schema, ok := cached.(dsschema.Schema); ok {
			return schema
		}
	}
	var resp datasource.SchemaResponse
	ds.Schema(ctx, datasource.SchemaRequest{}, &resp)
	s.schemas.Store(typeName, resp.Schema)
	return resp.Schema
}

// protoDiagnostics converts framework diagnostics, attribute paths included.
func protoDiagnostics(diags diag.Diagnostics) []*tfprotov6.Diagnostic {
	out := make([]*tfprotov6.Diagnostic, 0, len(diags))
	for _, d := range diags {
		pd := &tfprotov6.Diagnostic{Summary: d.Summary(), Detail: d.Detail(), Severity: tfprotov6.DiagnosticSeverityWarning}
		if d.Severity() == diag.SeverityError {
			pd.Severity = tfprotov6.DiagnosticSeverityError
		}
		if wp, ok := d.(diag.DiagnosticWithPath); ok {
			pd.Attribute = attributePath(wp.Path())
		}
		out = append(out, pd)
	}
	return out
}

func attributePath(p path.Path) *tftypes.AttributePath {
	if p.Equal(path.Empty()) {
		return nil
	}
	ap := tftypes.NewAttributePath()
	for _, step := range p.Steps() {
		switch s := step.(type) {
		case path.PathStepAttributeName:
			ap = ap.WithAttributeName(string(s))
		case path.PathStepElementKeyInt:
			ap = ap.WithElementKeyInt(int(s))
		case path.PathStepElementKeyString:
			ap = ap.WithElementKeyString(string(s))
		}
	}
	return ap
}
