package stonith

import (
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"pacer/share/atomicfile"
	"path/filepath"
	"sort"
	"sync"
	"time"

	"pacer/share/clusterview"
)

// Entry states.
const (
	StatePending = "pending"
	StateSuccess = "success"
	StateFailed  = "failed"
)

// ManualDelegate is the delegate of a fencing an admin confirmed by hand
// (Pacemaker shows "a human").
const ManualDelegate = "a human"

// Entry is one fencing operation in the history.
type Entry struct {
	// ID is unique cluster-wide: the origin's name and a sequence.
	ID     string `json:"id"`
	Target string `json:"target"`
	Action string `json:"action"`
	// Delegate is the node that executed the device(s), or ManualDelegate.
	Delegate string `json:"delegate,omitempty"`
	Origin   string `json:"origin"`
	Client   string `json:"client,omitempty"`
	State    string `json:"state"`
	Reason   string `json:"reason,omitempty"`
	// Devices lists the devices that carried out a success, or were tried.
	Devices   []string  `json:"devices,omitempty"`
	Level     int       `json:"level,omitempty"`
	Started   time.Time `json:"started"`
	Completed time.Time `json:"completed,omitzero"`
}

// Done reports whether the entry has a final state.
func (e Entry) Done() bool { return e.State == StateSuccess || e.State == StateFailed }

// newer reports whether a should replace b (same ID). A success is the
// truth once anyone saw it (the node is down), so it beats a failure some
// node recorded when the origin vanished, which beats pending; then the
// later completion; then a fixed order, so that every node keeps the same
// entry whatever order merges come in.
func newer(a, b Entry) bool {
	rank := func(e Entry) int {
		switch e.State {
		case StateSuccess:
			return 2
		case StateFailed:
			return 1
		}
		return 0
	}
	if ra, rb := rank(a), rank(b); ra != rb {
		return ra > rb
	}
	if !a.Completed.Equal(b.Completed) {
		return a.Completed.After(b.Completed)
	}
	if a.Delegate != b.Delegate {
		return a.Delegate > b.Delegate
	}
	return a.Reason > b.Reason
}

// View converts an entry for status output.
func (e Entry) View() clusterview.FencingEvent {
	r := clusterview.FencingPending
	switch e.State {
	case StateSuccess:
		r = clusterview.FencingSuccess
	case StateFailed:
		r = clusterview.FencingFailed
	}
	return clusterview.FencingEvent{Target: e.Target, Action: e.Action, Delegate: e.Delegate, Origin: e.Origin,
		Client: e.Client, Result: r, ExitReason: e.Reason, Completed: e.Completed, Started: e.Started}
}

// MaxHistory bounds the entries kept; the oldest finished ones go first.
const MaxHistory = 500

// History is a node's copy of the fencing history, persisted in one file.
type History struct {
	mu      sync.Mutex
	path    string
	entries map[string]Entry
	max     int
}

type historyFile struct {
	Version int     `json:"version"`
	Entries []Entry `json:"entries"`
}

// ErrCorruptHistory is wrapped when the history file could not be read;
// the file is kept aside (".corrupt") and the history starts empty, to be
// filled again from the peers.
var ErrCorruptHistory = errors.New("corrupt fencing history")

// OpenHistory loads the history from path ("" = in memory only). A missing
// file is an empty history. A corrupt file is renamed to path.corrupt and
// an error wrapping ErrCorruptHistory is returned with a usable, empty
// History.
func OpenHistory(path string) (*History, error) {
	h := &History{path: path, entries: map[string]Entry{}, max: MaxHistory}
	if path == "" {
		return h, nil
	}
	data, err := os.ReadFile(path)
	if errors.Is(err, os.ErrNotExist) {
		return h, nil
	}
	if err != nil {
		return nil, fmt.Errorf("read fencing history %s: %w", path, err)
	}
	var f historyFile
	err = json.Unmarshal(data, &f)
	if err == nil && f.Version != 1 {
		err = fmt.Errorf("unknown version %d", f.Version)
	} else if err == nil {
		for i, e := range f.Entries {
			if e.ID == "" || e.Target == "" {
				err = fmt.Errorf("entry %d has no id or target", i+1)
				break
			}
		}
	}
	if err != nil {
		aside := path + ".corrupt"
		_ = os.Rename(path, aside)
		return h, fmt.Errorf("%w: %s: %v (kept as %s, starting empty)", ErrCorruptHistory, path, err, aside)
	}
	for _, e := range f.Entries {
		h.entries[e.ID] = e
	}
	return h, nil
}

