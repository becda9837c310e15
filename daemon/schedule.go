package daemon

import (
	"errors"
	"time"

	"pacer/share/clusterview"
	"pacer/share/graph"
	"pacer/share/xmltree"
)

// defaultScheduler and defaultView connect pacerd to daemon/scheduler.
var (
	defaultScheduler = func(doc *xmltree.Document, now time.Time) (*graph.Graph, error) {
		return nil, errors.New("scheduler not available in this build")
	}
	defaultView = func(doc *xmltree.Document, now time.Time) (*clusterview.Snapshot, error) {
		return nil, errors.New("status view not available in this build")
	}
)
