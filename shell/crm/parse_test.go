package crm

import (
	"errors"
	"strings"
	"testing"

	"pacer/share/xmltree"
)

func TestParseErrors(t *testing.T) {
	cases := []struct {
		text string
		want string // substring of the error
	}{
		{"primitive p1", "line 1, column 13: primitive p1: expected agent (like ocf:heartbeat:IPaddr2 or @template) after id, found end of line"},
		{"node n1\n\nprimitive p1 params ip=1", `line 3, column 14: primitive p1: expected agent`},
		{"primitive p1 Dummy \\\n  op monitor interval=10s \\\n  bogus", `line 3, column 3: primitive p1: expected params, meta, utilization, operations or op, found "bogus"`},
		{"frobnicate x", `line 1, column 1: unknown object or command "frobnicate"`},
		{"primitive 1abc Dummy", `line 1, column 11: primitive: expected id after primitive, found "1abc"`},
		{"location l1 p1 100 node1", `location l1: expected score (like 100: or -inf:) or rule, found "100"`},
		{"location l1 p1 rule 100: #uname foo node1", `location l1: expected operator (lt, gt, lte, gte, eq, ne, defined, not_defined) after "#uname", found "foo"`},
		{"location l1 p1 rule 100: #uname eq", `location l1: expected value after #uname eq, found end of line`},
		{"location l1 p1 rule 1: a eq b and c eq d or e eq f", "cannot mix and with or"},
		{"colocation c1 p1 p2", `colocation c1: expected score (like inf: or 100:) after id, found "p1"`},
		{"colocation c1 inf: p1", "expected a second resource"},
		{"colocation c1 inf: ( p1 p2", "expected ) to close the set"},
		{"order o1 Sometimes: a b", "expected kind (Mandatory:, Optional:, Serialize:), score or resource"},
		{"order o1 a b bogus=1", "unknown option bogus (expected one of symmetrical, require-all)"},
		{`primitive p1 Dummy params x="unterminated`, `line 1, column 29: unterminated " quote`},
		{"group g1", "expected at least one resource in group"},
		{"clone c1", "expected the resource to clone after id"},
		{"property foo", `expected name=value, found "foo"`},
		{"primitive p1 Dummy op", "expected operation name (monitor, start...) after op"},
		{"primitive p1 ocf::Dummy", "bad agent"},
		{"rename a", "expected old and new id"},
		{"fencing_topology f1", "expected a target (node:)"},
		{"xml <primitive id='x'", "xml:"},
		{"xml <foo id='x'/>", "element <foo> is not a configuration object"},
		{"xml <nvpair id='x'/>", "element <nvpair> is not a configuration object"},
		{"rsc_ticket t1 p1", "expected ticket (like ticketA:) after id"},
	}
	for _, c := range cases {
		_, err := Parse(c.text)
		if err == nil {
			t.Errorf("%q: no error, want %q", c.text, c.want)
			continue
		}
		var se *SyntaxError
		if !errors.As(err, &se) {
			t.Errorf("%q: error %T is not a *SyntaxError", c.text, err)
		}
		if !strings.Contains(err.Error(), c.want) {
			t.Errorf("%q:\n got %v\nwant %s", c.text, err, c.want)
		}
	}
}

func TestParseContinuationsAndComments(t *testing.T) {
	text := "# a comment\n" +
		"primitive p1 Dummy \\\n" +
		"\tparams state=/tmp/x \\\n" +
		"\top monitor interval=10s\n" +
		"   # indented comment\n" +
		"location l1 p1 \\\n" +
		"  rule 10: \\\n" +
		"  #uname eq node1\n"
	sts, err := Parse(text)
	if err != nil {
		t.Fatal(err)
	}
	if len(sts) != 2 || sts[0].Kind != "primitive" || sts[0].Line != 2 || sts[1].Kind != "location" || sts[1].Line != 6 {
		t.Fatalf("statements: %+v", sts)
	}
	expr := sts[1].Elem.Child("rule").Child("expression")
	if expr.Attr("attribute") != "#uname" || expr.Attr("value") != "node1" {
		t.Errorf("#uname on a continuation line must be an attribute, got %s", expr)
	}
}

