package shell_test

import (
	"bytes"
	"context"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"pacer/share/schedcases"
	"pacer/share/xmltree"
)

// pacerBin is bin/pacer: $PACER_BIN/pacer (make test), else built here.
var pacerBin string

func TestMain(m *testing.M) {
	code := func() int {
		if d := os.Getenv("PACER_BIN"); d != "" {
			pacerBin = filepath.Join(d, "pacer")
			if _, err := os.Stat(pacerBin); err == nil {
				return m.Run()
			}
		}
		dir, err := os.MkdirTemp("", "pacer-shell-test")
		if err != nil {
			fmt.Fprintln(os.Stderr, err)
			return 1
		}
		defer os.RemoveAll(dir)
		pacerBin = filepath.Join(dir, "pacer")
		out, err := exec.Command("go", "build", "-o", pacerBin, "pacer/shell/cmd/pacer").CombinedOutput()
		if err != nil {
			fmt.Fprintf(os.Stderr, "build pacer: %v\n%s", err, out)
			return 1
		}
		return m.Run()
	}()
	os.Exit(code)
}

type result struct {
	stdout, stderr string
	code           int
}

// run runs bin/pacer with CIB_file=cib (when not "") and stdin.
func run(t *testing.T, cib, stdin string, args ...string) result {
	t.Helper()
	env := []string{"PATH=" + os.Getenv("PATH"), "HOME=" + t.TempDir(), "PACER_SOCKET=" + filepath.Join(t.TempDir(), "none.sock"),
		"CIB_shadow_dir=" + filepath.Join(filepath.Dir(cib), "shadow")}
	if cib != "" {
		env = append(env, "CIB_file="+cib)
	}
	return pacerIn(t, env, stdin, 0, args...)
}

// pacerIn runs the pacer binary with env and stdin, within timeout (0:
// none), and fails the test when it cannot run or panics.
func pacerIn(t *testing.T, env []string, stdin string, timeout time.Duration, args ...string) result {
	t.Helper()
	ctx := context.Background()
	if timeout > 0 {
		var cancel context.CancelFunc
		ctx, cancel = context.WithTimeout(ctx, timeout)
		defer cancel()
	}
	cmd := exec.CommandContext(ctx, pacerBin, args...)
	cmd.Env = env
	cmd.Stdin = strings.NewReader(stdin)
	var so, se bytes.Buffer
	cmd.Stdout, cmd.Stderr = &so, &se
	err := cmd.Run()
	code := 0
	if ee, ok := err.(*exec.ExitError); ok {
		code = ee.ExitCode()
	} else if err != nil {
		t.Fatalf("run pacer %v: %v", args, err)
	}
	if strings.Contains(se.String(), "panic") || strings.Contains(se.String(), "goroutine ") {
		t.Fatalf("pacer %v panicked:\n%s", args, se.String())
	}
	return result{so.String(), se.String(), code}
}

// caseFile copies a scheduler case CIB to a temp dir.
func caseFile(t *testing.T, name string) string {
	t.Helper()
	dir, ok := schedcases.Dir()
	if !ok {
		t.Skipf("scheduler cases not found at %s", dir)
	}
	data, err := os.ReadFile(filepath.Join(dir, "xml", name+".xml"))
	if err != nil {
		t.Fatal(err)
	}
	p := filepath.Join(t.TempDir(), name+".xml")
	if err := os.WriteFile(p, data, 0o644); err != nil {
		t.Fatal(err)
	}
	return p
}

const emptyCIB = `<cib admin_epoch="0" epoch="1" num_updates="0" validate-with="pacemaker-3.9">
  <configuration>
    <crm_config/>
    <nodes>
      <node id="1" uname="node1"/>
      <node id="2" uname="node2"/>
    </nodes>
    <resources/>
    <constraints/>
  </configuration>
  <status/>
</cib>
`

func emptyFile(t *testing.T) string {
	p := filepath.Join(t.TempDir(), "cib.xml")
	if err := os.WriteFile(p, []byte(emptyCIB), 0o644); err != nil {
		t.Fatal(err)
	}
	return p
}

func parseFile(t *testing.T, p string) *xmltree.Document {
	t.Helper()
	doc, err := xmltree.ParseFile(p)
	if err != nil {
		t.Fatal(err)
	}
	return doc
}

