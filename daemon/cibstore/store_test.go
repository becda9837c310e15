package cibstore

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"pacer/share/xmltree"
)

func doc(t *testing.T, epoch string) *xmltree.Document {
	t.Helper()
	d, err := xmltree.ParseString(`<cib admin_epoch="0" epoch="` + epoch + `" num_updates="0"><configuration/><status/></cib>`)
	if err != nil {
		t.Fatal(err)
	}
	return d
}

func TestSaveLoadKeepsLastN(t *testing.T) {
	dir := t.TempDir()
	s, _ := Open(dir, 3)
	for _, e := range []string{"1", "2", "3", "4", "5"} {
		if err := s.Save(doc(t, e)); err != nil {
			t.Fatal(err)
		}
	}
	s2, _ := Open(dir, 3)
	d, err := s2.Load()
	if err != nil || d == nil || d.Root.Attr("epoch") != "5" {
		t.Fatalf("load: %v %v", d, err)
	}
	files, _ := filepath.Glob(filepath.Join(dir, "cib-*.xml"))
	if len(files) != 3 {
		t.Fatalf("kept %v, want the last 3", files)
	}
	tmps, _ := filepath.Glob(filepath.Join(dir, "*.tmp"))
	if len(tmps) != 0 {
		t.Fatalf("temp files left: %v", tmps)
	}
}

func TestCorruptNewestFallsBackAndSaysSo(t *testing.T) {
	dir := t.TempDir()
	s, _ := Open(dir, 5)
	s.Save(doc(t, "1"))
	s.Save(doc(t, "2"))
	newest := s.Path()
	data, _ := os.ReadFile(newest)
	data[len(data)/2] ^= 0x20
	os.WriteFile(newest, data, 0o640)

	s2, _ := Open(dir, 5)
	d, err := s2.Load()
	if err != nil {
		t.Fatal(err)
	}
	if d == nil || d.Root.Attr("epoch") != "1" {
		t.Fatalf("want the intact older version, got %v", d)
	}
	if len(s2.Corrupt) != 1 || !strings.Contains(s2.Corrupt[0], "checksum mismatch") || !strings.Contains(s2.Corrupt[0], newest) {
		t.Fatalf("corruption report %q should name %s", s2.Corrupt, newest)
	}
	// The next save does not reuse the corrupt file's name: nothing is lost.
	if err := s2.Save(doc(t, "3")); err != nil {
		t.Fatal(err)
	}
	if s2.Path() == newest {
		t.Fatal("overwrote the corrupt file")
	}
}

func TestMissingChecksumOrTruncatedIsCorrupt(t *testing.T) {
	dir := t.TempDir()
	s, _ := Open(dir, 5)
	s.Save(doc(t, "1"))
	os.Remove(s.Path() + ".sha256")
	s2, _ := Open(dir, 5)
	if d, _ := s2.Load(); d != nil || len(s2.Corrupt) != 1 {
		t.Fatalf("file without checksum accepted: %v %v", d, s2.Corrupt)
	}
}

func TestEmptyDirIsNoCIB(t *testing.T) {
	s, _ := Open(t.TempDir(), 5)
	if d, err := s.Load(); d != nil || err != nil {
		t.Fatalf("%v %v", d, err)
	}
}
