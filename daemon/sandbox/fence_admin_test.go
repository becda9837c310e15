package sandbox_test

import (
	"fmt"
	"os"
	"os/exec"
	"os/user"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	"pacer/daemon/sandbox"
	"pacer/share/client"
	"pacer/share/clusterview"
	"pacer/share/protocol"
	"pacer/share/xmltree"
)

// The admin's fencing commands end to end: pacer (the shell binary next to
// pacerd) against a real 3-node sandbox.

// pacerCLI runs bin/pacer against node's socket and returns its combined
// output; it skips the test when the shell is not built.
func (c *cluster) pacerCLI(node string, args ...string) (string, error) {
	c.t.Helper()
	bin := filepath.Join(filepath.Dir(c.bin), "pacer")
	if _, err := os.Stat(bin); err != nil {
		c.t.Skipf("no %s: build it first (make build)", bin)
	}
	cmd := exec.Command(bin, args...)
	cmd.Env = append(os.Environ(), "PACER_SOCKET="+c.sock(node), "CIB_file=", "CIB_shadow=")
	cmd.Stdin = strings.NewReader("")
	done := make(chan struct{})
	defer close(done)
	go func() {
		select {
		case <-done:
		case <-time.After(40 * time.Second):
			cmd.Process.Kill()
		}
	}()
	out, err := cmd.CombinedOutput()
	return string(out), err
}

// withOption adds a cluster option to a configuration built by configWith.
func withOption(cfg *xmltree.Element, name, value string) *xmltree.Element {
	cfg.Child("crm_config").Child("cluster_property_set").Append(
		xmltree.New("nvpair", "id", "opt-"+name, "name", name, "value", value))
	return cfg
}

func TestStonithListAndNodeFenceActions(t *testing.T) {
	c := startCluster(t, 3, false)
	c.oneDC(10*time.Second, "n1", "n2", "n3")
	cl := c.dial("n2")

	// stonith list: the sandbox's device, asked for its list on n2 (once
	// the configuration the sandbox wrote on the DC has reached n2).
	var devs []protocol.FenceDevice
	eventually(t, 10*time.Second, "n2 knows a fencing device", func() error {
		var err error
		if devs, err = cl.FenceDevices(ctx(t, 20*time.Second)); err == nil && len(devs) == 0 {
			err = fmt.Errorf("no device yet")
		}
		return err
	})
	if len(devs) != 1 || devs[0].ID != sandbox.FenceDeviceID || devs[0].Agent != sandbox.FenceAgent ||
		!slices.Equal(devs[0].Targets, []string{"n1", "n2", "n3"}) || devs[0].Check != "dynamic-list" {
		t.Fatalf("fence devices %+v: want %s (%s, dynamic-list) fencing n1 n2 n3", devs, sandbox.FenceDeviceID, sandbox.FenceAgent)
	}
	out, err := c.pacerCLI("n2", "stonith", "list")
	if err != nil {
		t.Fatalf("pacer stonith list: %v\n%s", err, out)
	}
	lines := strings.Split(strings.TrimSpace(out), "\n")
	if len(lines) != 2 || !strings.HasPrefix(lines[0], "DEVICE") ||
		!slices.Equal(strings.Fields(lines[1]), []string{sandbox.FenceDeviceID, sandbox.FenceAgent, "dynamic-list", "n1", "n2", "n3"}) {
		t.Fatalf("pacer stonith list:\n%s", out)
	}

	// Without a terminal, fencing needs --yes.
	if out, err := c.pacerCLI("n2", "node", "fence", "n3", "--off"); err == nil {
		t.Fatalf("node fence without --yes and without a terminal went ahead:\n%s", out)
	}
	if _, err := c.dcSeenBy("n3"); err != nil {
		t.Fatalf("n3 is gone although fencing was not confirmed: %v", err)
	}

	// --off powers n3 off, and the history says off.
	out, err = c.pacerCLI("n2", "--yes", "node", "fence", "n3", "--off")
	if err != nil || !strings.Contains(out, "n3 fenced (off)") {
		t.Fatalf("pacer node fence n3 --off: %v\n%s", err, out)
	}
	eventually(t, 10*time.Second, "n3 powered off", func() error {
		if _, err := c.dcSeenBy("n3"); err == nil {
			return fmt.Errorf("n3 still answers")
		}
		return nil
	})
	out, err = c.pacerCLI("n1", "stonith", "history", "n3")
	if err != nil || !strings.HasPrefix(out, "off of n3 successful") {
		t.Fatalf("pacer stonith history n3 after fence --off: %v\n%s", err, out)
	}

	// Without --off/--reboot the cluster's fencing-action applies: set it
	// to off, fence (the powered-off) n3 again, then --reboot overrides it.
	write(t, func() (client.Version, error) {
		return cl.ReplaceConfiguration(ctx(t, 10*time.Second), withOption(configWith(t, true, nil, nil), "stonith-action", "off"), client.Version{})
	})
	if out, err := c.pacerCLI("n2", "--yes", "node", "fence", "n3"); err != nil || !strings.Contains(out, "n3 fenced (off)") {
		t.Fatalf("pacer node fence n3 with fencing-action=off: %v\n%s", err, out)
	}
	if out, err := c.pacerCLI("n2", "--yes", "node", "fence", "n3", "--reboot"); err != nil || !strings.Contains(out, "n3 fenced (reboot)") {
		t.Fatalf("pacer node fence n3 --reboot: %v\n%s", err, out)
	}
	h, err := cl.FenceHistory(ctx(t, 5*time.Second))
	if err != nil {
		t.Fatal(err)
	}
	var actions []string
	for _, e := range h {
		if e.Target == "n3" && e.Result == clusterview.FencingSuccess {
			actions = append(actions, e.Action)
		}
	}
	if !slices.Equal(actions, []string{"reboot", "off", "off"}) {
		t.Fatalf("successful fencings of n3, newest first: %v; want reboot off off (history %+v)", actions, h)
	}
}

