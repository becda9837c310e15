package tui

import (
	"flag"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/charmbracelet/x/ansi"

	cv "pacer/share/clusterview"
	"pacer/share/clusterview/clusterviewtest"
)

// updating reports -update, the flag teatest's golden package defines
// (and which this package's golden files share).
func updating() bool {
	f := flag.Lookup("update")
	return f != nil && f.Value.String() == "true"
}

// golden compares got with testdata/name.golden (or writes it with -update).
func golden(t *testing.T, name, got string) {
	t.Helper()
	path := filepath.Join("testdata", name+".golden")
	if updating() {
		if err := os.MkdirAll("testdata", 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(path, []byte(got), 0o644); err != nil {
			t.Fatal(err)
		}
		return
	}
	want, err := os.ReadFile(path)
	if err != nil {
		t.Fatalf("%v (run go test ./tui -run %s -update to create it)", err, t.Name())
	}
	if string(want) != got {
		t.Errorf("screen differs from %s:\n--- want\n%s\n--- got\n%s", path, want, got)
	}
}

// sized returns the test model resized.
func sized(m *Model, w, h int) *Model {
	m.Update(windowSize(w, h))
	return m
}

// The screens of a cluster with a group, a clone, a promotable clone, a
// failed action and an offline node, at fixed sizes.
func TestGoldenScreens(t *testing.T) {
	cases := []struct {
		name string
		w, h int
		keys []string
		snap func() *cv.Snapshot
	}{
		{"overview-80x24", 80, 24, nil, nil},
		{"overview-120x40", 120, 40, nil, nil},
		{"overview-60x16", 60, 16, nil, nil},
		{"resources-expanded-80x24", 80, 24, []string{"tab", "j", "j", "j", "j", "enter"}, nil},
		{"attributes-80x24", 80, 24, []string{"a"}, nil},
		{"by-node-80x24", 80, 24, []string{"tab", "n"}, nil},
		{"failures-80x24", 80, 24, []string{"3"}, nil},
		{"fencing-80x24", 80, 24, []string{"4"}, nil},
		{"tickets-80x24", 80, 24, []string{"5"}, nil},
		{"events-80x24", 80, 24, []string{"6"}, nil},
		{"help-80x24", 80, 24, []string{"tab", "?"}, nil},
		{"confirm-standby-80x24", 80, 24, []string{"j", "s"}, nil},
		{"move-picker-80x24", 80, 24, []string{"tab", "j", "m"}, nil},
		{"filter-80x24", 80, 24, []string{"/", "n", "o", "d", "e", "2", "enter"}, nil},
		{"degraded-80x24", 80, 24, nil, degradedSnapshot},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			var snap *cv.Snapshot
			if c.snap != nil {
				snap = c.snap()
			}
			m, _, _ := newTestModel(t, snap)
			sized(m, c.w, c.h)
			press(m, c.keys...)
			golden(t, c.name, plainScreen(m)+"\n")
		})
	}
}

// degradedSnapshot: no quorum, an unclean node being fenced, a pending
// action, maintenance mode and a pending transition.
func degradedSnapshot() *cv.Snapshot {
	s := clusterviewtest.Mixed()
	s.HaveQuorum = false
	s.MaintenanceMode = true
	s.Transition = cv.Transition{ID: 13, Pending: true, Actions: 6, Completed: 2}
	n4 := s.Node("node4")
	n4.State, n4.BeingFenced = cv.NodeUnclean, true
	www := s.Resource("www")
	www.PendingOp = "start"
	s.Resource("db:0").Nodes = []string{"node4"}
	s.Fencing = append([]cv.FencingEvent{{Target: "node4", Action: "reboot", Origin: "node1", Result: cv.FencingPending,
		Started: clusterviewtest.T0}}, s.Fencing...)
	return s
}

