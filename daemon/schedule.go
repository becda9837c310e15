package daemon

import (
	"time"

	"pacer/daemon/scheduler"
	"pacer/share/clusterview"
	"pacer/share/graph"
	"pacer/share/xmltree"
)

// defaultScheduler runs daemon/scheduler on the controller's copy.
func defaultScheduler(doc *xmltree.Document, now time.Time) (*graph.Graph, error) {
	res, err := scheduler.Run(doc, scheduler.Input{Now: now})
	if err != nil {
		return nil, err
	}
	return res.Graph, nil
}

// defaultView is the status snapshot as `pacer status` computes it on a
// CIB file (scheduler.View), so that a live cluster and its saved CIB
// read the same: the same failed actions (a probe that found a resource
// running is no failure), fail counts, tickets and node states.
func defaultView(doc *xmltree.Document, now time.Time) (*clusterview.Snapshot, error) {
	return scheduler.View(doc, now)
}
