package stonith

import (
	"context"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"testing"

	"pacer/lrm"
	"time"
)

func TestTwoLevelTopologyLevelOneFailsLevelTwoFences(t *testing.T) {
	needDummy(t)
	sw := newSwitch(t)
	dummyStatus := filepath.Join(t.TempDir(), "dummy.status")
	// Level 1: fence_dummy of type "fail", which cannot fence anything.
	// Level 2: the pretend power switch.
	res := device("ipmi", "fence_dummy", "type", "fail", "status_file", dummyStatus, "power_timeout", "1",
		"pcmk_host_check", "none", "pcmk_off_retries", "1") +
		device("power", "fence_pacertest", "state_dir", string(sw), "hosts", "node1,node2,node3")
	topo := `<fencing-topology>
<fencing-level id="l1" target="node2" index="1" devices="ipmi"/>
<fencing-level id="l2" target="node2" index="2" devices="power"/>
</fencing-topology>`
	cfg := loadCfg(t, cib(t, res, topo))
	cl := newCluster(t, cfg, "node1", "node2", "node3")
	r := fence(t, coordinator(cl, "node1"), cfg, "node2", "off")
	if !r.OK {
		t.Fatalf("fencing failed: %s", r.Reason)
	}
	if r.Level != 2 {
		t.Fatalf("succeeded at level %d, want 2", r.Level)
	}
	if len(r.Devices) != 2 || r.Devices[0].Device != "ipmi" || r.Devices[0].OK || r.Devices[1].Device != "power" || !r.Devices[1].OK {
		t.Fatalf("device actions = %+v, want ipmi failed then power succeeded", r.Devices)
	}
	// fence_dummy was really run, and retried (pcmk_off_retries=1).
	if r.Devices[0].Attempts != 2 || !strings.Contains(r.Devices[0].Reason, "Timed out waiting to power OFF") {
		t.Errorf("ipmi: %d attempts, reason %q; want 2 and fence_dummy's own complaint", r.Devices[0].Attempts, r.Devices[0].Reason)
	}
	if got := sw.plug(t, "node2"); got != "off" {
		t.Errorf("switch plug node2 = %q, want off", got)
	}
	if r.Delegate != "node1" {
		t.Errorf("delegate = %q, want node1 (the target is only chosen when nobody else can)", r.Delegate)
	}
}

func TestTopologyAllLevelsFailReportsEachLevel(t *testing.T) {
	sw := newSwitch(t)
	res := device("a", "fence_pacertest", "state_dir", string(sw), "hosts", "node2", "fail", "off") +
		device("b", "fence_pacertest", "state_dir", string(sw), "hosts", "node1")
	topo := `<fencing-topology>
<fencing-level id="l1" target-pattern="^node[0-9]$" index="1" devices="a"/>
<fencing-level id="l2" target-pattern="^node[0-9]$" index="2" devices="b"/>
</fencing-topology>`
	cfg := loadCfg(t, cib(t, res, topo))
	r := fence(t, coordinator(newCluster(t, cfg, "node1", "node3"), "node1"), cfg, "node2", "off")
	if r.OK {
		t.Fatal("fencing succeeded, want failure")
	}
	for _, want := range []string{"level 1 (a)", "off failed (as configured)", "level 2 (b)", "not in the list"} {
		if !strings.Contains(r.Reason, want) {
			t.Errorf("reason %q does not mention %q", r.Reason, want)
		}
	}
}

func TestHostMapPortReachesTheAgent(t *testing.T) {
	sw := newSwitch(t)
	res := device("pdu", "fence_pacertest", "state_dir", string(sw), "hosts", "outlet-7,outlet-9",
		"pcmk_host_map", "node1:outlet-9;node2:outlet-7", "pcmk_host_argument", "plug")
	cfg := loadCfg(t, cib(t, res, ""))
	if cfg.Devices["pdu"].EffectiveCheck(nil) != CheckStatic {
		t.Fatalf("a host map should make the check static-list")
	}
	r := fence(t, coordinator(newCluster(t, cfg, "node1", "node3"), "node1"), cfg, "node2", "reboot")
	if !r.OK {
		t.Fatalf("fencing failed: %s", r.Reason)
	}
	calls := sw.calls(t)
	want := "action=reboot plug=outlet-7 nodename=node2"
	if !slices.Contains(calls, want) {
		t.Fatalf("agent calls %q, want one %q", calls, want)
	}
}

