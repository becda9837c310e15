// Package cibedit is every change pacerd makes to a CIB document: replacing
// the configuration, node membership and attributes, operation results and
// clean-ups. The functions edit the tree in place and never touch the
// version; the caller (the DC's CIB service) bumps it.
package cibedit

import (
	"fmt"
	"slices"
	"strconv"
	"time"

	"pacer/share/cib"
	"pacer/share/xmltree"
)

// Empty is the CIB of a new cluster.
func Empty() *xmltree.Document {
	root := xmltree.New("cib", "crm_feature_set", "3.17.4", "validate-with", "pacemaker-3.9",
		"epoch", "0", "num_updates", "0", "admin_epoch", "0")
	cfg := root.Append(xmltree.New("configuration"))
	cfg.Append(xmltree.New("crm_config"))
	cfg.Append(xmltree.New("nodes"))
	cfg.Append(xmltree.New("resources"))
	cfg.Append(xmltree.New("constraints"))
	root.Append(xmltree.New("status"))
	return &xmltree.Document{Root: root}
}

// Section returns the named part of the CIB ("" or "cib": the root).
func Section(doc *xmltree.Document, name string) *xmltree.Element {
	root := doc.Root
	switch name {
	case "", "cib":
		return root
	case "configuration", "status":
		return root.Child(name)
	}
	if cfg := root.Child("configuration"); cfg != nil {
		return cfg.Child(name)
	}
	return nil
}

func child(e *xmltree.Element, name string, attrs ...string) *xmltree.Element {
	if c := e.Child(name); c != nil {
		return c
	}
	return e.Append(xmltree.New(name, attrs...))
}

// ReplaceConfiguration puts cfg in place of the configuration section after
// validating the resulting CIB; on error doc is unchanged.
func ReplaceConfiguration(doc *xmltree.Document, cfg *xmltree.Element) error {
	if cfg == nil || cfg.Name != "configuration" {
		return fmt.Errorf("replace configuration: want a <configuration> element")
	}
	// Validate the new configuration in a CIB of its own: the status
	// section plays no part and cloning it for every change would cost.
	n := cfg.Clone()
	trialRoot := &xmltree.Element{Name: doc.Root.Name, Attrs: doc.Root.Attrs}
	trialRoot.Append(n)
	if err := Check(&xmltree.Document{Root: trialRoot}); err != nil {
		return err
	}
	n.Parent = nil
	old := doc.Root.Child("configuration")
	if old != nil {
		doc.Root.Replace(old, n)
	} else {
		doc.Root.Insert(0, n)
	}
	return nil
}

// Check validates a whole CIB and returns the errors (not warnings) as one.
func Check(doc *xmltree.Document) error {
	c, err := cib.Decode(doc)
	if err != nil {
		return err
	}
	var msg string
	for _, p := range cib.Validate(c, nil) {
		if p.Severity == cib.Error {
			if msg != "" {
				msg += "; "
			}
			msg += p.String()
		}
	}
	if msg != "" {
		return fmt.Errorf("invalid cib: %s", msg)
	}
	return nil
}

// EnsureNode makes sure the nodes section has node id/name; it reports
// whether it added one.
func EnsureNode(doc *xmltree.Document, id, name string) bool {
	nodes := child(child(doc.Root, "configuration"), "nodes")
	for _, n := range nodes.ChildrenNamed("node") {
		if n.Attr("uname") == name {
			return false
		}
	}
	nodes.Append(xmltree.New("node", "id", id, "uname", name))
	return true
}

// RemoveNode deletes node name from the nodes section and its node_state
// from the status section; it reports whether either was there.
func RemoveNode(doc *xmltree.Document, name string) bool {
	removed := false
	for _, sec := range []string{"nodes", "status"} {
		parent := Section(doc, sec)
		if parent == nil {
			continue
		}
		for _, e := range slices.Clone(parent.Children) {
			if (e.Name == "node" || e.Name == "node_state") && e.Attr("uname") == name {
				parent.Remove(e)
				removed = true
			}
		}
	}
	return removed
}

// NodeID is the id of the node named name in the nodes section, or "".
func NodeID(doc *xmltree.Document, name string) string {
	if nodes := Section(doc, "nodes"); nodes != nil {
		for _, n := range nodes.ChildrenNamed("node") {
			if n.Attr("uname") == name {
				return n.ID()
			}
		}
	}
	return ""
}