func TestVersion(t *testing.T) {
	r := run(t, "", "", "--version")
	if r.code != 0 || !strings.HasPrefix(r.stdout, "pacer ") {
		t.Fatalf("%+v", r)
	}
}

func TestShowXMLPrintsConfigurationOnly(t *testing.T) {
	for _, name := range []string{"bug-5014-CthenAthenB-C-stopped", "clone-anon-failcount", "order-sets"} {
		p := caseFile(t, name)
		r := run(t, p, "", "configure", "show", "xml")
		if r.code != 0 {
			t.Fatalf("%s: %+v", name, r)
		}
		if strings.Contains(r.stdout, "\x1b") {
			t.Errorf("%s: escape codes in piped output", name)
		}
		got, err := xmltree.ParseString(r.stdout)
		if err != nil {
			t.Fatalf("%s: output is not one XML element: %v\n%s", name, err, r.stdout)
		}
		want := parseFile(t, p).Root.Child("configuration")
		if got.Root.Name != "configuration" || !xmltree.Equal(got.Root, stripParent(want)) {
			t.Errorf("%s: show xml differs from the file's configuration", name)
		}
	}
}

func stripParent(e *xmltree.Element) *xmltree.Element { return e.Clone() }

func TestCIBVerify(t *testing.T) {
	p := caseFile(t, "bug-5014-CthenAthenB-C-stopped")
	if r := run(t, p, "", "cib", "verify"); r.code != 0 {
		t.Fatalf("valid CIB: %+v", r)
	}
	// A constraint naming a resource that does not exist is an error.
	data, _ := os.ReadFile(p)
	bad := strings.Replace(string(data), `then="ClusterIP2"`, `then="NoSuchRsc"`, 1)
	os.WriteFile(p, []byte(bad), 0o644)
	r := run(t, p, "", "cib", "verify")
	if r.code == 0 || !strings.Contains(r.stderr, "NoSuchRsc") {
		t.Fatalf("dangling reference: %+v", r)
	}
	// Missing file: named.
	r = run(t, "/nonexistent/cib.xml", "", "cib", "verify")
	if r.code == 0 || !strings.Contains(r.stderr, "/nonexistent/cib.xml") {
		t.Fatalf("missing file: %+v", r)
	}
	// Malformed XML: named with the line.
	os.WriteFile(p, []byte("<cib>\n  <configuration>\n    <resources>\n  </configuration>\n</cib>\n"), 0o644)
	r = run(t, p, "", "cib", "verify")
	if r.code == 0 || !strings.Contains(r.stderr, p) || !strings.Contains(r.stderr, "line") {
		t.Fatalf("malformed file: %+v", r)
	}
	r = run(t, p, "", "configure", "show", "xml")
	if r.code == 0 || r.stdout != "" || !strings.Contains(r.stderr, p) {
		t.Fatalf("show xml on malformed file: %+v", r)
	}
}

func TestOneShotConfigureCommits(t *testing.T) {
	p := emptyFile(t)
	r := run(t, p, "", "configure", "primitive", "d1", "ocf:heartbeat:Dummy", "op", "monitor", "interval=10s")
	if r.code != 0 {
		t.Fatalf("%+v", r)
	}
	doc := parseFile(t, p)
	if doc.Root.FindID("d1") == nil {
		t.Fatal("primitive not stored")
	}
	if doc.Root.Attr("epoch") != "2" {
		t.Errorf("epoch %q, want 2", doc.Root.Attr("epoch"))
	}
	r = run(t, p, "", "configure", "group", "g1", "d1", "meta", "description=two words")
	if r.code != 0 {
		t.Fatalf("%+v", r)
	}
	r = run(t, p, "", "configure", "show", "g1")
	if r.code != 0 || !strings.Contains(r.stdout, "group g1 d1") || !strings.Contains(r.stdout, `description="two words"`) || strings.Contains(r.stdout, "\x1b") {
		t.Fatalf("show g1: %+v", r)
	}
}

