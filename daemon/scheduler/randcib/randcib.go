// Package randcib generates small random clusters (a whole CIB: options,
// nodes, resources, constraints and a status section with operation
// history) for the differential test that compares Pacer's scheduler with
// Pacemaker's. A seed gives the same CIB every time.
//
// The clusters are meant to look like an admin's: 2-6 nodes, 3-15
// resources, every node state and history Pacemaker distinguishes, and
// op-digests computed as Pacemaker computes them, so that the reference
// does not restart everything for a "resource definition change". Options
// use the names Pacemaker 3.0 reads (stonith-enabled, ...); Pacer reads
// both those and 3.1's.
//
// Each cluster lists the features it exercises (Features); the test counts
// them for its coverage table and files each cluster in its strata.
package randcib

import (
	"fmt"
	"math/rand"
	"sort"
	"strconv"
	"strings"
)

// ExecutionDate is the cib element's execution-date of every cluster, so
// both schedulers evaluate rules and failure timeouts at the same instant.
const ExecutionDate = 1700000000

// Feature names, as printed in the coverage table.
var AllFeatures = []string{
	"node-standby", "node-maintenance", "node-offline", "node-unclean", "node-pending",
	"node-shutdown", "node-daemon-gone",
	"no-quorum", "no-quorum-policy", "fencing", "fencing-off", "fencing-topology",
	"primitive", "group", "clone", "clone-unique", "promotable", "clone-of-group", "interleave",
	"stickiness", "target-role", "is-managed", "rsc-maintenance", "migration-threshold",
	"failure-timeout", "allow-migrate", "requires", "multiple-active", "priority",
	"location", "location-rule", "resource-discovery", "colocation", "colocation-role",
	"order", "order-optional", "order-serialize", "order-asymmetrical", "set",
	"ticket", "utilization",
	"hist-running", "hist-failed", "hist-promoted", "hist-pending", "hist-orphan",
	"hist-active-twice", "hist-migration",
}

// Strata are the groups of clusters the differential reports separately;
// a cluster belongs to every stratum one of whose features it has.
var Strata = []struct {
	Name     string
	Features []string
}{
	{"quorum-fencing", []string{"no-quorum", "node-unclean", "node-daemon-gone", "fencing-topology"}},
	{"clones", []string{"clone", "clone-unique", "clone-of-group"}},
	{"promotable", []string{"promotable"}},
	{"migration", []string{"allow-migrate", "hist-migration"}},
	{"utilization", []string{"utilization"}},
	{"tickets", []string{"ticket"}},
}

// Cluster is one generated CIB.
type Cluster struct {
	Seed     int64
	XML      string
	Features map[string]bool
}

// StrataOf names the strata c belongs to.
func (c *Cluster) StrataOf() []string {
	var out []string
	for _, s := range Strata {
		for _, f := range s.Features {
			if c.Features[f] {
				out = append(out, s.Name)
				break
			}
		}
	}
	return out
}

type node struct {
	id, name string
	state    string // online, offline, unclean, pending, daemon-gone
	attrs    [][2]string
	shutdown bool
	util     int
}

func (n *node) up() bool { return n.state == "online" }

// prim is a primitive as configured; inst names its instances' history ids.
type prim struct {
	id, class, provider, typ string
	params                   map[string]string
	meta                     [][2]string
	promotable               bool
	migrate                  bool
	util                     int
}

// top is a top-level resource: a primitive, a group, or a clone of either.
type top struct {
	id      string
	kind    string // primitive, group, clone
	members []*prim
	child   string // clone: the group's id when a clone of a group
	meta    [][2]string
	unique  bool
	promo   bool
	max     int // clone-max (0: default)
}

type gen struct {
	rng      *rand.Rand
	f        map[string]bool
	nodes    []*node
	tops     []*top
	prims    []*prim
	call     int
	tickets  []string
	fencing  bool // stonith-enabled
	nodeMax2 bool // a clone has clone-node-max=2: none may interleave
	b        strings.Builder
}

