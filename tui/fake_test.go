package tui

import (
	"context"
	"errors"
	"fmt"
	"sync"
	"testing"
	"time"

	tea "charm.land/bubbletea/v2"
	"github.com/charmbracelet/x/ansi"

	cv "pacer/share/clusterview"
	"pacer/share/clusterview/clusterviewtest"
)

// fakeSource stands in for the daemon client, which another package
// provides (share/client); the end-to-end test uses the real one.
type fakeSource struct {
	mu        sync.Mutex
	snap      *cv.Snapshot
	snapErr   error
	subErr    error
	streams   []chan cv.Event
	snapCalls int
	subCalls  int
}

func newFakeSource(s *cv.Snapshot) *fakeSource { return &fakeSource{snap: s} }

func (f *fakeSource) Snapshot(ctx context.Context) (*cv.Snapshot, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.snapCalls++
	if f.snapErr != nil {
		return nil, f.snapErr
	}
	return f.snap, nil
}

func (f *fakeSource) Subscribe(ctx context.Context) (<-chan cv.Event, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.subCalls++
	if f.subErr != nil {
		return nil, f.subErr
	}
	ch := make(chan cv.Event, 16)
	f.streams = append(f.streams, ch)
	return ch, nil
}

func (f *fakeSource) set(s *cv.Snapshot) {
	f.mu.Lock()
	f.snap = s
	f.mu.Unlock()
}

// push sends an event on the newest stream.
func (f *fakeSource) push(e cv.Event) {
	f.mu.Lock()
	ch := f.streams[len(f.streams)-1]
	f.mu.Unlock()
	ch <- e
}

// closeStream ends the newest stream, as a dropped connection does.
func (f *fakeSource) closeStream() {
	f.mu.Lock()
	close(f.streams[len(f.streams)-1])
	f.mu.Unlock()
}

// recordingActions records the calls it gets and returns err.
type recordingActions struct {
	mu    sync.Mutex
	calls []string
	err   error
}

func (r *recordingActions) rec(s string) error {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.calls = append(r.calls, s)
	return r.err
}

func (r *recordingActions) Standby(_ context.Context, n string) error { return r.rec("standby " + n) }
func (r *recordingActions) Online(_ context.Context, n string) error  { return r.rec("online " + n) }
func (r *recordingActions) Cleanup(_ context.Context, rsc, n string) error {
	return r.rec(fmt.Sprintf("cleanup %s %s", rsc, n))
}
func (r *recordingActions) Start(_ context.Context, rsc string) error { return r.rec("start " + rsc) }
func (r *recordingActions) Stop(_ context.Context, rsc string) error  { return r.rec("stop " + rsc) }
func (r *recordingActions) Move(_ context.Context, rsc, n string) error {
	return r.rec("move " + rsc + " " + n)
}
func (r *recordingActions) Clear(_ context.Context, rsc string) error { return r.rec("clear " + rsc) }

func (r *recordingActions) get() []string {
	r.mu.Lock()
	defer r.mu.Unlock()
	return append([]string(nil), r.calls...)
}

var errBoom = errors.New("boom")

// newTestModel is a model connected to a fake source showing snap, at
// 80x24, without color, in UTC.
func newTestModel(t *testing.T, snap *cv.Snapshot) (*Model, *fakeSource, *recordingActions) {
	t.Helper()
	if snap == nil {
		snap = clusterviewtest.Mixed()
	}
	src := newFakeSource(snap)
	acts := &recordingActions{}
	mono := MonoStyles()
	m := New(context.Background(), src, acts, Options{Location: time.UTC, Styles: &mono})
	m.Update(tea.WindowSizeMsg{Width: 80, Height: 24})
	msg := m.Init()()
	if _, ok := msg.(connectedMsg); !ok {
		t.Fatalf("Init: got %T %v, want connectedMsg", msg, msg)
	}
	m.Update(msg)
	return m, src, acts
}

// plainScreen is the model's screen without escape sequences: what the
// tests read (the styles have tests of their own).
func plainScreen(m *Model) string { return ansi.Strip(m.Screen()) }

func keyMsg(s string) tea.KeyPressMsg {
	switch s {
	case "tab":
		return tea.KeyPressMsg{Code: tea.KeyTab}
	case "shift+tab":
		return tea.KeyPressMsg{Code: tea.KeyTab, Mod: tea.ModShift}
	case "enter":
		return tea.KeyPressMsg{Code: tea.KeyEnter}
	case "esc":
		return tea.KeyPressMsg{Code: tea.KeyEscape}
	case "ctrl+c":
		return tea.KeyPressMsg{Code: 'c', Mod: tea.ModCtrl}
	case "up":
		return tea.KeyPressMsg{Code: tea.KeyUp}
	case "down":
		return tea.KeyPressMsg{Code: tea.KeyDown}
	case "backspace":
		return tea.KeyPressMsg{Code: tea.KeyBackspace}
	case "pgdown":
		return tea.KeyPressMsg{Code: tea.KeyPgDown}
	}
	r := []rune(s)
	return tea.KeyPressMsg{Code: r[0], Text: s}
}

// press sends keys and returns the command of the last one.
func press(m *Model, keys ...string) tea.Cmd {
	var cmd tea.Cmd
	for _, k := range keys {
		_, cmd = m.Update(keyMsg(k))
	}
	return cmd
}

// typeText sends each rune as its own key press.
func typeText(m *Model, s string) {
	for _, r := range s {
		m.Update(runeKey(r))
	}
}

// isQuit tells whether cmd quits the program.
func isQuit(cmd tea.Cmd) bool {
	if cmd == nil {
		return false
	}
	_, ok := cmd().(tea.QuitMsg)
	return ok
}

// collect runs cmd (and the commands of a batch) that finish within a
// short time and returns their messages; blocking ones (waiting on an event
// stream) are left behind.
func collect(cmd tea.Cmd) []tea.Msg {
	if cmd == nil {
		return nil
	}
	done := make(chan tea.Msg, 1)
	go func() { done <- cmd() }()
	select {
	case msg := <-done:
		if batch, ok := msg.(tea.BatchMsg); ok {
			var out []tea.Msg
			for _, c := range batch {
				out = append(out, collect(c)...)
			}
			return out
		}
		if msg == nil {
			return nil
		}
		return []tea.Msg{msg}
	case <-time.After(200 * time.Millisecond):
		return nil
	}
}

func windowSize(w, h int) tea.WindowSizeMsg { return tea.WindowSizeMsg{Width: w, Height: h} }