func TestDeviceThatCannotReachTheTargetIsNotChosen(t *testing.T) {
	swA, swB := newSwitch(t), newSwitch(t)
	// Both devices decide by asking the agent (dynamic-list); only B's
	// switch has node2 on it. A comes first by priority.
	res := `<primitive id="a" class="stonith" type="fence_pacertest"><instance_attributes id="a-ia">
<nvpair id="a1" name="state_dir" value="` + string(swA) + `"/><nvpair id="a2" name="hosts" value="node1,node3"/>
</instance_attributes><meta_attributes id="a-ma"><nvpair id="a3" name="priority" value="10"/></meta_attributes></primitive>` +
		device("b", "fence_pacertest", "state_dir", string(swB), "hosts", "node2")
	cfg := loadCfg(t, cib(t, res, ""))
	r := fence(t, coordinator(newCluster(t, cfg, "node1", "node3"), "node1"), cfg, "node2", "off")
	if !r.OK {
		t.Fatalf("fencing failed: %s", r.Reason)
	}
	for _, c := range swA.calls(t) {
		if !strings.HasPrefix(c, "action=list") {
			t.Errorf("device a was asked %q; only its list should have been read", c)
		}
	}
	if len(swA.calls(t)) == 0 {
		t.Errorf("device a's list was never read: the test proves nothing")
	}
	if got := swB.plug(t, "node2"); got != "off" {
		t.Errorf("node2 on switch b is %q, want off", got)
	}
	var used []string
	for _, d := range r.Devices {
		if d.Attempts > 0 && d.Action == "off" {
			used = append(used, d.Device)
		}
	}
	if !slices.Equal(used, []string{"b"}) {
		t.Errorf("devices that ran off: %v, want [b]", used)
	}
}

func TestFenceDummyWithoutListFailsCleanly(t *testing.T) {
	needDummy(t)
	status := filepath.Join(t.TempDir(), "dummy.status")
	// fence_dummy 4.12 has no list action: forcing dynamic-list must give
	// a clear "no", not a hang or a crash.
	cfg := loadCfg(t, cib(t, device("dummy", "fence_dummy", "status_file", status, "pcmk_host_check", "dynamic-list"), ""))
	x := newExec(t)
	ok, err := x.CanFence(context.Background(), cfg.Devices["dummy"], "node2", time.Minute)
	if ok || err == nil || !strings.Contains(err.Error(), "list") || !strings.Contains(err.Error(), "Unrecognised action 'list'") {
		t.Fatalf("CanFence = %v, %v; want false with the agent's complaint about list", ok, err)
	}
	r := fence(t, coordinator(newCluster(t, cfg, "node1"), "node1"), cfg, "node2", "off")
	if r.OK || !strings.Contains(r.Reason, "Unrecognised action 'list'") {
		t.Fatalf("result %+v; want a failure naming the list problem", r)
	}

	// Left to decide, the fencer sees from the metadata that fence_dummy
	// has no list but has status, and uses that.
	cfg = loadCfg(t, cib(t, device("dummy", "fence_dummy", "status_file", status), ""))
	meta, err := x.Meta.Get(context.Background(), "fence_dummy")
	if err != nil {
		t.Fatal(err)
	}
	if got := cfg.Devices["dummy"].EffectiveCheck(meta); got != CheckStatus {
		t.Fatalf("default pcmk_host_check for fence_dummy = %s, want status", got)
	}
	if arg := cfg.Devices["dummy"].EffectiveHostArgument(meta); arg != "" {
		t.Fatalf("fence_dummy advertises neither port nor plug; host argument = %q, want none", arg)
	}
	r = fence(t, coordinator(newCluster(t, cfg, "node1"), "node1"), cfg, "node2", "reboot")
	if !r.OK {
		t.Fatalf("fence_dummy reboot failed: %s", r.Reason)
	}
}

// recClock records sleeps and returns at once, so a delay is checked
// exactly without waiting for it.
type recClock struct {
	mu     sync.Mutex
	now    time.Time
	sleeps []time.Duration
}

func (c *recClock) Now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.now
}

func (c *recClock) Sleep(ctx context.Context, d time.Duration) error {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.sleeps = append(c.sleeps, d)
	c.now = c.now.Add(d)
	return ctx.Err()
}