func (g *gen) p(pct int) bool           { return g.rng.Intn(100) < pct }
func (g *gen) pick(xs ...string) string { return xs[g.rng.Intn(len(xs))] }

// Generate returns the cluster of seed.
func Generate(seed int64) *Cluster {
	g := &gen{rng: rand.New(rand.NewSource(seed)), f: map[string]bool{}}
	g.fencing = g.p(65)
	g.makeNodes()
	g.makeResources()
	g.render()
	return &Cluster{Seed: seed, XML: g.b.String(), Features: g.f}
}

func (g *gen) makeNodes() {
	n := 2 + g.rng.Intn(5)
	for i := 0; i < n; i++ {
		nd := &node{id: strconv.Itoa(i + 1), name: fmt.Sprintf("node%d", i+1), state: "online"}
		// node1 is the DC: always up.
		if i > 0 {
			switch r := g.rng.Intn(100); {
			case r < 10:
				nd.state = "offline"
			case r < 19 && g.fencing: // without fencing an unclean node is an error Pacemaker warns of
				nd.state = "unclean"
			case r < 24:
				nd.state = "pending"
			case r < 30 && g.fencing:
				nd.state = "daemon-gone"
			}
		}
		if nd.state == "online" || g.p(20) {
			switch r := g.rng.Intn(100); {
			case r < 8:
				nd.attrs = append(nd.attrs, [2]string{"standby", "on"})
				g.f["node-standby"] = true
			case r < 14:
				nd.attrs = append(nd.attrs, [2]string{"maintenance", "true"})
				g.f["node-maintenance"] = true
			}
		}
		if nd.state == "online" && i > 0 && g.p(8) {
			nd.shutdown = true
			g.f["node-shutdown"] = true
		}
		if g.p(30) {
			nd.attrs = append(nd.attrs, [2]string{"site", g.pick("a", "b")})
		}
		if nd.state != "online" {
			g.f["node-"+nd.state] = true
		}
		g.nodes = append(g.nodes, nd)
	}
}

func (g *gen) newPrim(id string, promo bool) *prim {
	p := &prim{id: id, class: "ocf", provider: "pacemaker", typ: "Dummy", params: map[string]string{}}
	if promo {
		p.typ, p.promotable = "Stateful", true
	}
	if g.p(40) {
		p.params["state"] = "/run/" + id + ".state"
	}
	if g.p(15) {
		p.params["fake"] = strconv.Itoa(g.rng.Intn(9))
	}
	g.prims = append(g.prims, p)
	return p
}

// rscMeta adds random meta attributes of a resource (primitive, group or
// clone) and notes the features.
func (g *gen) rscMeta(canMigrate, promotable bool) [][2]string {
	var m [][2]string
	add := func(f, k, v string) { m = append(m, [2]string{k, v}); g.f[f] = true }
	if g.p(12) {
		add("stickiness", "resource-stickiness", g.pick("0", "50", "100", "INFINITY"))
	}
	if g.p(10) {
		if promotable {
			add("target-role", "target-role", g.pick("Stopped", "Started", "Unpromoted", "Promoted"))
		} else {
			add("target-role", "target-role", g.pick("Stopped", "Started"))
		}
	}
	if g.p(7) {
		add("is-managed", "is-managed", "false")
	}
	if g.p(4) {
		add("rsc-maintenance", "maintenance", "true")
	}
	if g.p(10) {
		add("migration-threshold", "migration-threshold", g.pick("1", "2", "3"))
	}
	if g.p(10) {
		add("failure-timeout", "failure-timeout", g.pick("60s", "10min", "1h"))
	}
	if canMigrate && g.p(25) {
		add("allow-migrate", "allow-migrate", "true")
	}
	if g.p(5) {
		if g.fencing {
			add("requires", "requires", g.pick("nothing", "quorum", "fencing"))
		} else {
			add("requires", "requires", g.pick("nothing", "quorum"))
		}
	}
	if g.p(5) {
		add("multiple-active", "multiple-active", g.pick("stop_start", "stop_only", "block", "stop_unexpected"))
	}
	if g.p(8) {
		add("priority", "priority", strconv.Itoa(1+g.rng.Intn(10)))
	}
	return m
}

