package acl

import (
	"errors"
	"strings"
	"testing"

	"pacer/share/xmltree"
)

const cibText = `<cib epoch="1" num_updates="0" admin_epoch="0">
<configuration>
  <crm_config><cluster_property_set id="o">
    <nvpair id="o-acl" name="enable-acl" value="true"/>
    <nvpair id="o-mm" name="maintenance-mode" value="false"/>
  </cluster_property_set></crm_config>
  <nodes><node id="1" uname="n1"/></nodes>
  <resources>
    <primitive id="web" class="ocf" provider="heartbeat" type="apache">
      <meta_attributes id="web-meta"><nvpair id="web-tr" name="target-role" value="Started"/></meta_attributes>
    </primitive>
    <primitive id="db" class="ocf" provider="heartbeat" type="pgsql">
      <instance_attributes id="db-ia"><nvpair id="db-pw" name="password" value="secret"/></instance_attributes>
    </primitive>
  </resources>
  <constraints/>
  <acls>
    <acl_role id="viewer">
      <acl_permission id="view-all" kind="read" xpath="/cib"/>
      <acl_permission id="hide-pw" kind="deny" xpath="//nvpair[@name='password']"/>
    </acl_role>
    <acl_role id="web-operator">
      <acl_permission id="web-w" kind="write" reference="web"/>
      <acl_permission id="mm-w" kind="write" object-type="nvpair" attribute="name"/>
      <acl_permission id="mm-deny" kind="deny" xpath="//crm_config//nvpair[@name='enable-acl']"/>
    </acl_role>
    <acl_target id="alice"><role id="viewer"/><role id="web-operator"/></acl_target>
    <acl_target id="bob"><role id="viewer"/></acl_target>
    <acl_group id="ops"><role id="viewer"/></acl_group>
  </acls>
</configuration>
<status/>
</cib>`

func load(t *testing.T) *xmltree.Element {
	t.Helper()
	doc, err := xmltree.ParseString(cibText)
	if err != nil {
		t.Fatal(err)
	}
	return doc.Root
}

func TestRootHaclusterAndDisabledACLsAreUnrestricted(t *testing.T) {
	root := load(t)
	for _, u := range []string{"root", "hacluster"} {
		if For(root, u, nil) != nil {
			t.Errorf("%s is restricted", u)
		}
	}
	if For(root, "alice", nil) == nil {
		t.Fatal("alice is unrestricted with enable-acl=true")
	}
	root.FindID("o-acl").SetAttr("value", "false")
	if For(root, "alice", nil) != nil {
		t.Error("alice is restricted with enable-acl=false")
	}
}

func TestUnknownUserIsDeniedEverything(t *testing.T) {
	root := load(t)
	p := For(root, "mallory", nil)
	if got := p.Filter(root); len(got.Children) != 0 || len(got.Attrs) != 0 {
		t.Fatalf("mallory reads %s", got)
	}
}

func TestReadFilterHidesDeniedSubtreesAndKeepsTheRest(t *testing.T) {
	root := load(t)
	got := For(root, "bob", nil).Filter(root).String()
	if strings.Contains(got, "secret") || strings.Contains(got, `name="password"`) {
		t.Errorf("bob reads the password:\n%s", got)
	}
	for _, want := range []string{`<primitive id="db"`, `<instance_attributes id="db-ia"`, `name="target-role"`, `epoch="1"`} {
		if !strings.Contains(got, want) {
			t.Errorf("bob's view lacks %s:\n%s", want, got)
		}
	}
}

func TestGroupMembershipGrantsItsRoles(t *testing.T) {
	root := load(t)
	if got := For(root, "carol", []string{"ops"}).Filter(root).String(); !strings.Contains(got, `id="web"`) {
		t.Errorf("carol in group ops cannot read:\n%s", got)
	}
	if got := For(root, "carol", []string{"staff"}).Filter(root); len(got.Children) != 0 {
		t.Errorf("carol outside ops reads %s", got)
	}
}

// change applies edit to a copy of the CIB and asks whether user may.
func change(t *testing.T, user string, edit func(root *xmltree.Element)) error {
	t.Helper()
	before := load(t)
	after := before.Clone()
	edit(after)
	return For(before, user, nil).CheckWrite(before, after)
}