func TestFailedChangeLeavesFileIdentical(t *testing.T) {
	p := caseFile(t, "bug-5014-CthenAthenB-C-stopped")
	before, _ := os.ReadFile(p)
	same := func(what string) {
		t.Helper()
		after, _ := os.ReadFile(p)
		if !bytes.Equal(before, after) {
			t.Fatalf("%s changed the file", what)
		}
	}
	for _, args := range [][]string{
		{"configure", "primitive", "x", "ocf:heartbeat:Dummy", "op"},         // syntax error
		{"configure", "primitive", "ClusterIP", "ocf:heartbeat:Dummy"},       // id in use
		{"configure", "primitive", "y", "ocf:heartbeat:NoSuchAgentHere"},     // unknown agent
		{"configure", "location", "l1", "NoSuchRsc", "100:", "fc16-builder"}, // dangling reference
		{"resource", "move", "NoSuchRsc", "fc16-builder"},                    // unknown resource
		{"node", "standby", "nosuchnode"},                                    // unknown node
		{"configure", "delete", "nothere"},                                   // unknown id
	} {
		r := run(t, p, "", args...)
		if r.code == 0 {
			t.Errorf("%v succeeded: %+v", args, r)
		}
		if !strings.Contains(r.stderr, "ERROR: ") {
			t.Errorf("%v: no error message: %q", args, r.stderr)
		}
		same(strings.Join(args, " "))
	}
	// A script that fails half way commits nothing.
	script := "configure\nprimitive s1 ocf:heartbeat:Dummy\nprimitive s2\ncommit\n"
	r := run(t, p, script)
	if r.code == 0 || !strings.Contains(r.stderr, "<stdin>:3") {
		t.Errorf("script: %+v", r)
	}
	same("failing script")
	// load replace of a malformed file.
	bad := filepath.Join(t.TempDir(), "bad.crm")
	os.WriteFile(bad, []byte("primitive a ocf:heartbeat:Dummy\nlocation\n"), 0o644)
	r = run(t, p, "", "configure", "load", "replace", bad)
	if r.code == 0 || !strings.Contains(r.stderr, bad) {
		t.Errorf("load: %+v", r)
	}
	same("failed load")
}

func TestScriptModes(t *testing.T) {
	p := emptyFile(t)
	script := `# a comment
configure
primitive d1 ocf:heartbeat:Dummy \
	op monitor interval=10s
primitive d2 ocf:heartbeat:Dummy
group g d1 d2
commit
up
resource stop g
`
	f := filepath.Join(t.TempDir(), "script")
	os.WriteFile(f, []byte(script), 0o644)
	if r := run(t, p, "", "-f", f); r.code != 0 {
		t.Fatalf("-f: %+v", r)
	}
	doc := parseFile(t, p)
	g := doc.Root.FindID("g")
	if g == nil || len(g.ChildrenNamed("primitive")) != 2 || doc.Root.FindID("g-meta_attributes-target-role") == nil {
		t.Fatalf("script result:\n%s", doc.Root.Child("configuration").Indented())
	}
	// Pending changes at the end of piped input are committed.
	if r := run(t, p, "configure\nprimitive d3 ocf:heartbeat:Dummy\n"); r.code != 0 {
		t.Fatalf("stdin: %+v", r)
	}
	if parseFile(t, p).Root.FindID("d3") == nil {
		t.Fatal("pending change not committed at end of input")
	}
	// Exit codes and messages.
	r := run(t, p, "", "resource", "stauts")
	if r.code != 1 || !strings.Contains(r.stderr, `did you mean "status"`) {
		t.Errorf("unknown command: %+v", r)
	}
	r = run(t, p, "", "resource", "locate")
	if r.code != 2 || !strings.Contains(r.stderr, "resource locate") || !strings.Contains(r.stderr, "usage:") {
		t.Errorf("usage error: %+v", r)
	}
	r = run(t, p, "", "--bogus")
	if r.code != 2 {
		t.Errorf("bad option: %+v", r)
	}
	r = run(t, p, "", "res", "loc", "d1")
	if r.code != 0 || r.stdout != "resource d1 is NOT running\n" {
		t.Errorf("abbreviations: %+v", r)
	}
}