func (g *gen) makeResources() {
	nRsc := 3 + g.rng.Intn(13)
	made := 0
	for made < nRsc {
		i := len(g.tops) + 1
		switch r := g.rng.Intn(100); {
		case r < 45: // primitive
			p := g.newPrim(fmt.Sprintf("rsc%d", i), false)
			p.meta = g.rscMeta(true, false)
			for _, kv := range p.meta {
				if kv[0] == "allow-migrate" {
					p.migrate = true
				}
			}
			g.tops = append(g.tops, &top{id: p.id, kind: "primitive", members: []*prim{p}})
			g.f["primitive"] = true
			made++
		case r < 62: // group
			t := &top{id: fmt.Sprintf("grp%d", i), kind: "group", meta: g.rscMeta(false, false)}
			for j := 0; j < 2+g.rng.Intn(2); j++ {
				t.members = append(t.members, g.newPrim(fmt.Sprintf("g%dm%d", i, j+1), false))
			}
			g.tops = append(g.tops, t)
			g.f["group"] = true
			made += len(t.members)
		default: // clone
			t := &top{id: fmt.Sprintf("cl%d", i), kind: "clone"}
			kind := g.rng.Intn(100)
			switch {
			case kind < 35:
				t.promo = true
				t.members = []*prim{g.newPrim(fmt.Sprintf("st%d", i), true)}
				g.f["promotable"] = true
			case kind < 52:
				t.child = fmt.Sprintf("cg%d", i)
				t.members = []*prim{g.newPrim(fmt.Sprintf("cg%dm1", i), false), g.newPrim(fmt.Sprintf("cg%dm2", i), false)}
				g.f["clone-of-group"] = true
			default:
				t.members = []*prim{g.newPrim(fmt.Sprintf("c%d", i), false)}
				g.f["clone"] = true
			}
			if !t.promo && g.p(20) {
				t.unique = true
				g.f["clone-unique"] = true
			}
			t.meta = g.rscMeta(false, t.promo)
			if !g.nodeMax2 && g.p(30) {
				t.meta = append(t.meta, [2]string{"interleave", "true"})
				g.f["interleave"] = true
			}
			if g.p(25) {
				t.max = 1 + g.rng.Intn(len(g.nodes))
				t.meta = append(t.meta, [2]string{"clone-max", strconv.Itoa(t.max)})
			}
			if t.unique {
				t.meta = append(t.meta, [2]string{"globally-unique", "true"})
				// (an interleaved clone's peers need as many instances per node)
				if !g.f["interleave"] && g.p(50) {
					g.nodeMax2 = true
					t.meta = append(t.meta, [2]string{"clone-node-max", "2"})
				}
			}
			if t.promo {
				t.meta = append(t.meta, [2]string{"promotable", "true"})
				if g.p(20) {
					t.meta = append(t.meta, [2]string{"promoted-max", "2"})
				}
			}
			if g.p(15) {
				t.meta = append(t.meta, [2]string{"notify", "true"})
			}
			g.tops = append(g.tops, t)
			made += 2
		}
	}
}

// inst is a place where history says an instance of p ran.
type inst struct {
	p    *prim
	id   string // lrm_resource id
	node *node
}

