package cib

import (
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"pacer/share/schedcases"
	"pacer/share/xmltree"
)

func load(t *testing.T, s string) *CIB {
	t.Helper()
	doc, err := xmltree.ParseString(s)
	if err != nil {
		t.Fatal(err)
	}
	c, err := Decode(doc)
	if err != nil {
		t.Fatal(err)
	}
	return c
}

const base = `<cib admin_epoch="0" epoch="5" num_updates="2"><configuration>
<crm_config><cluster_property_set id="opts"><nvpair id="opts1" name="stonith-enabled" value="false"/></cluster_property_set></crm_config>
<nodes><node id="1" uname="n1"/><node id="2" uname="n2"/></nodes>
<resources>%s</resources><constraints>%s</constraints></configuration><status/></cib>`

func cibWith(rsc, cons string) string {
	return strings.Replace(strings.Replace(base, "%s", rsc, 1), "%s", cons, 1)
}

const dummy = `<primitive id="a" class="ocf" provider="heartbeat" type="Dummy"/>`

// crmVerifyValid asks Pacemaker's crm_verify (2.x, so 3.x option names are
// translated first) whether it finds errors in a file.
func crmVerifyValid(t *testing.T, path string) bool {
	data, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	s := strings.NewReplacer("fencing-enabled", "stonith-enabled", "fencing-action", "stonith-action",
		"fencing-timeout", "stonith-timeout", "stop-removed-resources", "stop-orphan-resources",
		"cancel-removed-actions", "stop-orphan-actions").Replace(string(data))
	tmp := filepath.Join(t.TempDir(), "cib.xml")
	os.WriteFile(tmp, []byte(s), 0o644)
	out, _ := exec.Command("crm_verify", "-x", tmp).CombinedOutput()
	return !strings.Contains(string(out), "config not valid")
}

func TestDecodesEverySchedulerCase(t *testing.T) {
	dir, ok := schedcases.Dir()
	if !ok {
		t.Skipf("scheduler cases not found at %s", dir)
	}
	_, verr := exec.LookPath("crm_verify")
	if verr != nil {
		t.Log("crm_verify not installed: errors are only counted, not checked against Pacemaker")
	}
	files, _ := filepath.Glob(filepath.Join(dir, "xml", "*.xml"))
	var resources, ops, flagged, falsePos int
	for _, f := range files {
		c, err := LoadFile(f)
		if err != nil {
			t.Errorf("%s: %v", filepath.Base(f), err)
			continue
		}
		resources += len(c.Config.AllResources())
		for _, n := range c.Status.Nodes {
			for _, r := range n.LRM {
				ops += len(r.Ops)
			}
		}
		var errs []Problem
		for _, p := range Validate(c, nil) {
			// Pacemaker's start-up refusal without fencing devices is
			// left out: most of these files test other things.
			if p.Severity == Error && !strings.Contains(p.Msg, "no fencing") {
				errs = append(errs, p)
			}
		}
		if len(errs) == 0 {
			continue
		}
		flagged++
		// Every error Pacer reports on Pacemaker's own files must be one
		// Pacemaker's crm_verify also finds the file invalid for.
		if verr == nil && crmVerifyValid(t, f) {
			falsePos++
			t.Errorf("%s: crm_verify finds it valid, Pacer reports %v", filepath.Base(f), errs)
		}
	}
	if resources == 0 || ops == 0 {
		t.Errorf("decoded nothing: %d resources, %d ops", resources, ops)
	}
	t.Logf("%d files, %d resources, %d recorded ops; %d files with errors, %d of them valid for crm_verify", len(files), resources, ops, flagged, falsePos)
}

