// Package cib is Pacer's model of Pacemaker's Cluster Information Base.
//
// The XML tree (package xmltree) is the source of truth: it keeps every
// element and attribute, known or not, in order. The types here are a typed
// view decoded from it — each keeps a pointer (X) to the element it came
// from, so a caller can read typed fields and still edit or print the
// original. Decoding never fails on unknown content; Validate reports what
// is wrong, with the element path.
package cib

import (
	"fmt"
	"pacer/share/options"

	"pacer/share/xmltree"
)

// CIB is a decoded document.
type CIB struct {
	Doc     *xmltree.Document
	Version Version
	Config  *Configuration
	Status  *Status
}

// NVPair is one name/value pair of an attribute set.
type NVPair struct {
	ID, Name, Value string
	// Present is false for <nvpair name="x"/> without value (Pacemaker: unset).
	Present bool
	X       *xmltree.Element
}

// NVSet is an instance_attributes, meta_attributes, utilization,
// cluster_property_set (and similar) block.
type NVSet struct {
	Kind  string // element name
	ID    string
	IDRef string
	Score string // precedence among sets; "" when absent
	Rules []*xmltree.Element
	Pairs []NVPair
	X     *xmltree.Element
}

// Map returns the set's pairs as a map (later pairs win, as in Pacemaker).
func (s *NVSet) Map() map[string]string {
	m := make(map[string]string, len(s.Pairs))
	for _, p := range s.Pairs {
		if p.Present {
			m[p.Name] = p.Value
		}
	}
	return m
}

// Node is a <node> of the configuration.
type Node struct {
	ID, Uname, Type, Description string
	Attributes                   []NVSet // instance_attributes
	Utilization                  []NVSet
	X                            *xmltree.Element
}

// Op is an <op> of a resource.
type Op struct {
	ID, Name, Interval, Timeout, Role, OnFail, StartDelay, IntervalOrigin, Enabled, RecordPending, Description string
	Attrs                                                                                                      []NVSet // instance_attributes / meta_attributes inside the op
	X                                                                                                          *xmltree.Element
}

// ResourceKind names the kind of resource element.
type ResourceKind string

const (
	KindPrimitive ResourceKind = "primitive"
	KindGroup     ResourceKind = "group"
	KindClone     ResourceKind = "clone"
	KindMaster    ResourceKind = "master" // legacy promotable clone
	KindBundle    ResourceKind = "bundle"
	KindTemplate  ResourceKind = "template"
)

// Resource is any resource element. Children holds group members, the
// clone's or bundle's primitive.
type Resource struct {
	Kind                      ResourceKind
	ID                        string
	Class, Provider, Type     string // primitives and templates
	Template                  string // primitive's template="..."
	Description               string
	Params, Meta, Utilization []NVSet
	Ops                       []Op
	Children                  []*Resource
	Parent                    *Resource
	Bundle                    *Bundle // for bundles only
	X                         *xmltree.Element
}

// Bundle is what a <bundle> adds to a resource: the container it runs its
// replicas in, their network and storage.
type Bundle struct {
	Runtime  string            // docker, podman or rkt
	Settings map[string]string // the runtime element's attributes: image, replicas, run-command, options, network...
	Network  map[string]string // ip-range-start, host-interface, host-netmask, control-port, add-host
	Ports    []map[string]string
	Storage  []map[string]string // storage-mapping attributes
}

func attrMap(e *xmltree.Element) map[string]string {
	m := make(map[string]string, len(e.Attrs))
	for _, a := range e.Attrs {
		m[a.Name] = a.Value
	}
	return m
}

func decodeBundle(e *xmltree.Element) *Bundle {
	b := &Bundle{}
	for _, c := range e.Children {
		switch c.Name {
		case "docker", "podman", "rkt":
			b.Runtime, b.Settings = c.Name, attrMap(c)
		case "network":
			b.Network = attrMap(c)
			for _, p := range c.ChildrenNamed("port-mapping") {
				b.Ports = append(b.Ports, attrMap(p))
			}
		case "storage":
			for _, m := range c.ChildrenNamed("storage-mapping") {
				b.Storage = append(b.Storage, attrMap(m))
			}
		}
	}
	return b
}

