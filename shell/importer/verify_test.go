package importer

import (
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"strings"
	"testing"

	"pacer/share/cib"
	"pacer/share/xmltree"
)

func testdata(t *testing.T, name string) []byte {
	t.Helper()
	b, err := os.ReadFile(filepath.Join("testdata", name))
	if err != nil {
		t.Fatal(err)
	}
	return b
}

// pacerVerify is `pacer cib verify`: no errors, and no warnings either.
func pacerVerify(t *testing.T, doc *xmltree.Document) {
	t.Helper()
	// Decode from the written text, as the file the admin gets.
	d, err := xmltree.ParseBytes(doc.Bytes(xmltree.Pretty))
	if err != nil {
		t.Fatalf("the CIB does not parse back: %v", err)
	}
	c, err := cib.Decode(d)
	if err != nil {
		t.Fatalf("decode: %v", err)
	}
	for _, p := range cib.Validate(c, nil) {
		t.Errorf("cib verify: %s", p)
	}
}

// oracleRun is ../shared/pacemaker-oracle/run beside the repository, when
// the oracle's chroot is set up.
func oracleRun() (string, bool) {
	if os.Geteuid() != 0 {
		return "", false
	}
	dir := os.Getenv("PACEMAKER_ORACLE")
	if dir == "" {
		dir = "/var/lib/pacemaker-oracle"
	}
	if _, err := os.Stat(dir); err != nil {
		return "", false
	}
	_, file, _, _ := runtime.Caller(0)
	root := filepath.Dir(filepath.Dir(filepath.Dir(file)))
	run := filepath.Join(root, "..", "shared", "pacemaker-oracle", "run")
	if _, err := os.Stat(run); err != nil {
		return "", false
	}
	return run, true
}

// crmVerify runs Pacemaker 3.0's crm_verify -V on the CIB as the cluster
// will hold it once its nodes have joined: every node a member. (Without
// any status Pacemaker counts each node unclean until seen, and warns
// that it cannot be fenced: true of any CIB with fencing, pcs-made too.)
func crmVerify(t *testing.T, doc *xmltree.Document) {
	t.Helper()
	run, ok := oracleRun()
	if !ok {
		t.Log("Pacemaker oracle not set up (../shared/pacemaker-oracle): crm_verify not run")
		return
	}
	d, err := xmltree.ParseBytes(doc.Bytes(xmltree.Pretty))
	if err != nil {
		t.Fatal(err)
	}
	st := d.Root.Child("status")
	for _, n := range d.Root.Child("configuration").Child("nodes").Children {
		st.Append(xmltree.New("node_state", "id", n.ID(), "uname", n.Attr("uname"), "in_ccm", "true",
			"crmd", "online", "join", "member", "expected", "member"))
	}
	f := filepath.Join(t.TempDir(), "cib.xml")
	if err := os.WriteFile(f, d.Bytes(xmltree.Pretty), 0o644); err != nil {
		t.Fatal(err)
	}
	out, err := exec.Command(run, "crm_verify", "-V", "-x", f).CombinedOutput()
	if err != nil || strings.TrimSpace(string(out)) != "" {
		t.Errorf("crm_verify -V: %v\n%s", err, out)
	}
}

// verifyBoth checks a result with both verifiers.
func verifyBoth(t *testing.T, r *Result) {
	t.Helper()
	pacerVerify(t, r.CIB)
	crmVerify(t, r.CIB)
}

// cfgOf returns the configuration element.
func cfgOf(r *Result) *xmltree.Element { return r.CIB.Root.Child("configuration") }

func find(r *Result, id string) *xmltree.Element { return cfgOf(r).FindID(id) }

// members lists a group's primitive ids in order.
func members(t *testing.T, r *Result, group string) []string {
	t.Helper()
	g := find(r, group)
	if g == nil || g.Name != "group" {
		t.Fatalf("no group %s", group)
	}
	var out []string
	for _, c := range g.ChildrenNamed("primitive") {
		out = append(out, c.ID())
	}
	return out
}

// param returns a primitive's instance attribute.
func param(t *testing.T, r *Result, rsc, name string) string {
	t.Helper()
	return nvpair(t, r, rsc, "instance_attributes", name)
}

func meta(t *testing.T, r *Result, rsc, name string) string {
	t.Helper()
	return nvpair(t, r, rsc, "meta_attributes", name)
}

func nvpair(t *testing.T, r *Result, rsc, set, name string) string {
	t.Helper()
	e := find(r, rsc)
	if e == nil {
		t.Fatalf("no resource %s", rsc)
	}
	for _, s := range e.ChildrenNamed(set) {
		for _, p := range s.Children {
			if p.Attr("name") == name {
				return p.Attr("value")
			}
		}
	}
	return ""
}

func agentOf(e *xmltree.Element) string {
	a := e.Attr("class") + ":"
	if p := e.Attr("provider"); p != "" {
		a += p + ":"
	}
	return a + e.Attr("type")
}

// property returns a cluster option.
func property(r *Result, name string) string {
	for _, s := range cfgOf(r).Child("crm_config").Children {
		for _, p := range s.Children {
			if p.Attr("name") == name {
				return p.Attr("value")
			}
		}
	}
	return ""
}

func rscDefault(r *Result, name string) string {
	d := cfgOf(r).Child("rsc_defaults")
	if d == nil {
		return ""
	}
	for _, s := range d.Children {
		for _, p := range s.Children {
			if p.Attr("name") == name {
				return p.Attr("value")
			}
		}
	}
	return ""
}

// constraints returns the constraints of a kind as attribute maps.
func constraints(r *Result, kind string) []*xmltree.Element {
	return cfgOf(r).Child("constraints").ChildrenNamed(kind)
}

// locationScore is the score of a plain node location of rsc on node.
func locationScore(r *Result, rsc, node string) string {
	for _, l := range constraints(r, "rsc_location") {
		if l.Attr("rsc") == rsc && l.Attr("node") == node {
			return l.Attr("score")
		}
	}
	return ""
}

// hasNote says whether a note of the severity mentions every word.
func hasNote(r *Result, sev Severity, words ...string) bool {
next:
	for _, n := range r.Notes {
		if n.Severity != sev {
			continue
		}
		s := n.String()
		for _, w := range words {
			if !strings.Contains(s, w) {
				continue next
			}
		}
		return true
	}
	return false
}

func dumpNotes(r *Result) string {
	var b strings.Builder
	for _, n := range r.Notes {
		b.WriteString(n.String() + "\n")
	}
	return b.String()
}