func TestTypedViewReadsResourcesConstraintsAndHistory(t *testing.T) {
	c := load(t, `<cib epoch="3"><configuration><crm_config><cluster_property_set id="cib-bootstrap-options">
<nvpair id="a" name="stonith-enabled" value="false"/></cluster_property_set></crm_config><nodes/>
<resources><group id="g"><primitive id="p1" class="ocf" provider="heartbeat" type="IPaddr2">
<instance_attributes id="p1-ia"><nvpair id="p1-ip" name="ip" value="10.0.0.1"/></instance_attributes>
<operations><op id="p1-mon" name="monitor" interval="10s" timeout="20s" on-fail="restart"/></operations></primitive></group>
<master id="ms"><primitive id="d" class="ocf" provider="pacemaker" type="Stateful"/></master>
<clone id="c"><meta_attributes id="cm"><nvpair id="cm1" name="promotable" value="true"/></meta_attributes><primitive id="e" class="lsb" type="e"/></clone></resources>
<constraints><rsc_order id="o" first="p1" then="ms" kind="Optional"/><rsc_colocation id="co" score="INFINITY"><resource_set id="s"><resource_ref id="p1"/><resource_ref id="d"/></resource_set></rsc_colocation></constraints></configuration>
<status><node_state id="1" uname="n1" in_ccm="true" crmd="online"><lrm id="1"><lrm_resources><lrm_resource id="p1" class="ocf" provider="heartbeat" type="IPaddr2">
<lrm_rsc_op id="p1_last_0" operation="start" call-id="7" rc-code="0" op-status="0" interval="0" last-rc-change="1700000000" exec-time="20" op-digest="abc"/></lrm_resource></lrm_resources></lrm></node_state></status></cib>`)
	if v, _ := c.Config.Property("fencing-enabled", "stonith-enabled"); v != "false" {
		t.Errorf("2.x alias not found: %q", v)
	}
	p1 := c.Config.Resource("p1")
	if p1 == nil || p1.Agent() != "ocf:heartbeat:IPaddr2" || p1.Parent.ID != "g" || p1.Params[0].Map()["ip"] != "10.0.0.1" {
		t.Fatalf("p1 = %+v", p1)
	}
	if len(p1.Ops) != 1 || p1.Ops[0].Interval != "10s" || p1.Ops[0].OnFail != "restart" {
		t.Errorf("ops = %+v", p1.Ops)
	}
	if !c.Config.Resource("ms").Promotable() || !c.Config.Resource("c").Promotable() || c.Config.Resource("g").Promotable() {
		t.Error("promotable: legacy master and promotable=true clone must both count")
	}
	if c.Config.Orders[0].Kind != "Optional" || c.Config.Colocations[0].Sets[0].Refs[1] != "d" {
		t.Error("constraints not decoded")
	}
	op := c.Status.Nodes[0].LRM[0].Ops[0]
	if op.CallID != 7 || op.LastRCChange != 1700000000 || op.OpDigest != "abc" || op.X.Attr("exec-time") != "20" {
		t.Errorf("op = %+v", op)
	}
	if c.Version != (Version{0, 3, 0}) {
		t.Errorf("version = %v", c.Version)
	}
}

func TestVersionOrderAndBumps(t *testing.T) {
	a := Version{0, 10, 5}
	if !(Version{1, 0, 0}).Newer(a) || !(Version{0, 11, 0}).Newer(a) || !(Version{0, 10, 6}).Newer(a) || a.Newer(a) {
		t.Error("ordering must be admin_epoch, then epoch, then num_updates")
	}
	if a.BumpConfig() != (Version{0, 11, 0}) || a.BumpStatus() != (Version{0, 10, 6}) {
		t.Error("bumps")
	}
	v, err := ParseVersion(a.String())
	if err != nil || v != a {
		t.Errorf("parse %v %v", v, err)
	}
	doc, _ := xmltree.ParseString(`<cib epoch="x"/>`)
	if _, err := Decode(doc); err == nil || !strings.Contains(err.Error(), `epoch="x"`) {
		t.Errorf("bad epoch: %v", err)
	}
}

func expectProblem(t *testing.T, c *CIB, sev Severity, pathPart, msgPart string) {
	t.Helper()
	for _, p := range Validate(c, func(n string) bool { return n != "no-such-option" }) {
		if p.Severity == sev && strings.Contains(p.Path, pathPart) && strings.Contains(p.Msg, msgPart) {
			return
		}
	}
	t.Errorf("no %s at %s mentioning %q in %v", sev, pathPart, msgPart, Validate(c, nil))
}