// Agent is "class:provider:type" or "class:type".
func (r *Resource) Agent() string {
	if r.Provider != "" {
		return r.Class + ":" + r.Provider + ":" + r.Type
	}
	return r.Class + ":" + r.Type
}

// Promotable reports whether r is a promotable clone, in either spelling:
// <clone> with meta promotable=true (3.x) or a legacy <master>.
func (r *Resource) Promotable() bool {
	if r.Kind == KindMaster {
		return true
	}
	if r.Kind != KindClone {
		return false
	}
	for _, s := range r.Meta {
		for _, p := range s.Pairs {
			if p.Name == "promotable" && p.Present && options.IsTrue(p.Value) {
				return true
			}
		}
	}
	return false
}

// IsClone reports whether r is a clone of either kind.
func (r *Resource) IsClone() bool { return r.Kind == KindClone || r.Kind == KindMaster }

// ResourceSet is a <resource_set> of a constraint.
type ResourceSet struct {
	ID, Sequential, RequireAll, Ordered, Action, Role, Score, Kind string
	Refs                                                           []string
	X                                                              *xmltree.Element
}

// Location is an rsc_location.
type Location struct {
	ID, Rsc, RscPattern, Node, Score, Role, ResourceDiscovery string
	Rules                                                     []*xmltree.Element
	Sets                                                      []ResourceSet
	X                                                         *xmltree.Element
}

// Colocation is an rsc_colocation.
type Colocation struct {
	ID, Rsc, WithRsc, Score, RscRole, WithRscRole, NodeAttribute, Influence string
	Sets                                                                    []ResourceSet
	X                                                                       *xmltree.Element
}

// Order is an rsc_order.
type Order struct {
	ID, First, Then, FirstAction, ThenAction, Kind, Score, Symmetrical, RequireAll string
	Sets                                                                           []ResourceSet
	X                                                                              *xmltree.Element
}

// Ticket is an rsc_ticket.
type Ticket struct {
	ID, Ticket, Rsc, RscRole, LossPolicy string
	Sets                                 []ResourceSet
	X                                    *xmltree.Element
}

// FencingLevel is a fencing-level of fencing-topology.
type FencingLevel struct {
	ID, Index, Target, TargetPattern, TargetAttribute, TargetValue, Devices string
	X                                                                       *xmltree.Element
}

// Tag is a <tag> with the ids it names.
type Tag struct {
	ID   string
	Refs []string
	X    *xmltree.Element
}

// Alert is an <alert> with its recipients.
type Alert struct {
	ID, Path   string
	Recipients []struct{ ID, Value string }
	Meta, Attr []NVSet
	X          *xmltree.Element
}

// Configuration is the <configuration> section.
type Configuration struct {
	CrmConfig       []NVSet
	Nodes           []*Node
	Resources       []*Resource // top level, in order
	Locations       []*Location
	Colocations     []*Colocation
	Orders          []*Order
	Tickets         []*Ticket
	RscDefaults     []NVSet
	OpDefaults      []NVSet
	FencingTopology []*FencingLevel
	Tags            []*Tag
	Alerts          []*Alert
	ACLs            *ACLs
	X               *xmltree.Element
}

// ACLPermission is one read/write/deny rule of an ACL role.
type ACLPermission struct {
	ID, Kind, XPath, Reference, ObjectType, Attribute, Description string
	X                                                              *xmltree.Element
}

// ACLRole is an acl_role.
type ACLRole struct {
	ID, Description string
	Permissions     []ACLPermission
	X               *xmltree.Element
}

// ACLSubject is an acl_target (3.x; acl_user in the 1.x schema) or an
// acl_group, with the roles it holds.
type ACLSubject struct {
	Kind  string // acl_target, acl_user or acl_group
	ID    string
	Name  string // "name" attribute (targets may use it instead of id)
	Roles []string
	X     *xmltree.Element
}

