package scheduler

// Tickets (Pacemaker Explained, "Multi-site clusters and tickets"): the
// rsc_ticket dependencies of a resource and its parents.

// ticketsOf is the ticket dependencies of r and of its parents.
func (c *cluster) ticketsOf(r *Resource) []*TicketDep {
	if len(c.tickets) == 0 {
		return nil
	}
	var out []*TicketDep
	for _, t := range c.tickets {
		for x := r; x != nil; x = x.Parent {
			if t.Rsc == x {
				out = append(out, t)
			}
		}
	}
	return out
}