func (g *gen) render() {
	b := &g.b
	quorum := !g.p(15)
	if !quorum {
		g.f["no-quorum"] = true
	}
	fencing := g.fencing
	if fencing {
		g.f["fencing"] = true
	} else {
		g.f["fencing-off"] = true
	}
	fmt.Fprintf(b, `<cib crm_feature_set="3.19.6" validate-with="pacemaker-3.10" epoch="%d" num_updates="0" admin_epoch="0" have-quorum="%d" dc-uuid="1" execution-date="%d">
  <configuration>
    <crm_config>
      <cluster_property_set id="cib-bootstrap-options">
        <nvpair id="opt-stonith-enabled" name="stonith-enabled" value="%v"/>
`, 1+g.rng.Intn(100), b2i(quorum), ExecutionDate, fencing)
	if g.p(35) {
		fmt.Fprintf(b, "        <nvpair id=\"opt-nqp\" name=\"no-quorum-policy\" value=\"%s\"/>\n", g.nqp())
		g.f["no-quorum-policy"] = true
	}
	strategy := ""
	if g.p(15) {
		strategy = g.pick("utilization", "minimal", "balanced")
		fmt.Fprintf(b, "        <nvpair id=\"opt-ps\" name=\"placement-strategy\" value=\"%s\"/>\n", strategy)
		g.f["utilization"] = true
	}
	if g.p(10) {
		fmt.Fprintf(b, "        <nvpair id=\"opt-sfs\" name=\"start-failure-is-fatal\" value=\"false\"/>\n")
	}
	if g.p(10) {
		fmt.Fprintf(b, "        <nvpair id=\"opt-sor\" name=\"stop-orphan-resources\" value=\"false\"/>\n")
	}
	b.WriteString("      </cluster_property_set>\n    </crm_config>\n    <nodes>\n")
	for _, n := range g.nodes {
		if strategy != "" {
			n.util = 1 + g.rng.Intn(4)
		}
		if len(n.attrs) == 0 && n.util == 0 {
			fmt.Fprintf(b, "      <node id=\"%s\" uname=\"%s\"/>\n", n.id, n.name)
			continue
		}
		fmt.Fprintf(b, "      <node id=\"%s\" uname=\"%s\">\n", n.id, n.name)
		if len(n.attrs) > 0 {
			fmt.Fprintf(b, "        <instance_attributes id=\"%s-attrs\">\n", n.name)
			for _, kv := range n.attrs {
				fmt.Fprintf(b, "          <nvpair id=\"%s-%s\" name=\"%s\" value=\"%s\"/>\n", n.name, kv[0], kv[0], kv[1])
			}
			b.WriteString("        </instance_attributes>\n")
		}
		if n.util > 0 {
			fmt.Fprintf(b, "        <utilization id=\"%s-util\"><nvpair id=\"%s-cpu\" name=\"cpu\" value=\"%d\"/></utilization>\n", n.name, n.name, n.util)
		}
		b.WriteString("      </node>\n")
	}
	b.WriteString("    </nodes>\n    <resources>\n")
	var devices []string
	if fencing || g.p(30) {
		nd := 1
		if g.p(25) {
			nd = 2
		}
		for i := 1; i <= nd; i++ {
			id := fmt.Sprintf("fence%d", i)
			p := &prim{id: id, class: "stonith", typ: "fence_dummy", params: map[string]string{}}
			if i == 2 { // the first can fence every node: an unclean node nothing can fence is an error
				p.params["pcmk_host_list"] = g.nodes[g.rng.Intn(len(g.nodes))].name
			}
			g.prims = append(g.prims, p)
			g.writePrim(p, "      ")
			devices = append(devices, id)
		}
	}
	for _, t := range g.tops {
		switch t.kind {
		case "primitive":
			if strategy != "" && g.p(70) {
				t.members[0].util = 1 + g.rng.Intn(2)
			}
			g.writePrim(t.members[0], "      ")
		case "group":
			fmt.Fprintf(b, "      <group id=\"%s\">\n", t.id)
			g.writeMeta(t.id, t.meta, "        ")
			for _, m := range t.members {
				g.writePrim(m, "        ")
			}
			b.WriteString("      </group>\n")
		case "clone":
			fmt.Fprintf(b, "      <clone id=\"%s\">\n", t.id)
			g.writeMeta(t.id, t.meta, "        ")
			if t.child != "" {
				fmt.Fprintf(b, "        <group id=\"%s\">\n", t.child)
				for _, m := range t.members {
					g.writePrim(m, "          ")
				}
				b.WriteString("        </group>\n")
			} else {
				g.writePrim(t.members[0], "        ")
			}
			b.WriteString("      </clone>\n")
		}
	}
	b.WriteString("    </resources>\n    <constraints>\n")
	g.constraints()
	b.WriteString("    </constraints>\n")
	if len(devices) > 0 && g.p(20) {
		g.f["fencing-topology"] = true
		b.WriteString("    <fencing-topology>\n")
		for _, n := range g.nodes {
			if g.p(50) {
				continue
			}
			for i, d := range devices {
				fmt.Fprintf(b, "      <fencing-level id=\"fl-%s-%d\" target=\"%s\" index=\"%d\" devices=\"%s\"/>\n", n.name, i+1, n.name, i+1, d)
			}
		}
		b.WriteString("    </fencing-topology>\n")
	}
	if g.p(20) {
		fmt.Fprintf(b, "    <rsc_defaults>\n      <meta_attributes id=\"rsc-defaults\">\n        <nvpair id=\"rd-stick\" name=\"resource-stickiness\" value=\"%s\"/>\n      </meta_attributes>\n    </rsc_defaults>\n", g.pick("1", "100", "1000"))
		g.f["stickiness"] = true
	}
	b.WriteString("  </configuration>\n  <status>\n")
	g.status()
	if len(g.tickets) > 0 {
		b.WriteString("    <tickets>\n")
		for _, t := range g.tickets {
			switch r := g.rng.Intn(4); r {
			case 0:
				fmt.Fprintf(b, "      <ticket_state id=\"%s\" granted=\"false\" last-granted=\"%d\"/>\n", t, ExecutionDate-600)
			case 1:
				fmt.Fprintf(b, "      <ticket_state id=\"%s\" granted=\"true\" standby=\"true\" last-granted=\"%d\"/>\n", t, ExecutionDate-600)
			case 2:
				fmt.Fprintf(b, "      <ticket_state id=\"%s\" granted=\"true\" last-granted=\"%d\"/>\n", t, ExecutionDate-600)
			}
		}
		b.WriteString("    </tickets>\n")
	}
	b.WriteString("  </status>\n</cib>\n")
}