// Record adds or updates one entry and saves the history.
func (h *History) Record(e Entry) error {
	_, err := h.Merge([]Entry{e})
	return err
}

// Merge folds entries from a peer (or a local update) into the history:
// per ID the entry that is further along wins (see newer), so merging is
// commutative and idempotent and every node converges on the same history
// however gossip orders it. It returns the entries that changed here, and
// saves when anything did.
func (h *History) Merge(in []Entry) ([]Entry, error) {
	h.mu.Lock()
	defer h.mu.Unlock()
	var changed []Entry
	for _, e := range in {
		if e.ID == "" || e.Target == "" {
			continue
		}
		if old, ok := h.entries[e.ID]; ok && !newer(e, old) {
			continue
		}
		h.entries[e.ID] = e
		changed = append(changed, e)
	}
	if len(changed) == 0 {
		return nil, nil
	}
	h.prune()
	return changed, h.save()
}

func (h *History) prune() {
	if len(h.entries) <= h.max {
		return
	}
	all := h.sorted("")
	for i := len(all) - 1; i >= 0 && len(h.entries) > h.max; i-- {
		if all[i].Done() {
			delete(h.entries, all[i].ID)
		}
	}
}

// sorted lists entries newest first (by completion, else start).
func (h *History) sorted(target string) []Entry {
	var out []Entry
	for _, e := range h.entries {
		if target == "" || e.Target == target {
			out = append(out, e)
		}
	}
	when := func(e Entry) time.Time {
		if e.Completed.IsZero() {
			return e.Started
		}
		return e.Completed
	}
	sort.Slice(out, func(i, j int) bool {
		a, b := when(out[i]), when(out[j])
		if !a.Equal(b) {
			return a.After(b)
		}
		return out[i].ID > out[j].ID
	})
	return out
}

// List returns the entries for target ("" = all), newest first.
func (h *History) List(target string) []Entry {
	h.mu.Lock()
	defer h.mu.Unlock()
	return h.sorted(target)
}

// Get returns one entry.
func (h *History) Get(id string) (Entry, bool) {
	h.mu.Lock()
	defer h.mu.Unlock()
	e, ok := h.entries[id]
	return e, ok
}

// LastSuccess is the latest successful fencing (off or reboot, or a
// manual confirmation) of target completed at or after since.
func (h *History) LastSuccess(target string, since time.Time) (Entry, bool) {
	for _, e := range h.List(target) {
		if e.State == StateSuccess && e.Action != "on" && !e.Completed.Before(since) {
			return e, true
		}
	}
	return Entry{}, false
}

// save writes the file atomically: temp file, fsync, rename, fsync of the
// directory. A failed save leaves the previous file whole.
func (h *History) save() error {
	if h.path == "" {
		return nil
	}
	f := historyFile{Version: 1, Entries: h.sorted("")}
	data, err := json.MarshalIndent(f, "", " ")
	if err != nil {
		return fmt.Errorf("encode fencing history: %w", err)
	}
	return writeAtomic(h.path, data)
}

func writeAtomic(path string, data []byte) error {
	if err := os.MkdirAll(filepath.Dir(path), 0o750); err != nil {
		return fmt.Errorf("save %s: %w", path, err)
	}
	if err := atomicfile.Write(path, data, 0o600); err != nil {
		return fmt.Errorf("save history: %w", err)
	}
	return nil
}
