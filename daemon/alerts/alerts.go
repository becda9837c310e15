// Package alerts runs the CIB's alert agents (the <alerts> section, as in
// Pacemaker Explained, "Alerts"): on a node, resource or fencing event each
// configured alert's program is run once per recipient (once with an empty
// recipient when it has none), with the event in CRM_alert_* environment
// variables (and the older CRM_notify_* names of ClusterMon's external
// agents), the alert's and recipient's instance attributes as further
// variables, and its meta attributes timeout (default 30s) and
// timestamp-format (default %H:%M:%S.%06N). A <select> element limits an
// alert to the kinds it lists.
//
// Agents run in the background, each in its own process group, killed
// with it at the timeout; their output is logged, their failure too, and
// neither ever blocks the daemon.
package alerts

import (
	"bytes"
	"context"
	"fmt"
	"log/slog"
	"os"
	"os/exec"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"syscall"
	"time"

	"pacer/share/iso8601"
	"pacer/share/rule"
	"pacer/share/xmltree"
)

// Kind is what an event is about.
type Kind string

const (
	Node      Kind = "node"
	Fencing   Kind = "fencing"
	Resource  Kind = "resource"
	Attribute Kind = "attribute"
)

// Event is one thing to tell the agents.
type Event struct {
	Kind Kind
	Time time.Time
	// Node is the node the event is about; NodeID its id (node events).
	Node, NodeID string
	// Desc: a node's new state ("member" or "lost"), a summary of a
	// fencing operation, a resource operation's result in words.
	Desc string
	// Task is the fencing action or resource operation; RC its result.
	Task string
	RC   int
	// Resource operations only.
	Rsc        string
	IntervalMS int64
	TargetRC   int
	Status     int // the operation's execution status (0 done, 2 timed out, ...)
	ExecMS     int64
	// Attribute events only.
	AttrName, AttrValue string
}

// Alert is one configured alert.
type Alert struct {
	ID, Path   string
	Recipients []Recipient
	Timeout    time.Duration
	Format     string            // timestamp-format
	Env        map[string]string // instance_attributes
	kinds      map[Kind]bool     // from <select>; nil: every kind
	attrs      map[string]bool   // select_attributes' names; nil: all
}

// Recipient is one recipient of an alert, with its own settings.
type Recipient struct {
	ID, Value string
	Timeout   time.Duration
	Format    string
	Env       map[string]string
}

const (
	defaultTimeout = 30 * time.Second
	defaultFormat  = "%H:%M:%S.%06N"
)

// FromCIB reads the alerts of a CIB, their attribute sets as Pacemaker
// reads every set (scores, rules evaluated at now). Problems (an alert
// without a path, a bad timeout) are returned for the log; such alerts are
// left out or use the default.
func FromCIB(cib *xmltree.Element, now time.Time) ([]Alert, []string) {
	nvs := func(e *xmltree.Element, name string) map[string]string {
		return rule.UnpackNVSets(e.ChildrenNamed(name), &rule.Context{Now: now})
	}
	var out []Alert
	var problems []string
	cfg := cib.Child("configuration")
	if cfg == nil || cfg.Child("alerts") == nil {
		return nil, nil
	}
	for _, e := range cfg.Child("alerts").ChildrenNamed("alert") {
		a := Alert{ID: e.ID(), Path: e.Attr("path"), Env: nvs(e, "instance_attributes")}
		if a.Path == "" {
			problems = append(problems, fmt.Sprintf("alert %s has no path: ignored", a.ID))
			continue
		}
		meta := nvs(e, "meta_attributes")
		a.Timeout, a.Format = settings(meta, defaultTimeout, defaultFormat, "alert "+a.ID, &problems)
		if sel := e.Child("select"); sel != nil {
			a.kinds = map[Kind]bool{}
			for _, s := range sel.Children {
				switch s.Name {
				case "select_nodes":
					a.kinds[Node] = true
				case "select_fencing":
					a.kinds[Fencing] = true
				case "select_resources":
					a.kinds[Resource] = true
				case "select_attributes":
					a.kinds[Attribute] = true
					for _, at := range s.ChildrenNamed("attribute") {
						if a.attrs == nil {
							a.attrs = map[string]bool{}
						}
						a.attrs[at.Attr("name")] = true
					}
				}
			}
		}
		for _, r := range e.ChildrenNamed("recipient") {
			rm := nvs(r, "meta_attributes")
			rc := Recipient{ID: r.ID(), Value: r.Attr("value"), Env: nvs(r, "instance_attributes")}
			rc.Timeout, rc.Format = settings(rm, a.Timeout, a.Format, "recipient "+rc.ID, &problems)
			a.Recipients = append(a.Recipients, rc)
		}
		out = append(out, a)
	}
	return out, problems
}

func settings(meta map[string]string, timeout time.Duration, format, who string, problems *[]string) (time.Duration, string) {
	if v, ok := meta["timeout"]; ok {
		if d, err := iso8601.ParseInterval(v); err == nil && d > 0 {
			timeout = d
		} else {
			*problems = append(*problems, fmt.Sprintf("%s: timeout %q is not a duration: using %s", who, v, timeout))
		}
	}
	if v, ok := meta["timestamp-format"]; ok && v != "" {
		format = v
	}
	return timeout, format
}

