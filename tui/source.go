// Package tui is `pacer mon`: the live cluster monitor. It renders
// clusterview snapshots, redraws when the Source reports an event (it never
// polls), shows a lost connection and reconnects by itself, and runs
// admin actions through Actions after a confirmation step.
//
// The package knows nothing about the daemon or CIB files: the shell plugs
// in the daemon client or a read-only file source.
package tui

import (
	"context"
	"errors"
	"fmt"

	"pacer/share/clusterview"
)

// Source is where the monitor gets the cluster status from.
type Source interface {
	// Snapshot returns the current status.
	Snapshot(ctx context.Context) (*clusterview.Snapshot, error)
	// Subscribe starts a stream of events. The monitor fetches a fresh
	// Snapshot after events (coalescing bursts) and shows them in the log.
	// The channel is closed when the stream ends; the monitor then shows
	// the connection as lost and calls Subscribe again with backoff.
	// Cancelling ctx must end the stream and close the channel.
	Subscribe(ctx context.Context) (<-chan clusterview.Event, error)
}

// Actions are the admin operations the monitor offers. They must be the
// same calls the shell makes for the equivalent commands.
type Actions interface {
	// Standby puts node in standby; Online takes it out of standby.
	Standby(ctx context.Context, node string) error
	Online(ctx context.Context, node string) error
	// Cleanup forgets the failures and operation history of rsc on node
	// (node "" means on all nodes), like `crm resource cleanup rsc [node]`.
	Cleanup(ctx context.Context, rsc, node string) error
	// Start and Stop set the target-role of rsc.
	Start(ctx context.Context, rsc string) error
	Stop(ctx context.Context, rsc string) error
	// Move adds a location constraint preferring node; Clear removes the
	// constraints a move or ban created.
	Move(ctx context.Context, rsc, node string) error
	Clear(ctx context.Context, rsc string) error
}

// ErrReadOnly is wrapped by every error of ReadOnlyActions.
var ErrReadOnly = errors.New("read-only")

// ReadOnlyActions refuses every action, naming why, e.g. Reason "CIB_file"
// gives "read-only: CIB_file".
type ReadOnlyActions struct{ Reason string }

func (r ReadOnlyActions) err() error { return fmt.Errorf("%w: %s", ErrReadOnly, r.Reason) }

func (r ReadOnlyActions) Standby(context.Context, string) error         { return r.err() }
func (r ReadOnlyActions) Online(context.Context, string) error          { return r.err() }
func (r ReadOnlyActions) Cleanup(context.Context, string, string) error { return r.err() }
func (r ReadOnlyActions) Start(context.Context, string) error           { return r.err() }
func (r ReadOnlyActions) Stop(context.Context, string) error            { return r.err() }
func (r ReadOnlyActions) Move(context.Context, string, string) error    { return r.err() }
func (r ReadOnlyActions) Clear(context.Context, string) error           { return r.err() }

// StaticSource serves one snapshot loaded by Load (for CIB_file: read the
// file and unpack it). Its event stream reports a cib-changed event when
// Changed fires, so a file source can watch the file (e.g. with inotify)
// instead of polling; with Changed nil the stream stays silent until
// cancelled.
type StaticSource struct {
	Load    func(ctx context.Context) (*clusterview.Snapshot, error)
	Changed <-chan struct{}
}

func (s *StaticSource) Snapshot(ctx context.Context) (*clusterview.Snapshot, error) {
	return s.Load(ctx)
}

func (s *StaticSource) Subscribe(ctx context.Context) (<-chan clusterview.Event, error) {
	ch := make(chan clusterview.Event)
	go func() {
		defer close(ch)
		for {
			select {
			case <-ctx.Done():
				return
			case _, ok := <-s.Changed:
				if !ok {
					<-ctx.Done()
					return
				}
				select {
				case ch <- clusterview.Event{Kind: clusterview.EventCIBChanged, Message: "CIB file changed"}:
				case <-ctx.Done():
					return
				}
			}
		}
	}()
	return ch, nil
}
