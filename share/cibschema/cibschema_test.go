package cibschema

import (
	"context"
	"errors"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"pacer/share/schedcases"
	"pacer/share/xmltree"
)

func TestNewRoleNames(t *testing.T) {
	for v, want := range map[string]bool{
		"pacemaker-1.2": false, "pacemaker-2.10": false, "pacemaker-3.0": false, "pacemaker-3.6": false,
		"pacemaker-3.7": true, "pacemaker-3.10": true, "pacemaker-4.0": true, "pacemaker-next": true,
		"transitional-0.6": false, "none": true,
	} {
		if got := NewRoleNames(v); got != want {
			t.Errorf("NewRoleNames(%q) = %v, want %v", v, got, want)
		}
	}
}

const rolesCIB = `<cib validate-with="%s" epoch="1" num_updates="0" admin_epoch="0">
  <configuration>
    <crm_config/>
    <nodes/>
    <resources>
      <primitive id="b" class="ocf" provider="heartbeat" type="Dummy"/>
      <clone id="c">
        <meta_attributes id="c-meta"><nvpair id="c-tr" name="target-role" value="Promoted"/></meta_attributes>
        <primitive id="a" class="ocf" provider="pacemaker" type="Stateful">
          <instance_attributes id="a-ia"><nvpair id="a-x" name="target-role" value="Unpromoted"/></instance_attributes>
          <operations>
            <op id="a-m1" name="monitor" interval="10s" role="Promoted"/>
            <op id="a-m2" name="monitor" interval="11s" role="Unpromoted"/>
          </operations>
        </primitive>
      </clone>
    </resources>
    <constraints>
      <rsc_colocation id="co" score="INFINITY" rsc="b" with-rsc="c" with-rsc-role="Promoted" rsc-role="Started"/>
      <rsc_location id="l" rsc="c"><rule id="l-r" role="Unpromoted" score="10"><expression id="l-e" attribute="#uname" operation="eq" value="n1"/></rule></rsc_location>
      <rsc_ticket id="t" ticket="T" rsc="c" rsc-role="Promoted"/>
      <rsc_colocation id="s"><resource_set id="s-1" role="Promoted"><resource_ref id="c"/></resource_set></rsc_colocation>
    </constraints>
  </configuration>
  <status/>
</cib>`

// Under a schema older than pacemaker-3.7 every role becomes Master or
// Slave, as crmsh writes them; an instance attribute that happens to be
// named target-role is not a role. Newer schemas keep what was written.
func TestFitRoles(t *testing.T) {
	doc, err := xmltree.ParseString(strings.Replace(rolesCIB, "%s", "pacemaker-3.0", 1))
	if err != nil {
		t.Fatal(err)
	}
	if n := FitRoles(doc.Root); n != 7 {
		t.Errorf("changed %d values, want 7", n)
	}
	text := string(doc.Bytes(Pretty()))
	for _, want := range []string{`value="Master"`, `role="Master"`, `role="Slave"`, `with-rsc-role="Master"`, `rsc-role="Started"`, `name="target-role" value="Unpromoted"`} {
		if !strings.Contains(text, want) {
			t.Errorf("no %s in\n%s", want, text)
		}
	}
	if strings.Count(text, "Promoted") != 0 || strings.Count(text, "Unpromoted") != 1 {
		t.Errorf("new role names left:\n%s", text)
	}
	doc, _ = xmltree.ParseString(strings.Replace(rolesCIB, "%s", "pacemaker-3.9", 1))
	if n := FitRoles(doc.Root); n != 0 {
		t.Errorf("pacemaker-3.9: changed %d values", n)
	}
}

func Pretty() xmltree.WriteOptions { return xmltree.Pretty }

func needXmllint(t *testing.T) {
	t.Helper()
	if _, err := exec.LookPath("xmllint"); err != nil {
		t.Skip("xmllint not installed (libxml2-utils)")
	}
	if _, err := os.Stat(filepath.Join(Dir(), "pacemaker-3.0.rng")); err != nil {
		t.Skip("Pacemaker's schemas not installed (pacemaker-common)")
	}
}

// New role names under pacemaker-3.0 fail the schema check, naming the
// element and its line; the same CIB with Master/Slave passes.
func TestCheck(t *testing.T) {
	needXmllint(t)
	doc, _ := xmltree.ParseString(strings.Replace(rolesCIB, "%s", "pacemaker-3.0", 1))
	ps, err := Check(context.Background(), doc)
	if err != nil {
		t.Fatal(err)
	}
	if len(ps) == 0 {
		t.Fatal("Promoted under pacemaker-3.0 passed the schema")
	}
	if !strings.Contains(ps[0].Path, "/cib/configuration/") || ps[0].Line == 0 {
		t.Errorf("first problem names no element or line: %+v", ps[0])
	}
	FitRoles(doc.Root)
	if ps, err := Check(context.Background(), doc); err != nil || len(ps) != 0 {
		t.Errorf("with Master/Slave: %+v %v", ps, err)
	}
	doc.Root.SetAttr("validate-with", "pacemaker-99.0")
	if _, err := Check(context.Background(), doc); !errors.Is(err, ErrUnavailable) {
		t.Errorf("unknown schema: %v, want ErrUnavailable", err)
	}
}

// Pacemaker's own regression CIBs pass (a sample of them), as they do
// crm_verify's schema check.
func TestCheckSchedulerCases(t *testing.T) {
	needXmllint(t)
	dir, ok := schedcases.Dir()
	if !ok {
		t.Skip("scheduler cases not found")
	}
	for _, name := range []string{"simple1", "promoted-0", "clone-anon-failcount", "ticket-primitive-1", "bundle-order-fencing"} {
		doc, err := xmltree.ParseFile(filepath.Join(dir, "xml", name+".xml"))
		if err != nil {
			t.Fatal(err)
		}
		ps, err := Check(context.Background(), doc)
		if errors.Is(err, ErrUnavailable) {
			t.Logf("%s: %v", name, err)
			continue
		}
		if err != nil || len(ps) != 0 {
			t.Errorf("%s: %+v %v", name, ps, err)
		}
	}
}