func TestDelayBaseAndMax(t *testing.T) {
	sw := newSwitch(t)
	cfg := loadCfg(t, cib(t, device("d", "fence_pacertest", "state_dir", string(sw), "hosts", "node2",
		"pcmk_delay_base", "2s", "pcmk_delay_max", "5s"), ""))
	d := cfg.Devices["d"]
	clk := &recClock{now: time.Unix(1000, 0)}
	var asked []int64
	x := newExec(t)
	x.Clock = clk
	x.Rand = func(n int64) int64 { asked = append(asked, n); return n - 1 }
	r := x.Run(context.Background(), d, "node2", "off", ExecOptions{FencingTimeout: time.Minute, ExtraDelay: 7 * time.Second})
	if !r.OK {
		t.Fatalf("off failed: %s", r.Reason)
	}
	// The random part spans [0, max-base]; with the largest draw the total
	// is max, plus the requested extra (priority-fencing-delay).
	if len(asked) != 1 || asked[0] != int64(3*time.Second)+1 {
		t.Fatalf("random draws %v, want one over 3s+1ns", asked)
	}
	if want := 5*time.Second + 7*time.Second; r.Delay != want || len(clk.sleeps) != 1 || clk.sleeps[0] != want {
		t.Fatalf("delay %s, sleeps %v; want one of %s", r.Delay, clk.sleeps, want)
	}
	// No delay for "on" (and none for list/status/monitor).
	clk.sleeps = nil
	if r := x.Run(context.Background(), d, "node2", "on", ExecOptions{FencingTimeout: time.Minute}); !r.OK || len(clk.sleeps) != 0 {
		t.Fatalf("on: ok=%v sleeps=%v, want success without delay", r.OK, clk.sleeps)
	}
	// Per-target base delays.
	cfg = loadCfg(t, cib(t, device("d", "fence_pacertest", "state_dir", string(sw), "hosts", "node2",
		"pcmk_delay_base", "node1:1s;node2:3s"), ""))
	if got := cfg.Devices["d"].Delay("node2", nil); got != 3*time.Second {
		t.Fatalf("delay for node2 = %s, want 3s", got)
	}
	if got := cfg.Devices["d"].Delay("node3", nil); got != 0 {
		t.Fatalf("delay for node3 = %s, want 0", got)
	}
}

func TestDelayIsWaitedBeforeTheAgentRuns(t *testing.T) {
	sw := newSwitch(t)
	cfg := loadCfg(t, cib(t, device("d", "fence_pacertest", "state_dir", string(sw), "hosts", "node2",
		"pcmk_delay_base", "300ms"), ""))
	start := time.Now()
	r := newExec(t).Run(context.Background(), cfg.Devices["d"], "node2", "off", ExecOptions{FencingTimeout: time.Minute})
	if !r.OK {
		t.Fatal(r.Reason)
	}
	// A lower bound only: the agent cannot have finished before the delay.
	if el := time.Since(start); el < 300*time.Millisecond {
		t.Fatalf("off finished after %s, before its 300ms delay", el)
	}
}

func TestRebootOverSeveralDevicesIsAllOffThenAllOn(t *testing.T) {
	sw := newSwitch(t) // both devices log to one file, so the order shows
	res := device("psu1", "fence_pacertest", "state_dir", string(sw), "hosts", "node2") +
		device("psu2", "fence_pacertest", "state_dir", string(sw), "hosts", "node2", "fail", "on")
	topo := `<fencing-topology><fencing-level id="l1" target="node2" index="1" devices="psu1,psu2"/></fencing-topology>`
	cfg := loadCfg(t, cib(t, res, topo))
	r := fence(t, coordinator(newCluster(t, cfg, "node1"), "node1"), cfg, "node2", "reboot")
	if !r.OK {
		t.Fatalf("reboot failed: %s (a failed 'on' after both 'off' must not fail it)", r.Reason)
	}
	var acts []string
	for _, c := range sw.calls(t) {
		if !strings.HasPrefix(c, "action=list") {
			acts = append(acts, strings.Fields(c)[0])
		}
	}
	// psu2's "on" fails and is retried (pcmk_on_retries=2).
	want := []string{"action=off", "action=off", "action=on", "action=on", "action=on", "action=on"}
	if !slices.Equal(acts, want) {
		t.Fatalf("agent actions %v, want %v", acts, want)
	}
}