func TestResourceAndNodeCommands(t *testing.T) {
	p := caseFile(t, "bug-5014-CthenAthenB-C-stopped")
	steps := []struct {
		args []string
		id   string // must exist afterwards
	}{
		{[]string{"resource", "move", "ClusterIP", "fc16-builder"}, "cli-prefer-ClusterIP"},
		{[]string{"resource", "ban", "ClusterIP2", "fc16-builder"}, "cli-ban-ClusterIP2-on-fc16-builder"},
		{[]string{"resource", "stop", "ClusterIP"}, "ClusterIP-meta_attributes-target-role"},
		{[]string{"resource", "param", "ClusterIP", "set", "cidr_netmask", "24"}, "ClusterIP-instance_attributes-cidr_netmask"},
		{[]string{"node", "standby", "fc16-builder"}, "nodes-fc16-builder-standby"},
		{[]string{"node", "status-attr", "fc16-builder", "set", "foo", "1"}, "status-fc16-builder-foo"},
	}
	for _, st := range steps {
		if r := run(t, p, "", st.args...); r.code != 0 {
			t.Fatalf("%v: %+v", st.args, r)
		}
		if parseFile(t, p).Root.FindID(st.id) == nil {
			t.Fatalf("%v: no element %s", st.args, st.id)
		}
	}
	doc := parseFile(t, p)
	if v := doc.Root.FindID("ClusterIP-instance_attributes-cidr_netmask").Attr("value"); v != "24" {
		t.Errorf("param value %q", v)
	}
	if r := run(t, p, "", "resource", "param", "ClusterIP", "show", "cidr_netmask"); r.stdout != "24\n" {
		t.Errorf("param show: %+v", r)
	}
	if r := run(t, p, "", "-o", "json", "node", "show", "fc16-builder"); !strings.Contains(r.stdout, `"standby": "on"`) {
		t.Errorf("node show json: %+v", r)
	}
	for _, args := range [][]string{{"resource", "clear", "ClusterIP"}, {"resource", "clear", "ClusterIP2"}, {"node", "online", "fc16-builder"}} {
		if r := run(t, p, "", args...); r.code != 0 {
			t.Fatalf("%v: %+v", args, r)
		}
	}
	doc = parseFile(t, p)
	if doc.Root.FindID("cli-prefer-ClusterIP") != nil || doc.Root.FindID("cli-ban-ClusterIP2-on-fc16-builder") != nil {
		t.Error("clear left constraints")
	}
	if v := doc.Root.FindID("nodes-fc16-builder-standby").Attr("value"); v != "off" {
		t.Errorf("standby after online: %q", v)
	}
}

func TestManPage(t *testing.T) {
	r := run(t, "", "", "help", "--man")
	if r.code != 0 {
		t.Fatal(r)
	}
	for _, want := range []string{".TH PACER 8", `.SS "Level configure"`, `.SS "Level resource"`, `.SS "Level node"`,
		`.SS "Level cib"`, `\fBlocate\fR`, "CIB_file", ".SH \"EXIT STATUS\""} {
		if !strings.Contains(r.stdout, want) {
			t.Errorf("man page lacks %q", want)
		}
	}
}

func TestShadowCIB(t *testing.T) {
	p := emptyFile(t)
	before, _ := os.ReadFile(p)
	script := "cib new test\nconfigure primitive d1 ocf:heartbeat:Dummy\ncib list\n"
	r := run(t, p, script)
	if r.code != 0 || !strings.Contains(r.stdout, "test") {
		t.Fatalf("%+v", r)
	}
	after, _ := os.ReadFile(p)
	if !bytes.Equal(before, after) {
		t.Fatal("change through a shadow CIB reached the real one")
	}
	r = run(t, p, "", "cib", "diff", "test")
	if !strings.Contains(r.stdout, `+    <primitive id="d1"`) {
		t.Errorf("diff: %+v", r)
	}
	if r := run(t, p, "", "cib", "commit", "test"); r.code != 0 {
		t.Fatalf("commit: %+v", r)
	}
	if parseFile(t, p).Root.FindID("d1") == nil {
		t.Fatal("shadow commit did not reach the CIB")
	}
	if r := run(t, p, "", "cib", "delete", "test"); r.code != 0 {
		t.Fatalf("delete: %+v", r)
	}
	if r := run(t, p, "", "cib", "list"); strings.TrimSpace(r.stdout) != "" {
		t.Errorf("list after delete: %+v", r)
	}
}

