package crm

import (
	"strings"
	"testing"

	"pacer/share/xmltree"
)

func mustParse(t *testing.T, text string) []*Statement {
	t.Helper()
	sts, err := Parse(text)
	if err != nil {
		t.Fatal(err)
	}
	return sts
}

const baseConfig = `node node1
node node2
primitive p1 Dummy op monitor interval=10s
primitive p2 Dummy
primitive p3 Dummy
group g1 p1 p2 meta target-role=Started
location l1 g1 100: node1
colocation c1 inf: p3 g1
order o1 Mandatory: p3 g1
order o2 Optional: ( p3 p1 ) p2
tag t1 p1 p3
property cib-bootstrap-options: stonith-enabled=false
`

func TestApplyFailureLeavesConfigUnchanged(t *testing.T) {
	bad := []string{
		"primitive p9 Dummy\ngroup g9 p9 nosuch",                                  // missing member, after a good statement
		"primitive p1 Dummy\nlocation l1 xx 1: node1\nclone p2 g1\ndelete nosuch", // last command fails
		"rename p1 p2", // target id in use
		"location l9 p1 1: node1\nprimitive l9x Dummy params $id=p1-monitor-10s a=b", // explicit id clash
		"clone cl g1\nclone cl2 g1", // g1 already cloned: fine; then a group inside two clones
		"group g2 g1",               // a group cannot hold a group
		"primitive c1 Dummy",        // c1 is a colocation
	}
	for _, text := range bad {
		cfg, err := pacerLoad(baseConfig)
		if err != nil {
			t.Fatal(err)
		}
		before := cfg.Indented()
		sts, err := Parse(text)
		if err != nil {
			t.Fatalf("%q: %v", text, err)
		}
		if err := Apply(cfg, sts, Update); err == nil {
			t.Errorf("%q: Apply succeeded, want an error", text)
			continue
		} else if !strings.Contains(err.Error(), "line ") {
			t.Errorf("%q: error does not name the line: %v", text, err)
		}
		if after := cfg.Indented(); after != before {
			t.Errorf("%q: failed Apply changed the configuration", text)
		}
	}
}

func TestApplyUpdateAndReplace(t *testing.T) {
	cfg, err := pacerLoad(baseConfig)
	if err != nil {
		t.Fatal(err)
	}
	// Update: a redefined primitive replaces the old one in place, inside
	// its group; property merges into the existing set.
	if err := Apply(cfg, mustParse(t, "primitive p2 ocf:pacemaker:Stateful params x=1\nproperty no-quorum-policy=stop stonith-enabled=true"), Update); err != nil {
		t.Fatal(err)
	}
	g := cfg.Child("resources").FindID("g1")
	if p2 := g.Children[2]; p2.ID() != "p2" || p2.Attr("provider") != "pacemaker" || p2.Parent != g {
		t.Errorf("p2 not replaced in place: %s", g)
	}
	props := cfg.Child("crm_config").Children
	if len(props) != 1 || len(props[0].Children) != 2 {
		t.Fatalf("property merge: %s", cfg.Child("crm_config"))
	}
	if v := props[0].Children[0]; v.Attr("name") != "stonith-enabled" || v.Attr("value") != "true" {
		t.Errorf("property not updated: %s", v)
	}
	if props[0].Children[1].ID() != "cib-bootstrap-options-no-quorum-policy" {
		t.Errorf("new nvpair id: %s", props[0].Children[1])
	}
	if l := cfg.Child("constraints").FindID("l1"); l == nil {
		t.Error("update lost an untouched object")
	}
	// Replace: only what the text says.
	if err := Apply(cfg, mustParse(t, "primitive only Dummy"), Replace); err != nil {
		t.Fatal(err)
	}
	want, _ := pacerLoad("primitive only Dummy")
	if !Equivalent(cfg, want) {
		t.Errorf("replace left: %s", Show(cfg))
	}
}

func TestApplyGroupsMoveMembers(t *testing.T) {
	cfg, err := pacerLoad(baseConfig + "group g2 p3 p2\n")
	if err != nil {
		t.Fatal(err)
	}
	res := cfg.Child("resources")
	g1, g2 := res.FindID("g1"), res.FindID("g2")
	if len(resourceChildren(g1)) != 1 || resourceChildren(g1)[0].ID() != "p1" {
		t.Errorf("g1: %s", g1)
	}
	if m := resourceChildren(g2); len(m) != 2 || m[0].ID() != "p3" || m[1].ID() != "p2" {
		t.Errorf("g2 members in order p3 p2: %s", g2)
	}
	// Redefining a group without a member leaves that member top-level.
	if err := Apply(cfg, mustParse(t, "group g2 p3"), Update); err != nil {
		t.Fatal(err)
	}
	if p2 := cfg.Child("resources").FindID("p2"); p2 == nil || p2.Parent.Name != "resources" {
		t.Errorf("p2 lost or misplaced: %s", Show(cfg))
	}
	// Redefining a group as a primitive keeps its members too.
	if err := Apply(cfg, mustParse(t, "primitive g2 Dummy"), Update); err != nil {
		t.Fatal(err)
	}
	if p3 := cfg.Child("resources").FindID("p3"); p3 == nil || p3.Parent.Name != "resources" {
		t.Errorf("p3 lost or misplaced: %s", Show(cfg))
	}
	// A clone of a group defined later in the same text.
	cfg, err = pacerLoad("clone cl gg meta interleave=true\ngroup gg a b\nprimitive a Dummy\nprimitive b Dummy")
	if err != nil {
		t.Fatal(err)
	}
	cl := cfg.Child("resources").Child("clone")
	if cl == nil || cl.Child("group") == nil || len(cl.Child("group").Children) != 2 || len(cfg.Child("resources").Children) != 1 {
		t.Errorf("clone of group: %s", cfg.Child("resources"))
	}
}

