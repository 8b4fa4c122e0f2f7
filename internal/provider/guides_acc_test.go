package provider

import (
	"context"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/auditlog/terraform-provider-auditlog/internal/cloudsim"
)

// guideSimAddr is where the guides start the simulator (make simulator,
// cloudsim's default), and the origin auditlog-gate's builtin:simulator
// policy trusts.
const guideSimAddr = "127.0.0.1:8787"

// guideBlockTimeout bounds one command block.
const guideBlockTimeout = 4 * time.Minute

// guideDocuments are the documents whose command blocks run, relative to
// the repository.
func guideDocuments(t *testing.T, root string) []string {
	t.Helper()
	docs := []string{"README.md"}
	for _, pattern := range []string{"templates/guides/*.md.tmpl", "examples/*/README.md"} {
		m, err := filepath.Glob(filepath.Join(root, pattern))
		if err != nil {
			t.Fatal(err)
		}
		for _, p := range m {
			rel, _ := filepath.Rel(root, p)
			docs = append(docs, rel)
		}
	}
	return docs
}

// guideRig is what a reader of the guides has: the provider in a
// filesystem mirror with its CLI configuration in TF_CLI_CONFIG_FILE (as
// the README's installation steps leave it), auditlog-gate and tofu on
// PATH (as the policy guide's install steps and the OpenTofu guide leave
// them), and the simulator on 127.0.0.1:8787 with its environment exported
// (as its banner prints it).
type guideRig struct {
	root, bin, rc string
	sim           *cloudsim.Server
	scenario      string
}

func newGuideRig(t *testing.T) *guideRig {
	t.Helper()
	root, err := filepath.Abs("../..")
	if err != nil {
		t.Fatal(err)
	}
	work := t.TempDir()
	g := &guideRig{root: root, bin: filepath.Join(work, "bin"), rc: buildProviderForCLI(t, work)}
	if err := os.MkdirAll(g.bin, 0o755); err != nil {
		t.Fatal(err)
	}
	version, err := os.ReadFile(filepath.Join(root, "VERSION"))
	if err != nil {
		t.Fatal(err)
	}
	build := exec.Command("go", "build", "-trimpath", "-ldflags", "-X main.version="+strings.TrimSpace(string(version)),
		"-o", filepath.Join(g.bin, "auditlog-gate"), "./cmd/auditlog-gate")
	build.Dir = filepath.Join(root, "examples", "policy")
	if out, err := build.CombinedOutput(); err != nil {
		t.Fatalf("building auditlog-gate: %v\n%s", err, out)
	}
	// make tofu builds the pinned OpenTofu at bin/tools/tofu-VERSION.
	tofu, err := filepath.Glob(filepath.Join(root, "bin", "tools", "tofu-v*"))
	if err != nil || len(tofu) != 1 {
		t.Fatalf("the pinned OpenTofu is not built (make tofu): found %q", tofu)
	}
	if err := os.Symlink(tofu[0], filepath.Join(g.bin, "tofu")); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(g.stopSim)
	return g
}

// serve (re)starts the simulator on 127.0.0.1:8787 with a scenario and
// the cloudsim options that follow its name (-cls-review MODE, -cls-topic
// SPEC).
func (g *guideRig) serve(t *testing.T, scenario string) {
	t.Helper()
	if g.sim != nil && g.scenario == scenario {
		return
	}
	g.stopSim()
	var opts cloudsim.Options
	words := strings.Fields(scenario)
	name, flags := words[0], words[1:]
	for i := 0; i+1 < len(flags); i += 2 {
		switch flags[i] {
		case "-cls-review":
			opts.CLS.Review = flags[i+1]
		case "-cls-topic":
			id, o, err := cloudsim.ParseCLSTopic(flags[i+1])
			if err != nil {
				t.Fatal(err)
			}
			if opts.CLS.Topics == nil {
				opts.CLS.Topics = map[string]cloudsim.CLSTopicOptions{}
			}
			opts.CLS.Topics[id] = o
		default:
			t.Fatalf("simulator %s: the guides' simulator takes -cls-review and -cls-topic, not %s", scenario, flags[i])
		}
	}
	if name == cloudsim.OrganizationScenario {
		o, err := cloudsim.OrganizationOptions(opts)
		if err != nil {
			t.Fatal(err)
		}
		opts = o
	} else {
		d, err := cloudsim.Scenario(name)
		if err != nil {
			t.Fatal(err)
		}
		opts.Data = d
	}
	sim := cloudsim.New(opts)
	if _, err := sim.Start(guideSimAddr); err != nil {
		t.Fatalf("the guides' simulator address %s: %v (is another simulator running there?)", guideSimAddr, err)
	}
	g.sim, g.scenario = sim, scenario
}

