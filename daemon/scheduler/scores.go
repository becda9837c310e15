package scheduler

// Node score tables: what a resource thinks of each node.

import (
	"math"
	"pacer/share/score"
)

// scores are a resource's node scores, indexed by Node.Index. A node may
// have no score at all (an asymmetric cluster without a location for it),
// which is not the same as a score of 0. A slice of plain integers costs
// far less than a map keyed by node, and the collector never scans it.
type scores []score.Score

// noScore marks a node without a score; real scores stay within
// MinusInfinity..Infinity.
const noScore = score.Score(math.MinInt64)

func newScores(nodes int) scores {
	s := make(scores, nodes)
	for i := range s {
		s[i] = noScore
	}
	return s
}

func (s scores) copy() scores {
	return append(make(scores, 0, len(s)), s...)
}

// get returns n's score and whether n has one.
func (s scores) get(n *Node) (score.Score, bool) {
	if n.Index >= len(s) || s[n.Index] == noScore {
		return 0, false
	}
	return s[n.Index], true
}

// orBase returns n's score, the node's own score when it has none.
func (s scores) orBase(n *Node) score.Score {
	if v, ok := s.get(n); ok {
		return v
	}
	return n.Base
}

// at returns n's score, 0 when it has none.
func (s scores) at(n *Node) score.Score {
	v, _ := s.get(n)
	return v
}

func (s scores) has(n *Node) bool {
	_, ok := s.get(n)
	return ok
}

func (s scores) set(n *Node, v score.Score) { s[n.Index] = v }