// ACLs is the <acls> section.
type ACLs struct {
	Roles    []ACLRole
	Subjects []ACLSubject
	X        *xmltree.Element
}

func decodeACLs(e *xmltree.Element) *ACLs {
	a := &ACLs{X: e}
	for _, c := range e.Children {
		switch c.Name {
		case "acl_role":
			r := ACLRole{ID: c.ID(), Description: c.Attr("description"), X: c}
			for _, p := range c.ChildrenNamed("acl_permission") {
				r.Permissions = append(r.Permissions, ACLPermission{ID: p.ID(), Kind: p.Attr("kind"),
					XPath: p.Attr("xpath"), Reference: p.Attr("reference"), ObjectType: p.Attr("object-type"),
					Attribute: p.Attr("attribute"), Description: p.Attr("description"), X: p})
			}
			a.Roles = append(a.Roles, r)
		case "acl_target", "acl_user", "acl_group":
			s := ACLSubject{Kind: c.Name, ID: c.ID(), Name: c.Attr("name"), X: c}
			for _, r := range c.Children {
				if r.Name == "role" || r.Name == "role_ref" {
					s.Roles = append(s.Roles, r.ID())
				}
			}
			a.Subjects = append(a.Subjects, s)
		}
	}
	return a
}

// LRMOp is an lrm_rsc_op: one recorded operation result. All attributes are
// kept in X; the common ones are decoded.
type LRMOp struct {
	ID, Operation, OperationKey, CRMDebugOrigin, CRMFeatureSet, TransitionKey, TransitionMagic    string
	CallID, RCCode, OpStatus, Interval                                                            int
	LastRCChange, LastRun, ExecTime, QueueTime                                                    int64
	OpDigest, OpForceRestart, OpRestartDigest, OpSecureParams, OpSecureDigest, OnNode, ExitReason string
	X                                                                                             *xmltree.Element
}

// LRMResource is the history of one resource on one node.
type LRMResource struct {
	ID, Class, Provider, Type, Container string
	Ops                                  []*LRMOp
	X                                    *xmltree.Element
}

// NodeState is a node_state of the status section.
type NodeState struct {
	ID, Uname, InCCM, Crmd, Join, Expected, CRMDebugOrigin string
	Transient                                              []NVSet
	LRM                                                    []*LRMResource
	X                                                      *xmltree.Element
}

// Status is the <status> section.
type Status struct {
	Nodes   []*NodeState
	Tickets []NVSet // ticket_state entries are kept as attribute-only sets
	X       *xmltree.Element
}

// LoadFile parses and decodes a CIB file. Errors name the file and line.
func LoadFile(path string) (*CIB, error) {
	doc, err := xmltree.ParseFile(path)
	if err != nil {
		return nil, fmt.Errorf("load cib: %w", err)
	}
	return Decode(doc)
}

// Decode builds the typed view of doc. It fails only when the root is not
// <cib> or its version attributes are malformed; everything else is left to
// Validate.
func Decode(doc *xmltree.Document) (*CIB, error) {
	if doc == nil || doc.Root == nil || doc.Root.Name != "cib" {
		name := "(none)"
		if doc != nil && doc.Root != nil {
			name = "<" + doc.Root.Name + ">"
		}
		return nil, fmt.Errorf("root element is %s, not <cib>", name)
	}
	v, err := ReadVersion(doc.Root)
	if err != nil {
		return nil, err
	}
	c := &CIB{Doc: doc, Version: v}
	if cfg := doc.Root.Child("configuration"); cfg != nil {
		c.Config = DecodeConfiguration(cfg)
	} else {
		c.Config = &Configuration{}
	}
	if st := doc.Root.Child("status"); st != nil {
		c.Status = DecodeStatus(st)
	} else {
		c.Status = &Status{}
	}
	return c, nil
}

