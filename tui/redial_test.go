package tui

import (
	"context"
	"errors"
	"testing"

	cv "pacer/share/clusterview"
	"pacer/share/clusterview/clusterviewtest"
)

// connSource is a source on one connection: once broken, always broken,
// like a client whose daemon went away.
type connSource struct {
	broken *bool
	closed bool
}

func (c *connSource) Snapshot(context.Context) (*cv.Snapshot, error) {
	if *c.broken {
		return nil, errors.New("send status: broken pipe")
	}
	return clusterviewtest.Mixed(), nil
}

func (c *connSource) Subscribe(ctx context.Context) (<-chan cv.Event, error) {
	if *c.broken {
		return nil, errors.New("subscribe: connection refused")
	}
	return make(chan cv.Event), nil
}

func (c *connSource) Close() error { c.closed = true; return nil }

func TestRedialingRecoversAfterRestart(t *testing.T) {
	var conns []*connSource
	daemonUp := true
	r := &Redialing{Dial: func(context.Context) (Source, error) {
		if !daemonUp {
			return nil, errors.New("dial: connection refused")
		}
		broken := false
		c := &connSource{broken: &broken}
		conns = append(conns, c)
		return c, nil
	}}
	ctx := t.Context()
	if _, err := r.Snapshot(ctx); err != nil {
		t.Fatal(err)
	}
	// The daemon dies: the connection breaks for good.
	*conns[0].broken, daemonUp = true, false
	if _, err := r.Snapshot(ctx); err == nil {
		t.Fatal("snapshot on a broken connection succeeded")
	}
	if !conns[0].closed {
		t.Error("the broken connection was not closed")
	}
	if _, err := r.Subscribe(ctx); err == nil {
		t.Fatal("dial while the daemon is down succeeded")
	}
	// It comes back: the next request dials a fresh connection.
	daemonUp = true
	if _, err := r.Subscribe(ctx); err != nil {
		t.Fatalf("after the restart: %v", err)
	}
	if _, err := r.Snapshot(ctx); err != nil {
		t.Fatalf("after the restart: %v", err)
	}
	if len(conns) != 2 {
		t.Fatalf("%d connections dialed, want 2", len(conns))
	}
	r.Close()
	if !conns[1].closed {
		t.Error("Close did not close the current connection")
	}
}
