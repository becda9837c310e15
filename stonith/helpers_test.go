package stonith

import (
	"context"
	"fmt"
	"io"
	"log/slog"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"pacer/share/xmltree"
)

// The tests run real fence agents: fence_dummy from Debian's fence-agents
// and testdata/fence_pacertest. The only stand-in is the transport between
// nodes (testCluster), since the daemon that carries it is another
// package: each "node" is its own Executor in this process.

func agentDirs(t testing.TB) []string {
	wd, err := os.Getwd()
	if err != nil {
		t.Fatal(err)
	}
	return []string{filepath.Join(wd, "testdata"), "/usr/sbin"}
}

func needDummy(t testing.TB) {
	if _, err := os.Stat("/usr/sbin/fence_dummy"); err != nil {
		t.Skip("fence_dummy not installed (Debian package fence-agents)")
	}
}

func quietLog() *slog.Logger { return slog.New(slog.NewTextHandler(io.Discard, nil)) }

func newExec(t testing.TB) *Executor {
	r := ExecRunner{Dirs: agentDirs(t)}
	return &Executor{Runner: r, Meta: &MetaCache{Runner: r}, Clock: RealClock{}, Log: quietLog()}
}

// cib wraps configuration sections into a CIB.
func cib(t testing.TB, resources, extra string) *xmltree.Element {
	t.Helper()
	doc, err := xmltree.ParseString(`<cib><configuration><crm_config/><nodes>
<node id="1" uname="node1"/><node id="2" uname="node2"><instance_attributes id="n2-a"><nvpair id="n2-a-rack" name="rack" value="r2"/></instance_attributes></node><node id="3" uname="node3"/>
</nodes><resources>` + resources + `</resources><constraints/>` + extra + `</configuration><status/></cib>`)
	if err != nil {
		t.Fatal(err)
	}
	return doc.Root
}

// device renders a stonith primitive with instance attributes.
func device(id, agent string, params ...string) string {
	var b strings.Builder
	fmt.Fprintf(&b, `<primitive id="%s" class="stonith" type="%s"><instance_attributes id="%s-ia">`, id, agent, id)
	for i := 0; i+1 < len(params); i += 2 {
		fmt.Fprintf(&b, `<nvpair id="%s-%s" name="%s" value="%s"/>`, id, params[i], params[i], params[i+1])
	}
	b.WriteString(`</instance_attributes></primitive>`)
	return b.String()
}

type switchDir string

func newSwitch(t testing.TB) switchDir { return switchDir(t.TempDir()) }

func (s switchDir) calls(t testing.TB) []string {
	data, err := os.ReadFile(filepath.Join(string(s), "calls.log"))
	if os.IsNotExist(err) {
		return nil
	}
	if err != nil {
		t.Fatal(err)
	}
	return strings.Split(strings.TrimSpace(string(data)), "\n")
}

func (s switchDir) plug(t testing.TB, p string) string {
	data, _ := os.ReadFile(filepath.Join(string(s), "plug-"+p))
	return strings.TrimSpace(string(data))
}

// testCluster is the node-to-node transport for tests: each node has its
// own executor.
type testCluster struct {
	mu    sync.Mutex
	cfg   *Config
	nodes map[string]*Executor
	order []string
	down  map[string]bool
}

func newCluster(t testing.TB, cfg *Config, names ...string) *testCluster {
	c := &testCluster{cfg: cfg, nodes: map[string]*Executor{}, down: map[string]bool{}}
	for _, n := range names {
		c.nodes[n] = newExec(t)
		c.order = append(c.order, n)
	}
	return c
}

func (c *testCluster) Members() []string {
	c.mu.Lock()
	defer c.mu.Unlock()
	var out []string
	for _, n := range c.order {
		if !c.down[n] {
			out = append(out, n)
		}
	}
	return out
}

func (c *testCluster) CanFence(ctx context.Context, node, dev, target string) (bool, string, error) {
	x := c.nodes[node]
	if x == nil || c.down[node] {
		return false, "", fmt.Errorf("node %s down", node)
	}
	ok, err := x.CanFence(ctx, c.cfg.Devices[dev], target, c.cfg.Options.Timeout)
	why := ""
	if err != nil {
		why = err.Error()
	}
	return ok, why, nil
}

func (c *testCluster) Execute(ctx context.Context, node string, r DeviceRequest) (DeviceResult, error) {
	x := c.nodes[node]
	if x == nil || c.down[node] {
		return DeviceResult{}, fmt.Errorf("node %s down", node)
	}
	return x.Run(ctx, c.cfg.Devices[r.Device], r.Target, r.Action, ExecOptions{FencingTimeout: c.cfg.Options.Timeout,
		ExtraDelay: r.ExtraDelay, NoDelay: r.NoDelay}), nil
}

func loadCfg(t testing.TB, root *xmltree.Element) *Config {
	t.Helper()
	cfg, err := LoadConfig(root)
	if err != nil {
		t.Fatalf("load config: %v", err)
	}
	return cfg
}

func coordinator(c *testCluster, self string) *Coordinator {
	return &Coordinator{Self: self, Remote: c, Log: quietLog()}
}

func fence(t testing.TB, co *Coordinator, cfg *Config, target, action string) Result {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 60*time.Second)
	defer cancel()
	return co.Fence(ctx, cfg, Request{Target: target, Action: action, Origin: co.Self, Client: "test"})
}

func mustEl(t testing.TB, s string) *xmltree.Element {
	t.Helper()
	e, err := xmltree.ParseElement(s)
	if err != nil {
		t.Fatal(err)
	}
	return e
}
