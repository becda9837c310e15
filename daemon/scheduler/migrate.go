package scheduler

// Live migration (allow-migrate): a resource that moves and may migrate
// does migrate_to on its node, then migrate_from on the new one; its
// stop on the old node follows, and its start becomes a pseudo action
// that marks the move done, so what was ordered around the start is
// ordered around the migration.

// migrationActions replaces the stop-then-start of the migrating
// resources by live migrations.
func (c *cluster) migrationActions() {
	var migrating []*Resource
	for _, r := range c.allList {
		if !r.migrating || r.start == nil || r.start.node == nil || r.stops[r.Running[0]] == nil {
			continue
		}
		cur := r.Running[0]
		r.migrateTo = c.newAction(r, "migrate_to", cur)
		r.migrateFrom = c.newAction(r, "migrate_from", r.start.node)
		migrating = append(migrating, r)
	}
	if len(migrating) == 0 {
		return
	}
	for _, r := range migrating {
		st, stop := r.start, r.stops[r.Running[0]]
		c.addOrder(r.migrateTo, r.migrateFrom, fRunnableLeft)
		c.addOrder(r.migrateFrom, stop, 0)
		c.addOrder(r.migrateFrom, st, fRunnableLeft)
		st.pseudo = true
	}
	// What a start waited for, the migration waits for (after another
	// migration: its migrate_from, as its start waits for its stop),
	// unless that itself waits for this resource's stop: then the
	// migration goes first and the start still waits.
	inputs := map[*action][]*action{}
	for _, o := range c.orders {
		if o.first != nil {
			inputs[o.then] = append(inputs[o.then], o.first)
		}
	}
	n := len(c.orders)
	for _, o := range c.orders[:n] {
		t := o.then
		if t == nil || o.first == nil || t.rsc == nil || t != t.rsc.start || t.rsc.migrateTo == nil || o.first.rsc == t.rsc {
			continue
		}
		first := o.first
		if q := first.rsc; q != nil && first == q.start && q.migrateFrom != nil {
			first = q.migrateFrom
		}
		if waitsFor(first, t.rsc.migrateTo, inputs) {
			continue
		}
		c.addOrder(first, t.rsc.migrateTo, o.flags&fRunnableLeft)
		inputs[t.rsc.migrateTo] = append(inputs[t.rsc.migrateTo], first)
	}
}

// waitsFor reports whether a is (transitively) ordered after b.
func waitsFor(a, b *action, inputs map[*action][]*action) bool {
	seen := map[*action]bool{}
	stack := []*action{a}
	for len(stack) > 0 {
		x := stack[len(stack)-1]
		stack = stack[:len(stack)-1]
		if x == b {
			return true
		}
		if seen[x] {
			continue
		}
		seen[x] = true
		stack = append(stack, inputs[x]...)
	}
	return false
}

// finishMigration keeps the migration when the move happens.
func (c *cluster) finishMigration(r *Resource) {
	st := r.start
	need := st.required && st.runnable
	for _, a := range []*action{r.migrateTo, r.migrateFrom} {
		a.required = need
		a.runnable = a.runnable && st.runnable
	}
	if r.partialTarget != nil && r.partialTarget == st.node {
		// its migrate_to is done already
		r.migrateTo.required = false
	}
	for _, p := range r.probes {
		c.addOrder(p, r.migrateTo, 0)
	}
}

// migrateMeta tells the agent where a migration goes from and to.
func (c *cluster) migrateMeta(a *action, attrs map[string]string) {
	r := a.rsc
	if len(r.Running) == 0 || r.start == nil || r.start.node == nil {
		return
	}
	attrs["CRM_meta_migrate_source"] = r.Running[0].Name
	attrs["CRM_meta_migrate_target"] = r.start.node.Name
	attrs["CRM_meta_record_pending"] = "true"
}
