package crm

import (
	"strings"
	"testing"
)

// crmsh's language as crmsh 5.0 reads and writes it (expected XML taken
// from crmsh 5.0 on the same text, run on the oracle).
func TestCrmsh5Language(t *testing.T) {
	text := `node $id="1" server01
primitive d0 Dummy params $p0-state:state=/tmp/d0
primitive d1 Dummy params @p0-state
primitive d2 Dummy operations $id=d2-ops op monitor interval=10s
primitive st stonith:fence_dummy params passwd=secret123 password=xyz
role r1 read status write meta:d0:target-role
role r2 read cib deny xpath:"//nodes" write property write node write nodeattr read utilization:d0 write location:d0 read params:d0 write tag:t1
role r3 write property:stonith-enabled read node:n1 write nodeattr:standby read nodeutil write nodeutil:n1 read meta:d0 write params:d0:state read ref:d0 read tag:primitive attribute:target-role
op_defaults op-options: rule 100: #uname eq server01 timeout=60s
`
	cfg, err := pacerLoad(text)
	if err != nil {
		t.Fatal(err)
	}
	xml := CanonicalExact(cfg)
	for _, want := range []string{
		`<node id="1" uname="server01">`,
		`<nvpair id="p0-state" name="state" value="/tmp/d0">`,
		`<nvpair id-ref="p0-state">`,
		`<op id="d2-ops-monitor-10s" interval="10s" name="monitor">`,
		`<acl_permission id="r1-0" kind="read" xpath="/cib/status">`,
		`<acl_permission id="r1-1" kind="write" xpath="//primitive[@id='d0']/meta_attributes/nvpair[@name='target-role']">`,
		`<acl_permission id="r2-0" kind="read" xpath="/cib">`,
		`<acl_permission id="r2-1" kind="deny" xpath="//nodes">`,
		`<acl_permission id="r2-2" kind="write" xpath="//crm_config/cluster_property_set">`,
		`<acl_permission id="r2-3" kind="write" xpath="//nodes/node">`,
		`<acl_permission id="r2-4" kind="write" xpath="//nodes/node/instance_attributes">`,
		`<acl_permission id="r2-5" kind="read" xpath="//primitive[@id='d0']/utilization">`,
		`<acl_permission id="r2-6" kind="write" xpath="//rsc_location[@id='cli-prefer-d0' and @rsc='d0']">`,
		`<acl_permission id="r2-7" kind="read" xpath="//primitive[@id='d0']/instance_attributes">`,
		`<acl_permission id="r2-8" kind="write" object-type="t1">`,
		`<acl_permission id="r3-0" kind="write" xpath="//crm_config/cluster_property_set/nvpair[@name='stonith-enabled']">`,
		`<acl_permission id="r3-1" kind="read" xpath="//nodes/node[@uname='n1']">`,
		`<acl_permission id="r3-2" kind="write" xpath="//nodes/node/instance_attributes/nvpair[@name='standby']">`,
		`<acl_permission id="r3-3" kind="read" xpath="//nodes/node/utilization">`,
		`<acl_permission id="r3-4" kind="write" xpath="//nodes/node/utilization[@uname='n1']">`,
		`<acl_permission id="r3-5" kind="read" xpath="//primitive[@id='d0']/meta_attributes">`,
		`<acl_permission id="r3-6" kind="write" xpath="//primitive[@id='d0']/instance_attributes/nvpair[@name='state']">`,
		`<acl_permission id="r3-7" kind="read" reference="d0">`,
		`<acl_permission attribute="target-role" id="r3-8" kind="read" object-type="primitive">`,
		`<rule id="op-options-rule" score="100">`,
	} {
		if !strings.Contains(xml, want) {
			t.Errorf("missing %s in\n%s", want, xml)
		}
	}
	shown := Show(cfg)
	for _, want := range []string{
		"node 1: server01\n",
		`params $p0-state:state="/tmp/d0"`,
		"params @p0-state",
		"role r1 \\\n\tread status \\\n\twrite meta:d0:target-role\n",
		"\twrite location:d0 \\\n",
		"\tread attr:target-role type:primitive\n",
		"\twrite nodeutil:n1 \\\n",
		"op_defaults op-options: \\\n\trule 100: #uname eq server01 \\\n\ttimeout=60s\n",
		"passwd=secret123 password=xyz",
	} {
		if !strings.Contains(shown, want) {
			t.Errorf("Show lacks %q:\n%s", want, shown)
		}
	}
	if strings.Contains(shown, "xml <") {
		t.Errorf("Show fell back to xml:\n%s", shown)
	}
	// Shown to a person, secrets are hidden as crmsh hides them.
	if o := ShowObscured(cfg); !strings.Contains(o, `passwd="******" password="******"`) || strings.Contains(o, "secret123") {
		t.Errorf("ShowObscured:\n%s", o)
	}
	// Loading the shown text again gives the same configuration, ids included.
	back, err := pacerLoad(shown)
	if err != nil {
		t.Fatal(err)
	}
	if !Same(back, cfg) {
		t.Errorf("round trip: %s", FirstDifferenceExact(cfg, back))
	}
}

// A colocation with bracketed sets stays crm text, and comment lines are
// kept one XML comment each, '#' included, as crmsh keeps them.
func TestSetsAndComments(t *testing.T) {
	text := "primitive a Dummy\nprimitive b Dummy\nprimitive c Dummy\n# two\n#lines\ncolocation co inf: [ a b ] c\n"
	cfg, err := pacerLoad(text)
	if err != nil {
		t.Fatal(err)
	}
	co := cfg.Child("constraints").FindID("co")
	var got []string
	for _, m := range co.Misc {
		got = append(got, m.Data)
	}
	if strings.Join(got, "|") != "# two|#lines" {
		t.Errorf("comments %q, want [# two #lines]", got)
	}
	shown := Show(cfg)
	if !strings.Contains(shown, "# two\n#lines\ncolocation co inf: [ a b ] c\n") {
		t.Errorf("Show:\n%s", shown)
	}
}