func decodeNVSet(e *xmltree.Element) NVSet {
	s := NVSet{Kind: e.Name, ID: e.ID(), IDRef: e.Attr("id-ref"), Score: e.Attr("score"), X: e}
	for _, c := range e.Children {
		switch c.Name {
		case "nvpair":
			v, ok := c.AttrOK("value")
			s.Pairs = append(s.Pairs, NVPair{ID: c.ID(), Name: c.Attr("name"), Value: v, Present: ok, X: c})
		case "rule":
			s.Rules = append(s.Rules, c)
		}
	}
	return s
}

func decodeNVSets(e *xmltree.Element, names ...string) []NVSet {
	var out []NVSet
	for _, c := range e.Children {
		for _, n := range names {
			if c.Name == n {
				out = append(out, decodeNVSet(c))
			}
		}
	}
	return out
}

// DecodeConfiguration decodes a <configuration> element.
func DecodeConfiguration(e *xmltree.Element) *Configuration {
	c := &Configuration{X: e}
	for _, sec := range e.Children {
		switch sec.Name {
		case "crm_config":
			c.CrmConfig = decodeNVSets(sec, "cluster_property_set")
		case "nodes":
			for _, n := range sec.ChildrenNamed("node") {
				c.Nodes = append(c.Nodes, &Node{ID: n.ID(), Uname: n.Attr("uname"), Type: n.Attr("type"),
					Description: n.Attr("description"), Attributes: decodeNVSets(n, "instance_attributes"),
					Utilization: decodeNVSets(n, "utilization"), X: n})
			}
		case "resources":
			for _, r := range sec.Children {
				if res := decodeResource(r, nil); res != nil {
					c.Resources = append(c.Resources, res)
				}
			}
		case "constraints":
			decodeConstraints(c, sec)
		case "rsc_defaults":
			c.RscDefaults = decodeNVSets(sec, "meta_attributes")
		case "op_defaults":
			c.OpDefaults = decodeNVSets(sec, "meta_attributes")
		case "fencing-topology":
			for _, l := range sec.ChildrenNamed("fencing-level") {
				c.FencingTopology = append(c.FencingTopology, &FencingLevel{ID: l.ID(), Index: l.Attr("index"),
					Target: l.Attr("target"), TargetPattern: l.Attr("target-pattern"),
					TargetAttribute: l.Attr("target-attribute"), TargetValue: l.Attr("target-value"),
					Devices: l.Attr("devices"), X: l})
			}
		case "tags":
			for _, t := range sec.ChildrenNamed("tag") {
				tag := &Tag{ID: t.ID(), X: t}
				for _, r := range t.ChildrenNamed("obj_ref") {
					tag.Refs = append(tag.Refs, r.ID())
				}
				c.Tags = append(c.Tags, tag)
			}
		case "alerts":
			for _, a := range sec.ChildrenNamed("alert") {
				al := &Alert{ID: a.ID(), Path: a.Attr("path"), Meta: decodeNVSets(a, "meta_attributes"),
					Attr: decodeNVSets(a, "instance_attributes"), X: a}
				for _, r := range a.ChildrenNamed("recipient") {
					al.Recipients = append(al.Recipients, struct{ ID, Value string }{r.ID(), r.Attr("value")})
				}
				c.Alerts = append(c.Alerts, al)
			}
		case "acls":
			c.ACLs = decodeACLs(sec)
		}
	}
	return c
}