func TestValidateFindsDuplicateIDs(t *testing.T) {
	c := load(t, cibWith(dummy+`<primitive id="a" class="ocf" provider="heartbeat" type="Dummy"/>`, ""))
	expectProblem(t, c, Error, "primitive[@id='a']", `id "a" is used twice`)
}

func TestValidateFindsMissingReferences(t *testing.T) {
	c := load(t, cibWith(dummy+`<primitive id="b" template="nope"/>`,
		`<rsc_order id="o" first="a" then="ghost"/><rsc_colocation id="c" score="10" rsc="a" with-rsc="b"/>
<rsc_location id="l" rsc="a" node="n9" score="5"/><rsc_colocation id="cs" score="5"><resource_set id="rs"><resource_ref id="gone"/></resource_set></rsc_colocation>`))
	expectProblem(t, c, Error, "rsc_order[@id='o']", "ghost, which does not exist")
	expectProblem(t, c, Error, "primitive[@id='b']", "template nope")
	expectProblem(t, c, Warning, "rsc_location[@id='l']", "node n9")
	expectProblem(t, c, Error, "rsc_colocation[@id='cs']", "gone")
}

func TestValidateFindsBadScoresDurationsAndValues(t *testing.T) {
	c := load(t, cibWith(`<primitive id="a" class="ocf" provider="heartbeat" type="Dummy"><operations>
<op id="m" name="monitor" interval="ten seconds" on-fail="panic"/></operations></primitive>`,
		`<rsc_location id="l" rsc="a" node="n1" score="lots"/><rsc_order id="o" first="a" then="a" kind="Sometimes"/>`))
	expectProblem(t, c, Error, "op[@id='m']", "interval")
	expectProblem(t, c, Error, "op[@id='m']", "on-fail")
	expectProblem(t, c, Error, "rsc_location[@id='l']", `score "lots"`)
	expectProblem(t, c, Error, "rsc_order[@id='o']", "kind")
}

func TestValidateFindsMisplacedElementsAndUnknownOptions(t *testing.T) {
	c := load(t, strings.Replace(cibWith(dummy, `<rsc_colour id="x"/>`), `value="false"/>`, `value="false"/><nvpair id="z" name="no-such-option" value="1"/>`, 1))
	expectProblem(t, c, Error, "constraints/rsc_colour", "cannot appear inside <constraints>")
	expectProblem(t, c, Warning, "nvpair[@id='z']", "unknown cluster option")
}

func TestValidateRefusesFencingWithoutDevices(t *testing.T) {
	c := load(t, strings.Replace(cibWith(dummy, ""), `value="false"`, `value="true"`, 1))
	expectProblem(t, c, Error, "/cib/configuration", "no fencing")
}

func TestValidateAcceptsAGoodConfiguration(t *testing.T) {
	c := load(t, cibWith(dummy+`<group id="g"><primitive id="b" class="ocf" provider="heartbeat" type="Dummy"/></group>`,
		`<rsc_location id="l" rsc="g" node="n1" score="-INFINITY"/><rsc_order id="o" first="a" then="g" kind="Mandatory"/>`))
	if ps := Validate(c, nil); len(ps) != 0 {
		t.Errorf("problems on a good CIB: %v", ps)
	}
}