func TestWritesNeedWriteAccessOnWhatTheyTouch(t *testing.T) {
	for _, c := range []struct {
		name, user string
		edit       func(*xmltree.Element)
		ok         bool
	}{
		{"change own resource's meta", "alice", func(r *xmltree.Element) { r.FindID("web-tr").SetAttr("value", "Stopped") }, true},
		{"add a meta attribute to own resource", "alice", func(r *xmltree.Element) {
			r.FindID("web-meta").Append(xmltree.New("nvpair", "id", "web-x", "name", "is-managed", "value", "false"))
		}, true},
		{"change another resource", "alice", func(r *xmltree.Element) { r.FindID("db").SetAttr("type", "mysql") }, false},
		{"remove another resource", "alice", func(r *xmltree.Element) { r.Child("configuration").Child("resources").Remove(r.FindID("db")) }, false},
		{"add a new resource", "alice", func(r *xmltree.Element) {
			r.Child("configuration").Child("resources").Append(xmltree.New("primitive", "id", "x", "class", "ocf", "provider", "heartbeat", "type", "Dummy"))
		}, false},
		{"set a cluster option (object-type with attribute)", "alice", func(r *xmltree.Element) { r.FindID("o-mm").SetAttr("value", "true") }, true},
		{"turn ACLs off (a deny on the nearest element wins)", "alice", func(r *xmltree.Element) { r.FindID("o-acl").SetAttr("value", "false") }, false},
		{"read-only user changes anything", "bob", func(r *xmltree.Element) { r.FindID("web-tr").SetAttr("value", "Stopped") }, false},
		{"add a password to own resource (the deny on password nvpairs is nearer)", "alice", func(r *xmltree.Element) {
			ia := r.FindID("web").Append(xmltree.New("instance_attributes", "id", "web-ia"))
			ia.Append(xmltree.New("nvpair", "id", "web-pw", "name", "password", "value", "x"))
		}, false},
		{"add parameters to own resource", "alice", func(r *xmltree.Element) {
			ia := r.FindID("web").Append(xmltree.New("instance_attributes", "id", "web-ia"))
			ia.Append(xmltree.New("nvpair", "id", "web-port", "name", "port", "value", "80"))
		}, true},
		{"remove a resource that holds a denied nvpair", "alice", func(r *xmltree.Element) {
			r.Child("configuration").Child("resources").Remove(r.FindID("db"))
		}, false},
	} {
		err := change(t, c.user, c.edit)
		var de *DeniedError
		switch {
		case c.ok && err != nil:
			t.Errorf("%s: refused: %v", c.name, err)
		case !c.ok && !errors.As(err, &de):
			t.Errorf("%s: allowed (err %v)", c.name, err)
		}
	}
}

func TestDeniedErrorNamesTheElement(t *testing.T) {
	err := change(t, "alice", func(r *xmltree.Element) { r.FindID("db").SetAttr("type", "mysql") })
	if err == nil || !strings.Contains(err.Error(), "primitive[@id='db']") || !strings.Contains(err.Error(), "alice") {
		t.Fatalf("error %v does not name alice and the db primitive", err)
	}
}

func TestMalformedPermissionsGrantNothingAndAreReported(t *testing.T) {
	root := load(t)
	roles := root.FindID("viewer")
	roles.Append(xmltree.New("acl_permission", "id", "bad-x", "kind", "write", "xpath", "//primitive[contains(@id,'w')]"))
	roles.Append(xmltree.New("acl_permission", "id", "bad-k", "kind", "admin", "reference", "web"))
	p := For(root, "bob", nil)
	if len(p.Problems) != 2 || !strings.Contains(p.Problems[0], "bad-x") || !strings.Contains(p.Problems[1], "bad-k") {
		t.Fatalf("problems %q", p.Problems)
	}
	if p.Evaluate(root).Of(root.FindID("web")) != Read {
		t.Error("a malformed write permission granted something")
	}
}

func TestXPathSelects(t *testing.T) {
	root := load(t)
	for src, want := range map[string][]string{
		"/cib/configuration/resources/primitive":             {"web", "db"},
		"//primitive[@id='db']":                              {"db"},
		"//primitive[2]":                                     {"db"},
		"//nvpair[@name='password' or @name='target-role']":  {"web-tr", "db-pw"},
		"//primitive[@class='ocf' and @type!='apache']":      {"db"},
		"//primitive[not(@type='apache')]":                   {"db"},
		"/cib/configuration/*/primitive/instance_attributes": {"db-ia"},
		"//acl_target[@id]":                                  {"alice", "bob"},
		"/cib/status/node_state":                             nil,
	} {
		p, err := Compile(src)
		if err != nil {
			t.Errorf("%s: %v", src, err)
			continue
		}
		var got []string
		for _, e := range p.Select(root) {
			got = append(got, e.ID())
		}
		if strings.Join(got, ",") != strings.Join(want, ",") {
			t.Errorf("%s selects %v, want %v", src, got, want)
		}
	}
}

func TestXPathRefusesWhatItCannotDo(t *testing.T) {
	for _, src := range []string{"", "cib/configuration", "//primitive[contains(@id,'x')]", "//a[@b='c'", "/cib/..", "//a[@b=c]", "/cib/configuration/@id"} {
		if _, err := Compile(src); err == nil {
			t.Errorf("%q compiled", src)
		}
	}
}

// A client that writes back the section it read through Filter keeps what
// was hidden from it: RestoreHidden puts it back, and only the client's
// own change remains for CheckWrite.
func TestWritingBackAFilteredViewKeepsWhatWasHidden(t *testing.T) {
	before := load(t)
	p := For(before, "alice", nil)
	view := p.Filter(before)
	if strings.Contains(view.String(), "secret") {
		t.Fatal("the view shows the secret")
	}
	cfg := view.Child("configuration").Clone()
	cfg.FindID("web-tr").SetAttr("value", "Stopped")
	p.RestoreHidden(before, before.Child("configuration"), cfg)
	if pw := cfg.FindID("db-pw"); pw == nil || pw.Attr("value") != "secret" {
		t.Fatalf("the hidden password was not restored:\n%s", cfg)
	}
	after := before.Clone()
	after.Replace(after.Child("configuration"), cfg)
	if err := p.CheckWrite(before, after); err != nil {
		t.Fatalf("writing back the view with one permitted change: %v", err)
	}
}
