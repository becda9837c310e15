package shell_test

import (
	"encoding/json"
	"strings"
	"testing"
)

// Every command that prints data prints one JSON document with -o json
// (before or after the command), and errors are one JSON object on stderr.
func TestJSONEverywhere(t *testing.T) {
	cib := emptyFile(t)
	if r := run(t, cib, "", "configure", "primitive", "vip", "ocf:heartbeat:Dummy"); r.code != 0 {
		t.Fatalf("primitive: %s", r.stderr)
	}
	cmds := [][]string{
		{"status"}, {"mon", "-1"}, {"cluster", "status"}, {"configure", "show"}, {"configure", "show", "vip"},
		{"configure", "verify"}, {"cib", "verify"}, {"cib", "list"},
		{"resource", "status"}, {"resource", "locate", "vip"}, {"resource", "param", "vip", "show"},
		{"resource", "constraints", "vip"}, {"resource", "scores"}, {"resource", "why", "vip"},
		{"resource", "failcount", "vip", "show", "node1"},
		{"node", "show"}, {"node", "status"}, {"node", "attribute", "node1", "show"},
		{"ra", "classes"}, {"ra", "providers"}, {"ra", "list", "ocf:heartbeat"}, {"ra", "list", "ocf", "pacemaker"},
		{"ra", "info", "Dummy"}, {"stonith", "list"}, {"stonith", "history"}, {"stonith", "agents"},
		{"simulate"},
	}
	for _, c := range cmds {
		for _, args := range [][]string{append([]string{"-o", "json"}, c...), append(append([]string{}, c...), "-o", "json")} {
			r := run(t, cib, "", args...)
			var v any
			if err := json.Unmarshal([]byte(r.stdout), &v); err != nil {
				t.Errorf("pacer %s: not JSON (%v), exit %d:\n%s\nstderr: %s", strings.Join(args, " "), err, r.code, r.stdout, r.stderr)
			}
		}
	}
	// A list that is empty is [], not null.
	r := run(t, cib, "", "-o", "json", "resource", "constraints", "vip")
	if strings.TrimSpace(r.stdout) != "[]" {
		t.Errorf("resource constraints with none: %q, want []", r.stdout)
	}
	// ra list is the agents of the class, as in text.
	text := strings.Fields(run(t, "", "", "ra", "list", "ocf:pacemaker").stdout)
	var list []string
	if err := json.Unmarshal([]byte(run(t, "", "", "-o", "json", "ra", "list", "ocf:pacemaker").stdout), &list); err != nil || strings.Join(list, " ") != strings.Join(text, " ") || len(list) == 0 {
		t.Errorf("ra list json %v, text %v (%v)", list, text, err)
	}
	// Errors.
	for _, args := range [][]string{{"resource", "locate", "nosuch"}, {"resource", "nosuch"}, {"configure", "show", "nosuch"}} {
		r := run(t, cib, "", append([]string{"-o", "json"}, args...)...)
		var e struct {
			Error    string `json:"error"`
			ExitCode int    `json:"exit_code"`
		}
		if err := json.Unmarshal([]byte(r.stderr), &e); err != nil || e.Error == "" || !strings.Contains(e.Error, "nosuch") {
			t.Errorf("pacer -o json %s: stderr %q is not a JSON error naming what (%v)", strings.Join(args, " "), r.stderr, err)
		}
		if r.code == 0 || e.ExitCode != r.code {
			t.Errorf("pacer -o json %s: exit %d, JSON says %d", strings.Join(args, " "), r.code, e.ExitCode)
		}
	}
}

// simulate -o json carries the same transition summary as the text.
func TestSimulateJSONSummary(t *testing.T) {
	cib := caseFile(t, "1-a-then-bm-move-b")
	var out struct {
		Summary []string `json:"summary"`
		Actions []struct {
			Task, Resource, Node string
		} `json:"actions"`
	}
	r := run(t, "", "", "-o", "json", "simulate", "-x", cib)
	if err := json.Unmarshal([]byte(r.stdout), &out); err != nil {
		t.Fatalf("simulate -o json: %v\n%s%s", err, r.stdout, r.stderr)
	}
	text := run(t, "", "", "simulate", "-x", cib).stdout
	sum := text[strings.Index(text, "Transition Summary:"):strings.Index(text, "Executing Cluster Transition:")]
	var want []string
	for _, l := range strings.Split(sum, "\n")[1:] {
		if l = strings.TrimSpace(l); l != "" {
			want = append(want, strings.Join(strings.Fields(strings.TrimPrefix(l, "* ")), " "))
		}
	}
	if strings.Join(out.Summary, "|") != strings.Join(want, "|") || len(want) == 0 {
		t.Errorf("summary %q, text says %q", out.Summary, want)
	}
	found := false
	for _, a := range out.Actions {
		if a.Task == "migrate_to" && a.Resource == "B" && a.Node == "18node2" {
			found = true
		}
	}
	if !found {
		t.Errorf("no migrate_to of B on 18node2 among %+v", out.Actions)
	}
}