func TestRetriesAndTimeout(t *testing.T) {
	sw := newSwitch(t)
	cfg := loadCfg(t, cib(t, device("d", "fence_pacertest", "state_dir", string(sw), "hosts", "node2", "fail", "off",
		"pcmk_off_retries", "1")+device("slow", "fence_pacertest", "state_dir", string(sw), "hosts", "node2", "sleep", "30",
		"pcmk_off_timeout", "1s"), ""))
	x := newExec(t)
	r := x.Run(context.Background(), cfg.Devices["d"], "node2", "off", ExecOptions{FencingTimeout: time.Minute})
	if r.OK || r.Attempts != 2 || len(sw.calls(t)) != 2 {
		t.Fatalf("ok=%v attempts=%d calls=%d, want a failure after 2 attempts", r.OK, r.Attempts, len(sw.calls(t)))
	}
	start := time.Now()
	r = x.Run(context.Background(), cfg.Devices["slow"], "node2", "off", ExecOptions{FencingTimeout: time.Minute})
	if r.OK || !strings.Contains(r.Reason, "timed out") {
		t.Fatalf("slow device: %+v, want a timeout", r)
	}
	// The whole action, retries included, lives within pcmk_off_timeout;
	// the agent's sleep (30s) was killed with its process group.
	if el := time.Since(start); el > 10*time.Second {
		t.Fatalf("a 1s timeout took %s", el)
	}
}

func TestActionLimitSerialisesADevice(t *testing.T) {
	sw := newSwitch(t)
	cfg := loadCfg(t, cib(t, device("d", "fence_pacertest", "state_dir", string(sw), "hosts", "node2,node3", "sleep", "1"), ""))
	x := newExec(t)
	x.Meta.Get(context.Background(), "fence_pacertest")
	var wg sync.WaitGroup
	start := time.Now()
	for _, n := range []string{"node2", "node3"} {
		wg.Add(1)
		go func() {
			defer wg.Done()
			x.Run(context.Background(), cfg.Devices["d"], n, "off", ExecOptions{FencingTimeout: time.Minute})
		}()
	}
	wg.Wait()
	// pcmk_action_limit defaults to 1: two 1-second actions cannot overlap.
	if el := time.Since(start); el < 2*time.Second {
		t.Fatalf("two actions on a device with pcmk_action_limit=1 took %s together; they overlapped", el)
	}
}

func TestExecutorsPlacement(t *testing.T) {
	res := device("d", "fence_pacertest") + device("off", "fence_pacertest")
	root := cib(t, res, "")
	root.Child("configuration").Child("resources").Children[1].Append(mustEl(t, `<meta_attributes id="m"><nvpair id="m1" name="target-role" value="Stopped"/></meta_attributes>`))
	c := root.Child("configuration").Child("constraints")
	for _, e := range []string{`<rsc_location id="ban" rsc="d" node="node3" score="-INFINITY"/>`, `<rsc_location id="pref" rsc="d" node="node1" score="-10"/>`} {
		c.Append(mustEl(t, e))
	}
	cfg := loadCfg(t, root)
	members := []string{"node1", "node2", "node3", "node4"}
	// node3 is banned; node1 has a finite negative preference; the target
	// (node2) comes last: it fences itself only if nobody else can.
	if got := cfg.Executors("d", "node2", members, "node4"); !slices.Equal(got, []string{"node4", "node1", "node2"}) {
		t.Fatalf("executors = %v", got)
	}
	if got := cfg.Executors("off", "node2", members, "node1"); len(got) != 0 {
		t.Fatalf("disabled device has executors %v", got)
	}
	if got := cfg.Executors("d", "node4", []string{"node4"}, "node4"); !slices.Equal(got, []string{"node4"}) {
		t.Fatalf("lone node: executors = %v, want itself", got)
	}
}

func TestIdenticalRequestsShareOneFencing(t *testing.T) {
	sw := newSwitch(t)
	cfg := loadCfg(t, cib(t, device("d", "fence_pacertest", "state_dir", string(sw), "hosts", "node2", "sleep", "1"), ""))
	cfg.Options.Concurrent = true
	co := coordinator(newCluster(t, cfg, "node1"), "node1")
	var wg sync.WaitGroup
	results := make([]Result, 3)
	for i := range results {
		wg.Add(1)
		go func() { defer wg.Done(); results[i] = fence(t, co, cfg, "node2", "off") }()
	}
	wg.Wait()
	offs := 0
	for _, c := range sw.calls(t) {
		if strings.HasPrefix(c, "action=off") {
			offs++
		}
	}
	for _, r := range results {
		if !r.OK {
			t.Fatalf("a request failed: %s", r.Reason)
		}
	}
	if offs != 1 {
		t.Fatalf("agent ran off %d times for three identical requests, want 1", offs)
	}
}