// Quotes group words and are removed; backslash escapes work inside
// double quotes; printing quotes again where needed.
func TestQuoting(t *testing.T) {
	sts, err := Parse(`primitive p1 Dummy params a="x y" b='single "q"' c="back\"slash" d=plain`)
	if err != nil {
		t.Fatal(err)
	}
	set := sts[0].Elem.Child("instance_attributes")
	want := map[string]string{"a": "x y", "b": `single "q"`, "c": `back"slash`, "d": "plain"}
	for _, nv := range set.Children {
		if want[nv.Attr("name")] != nv.Attr("value") {
			t.Errorf("%s = %q, want %q", nv.Attr("name"), nv.Attr("value"), want[nv.Attr("name")])
		}
	}
	cfg := emptyConfig()
	if err := Apply(cfg, sts, Update); err != nil {
		t.Fatal(err)
	}
	text := Show(cfg)
	if !strings.Contains(text, `a="x y" b="single \"q\"" c="back\"slash" d=plain`) {
		t.Errorf("Show: %s", text)
	}
	back, err := pacerLoad(text)
	if err != nil || !Equivalent(back, cfg) {
		t.Errorf("round trip: %v %s", err, FirstDifference(cfg, back))
	}
}

func TestParseObject(t *testing.T) {
	e, err := ParseObject("primitive vip IPaddr2 params ip=10.0.0.1 op monitor interval=10s")
	if err != nil {
		t.Fatal(err)
	}
	want := `<primitive id="vip" class="ocf" provider="heartbeat" type="IPaddr2"><instance_attributes id="vip-instance_attributes"><nvpair id="vip-instance_attributes-ip" name="ip" value="10.0.0.1"/></instance_attributes><operations><op name="monitor" interval="10s" id="vip-monitor-10s"/></operations></primitive>`
	if e.String() != want {
		t.Errorf("got  %s\nwant %s", e.String(), want)
	}
	g, err := ParseObject("group g a b")
	if err != nil {
		t.Fatal(err)
	}
	if len(g.Children) != 2 || g.Children[1].ID() != "b" {
		t.Errorf("group placeholders: %s", g)
	}
	if _, err := ParseObject("delete x"); err == nil {
		t.Error("ParseObject accepted a command")
	}
}

