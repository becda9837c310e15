package scheduler

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