func TestConfigureEdit(t *testing.T) {
	p := emptyFile(t)
	if r := run(t, p, "", "configure", "primitive", "d1", "ocf:heartbeat:Dummy", "op", "monitor", "interval=10s"); r.code != 0 {
		t.Fatalf("%+v", r)
	}
	runEnv := func(editor string, args ...string) result {
		t.Helper()
		cmd := exec.Command(pacerBin, args...)
		cmd.Env = []string{"PATH=" + os.Getenv("PATH"), "HOME=" + t.TempDir(), "CIB_file=" + p, "EDITOR=" + editor}
		var so, se bytes.Buffer
		cmd.Stdout, cmd.Stderr = &so, &se
		err := cmd.Run()
		code := 0
		if ee, ok := err.(*exec.ExitError); ok {
			code = ee.ExitCode()
		}
		return result{so.String(), se.String(), code}
	}
	if r := runEnv("sed -i s/interval=10s/interval=20s/", "configure", "edit", "d1"); r.code != 0 {
		t.Fatalf("edit: %+v", r)
	}
	if r := run(t, p, "", "configure", "show", "d1"); !strings.Contains(r.stdout, "interval=20s") {
		t.Fatalf("after edit: %+v", r)
	}
	before, _ := os.ReadFile(p)
	r := runEnv("sed -i s/primitive/primitve/", "configure", "edit", "d1")
	if r.code == 0 || !strings.Contains(r.stderr, "primitve") {
		t.Errorf("bad edit: %+v", r)
	}
	if after, _ := os.ReadFile(p); !bytes.Equal(before, after) {
		t.Error("a failed edit changed the file")
	}
}

// Concurrent writers on one file: every change lands (each write carries
// the version it read; a stale one is redone on the new CIB).
func TestConcurrentChangesNotLost(t *testing.T) {
	p := caseFile(t, "bug-5014-CthenAthenB-C-stopped")
	const n = 8
	errs := make(chan result, n)
	for i := 0; i < n; i++ {
		go func(i int) {
			errs <- run(t, p, "", "resource", "meta", "ClusterIP", "set", fmt.Sprintf("note-%d", i), "x")
		}(i)
	}
	for i := 0; i < n; i++ {
		if r := <-errs; r.code != 0 {
			t.Errorf("%+v", r)
		}
	}
	doc := parseFile(t, p)
	for i := 0; i < n; i++ {
		if doc.Root.FindID(fmt.Sprintf("ClusterIP-meta_attributes-note-%d", i)) == nil {
			t.Errorf("change %d lost", i)
		}
	}
	if got := doc.Root.Attr("epoch"); got == "" {
		t.Error("no epoch")
	}
}

func TestStatusScoresWhyOffline(t *testing.T) {
	p := caseFile(t, "clone-anon-failcount")
	r := run(t, p, "", "status")
	if r.code != 0 || !strings.Contains(r.stdout, "Resource Group: UMgroup01:") || !strings.Contains(r.stdout, "Online: [ srv01 srv02 srv03 srv04 ]") {
		t.Fatalf("status: %+v", r)
	}
	r = run(t, p, "", "-o", "json", "status")
	if r.code != 0 || !strings.HasPrefix(r.stdout, "{") || !strings.Contains(r.stdout, `"UMgroup01"`) {
		t.Fatalf("status json: %+v", r)
	}
	r = run(t, p, "", "resource", "scores", "UmVIPcheck")
	if r.code != 0 || !strings.Contains(r.stdout, "UmVIPcheck allocation score on srv01: ") {
		t.Fatalf("scores: %+v", r)
	}
	r = run(t, p, "", "resource", "why", "UMgroup01")
	if r.code != 0 || !strings.Contains(r.stdout, "UMgroup01 is running on srv01") || !strings.Contains(r.stdout, "location location-grp01-1") {
		t.Fatalf("why: %+v", r)
	}
	// why shows the very allocation scores crm_simulate -s prints
	scores := run(t, p, "", "resource", "scores", "UmVIPcheck")
	if !strings.Contains(r.stdout, "pcmk__primitive_assign: UmVIPcheck allocation score on srv01: ") {
		t.Fatalf("why shows no allocation scores: %s", r.stdout)
	}
	for _, l := range strings.Split(r.stdout, "\n") {
		if l = strings.TrimSpace(l); strings.HasPrefix(l, "pcmk__primitive_assign: UmVIPcheck ") && !strings.Contains(scores.stdout, l) {
			t.Errorf("why says %q, resource scores says:\n%s", l, scores.stdout)
		}
	}
	// A resource about to start says where (simple2: rsc1 starts on node1;
	// promoted-1: the instances of the stopped clone rsc1 start on both).
	for file, want := range map[string]string{"simple2": "rsc1 is not running; the cluster will run it on node1.",
		"promoted-1": "rsc1 is not running; the cluster will run it on node1, node2."} {
		if r := run(t, caseFile(t, file), "", "resource", "why", "rsc1"); r.code != 0 || !strings.HasPrefix(r.stdout, want) {
			t.Fatalf("why rsc1 in %s: %+v, want it to begin %q", file, r, want)
		}
	}
	r = run(t, p, "", "resource", "failcount", "clnUMdummy01", "show", "srv04")
	if r.code != 0 || !strings.Contains(r.stdout, "value=3") {
		t.Fatalf("failcount: %+v", r)
	}
	if r := run(t, p, "", "resource", "cleanup", "clnUMdummy01", "srv04"); r.code != 0 {
		t.Fatalf("cleanup: %+v", r)
	}
	if r := run(t, p, "", "resource", "failcount", "clnUMdummy01", "show", "srv04"); !strings.Contains(r.stdout, "value=0") {
		t.Fatalf("failcount after cleanup: %+v", r)
	}
}

