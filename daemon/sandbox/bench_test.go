package sandbox_test

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	"pacer/daemon/sandbox"
	"pacer/share/client"
)

// The figures of the daemon issue, on a 3-node sandbox with default
// settings: `make bench` (or go test -run '^$' -bench . ./daemon/sandbox).

// BenchmarkFailover: kill -9 of the node running a resource until the
// resource is started elsewhere, fencing included; reports the median of
// several failovers (ms).
func BenchmarkFailover(b *testing.B) {
	for range b.N {
		c := startCluster(b, 3, false)
		c.oneDC(15*time.Second, "n1", "n2", "n3")
		cl := c.dial("n1")
		// f1 sticks where it runs; it stays off n1, the node this
		// benchmark talks to. The DC is whichever node the log elected, so
		// some rounds lose the DC with f1 (election included).
		f1 := `<primitive id="f1" class="ocf" provider="heartbeat" type="Dummy">
  <meta_attributes id="f1-meta"><nvpair id="f1-stick" name="resource-stickiness" value="100"/></meta_attributes>
  <operations><op id="f1-monitor-1s" name="monitor" interval="1s" timeout="20s"/></operations>
</primitive>`
		write(b, func() (client.Version, error) {
			return cl.ReplaceConfiguration(ctx(b, 20*time.Second), configWith(b, true, []string{f1}, []string{avoid("f1", "n1")}), client.Version{})
		})
		var times []time.Duration
		for round := 0; round < 5; round++ {
			where := c.runningOnce("n1", "f1", 30*time.Second)
			if err := cl.WaitIdle(ctx(b, 30*time.Second)); err != nil {
				b.Fatal(err)
			}
			start := time.Now()
			if err := sandbox.Kill(c.dir, where); err != nil {
				b.Fatal(err)
			}
			// Started elsewhere: the new node's start result is in the CIB.
			c.runningOnce("n1", "f1", 30*time.Second, where)
			times = append(times, time.Since(start))
			if _, err := sandbox.Start(c.dir, 3, false, c.bin, []string{where}, 30*time.Second); err != nil {
				b.Fatal(err)
			}
			c.oneDC(15*time.Second, "n1", "n2", "n3")
		}
		slices.Sort(times)
		b.ReportMetric(float64(times[len(times)/2].Milliseconds()), "failover-median-ms")
		b.Logf("failovers: %v", times)
	}
}

// BenchmarkConfigChanges: 1000 configuration changes through one socket
// connection, each acknowledged once a majority has it on disk; then every
// node has the last one.
func BenchmarkConfigChanges(b *testing.B) {
	for range b.N {
		c := startCluster(b, 3, false)
		c.oneDC(15*time.Second, "n1", "n2", "n3")
		cl := c.dial("n1")
		cfg := func(i int) string {
			return fmt.Sprintf(`<configuration><crm_config><cluster_property_set id="o">
<nvpair id="o-s" name="stonith-enabled" value="false"/>
<nvpair id="o-c" name="bench-counter" value="%d"/></cluster_property_set></crm_config>
<nodes/><resources/><constraints/></configuration>`, i)
		}
		const n = 1000
		var last client.Version
		start := time.Now()
		for i := 0; i < n; i++ {
			el := parseXML(b, cfg(i))
			v, err := cl.ReplaceConfiguration(context.Background(), el, client.Version{})
			if err != nil {
				b.Fatal(err)
			}
			last = v
		}
		took := time.Since(start)
		b.ReportMetric(float64(took.Milliseconds()), "ms/1000-changes")
		deadline := time.Now().Add(10 * time.Second)
		for _, node := range []string{"n1", "n2", "n3"} {
			for {
				doc, v := cibOf(b, c, node)
				if v.Epoch >= last.Epoch && strings.Contains(doc.Root.String(), `value="999"`) {
					break
				}
				if time.Now().After(deadline) {
					b.Fatalf("%s has %s, want %s", node, v, last)
				}
				time.Sleep(50 * time.Millisecond)
			}
		}
		b.Logf("1000 changes in %s, on every node %s later", took, time.Since(start)-took)
	}
}

// BenchmarkMemory1000Resources: peak RSS (VmHWM) of each pacerd with 1000
// resources configured (maintenance-mode, so the measure is the daemon's,
// not 3000 agent runs').
func BenchmarkMemory1000Resources(b *testing.B) {
	for range b.N {
		c := startCluster(b, 3, false)
		c.oneDC(15*time.Second, "n1", "n2", "n3")
		cl := c.dial("n1")
		var rs strings.Builder
		for i := 0; i < 1000; i++ {
			fmt.Fprintf(&rs, `<primitive id="r%d" class="ocf" provider="heartbeat" type="Dummy"><operations><op id="r%d-mon" name="monitor" interval="10s"/></operations></primitive>`, i, i)
		}
		el := parseXML(b, fmt.Sprintf(`<configuration><crm_config><cluster_property_set id="o">
<nvpair id="o-s" name="stonith-enabled" value="false"/><nvpair id="o-m" name="maintenance-mode" value="true"/></cluster_property_set></crm_config>
<nodes/><resources>%s</resources><constraints/></configuration>`, rs.String()))
		cx, cancel := context.WithTimeout(context.Background(), 60*time.Second)
		if _, err := cl.ReplaceConfiguration(cx, el, client.Version{}); err != nil {
			b.Fatal(err)
		}
		// A few more reads and status queries, as a monitor would do.
		for i := 0; i < 20; i++ {
			if _, err := cl.Status(cx); err != nil {
				b.Fatal(err)
			}
			if _, err := cl.GetCIB(cx); err != nil {
				b.Fatal(err)
			}
		}
		cancel()
		time.Sleep(2 * time.Second)
		var peak int
		for _, node := range []string{"n1", "n2", "n3"} {
			kb := vmHWM(b, c.dir, node)
			peak = max(peak, kb)
			b.Logf("%s peak RSS %d KiB", node, kb)
		}
		b.ReportMetric(float64(peak)/1024, "peak-MiB")
	}
}

func vmHWM(b testing.TB, dir, node string) int {
	pid, _ := os.ReadFile(filepath.Join(dir, node, "pacerd.pid"))
	st, err := os.ReadFile("/proc/" + strings.TrimSpace(string(pid)) + "/status")
	if err != nil {
		b.Fatal(err)
	}
	for _, l := range strings.Split(string(st), "\n") {
		if f := strings.Fields(l); len(f) >= 2 && f[0] == "VmHWM:" {
			n, _ := strconv.Atoi(f[1])
			return n
		}
	}
	b.Fatal("no VmHWM")
	return 0
}
