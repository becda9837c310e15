package tui

import (
	"context"
	"os"
	"path/filepath"
	"testing"
	"time"

	cv "pacer/share/clusterview"
	"pacer/share/clusterview/clusterviewtest"
)

func waitSignal(t *testing.T, ch <-chan struct{}, what string) {
	t.Helper()
	select {
	case _, ok := <-ch:
		if !ok {
			t.Fatalf("%s: channel closed", what)
		}
	case <-time.After(5 * time.Second):
		t.Fatalf("%s: no change reported", what)
	}
}

func TestWatchFile(t *testing.T) {
	dir := t.TempDir()
	path := filepath.Join(dir, "cib.xml")
	if err := os.WriteFile(path, []byte("<cib/>"), 0o644); err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	ch, err := WatchFile(ctx, path)
	if err != nil {
		t.Fatal(err)
	}
	// Another file in the directory is not a change.
	os.WriteFile(filepath.Join(dir, "other.xml"), []byte("x"), 0o644)
	select {
	case <-ch:
		t.Fatal("a change of another file was reported")
	case <-time.After(200 * time.Millisecond):
	}
	if err := os.WriteFile(path, []byte("<cib epoch=\"2\"/>"), 0o644); err != nil {
		t.Fatal(err)
	}
	waitSignal(t, ch, "rewrite in place")
	tmp := filepath.Join(dir, "cib.xml.new")
	os.WriteFile(tmp, []byte("<cib epoch=\"3\"/>"), 0o644)
	if err := os.Rename(tmp, path); err != nil {
		t.Fatal(err)
	}
	waitSignal(t, ch, "replace by rename")
	cancel()
	select {
	case _, ok := <-ch:
		for ok {
			_, ok = <-ch
		}
	case <-time.After(5 * time.Second):
		t.Fatal("channel not closed after cancel")
	}
}

func TestWatchFileMissingDir(t *testing.T) {
	if _, err := WatchFile(t.Context(), "/nonexistent-dir-of-pacer/cib.xml"); err == nil {
		t.Fatal("watching a file in a missing directory must fail")
	}
}

// StaticSource turns file changes into cib-changed events and reloads.
func TestStaticSourceEvents(t *testing.T) {
	changed := make(chan struct{}, 1)
	loads := 0
	src := &StaticSource{
		Load: func(context.Context) (*cv.Snapshot, error) {
			loads++
			return clusterviewtest.Mixed(), nil
		},
		Changed: changed,
	}
	ctx, cancel := context.WithCancel(context.Background())
	events, err := src.Subscribe(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if s, err := src.Snapshot(ctx); err != nil || s.ClusterName != "demo" || loads != 1 {
		t.Fatalf("Snapshot: %v %v loads=%d", s, err, loads)
	}
	changed <- struct{}{}
	select {
	case ev := <-events:
		if ev.Kind != cv.EventCIBChanged {
			t.Fatalf("event %+v", ev)
		}
	case <-time.After(5 * time.Second):
		t.Fatal("no event for a change")
	}
	cancel()
	select {
	case _, ok := <-events:
		if ok {
			t.Fatal("unexpected event after cancel")
		}
	case <-time.After(5 * time.Second):
		t.Fatal("stream not closed after cancel")
	}
}