func b2i(v bool) int {
	if v {
		return 1
	}
	return 0
}

func (g *gen) writeMeta(id string, meta [][2]string, ind string) {
	if len(meta) == 0 {
		return
	}
	fmt.Fprintf(&g.b, "%s<meta_attributes id=\"%s-meta\">\n", ind, id)
	for _, kv := range meta {
		fmt.Fprintf(&g.b, "%s  <nvpair id=\"%s-meta-%s\" name=\"%s\" value=\"%s\"/>\n", ind, id, kv[0], kv[0], kv[1])
	}
	fmt.Fprintf(&g.b, "%s</meta_attributes>\n", ind)
}

func (g *gen) writePrim(p *prim, ind string) {
	b := &g.b
	if p.provider != "" {
		fmt.Fprintf(b, "%s<primitive id=\"%s\" class=\"%s\" provider=\"%s\" type=\"%s\">\n", ind, p.id, p.class, p.provider, p.typ)
	} else {
		fmt.Fprintf(b, "%s<primitive id=\"%s\" class=\"%s\" type=\"%s\">\n", ind, p.id, p.class, p.typ)
	}
	if len(p.params) > 0 {
		fmt.Fprintf(b, "%s  <instance_attributes id=\"%s-params\">\n", ind, p.id)
		for _, k := range sortedKeys(p.params) {
			fmt.Fprintf(b, "%s    <nvpair id=\"%s-params-%s\" name=\"%s\" value=\"%s\"/>\n", ind, p.id, k, k, p.params[k])
		}
		fmt.Fprintf(b, "%s  </instance_attributes>\n", ind)
	}
	g.writeMeta(p.id, p.meta, ind+"  ")
	if p.util > 0 {
		fmt.Fprintf(b, "%s  <utilization id=\"%s-util\"><nvpair id=\"%s-util-cpu\" name=\"cpu\" value=\"%d\"/></utilization>\n", ind, p.id, p.id, p.util)
	}
	fmt.Fprintf(b, "%s  <operations>\n", ind)
	if p.promotable {
		fmt.Fprintf(b, "%s    <op id=\"%s-monitor-10s\" name=\"monitor\" interval=\"10s\" timeout=\"20s\" role=\"Promoted\"/>\n", ind, p.id)
		fmt.Fprintf(b, "%s    <op id=\"%s-monitor-11s\" name=\"monitor\" interval=\"11s\" timeout=\"20s\" role=\"Unpromoted\"/>\n", ind, p.id)
	} else {
		fmt.Fprintf(b, "%s    <op id=\"%s-monitor-10s\" name=\"monitor\" interval=\"10s\" timeout=\"20s\"/>\n", ind, p.id)
	}
	fmt.Fprintf(b, "%s  </operations>\n%s</primitive>\n", ind, ind)
}

