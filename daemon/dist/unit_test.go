// Package dist holds what an installation needs besides the binaries: the
// systemd unit pacerd.service. Its test runs the unit under a real systemd
// as PID 1 in private namespaces (lrm/systemdtest), with a one-node cluster.
package dist

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"

	sdbus "github.com/coreos/go-systemd/v22/dbus"

	"pacer/lrm/systemdtest"
	"pacer/share/client"
	"pacer/share/keyfile"
	"pacer/share/xmltree"
)

// In the private systemd everything pacerd needs lives under /run (a tmpfs
// of its own): the binary, the configuration, the key, the state.
const testDir = "/run/pacer-test"

// privateUnit is pacerd.service as shipped, with the paths moved under
// testDir and without the ordering on the host's network-online.target
// (the harness allows no default dependencies). Each edit must apply, so a
// change to the unit's shape shows here.
func privateUnit(t *testing.T) string {
	t.Helper()
	return editUnit(t, "pacerd.service", []unitEdit{
		{"ExecStart=/usr/sbin/pacerd --config /etc/pacer/pacer.conf\n",
			"ExecStart=" + testDir + "/pacerd --config " + testDir + "/pacer.conf\nStandardError=file:" + testDir + "/pacerd.log\n"},
		{"ConditionPathExists=/etc/pacer/pacer.conf\n", "ConditionPathExists=" + testDir + "/pacer.conf\nDefaultDependencies=no\n"},
		{"After=network-online.target time-sync.target\n", ""},
		{"Wants=network-online.target\n", ""},
	})
}

type unitEdit struct{ old, new string }

// editUnit reads a shipped unit file and applies edits, each of which
// must apply, so that a change to the unit's shape shows here.
func editUnit(t *testing.T, name string, edits []unitEdit) string {
	t.Helper()
	b, err := os.ReadFile(name)
	if err != nil {
		t.Fatal(err)
	}
	unit := string(b)
	for _, e := range edits {
		if !strings.Contains(unit, e.old) {
			t.Fatalf("%s has no line %q any more: update this test", name, strings.TrimSpace(e.old))
		}
		unit = strings.Replace(unit, e.old, e.new, 1)
	}
	return unit
}

const conf = `cluster_name = "unit-test"
node_name    = "solo"
key_file     = "` + testDir + `/authkey"
state_dir    = "` + testDir + `/state"

[[node]]
name = "solo"
addr = "127.0.0.1"
`

const cibConfig = `<configuration><crm_config><cluster_property_set id="o">
<nvpair id="o-s" name="stonith-enabled" value="false"/></cluster_property_set></crm_config>
<nodes/><resources>
<primitive id="d" class="ocf" provider="heartbeat" type="Dummy"><operations><op id="d-mon" name="monitor" interval="2s"/></operations></primitive>
</resources><constraints/></configuration>`

