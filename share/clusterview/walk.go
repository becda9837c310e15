package clusterview

import "strconv"

func itoa64(n int64) string { return strconv.FormatInt(n, 10) }

// Agent is the "class:provider:type" spelling of a primitive's agent
// ("stonith:fence_xvm", "systemd:nginx" without a provider).
func (r *Resource) Agent() string {
	if r.Provider == "" {
		return r.Class + ":" + r.Type
	}
	return r.Class + ":" + r.Provider + ":" + r.Type
}

// Walk calls fn for r and every resource below it, depth first in order,
// with depth 0 for r. It stops early when fn returns false.
func (r *Resource) Walk(fn func(res *Resource, depth int) bool) bool {
	return walk(r, 0, fn)
}

func walk(r *Resource, depth int, fn func(*Resource, int) bool) bool {
	if !fn(r, depth) {
		return false
	}
	for i := range r.Children {
		if !walk(&r.Children[i], depth+1, fn) {
			return false
		}
	}
	return true
}

// Primitives calls fn for every primitive (leaf) in the tree.
func (s *Snapshot) Primitives(fn func(*Resource)) {
	for i := range s.Resources {
		s.Resources[i].Walk(func(r *Resource, _ int) bool {
			if r.Kind == KindPrimitive {
				fn(r)
			}
			return true
		})
	}
}

// Node returns the node called name, or nil.
func (s *Snapshot) Node(name string) *Node {
	for i := range s.Nodes {
		if s.Nodes[i].Name == name {
			return &s.Nodes[i]
		}
	}
	return nil
}

// Resource finds a resource anywhere in the tree by id, or nil.
func (s *Snapshot) Resource(id string) *Resource {
	var found *Resource
	for i := range s.Resources {
		s.Resources[i].Walk(func(r *Resource, _ int) bool {
			if r.ID == id {
				found = r
				return false
			}
			return true
		})
		if found != nil {
			break
		}
	}
	return found
}

// Counts is what crm_mon's summary counts.
type Counts struct {
	Nodes     int // configured nodes
	Instances int // primitive instances (clone instances counted each)
	Disabled  int // instances with target-role Stopped
	Blocked   int // instances blocked from further action
}

// Count tallies the summary numbers.
func (s *Snapshot) Count() Counts {
	c := Counts{Nodes: len(s.Nodes)}
	s.Primitives(func(r *Resource) {
		if r.Orphaned && r.Role == RoleStopped {
			return
		}
		c.Instances++
		if r.Disabled {
			c.Disabled++
		}
		if r.Blocked {
			c.Blocked++
		}
	})
	return c
}