func sortedKeys(m map[string]string) []string {
	ks := make([]string, 0, len(m))
	for k := range m {
		ks = append(ks, k)
	}
	sort.Strings(ks)
	return ks
}

// constrainable are the ids constraints may name: top-level resources
// (clones by their clone id, groups by their group id).
func (g *gen) constrainable() []*top { return g.tops }

func (g *gen) anyTop() *top { return g.tops[g.rng.Intn(len(g.tops))] }

func (g *gen) score() string {
	return g.pick("INFINITY", "-INFINITY", "100", "-100", "50", "200", "0")
}

func (g *gen) role(t *top) string {
	if t.promo && g.p(60) {
		return g.pick("Promoted", "Unpromoted", "Started")
	}
	return ""
}

func (g *gen) constraints() {
	b := &g.b
	n := 0
	id := func(kind string) string { n++; return fmt.Sprintf("%s%d", kind, n) }
	// locations
	for i := g.rng.Intn(4); i > 0; i-- {
		t := g.anyTop()
		nd := g.nodes[g.rng.Intn(len(g.nodes))]
		g.f["location"] = true
		disc := ""
		if g.p(15) {
			disc = fmt.Sprintf(" resource-discovery=\"%s\"", g.pick("never", "exclusive", "always"))
			g.f["resource-discovery"] = true
		}
		if g.p(30) {
			g.f["location-rule"] = true
			lid := id("loc")
			role := ""
			if r := g.role(t); r != "" {
				role = " role=\"" + r + "\""
			}
			fmt.Fprintf(b, "      <rsc_location id=\"%s\" rsc=\"%s\"%s>\n        <rule id=\"%s-rule\" score=\"%s\"%s>\n", lid, t.id, disc, lid, g.score(), role)
			switch g.rng.Intn(3) {
			case 0:
				fmt.Fprintf(b, "          <expression id=\"%s-e\" attribute=\"site\" operation=\"eq\" value=\"%s\"/>\n", lid, g.pick("a", "b"))
			case 1:
				fmt.Fprintf(b, "          <expression id=\"%s-e\" attribute=\"#uname\" operation=\"ne\" value=\"%s\"/>\n", lid, nd.name)
			default:
				fmt.Fprintf(b, "          <expression id=\"%s-e\" attribute=\"site\" operation=\"defined\"/>\n", lid)
			}
			b.WriteString("        </rule>\n      </rsc_location>\n")
			continue
		}
		fmt.Fprintf(b, "      <rsc_location id=\"%s\" rsc=\"%s\" node=\"%s\" score=\"%s\"%s/>\n", id("loc"), t.id, nd.name, g.score(), disc)
	}
	if len(g.tops) < 2 {
		return
	}
	two := func() (*top, *top) {
		a := g.anyTop()
		for {
			if c := g.anyTop(); c != a {
				return a, c
			}
		}
	}
	for i := g.rng.Intn(3); i > 0; i-- {
		a, c := two()
		g.f["colocation"] = true
		roles := ""
		if r := g.role(a); r != "" {
			roles += " rsc-role=\"" + r + "\""
			g.f["colocation-role"] = true
		}
		if r := g.role(c); r != "" {
			roles += " with-rsc-role=\"" + r + "\""
			g.f["colocation-role"] = true
		}
		fmt.Fprintf(b, "      <rsc_colocation id=\"%s\" rsc=\"%s\" with-rsc=\"%s\" score=\"%s\"%s/>\n", id("col"), a.id, c.id, g.pick("INFINITY", "-INFINITY", "100", "-200"), roles)
	}
	for i := g.rng.Intn(3); i > 0; i-- {
		a, c := two()
		g.f["order"] = true
		extra := ""
		switch r := g.rng.Intn(100); {
		case r < 20:
			extra = " kind=\"Optional\""
			g.f["order-optional"] = true
		case r < 32:
			extra = " kind=\"Serialize\""
			g.f["order-serialize"] = true
		}
		if g.p(15) {
			extra += " symmetrical=\"false\""
			g.f["order-asymmetrical"] = true
		}
		acts := ""
		if a.promo && g.p(50) {
			acts = " first-action=\"promote\""
		}
		if c.promo && g.p(40) {
			acts += " then-action=\"promote\""
		}
		fmt.Fprintf(b, "      <rsc_order id=\"%s\" first=\"%s\" then=\"%s\"%s%s/>\n", id("ord"), a.id, c.id, extra, acts)
	}
	if len(g.tops) >= 3 && g.p(18) {
		g.f["set"] = true
		a, c := two()
		d := g.anyTop()
		for d == a || d == c {
			d = g.anyTop()
		}
		sid := id("set")
		if g.p(50) {
			fmt.Fprintf(b, "      <rsc_order id=\"%s\" kind=\"%s\">\n        <resource_set id=\"%s-a\" sequential=\"%v\">\n          <resource_ref id=\"%s\"/>\n          <resource_ref id=\"%s\"/>\n        </resource_set>\n        <resource_set id=\"%s-b\">\n          <resource_ref id=\"%s\"/>\n        </resource_set>\n      </rsc_order>\n",
				sid, g.pick("Mandatory", "Optional"), sid, g.p(50), a.id, c.id, sid, d.id)
		} else {
			fmt.Fprintf(b, "      <rsc_colocation id=\"%s\" score=\"%s\">\n        <resource_set id=\"%s-a\" sequential=\"%v\">\n          <resource_ref id=\"%s\"/>\n          <resource_ref id=\"%s\"/>\n        </resource_set>\n        <resource_set id=\"%s-b\">\n          <resource_ref id=\"%s\"/>\n        </resource_set>\n      </rsc_colocation>\n",
				sid, g.pick("INFINITY", "100"), sid, g.p(50), a.id, c.id, sid, d.id)
		}
	}
	if g.p(12) {
		g.f["ticket"] = true
		for i := 1 + g.rng.Intn(2); i > 0; i-- {
			t := g.anyTop()
			tk := fmt.Sprintf("ticket%s", g.pick("A", "B"))
			role := ""
			if r := g.role(t); r != "" {
				role = " rsc-role=\"" + r + "\""
			}
			fmt.Fprintf(b, "      <rsc_ticket id=\"%s\" rsc=\"%s\" ticket=\"%s\" loss-policy=\"%s\"%s/>\n", id("tk"), t.id, tk, g.lossPolicy(), role)
			if !contains(g.tickets, tk) {
				g.tickets = append(g.tickets, tk)
			}
		}
	}
}

func contains(xs []string, x string) bool {
	for _, y := range xs {
		if y == x {
			return true
		}
	}
	return false
}

func (g *gen) nqp() string {
	if g.fencing {
		return g.pick("ignore", "freeze", "stop", "demote", "fence")
	}
	return g.pick("ignore", "freeze", "stop", "demote")
}

func (g *gen) lossPolicy() string {
	if g.fencing {
		return g.pick("stop", "demote", "freeze", "fence")
	}
	return g.pick("stop", "demote", "freeze")
}
