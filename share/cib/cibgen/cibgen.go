// Package cibgen generates CIBs of a given size for benchmarks: groups of
// three primitives, a few clones, location/colocation/order constraints and
// a status section in which every resource has a start and a recurring
// monitor recorded on the node where it runs. The output depends only on
// the options, so benchmarks of different packages measure the same input.
package cibgen

import (
	"fmt"
	"strconv"

	"pacer/share/opdigest"
	"pacer/share/xmltree"
)

// Options shape the generated cluster.
type Options struct {
	Nodes     int
	Resources int // primitives in groups; clones come on top
	Clones    int // clones of a Dummy, one instance per node
	// FailedNode marks the last node as lost (not in membership, not
	// cleanly down) while its resources are recorded as running there, so
	// the scheduler has to fence it and recover its resources.
	FailedNode bool
	// Digest computes the op-digest recorded for an operation from the
	// resource's parameters; nil means Pacemaker's (share/opdigest), so
	// that tools reading the file see no definition change.
	Digest func(params map[string]string) string
	// Now is the time recorded in the history (seconds since the epoch).
	Now int64
}

// Defaults returns options for a cluster of n nodes and r resources.
func Defaults(n, r int) Options {
	return Options{Nodes: n, Resources: r, Clones: 4, FailedNode: true, Now: 1700000000}
}

func nv(parent *xmltree.Element, id, name, value string) {
	parent.Append(xmltree.New("nvpair", "id", id, "name", name, "value", value))
}

func nodeName(i int) string { return fmt.Sprintf("node%02d", i+1) }

