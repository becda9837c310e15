package importer

import (
	"fmt"
	"math/rand/v2"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"testing"
	"time"

	"pacer/daemon/scheduler"
	"pacer/share/xmltree"
)

// TestCMANDomainPlacement draws failover domains (ordered or not,
// restricted or not, random members and priorities) and nodes that are up
// or down, and checks that the scheduler places the converted service
// where rgmanager would start it: on an online member with the best
// priority; with no member online on any online node unless the domain is
// restricted, then nowhere.
func TestCMANDomainPlacement(t *testing.T) {
	rng := rand.New(rand.NewPCG(15, 2026))
	startRe := regexp.MustCompile(`Start\s+(\S+)\s+\(\s*(\S+)\s*\)`)
	for iter := 0; iter < 60; iter++ {
		n := 2 + rng.IntN(4)
		var nodes []string
		up := map[string]bool{}
		for i := 1; i <= n; i++ {
			name := fmt.Sprintf("n%d", i)
			nodes = append(nodes, name)
			up[name] = rng.IntN(3) > 0
		}
		ordered, restricted := rng.IntN(2) == 1, rng.IntN(2) == 1
		prio := map[string]int{}
		var b strings.Builder
		fmt.Fprintf(&b, `<cluster name="c"><clusternodes>`)
		for i, nd := range nodes {
			fmt.Fprintf(&b, `<clusternode name="%s" nodeid="%d"/>`, nd, i+1)
		}
		fmt.Fprintf(&b, `</clusternodes><rm><failoverdomains><failoverdomain name="d" ordered="%d" restricted="%d">`, b2i(ordered), b2i(restricted))
		for _, nd := range nodes {
			if rng.IntN(2) == 0 && len(prio) < n-1 || len(prio) == 0 && nd == nodes[n-1] {
				prio[nd] = 1 + rng.IntN(4)
				fmt.Fprintf(&b, `<failoverdomainnode name="%s" priority="%d"/>`, nd, prio[nd])
			}
		}
		b.WriteString(`</failoverdomain></failoverdomains><service name="s" domain="d"><ip address="10.0.0.1"/><script name="a" file="/etc/init.d/a"/></service></rm></cluster>`)
		r, err := CMAN([]byte(b.String()), "cluster.conf", Options{})
		if err != nil {
			t.Fatal(err)
		}
		// Where rgmanager would start it.
		var want []string
		best := 1000
		for _, nd := range nodes {
			if p, ok := prio[nd]; ok && up[nd] {
				if !ordered {
					p = 1
				}
				if p < best {
					best, want = p, nil
				}
				if p == best {
					want = append(want, nd)
				}
			}
		}
		if len(want) == 0 && !restricted {
			for _, nd := range nodes {
				if up[nd] {
					want = append(want, nd)
				}
			}
		}
		doc, _ := xmltree.ParseBytes(r.CIB.Bytes(xmltree.Pretty))
		doc.Root.SetAttr("have-quorum", "1")
		st := doc.Root.Child("status")
		for i, nd := range nodes {
			if up[nd] {
				st.Append(xmltree.New("node_state", "id", fmt.Sprint(i+1), "uname", nd, "in_ccm", "true", "crmd", "online", "join", "member", "expected", "member"))
			} else {
				st.Append(xmltree.New("node_state", "id", fmt.Sprint(i+1), "uname", nd, "in_ccm", "false", "crmd", "offline", "join", "down", "expected", "down"))
			}
		}
		res, err := scheduler.Run(doc, scheduler.Input{Now: time.Date(2026, 12, 7, 0, 0, 0, 0, time.UTC)})
		if err != nil {
			t.Fatal(err)
		}
		got := ""
		for _, l := range res.Summary {
			if m := startRe.FindStringSubmatch(l); m != nil && m[1] == "s-ip-10.0.0.1" {
				got = m[2]
			}
		}
		ok := got == "" && len(want) == 0 || slices.Contains(want, got)
		if !ok {
			t.Errorf("case %d: ordered=%v restricted=%v priorities %v up %v: started on %q, rgmanager would use %v\n%s",
				iter, ordered, restricted, prio, up, got, want, strings.Join(res.Summary, "\n"))
		}
		// Pacemaker 3.0 itself, on a sample: the same CIB, the same answer.
		if run, found := oracleRun(); found && iter < 10 {
			f := filepath.Join(t.TempDir(), "cib.xml")
			os.WriteFile(f, doc.Bytes(xmltree.Pretty), 0o644)
			out, err := exec.Command(run, "crm_simulate", "-S", "-x", f).CombinedOutput()
			if err != nil {
				t.Fatalf("crm_simulate: %v\n%s", err, out)
			}
			pm := ""
			for _, l := range strings.Split(string(out), "\n") {
				if m := startRe.FindStringSubmatch(l); m != nil && m[1] == "s-ip-10.0.0.1" {
					pm = m[2]
				}
			}
			if pm == "" && len(want) != 0 || pm != "" && !slices.Contains(want, pm) {
				t.Errorf("case %d: Pacemaker starts it on %q, rgmanager would use %v\n%s", iter, pm, want, out)
			}
		}
	}
}

