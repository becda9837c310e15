package shell_test

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"pacer/share/xmltree"
)

const relConf = `primitive a ocf:heartbeat:Dummy
primitive b ocf:heartbeat:Dummy
primitive c ocf:heartbeat:Dummy
group g a b
colocation co inf: c g
order o Mandatory: c a
location l1 a 10: node1
tag t1: b c
`

// configure show related:X and tag:T select what crmsh 5.0 selects;
// maintenance on sets the property crmsh's does; top-level verify is cib
// verify.
func TestShowRelatedTagMaintenance(t *testing.T) {
	cib := emptyFile(t)
	conf := filepath.Join(t.TempDir(), "rel.crm")
	os.WriteFile(conf, []byte(relConf), 0o644)
	if r := run(t, cib, "", "-F", "configure", "load", "update", conf); r.code != 0 {
		t.Fatal(r.stderr)
	}
	want := map[string]string{
		"related:a": "primitive a Dummy\ngroup g a b\nlocation l1 a 10: node1\norder o Mandatory: c a\n",
		"tag:t1":    "primitive b Dummy\nprimitive c Dummy\n",
	}
	for sel, w := range want {
		if got := run(t, cib, "", "configure", "show", sel).stdout; got != w {
			t.Errorf("show %s:\n%s\nwant (crmsh 5.0's):\n%s", sel, got, w)
		}
	}
	if r := run(t, cib, "", "maintenance", "on"); r.code != 0 {
		t.Fatal(r.stderr)
	}
	if got := run(t, cib, "", "maintenance").stdout; !strings.Contains(got, "on") {
		t.Errorf("maintenance: %q", got)
	}
	doc, _ := xmltree.ParseFile(cib)
	nv := doc.Root.Find(func(e *xmltree.Element) bool { return e.Attr("name") == "maintenance-mode" })
	if nv == nil || nv.Attr("value") != "true" || nv.ID() != "cib-bootstrap-options-maintenance-mode" {
		t.Errorf("maintenance-mode nvpair: %v", nv)
	}
	a, b := run(t, cib, "", "verify"), run(t, cib, "", "cib", "verify")
	if a.code != b.code || a.stderr != strings.ReplaceAll(b.stderr, "cib verify:", "verify:") {
		t.Errorf("verify and cib verify differ: %d %q / %d %q", a.code, a.stderr, b.code, b.stderr)
	}

	// The same selections by crmsh 5.0 on the same CIB file.
	for sel, w := range want {
		out, _ := oracleRun(t, cib, "crm", "configure", "show", sel)
		var lines []string
		for _, l := range strings.Split(out, "\n") {
			if l != "" && !strings.Contains(l, "Cluster is not running") {
				lines = append(lines, l)
			}
		}
		if got := strings.Join(lines, "\n") + "\n"; got != w {
			t.Errorf("crmsh 5.0 show %s:\n%s\n(the test's expectation:\n%s)", sel, got, w)
		}
	}
}
