package scheduler

import (
	"time"

	"pacer/share/iso8601"
)

func parseIntervalLoose(s string) (time.Duration, error) { return iso8601.ParseInterval(s) }

// decide records per-resource facts that need placement results: restarts
// for changed definitions.
func (c *cluster) decide() {
	for _, r := range c.allList {
		if r.Kind != Primitive {
			continue
		}
		c.checkDigests(r)
	}
}

func (c *cluster) checkDigests(r *Resource) {}