func decodeResource(e *xmltree.Element, parent *Resource) *Resource {
	var kind ResourceKind
	switch e.Name {
	case "primitive", "group", "clone", "master", "bundle", "template":
		kind = ResourceKind(e.Name)
	default:
		return nil
	}
	r := &Resource{Kind: kind, ID: e.ID(), Class: e.Attr("class"), Provider: e.Attr("provider"), Type: e.Attr("type"),
		Template: e.Attr("template"), Description: e.Attr("description"), Parent: parent, X: e,
		Params: decodeNVSets(e, "instance_attributes"), Meta: decodeNVSets(e, "meta_attributes"),
		Utilization: decodeNVSets(e, "utilization")}
	if kind == KindBundle {
		r.Bundle = decodeBundle(e)
	}
	for _, c := range e.Children {
		switch c.Name {
		case "operations":
			for _, o := range c.ChildrenNamed("op") {
				r.Ops = append(r.Ops, Op{ID: o.ID(), Name: o.Attr("name"), Interval: o.Attr("interval"),
					Timeout: o.Attr("timeout"), Role: o.Attr("role"), OnFail: o.Attr("on-fail"),
					StartDelay: o.Attr("start-delay"), IntervalOrigin: o.Attr("interval-origin"),
					Enabled: o.Attr("enabled"), RecordPending: o.Attr("record-pending"),
					Description: o.Attr("description"),
					Attrs:       decodeNVSets(o, "instance_attributes", "meta_attributes"), X: o})
			}
		default:
			if child := decodeResource(c, r); child != nil {
				r.Children = append(r.Children, child)
			}
		}
	}
	return r
}

func decodeSets(e *xmltree.Element) []ResourceSet {
	var out []ResourceSet
	for _, s := range e.ChildrenNamed("resource_set") {
		rs := ResourceSet{ID: s.ID(), Sequential: s.Attr("sequential"), RequireAll: s.Attr("require-all"),
			Ordered: s.Attr("ordered"), Action: s.Attr("action"), Role: s.Attr("role"), Score: s.Attr("score"),
			Kind: s.Attr("kind"), X: s}
		for _, r := range s.ChildrenNamed("resource_ref") {
			rs.Refs = append(rs.Refs, r.ID())
		}
		out = append(out, rs)
	}
	return out
}

func decodeConstraints(c *Configuration, sec *xmltree.Element) {
	for _, e := range sec.Children {
		switch e.Name {
		case "rsc_location":
			c.Locations = append(c.Locations, &Location{ID: e.ID(), Rsc: e.Attr("rsc"), RscPattern: e.Attr("rsc-pattern"),
				Node: e.Attr("node"), Score: e.Attr("score"), Role: e.Attr("role"),
				ResourceDiscovery: e.Attr("resource-discovery"), Rules: e.ChildrenNamed("rule"), Sets: decodeSets(e), X: e})
		case "rsc_colocation":
			c.Colocations = append(c.Colocations, &Colocation{ID: e.ID(), Rsc: e.Attr("rsc"), WithRsc: e.Attr("with-rsc"),
				Score: e.Attr("score"), RscRole: e.Attr("rsc-role"), WithRscRole: e.Attr("with-rsc-role"),
				NodeAttribute: e.Attr("node-attribute"), Influence: e.Attr("influence"), Sets: decodeSets(e), X: e})
		case "rsc_order":
			c.Orders = append(c.Orders, &Order{ID: e.ID(), First: e.Attr("first"), Then: e.Attr("then"),
				FirstAction: e.Attr("first-action"), ThenAction: e.Attr("then-action"), Kind: e.Attr("kind"),
				Score: e.Attr("score"), Symmetrical: e.Attr("symmetrical"), RequireAll: e.Attr("require-all"),
				Sets: decodeSets(e), X: e})
		case "rsc_ticket":
			c.Tickets = append(c.Tickets, &Ticket{ID: e.ID(), Ticket: e.Attr("ticket"), Rsc: e.Attr("rsc"),
				RscRole: e.Attr("rsc-role"), LossPolicy: e.Attr("loss-policy"), Sets: decodeSets(e), X: e})
		}
	}
}

func atoi(s string) int {
	n := 0
	neg := false
	for i, ch := range s {
		if i == 0 && ch == '-' {
			neg = true
			continue
		}
		if ch < '0' || ch > '9' {
			break
		}
		n = n*10 + int(ch-'0')
	}
	if neg {
		return -n
	}
	return n
}

func atoi64(s string) int64 { return int64(atoi(s)) }