func TestClearstateConfirmsAnUnfenceableNodeDown(t *testing.T) {
	agent, err := os.ReadFile("../../stonith/testdata/fence_pacertest")
	if err != nil {
		t.Skipf("the test fence agent is missing: %v", err)
	}
	c := startCluster(t, 3, false)
	c.oneDC(10*time.Second, "n1", "n2", "n3")
	// A device that fails every off and reboot: a killed node stays
	// unclean and its resource waits.
	if err := os.WriteFile(filepath.Join(c.dir, "bin", "fence_pacertest"), agent, 0o755); err != nil {
		t.Fatal(err)
	}
	sw := filepath.Join(c.dir, "switch")
	if err := os.MkdirAll(sw, 0o755); err != nil {
		t.Fatal(err)
	}
	broken := fmt.Sprintf(`<primitive id="broken" class="stonith" type="fence_pacertest"><instance_attributes id="broken-ia">
  <nvpair id="broken-sd" name="state_dir" value="%s"/><nvpair id="broken-h" name="hosts" value="n1,n2,n3"/>
  <nvpair id="broken-f" name="fail" value="off,reboot"/>
  <nvpair id="broken-r1" name="pcmk_off_retries" value="0"/><nvpair id="broken-r2" name="pcmk_reboot_retries" value="0"/>
</instance_attributes></primitive>`, sw)
	cl := c.dial("n1")
	cfg := withOption(configWith(t, false, []string{broken, dummy("d1")}, []string{prefer("d1", "n3")}), "stonith-timeout", "5s")
	cfg.Child("crm_config").Child("cluster_property_set").Child("nvpair").SetAttr("value", "true") // stonith-enabled
	write(t, func() (client.Version, error) {
		return cl.ReplaceConfiguration(ctx(t, 10*time.Second), cfg, client.Version{})
	})
	if where := c.runningOnce("n1", "d1", 20*time.Second); where != "n3" {
		t.Fatalf("d1 runs on %s, want n3 (preferred)", where)
	}
	// A member cannot be confirmed down.
	if out, err := c.pacerCLI("n1", "--yes", "node", "clearstate", "n3"); err == nil || !strings.Contains(out, "online") {
		t.Fatalf("clearstate of a member: %v\n%s", err, out)
	}
	if _, err := cl.ConfirmFenced(ctx(t, 5*time.Second), "n3"); !errorsIs(err, client.ErrInvalid) || !strings.Contains(err.Error(), "member") {
		t.Fatalf("fence_confirm of a member: %v, want invalid", err)
	}

	if err := sandbox.Kill(c.dir, "n3"); err != nil {
		t.Fatal(err)
	}
	// Fencing n3 fails, so d1 must stay where it was (nowhere alive).
	eventually(t, 30*time.Second, "a failed fencing of n3", func() error {
		h, err := cl.FenceHistory(ctx(t, 5*time.Second))
		if err != nil {
			return err
		}
		for _, e := range h {
			if e.Target == "n3" && e.Result == clusterview.FencingFailed {
				return nil
			}
		}
		return fmt.Errorf("history %+v", h)
	})
	if got := c.dummyActive("d1"); !slices.Equal(got, []string{"n3"}) {
		t.Fatalf("d1 active on %v while n3 is not fenced", got)
	}
	// Without a terminal nor --yes, nothing is confirmed.
	if out, err := c.pacerCLI("n2", "node", "clearstate", "n3"); err == nil || !strings.Contains(out, "WARNING") {
		t.Fatalf("clearstate without --yes: %v\n%s", err, out)
	}
	if got := c.dummyActive("d1"); !slices.Equal(got, []string{"n3"}) {
		t.Fatalf("d1 active on %v after an unconfirmed clearstate", got)
	}
	confirmed := time.Now()
	out, err := c.pacerCLI("n2", "--yes", "node", "clearstate", "n3")
	if err != nil || !strings.Contains(out, "WARNING") || !strings.Contains(out, "n3 manually confirmed down by") {
		t.Fatalf("pacer --yes node clearstate n3: %v\n%s", err, out)
	}
	where := c.runningOnce("n1", "d1", 30*time.Second, "n3")
	t.Logf("d1 started on %s %s after the manual confirmation", where, time.Since(confirmed).Round(time.Millisecond))
	// The confirmation is in every surviving node's history.
	for _, n := range []string{"n1", "n2"} {
		out, err := c.pacerCLI(n, "stonith", "history", "n3")
		if err != nil || !strings.Contains(out, "off of n3 successful: delegate=a human") {
			t.Fatalf("pacer stonith history n3 on %s: %v\n%s", n, err, out)
		}
	}
}