// Generate builds the CIB.
func Generate(o Options) *xmltree.Document {
	if o.Nodes < 1 {
		o.Nodes = 1
	}
	if o.Now == 0 {
		o.Now = 1700000000
	}
	root := xmltree.New("cib", "crm_feature_set", "3.19.0", "validate-with", "pacemaker-3.10",
		"epoch", "100", "num_updates", "0", "admin_epoch", "0", "cib-last-written", "Tue Nov 14 22:13:20 2023",
		"have-quorum", "1", "dc-uuid", "1")
	cfg := root.Append(xmltree.New("configuration"))
	props := cfg.Append(xmltree.New("crm_config")).Append(xmltree.New("cluster_property_set", "id", "cib-bootstrap-options"))
	nv(props, "opt-fencing", "stonith-enabled", "true")
	nv(props, "opt-stickiness", "cluster-name", "bench")
	nv(props, "opt-dc", "dc-version", "3.0.2")

	nodes := cfg.Append(xmltree.New("nodes"))
	for i := 0; i < o.Nodes; i++ {
		nodes.Append(xmltree.New("node", "id", strconv.Itoa(i+1), "uname", nodeName(i)))
	}
	resources := cfg.Append(xmltree.New("resources"))
	constraints := cfg.Append(xmltree.New("constraints"))

	type placed struct {
		id     string
		params map[string]string
		node   int // -1: every node (clone)
	}
	var running []placed

	fence := xmltree.New("primitive", "id", "fencer", "class", "stonith", "type", "fence_dummy")
	fia := fence.Append(xmltree.New("instance_attributes", "id", "fencer-ia"))
	nv(fia, "fencer-ia-mode", "mode", "pass")
	nv(fia, "fencer-ia-list", "pcmk_host_list", "all")
	fence.Append(xmltree.New("operations")).Append(xmltree.New("op", "id", "fencer-monitor-60s", "name", "monitor", "interval", "60s"))
	resources.Append(fence)
	running = append(running, placed{"fencer", map[string]string{"mode": "pass", "pcmk_host_list": "all"}, 0})

	primitive := func(id string) (*xmltree.Element, map[string]string) {
		p := xmltree.New("primitive", "id", id, "class", "ocf", "provider", "heartbeat", "type", "Dummy")
		ia := p.Append(xmltree.New("instance_attributes", "id", id+"-instance_attributes"))
		params := map[string]string{"state": "/run/resource-agents/" + id + ".state"}
		nv(ia, id+"-instance_attributes-state", "state", params["state"])
		ops := p.Append(xmltree.New("operations"))
		ops.Append(xmltree.New("op", "id", id+"-monitor-10s", "name", "monitor", "interval", "10s", "timeout", "20s"))
		ops.Append(xmltree.New("op", "id", id+"-start-0", "name", "start", "interval", "0", "timeout", "20s"))
		ops.Append(xmltree.New("op", "id", id+"-stop-0", "name", "stop", "interval", "0", "timeout", "20s"))
		return p, params
	}

	groups := (o.Resources + 2) / 3
	made := 0
	for g := 0; g < groups && made < o.Resources; g++ {
		gid := fmt.Sprintf("grp%04d", g+1)
		group := resources.Append(xmltree.New("group", "id", gid))
		node := g % o.Nodes
		var members []string
		for m := 0; m < 3 && made < o.Resources; m++ {
			id := fmt.Sprintf("rsc%05d", made+1)
			p, params := primitive(id)
			group.Append(p)
			members = append(members, id)
			running = append(running, placed{id, params, node})
			made++
		}
		constraints.Append(xmltree.New("rsc_location", "id", "loc-"+gid, "rsc", gid, "node", nodeName(node), "score", "100"))
		if g > 0 && g%10 == 0 {
			prev := fmt.Sprintf("grp%04d", g)
			constraints.Append(xmltree.New("rsc_order", "id", "ord-"+gid, "first", prev, "then", gid, "kind", "Optional"))
			constraints.Append(xmltree.New("rsc_colocation", "id", "col-"+gid, "rsc", gid, "with-rsc", prev, "score", "-100"))
		}
	}
	for c := 0; c < o.Clones; c++ {
		cid := fmt.Sprintf("cln%02d", c+1)
		clone := resources.Append(xmltree.New("clone", "id", cid))
		meta := clone.Append(xmltree.New("meta_attributes", "id", cid+"-meta"))
		nv(meta, cid+"-meta-interleave", "interleave", "true")
		id := fmt.Sprintf("cloned%02d", c+1)
		p, params := primitive(id)
		clone.Append(p)
		running = append(running, placed{id, params, -1})
	}

	status := root.Append(xmltree.New("status"))
	callID := 10
	for i := 0; i < o.Nodes; i++ {
		lost := o.FailedNode && i == o.Nodes-1 && o.Nodes > 1
		ns := status.Append(xmltree.New("node_state", "id", strconv.Itoa(i+1), "uname", nodeName(i),
			"in_ccm", "true", "crmd", "online", "crm-debug-origin", "do_update_resource", "join", "member", "expected", "member"))
		if lost {
			// Gone from membership while its controller was last seen up
			// and expected to stay: lost, not shut down, so it must be
			// fenced before its resources run elsewhere.
			ns.SetAttr("in_ccm", "false")
		}
		lrms := ns.Append(xmltree.New("lrm", "id", strconv.Itoa(i+1))).Append(xmltree.New("lrm_resources"))
		for _, r := range running {
			if r.node != -1 && r.node != i {
				continue
			}
			lrmID := r.id
			class, provider, typ := "ocf", "heartbeat", "Dummy"
			if r.id == "fencer" {
				class, provider, typ = "stonith", "", "fence_dummy"
			}
			// Anonymous clone instances are recorded under the
			// primitive's own id, as Pacemaker records them.
			lr := lrms.Append(xmltree.New("lrm_resource", "id", lrmID, "class", class, "type", typ))
			if provider != "" {
				lr.Attrs = append(lr.Attrs[:2], append([]xmltree.Attr{{Name: "provider", Value: provider}}, lr.Attrs[2:]...)...)
			}
			digest := opdigest.Digest(r.params)
			if o.Digest != nil {
				digest = o.Digest(r.params)
			}
			for _, op := range []struct{ task, interval string }{{"start", "0"}, {"monitor", "10000"}} {
				callID++
				key := lrmID + "_" + op.task + "_" + op.interval
				opID := lrmID + "_last_0"
				if op.interval != "0" {
					opID = key
				}
				when := strconv.FormatInt(o.Now-3600+int64(callID%600), 10)
				e := xmltree.New("lrm_rsc_op", "id", opID, "operation_key", key, "operation", op.task,
					"crm-debug-origin", "do_update_resource", "crm_feature_set", "3.19.0",
					"transition-key", fmt.Sprintf("%d:1:0:6c52e33a-dd1e-4d7b-8c1a-4a1f5c2d9b%02d", callID, i%100),
					"transition-magic", fmt.Sprintf("0:0;%d:1:0:6c52e33a-dd1e-4d7b-8c1a-4a1f5c2d9b%02d", callID, i%100),
					"exit-reason", "", "on_node", nodeName(i), "call-id", strconv.Itoa(callID), "rc-code", "0",
					"op-status", "0", "interval", op.interval, "last-rc-change", when, "exec-time", "12",
					"queue-time", "0", "op-digest", digest)
				if op.interval == "0" {
					e.SetAttr("last-run", when)
				}
				lr.Append(e)
			}
		}
	}
	return &xmltree.Document{Prolog: nil, Root: root}
}
