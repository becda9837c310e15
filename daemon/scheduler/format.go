package scheduler

import (
	"fmt"
	"sort"
	"strings"
)

// FormatStatus renders a status the way crm_simulate prints "Current
// cluster status:" and "Revised Cluster Status:" (without the heading).
func FormatStatus(st *Status) string {
	var b strings.Builder
	b.WriteString("  * Node List:\n")
	var online, offline []string
	for _, n := range st.Nodes {
		switch {
		case n.Unclean && n.Online:
			fmt.Fprintf(&b, "    * Node %s: UNCLEAN (online)\n", n.Name)
		case n.Unclean:
			fmt.Fprintf(&b, "    * Node %s: UNCLEAN (offline)\n", n.Name)
		case n.Pending:
			fmt.Fprintf(&b, "    * Node %s: pending\n", n.Name)
		case !n.Online && n.Maintenance:
			fmt.Fprintf(&b, "    * Node %s: OFFLINE (maintenance)\n", n.Name)
		case !n.Online:
			offline = append(offline, n.Name)
		case n.Maintenance:
			fmt.Fprintf(&b, "    * Node %s: maintenance\n", n.Name)
		case n.Standby || n.StandbyOnFail:
			if st.activeOn(n.Name) {
				fmt.Fprintf(&b, "    * Node %s: standby (with active resources)\n", n.Name)
			} else {
				fmt.Fprintf(&b, "    * Node %s: standby\n", n.Name)
			}
		case n.Health != "":
			fmt.Fprintf(&b, "    * Node %s: online (health is %s)\n", n.Name, n.Health)
		default:
			online = append(online, n.Name)
		}
	}
	if len(online) > 0 {
		fmt.Fprintf(&b, "    * Online: [ %s ]\n", strings.Join(online, " "))
	}
	if len(offline) > 0 {
		fmt.Fprintf(&b, "    * OFFLINE: [ %s ]\n", strings.Join(offline, " "))
	}
	b.WriteString("\n  * Full List of Resources:\n")
	if len(st.Resources) == 0 {
		b.WriteString("    * No resources\n")
	}
	for _, r := range st.Resources {
		formatRsc(&b, r, "    ")
	}
	return b.String()
}

func (st *Status) activeOn(node string) bool {
	var walk func(r RscStatus) bool
	walk = func(r RscStatus) bool {
		for _, n := range r.Nodes {
			if n == node {
				return true
			}
		}
		for _, c := range r.Children {
			if walk(c) {
				return true
			}
		}
		return false
	}
	for _, r := range st.Resources {
		if walk(r) {
			return true
		}
	}
	return false
}

func formatRsc(b *strings.Builder, r RscStatus, indent string) {
	switch r.Kind {
	case "group":
		fmt.Fprintf(b, "%s* Resource Group: %s%s:\n", indent, r.ID, groupFlags(r))
		for _, c := range r.Children {
			formatRsc(b, c, indent+"  ")
		}
	case "clone":
		name := r.ID
		base := ""
		if len(r.Children) > 0 {
			base = strings.SplitN(r.Children[0].ID, ":", 2)[0]
		}
		var flags []string
		if r.Promotable {
			flags = append(flags, "promotable")
		}
		if r.Unique {
			flags = append(flags, "unique")
		}
		extra := ""
		if len(flags) > 0 {
			extra = " (" + strings.Join(flags, ", ") + ")"
		}
		fmt.Fprintf(b, "%s* Clone Set: %s [%s]%s:\n", indent, name, base, extra)
		if r.Unique {
			// every instance by name, as crm_mon lists them
			for _, c := range r.Children {
				formatRsc(b, c, indent+"  ")
			}
			return
		}
		roles := map[string][]string{}
		for _, c := range r.Children {
			for _, n := range c.Nodes {
				role := c.Role
				if role == "" || role == "Stopped" {
					role = "Started"
				}
				roles[role] = append(roles[role], n)
			}
		}
		for _, role := range []string{"Promoted", "Unpromoted", "Started"} {
			if ns := roles[role]; len(ns) > 0 {
				sort.Strings(ns)
				fmt.Fprintf(b, "%s  * %s: [ %s ]\n", indent, role, strings.Join(ns, " "))
			}
		}
	default:
		fmt.Fprintf(b, "%s* %s\t(%s):\t %s\n", indent, r.ID, r.Agent, primitiveState(r))
	}
}