// Constructs crmsh cannot load here (its schema rejects them or it lacks
// the syntax) still read and print back the same in Pacer.
func TestPacerOnlyConstructs(t *testing.T) {
	text := `node remote1:remote
primitive app Dummy
primitive db Dummy
primitive f1 stonith:fence_xvm
primitive f2 stonith:fence_xvm
primitive httpd apache
bundle web-bundle \
	docker image="localhost/web:1" replicas=3 \
	network control-port=3121 \
	port-mapping id=web-port port=80 \
	storage \
	storage-mapping id=web-log source-dir="/dev/log" target-dir="/dev/log" \
	primitive httpd \
	meta target-role=Started
colocation c-attr inf: app db node-attribute=rack
location l-or app \
	rule 10: #uname eq n1 or #uname eq n2
fencing_topology \
	pattern:node-.* f1 \
	attr:rack=1 f1,f2 f2
role reader \
	read xpath:"//nodes" \
	deny ref:db
acl_target alice reader
acl_group admins reader
alert a2 "/bin/x" select nodes attributes { standby shutdown } \
	to "/tmp/y"
`
	cfg, err := pacerLoad(text)
	if err != nil {
		t.Fatal(err)
	}
	b := cfg.Child("resources").Child("bundle")
	if b == nil || b.Child("primitive") == nil || b.Child("primitive").ID() != "httpd" {
		t.Fatalf("bundle: %s", b)
	}
	if pm := b.Child("network").Child("port-mapping"); pm.ID() != "web-port" || pm.Attr("port") != "80" {
		t.Errorf("port mapping: %s", pm)
	}
	lv := cfg.Child("fencing-topology").Children
	if len(lv) != 3 || lv[0].Attr("target-pattern") != "node-.*" || lv[1].Attr("target-attribute") != "rack" || lv[1].Attr("target-value") != "1" || lv[2].Attr("index") != "2" {
		t.Errorf("fencing levels: %s", cfg.Child("fencing-topology"))
	}
	if perm := cfg.Child("acls").Child("acl_role").Children; len(perm) != 2 || perm[0].Attr("xpath") != "//nodes" || perm[1].Attr("reference") != "db" {
		t.Errorf("acl role: %s", cfg.Child("acls"))
	}
	sel := cfg.Child("alerts").Child("alert").Child("select")
	if sel == nil || len(sel.Children) != 2 || len(sel.Children[1].Children) != 2 || sel.Children[1].Children[1].Attr("name") != "shutdown" {
		t.Errorf("alert select: %s", cfg.Child("alerts"))
	}
	got := Show(cfg)
	if strings.Contains(got, "xml <") {
		t.Errorf("Show fell back to XML:\n%s", got)
	}
	back, err := pacerLoad(got)
	if err != nil {
		t.Fatalf("%v\n%s", err, got)
	}
	if !Equivalent(back, cfg) {
		t.Errorf("round trip differs:\n%s\n%s", FirstDifference(cfg, back), got)
	}
}

// What crm cannot say comes out as crmsh's xml form and reads back.
func TestShowXMLFallback(t *testing.T) {
	cfgXML := `<configuration><crm_config/><nodes/><resources>
<primitive id="p1" class="ocf" provider="heartbeat" type="Dummy"><operations><op id="p1-mon" name="monitor" interval="10s" weird="1"/></operations></primitive>
<primitive id="p2" class="ocf" provider="heartbeat" type="Dummy"/>
</resources><constraints>
<rsc_location id="l1" rsc="p1"><rule id="r1" score="10" boolean-op="or"><expression id="e1" attribute="a" operation="eq" value="1"/><rule id="r2" score="0"><expression id="e2" attribute="b" operation="defined"/></rule></rule></rsc_location>
<rsc_colocation id="c1" score="INFINITY"><resource_set id="s1" sequential="true"><resource_ref id="p1"/><resource_ref id="p2"/></resource_set></rsc_colocation>
</constraints></configuration>`
	cfg, err := xmltree.ParseElement(cfgXML)
	if err != nil {
		t.Fatal(err)
	}
	text := Show(cfg)
	for _, want := range []string{"xml <primitive id=\"p1\"", "xml <rsc_location id=\"l1\"", "xml <rsc_colocation id=\"c1\"", "primitive p2 Dummy"} {
		if !strings.Contains(text, want) {
			t.Errorf("Show lacks %q:\n%s", want, text)
		}
	}
	back, err := pacerLoad(text)
	if err != nil {
		t.Fatalf("%v\n%s", err, text)
	}
	if !Equivalent(back, cfg) {
		t.Errorf("round trip: %s", FirstDifference(cfg, back))
	}
}

// Comments before an object travel with it, as crmsh keeps them.
func TestCommentsKept(t *testing.T) {
	text := "# web tier\n# (two lines)\nprimitive p1 Dummy\n\n# stray comment\n\nprimitive p2 Dummy\n### Group Configuration ###\ngroup g p2\n"
	cfg, err := pacerLoad(text)
	if err != nil {
		t.Fatal(err)
	}
	got := Show(cfg)
	want := "# web tier\n# (two lines)\nprimitive p1 Dummy\nprimitive p2 Dummy\n### Group Configuration ###\ngroup g p2\n"
	if got != want {
		t.Errorf("got:\n%s\nwant:\n%s", got, want)
	}
}

