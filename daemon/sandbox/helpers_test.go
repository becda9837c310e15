package sandbox_test

import (
	"context"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"

	"pacer/daemon/sandbox"
	"pacer/share/client"
	"pacer/share/clusterview"
	"pacer/share/xmltree"
)

// pacerdBin finds bin/pacerd: $PACER_BIN/pacerd, else the repo's bin/.
func pacerdBin(t testing.TB) string {
	t.Helper()
	if d := os.Getenv("PACER_BIN"); d != "" {
		p := filepath.Join(d, "pacerd")
		if _, err := os.Stat(p); err == nil {
			return p
		}
		t.Fatalf("PACER_BIN=%s has no pacerd", d)
	}
	p, _ := filepath.Abs("../../bin/pacerd")
	if _, err := os.Stat(p); err != nil {
		t.Skip("multi-process test: set PACER_BIN or run `make build` (bin/pacerd missing)")
	}
	return p
}

type cluster struct {
	t   testing.TB
	dir string
	bin string
	l   *sandbox.Layout
}

// startCluster starts an n-node sandbox and stops it (and removes every
// process and namespace) when the test ends, failed or not.
func startCluster(t testing.TB, n int, netns bool, only ...string) *cluster {
	t.Helper()
	bin := pacerdBin(t)
	if netns && os.Geteuid() != 0 {
		t.Skip("needs root for network namespaces")
	}
	dir, err := os.MkdirTemp("", "pacer-sb-")
	if err != nil {
		t.Fatal(err)
	}
	c := &cluster{t: t, dir: dir, bin: bin}
	t.Cleanup(func() {
		sandbox.Stop(dir)
		// A daemon that panicked (or, built with -race, raced) fails the
		// test even if the cluster coped.
		for i := 1; i <= n; i++ {
			b, _ := os.ReadFile(filepath.Join(dir, fmt.Sprintf("n%d", i), "pacerd.log"))
			for _, bad := range []string{"panic:", "DATA RACE", "fatal error:"} {
				if strings.Contains(string(b), bad) {
					t.Errorf("n%d's log contains %q", i, bad)
				}
			}
		}
		if t.Failed() {
			for i := 1; i <= n; i++ {
				b, _ := os.ReadFile(filepath.Join(dir, fmt.Sprintf("n%d", i), "pacerd.log"))
				lines := strings.Split(string(b), "\n")
				if len(lines) > 60 {
					lines = lines[len(lines)-60:]
				}
				t.Logf("---- n%d log (tail) ----\n%s", i, strings.Join(lines, "\n"))
			}
		}
		if t.Failed() && os.Getenv("PACER_KEEP_SANDBOX") != "" {
			t.Logf("sandbox kept in %s", dir)
			return
		}
		os.RemoveAll(dir)
	})
	l, err := sandbox.Start(dir, n, netns, bin, only, 60*time.Second)
	if err != nil {
		t.Fatal(err)
	}
	c.l = l
	return c
}

func (c *cluster) sock(node string) string { return filepath.Join(c.dir, node, "pacerd.sock") }

func (c *cluster) dial(node string) *client.Client {
	c.t.Helper()
	cl, err := client.Dial(c.sock(node))
	if err != nil {
		c.t.Fatal(err)
	}
	c.t.Cleanup(func() { cl.Close() })
	return cl
}

func ctx(t testing.TB, d time.Duration) context.Context {
	cx, cancel := context.WithTimeout(context.Background(), d)
	t.Cleanup(cancel)
	return cx
}

// eventually polls f until it returns nil or the time is up.
func eventually(t testing.TB, d time.Duration, what string, f func() error) {
	t.Helper()
	deadline := time.Now().Add(d)
	var err error
	for time.Now().Before(deadline) {
		if err = f(); err == nil {
			return
		}
		time.Sleep(100 * time.Millisecond)
	}
	t.Fatalf("%s: not within %s: %v", what, d, err)
}

// hello asks a node who the DC is (fresh connection: nodes come and go).
func (c *cluster) dcSeenBy(node string) (string, error) {
	cl, err := client.Dial(c.sock(node))
	if err != nil {
		return "", err
	}
	defer cl.Close()
	cx, cancel := context.WithTimeout(context.Background(), 2*time.Second)
	defer cancel()
	h, err := cl.Hello(cx)
	if err != nil {
		return "", err
	}
	return h.DC, nil
}

// oneDC waits until all the given nodes name the same DC, and returns it.
func (c *cluster) oneDC(d time.Duration, nodes ...string) string {
	c.t.Helper()
	var dc string
	eventually(c.t, d, "one DC on "+strings.Join(nodes, ","), func() error {
		dc = ""
		for _, n := range nodes {
			got, err := c.dcSeenBy(n)
			if err != nil {
				return err
			}
			if got == "" {
				return fmt.Errorf("%s sees no DC", n)
			}
			if dc != "" && got != dc {
				return fmt.Errorf("%s sees DC %s, another sees %s", n, got, dc)
			}
			dc = got
		}
		return nil
	})
	return dc
}

// write retries a write while the DC is being elected.
func write(t testing.TB, f func() (client.Version, error)) client.Version {
	t.Helper()
	var v client.Version
	eventually(t, 20*time.Second, "write", func() error {
		var err error
		v, err = f()
		if errors.Is(err, client.ErrUnavailable) {
			return err
		}
		if err != nil {
			t.Fatalf("write: %v", err)
		}
		return nil
	})
	return v
}