func groupFlags(r RscStatus) string {
	if !r.Managed {
		return " (unmanaged)"
	}
	return ""
}

func primitiveState(r RscStatus) string {
	var s string
	switch {
	case len(r.Nodes) == 0:
		s = "Stopped"
	case len(r.Nodes) > 1:
		word := r.Role
		if r.Failed {
			word = "FAILED"
		}
		s = word + " [ " + strings.Join(r.Nodes, " ") + " ]"
	default:
		word := r.Role
		if word == "" || word == "Stopped" {
			word = "Started"
		}
		if r.Failed && !r.FailIgnored {
			word = "FAILED"
		}
		s = word + " " + r.Nodes[0]
	}
	var flags []string
	if r.Orphan {
		flags = append(flags, "ORPHANED")
	}
	if r.TargetRole == "Stopped" {
		flags = append(flags, "disabled")
	}
	if !r.Managed {
		flags = append(flags, "unmanaged")
	}
	if r.Blocked && r.Managed {
		flags = append(flags, "blocked")
	}
	if r.FailIgnored && r.Failed {
		flags = append(flags, "failure ignored")
	}
	if len(flags) > 0 {
		s += " (" + strings.Join(flags, ", ") + ")"
	}
	return s
}

// revisedStatus is the status after the transition would complete.
func (c *cluster) revisedStatus() *Status {
	st := c.status()
	final := map[string][]string{}
	for _, r := range c.allList {
		if r.Kind != Primitive {
			continue
		}
		var nodes []string
		if r.stops == nil {
			for _, n := range r.Running {
				if !n.Fence {
					nodes = append(nodes, n.Name)
				}
			}
			final[r.ID] = nodes
			continue
		}
		for _, n := range r.Running {
			s := r.stops[n]
			if s != nil && s.required && (s.runnable || s.pseudo) {
				continue
			}
			if n.Fence {
				continue
			}
			nodes = append(nodes, n.Name)
		}
		if st := r.start; st != nil && st.node != nil && st.required && st.runnable {
			have := false
			for _, x := range nodes {
				if x == st.node.Name {
					have = true
				}
			}
			if !have {
				nodes = append(nodes, st.node.Name)
			}
		}
		final[r.ID] = nodes
	}
	var fix func(rs *RscStatus)
	fix = func(rs *RscStatus) {
		if nodes, ok := final[rs.ID]; ok && rs.Kind == "primitive" {
			if !equalStrings(nodes, rs.Nodes) {
				rs.Failed = false
			}
			rs.Nodes = nodes
			if len(nodes) > 0 && (rs.Role == "Stopped" || rs.Role == "") {
				rs.Role = "Started"
			}
			if r := c.all[rs.ID]; r != nil && r.promotable() && len(nodes) > 0 {
				rs.Role = revisedRole(r)
			}
		}
		for i := range rs.Children {
			fix(&rs.Children[i])
		}
	}
	for i := range st.Resources {
		fix(&st.Resources[i])
	}
	for i := range st.Nodes {
		n := &st.Nodes[i]
		if nd := c.byName[n.Name]; nd != nil && nd.Fence {
			n.Online, n.Unclean = nd.FenceAction == "on", false
		}
	}
	return st
}

// revisedRole is a promotable instance's role once the transition is
// done.
func revisedRole(r *Resource) string {
	switch {
	case r.promote != nil && r.promote.required && r.promote.runnable:
		return "Promoted"
	case r.Role == "Promoted" && (r.demote == nil || !r.demote.required || !r.demote.runnable && !r.demote.pseudo):
		return "Promoted"
	}
	return "Unpromoted"
}

func equalStrings(a, b []string) bool {
	if len(a) != len(b) {
		return false
	}
	for i := range a {
		if a[i] != b[i] {
			return false
		}
	}
	return true
}
