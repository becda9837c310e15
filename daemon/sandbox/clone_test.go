package sandbox_test

import (
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"sort"
	"strings"
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

// stateful is a promotable clone of ocf:pacemaker:Stateful with a monitor
// per role, notified (notify=true) as drbd-like agents need. nodes get a
// location preference for the Promoted role.
func stateful(id, prim, envfile string, nodes ...string) (rsc string, cons []string) {
	rsc = fmt.Sprintf(`<clone id="%s"><meta_attributes id="%s-meta"><nvpair id="%s-p" name="promotable" value="true"/><nvpair id="%s-n" name="notify" value="true"/></meta_attributes>
<primitive id="%s" class="ocf" provider="pacemaker" type="Stateful">
<instance_attributes id="%s-ia"><nvpair id="%s-env" name="envfile" value="%s"/></instance_attributes><operations>
  <op id="%s-mon-p" name="monitor" interval="2s" role="Promoted" timeout="20s"/>
  <op id="%s-mon-u" name="monitor" interval="3s" role="Unpromoted" timeout="20s"/>
</operations></primitive></clone>`, id, id, id, id, prim, prim, prim, envfile, prim, prim)
	for _, n := range nodes {
		cons = append(cons, fmt.Sprintf(`<rsc_location id="%s-prom-%s" rsc="%s" role="Promoted" node="%s" score="10"/>`, id, n, id, n))
	}
	return rsc, cons
}

// roles returns, per node's status view, the role of each active instance
// of clone id by node.
func (c *cluster) roles(node, id string) (map[string]clusterview.Role, error) {
	cl, err := client.Dial(c.sock(node))
	if err != nil {
		return nil, err
	}
	defer cl.Close()
	s, err := cl.Status(ctx(c.t, 5*time.Second))
	if err != nil {
		return nil, err
	}
	out := map[string]clusterview.Role{}
	for _, r := range s.Resources {
		if r.ID != id {
			continue
		}
		for _, inst := range r.Children {
			for _, n := range inst.Nodes {
				if _, dup := out[n]; dup {
					return nil, fmt.Errorf("two instances of %s on %s", id, n)
				}
				if inst.Failed {
					return nil, fmt.Errorf("%s failed on %s", inst.ID, n)
				}
				out[n] = inst.Role
			}
		}
	}
	return out, nil
}

// waitOnePromoted waits until clone id runs on exactly nodes with one
// instance Promoted and the others Unpromoted, and returns the promoted
// node.
func (c *cluster) waitOnePromoted(node, id string, d time.Duration, nodes ...string) string {
	c.t.Helper()
	var promoted string
	eventually(c.t, d, id+" promoted once on "+fmt.Sprint(nodes), func() error {
		roles, err := c.roles(node, id)
		if err != nil {
			return err
		}
		promoted = ""
		var where []string
		for n, role := range roles {
			where = append(where, n)
			switch role {
			case clusterview.RolePromoted:
				if promoted != "" {
					return fmt.Errorf("promoted on %s and %s", promoted, n)
				}
				promoted = n
			case clusterview.RoleUnpromoted:
			default:
				return fmt.Errorf("%s is %s on %s", id, role, n)
			}
		}
		sort.Strings(where)
		if !slices.Equal(where, nodes) {
			return fmt.Errorf("%s runs on %v", id, where)
		}
		if promoted == "" {
			return fmt.Errorf("%s promoted nowhere: %v", id, roles)
		}
		return nil
	})
	return promoted
}

func TestPromotableCloneHasOnePromotedInstanceAndAnotherAfterFencing(t *testing.T) {
	c := startCluster(t, 3, false)
	c.oneDC(10*time.Second, "n1", "n2", "n3")
	cl := c.dial("n1")
	envfile := filepath.Join(c.dir, "stateful.env")
	// no location preferences: the agents set their own promotion scores
	// (crm_attribute --promotion, which pacerd provides them)
	rsc, cons := stateful("st-clone", "st", envfile)
	write(t, func() (client.Version, error) {
		return cl.ReplaceConfiguration(ctx(t, 10*time.Second), configWith(t, true, []string{rsc}, cons), client.Version{})
	})
	first := c.waitOnePromoted("n1", "st-clone", 40*time.Second, "n1", "n2", "n3")
	// The scores are the agents' own: master-st in each node's status.
	doc, _ := cibOf(t, c, "n1")
	scores := 0
	for _, ns := range doc.Root.Child("status").ChildrenNamed("node_state") {
		if ta := ns.Child("transient_attributes"); ta != nil && strings.Contains(ta.String(), `name="master-st"`) {
			scores++
		}
	}
	if scores != 3 {
		t.Errorf("%d nodes have a master-st promotion score, want 3 (set by Stateful through crm_attribute)", scores)
	}
	// The roles stay put (no demote/promote loop from the role monitors).
	time.Sleep(4 * time.Second)
	if again := c.waitOnePromoted("n1", "st-clone", 5*time.Second, "n1", "n2", "n3"); again != first {
		t.Fatalf("promoted moved from %s to %s with nothing changed", first, again)
	}
	// Kill the promoted node (from a survivor's point of view).
	watch := "n1"
	if first == "n1" {
		watch = "n2"
	}
	if err := sandbox.Kill(c.dir, first); err != nil {
		t.Fatal(err)
	}
	var rest []string
	for _, n := range []string{"n1", "n2", "n3"} {
		if n != first {
			rest = append(rest, n)
		}
	}
	now := c.waitOnePromoted(watch, "st-clone", 60*time.Second, rest...)
	t.Logf("promoted %s, then %s after %s was fenced", first, now, first)
	h, err := c.dial(watch).FenceHistory(ctx(t, 5*time.Second))
	if err != nil || len(h) == 0 || h[0].Target != first || h[0].Result != "success" {
		t.Fatalf("fence history %+v, %v: want %s fenced", h, err, first)
	}
	// The agents were notified around the promotions (Stateful logs each
	// action's environment to envfile).
	env, err := os.ReadFile(envfile)
	if err != nil {
		t.Fatal(err)
	}
	for _, want := range []string{"### notify @", "OCF_RESKEY_CRM_meta_notify_type=pre", "OCF_RESKEY_CRM_meta_notify_operation=promote", "### promote @"} {
		if !strings.Contains(string(env), want) {
			t.Errorf("agent environment log lacks %q", want)
		}
	}
}
