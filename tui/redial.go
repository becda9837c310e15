package tui

import (
	"context"
	"io"
	"sync"

	cv "pacer/share/clusterview"
)

// Redialing is a Source that makes its connection anew after a failure.
// A source built on one client connection (a daemon's socket) cannot
// recover by itself when the daemon restarts: every later request fails on
// the dead connection, and the monitor would retry forever. Redialing drops
// the source after any error (closing it if it is an io.Closer) and calls
// Dial again on the next request, which the monitor's reconnect makes.
type Redialing struct {
	Dial func(ctx context.Context) (Source, error)

	mu  sync.Mutex
	cur Source
}

func (r *Redialing) get(ctx context.Context) (Source, error) {
	r.mu.Lock()
	defer r.mu.Unlock()
	if r.cur != nil {
		return r.cur, nil
	}
	s, err := r.Dial(ctx)
	if err != nil {
		return nil, err
	}
	r.cur = s
	return s, nil
}

// drop forgets s if it is still the current source.
func (r *Redialing) drop(s Source) {
	r.mu.Lock()
	defer r.mu.Unlock()
	if r.cur != s {
		return
	}
	r.cur = nil
	if c, ok := s.(io.Closer); ok {
		c.Close()
	}
}

func (r *Redialing) Snapshot(ctx context.Context) (*cv.Snapshot, error) {
	s, err := r.get(ctx)
	if err != nil {
		return nil, err
	}
	snap, err := s.Snapshot(ctx)
	if err != nil {
		r.drop(s)
	}
	return snap, err
}

func (r *Redialing) Subscribe(ctx context.Context) (<-chan cv.Event, error) {
	s, err := r.get(ctx)
	if err != nil {
		return nil, err
	}
	ch, err := s.Subscribe(ctx)
	if err != nil {
		r.drop(s)
	}
	return ch, err
}

// Close closes the current source, if any.
func (r *Redialing) Close() error {
	r.mu.Lock()
	s := r.cur
	r.mu.Unlock()
	if s != nil {
		r.drop(s)
	}
	return nil
}