func TestTypedViewReadsBundlesAndACLs(t *testing.T) {
	c := load(t, `<cib><configuration><crm_config/><nodes/><resources>
<bundle id="web"><podman image="localhost/http" replicas="3"/><network control-port="9999"><port-mapping id="web-port" port="80"/></network>
<storage><storage-mapping id="web-log" source-dir="/dev/log" target-dir="/dev/log" options="rw"/></storage>
<primitive id="httpd" class="ocf" provider="heartbeat" type="apache"/></bundle></resources><constraints/>
<acls><acl_role id="ro"><acl_permission id="ro-read" kind="read" xpath="/cib"/></acl_role>
<acl_target id="alice"><role id="ro"/></acl_target></acls></configuration></cib>`)
	b := c.Config.Resource("web")
	if b.Bundle == nil || b.Bundle.Runtime != "podman" || b.Bundle.Settings["replicas"] != "3" ||
		b.Bundle.Network["control-port"] != "9999" || b.Bundle.Ports[0]["port"] != "80" || b.Bundle.Storage[0]["options"] != "rw" {
		t.Errorf("bundle = %+v", b.Bundle)
	}
	if b.Children[0].ID != "httpd" {
		t.Errorf("bundle child = %+v", b.Children)
	}
	a := c.Config.ACLs
	if a == nil || a.Roles[0].Permissions[0].Kind != "read" || a.Subjects[0].ID != "alice" || a.Subjects[0].Roles[0] != "ro" {
		t.Errorf("acls = %+v", a)
	}
}

func TestValidateChecksClusterOptionValuesAndNames(t *testing.T) {
	c := load(t, strings.Replace(cibWith(dummy, ""), `value="false"/>`,
		`value="false"/><nvpair id="nq" name="no-quorum-policy" value="bogus"/><nvpair id="st" name="stonith-timout" value="60s"/>`, 1))
	var sawValue, sawName bool
	for _, p := range Validate(c, nil) {
		if p.Severity == Error && strings.Contains(p.Path, "nvpair[@id='nq']") && strings.Contains(p.Msg, "bogus") {
			sawValue = true
		}
		if p.Severity == Warning && strings.Contains(p.Path, "nvpair[@id='st']") && strings.Contains(p.Msg, "did you mean") {
			sawName = true
		}
	}
	if !sawValue || !sawName {
		t.Errorf("value error %v, name warning with suggestion %v: %v", sawValue, sawName, Validate(c, nil))
	}
}

func TestValidateFindsMalformedRules(t *testing.T) {
	c := load(t, cibWith(dummy, `<rsc_location id="l" rsc="a"><rule id="r" score="INFINITY">
<date_expression id="d" operation="gt" start="2005-13-45"/><expression id="x" attribute="#uname" operation="like" value="n1"/></rule></rsc_location>`))
	expectProblem(t, c, Error, "rule[@id='r']", "2005-13-45")
	expectProblem(t, c, Error, "rule[@id='r']", "like")
}

// <role id="..."/> inside acl_target and acl_group refers to an acl_role:
// it is no second use of that id.
func TestValidateACLRoleReferencesAreNotDuplicateIDs(t *testing.T) {
	c := load(t, `<cib><configuration><crm_config/><nodes/><resources/><constraints/>
<acls><acl_role id="ro"><acl_permission id="ro-read" kind="read" xpath="/cib"/></acl_role>
<acl_target id="alice"><role id="ro"/></acl_target><acl_group id="ops"><role id="ro"/></acl_group></acls></configuration></cib>`)
	if ps := Validate(c, nil); len(ps) != 0 {
		t.Errorf("problems: %v", ps)
	}
}

func TestValidateFindsUnusableACLs(t *testing.T) {
	c := load(t, `<cib><configuration><crm_config/><nodes/><resources/><constraints/>
<acls><acl_role id="ro"><acl_permission id="p-x" kind="read" xpath="//primitive[contains(@id,'a')]"/>
<acl_permission id="p-k" kind="admin" reference="a"/><acl_permission id="p-none" kind="read"/></acl_role>
<acl_target id="alice"><role id="ro"/><role id="gone"/></acl_target></acls></configuration></cib>`)
	expectProblem(t, c, Warning, "acl_permission[@id='p-x']", "grants nothing")
	expectProblem(t, c, Error, "acl_permission[@id='p-k']", `kind "admin"`)
	expectProblem(t, c, Error, "acl_permission[@id='p-none']", "exactly one of")
	expectProblem(t, c, Error, "acl_target[@id='alice']", "role gone")
}
