package membership

// Quorum decides whether a partition may run resources, like votequorum:
// one vote per configured node, quorate with more than half of them.
//
// TwoNode (Corosync's two_node) keeps a two-node cluster quorate with one
// node, but with WaitForAll only once both nodes have been seen together
// since this node started: a lone node that boots alone does not take over
// (it could be the side of a split that was already fenced).
type Quorum struct {
	Votes      int
	TwoNode    bool
	WaitForAll bool

	seenAll bool
}

// Update records the current member count and returns whether the
// partition is quorate.
func (q *Quorum) Update(alive int) bool {
	if alive >= q.Votes {
		q.seenAll = true
	}
	if q.WaitForAll && !q.seenAll {
		return false
	}
	if q.TwoNode && q.Votes == 2 {
		return alive >= 1
	}
	return alive*2 > q.Votes
}
