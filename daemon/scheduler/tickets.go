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

// ticketDenied reports whether a ticket r depends on keeps it from
// running: not granted or in standby (loss-policy=freeze leaves running
// resources where they are when the ticket is revoked). A ticket for the
// Promoted role only limits promotion, unless its loss-policy is stop.
func (c *cluster) ticketDenied(r *Resource) bool {
	for _, t := range c.ticketsOf(r) {
		if t.Role == "Promoted" && t.LossPolicy != "stop" {
			continue // limits promotion only (setPromotedRoles)
		}
		st := c.ticketState[t.Ticket]
		granted := st != nil && st.Granted
		standby := st != nil && st.Standby
		if !granted || standby {
			// freeze keeps running resources where they are when the
			// ticket is revoked; standby always hands over gracefully.
			if t.LossPolicy == "freeze" && !granted && r.isRunningAny() {
				continue
			}
			return true
		}
	}
	return false
}

// ticketFrozen reports whether r is frozen by a revoked ticket
// (loss-policy=freeze) while active: the cluster leaves it as it is,
// unmanaged.
func (c *cluster) ticketFrozen(r *Resource) bool {
	for _, t := range c.ticketsOf(r) {
		if t.LossPolicy != "freeze" || t.Role == "Promoted" {
			continue
		}
		if st := c.ticketState[t.Ticket]; (st == nil || !st.Granted) && r.isRunningAny() {
			return true
		}
	}
	return false
}