// NodeState returns the node_state of name, creating it when create is set.
func NodeState(doc *xmltree.Document, name string, create bool) *xmltree.Element {
	st := child(doc.Root, "status")
	for _, ns := range st.ChildrenNamed("node_state") {
		if ns.Attr("uname") == name {
			return ns
		}
	}
	if !create {
		return nil
	}
	id := NodeID(doc, name)
	if id == "" {
		id = name
	}
	return st.Append(xmltree.New("node_state", "id", id, "uname", name, "in_ccm", "false", "crmd", "offline",
		"crm-debug-origin", "pacerd", "join", "down", "expected", "down"))
}

// SetMember records a node as a member of the DC's partition (online) or
// gone. A node that disappears keeps join and expected as they were, so one
// that was an expected member and did not shut down cleanly is unclean (to
// be fenced) until Fenced or a clean shutdown says otherwise.
func SetMember(doc *xmltree.Document, name string, online bool) bool {
	ns := NodeState(doc, name, true)
	want := [][2]string{{"in_ccm", "false"}, {"crmd", "offline"}}
	if online {
		want = [][2]string{{"in_ccm", "true"}, {"crmd", "online"}, {"join", "member"}, {"expected", "member"}}
	}
	changed := false
	for _, kv := range want {
		if ns.Attr(kv[0]) != kv[1] {
			ns.SetAttr(kv[0], kv[1])
			changed = true
		}
	}
	return changed
}

// ShutDown records a clean departure: nothing to fence.
func ShutDown(doc *xmltree.Document, name string) {
	ns := NodeState(doc, name, true)
	for _, kv := range [][2]string{{"in_ccm", "false"}, {"crmd", "offline"}, {"join", "down"}, {"expected", "down"}} {
		ns.SetAttr(kv[0], kv[1])
	}
	if e := ns.Child("transient_attributes"); e != nil {
		ns.Remove(e)
	}
}

// Fenced records that name was fenced (or shut down cleanly): it is down,
// expected down, and nothing runs there any more.
func Fenced(doc *xmltree.Document, name string) {
	ns := NodeState(doc, name, true)
	for k, v := range map[string]string{"in_ccm": "false", "crmd": "offline", "join": "down", "expected": "down"} {
		ns.SetAttr(k, v)
	}
	for _, c := range []string{"lrm", "transient_attributes"} {
		if e := ns.Child(c); e != nil {
			ns.Remove(e)
		}
	}
}

// ReplaceLRM puts a node's own view of its operation history (an <lrm>
// element) in its node_state; a node that restarted sends an empty one,
// which makes the scheduler probe it again.
func ReplaceLRM(doc *xmltree.Document, name string, lrm *xmltree.Element) {
	ns := NodeState(doc, name, true)
	lrm = lrm.Clone()
	lrm.SetAttr("id", ns.ID())
	if old := ns.Child("lrm"); old != nil {
		ns.Replace(old, lrm)
	} else {
		ns.Append(lrm)
	}
}

// LRMResource returns the lrm_resource element of rsc on node, created with
// the agent's class/provider/type when missing.
func LRMResource(doc *xmltree.Document, node, rsc, class, provider, typ string) *xmltree.Element {
	ns := NodeState(doc, node, true)
	lrm := child(ns, "lrm", "id", ns.ID())
	rscs := child(lrm, "lrm_resources")
	for _, r := range rscs.ChildrenNamed("lrm_resource") {
		if r.ID() == rsc {
			return r
		}
	}
	attrs := []string{"id", rsc, "class", class}
	if provider != "" {
		attrs = append(attrs, "provider", provider)
	}
	attrs = append(attrs, "type", typ)
	return rscs.Append(xmltree.New("lrm_resource", attrs...))
}

// OpRecord is one operation result as stored in lrm_rsc_op.
type OpRecord struct {
	Resource, Class, Provider, Type string
	Task                            string
	IntervalMS                      int64
	CallID, RC, OpStatus            int
	ExitReason                      string
	TransitionKey                   string // "action:transition:target-rc:uuid"
	TargetRC                        int
	LastRun, LastRCChange           time.Time
	ExecMS, QueueMS                 int64
	Digest                          string
	// MigrateSource and MigrateTarget are recorded with migrate_to and
	// migrate_from, so that a scheduler finding a migration half done
	// (one side recorded, the other not) knows where the resource may
	// be active.
	MigrateSource, MigrateTarget string
}

