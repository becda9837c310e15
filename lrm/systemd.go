package lrm

import (
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"time"

	sdbus "github.com/coreos/go-systemd/v22/dbus"
)

// unitName is what systemd:NAME refers to: NAME.service unless NAME
// already carries a unit suffix.
func unitName(name string) string {
	for _, suf := range []string{".service", ".socket", ".mount", ".timer", ".path", ".target"} {
		if strings.HasSuffix(name, suf) {
			return name
		}
	}
	return name + ".service"
}

// systemd returns the (shared, lazily dialled) connection to systemd.
func (e *Executor) systemd(ctx context.Context) (*sdbus.Conn, error) {
	e.sdMu.Lock()
	defer e.sdMu.Unlock()
	if e.sd != nil && e.sd.Connected() {
		return e.sd, nil
	}
	if e.sd != nil {
		e.sd.Close()
		e.sd = nil
	}
	dial := e.cfg.Systemd
	if dial == nil {
		dial = sdbus.NewWithContext
	}
	c, err := dial(ctx)
	if err != nil {
		return nil, fmt.Errorf("connect to systemd: %w", err)
	}
	e.sd = c
	return c, nil
}

// unitProps loads a unit (reading its object loads it in systemd) and
// returns its LoadState, ActiveState and Description.
func unitProps(ctx context.Context, c *sdbus.Conn, unit string) (load, active, desc string, err error) {
	p, err := c.GetUnitPropertiesContext(ctx, unit)
	if err != nil {
		return "", "", "", fmt.Errorf("unit %s: %w", unit, err)
	}
	load, _ = p["LoadState"].(string)
	active, _ = p["ActiveState"].(string)
	desc, _ = p["Description"].(string)
	return load, active, desc, nil
}

// serviceIsSystemd decides the service class: systemd when a unit of that
// name exists (and systemd answers), else LSB.
func (e *Executor) serviceIsSystemd(a Agent) bool {
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	c, err := e.systemd(ctx)
	if err != nil {
		return false
	}
	load, _, _, err := unitProps(ctx, c, unitName(a.Type))
	return err == nil && load != "not-found" && load != ""
}

func (e *Executor) systemdMetaOf(a Agent) (*AgentMeta, error) {
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	c, err := e.systemd(ctx)
	if err != nil {
		return nil, fmt.Errorf("meta-data of %s: %w", a, err)
	}
	load, _, desc, err := unitProps(ctx, c, unitName(a.Type))
	if err != nil {
		return nil, fmt.Errorf("meta-data of %s: %w", a, err)
	}
	if load == "not-found" {
		return nil, fmt.Errorf("meta-data of %s: %w: unit %s not found", a, ErrUnknownAgent, unitName(a.Type))
	}
	return systemdMeta(a.String(), desc), nil
}

// activeToOCF maps ActiveState the way Pacemaker reads a unit's state.
func activeToOCF(state string) (int, ExecStatus) {
	switch state {
	case "active", "reloading":
		return OCFSuccess, StatusDone
	case "activating", "deactivating":
		return RCPending, StatusPending
	case "failed":
		return OCFNotRunning, StatusDone
	}
	return OCFNotRunning, StatusDone
}

