// Package graph is the transition graph: the scheduler's output and the
// controller's input. It mirrors Pacemaker's transition graph (the `exp`
// files of its regression suite), so it can be written and read in that XML
// form, compared with Pacemaker's, and sent between nodes.
package graph

import (
	"fmt"
	"sort"
	"strconv"
	"strings"
	"time"

	"pacer/share/xmltree"
)

// Kind is what executes an action.
type Kind string

const (
	RscOp  Kind = "rsc_op"       // a resource agent operation on a node
	Pseudo Kind = "pseudo_event" // a marker for ordering; completes at once
	Event  Kind = "crm_event"    // a cluster action: stonith, do_shutdown, clear_failcount, lrm_refresh
)

// Resource names the agent of an rsc_op.
type Resource struct {
	ID       string // as in the status section, e.g. "rsc1" or "clone:0"
	LongID   string // "clone:0" when ID is the short name of an instance
	Class    string
	Provider string
	Type     string
}

// Action is one node of the graph.
type Action struct {
	ID       int
	Kind     Kind
	Task     string // start, stop, monitor, promote, demote, notify, migrate_to, migrate_from, stonith, do_shutdown, ...
	Key      string // operation key: RSC_TASK_INTERVALMS, e.g. rsc1_monitor_10000
	Node     string // empty for most pseudo actions
	NodeUUID string
	Resource *Resource         // for rsc_op
	Attrs    map[string]string // instance parameters and CRM_meta_* values
	Inputs   []int             // IDs of actions that must complete first
	// Priority orders otherwise unordered actions for the controller (higher first).
	Priority int
	// Optional actions that the scheduler dropped are not in the graph.
}

// Interval returns the recurring interval (CRM_meta_interval, ms).
func (a *Action) Interval() time.Duration { return a.ms("CRM_meta_interval") }

// Timeout returns CRM_meta_timeout (ms), or 0.
func (a *Action) Timeout() time.Duration { return a.ms("CRM_meta_timeout") }

func (a *Action) ms(key string) time.Duration {
	n, _ := strconv.ParseInt(a.Attrs[key], 10, 64)
	return time.Duration(n) * time.Millisecond
}

// Graph is one transition.
type Graph struct {
	TransitionID      int
	ClusterDelay      time.Duration
	FencingTimeout    time.Duration
	FailedStopOffset  string // "INFINITY" normally
	FailedStartOffset string
	BatchLimit        int // 0: no limit beyond the controller's own
	Actions           []*Action
}

// ByID returns the action with the given id, or nil.
func (g *Graph) ByID(id int) *Action {
	for _, a := range g.Actions {
		if a.ID == id {
			return a
		}
	}
	return nil
}

// Validate checks that every input names an action of the graph and that
// the ordering has no cycle; an invalid graph must never be executed.
func (g *Graph) Validate() error {
	// IDs are small integers (the scheduler numbers actions 0..n-1), so
	// slices indexed by ID replace maps: this runs on every transition
	// and large clusters have a hundred thousand actions.
	maxID := -1
	for _, a := range g.Actions {
		if a.ID < 0 {
			return fmt.Errorf("graph: negative action id %d", a.ID)
		}
		maxID = max(maxID, a.ID)
	}
	if maxID > 4*len(g.Actions)+1024 {
		return fmt.Errorf("graph: action ids up to %d for %d actions", maxID, len(g.Actions))
	}
	idx := make([]*Action, maxID+1)
	for _, a := range g.Actions {
		if idx[a.ID] != nil {
			return fmt.Errorf("graph: duplicate action id %d", a.ID)
		}
		idx[a.ID] = a
	}
	for _, a := range g.Actions {
		for _, in := range a.Inputs {
			if in < 0 || in > maxID || idx[in] == nil {
				return fmt.Errorf("graph: action %d (%s) waits for unknown action %d", a.ID, a.Key, in)
			}
		}
	}
	const (
		white = iota
		grey
		black
	)
	color := make([]uint8, maxID+1)
	// Iterative depth-first search: a long chain of orderings must not
	// grow the goroutine stack without bound.
	type frame struct {
		a    *Action
		next int
	}
	var stack []frame
	for id := 0; id <= maxID; id++ {
		if idx[id] == nil || color[id] != white {
			continue
		}
		color[id] = grey
		stack = append(stack[:0], frame{a: idx[id]})
		for len(stack) > 0 {
			top := &stack[len(stack)-1]
			if top.next == len(top.a.Inputs) {
				color[top.a.ID] = black
				stack = stack[:len(stack)-1]
				continue
			}
			in := top.a.Inputs[top.next]
			top.next++
			switch color[in] {
			case grey:
				return fmt.Errorf("graph: ordering cycle through %s and action %d", top.a.Key, in)
			case white:
				color[in] = grey
				stack = append(stack, frame{a: idx[in]})
			}
		}
	}
	return nil
}

func fmtMS(d time.Duration) string {
	if d%time.Second == 0 {
		return strconv.FormatInt(int64(d/time.Second), 10) + "s"
	}
	return strconv.FormatInt(int64(d/time.Millisecond), 10) + "ms"
}

