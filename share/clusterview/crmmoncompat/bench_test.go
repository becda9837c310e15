package crmmoncompat_test

import (
	"context"
	"testing"
	"time"

	tea "charm.land/bubbletea/v2"

	"pacer/daemon/scheduler"
	"pacer/share/cib/cibgen"
	cv "pacer/share/clusterview"
	"pacer/tui"
)

// The status path of `pacer status` on a 32-node, 1000-resource CIB file:
// unpack the file's status into a snapshot and print it.
func BenchmarkStatusOfGeneratedCIB32x1000(b *testing.B) {
	doc := cibgen.Generate(cibgen.Defaults(32, 1000))
	now := time.Date(2026, 11, 24, 0, 0, 0, 0, time.UTC)
	for b.Loop() {
		snap, err := scheduler.View(doc, now)
		if err != nil {
			b.Fatal(err)
		}
		_ = cv.FormatText(snap, cv.DefaultTextOptions)
	}
}

// A redraw of `pacer mon` showing that CIB after an event: the rows are
// rebuilt from a fresh snapshot and the screen drawn (goal: under 50 ms).
func BenchmarkMonitorRedrawGeneratedCIB32x1000(b *testing.B) {
	snap, err := scheduler.View(cibgen.Generate(cibgen.Defaults(32, 1000)), time.Now())
	if err != nil {
		b.Fatal(err)
	}
	src := &tui.StaticSource{Load: func(context.Context) (*cv.Snapshot, error) { return snap, nil }}
	m := tui.New(b.Context(), src, nil, tui.Options{Location: time.UTC})
	m.Update(tea.WindowSizeMsg{Width: 160, Height: 50})
	for b.Loop() {
		// Init's command connects and returns the fresh snapshot, as after
		// a reconnect: the whole model is rebuilt from it.
		m.Update(m.Init()())
		_ = m.View()
	}
}