// execSystemd runs start/stop/monitor/status on a unit over D-Bus: start
// and stop queue a job and wait for systemd to finish it.
func (e *Executor) execSystemd(a Agent, op Op, timeout time.Duration, killRun <-chan struct{}, res *Result) {
	start := time.Now()
	res.LastRun = start
	defer func() { res.ExecTime = time.Since(start) }()
	ctx, cancel := context.WithTimeout(context.Background(), timeout)
	defer cancel()
	if killRun != nil {
		go func() {
			select {
			case <-killRun:
				cancel()
			case <-ctx.Done():
			}
		}()
	}
	unit := unitName(a.Type)
	setErr := func(rc int, st ExecStatus, format string, args ...any) {
		res.RC, res.Status, res.ExitReason = rc, st, fmt.Sprintf(format, args...)
		select {
		case <-killRun:
			res.RC, res.Status, res.ExitReason = OCFErrGeneric, StatusCancelled, "cancelled"
			return
		default:
		}
		if ctx.Err() != nil {
			res.RC, res.Status = OCFErrGeneric, StatusTimeout
			res.ExitReason = fmt.Sprintf("%s %s timed out after %s", a, op.Action, timeout)
		}
	}
	if op.Action == "meta-data" {
		m, err := e.systemdMetaOf(a)
		if err != nil {
			setErr(OCFErrInstalled, StatusNotInstalled, "%v", err)
			return
		}
		res.Status, res.RC, res.Output = StatusDone, OCFSuccess, m.ShortDesc
		return
	}
	c, err := e.systemd(ctx)
	if err != nil {
		setErr(OCFErrGeneric, StatusNotConnected, "%v", err)
		return
	}
	load, active, _, err := unitProps(ctx, c, unit)
	if err != nil {
		setErr(OCFErrGeneric, StatusError, "%v", err)
		return
	}
	if load == "not-found" {
		setErr(OCFErrInstalled, StatusNotInstalled, "systemd unit %s not found", unit)
		return
	}
	job := func(name string, f func(context.Context, string, string, chan<- string) (int, error)) {
		ch := make(chan string, 1)
		if _, err := f(ctx, unit, "replace", ch); err != nil {
			setErr(OCFErrGeneric, StatusError, "%s %s: %v", name, unit, err)
			return
		}
		select {
		case r := <-ch:
			if r != "done" {
				setErr(OCFErrGeneric, StatusDone, "systemd %s job for %s: %s", name, unit, r)
				return
			}
			res.RC, res.Status = OCFSuccess, StatusDone
		case <-ctx.Done():
			setErr(OCFErrGeneric, StatusTimeout, "")
		}
	}
	switch op.Action {
	case "start":
		if err := e.writeOverride(ctx, c, unit, a.Type); err != nil {
			setErr(OCFErrGeneric, StatusError, "%v", err)
			return
		}
		job("start", c.StartUnitContext)
		if res.RC == OCFSuccess {
			// A unit whose start job is done may still be on its way up
			// or already dead (Type=simple, crashing at once).
			if _, active, _, err = unitProps(ctx, c, unit); err == nil {
				if rc, _ := activeToOCF(active); rc == OCFNotRunning {
					setErr(OCFErrGeneric, StatusDone, "unit %s is %s after start", unit, active)
				}
			}
		}
	case "stop":
		job("stop", c.StopUnitContext)
		if res.RC == OCFSuccess {
			if err := e.removeOverride(ctx, c, unit); err != nil {
				e.log.Warn("remove systemd drop-in", "unit", unit, "err", err)
			}
		}
	case "monitor", "status":
		res.RC, res.Status = activeToOCF(active)
		if res.Status == StatusPending {
			res.ExitReason = "unit " + unit + " is " + active
		}
	case "reload":
		job("reload", c.ReloadUnitContext)
	case "restart":
		job("restart", c.RestartUnitContext)
	default:
		setErr(OCFErrUnimplemented, StatusNotSupported, "systemd units have no %q action", op.Action)
	}
}

// The drop-in Pacemaker also puts on a unit the cluster starts: systemd
// must not restart the service behind the cluster's back (that could run
// it twice), and at shutdown the unit stops after the cluster daemon, which
// can then stop it in order.
const overrideName = "50-pacer.conf"

func (e *Executor) unitDir() string {
	if e.cfg.SystemdUnitDir != "" {
		return e.cfg.SystemdUnitDir
	}
	return "/run/systemd/system"
}

func (e *Executor) writeOverride(ctx context.Context, c *sdbus.Conn, unit, name string) error {
	if !strings.HasSuffix(unit, ".service") {
		return nil // Restart= is a [Service] setting
	}
	dir := filepath.Join(e.unitDir(), unit+".d")
	path := filepath.Join(dir, overrideName)
	body := "# Written by Pacer while the cluster runs this unit.\n" +
		"[Unit]\nDescription=Cluster Controlled " + name + "\nBefore=pacerd.service\n" +
		"[Service]\nRestart=no\n"
	if old, err := os.ReadFile(path); err == nil && string(old) == body {
		return nil
	}
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return fmt.Errorf("systemd drop-in for %s: %w", unit, err)
	}
	tmp := path + ".tmp"
	if err := os.WriteFile(tmp, []byte(body), 0o644); err != nil {
		return fmt.Errorf("systemd drop-in for %s: %w", unit, err)
	}
	if err := os.Rename(tmp, path); err != nil {
		return fmt.Errorf("systemd drop-in for %s: %w", unit, err)
	}
	if err := c.ReloadContext(ctx); err != nil {
		return fmt.Errorf("systemd daemon-reload after drop-in for %s: %w", unit, err)
	}
	return nil
}

func (e *Executor) removeOverride(ctx context.Context, c *sdbus.Conn, unit string) error {
	dir := filepath.Join(e.unitDir(), unit+".d")
	err := os.Remove(filepath.Join(dir, overrideName))
	if errors.Is(err, os.ErrNotExist) {
		return nil
	}
	if err != nil {
		return err
	}
	_ = os.Remove(dir) // only if empty
	return c.ReloadContext(ctx)
}