// XML renders the graph in Pacemaker's transition graph format, one synapse
// per action, synapses and attributes in a stable order.
func (g *Graph) XML() *xmltree.Element {
	root := xmltree.New("transition_graph",
		"cluster-delay", fmtMS(g.ClusterDelay),
		"fencing-timeout", fmtMS(g.FencingTimeout),
		"failed-stop-offset", orINF(g.FailedStopOffset),
		"failed-start-offset", orINF(g.FailedStartOffset),
		"transition_id", strconv.Itoa(g.TransitionID))
	if g.BatchLimit > 0 {
		root.SetAttr("batch-limit", strconv.Itoa(g.BatchLimit))
	}
	idx := make(map[int]*Action, len(g.Actions))
	for _, a := range g.Actions {
		idx[a.ID] = a
	}
	for i, a := range g.Actions {
		syn := root.Append(xmltree.New("synapse", "id", strconv.Itoa(i)))
		if a.Priority != 0 {
			syn.SetAttr("priority", strconv.Itoa(a.Priority))
		}
		set := syn.Append(xmltree.New("action_set"))
		set.Append(actionElement(a, true))
		inputs := syn.Append(xmltree.New("inputs"))
		for _, in := range a.Inputs {
			if b := idx[in]; b != nil {
				inputs.Append(xmltree.New("trigger")).Append(actionElement(b, false))
			}
		}
	}
	return root
}

func orINF(s string) string {
	if s == "" {
		return "INFINITY"
	}
	return s
}

func actionElement(a *Action, full bool) *xmltree.Element {
	e := xmltree.New(string(a.Kind), "id", strconv.Itoa(a.ID), "operation", a.Task, "operation_key", a.Key)
	if a.Node != "" {
		e.SetAttr("on_node", a.Node)
		e.SetAttr("on_node_uuid", a.NodeUUID)
	}
	if !full {
		return e
	}
	if r := a.Resource; r != nil {
		re := xmltree.New("primitive", "id", r.ID)
		if r.LongID != "" && r.LongID != r.ID {
			re.SetAttr("long-id", r.LongID)
		}
		re.SetAttr("class", r.Class)
		if r.Provider != "" {
			re.SetAttr("provider", r.Provider)
		}
		re.SetAttr("type", r.Type)
		e.Append(re)
	}
	keys := make([]string, 0, len(a.Attrs))
	for k := range a.Attrs {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	at := xmltree.New("attributes")
	for _, k := range keys {
		at.Attrs = append(at.Attrs, xmltree.Attr{Name: k, Value: a.Attrs[k]})
	}
	e.Append(at)
	return e
}

// FromXML reads a graph in Pacemaker's format (for example an `exp` file).
func FromXML(root *xmltree.Element) (*Graph, error) {
	if root == nil || root.Name != "transition_graph" {
		return nil, fmt.Errorf("graph: root element is not transition_graph")
	}
	g := &Graph{
		FailedStopOffset:  root.Attr("failed-stop-offset"),
		FailedStartOffset: root.Attr("failed-start-offset"),
	}
	g.TransitionID, _ = strconv.Atoi(root.Attr("transition_id"))
	g.BatchLimit, _ = strconv.Atoi(root.Attr("batch-limit"))
	g.ClusterDelay = parseSimpleDuration(root.Attr("cluster-delay"))
	g.FencingTimeout = parseSimpleDuration(root.Attr("fencing-timeout"))
	for _, syn := range root.ChildrenNamed("synapse") {
		set := syn.Child("action_set")
		if set == nil || len(set.Children) == 0 {
			return nil, fmt.Errorf("graph: %s has no action", syn.Path())
		}
		ae := set.Children[0]
		a, err := parseAction(ae)
		if err != nil {
			return nil, err
		}
		a.Priority, _ = strconv.Atoi(syn.Attr("priority"))
		if in := syn.Child("inputs"); in != nil {
			for _, tr := range in.ChildrenNamed("trigger") {
				for _, t := range tr.Children {
					id, err := strconv.Atoi(t.Attr("id"))
					if err != nil {
						return nil, fmt.Errorf("graph: %s: bad id %q", t.Path(), t.Attr("id"))
					}
					a.Inputs = append(a.Inputs, id)
				}
			}
		}
		g.Actions = append(g.Actions, a)
	}
	return g, nil
}

func parseAction(e *xmltree.Element) (*Action, error) {
	id, err := strconv.Atoi(e.Attr("id"))
	if err != nil {
		return nil, fmt.Errorf("graph: %s: bad id %q", e.Path(), e.Attr("id"))
	}
	a := &Action{ID: id, Kind: Kind(e.Name), Task: e.Attr("operation"), Key: e.Attr("operation_key"),
		Node: e.Attr("on_node"), NodeUUID: e.Attr("on_node_uuid"), Attrs: map[string]string{}}
	if p := e.Child("primitive"); p != nil {
		a.Resource = &Resource{ID: p.Attr("id"), LongID: p.Attr("long-id"), Class: p.Attr("class"), Provider: p.Attr("provider"), Type: p.Attr("type")}
	}
	if at := e.Child("attributes"); at != nil {
		for _, x := range at.Attrs {
			a.Attrs[x.Name] = x.Value
		}
	}
	return a, nil
}

// parseSimpleDuration reads the "60s"/"120000ms"/"60" forms graphs carry.
func parseSimpleDuration(s string) time.Duration {
	s = strings.TrimSpace(s)
	mult := time.Second
	switch {
	case strings.HasSuffix(s, "ms"):
		s, mult = strings.TrimSuffix(s, "ms"), time.Millisecond
	case strings.HasSuffix(s, "s"):
		s = strings.TrimSuffix(s, "s")
	}
	n, _ := strconv.ParseInt(s, 10, 64)
	return time.Duration(n) * mult
}
