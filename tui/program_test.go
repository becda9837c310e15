package tui

import (
	"bytes"
	"io"
	"testing"
	"time"

	tea "github.com/charmbracelet/bubbletea"
	"github.com/charmbracelet/x/exp/teatest"

	cv "pacer/share/clusterview"
	"pacer/share/clusterview/clusterviewtest"
)

// screenLog accumulates a program's output so several waits can look at
// the same bytes; each wait searches after the previous match, so waits
// also check the order things appeared in.
type screenLog struct {
	t    *testing.T
	r    io.Reader
	buf  bytes.Buffer
	mark int
}

func (s *screenLog) wait(want string) {
	s.t.Helper()
	deadline := time.Now().Add(5 * time.Second)
	for {
		if _, err := io.Copy(&s.buf, s.r); err != nil {
			s.t.Fatal(err)
		}
		if i := bytes.Index(s.buf.Bytes()[s.mark:], []byte(want)); i >= 0 {
			s.mark += i + len(want)
			return
		}
		if time.Now().After(deadline) {
			s.t.Fatalf("screen never showed %q; output after the last match:\n%q", want, s.buf.Bytes()[s.mark:])
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
	screen := &screenLog{t: t, r: tm.Output()}
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
	tm.Send(tea.KeyMsg{Type: tea.KeyDown})
	tm.Send(tea.KeyMsg{Type: tea.KeyDown})
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