// wants: the alert is for events of this kind (and attribute).
func (a Alert) wants(ev Event) bool {
	if a.kinds == nil {
		return true
	}
	if !a.kinds[ev.Kind] {
		return false
	}
	return ev.Kind != Attribute || a.attrs == nil || a.attrs[ev.AttrName]
}

// Sender runs agents for one node.
type Sender struct {
	Version string // CRM_alert_version
	Log     *slog.Logger
	seq     atomic.Int64
	wg      sync.WaitGroup
}

// Send runs every alert that wants ev, in the background.
func (s *Sender) Send(alerts []Alert, ev Event) {
	if ev.Time.IsZero() {
		ev.Time = time.Now()
	}
	for _, a := range alerts {
		if !a.wants(ev) {
			continue
		}
		recips := a.Recipients
		if len(recips) == 0 {
			recips = []Recipient{{Timeout: a.Timeout, Format: a.Format}}
		}
		for _, r := range recips {
			seq := s.seq.Add(1) // taken now: the order of events, not of runs
			s.wg.Add(1)
			go func() {
				defer s.wg.Done()
				s.run(a, r, ev, seq)
			}()
		}
	}
}

// Wait waits for the agents started so far.
func (s *Sender) Wait() { s.wg.Wait() }

// Env is the environment an agent gets for ev (without the process's own).
func Env(a Alert, r Recipient, ev Event, seq int64, version string) []string {
	vars := map[string]string{
		"kind":                  string(ev.Kind),
		"version":               version,
		"recipient":             r.Value,
		"node_sequence":         strconv.FormatInt(seq, 10),
		"timestamp":             Strftime(r.Format, ev.Time),
		"timestamp_epoch":       strconv.FormatInt(ev.Time.Unix(), 10),
		"timestamp_usec":        strconv.Itoa(ev.Time.Nanosecond() / 1000),
		"node":                  ev.Node,
		"desc":                  ev.Desc,
		"nodeid":                ev.NodeID,
		"task":                  ev.Task,
		"rc":                    "",
		"rsc":                   ev.Rsc,
		"interval":              "",
		"target_rc":             "",
		"status":                "",
		"exec_time":             "",
		"attribute_name":        ev.AttrName,
		"attribute_value":       ev.AttrValue,
		"select_kind":           "",
		"select_attribute_name": "",
	}
	switch ev.Kind {
	case Fencing:
		vars["rc"] = strconv.Itoa(ev.RC)
	case Resource:
		vars["rc"] = strconv.Itoa(ev.RC)
		vars["interval"] = strconv.FormatInt(ev.IntervalMS, 10)
		vars["target_rc"] = strconv.Itoa(ev.TargetRC)
		vars["status"] = strconv.Itoa(ev.Status)
		vars["exec_time"] = strconv.FormatInt(ev.ExecMS, 10)
	}
	var env []string
	for k, v := range vars {
		if v == "" && k != "recipient" {
			continue
		}
		env = append(env, "CRM_alert_"+k+"="+v, "CRM_notify_"+k+"="+v)
	}
	for _, m := range []map[string]string{a.Env, r.Env} {
		for k, v := range m {
			env = append(env, k+"="+v)
		}
	}
	return env
}

func (s *Sender) run(a Alert, r Recipient, ev Event, seq int64) {
	log := s.Log.With("alert", a.ID, "recipient", r.ID, "kind", string(ev.Kind), "path", a.Path)
	ctx, cancel := context.WithTimeout(context.Background(), r.Timeout)
	defer cancel()
	cmd := exec.Command(a.Path)
	cmd.Env = append(os.Environ(), Env(a, r, ev, seq, s.Version)...)
	var out bytes.Buffer
	w := &limited{b: &out, n: 4096} // one writer: exec then copies both streams with one goroutine at a time
	cmd.Stdout, cmd.Stderr = w, w
	cmd.SysProcAttr = &syscall.SysProcAttr{Setpgid: true}
	if err := cmd.Start(); err != nil {
		log.Error("alert agent could not be run", "err", err)
		return
	}
	done := make(chan error, 1)
	go func() { done <- cmd.Wait() }()
	var err error
	select {
	case err = <-done:
	case <-ctx.Done():
		// The agent and whatever it started go together.
		syscall.Kill(-cmd.Process.Pid, syscall.SIGKILL)
		<-done
		log.Error("alert agent timed out and was killed", "timeout", r.Timeout.String(), "output", strings.TrimSpace(out.String()))
		return
	}
	if err != nil {
		log.Warn("alert agent failed", "err", err, "output", strings.TrimSpace(out.String()))
		return
	}
	log.Debug("alert agent done", "output", strings.TrimSpace(out.String()))
}

// limited keeps the first n bytes written.
type limited struct {
	b *bytes.Buffer
	n int
}

func (l *limited) Write(p []byte) (int, error) {
	if room := l.n - l.b.Len(); room > 0 {
		l.b.Write(p[:min(len(p), room)])
	}
	return len(p), nil
}