func b2i(b bool) int {
	if b {
		return 1
	}
	return 0
}

// TestCMANFailback: a service running on its domain's second node goes
// back to the first when that returns, unless the domain has nofailback;
// without a domain it stays where it runs (rgmanager never rebalanced).
func TestCMANFailback(t *testing.T) {
	for _, c := range []struct {
		domain string
		moves  bool
	}{
		{`ordered="1" nofailback="0"`, true},
		{`ordered="1" nofailback="1"`, false},
		{`ordered="1" restricted="1" nofailback="1"`, false},
		{"", false},
	} {
		conf := `<cluster name="c"><clusternodes><clusternode name="n1" nodeid="1"/><clusternode name="n2" nodeid="2"/><clusternode name="n3" nodeid="3"/></clusternodes><rm>`
		svc := `<service name="s"`
		if c.domain != "" {
			conf += `<failoverdomains><failoverdomain name="d" ` + c.domain + `><failoverdomainnode name="n1" priority="1"/><failoverdomainnode name="n2" priority="2"/></failoverdomain></failoverdomains>`
			svc += ` domain="d"`
		}
		conf += svc + `><ip address="10.0.0.1"/><script name="a" file="/etc/init.d/a"/><script name="b" file="/etc/init.d/b"/></service></rm></cluster>`
		r, err := CMAN([]byte(conf), "cluster.conf", Options{})
		if err != nil {
			t.Fatal(err)
		}
		doc, _ := xmltree.ParseBytes(r.CIB.Bytes(xmltree.Pretty))
		doc.Root.SetAttr("have-quorum", "1")
		st := doc.Root.Child("status")
		for i, nd := range []string{"n1", "n2", "n3"} {
			ns := st.Append(xmltree.New("node_state", "id", fmt.Sprint(i+1), "uname", nd, "in_ccm", "true", "crmd", "online", "join", "member", "expected", "member"))
			lrm := ns.Append(xmltree.New("lrm", "id", fmt.Sprint(i+1))).Append(xmltree.New("lrm_resources"))
			for _, p := range cfgOf(r).Child("resources").Find(func(e *xmltree.Element) bool { return e.Name == "group" }).ChildrenNamed("primitive") {
				rc := "7"
				if nd == "n2" {
					rc = "0"
				}
				lr := lrm.Append(xmltree.New("lrm_resource", "id", p.ID(), "class", p.Attr("class"), "type", p.Attr("type")))
				if p.Attr("provider") != "" {
					lr.SetAttr("provider", p.Attr("provider"))
				}
				op := "start"
				if rc == "7" {
					op = "monitor"
				}
				lr.Append(xmltree.New("lrm_rsc_op", "id", p.ID()+"_last_0", "operation", op, "interval", "0",
					"operation_key", p.ID()+"_"+op+"_0", "crm-debug-origin", "test", "crm_feature_set", "3.17.4",
					"transition-key", "1:1:0:abc", "transition-magic", "0:"+rc+";1:1:0:abc", "call-id", "1",
					"rc-code", rc, "op-status", "0", "exec-time", "1", "queue-time", "0"))
			}
		}
		res, err := scheduler.Run(doc, scheduler.Input{Now: time.Date(2026, 12, 7, 0, 0, 0, 0, time.UTC)})
		if err != nil {
			t.Fatal(err)
		}
		moved := false
		for _, l := range res.Summary {
			if strings.Contains(l, "Move") && strings.Contains(l, "s-ip-10.0.0.1") {
				moved = true
			}
		}
		if moved != c.moves {
			t.Errorf("domain %q: moved %v, want %v\n%s", c.domain, moved, c.moves, strings.Join(res.Summary, "\n"))
		}
	}
}