func TestLRMRunnerRunsTheSameAgents(t *testing.T) {
	needDummy(t)
	sw := newSwitch(t)
	status := filepath.Join(t.TempDir(), "dummy.status")
	res := device("ipmi", "fence_dummy", "type", "fail", "status_file", status, "power_timeout", "1",
		"pcmk_host_check", "none", "pcmk_off_retries", "0") +
		device("pdu", "fence_pacertest", "state_dir", string(sw), "hosts", "outlet-2",
			"pcmk_host_map", "node2:outlet-2")
	topo := `<fencing-topology><fencing-level id="l1" target="node2" index="1" devices="ipmi"/>
<fencing-level id="l2" target="node2" index="2" devices="pdu"/></fencing-topology>`
	cfg := loadCfg(t, cib(t, res, topo))
	cl := newCluster(t, cfg, "node1")
	ex := lrm.New(lrm.Config{FenceDirs: agentDirs(t), Logger: quietLog()})
	defer ex.Close()
	x := cl.nodes["node1"]
	x.Runner = LRMRunner{Exec: ex}
	x.Meta = &MetaCache{Runner: x.Runner}
	r := fence(t, coordinator(cl, "node1"), cfg, "node2", "off")
	if !r.OK || r.Level != 2 || !strings.Contains(r.Devices[0].Reason, "Timed out waiting to power OFF") {
		t.Fatalf("result %+v", r)
	}
	if got := sw.plug(t, "outlet-2"); got != "off" {
		t.Fatalf("outlet-2 is %q", got)
	}
}

// The LRM's own test fence agent advertises "plug" but not "port": the
// fencer must pick plug as the host argument from its metadata, and find
// the mapped port in its list.
func TestLRMTestAgentGetsMappedPlug(t *testing.T) {
	dir, _ := filepath.Abs("../lrm/testdata/fence")
	if _, err := os.Stat(filepath.Join(dir, "fence_pacer_test")); err != nil {
		t.Skip("lrm/testdata/fence/fence_pacer_test is not there")
	}
	state := t.TempDir()
	cfg := loadCfg(t, cib(t, device("pdu", "fence_pacer_test", "state_dir", state, "hostlist", "outlet3,outlet4",
		"pcmk_host_map", "node2:outlet3", "pcmk_host_check", "dynamic-list"), ""))
	cl := newCluster(t, cfg, "node1")
	x := cl.nodes["node1"]
	x.Runner = ExecRunner{Dirs: []string{dir}}
	x.Meta = &MetaCache{Runner: x.Runner}
	r := fence(t, coordinator(cl, "node1"), cfg, "node2", "off")
	if !r.OK {
		t.Fatalf("fencing failed: %s", r.Reason)
	}
	log, _ := os.ReadFile(filepath.Join(state, "log"))
	if strings.TrimSpace(string(log)) != "off outlet3" {
		t.Fatalf("agent log %q, want \"off outlet3\"", log)
	}
	if r := fence(t, coordinator(cl, "node1"), cfg, "node3", "off"); r.OK || !strings.Contains(r.Reason, "not in the list") {
		t.Fatalf("node3 is on no outlet the agent lists: %+v", r)
	}
}

func TestConcurrentFencingFalseSerialisesRequests(t *testing.T) {
	sw := newSwitch(t)
	cfg := loadCfg(t, cib(t, device("a", "fence_pacertest", "state_dir", string(sw), "hosts", "node2", "sleep", "1")+
		device("b", "fence_pacertest", "state_dir", string(sw), "hosts", "node3", "sleep", "1"), ""))
	cfg.Options.Concurrent = false
	co := coordinator(newCluster(t, cfg, "node1"), "node1")
	var wg sync.WaitGroup
	start := time.Now()
	for _, n := range []string{"node2", "node3"} {
		wg.Add(1)
		go func() {
			defer wg.Done()
			if r := fence(t, co, cfg, n, "off"); !r.OK {
				t.Errorf("%s: %s", n, r.Reason)
			}
		}()
	}
	wg.Wait()
	// Different targets on different devices: only the cluster option
	// keeps them apart.
	if el := time.Since(start); el < 2*time.Second {
		t.Fatalf("two requests with concurrent-fencing=false took %s together; they overlapped", el)
	}
}