// DecodeStatus decodes a <status> element.
func DecodeStatus(e *xmltree.Element) *Status {
	st := &Status{X: e}
	for _, ns := range e.Children {
		switch ns.Name {
		case "node_state":
			n := &NodeState{ID: ns.ID(), Uname: ns.Attr("uname"), InCCM: ns.Attr("in_ccm"), Crmd: ns.Attr("crmd"),
				Join: ns.Attr("join"), Expected: ns.Attr("expected"), CRMDebugOrigin: ns.Attr("crm-debug-origin"), X: ns}
			if ta := ns.Child("transient_attributes"); ta != nil {
				n.Transient = decodeNVSets(ta, "instance_attributes")
			}
			if lrm := ns.Child("lrm"); lrm != nil {
				if rs := lrm.Child("lrm_resources"); rs != nil {
					for _, r := range rs.ChildrenNamed("lrm_resource") {
						lr := &LRMResource{ID: r.ID(), Class: r.Attr("class"), Provider: r.Attr("provider"),
							Type: r.Attr("type"), Container: r.Attr("container"), X: r}
						for _, o := range r.ChildrenNamed("lrm_rsc_op") {
							lr.Ops = append(lr.Ops, decodeLRMOp(o))
						}
						n.LRM = append(n.LRM, lr)
					}
				}
			}
			st.Nodes = append(st.Nodes, n)
		case "tickets":
			st.Tickets = decodeNVSets(ns, "ticket_state")
			for i, t := range ns.ChildrenNamed("ticket_state") {
				// ticket_state keeps its values as attributes, not nvpairs.
				for _, a := range t.Attrs {
					st.Tickets[i].Pairs = append(st.Tickets[i].Pairs, NVPair{Name: a.Name, Value: a.Value, Present: true, X: t})
				}
			}
		}
	}
	return st
}

func decodeLRMOp(o *xmltree.Element) *LRMOp {
	return &LRMOp{ID: o.ID(), Operation: o.Attr("operation"), OperationKey: o.Attr("operation_key"),
		CRMDebugOrigin: o.Attr("crm-debug-origin"), CRMFeatureSet: o.Attr("crm_feature_set"),
		TransitionKey: o.Attr("transition-key"), TransitionMagic: o.Attr("transition-magic"),
		CallID: atoi(o.Attr("call-id")), RCCode: atoi(o.Attr("rc-code")), OpStatus: atoi(o.Attr("op-status")),
		Interval: atoi(o.Attr("interval")), LastRCChange: atoi64(o.Attr("last-rc-change")),
		LastRun: atoi64(o.Attr("last-run")), ExecTime: atoi64(o.Attr("exec-time")), QueueTime: atoi64(o.Attr("queue-time")),
		OpDigest: o.Attr("op-digest"), OpForceRestart: o.Attr("op-force-restart"), OpRestartDigest: o.Attr("op-restart-digest"),
		OpSecureParams: o.Attr("op-secure-params"), OpSecureDigest: o.Attr("op-secure-digest"), OnNode: o.Attr("on_node"),
		ExitReason: o.Attr("exit-reason"), X: o}
}

// Walk calls fn for every resource in r's subtree, r first.
func (r *Resource) Walk(fn func(*Resource)) {
	fn(r)
	for _, c := range r.Children {
		c.Walk(fn)
	}
}

// AllResources lists every resource (and template) in document order, depth first.
func (c *Configuration) AllResources() []*Resource {
	var out []*Resource
	for _, r := range c.Resources {
		r.Walk(func(x *Resource) { out = append(out, x) })
	}
	return out
}

// Resource finds a resource by id anywhere in the tree.
func (c *Configuration) Resource(id string) *Resource {
	for _, r := range c.AllResources() {
		if r.ID == id {
			return r
		}
	}
	return nil
}

// Property returns a cluster option from crm_config, trying each name (a
// 3.x name and its 2.x alias) in turn; sets are read in document order and
// the first value found wins, as for Pacemaker's unrulled sets.
func (c *Configuration) Property(names ...string) (string, bool) {
	for _, set := range c.CrmConfig {
		for _, n := range names {
			for _, p := range set.Pairs {
				if p.Name == n && p.Present {
					return p.Value, true
				}
			}
		}
	}
	return "", false
}
