package randcib

import (
	"fmt"
	"strconv"
	"strings"

	"pacer/share/opdigest"
)

// op is one lrm_rsc_op of a node's history.
type op struct {
	key      string // <rsc>_<task>_<interval>; also the id unless last
	idSuffix string // "last_0", "last_failure_0", or "" (key)
	task     string
	interval int
	rc       int
	pending  bool
	target   int // expected rc
	extra    string
}

type lrmRsc struct {
	p   *prim
	id  string
	ops []op
}

// nodeHist is one node's lrm section and transient attributes.
type nodeHist struct {
	rscs  []*lrmRsc
	attrs [][2]string
}

func (h *nodeHist) rsc(p *prim, id string) *lrmRsc {
	for _, r := range h.rscs {
		if r.id == id {
			return r
		}
	}
	r := &lrmRsc{p: p, id: id}
	h.rscs = append(h.rscs, r)
	return r
}

// eligible are the nodes that may have run something: not pending (a node
// that never joined has no history) and, mostly, not cleanly offline.
func (g *gen) eligible() []*node {
	var out []*node
	for _, n := range g.nodes {
		switch n.state {
		case "pending":
			continue
		case "offline":
			if !g.p(25) {
				continue
			}
		}
		out = append(out, n)
	}
	return out
}

func (g *gen) status() {
	hist := map[*node]*nodeHist{}
	for _, n := range g.nodes {
		hist[n] = &nodeHist{}
	}
	running := func(h *nodeHist, p *prim, id string, promoted bool) {
		r := h.rsc(p, id)
		if promoted {
			r.ops = append(r.ops, op{task: "promote", idSuffix: "last_0"})
			r.ops = append(r.ops, op{task: "monitor", interval: 10000, rc: 8, target: 8})
			g.f["hist-promoted"] = true
			return
		}
		r.ops = append(r.ops, op{task: "start", idSuffix: "last_0"})
		if p.class != "stonith" || g.p(50) {
			iv := 10000
			if p.promotable {
				iv = 11000
			}
			r.ops = append(r.ops, op{task: "monitor", interval: iv})
		}
		g.f["hist-running"] = true
	}
	failed := func(n *node, p *prim, id string) {
		h := hist[n]
		r := h.rsc(p, id)
		g.f["hist-failed"] = true
		cnt := strconv.Itoa(1 + g.rng.Intn(3))
		if g.p(30) {
			// a failed start: fatal by default
			r.ops = []op{{task: "start", idSuffix: "last_failure_0", rc: 1}}
			r.ops = append(r.ops, op{task: "stop", idSuffix: "last_0"})
			h.attrs = append(h.attrs, [2]string{"fail-count-" + id + "#start_0", "INFINITY"},
				[2]string{"last-failure-" + id + "#start_0", strconv.Itoa(ExecutionDate - 100*(1+g.rng.Intn(50)))})
			return
		}
		iv := 10000
		if p.promotable {
			iv = 11000
		}
		r.ops = append(r.ops, op{task: "monitor", interval: iv, idSuffix: "last_failure_0", rc: g.pickRC()})
		h.attrs = append(h.attrs, [2]string{"fail-count-" + id + "#monitor_" + strconv.Itoa(iv), cnt},
			[2]string{"last-failure-" + id + "#monitor_" + strconv.Itoa(iv), strconv.Itoa(ExecutionDate - 100*(1+g.rng.Intn(50)))})
	}
	probed := func(n *node, p *prim, id string) {
		r := hist[n].rsc(p, id)
		if len(r.ops) == 0 {
			r.ops = append(r.ops, op{task: "monitor", idSuffix: "last_0", rc: 7, target: 7})
		}
	}
	el := g.eligible()
	fullProbes := g.p(50)
	for _, p := range g.prims {
		if p.class == "stonith" {
			if len(el) > 0 && g.p(70) {
				running(hist[el[g.rng.Intn(len(el))]], p, p.id, false)
			}
		}
	}
	for _, t := range g.tops {
		if len(el) == 0 {
			break
		}
		switch t.kind {
		case "primitive", "group":
			if !g.p(70) {
				break
			}
			n := el[g.rng.Intn(len(el))]
			upto := len(t.members)
			if t.kind == "group" && g.p(20) {
				upto = 1 + g.rng.Intn(len(t.members))
			}
			for _, m := range t.members[:upto] {
				switch {
				case g.p(5):
					r := hist[n].rsc(m, m.id)
					r.ops = append(r.ops, op{task: "start", idSuffix: "last_0", pending: true})
					g.f["hist-pending"] = true
				case m.migrate && len(el) > 1 && g.p(35):
					to := el[g.rng.Intn(len(el))]
					for to == n {
						to = el[g.rng.Intn(len(el))]
					}
					g.f["hist-migration"] = true
					r := hist[n].rsc(m, m.id)
					r.ops = append(r.ops, op{task: "migrate_to", idSuffix: "last_0",
						extra: fmt.Sprintf(` migrate_source="%s" migrate_target="%s"`, n.name, to.name)})
					r.ops = append(r.ops, op{task: "monitor", interval: 10000})
					if g.p(50) {
						tr := hist[to].rsc(m, m.id)
						tr.ops = append(tr.ops, op{task: "migrate_from", idSuffix: "last_0",
							extra: fmt.Sprintf(` migrate_source="%s" migrate_target="%s"`, n.name, to.name)})
					}
				default:
					running(hist[n], m, m.id, false)
					if g.p(15) {
						failed(n, m, m.id)
					}
				}
				if t.kind == "primitive" && g.p(14) && len(el) > 1 {
					o := el[g.rng.Intn(len(el))]
					if o != n {
						running(hist[o], m, m.id, false)
						g.f["hist-active-twice"] = true
					}
				}
			}
		case "clone":
			k := 0
			promoted := 0
			for _, n := range el {
				if !g.p(65) {
					continue
				}
				for j, m := range t.members {
					id := m.id
					if t.unique {
						id = fmt.Sprintf("%s:%d", m.id, k)
					}
					if t.child != "" && j > 0 && g.p(10) {
						break
					}
					promote := t.promo && promoted == 0 && g.p(60)
					if promote {
						promoted++
					}
					switch {
					case g.p(4):
						r := hist[n].rsc(m, id)
						r.ops = append(r.ops, op{task: "start", idSuffix: "last_0", pending: true})
						g.f["hist-pending"] = true
					default:
						running(hist[n], m, id, promote)
						if g.p(12) {
							failed(n, m, id)
						}
					}
				}
				k++
			}
		}
	}
	for _, t := range g.tops {
		if !t.promo {
			continue
		}
		m := t.members[0]
		for _, n := range g.nodes {
			if g.p(60) {
				hist[n].attrs = append(hist[n].attrs, [2]string{"master-" + m.id, g.pick("5", "10", "100")})
			}
		}
	}
	if len(el) > 0 && g.p(10) {
		g.f["hist-orphan"] = true
		p := &prim{id: "old1", class: "ocf", provider: "heartbeat", typ: "Dummy", params: map[string]string{}}
		running(hist[el[g.rng.Intn(len(el))]], p, p.id, false)
	}
	if fullProbes {
		for _, n := range g.nodes {
			if n.state != "online" {
				continue
			}
			for _, p := range g.prims {
				probed(n, p, p.id)
			}
		}
	}
	for _, n := range g.nodes {
		g.writeNodeState(n, hist[n])
	}
}

