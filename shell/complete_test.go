package shell

import (
	"io"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"pacer/share/schedcases"
)

// testSession is a session on a copy of a scheduler case CIB.
func testSession(t testing.TB, name string) *session {
	t.Helper()
	dir, ok := schedcases.Dir()
	if !ok {
		t.Skipf("scheduler cases not found at %s", dir)
	}
	data, err := os.ReadFile(filepath.Join(dir, "xml", name+".xml"))
	if err != nil {
		t.Fatal(err)
	}
	p := filepath.Join(t.TempDir(), "cib.xml")
	os.WriteFile(p, data, 0o644)
	t.Setenv("CIB_file", p)
	t.Setenv("CIB_shadow", "")
	t.Setenv("CIB_shadow_dir", t.TempDir())
	return newSession(strings.NewReader(""), io.Discard, io.Discard)
}

func needAgent(t testing.TB, path string) {
	if _, err := os.Stat(path); err != nil {
		t.Skipf("%s not installed (Debian package resource-agents)", path)
	}
}

func TestCompletion(t *testing.T) {
	s := testSession(t, "bug-5014-CthenAthenB-C-stopped")
	needAgent(t, "/usr/lib/ocf/resource.d/heartbeat/IPaddr2")
	ip := "configure primitive p1 ocf:heartbeat:IPaddr2 "
	cases := []struct {
		line    string
		has     []string
		hasNot  []string
		exactly []string
	}{
		{line: "res", exactly: []string{"resource"}},
		{line: "conf prim", exactly: []string{"primitive"}},
		{line: "configure primitive p1 ", has: []string{"ocf:", "lsb:", "systemd:", "stonith:"}},
		{line: "configure primitive p1 oc", exactly: []string{"ocf:"}},
		{line: "configure primitive p1 ocf:", has: []string{"ocf:heartbeat:", "ocf:pacemaker:"}},
		{line: "configure primitive p1 ocf:heartbeat:IPadd", exactly: []string{"ocf:heartbeat:IPaddr", "ocf:heartbeat:IPaddr2"}},
		{line: "configure primitive p1 IPadd", has: []string{"IPaddr2"}},
		{line: ip, has: []string{"params", "op", "meta"}},
		{line: ip + "params ", has: []string{"ip=", "cidr_netmask=", "nic=", "op"}},
		{line: ip + "params ip=10.0.0.1 ", has: []string{"cidr_netmask="}, hasNot: []string{"ip="}},
		{line: ip + "params ip=10.0.0.1 c", has: []string{"cidr_netmask="}, hasNot: []string{"ip=", "nic="}},
		{line: ip + "op ", has: []string{"monitor", "start", "stop"}},
		{line: ip + "op monitor ", has: []string{"interval=10s", "timeout=20s"}},
		{line: ip + "op monitor interval=5s ", has: []string{"timeout=20s"}, hasNot: []string{"interval=10s"}},
		{line: ip + "meta ", has: []string{"target-role=", "resource-stickiness="}, hasNot: []string{"clone-max="}},
		{line: "configure clone c1 ClusterIP meta ", has: []string{"clone-max=", "interleave="}},
		{line: "configure property no-q", exactly: []string{"no-quorum-policy="}},
		{line: "configure property no-quorum-policy=", has: []string{"no-quorum-policy=stop", "no-quorum-policy=ignore"}},
		{line: "configure order o1 ", has: []string{"Mandatory:", "Optional:", "ClusterIP"}},
		{line: "configure location ", exactly: nil},
		{line: "configure location l1 Cl", has: []string{"ClusterIP", "ClusterIP2"}},
		{line: "configure location l1 ClusterIP inf: ", has: []string{"fc16-builder"}},
		{line: "configure location l1 ClusterIP rule inf: ", has: []string{"#uname", "defined", "fc16-builder"}},
		{line: "configure show ", has: []string{"xml", "ClusterIP", "after1then2"}},
		{line: "resource stop ", exactly: []string{"ClusterIP", "ClusterIP2", "ClusterIP3"}},
		{line: "resource move ClusterIP ", exactly: []string{"fc16-builder"}},
		{line: "node standby ", has: []string{"fc16-builder"}},
		{line: "cib use ", has: []string{"live"}},
		{line: "ra info ocf:heartbeat:Dumm", exactly: []string{"ocf:heartbeat:Dummy"}},
		{line: "help res", exactly: []string{"resource"}},
	}
	for _, c := range cases {
		got, _ := s.complete(c.line)
		if c.exactly != nil || (c.has == nil && c.hasNot == nil) {
			if !slices.Equal(got, c.exactly) {
				t.Errorf("%q: got %q, want exactly %q", c.line, got, c.exactly)
			}
		}
		for _, w := range c.has {
			if !slices.Contains(got, w) {
				t.Errorf("%q: %q missing from %q", c.line, w, got)
			}
		}
		for _, w := range c.hasNot {
			if slices.Contains(got, w) {
				t.Errorf("%q: %q should not be offered", c.line, w)
			}
		}
	}
}

func TestCompletionHint(t *testing.T) {
	s := testSession(t, "bug-5014-CthenAthenB-C-stopped")
	needAgent(t, "/usr/lib/ocf/resource.d/heartbeat/IPaddr2")
	var hints []string
	c := &completer{s: s, hint: func(h string) { hints = append(hints, h) }}
	line := "configure primitive p1 ocf:heartbeat:IPaddr2 params ip="
	cands, n := c.Do([]rune(line), len(line))
	if len(cands) != 0 || n != 3 {
		t.Errorf("after ip=: candidates %q, length %d", cands, n)
	}
	if len(hints) != 1 || !strings.HasPrefix(hints[0], "ip (string, required)") {
		t.Errorf("hint %q", hints)
	}
	// readline gets suffixes; a word gets a blank after it, a prefix
	// ending in ':' or '=' does not.
	for _, tc := range []struct{ line, want string }{
		{"res", "ource "},
		{"configure primitive p1 oc", "f:"},
		{"configure primitive p1 ocf:heartbeat:IPaddr2 params ci", "dr_netmask="},
	} {
		cands, _ := c.Do([]rune(tc.line), len(tc.line))
		if len(cands) != 1 || string(cands[0]) != tc.want {
			t.Errorf("%q: %q, want %q", tc.line, cands, tc.want)
		}
	}
}

func BenchmarkFirstAgentCompletion(b *testing.B) {
	s := testSession(b, "bug-5014-CthenAthenB-C-stopped")
	for i := 0; i < b.N; i++ {
		agentCache = &agentLists{lists: map[string][]string{}, meta: agentCache.meta}
		for _, line := range []string{"configure primitive p1 ", "configure primitive p1 ocf:", "configure primitive p1 ocf:heartbeat:"} {
			if got, _ := s.complete(line); len(got) == 0 {
				b.Fatalf("%q: nothing", line)
			}
		}
	}
}
