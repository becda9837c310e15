package tui

import (
	"io"
	"strings"
	"testing"
	"time"

	tea "charm.land/bubbletea/v2"
	"github.com/charmbracelet/x/ansi"
	"github.com/charmbracelet/x/exp/teatest/v2"
	"github.com/charmbracelet/x/vt"

	cv "pacer/share/clusterview"
	"pacer/share/clusterview/clusterviewtest"
)

// screenLog accumulates a program's output so several waits can look at
// the same bytes; each wait searches after the previous match, so waits
// also check the order things appeared in.
type screenLog struct {
	t    *testing.T
	r    io.Reader
	term *vt.Emulator
}

// newScreenLog plays the program's output on a w x h terminal emulator:
// bubbletea v2 redraws only the cells that changed, so the text to look
// for is on the emulated screen, not whole in the byte stream.
func newScreenLog(t *testing.T, r io.Reader, w, h int) *screenLog {
	term := vt.NewEmulator(w, h)
	// The output is not a terminal, so no line discipline turns the
	// program's "\n" into CR LF: the emulator's newline mode does.
	term.WriteString(ansi.SetModeLineFeedNewLine)
	go io.Copy(io.Discard, term) // answers to the program's queries
	t.Cleanup(func() { term.Close() })
	return &screenLog{t: t, r: r, term: term}
}

func (s *screenLog) wait(want string) {
	s.t.Helper()
	deadline := time.Now().Add(5 * time.Second)
	for {
		if _, err := io.Copy(s.term, s.r); err != nil {
			s.t.Fatal(err)
		}
		screen := s.term.String()
		if strings.Contains(screen, want) {
			return
		}
		if time.Now().After(deadline) {
			s.t.Fatalf("screen never showed %q; the screen:\n%s", want, screen)
		}
		time.Sleep(10 * time.Millisecond)
	}
}

// The whole program, asynchronously: the first screen, a redraw when an
// event arrives (with a fresh snapshot), a lost stream shown and
// reconnected by itself, an action through the real key path, and q.
func TestProgramLive(t *testing.T) {
	src := newFakeSource(clusterviewtest.Mixed())
	acts := &recordingActions{}
	m := New(t.Context(), src, acts, Options{Location: time.UTC})
	tm := teatest.NewTestModel(t, m, teatest.WithInitialTermSize(80, 24))
	screen := newScreenLog(t, tm.Output(), 80, 24)
	screen.wait("● live")

	// node2 dies: the daemon reports it and the next snapshot shows it.
	changed := clusterviewtest.Mixed()
	changed.Node("node2").State, changed.Node("node2").Online = cv.NodeOffline, false
	src.set(changed)
	src.push(cv.Event{Seq: 50, Time: clusterviewtest.T0, Kind: cv.EventNodeLeft, Node: "node2", Message: "node2 left the cluster"})
	screen.wait("node2  OFFLINE")
	screen.wait("node2 left the cluster")

	// The connection drops and comes back without the user doing anything.
	src.closeStream()
	screen.wait("connection lost, retrying in 500ms")
	screen.wait("● live")

	// Standby node3 through the keys.
	tm.Send(tea.KeyPressMsg{Code: tea.KeyDown})
	tm.Send(tea.KeyPressMsg{Code: tea.KeyDown})
	tm.Type("s")
	screen.wait("Put node node3 in standby? [y/N]")
	tm.Type("y")
	screen.wait("standby node3: done")

	tm.Type("q")
	tm.WaitFinished(t, teatest.WithFinalTimeout(5*time.Second))
	if got := acts.get(); len(got) != 1 || got[0] != "standby node3" {
		t.Fatalf("actions %v, want [standby node3]", got)
	}
	if src.subCalls != 2 {
		t.Errorf("subscribed %d times, want 2 (initial + reconnect)", src.subCalls)
	}
}