func TestWiredCommands(t *testing.T) {
	if _, err := os.Stat("/usr/lib/ocf/resource.d/heartbeat/Dummy"); err != nil {
		t.Skip("resource-agents not installed")
	}
	p := caseFile(t, "bug-5014-CthenAthenB-C-stopped")
	r := run(t, p, "", "ra", "list", "ocf:heartbeat")
	if r.code != 0 || !strings.Contains(r.stdout, "\nDummy\n") {
		t.Errorf("ra list: %+v", r)
	}
	r = run(t, p, "", "-o", "json", "ra", "info", "ocf:heartbeat:Dummy")
	if r.code != 0 || !strings.Contains(r.stdout, `"agent": "ocf:heartbeat:Dummy"`) {
		t.Errorf("ra info json: %+v", r)
	}
	if r := run(t, p, "", "ra", "info", "ocf:heartbeat:NoSuchAgent"); r.code == 0 || !strings.Contains(r.stderr, "NoSuchAgent") {
		t.Errorf("ra info of a missing agent: %+v", r)
	}
	r = run(t, p, "", "simulate")
	if r.code != 0 || !strings.Contains(r.stdout, "Transition Summary") {
		t.Errorf("simulate: %+v", r)
	}
	if r := run(t, p, "", "simulate", "-x", "/nonexistent.xml"); r.code == 0 || !strings.Contains(r.stderr, "/nonexistent.xml") {
		t.Errorf("simulate of a missing file: %+v", r)
	}
	// configure simulate works on the staged configuration.
	r = run(t, p, "configure\nprimitive extra ocf:heartbeat:Dummy\nsimulate\nrefresh\n")
	if r.code != 0 || !strings.Contains(r.stdout, "extra") {
		t.Errorf("configure simulate: %+v", r)
	}
}

// A resource command run while configure edits are staged is committed at
// once and carried into the staged configuration; the later commit keeps both.
func TestStagedEditsSurviveResourceCommands(t *testing.T) {
	p := caseFile(t, "bug-5014-CthenAthenB-C-stopped")
	r := run(t, p, "configure\nprimitive q1 ocf:heartbeat:Dummy\nresource stop ClusterIP2\ncommit\n")
	if r.code != 0 {
		t.Fatalf("%+v", r)
	}
	doc := parseFile(t, p)
	if doc.Root.FindID("q1") == nil || doc.Root.FindID("ClusterIP2-meta_attributes-target-role") == nil {
		t.Fatalf("lost a change:\n%s", doc.Root.Child("configuration").Indented())
	}
}

func TestNodeClearstateAndDelete(t *testing.T) {
	p := caseFile(t, "clone-anon-failcount")
	if r := run(t, p, "", "node", "clearstate", "srv04"); r.code == 0 {
		t.Errorf("clearstate without a terminal or --yes went ahead: %+v", r)
	}
	if r := run(t, p, "", "--yes", "node", "clearstate", "srv04"); r.code != 0 {
		t.Fatalf("%+v", r)
	}
	if r := run(t, p, "", "status"); !strings.Contains(r.stdout, "OFFLINE: [ srv04 ]") || strings.Contains(r.stdout, "UNCLEAN") {
		t.Errorf("after clearstate: %s", r.stdout)
	}
	if r := run(t, p, "", "node", "delete", "srv04"); r.code != 0 {
		t.Fatalf("%+v", r)
	}
	doc := parseFile(t, p)
	if doc.Root.Find(func(e *xmltree.Element) bool { return e.Attr("uname") == "srv04" }) != nil {
		t.Error("srv04 still in the CIB")
	}
}
