package lrm

import (
	"context"
	"os"
	"strings"
	"testing"
	"time"

	"pacer/lrm/systemdtest"
)

const unitDefaults = "[Unit]\nDefaultDependencies=no\n"

func TestSystemdClass(t *testing.T) {
	sd := systemdtest.Start(t, map[string]string{
		"pacer-sleep.service": unitDefaults + "Description=Pacer test sleeper\n[Service]\nExecStart=/bin/sleep infinity\n",
		"pacer-fail.service":  unitDefaults + "Description=fails\n[Service]\nType=oneshot\nExecStart=/bin/false\n",
	})
	e, _ := nodeExec(t, Config{Systemd: sd.Dial, SystemdUnitDir: sd.UnitDir()})
	ctx := context.Background()
	op := func(agent, action string) Result {
		return e.Exec(ctx, Op{Resource: "sleeper", Agent: agent, Action: action, Timeout: 20 * time.Second})
	}
	wantRC(t, op("systemd:pacer-sleep", "monitor"), OCFNotRunning, StatusDone)
	wantRC(t, op("systemd:pacer-sleep", "start"), OCFSuccess, StatusDone)
	wantRC(t, op("systemd:pacer-sleep.service", "monitor"), OCFSuccess, StatusDone)
	// service: prefers systemd when the unit exists.
	wantRC(t, op("service:pacer-sleep", "status"), OCFSuccess, StatusDone)

	// The process dies behind systemd's back: monitor sees it.
	c, err := sd.Dial(ctx)
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	c.KillUnitContext(ctx, "pacer-sleep.service", 9)
	waitFor(t, "monitor to see the killed unit", 10*time.Second, func() bool {
		return op("systemd:pacer-sleep", "monitor").RC == OCFNotRunning
	})
	wantRC(t, op("systemd:pacer-sleep", "start"), OCFSuccess, StatusDone)
	wantRC(t, op("systemd:pacer-sleep", "stop"), OCFSuccess, StatusDone)
	wantRC(t, op("systemd:pacer-sleep", "monitor"), OCFNotRunning, StatusDone)
	wantRC(t, op("systemd:pacer-sleep", "stop"), OCFSuccess, StatusDone) // stopping a stopped unit is fine

	r := op("systemd:pacer-fail", "start")
	wantRC(t, r, OCFErrGeneric, StatusDone)
	if !strings.Contains(r.ExitReason, "failed") {
		t.Errorf("failed start reason %q", r.ExitReason)
	}
	r = op("systemd:pacer-no-such-unit", "start")
	wantRC(t, r, OCFErrInstalled, StatusNotInstalled)
	if !strings.Contains(r.ExitReason, "pacer-no-such-unit.service not found") {
		t.Errorf("unknown unit reason %q", r.ExitReason)
	}
	wantRC(t, op("systemd:pacer-sleep", "promote"), OCFErrUnimplemented, StatusNotSupported)

	m, err := e.Metadata("systemd:pacer-sleep")
	if err != nil {
		t.Fatal(err)
	}
	if m.ShortDesc != "Pacer test sleeper" || !m.Synthesized {
		t.Errorf("meta-data %+v", m)
	}
	if _, ok := m.Action("monitor"); !ok {
		t.Error("no monitor action in systemd meta-data")
	}
}

func TestSystemdUnavailable(t *testing.T) {
	e, _ := nodeExec(t, Config{Systemd: func(context.Context) (*sdbusConn, error) {
		return nil, errNoSystemd
	}})
	r := e.Exec(context.Background(), Op{Resource: "x", Agent: "systemd:foo", Action: "start"})
	wantRC(t, r, OCFErrGeneric, StatusNotConnected)
	if !strings.Contains(r.ExitReason, "connect to systemd") {
		t.Errorf("reason %q", r.ExitReason)
	}
}

// A unit the cluster runs must not be restarted by systemd behind its back:
// the executor's drop-in turns Restart= off while the cluster runs it.
func TestSystemdNoRestartBehindClusterBack(t *testing.T) {
	sd := systemdtest.Start(t, map[string]string{
		"pacer-restart.service": unitDefaults + "Description=restarts itself\n[Service]\nExecStart=/bin/sleep infinity\nRestart=always\nRestartSec=100ms\n",
	})
	e, _ := nodeExec(t, Config{Systemd: sd.Dial, SystemdUnitDir: sd.UnitDir()})
	ctx := context.Background()
	op := func(action string) Result {
		return e.Exec(ctx, Op{Resource: "r", Agent: "systemd:pacer-restart", Action: action, Timeout: 20 * time.Second})
	}
	wantRC(t, op("start"), OCFSuccess, StatusDone)
	dropin := sd.UnitDir() + "/pacer-restart.service.d/50-pacer.conf"
	if _, err := os.Stat(dropin); err != nil {
		t.Fatalf("no drop-in: %v", err)
	}
	c, err := sd.Dial(ctx)
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	c.KillUnitContext(ctx, "pacer-restart.service", 9)
	waitFor(t, "monitor to see the killed unit", 10*time.Second, func() bool { return op("monitor").RC == OCFNotRunning })
	time.Sleep(500 * time.Millisecond) // five RestartSec periods
	wantRC(t, op("monitor"), OCFNotRunning, StatusDone)
	wantRC(t, op("start"), OCFSuccess, StatusDone)
	wantRC(t, op("stop"), OCFSuccess, StatusDone)
	if _, err := os.Stat(dropin); err == nil {
		t.Error("drop-in left after stop")
	}
}
