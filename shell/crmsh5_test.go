package shell_test

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"pacer/share/xmltree"
	"pacer/shell/crm"
)

// The same crm text loaded by Pacer and by crmsh 5.0 (with -F, on the same
// CIB file) gives the same configuration, ids included, and both print it
// the same way: node ids, nvpair ids and references, ACL shorthand,
// defaults with a rule, sets, comments and hidden secrets.
func TestSameAsCrmsh5(t *testing.T) {
	oracle(t)
	text := `node $id="1" server01
node 2: server02 attributes standby=off
primitive d0 ocf:heartbeat:Dummy params $p0-state:state=/tmp/d0 meta target-role=Started
primitive d1 ocf:heartbeat:Dummy params @p0-state
primitive d2 ocf:heartbeat:Dummy operations $id=d2-ops op monitor interval=10s
primitive d3 ocf:heartbeat:Dummy params passwd=secret123
# the database group
group g d0 d1
colocation c1 inf: [ d2 d3 ] g
op_defaults op-options: rule 100: #uname eq server01 timeout=60s
role r1 read status write meta:d0:target-role
role r2 read cib deny xpath:"//nodes" write property write nodeattr read utilization:d0 write location:d0 read params:d0 write tag:t1
acl_target alice r1
property stonith-enabled=false
`
	dir := t.TempDir()
	conf := filepath.Join(dir, "conf.crm")
	os.WriteFile(conf, []byte(text), 0o644)
	empty := `<cib admin_epoch="0" epoch="1" num_updates="0" validate-with="pacemaker-3.9" crm_feature_set="3.19.0">
  <configuration><crm_config/><nodes/><resources/><constraints/></configuration><status/></cib>
`
	pcib, ccib := filepath.Join(dir, "pacer.xml"), filepath.Join(dir, "crmsh.xml")
	os.WriteFile(pcib, []byte(empty), 0o644)
	os.WriteFile(ccib, []byte(empty), 0o644)
	if r := run(t, pcib, "", "-F", "configure", "load", "update", conf); r.code != 0 {
		t.Fatalf("pacer load: %s", r.stderr)
	}
	if out, code := oracleRun(t, ccib, "crm", "-F", "configure", "load", "update", conf); code != 0 {
		t.Fatalf("crmsh load: %s", out)
	}
	cfgOf := func(p string) *xmltree.Element {
		doc, err := xmltree.ParseFile(p)
		if err != nil {
			t.Fatal(err)
		}
		return doc.Root.Child("configuration")
	}
	pc, cc := cfgOf(pcib), cfgOf(ccib)
	if !crm.Same(pc, cc) {
		t.Errorf("configurations differ (- crmsh, + Pacer):\n%s", crm.FirstDifferenceExact(cc, pc))
	}
	got := run(t, ccib, "", "configure", "show").stdout
	want, _ := oracleRun(t, ccib, "crm", "configure", "show")
	// crmsh warns on stdout that no cluster runs; the rest is the text.
	var lines []string
	for _, l := range strings.Split(want, "\n") {
		if !strings.Contains(l, "Cluster is not running") {
			lines = append(lines, l)
		}
	}
	// One difference on purpose: Pacer writes the id of an nvpair that
	// another set refers to ($p0-state:state=...), so that its text loads
	// back to the same CIB; crmsh 5.0 drops it and its @p0-state then
	// dangles.
	got = strings.Replace(got, "params $p0-state:state=", "params state=", 1)
	if w := strings.TrimSpace(strings.Join(lines, "\n")); strings.TrimSpace(got) != w {
		t.Errorf("configure show differs\n--- crmsh 5.0\n%s\n--- pacer\n%s", w, got)
	}
}
