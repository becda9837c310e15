package shell_test

import (
	"os"
	"strings"
	"testing"
)

// Validation as strict as crmsh 5.0: an unknown parameter, a required one
// missing, an unknown operation are errors that name the resource and
// suggest, unless forced; then they are warnings and the object is stored.
// Pacemaker's own parameters (pcmk_* of fence devices, trace_ra) pass.
func TestStrictAgentChecks(t *testing.T) {
	cases := []struct {
		args []string
		want string // in the error
	}{
		{[]string{"primitive", "ip1", "IPaddr2"}, "required parameter ip of ocf:heartbeat:IPaddr2 is not set"},
		{[]string{"primitive", "ip2", "IPaddr2", "params", "ip=10.0.0.1", "cidr_netmsk=24"}, `has no parameter "cidr_netmsk", did you mean "cidr_netmask"?`},
		{[]string{"primitive", "d1", "Dummy", "op", "monitr", "interval=10s"}, `has no operation "monitr", did you mean "monitor"?`},
		{[]string{"primitive", "d2", "Dummy", "op", "monitor", "interval="}, "op monitor: interval= needs a value"},
	}
	for _, c := range cases {
		cib := emptyFile(t)
		r := run(t, cib, "", append([]string{"configure"}, c.args...)...)
		if r.code == 0 || !strings.Contains(r.stderr, c.want) {
			t.Errorf("configure %s: exit %d, stderr %q, want an error with %q", strings.Join(c.args, " "), r.code, r.stderr, c.want)
		}
		data, _ := os.ReadFile(cib)
		if strings.Contains(string(data), `id="`+c.args[1]+`"`) {
			t.Errorf("configure %s stored the refused object", strings.Join(c.args, " "))
		}
		if c.args[1] == "d2" {
			continue // a syntax error stays an error when forced
		}
		r = run(t, cib, "", append([]string{"-F", "configure"}, c.args...)...)
		if r.code != 0 || !strings.Contains(r.stderr, "WARNING") {
			t.Errorf("forced configure %s: exit %d, stderr %q: want a warning and success", strings.Join(c.args, " "), r.code, r.stderr)
		}
	}
	cib := emptyFile(t)
	for _, args := range [][]string{
		{"primitive", "f1", "stonith:fence_ipmilan", "params", "pcmk_host_list=node1", "pcmk_delay_max=5", "ip=10.0.0.9", "username=u", "password=p"},
		{"primitive", "d3", "Dummy", "params", "trace_ra=1", "op", "monitor", "interval=10s", "op", "reload", "timeout=10s"},
		{"primitive", "s1", "ocf:pacemaker:Stateful", "op", "promote", "op", "demote", "op", "notify"},
	} {
		if r := run(t, cib, "", append([]string{"configure"}, args...)...); r.code != 0 {
			t.Errorf("configure %s: exit %d: %s", strings.Join(args, " "), r.code, r.stderr)
		}
	}
}

// delete --force (either place) deletes a running resource, and says
// which other objects went with it.
func TestDeleteForceAndWhatWent(t *testing.T) {
	cib := caseFile(t, "simple1")
	// simple1 has rsc1 running on node1.
	run(t, cib, "", "-F", "configure", "primitive", "other", "Dummy")
	if r := run(t, cib, "", "configure", "colocation", "c1", "inf:", "other", "rsc1"); r.code != 0 {
		t.Fatalf("colocation: %s", r.stderr)
	}
	if r := run(t, cib, "", "resource", "locate", "rsc1"); !strings.Contains(r.stdout, "running on") {
		t.Skipf("rsc1 not running in simple1: %s", r.stdout)
	}
	r := run(t, cib, "", "configure", "delete", "rsc1")
	if r.code == 0 || !strings.Contains(r.stderr, "running") {
		t.Fatalf("delete of a running resource without force: exit %d %s", r.code, r.stderr)
	}
	r = run(t, cib, "", "configure", "delete", "rsc1", "--force")
	if r.code != 0 {
		t.Fatalf("delete rsc1 --force: %s", r.stderr)
	}
	if !strings.Contains(r.stderr, "colocation c1") {
		t.Errorf("delete did not say the colocation went with it: %q", r.stderr)
	}
	if got := run(t, cib, "", "configure", "show").stdout; strings.Contains(got, "rsc1") || strings.Contains(got, "c1") {
		t.Errorf("still there:\n%s", got)
	}
	run(t, cib, "", "-F", "configure", "primitive", "p2", "Dummy")
	if r := run(t, cib, "", "configure", "delete", "--force", "p2"); r.code != 0 {
		t.Errorf("delete --force p2: %s", r.stderr)
	}
}