func TestApplyGeneratedIDsDoNotClash(t *testing.T) {
	cfg, err := pacerLoad("primitive a Dummy params x=1\nprimitive other Dummy params $id=b-instance_attributes y=2")
	if err != nil {
		t.Fatal(err)
	}
	if err := Apply(cfg, mustParse(t, "primitive b Dummy params x=1"), Update); err != nil {
		t.Fatal(err)
	}
	b := cfg.Child("resources").FindID("b")
	if id := b.Child("instance_attributes").ID(); id != "b-instance_attributes-0" {
		t.Errorf("clashing generated id became %q, want b-instance_attributes-0", id)
	}
	seen := map[string]bool{}
	cfg.Walk(func(x *xmltree.Element) bool {
		if id := x.ID(); id != "" {
			if seen[id] {
				t.Errorf("duplicate id %s", id)
			}
			seen[id] = true
		}
		return true
	})
}

func TestApplyDelete(t *testing.T) {
	cfg, err := pacerLoad(baseConfig)
	if err != nil {
		t.Fatal(err)
	}
	if err := Apply(cfg, mustParse(t, "delete p3"), Update); err != nil {
		t.Fatal(err)
	}
	cons := cfg.Child("constraints")
	if cons.FindID("c1") != nil || cons.FindID("o1") != nil {
		t.Errorf("constraints on p3 survive: %s", Show(cfg))
	}
	o2 := cons.FindID("o2")
	if o2 == nil || len(o2.ChildrenNamed("resource_set")) != 2 || len(o2.Children[0].Children) != 1 {
		t.Errorf("p3 not removed from the set of o2: %s", o2)
	}
	if tg := cfg.Child("tags").FindID("t1"); tg == nil || len(tg.Children) != 1 {
		t.Errorf("tag: %s", cfg.Child("tags"))
	}
	// Deleting a group keeps its members.
	if err := Apply(cfg, mustParse(t, "delete g1"), Update); err != nil {
		t.Fatal(err)
	}
	res := cfg.Child("resources")
	if res.FindID("g1") != nil || res.FindID("p1") == nil || res.FindID("p1").Parent != res {
		t.Errorf("group delete: %s", Show(cfg))
	}
	if cfg.Child("constraints").FindID("l1") != nil {
		t.Error("location on deleted group survives")
	}
	// Statements apply in order: delete then define recreates.
	if err := Apply(cfg, mustParse(t, "delete p2\nprimitive p2 ocf:pacemaker:Stateful"), Update); err != nil {
		t.Fatal(err)
	}
	if p2 := cfg.Child("resources").FindID("p2"); p2 == nil || p2.Attr("type") != "Stateful" {
		t.Errorf("p2 not recreated: %s", Show(cfg))
	}
	if err := Apply(cfg, mustParse(t, "primitive p2 Dummy\ndelete p2"), Update); err != nil {
		t.Fatal(err)
	}
	if cfg.Child("resources").FindID("p2") != nil {
		t.Errorf("p2 not deleted: %s", Show(cfg))
	}
	if err := Apply(cfg, mustParse(t, "delete node2"), Update); err != nil {
		t.Fatal(err)
	}
	if len(cfg.Child("nodes").Children) != 1 {
		t.Error("node not deleted")
	}
}

func TestApplyRename(t *testing.T) {
	cfg, err := pacerLoad(baseConfig + "rsc_template tpl Dummy\nprimitive p4 @tpl\nprimitive f1 stonith:fence_xvm\nfencing_topology node1: f1,p4\n")
	if err != nil {
		t.Fatal(err)
	}
	if err := Apply(cfg, mustParse(t, "rename p3 p3new\nrename tpl tpl2\nrename f1 fence1\nrename g1 grp"), Update); err != nil {
		t.Fatal(err)
	}
	text := Show(cfg)
	for _, want := range []string{
		"colocation c1 inf: p3new grp", "order o1 Mandatory: p3new grp", "order o2 Optional: ( p3new p1 ) p2",
		"tag t1 p1 p3new", "primitive p4 @tpl2", "node1: fence1,p4", "location l1 grp 100: node1", "group grp p1 p2",
	} {
		if !strings.Contains(text, want) {
			t.Errorf("after rename, Show lacks %q:\n%s", want, text)
		}
	}
}

func TestApplyXMLStatements(t *testing.T) {
	text := `primitive a Dummy
xml <group id="g"> \
  <primitive id="b" class="ocf" provider="heartbeat" type="Dummy"/> \
</group>
xml <rsc_colocation id="c" score="INFINITY"> \
  <resource_set id="c-s" sequential="true"> \
    <resource_ref id="a"/> \
    <resource_ref id="g"/> \
  </resource_set> \
</rsc_colocation>
`
	cfg, err := pacerLoad(text)
	if err != nil {
		t.Fatal(err)
	}
	if g := cfg.Child("resources").FindID("g"); g == nil || g.Child("primitive").ID() != "b" {
		t.Errorf("xml group: %s", cfg.Child("resources"))
	}
	if c := cfg.Child("constraints").FindID("c"); c == nil || c.Child("resource_set").Attr("sequential") != "true" {
		t.Errorf("xml colocation: %s", cfg.Child("constraints"))
	}
}