func TestShowSelected(t *testing.T) {
	cfg, err := pacerLoad(baseConfig + "node 3: node3\nfencing_topology node1: p1\n")
	if err != nil {
		t.Fatal(err)
	}
	got := Show(cfg, "g1", "node3", "c1", "fencing_topology")
	want := "node 3: node3\ngroup g1 p1 p2 \\\n\tmeta target-role=Started\ncolocation c1 inf: p3 g1\nfencing_topology \\\n\tnode1: p1\n"
	if got != want {
		t.Errorf("got:\n%s\nwant:\n%s", got, want)
	}
	if Show(cfg, "nosuch") != "" {
		t.Error("unknown id printed something")
	}
}

// Property sets with a score and rules parse, and print in the xml form
// as crmsh does.
func TestPropertyScoreRule(t *testing.T) {
	cfg, err := pacerLoad("property overrides: 2: rule 0: date spec hours=12 cluster-delay=10s")
	if err != nil {
		t.Fatal(err)
	}
	set := cfg.Child("crm_config").Child("cluster_property_set")
	if set.ID() != "overrides" || set.Attr("score") != "2" || set.Child("rule") == nil ||
		set.Child("rule").Child("date_expression").Child("date_spec").Attr("hours") != "12" || set.Child("nvpair").Attr("value") != "10s" {
		t.Fatalf("got %s", set)
	}
	text := Show(cfg)
	if !strings.HasPrefix(text, "xml <cluster_property_set id=\"overrides\" score=\"2\">") {
		t.Errorf("Show: %s", text)
	}
	back, err := pacerLoad(text)
	if err != nil || !Equivalent(back, cfg) {
		t.Errorf("round trip: %v", err)
	}
}

func TestGeneratedIDsAreValid(t *testing.T) {
	cfg, err := pacerLoad("node n1 attributes master-rsc:0=5\nrsc_defaults $id=nvpair.id1 migration-threshold=1")
	if err != nil {
		t.Fatal(err)
	}
	nv := cfg.Child("nodes").Child("node").Child("instance_attributes").Child("nvpair")
	if nv.ID() != "n1-instance_attributes-master-rsc_0" || nv.Attr("name") != "master-rsc:0" {
		t.Errorf("nvpair: %s", nv)
	}
	text := Show(cfg)
	if !strings.Contains(text, "xml <node id=\"n1\"") || !strings.Contains(text, "rsc_defaults $id=nvpair.id1 \\\n\tmigration-threshold=1") {
		t.Errorf("Show:\n%s", text)
	}
}

func TestNvpairReference(t *testing.T) {
	cfg, err := pacerLoad("primitive a Dummy params x=1\nprimitive b Dummy params @a-instance_attributes-x")
	if err != nil {
		t.Fatal(err)
	}
	nv := cfg.Child("resources").FindID("b").Child("instance_attributes").Child("nvpair")
	if nv.Attr("id-ref") != "a-instance_attributes-x" || nv.ID() != "" {
		t.Errorf("nvpair: %s", nv)
	}
	if text := Show(cfg); !strings.Contains(text, "params @a-instance_attributes-x") {
		t.Errorf("Show:\n%s", text)
	}
}

// crmsh prints defaults sets it cannot express as a bare <meta_attributes>.
func TestBareMetaAttributes(t *testing.T) {
	cfg, err := pacerLoad(`xml <meta_attributes id="a.1"> \
  <nvpair id="n1" name="migration-threshold" value="1"/> \
</meta_attributes>
xml <meta_attributes id="b.1"> \
  <nvpair id="n2" name="timeout" value="20s"/> \
</meta_attributes>`)
	if err != nil {
		t.Fatal(err)
	}
	if cfg.Child("rsc_defaults").Child("meta_attributes").ID() != "a.1" || cfg.Child("op_defaults").Child("meta_attributes").ID() != "b.1" {
		t.Errorf("got %s", cfg.Indented())
	}
}