func (g *guideRig) stopSim() {
	if g.sim != nil {
		_ = g.sim.Close()
		g.sim = nil
	}
}

// env is the reader's environment: the caller's, without anything of the
// provider, the engines or the gate, plus the rig's.
func (g *guideRig) env(home string) []string {
	env := slices.DeleteFunc(os.Environ(), func(kv string) bool {
		name, _, _ := strings.Cut(kv, "=")
		for _, p := range []string{"TENCENTCLOUD_", "UCLOUD_", "TF_", "TERRAFORM_", "TOFU_", "AUDITLOG_", "TCCLI_"} {
			if strings.HasPrefix(name, p) {
				return true
			}
		}
		return name == "PATH" || name == "HOME"
	})
	o := g.sim.Options()
	url := "http://" + guideSimAddr
	return append(env,
		"HOME="+home, "PATH="+g.bin+string(os.PathListSeparator)+os.Getenv("PATH"),
		"TF_CLI_CONFIG_FILE="+g.rc, "CHECKPOINT_DISABLE=1",
		"TENCENTCLOUD_ENDPOINT="+url, "TENCENTCLOUD_SECRET_ID="+o.TencentSecretID, "TENCENTCLOUD_SECRET_KEY="+o.TencentSecretKey,
		"UCLOUD_API_BASE_URL="+url, "UCLOUD_PUBLIC_KEY="+o.UCloudPublicKey, "UCLOUD_PRIVATE_KEY="+o.UCloudPrivateKey,
		"UCLOUD_PROJECT_ID="+o.UCloudProjectID,
	)
}

// guideTally counts what ran and what was skipped, over every document.
type guideTally struct {
	ran     int
	skipped []string
}

// TestAccGuides runs every command block of the guides as written (see
// guides_blocks_test.go for the markers), each document in a directory of
// its own outside the repository holding only what the document told the
// reader to create, and compares the output examples the guides show.
// Skipped blocks are listed with their reasons.
func TestAccGuides(t *testing.T) {
	if os.Getenv("TF_ACC") == "" {
		t.Skip("acceptance test: set TF_ACC=1")
	}
	if testEngine.OpenTofu() {
		t.Skip("the guides say which engine each command runs; run under Terraform only")
	}
	g := newGuideRig(t)
	tally := &guideTally{}
	for _, doc := range guideDocuments(t, g.root) {
		t.Run(doc, func(t *testing.T) { g.runDocument(t, doc, tally) })
	}
	t.Logf("guides: %d command blocks ran, %d skipped:", tally.ran, len(tally.skipped))
	for _, s := range tally.skipped {
		t.Log("  skipped " + s)
	}
}

func (g *guideRig) runDocument(t *testing.T, doc string, tally *guideTally) {
	text, err := os.ReadFile(filepath.Join(g.root, doc))
	if err != nil {
		t.Fatal(err)
	}
	steps, err := parseGuide(string(text))
	if err != nil {
		t.Fatalf("%s: %v", doc, err)
	}
	base := t.TempDir()
	home, work := filepath.Join(base, "home"), filepath.Join(base, "work")
	for _, d := range []string{home, work} {
		if err := os.MkdirAll(d, 0o755); err != nil {
			t.Fatal(err)
		}
	}
	cwd := work
	g.serve(t, "compliant")
	var last *guideOutput
	for _, s := range steps {
		where := fmt.Sprintf("%s:%d", doc, s.line)
		switch s.kind {
		case "simulator":
			g.serve(t, s.scenario)
		case "copy":
			dest := g.readerPath(home, work, s.path)
			if err := os.MkdirAll(filepath.Dir(dest), 0o755); err != nil {
				t.Fatal(err)
			}
			copyTree(t, filepath.Join(g.root, s.src), dest)
		case blockFile:
			writeFile(t, g.readerPath(home, work, s.path), s.body)
		case blockOutput:
			if last == nil {
				t.Errorf("%s: an output example follows no command block that ran", where)
				continue
			}
			last.compare(t, where, s)
		case blockCommand:
			if s.skip != "" {
				tally.skipped = append(tally.skipped, fmt.Sprintf("%s (%s)", where, s.skip))
				t.Logf("%s: skipped: %s", where, s.skip)
				last = nil
				continue
			}
			dir := cwd
			if s.inRepo {
				dir = g.root
			}
			out, code, end := g.runBlock(t, s, dir, home, work)
			tally.ran++
			t.Logf("%s: exit %d", where, code)
			if code != s.exit {
				t.Fatalf("%s: the block exited %d, want %d:\n%s\n--- output ---\n%s", where, code, s.exit, s.body, out)
			}
			if !s.inRepo {
				cwd = end
			}
			last = &guideOutput{out: out, where: where}
		}
	}
}

