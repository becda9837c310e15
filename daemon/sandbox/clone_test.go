package sandbox_test

import (
	"fmt"
	"slices"
	"sort"
	"testing"
	"time"

	"pacer/daemon/sandbox"
	"pacer/share/client"
	"pacer/share/clusterview"
)

// cloneOf wraps a primitive in a clone.
func cloneOf(id, primitive string, meta ...string) string {
	m := ""
	for i := 0; i+1 < len(meta); i += 2 {
		m += fmt.Sprintf(`<nvpair id="%s-m%d" name="%s" value="%s"/>`, id, i, meta[i], meta[i+1])
	}
	return fmt.Sprintf(`<clone id="%s"><meta_attributes id="%s-meta">%s</meta_attributes>%s</clone>`, id, id, m, primitive)
}

// instanceNodes returns, per node's status view, the node of each active
// instance of clone id (a node twice means two instances there).
func (c *cluster) instanceNodes(node, id string) ([]string, error) {
	cl, err := client.Dial(c.sock(node))
	if err != nil {
		return nil, err
	}
	defer cl.Close()
	s, err := cl.Status(ctx(c.t, 5*time.Second))
	if err != nil {
		return nil, err
	}
	for _, r := range s.Resources {
		if r.ID != id || r.Kind != clusterview.KindClone {
			continue
		}
		var out []string
		for _, inst := range r.Children {
			out = append(out, inst.Nodes...)
		}
		sort.Strings(out)
		return out, nil
	}
	return nil, fmt.Errorf("no clone %s in status", id)
}

// waitInstances waits until clone id has one active instance on each of
// want (per the status view and the agents' own state).
func (c *cluster) waitInstances(node, id, prim string, d time.Duration, want ...string) {
	c.t.Helper()
	eventually(c.t, d, id+" on "+fmt.Sprint(want), func() error {
		got, err := c.instanceNodes(node, id)
		if err != nil {
			return err
		}
		if !slices.Equal(got, want) {
			return fmt.Errorf("%s instances on %v", id, got)
		}
		if act := c.dummyActive(prim); !slices.Equal(act, want) {
			return fmt.Errorf("%s active per agent state on %v", prim, act)
		}
		return nil
	})
}

func TestCloneRunsOnEveryNodeAndOnTheSurvivorsAfterFencing(t *testing.T) {
	c := startCluster(t, 3, false)
	c.oneDC(10*time.Second, "n1", "n2", "n3")
	cl := c.dial("n1")
	write(t, func() (client.Version, error) {
		return cl.ReplaceConfiguration(ctx(t, 10*time.Second),
			configWith(t, true, []string{cloneOf("cd-clone", dummy("cd"))}, nil), client.Version{})
	})
	c.waitInstances("n1", "cd-clone", "cd", 30*time.Second, "n1", "n2", "n3")
	// An anonymous instance's history is the primitive's, as Pacemaker
	// records it: lrm_resource "cd" on every node, never "cd:N".
	doc, _ := cibOf(t, c, "n1")
	for _, ns := range doc.Root.Child("status").ChildrenNamed("node_state") {
		for _, lr := range ns.Child("lrm").Child("lrm_resources").ChildrenNamed("lrm_resource") {
			if id := lr.ID(); id != "cd" && id != sandbox.FenceDeviceID {
				t.Errorf("node %s records lrm_resource %q, want cd", ns.Attr("uname"), id)
			}
		}
	}
	if err := sandbox.Kill(c.dir, "n3"); err != nil {
		t.Fatal(err)
	}
	c.waitInstances("n1", "cd-clone", "cd", 40*time.Second, "n1", "n2")
	h, err := cl.FenceHistory(ctx(t, 5*time.Second))
	if err != nil || len(h) == 0 || h[0].Target != "n3" || h[0].Result != "success" {
		t.Fatalf("fence history %+v, %v: want n3 fenced", h, err)
	}
	// Nothing more happens: still one instance on each survivor.
	time.Sleep(3 * time.Second)
	c.waitInstances("n1", "cd-clone", "cd", 5*time.Second, "n1", "n2")
}