// A request sent to a node that is not the DC is forwarded there; the DC
// must still know who asked: the configuration's update-user and the
// fencing history's client name the user of the socket's peer credentials
// and the node the request came in on. The shell runs as hacluster (group
// haclient, which the socket admits), so that "root" from an earlier write
// cannot pass for it.
func TestForwardedRequestsKeepTheUser(t *testing.T) {
	ha, err := user.Lookup("hacluster")
	if err != nil {
		t.Skipf("no user hacluster (pacemaker's packages create it): %v", err)
	}
	if os.Geteuid() != 0 {
		t.Skip("needs root to run the shell as hacluster")
	}
	uid, _ := strconv.Atoi(ha.Uid)
	gid, _ := strconv.Atoi(ha.Gid)
	c := startCluster(t, 3, false)
	dc := c.oneDC(10*time.Second, "n1", "n2", "n3")
	var via, target string
	for _, n := range []string{"n1", "n2", "n3"} {
		switch {
		case n == dc:
		case via == "":
			via = n
		default:
			target = n
		}
	}
	run := c.pacerAs(uid, gid, via)
	asHacluster := func(args ...string) string {
		t.Helper()
		out, err := run(args...)
		if err != nil {
			t.Fatalf("pacer %s as hacluster through %s: %v\n%s", strings.Join(args, " "), via, err, out)
		}
		return string(out)
	}

	asHacluster("configure", "property", "batch-limit=7")
	doc, _ := cibOf(t, c, dc)
	if !strings.Contains(doc.Root.String(), `name="batch-limit" value="7"`) {
		t.Fatalf("the DC's CIB lacks the change sent through %s", via)
	}
	if u := doc.Root.Attr("update-user"); u != "hacluster" {
		t.Errorf("a change sent through %s left update-user=%q on the DC, want hacluster", via, u)
	}

	asHacluster("--yes", "node", "fence", target, "--off")
	h, err := c.dial(dc).FenceHistory(ctx(t, 5*time.Second))
	if err != nil {
		t.Fatal(err)
	}
	want := "hacluster (pacer) via " + via
	for _, e := range h {
		if e.Target == target {
			if e.Client != want || e.Origin != dc {
				t.Fatalf("fencing of %s recorded client %q origin %q; want client %q origin %s (the DC coordinates)", target, e.Client, e.Origin, want, dc)
			}
			return
		}
	}
	t.Fatalf("no fencing of %s in the history %+v", target, h)
}