func TestUnitStartsReadyRestartsAfterACrashAndStopsResourcesOnStop(t *testing.T) {
	binDir := os.Getenv("PACER_BIN")
	if binDir == "" {
		t.Skip("PACER_BIN not set (make test sets it to the built binaries)")
	}
	pacerd, err := os.ReadFile(filepath.Join(binDir, "pacerd"))
	if err != nil {
		t.Skipf("no pacerd binary: %v (make build)", err)
	}
	s := systemdtest.Start(t, map[string]string{"pacerd.service": privateUnit(t)})
	root := s.Root()
	if err := os.MkdirAll(root+testDir, 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(root+testDir+"/pacerd", pacerd, 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(root+testDir+"/pacer.conf", []byte(conf), 0o644); err != nil {
		t.Fatal(err)
	}
	if err := keyfile.Generate(root+testDir+"/authkey", false); err != nil {
		t.Fatal(err)
	}
	// What resource-agents' tmpfiles.d entry makes at boot; the private
	// systemd runs no systemd-tmpfiles.
	if err := os.Mkdir(root+"/run/resource-agents", 0o755|os.ModeSticky); err != nil {
		t.Fatal(err)
	}
	logs := func() string {
		b, _ := os.ReadFile(root + testDir + "/pacerd.log")
		return "--- pacerd.log ---\n" + string(b) + "\n--- systemd ---\n" + s.Output()
	}
	debugLogs = ""
	t.Cleanup(func() {
		if t.Failed() {
			t.Log(logs())
		}
	})
	ctx, cancel := context.WithTimeout(context.Background(), 3*time.Minute)
	defer cancel()
	sd, err := s.Dial(ctx)
	if err != nil {
		t.Fatal(err)
	}
	defer sd.Close()
	job := func(name string, f func(context.Context, string, string, chan<- string) (int, error)) {
		t.Helper()
		ch := make(chan string, 1)
		if _, err := f(ctx, "pacerd.service", "replace", ch); err != nil {
			t.Fatalf("%s pacerd.service: %v", name, err)
		}
		if r := <-ch; r != "done" {
			t.Fatalf("%s pacerd.service: job %s\n%s", name, r, logs())
		}
	}
	prop := func(name string) string {
		t.Helper()
		p, err := sd.GetServicePropertyContext(ctx, "pacerd.service", name)
		if err != nil {
			t.Fatal(err)
		}
		return fmt.Sprint(p.Value.Value())
	}
	unitProp := func(name string) string {
		t.Helper()
		p, err := sd.GetUnitPropertyContext(ctx, "pacerd.service", name)
		if err != nil {
			t.Fatal(err)
		}
		return fmt.Sprint(p.Value.Value())
	}

	// Type=notify: the start job ends at READY=1, and by then the socket
	// (the default /run/pacer/pacerd.sock) answers at the first try.
	job("start", sd.StartUnitContext)
	sock := root + "/run/pacer/pacerd.sock"
	cl, err := client.Dial(sock)
	if err != nil {
		t.Fatalf("pacerd.service is started but its socket does not answer: %v\n%s", err, logs())
	}
	if _, err := cl.Hello(ctx); err != nil {
		t.Fatalf("hello right after start: %v\n%s", err, logs())
	}
	cfg, err := xmltree.ParseElement(cibConfig)
	if err != nil {
		t.Fatal(err)
	}
	eventually(t, 30*time.Second, "the configuration is written", func() error {
		_, err := cl.ReplaceConfiguration(ctx, cfg, client.Version{})
		return err
	})
	cl.Close()
	state := root + "/run/resource-agents/Dummy-d.state"
	eventually(t, 60*time.Second, "Dummy d is started", func() error {
		if _, err := os.Stat(state); err != nil {
			return err
		}
		return lastOp(sock, "start", "monitor")
	})

	// A crash: systemd restarts pacerd, which probes and finds d running
	// instead of starting it a second time.
	firstPID := prop("MainPID")
	if err := sd.KillUnitWithTarget(ctx, "pacerd.service", sdbus.Main, int32(syscall.SIGKILL)); err != nil {
		t.Fatal(err)
	}
	eventually(t, 60*time.Second, "pacerd is restarted", func() error {
		if pid, st := prop("MainPID"), unitProp("ActiveState"); pid == "0" || pid == firstPID || st != "active" {
			return fmt.Errorf("MainPID %s (was %s), %s", pid, firstPID, st)
		}
		return nil
	})
	if n := prop("NRestarts"); n != "1" {
		t.Errorf("NRestarts = %s after one crash, want 1", n)
	}
	eventually(t, 60*time.Second, "the restarted pacerd has probed d", func() error {
		return lastOp(sock, "monitor")
	})
	if _, err := os.Stat(state); err != nil {
		t.Fatalf("d's state is gone after pacerd's restart: %v", err)
	}

	// systemctl stop: pacerd stops its resources before it exits, cleanly.
	job("stop", sd.StopUnitContext)
	if _, err := os.Stat(state); err == nil {
		t.Errorf("pacerd.service stopped with Dummy d still running\n%s", logs())
	}
	if st, res := unitProp("ActiveState"), prop("Result"); st != "inactive" || res != "success" {
		t.Errorf("after stop: ActiveState %s, Result %s; want inactive, success\n%s", st, res, logs())
	}
}

// lastOp checks that d's last recorded one-shot operation on solo is one of
// ops and succeeded (a probe that finds d running records rc 0).
func lastOp(sock string, ops ...string) error {
	cl, err := client.Dial(sock)
	if err != nil {
		return err
	}
	defer cl.Close()
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	doc, err := cl.GetCIB(ctx)
	if err != nil {
		return err
	}
	var found *xmltree.Element
	doc.Root.Walk(func(e *xmltree.Element) bool {
		if e.Name == "lrm_rsc_op" && e.ID() == "d_last_0" {
			found = e
		}
		return found == nil
	})
	if found == nil {
		return fmt.Errorf("no d_last_0 in the status yet")
	}
	op, rc := found.Attr("operation"), found.Attr("rc-code")
	for _, o := range ops {
		if op == o && rc == "0" {
			return nil
		}
	}
	return fmt.Errorf("d_last_0 is %s rc %s, want one of %v with rc 0", op, rc, ops)
}

var debugLogs string

func eventually(t *testing.T, d time.Duration, what string, f func() error) {
	t.Helper()
	deadline := time.Now().Add(d)
	for {
		err := f()
		if err == nil {
			return
		}
		if time.Now().After(deadline) {
			t.Fatalf("%s: not within %s: %v%s", what, d, err, debugLogs)
		}
		time.Sleep(200 * time.Millisecond)
	}
}