// Any terminal size: exactly height lines, none wider than width, and the
// status and help lines stay at the bottom.
func TestViewFitsAnySize(t *testing.T) {
	for _, w := range []int{20, 40, 79, 80, 81, 132, 250} {
		for _, h := range []int{6, 10, 24, 25, 60} {
			for _, keys := range [][]string{nil, {"tab"}, {"3"}, {"6"}, {"?"}, {"a"}, {"tab", "m"}} {
				m, _, _ := newTestModel(t, clusterviewtest.Large(8, 60))
				sized(m, w, h)
				press(m, keys...)
				lines := strings.Split(plainScreen(m), "\n")
				if len(lines) != h {
					t.Fatalf("%dx%d %v: %d lines", w, h, keys, len(lines))
				}
				for i, l := range lines {
					if lw := ansi.StringWidth(l); lw > w {
						t.Fatalf("%dx%d %v: line %d is %d wide: %q", w, h, keys, i, lw, l)
					}
				}
				if !strings.Contains(lines[h-1], "quit") && w >= 40 {
					t.Fatalf("%dx%d %v: help line not last: %q", w, h, keys, lines[h-1])
				}
			}
		}
	}
}

var colorSeq = regexp.MustCompile(`\x1b\[([0-9;]*;)?([34][0-7]|9[0-7]|10[0-7]|[34]8;[25];)`)

// NO_COLOR: monochrome styles emit bold/reverse but never a color, even on
// a true-color terminal; the default styles do use color.
func TestMonoStylesHaveNoColor(t *testing.T) {
	render := func(st Styles) string {
		m, _, _ := newTestModel(t, degradedSnapshot())
		m.styles = st
		press(m, "j")
		return m.Screen()
	}
	mono := render(MonoStyles())
	if colorSeq.MatchString(mono) {
		t.Errorf("monochrome view has color: %q", colorSeq.FindString(mono))
	}
	if !strings.Contains(mono, "\x1b[7m") && !strings.Contains(mono, ";7m") {
		t.Error("monochrome view lost the reverse-video cursor")
	}
	if !colorSeq.MatchString(render(DefaultStyles())) {
		t.Error("default styles show no color on a true-color terminal")
	}
	// And the words carry the meaning without any styling.
	plain := ansi.Strip(mono)
	for _, want := range []string{"NO QUORUM", "MAINTENANCE MODE", "UNCLEAN (offline), being fenced", "FAILED node1", "Starting node1", "› node2"} {
		if !strings.Contains(plain, want) {
			t.Errorf("without color the screen lacks %q:\n%s", want, plain)
		}
	}
}

// The redraw of a big cluster: 32 nodes, 1000 resource instances. The goal
// (under 50 ms a redraw) is checked by reading the benchmark, not by a
// timed test.
func BenchmarkView32x1000(b *testing.B) {
	snap := clusterviewtest.Large(32, 1000)
	src := newFakeSource(snap)
	m := New(b.Context(), src, nil, Options{Location: time.UTC})
	m.Update(windowSize(160, 50))
	m.Update(m.Init()())
	b.ResetTimer()
	for i := 0; b.Loop(); i++ {
		// Every redraw after an event sees a new snapshot: rebuild the rows.
		m.setSnapshot(snap, false)
		if i%2 == 1 {
			m.focus = paneResources
		}
		_ = plainScreen(m)
	}
}

// The redraw after a key press only (rows cached).
func BenchmarkViewCached32x1000(b *testing.B) {
	src := newFakeSource(clusterviewtest.Large(32, 1000))
	m := New(b.Context(), src, nil, Options{Location: time.UTC})
	m.Update(windowSize(160, 50))
	m.Update(m.Init()())
	for b.Loop() {
		press(m, "j")
		_ = plainScreen(m)
	}
}

// README-capture.txt is the screen the README shows: kept true by this test
// (regenerate with -update).
func TestREADMECapture(t *testing.T) {
	m, _, _ := newTestModel(t, degradedReadme())
	sized(m, 100, 30)
	screen := plainScreen(m)
	text := "$ pacer mon        # 100x30 terminal, NO_COLOR\n\n" + screen + "\n\n" +
		"$ pacer status\n\n" + cv.FormatText(degradedReadme(), cv.TextOptions{Inactive: true, FenceHistory: 1, Location: time.UTC})
	path := "README-capture.txt"
	if updating() {
		if err := os.WriteFile(path, []byte(text), 0o644); err != nil {
			t.Fatal(err)
		}
		return
	}
	want, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	if string(want) != text {
		t.Errorf("%s is out of date (go test ./tui -run README -update):\n%s", path, text)
	}
}

// degradedReadme: the README's cluster, mid-recovery.
func degradedReadme() *cv.Snapshot {
	s := clusterviewtest.Mixed()
	s.Transition = cv.Transition{ID: 13, Pending: true, Actions: 4, Completed: 1}
	s.Resource("www").PendingOp = "start"
	return s
}
