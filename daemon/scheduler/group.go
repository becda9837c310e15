package scheduler

// Groups (Pacemaker Explained, "Groups"): their assignment, member by
// member, and the pseudo actions that mark a group started or stopped.

// finishPseudo marks group pseudo actions needed when a member acts.
func (c *cluster) finishPseudo() {
	for _, r := range c.allList {
		if r.migrateTo != nil {
			c.finishMigration(r)
		}
	}
	for _, g := range c.allList {
		if g.Kind == Clone && g.gStart != nil {
			c.finishClonePseudo(g)
			continue
		}
		if g.Kind != Group || g.gStart == nil {
			continue
		}
		for _, m := range g.Children {
			if st := c.startOf(m); st != nil && st.required && st.runnable && st.node != nil {
				g.gStart.required = true
				g.gRunning.required = true
			}
			for _, s := range c.stopsOf(m) {
				if s.required && (s.runnable || s.pseudo) {
					g.gStop.required = true
					g.gStopped.required = true
				}
			}
		}
		if !g.gRunning.runnable {
			g.gRunning.required = false
		}
	}
}

// assignGroup assigns a group's members in order (Pacemaker Explained,
// "Groups"): each member after the first is colocated with the one
// before it, so the first member carries the group's preferences.
func (c *cluster) assignGroup(r *Resource) {
	r.assigning = true
	if c.showScores {
		// crm_simulate shows a group's scores and its members' as
		// they are when the group's assignment begins
		c.logScores("pcmk__group_assign", r, r.Allowed)
		for _, m := range r.Children {
			c.logScores("pcmk__group_assign", m, m.Allowed)
		}
	}
	for _, ch := range r.Children {
		c.assign(ch)
	}
	r.assigning = false
	r.assigned = true
	if len(r.Children) > 0 {
		r.Assigned = r.Children[0].Assigned
	}
}
