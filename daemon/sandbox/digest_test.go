package sandbox_test

import (
	"fmt"
	"strings"
	"testing"
	"time"

	"pacer/share/client"
	"pacer/share/opdigest"
	"pacer/share/xmltree"
)

// lastStart finds the *_last_0 entry of rsc on node in doc.
func lastStart(doc *xmltree.Document, node, rsc string) *xmltree.Element {
	return doc.Root.Find(func(e *xmltree.Element) bool {
		if e.Name != "lrm_rsc_op" || e.ID() != rsc+"_last_0" {
			return false
		}
		for p := e.Parent; p != nil; p = p.Parent {
			if p.Name == "node_state" {
				return p.Attr("uname") == node
			}
		}
		return false
	})
}

// Changing a resource's parameters restarts it, once: the start is
// recorded with the digest of the new parameters (Pacemaker's op-digest),
// and that digest is what keeps the scheduler from restarting it again.
func TestParameterChangeRestartsOnce(t *testing.T) {
	c := startCluster(t, 3, false)
	c.oneDC(10*time.Second, "n1", "n2", "n3")
	cl := c.dial("n1")
	withParam := func(v string) *xmltree.Element {
		return configWith(t, false, []string{strings.Replace(dummy("p1"), "<operations>",
			fmt.Sprintf(`<instance_attributes id="p1-ia"><nvpair id="p1-fake" name="fake" value="%s"/></instance_attributes><operations>`, v), 1)},
			[]string{prefer("p1", "n2")})
	}
	write(t, func() (client.Version, error) {
		return cl.ReplaceConfiguration(ctx(t, 10*time.Second), withParam("one"), client.Version{})
	})
	if where := c.runningOnce("n1", "p1", 20*time.Second); where != "n2" {
		t.Fatalf("p1 on %s", where)
	}
	var firstCall string
	eventually(t, 10*time.Second, "start recorded with the digest of fake=one", func() error {
		doc, _ := cibOf(t, c, "n1")
		op := lastStart(doc, "n2", "p1")
		if op == nil || op.Attr("operation") != "start" {
			return fmt.Errorf("no start of p1 on n2 yet: %v", op)
		}
		if want := opdigest.Digest(map[string]string{"fake": "one"}); op.Attr("op-digest") != want {
			return fmt.Errorf("op-digest %q, want %q", op.Attr("op-digest"), want)
		}
		firstCall = op.Attr("call-id")
		return nil
	})

	_, base := cibOf(t, c, "n1")
	write(t, func() (client.Version, error) {
		return cl.ReplaceConfiguration(ctx(t, 10*time.Second), withParam("two"), base)
	})
	want := opdigest.Digest(map[string]string{"fake": "two"})
	var secondCall string
	eventually(t, 20*time.Second, "restart with fake=two", func() error {
		doc, _ := cibOf(t, c, "n1")
		op := lastStart(doc, "n2", "p1")
		if op == nil || op.Attr("operation") != "start" || op.Attr("call-id") == firstCall || op.Attr("op-digest") != want {
			return fmt.Errorf("last op %v", op)
		}
		secondCall = op.Attr("call-id")
		return nil
	})
	// Settled: no further restarts.
	time.Sleep(3 * time.Second)
	doc, _ := cibOf(t, c, "n1")
	if op := lastStart(doc, "n2", "p1"); op == nil || op.Attr("call-id") != secondCall {
		t.Errorf("p1 restarted again after the change was applied: %v", op)
	}
}