// readerPath resolves a path the guide names: ~/ is the reader's HOME, a
// relative path is under the reader's working directory.
func (g *guideRig) readerPath(home, work, p string) string {
	if rest, ok := strings.CutPrefix(p, "~/"); ok {
		return filepath.Join(home, rest)
	}
	return filepath.Join(work, p)
}

// runBlock runs a command block with bash -e -o pipefail, as a reader
// pasting it would see a failure, and returns its output (stdout and
// stderr), exit code and the directory it ended in.
func (g *guideRig) runBlock(t *testing.T, s guideStep, dir, home, work string) (string, int, string) {
	t.Helper()
	body := s.body
	if s.lang == "console" { // "$ command" lines; the rest is output
		var cmds []string
		for _, l := range strings.Split(body, "\n") {
			if c, ok := strings.CutPrefix(l, "$ "); ok {
				cmds = append(cmds, c)
			}
		}
		body = strings.Join(cmds, "\n") + "\n"
	}
	cwdFile := filepath.Join(filepath.Dir(work), "cwd")
	script := filepath.Join(filepath.Dir(work), "block.sh")
	writeFile(t, script, "trap 'pwd >\"$GUIDE_TEST_CWD\"' EXIT\n"+body)
	ctx, cancel := context.WithTimeout(context.Background(), guideBlockTimeout)
	defer cancel()
	cmd := exec.CommandContext(ctx, "bash", "-e", "-o", "pipefail", script)
	cmd.Dir = dir
	cmd.Env = append(g.env(home), "GUIDE_TEST_CWD="+cwdFile)
	out, err := cmd.CombinedOutput()
	code := 0
	if err != nil {
		var ee *exec.ExitError
		if !errors.As(err, &ee) {
			t.Fatalf("running %s: %v", script, err)
		}
		code = ee.ExitCode()
	}
	if ctx.Err() != nil {
		t.Fatalf("the block did not end within %s:\n%s\n--- output ---\n%s", guideBlockTimeout, s.body, out)
	}
	end := dir
	if b, err := os.ReadFile(cwdFile); err == nil {
		end = strings.TrimSpace(string(b))
	}
	return string(out), code, end
}

// guideOutput is what the last command block printed.
type guideOutput struct {
	out, where string
}

func (o *guideOutput) compare(t *testing.T, where string, s guideStep) {
	t.Helper()
	if !s.json {
		if missing := outputHasLines(o.out, s.body); missing != "" {
			t.Errorf("%s: the output example does not match what %s printed: no line %q (in order)\n--- printed ---\n%s", where, o.where, missing, o.out)
		}
		return
	}
	var got, want any
	if err := jsonUnmarshalStrict(o.out, &got); err != nil {
		t.Errorf("%s: %s did not print JSON: %v\n%s", where, o.where, err, o.out)
		return
	}
	if err := jsonUnmarshalStrict(s.body, &want); err != nil {
		t.Errorf("%s: the example is not JSON: %v", where, err)
		return
	}
	if d := jsonSubset(got, want, "$"); d != "" {
		t.Errorf("%s: the JSON example is not what %s printed: %s\n--- printed ---\n%s", where, o.where, d, o.out)
	}
}
