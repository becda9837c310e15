package server

import (
	"context"
	"errors"
	"fmt"
	"time"

	"golang.org/x/sync/semaphore"

	"pacer/share/protocol"
)

// Requests in flight, across all connections, may hold at most this many
// bytes of frames. Without a bound, eight clients sending 60 MiB frames at
// once made pacerd hold all of them, and what the handler decodes from
// them, together: over a gigabyte. One largest frame fits, with room left
// for the small requests (status, hello) that keep the shell and monitor
// going meanwhile.
const defaultBudget = protocol.MaxFrame + 4<<20

// A request that finds no room waits this long for others to finish
// before it is refused with CodeBusy.
const budgetWait = 10 * time.Second

type budget struct {
	sem   *semaphore.Weighted
	bytes int64
	wait  time.Duration
}

func newBudget(bytes int64, wait time.Duration) *budget {
	return &budget{sem: semaphore.NewWeighted(bytes), bytes: bytes, wait: wait}
}

// reserve takes room for a request of n bytes, waiting for it up to
// budgetWait, and returns what gives it back.
func (s *Server) reserve(n int) (func(), error) {
	w := int64(n)
	if w > s.budget.bytes {
		return nil, fmt.Errorf("a request of %d bytes is more than pacerd takes in at once (%d)", n, s.budget.bytes)
	}
	ctx, cancel := context.WithTimeout(s.ctx, s.budget.wait)
	defer cancel()
	if err := s.budget.sem.Acquire(ctx, w); err != nil {
		if errors.Is(err, context.DeadlineExceeded) {
			return nil, fmt.Errorf("pacerd is busy with other large requests (%d bytes in flight at most); this one of %d bytes waited %s: retry later",
				s.budget.bytes, n, s.budget.wait)
		}
		return nil, fmt.Errorf("pacerd is shutting down")
	}
	return func() { s.budget.sem.Release(w) }, nil
}