// RecordOp stores an operation result in the node's history, the way
// Pacemaker keeps it: one *_last_0 entry for the last one-shot operation,
// a *_last_failure_0 entry for the last failure, and one entry per
// recurring operation.
func RecordOp(doc *xmltree.Document, node string, r OpRecord) {
	lr := LRMResource(doc, node, r.Resource, r.Class, r.Provider, r.Type)
	opKey := fmt.Sprintf("%s_%s_%d", r.Resource, r.Task, r.IntervalMS)
	failed := r.OpStatus != 0 && r.OpStatus != -1 || r.OpStatus == 0 && r.RC != r.TargetRC
	ids := []string{}
	if r.IntervalMS > 0 {
		if r.Task == "cancel" {
			return
		}
		ids = append(ids, fmt.Sprintf("%s_monitor_%d", r.Resource, r.IntervalMS))
	} else {
		ids = append(ids, r.Resource+"_last_0")
	}
	if failed {
		ids = append(ids, r.Resource+"_last_failure_0")
	}
	magic := fmt.Sprintf("%d:%d;%s", r.OpStatus, r.RC, r.TransitionKey)
	for _, id := range ids {
		op := xmltree.New("lrm_rsc_op", "id", id, "operation_key", opKey, "operation", r.Task,
			"crm-debug-origin", "pacerd", "crm_feature_set", "3.17.4",
			"transition-key", r.TransitionKey, "transition-magic", magic,
			"exit-reason", r.ExitReason, "on_node", node,
			"call-id", strconv.Itoa(r.CallID), "rc-code", strconv.Itoa(r.RC), "op-status", strconv.Itoa(r.OpStatus),
			"interval", strconv.FormatInt(r.IntervalMS, 10),
			"last-rc-change", strconv.FormatInt(r.LastRCChange.Unix(), 10),
			"exec-time", strconv.FormatInt(r.ExecMS, 10), "queue-time", strconv.FormatInt(r.QueueMS, 10))
		if r.IntervalMS == 0 {
			op.SetAttr("last-run", strconv.FormatInt(r.LastRun.Unix(), 10))
		}
		if r.Digest != "" {
			op.SetAttr("op-digest", r.Digest)
		}
		if r.MigrateSource != "" || r.MigrateTarget != "" {
			op.SetAttr("migrate_source", r.MigrateSource)
			op.SetAttr("migrate_target", r.MigrateTarget)
		}
		replaced := false
		for _, old := range lr.ChildrenNamed("lrm_rsc_op") {
			if old.ID() == id {
				lr.Replace(old, op)
				replaced = true
				break
			}
		}
		if !replaced {
			lr.Append(op)
		}
	}
	// A stop ends the resource's recurring operations.
	if r.Task == "stop" && !failed {
		for _, old := range lr.ChildrenNamed("lrm_rsc_op") {
			if old.Attr("interval") != "0" && old.Attr("interval") != "" {
				lr.Remove(old)
			}
		}
	}
}

// CancelOp removes a recurring operation's entry.
func CancelOp(doc *xmltree.Document, node, rsc string, intervalMS int64) {
	ns := NodeState(doc, node, false)
	if ns == nil {
		return
	}
	id := fmt.Sprintf("%s_monitor_%d", rsc, intervalMS)
	ns.Walk(func(e *xmltree.Element) bool {
		if e.Name == "lrm_rsc_op" && e.ID() == id && e.Parent != nil {
			e.Parent.Remove(e)
			return false
		}
		return true
	})
}

func nvset(parent *xmltree.Element, setName, setID string) *xmltree.Element {
	for _, s := range parent.ChildrenNamed(setName) {
		return s
	}
	return parent.Append(xmltree.New(setName, "id", setID))
}

func setNV(set *xmltree.Element, prefix, name, value string) bool {
	for _, nv := range set.ChildrenNamed("nvpair") {
		if nv.Attr("name") == name {
			if nv.Attr("value") == value {
				return false
			}
			nv.SetAttr("value", value)
			return true
		}
	}
	set.Append(xmltree.New("nvpair", "id", prefix+"-"+name, "name", name, "value", value))
	return true
}

func delNV(set *xmltree.Element, match func(string) bool) bool {
	changed := false
	for _, nv := range set.ChildrenNamed("nvpair") {
		if match(nv.Attr("name")) {
			set.Remove(nv)
			changed = true
		}
	}
	return changed
}