func cibOf(t testing.TB, c *cluster, node string) (*xmltree.Document, client.Version) {
	t.Helper()
	cl, err := client.Dial(c.sock(node))
	if err != nil {
		t.Fatal(err)
	}
	defer cl.Close()
	doc, err := cl.GetCIB(ctx(t, 5*time.Second))
	if err != nil {
		t.Fatal(err)
	}
	v, err := client.CIBVersion(doc)
	if err != nil {
		t.Fatal(err)
	}
	return doc, v
}

const dummyCfg = `<configuration>
  <crm_config><cluster_property_set id="cib-bootstrap-options">
    <nvpair id="opt-stonith" name="stonith-enabled" value="%s"/>
  </cluster_property_set></crm_config>
  <nodes/>
  <resources>%s</resources>
  <constraints>%s</constraints>
</configuration>`

func dummy(id string) string {
	return fmt.Sprintf(`<primitive id="%s" class="ocf" provider="heartbeat" type="Dummy">
  <operations><op id="%s-monitor-1s" name="monitor" interval="1s" timeout="20s"/></operations>
</primitive>`, id, id)
}

// fenceDevice is the sandbox's fencing device.
const fenceDevice = `<primitive id="fence-sandbox" class="stonith" type="fence_pacer_sandbox">
  <operations><op id="fence-sandbox-monitor" name="monitor" interval="60s"/></operations>
</primitive>`

func config(t testing.TB, fencing bool, resources ...string) *xmltree.Element {
	return configWith(t, fencing, resources, nil)
}

// prefer is a location constraint: rsc prefers node.
func prefer(rsc, node string) string {
	return fmt.Sprintf(`<rsc_location id="loc-%s-%s" rsc="%s" node="%s" score="100"/>`, rsc, node, rsc, node)
}

// avoid is a location constraint: rsc never runs on node.
func avoid(rsc, node string) string {
	return fmt.Sprintf(`<rsc_location id="ban-%s-%s" rsc="%s" node="%s" score="-INFINITY"/>`, rsc, node, rsc, node)
}

func configWith(t testing.TB, fencing bool, resources, constraints []string) *xmltree.Element {
	t.Helper()
	if fencing {
		resources = append([]string{fenceDevice}, resources...)
	}
	el, err := xmltree.ParseElement(fmt.Sprintf(dummyCfg, fmt.Sprint(fencing), strings.Join(resources, "\n"), strings.Join(constraints, "\n")))
	if err != nil {
		t.Fatal(err)
	}
	return el
}

// locate returns the nodes rsc runs on according to node's status view.
func (c *cluster) locate(node, rsc string) ([]string, error) {
	cl, err := client.Dial(c.sock(node))
	if err != nil {
		return nil, err
	}
	defer cl.Close()
	cx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	s, err := cl.Status(cx)
	if err != nil {
		return nil, err
	}
	var found []string
	var walk func(rs []clusterview.Resource) bool
	walk = func(rs []clusterview.Resource) bool {
		for _, r := range rs {
			if r.ID == rsc && r.Kind == clusterview.KindPrimitive {
				found = r.Nodes
				if r.PendingOp != "" {
					found = append(found, "(pending "+r.PendingOp+")")
				}
				return true
			}
			if walk(r.Children) {
				return true
			}
		}
		return false
	}
	if !walk(s.Resources) {
		return nil, fmt.Errorf("no resource %s in status", rsc)
	}
	return found, nil
}

// runningOnce waits until rsc runs on exactly one node (per node's view)
// and returns it.
func (c *cluster) runningOnce(node, rsc string, d time.Duration, not ...string) string {
	c.t.Helper()
	var where string
	eventually(c.t, d, rsc+" running once", func() error {
		nodes, err := c.locate(node, rsc)
		if err != nil {
			return err
		}
		if len(nodes) != 1 {
			return fmt.Errorf("%s runs on %v", rsc, nodes)
		}
		for _, n := range not {
			if nodes[0] == n {
				return fmt.Errorf("%s still on %s", rsc, n)
			}
		}
		where = nodes[0]
		return nil
	})
	return where
}

// dummyActive lists the nodes whose agent state says Dummy rsc is active
// (each sandbox node has its own HA_RSCTMP): the ground truth, not the CIB.
func (c *cluster) dummyActive(rsc string) []string {
	var out []string
	for _, nd := range c.l.Nodes {
		if _, err := os.Stat(filepath.Join(c.dir, nd.Name, "run", "resource-agents", "Dummy-"+rsc+".state")); err == nil {
			out = append(out, nd.Name)
		}
	}
	return out
}

func errorsIs(err, target error) bool { return errors.Is(err, target) }

func parseXML(t testing.TB, s string) *xmltree.Element {
	t.Helper()
	el, err := xmltree.ParseElement(s)
	if err != nil {
		t.Fatal(err)
	}
	return el
}

// pacerAs returns a runner of the shell (bin/pacer next to pacerd) as
// uid:gid against node's socket, as an admin other than root would run it.
// The sandbox's directories are root's: they are opened for traversal so
// that the socket's own mode and peer credentials are what decide.
func (c *cluster) pacerAs(uid, gid int, node string) func(args ...string) (string, error) {
	c.t.Helper()
	for _, d := range []string{c.dir, filepath.Join(c.dir, node)} {
		if err := os.Chmod(d, 0o711); err != nil {
			c.t.Fatal(err)
		}
	}
	return func(args ...string) (string, error) {
		cmd := exec.Command(filepath.Join(filepath.Dir(c.bin), "pacer"), args...)
		cmd.Env = []string{"PATH=/usr/bin:/bin", "HOME=/", "PACER_SOCKET=" + c.sock(node)}
		cmd.SysProcAttr = &syscall.SysProcAttr{Credential: &syscall.Credential{Uid: uint32(uid), Gid: uint32(gid)}}
		out, err := cmd.CombinedOutput()
		return string(out), err
	}
}