func (g *gen) pickRC() int {
	switch g.rng.Intn(10) {
	case 0:
		return 2
	case 1:
		return 5
	default:
		if g.p(50) {
			return 7
		}
		return 1
	}
}

const uuid = "9c8e5e2e-0000-4000-8000-000000000001"

func (g *gen) writeNodeState(n *node, h *nodeHist) {
	b := &g.b
	var st string
	switch n.state {
	case "online":
		st = `in_ccm="true" crmd="online" join="member" expected="member"`
	case "offline":
		st = `in_ccm="false" crmd="offline" join="down" expected="down"`
	case "unclean":
		st = `in_ccm="false" crmd="online" join="member" expected="member"`
	case "pending":
		st = `in_ccm="true" crmd="online" join="pending" expected="member"`
	case "daemon-gone":
		st = `in_ccm="true" crmd="offline" join="down" expected="member"`
	}
	if n.state == "pending" && len(h.rscs) == 0 && g.fencing && g.p(50) {
		// a node that never came up has no node_state at all (and is
		// unclean until fenced: without fencing, an error Pacemaker warns of)
		return
	}
	fmt.Fprintf(b, "    <node_state id=\"%s\" uname=\"%s\" %s crm-debug-origin=\"crm_simulate\">\n", n.id, n.name, st)
	if n.shutdown {
		h.attrs = append(h.attrs, [2]string{"shutdown", strconv.Itoa(ExecutionDate - 30)})
	}
	if len(h.attrs) > 0 {
		fmt.Fprintf(b, "      <transient_attributes id=\"%s\">\n        <instance_attributes id=\"status-%s\">\n", n.id, n.id)
		for _, kv := range h.attrs {
			fmt.Fprintf(b, "          <nvpair id=\"status-%s-%s\" name=\"%s\" value=\"%s\"/>\n", n.id, strings.NewReplacer("#", "-", ":", "-").Replace(kv[0]), kv[0], kv[1])
		}
		b.WriteString("        </instance_attributes>\n      </transient_attributes>\n")
	}
	fmt.Fprintf(b, "      <lrm id=\"%s\">\n        <lrm_resources>\n", n.id)
	for _, r := range h.rscs {
		prov := ""
		if r.p.provider != "" {
			prov = ` provider="` + r.p.provider + `"`
		}
		fmt.Fprintf(b, "          <lrm_resource id=\"%s\" class=\"%s\"%s type=\"%s\">\n", r.id, r.p.class, prov, r.p.typ)
		for _, o := range r.ops {
			g.call++
			key := fmt.Sprintf("%s_%s_%d", r.id, o.task, o.interval)
			id := key
			if o.idSuffix != "" {
				id = r.id + "_" + o.idSuffix
			}
			params := map[string]string{}
			for k, v := range r.p.params {
				params[k] = v
			}
			if o.interval > 0 {
				params["CRM_meta_timeout"] = "20000"
			}
			status, rc, call := 0, o.rc, g.call
			if o.pending {
				status, rc, call = -1, 193, -1
			}
			fmt.Fprintf(b, "            <lrm_rsc_op id=\"%s\" operation_key=\"%s\" operation=\"%s\" crm-debug-origin=\"crm_simulate\" crm_feature_set=\"3.19.6\" transition-key=\"%d:1:%d:%s\" transition-magic=\"%d:%d;%d:1:%d:%s\" exit-reason=\"\" on_node=\"%s\" call-id=\"%d\" rc-code=\"%d\" op-status=\"%d\" interval=\"%d\" last-rc-change=\"%d\" exec-time=\"10\" queue-time=\"0\" op-digest=\"%s\"%s/>\n",
				id, key, o.task, g.call, o.target, uuid, status, rc, g.call, o.target, uuid, n.name, call, rc, status, o.interval,
				ExecutionDate-3600+g.call, opdigest.Digest(params), o.extra)
		}
		b.WriteString("          </lrm_resource>\n")
	}
	b.WriteString("        </lrm_resources>\n      </lrm>\n    </node_state>\n")
}