// SetNodeAttr sets a permanent (forever: nodes section) or transient
// (reboot: status section) node attribute. It reports whether anything
// changed.
func SetNodeAttr(doc *xmltree.Document, node, name, value string, forever bool) (bool, error) {
	set, prefix, err := attrSet(doc, node, forever, true)
	if err != nil {
		return false, err
	}
	return setNV(set, prefix, name, value), nil
}

// DeleteNodeAttrs removes the node attributes whose names match.
func DeleteNodeAttrs(doc *xmltree.Document, node string, forever bool, match func(string) bool) (bool, error) {
	set, _, err := attrSet(doc, node, forever, false)
	if err != nil || set == nil {
		return false, err
	}
	return delNV(set, match), nil
}

// NodeAttrs returns the transient and permanent attributes of a node.
func NodeAttrs(doc *xmltree.Document, node string) map[string]string {
	out := map[string]string{}
	for _, forever := range []bool{true, false} {
		set, _, _ := attrSet(doc, node, forever, false)
		if set == nil {
			continue
		}
		for _, nv := range set.ChildrenNamed("nvpair") {
			out[nv.Attr("name")] = nv.Attr("value")
		}
	}
	return out
}

func attrSet(doc *xmltree.Document, node string, forever, create bool) (*xmltree.Element, string, error) {
	if forever {
		nodes := Section(doc, "nodes")
		if nodes != nil {
			for _, n := range nodes.ChildrenNamed("node") {
				if n.Attr("uname") == node || n.ID() == node {
					if !create && n.Child("instance_attributes") == nil {
						return nil, "", nil
					}
					return nvset(n, "instance_attributes", "nodes-"+n.ID()), "nodes-" + n.ID(), nil
				}
			}
		}
		return nil, "", fmt.Errorf("node %q is not in the nodes section", node)
	}
	ns := NodeState(doc, node, create)
	if ns == nil {
		return nil, "", nil
	}
	ta := ns.Child("transient_attributes")
	if ta == nil {
		if !create {
			return nil, "", nil
		}
		ta = ns.Append(xmltree.New("transient_attributes", "id", ns.ID()))
	}
	if !create && ta.Child("instance_attributes") == nil {
		return nil, "", nil
	}
	return nvset(ta, "instance_attributes", "status-"+ns.ID()), "status-" + ns.ID(), nil
}

// Cleanup forgets rsc's operation history and fail counts on node (empty:
// every resource / every node), so that the scheduler probes again.
func Cleanup(doc *xmltree.Document, rsc, node string) bool {
	st := Section(doc, "status")
	if st == nil {
		return false
	}
	changed := false
	for _, ns := range st.ChildrenNamed("node_state") {
		if node != "" && ns.Attr("uname") != node {
			continue
		}
		if lrm := ns.Child("lrm"); lrm != nil {
			if rscs := lrm.Child("lrm_resources"); rscs != nil {
				for _, r := range rscs.ChildrenNamed("lrm_resource") {
					if rsc == "" || r.ID() == rsc || baseID(r.ID()) == rsc {
						rscs.Remove(r)
						changed = true
					}
				}
			}
		}
		if ok, _ := DeleteNodeAttrs(doc, ns.Attr("uname"), false, func(n string) bool {
			return IsFailAttr(n, rsc)
		}); ok {
			changed = true
		}
	}
	return changed
}

func baseID(id string) string {
	for i := len(id) - 1; i >= 0; i-- {
		if id[i] == ':' {
			return id[:i]
		}
	}
	return id
}

func IsFailAttr(name, rsc string) bool {
	for _, p := range []string{"fail-count-", "last-failure-"} {
		if len(name) > len(p) && name[:len(p)] == p {
			r := name[len(p):]
			for i := 0; i < len(r); i++ {
				if r[i] == '#' {
					r = r[:i]
					break
				}
			}
			return rsc == "" || r == rsc || baseID(r) == rsc
		}
	}
	return false
}

// FailAttrs are the names of the fail-count and last-failure attributes of
// an operation, Pacemaker 2.x style: fail-count-RSC#OP_INTERVALMS.
func FailAttrs(rsc, task string, intervalMS int64) (count, last string) {
	suffix := fmt.Sprintf("%s#%s_%d", rsc, task, intervalMS)
	return "fail-count-" + suffix, "last-failure-" + suffix
}
