package peinput

import (
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"pacer/share/xmltree"
)

func doc(t *testing.T, epoch string) *xmltree.Document {
	t.Helper()
	d, err := xmltree.ParseString(`<cib epoch="` + epoch + `" num_updates="0" admin_epoch="0" validate-with="pacemaker-3.9"><configuration><crm_config/><nodes/><resources/><constraints/></configuration><status/></cib>`)
	if err != nil {
		t.Fatal(err)
	}
	return d
}

// Each series counts on its own, wraps at its limit, and what is saved
// reads back as the CIB that was given.
func TestSeriesCountWrapAndReadBack(t *testing.T) {
	s, err := Open(filepath.Join(t.TempDir(), "pengine"))
	if err != nil {
		t.Fatal(err)
	}
	var paths []string
	start := time.Now().Add(-time.Hour)
	for i := 0; i < 5; i++ {
		p, err := s.Save(Input, doc(t, string(rune('1'+i))), 3)
		if err != nil {
			t.Fatal(err)
		}
		// Saves a run apart, as the DC makes them: the file clock's
		// granularity would otherwise give several the same time.
		at := start.Add(time.Duration(i) * time.Minute)
		os.Chtimes(p, at, at)
		paths = append(paths, filepath.Base(p))
	}
	if got := strings.Join(paths, " "); got != "pe-input-0.bz2 pe-input-1.bz2 pe-input-2.bz2 pe-input-0.bz2 pe-input-1.bz2" {
		t.Fatalf("files %s", got)
	}
	if p, _ := s.Save(Error, doc(t, "9"), -1); filepath.Base(p) != "pe-error-0.bz2" {
		t.Fatalf("the error series shares the input numbers: %s", p)
	}
	if p, err := s.Save(Warn, doc(t, "9"), 0); p != "" || err != nil {
		t.Fatalf("a limit of 0 kept %q (%v)", p, err)
	}
	list, err := s.List()
	if err != nil {
		t.Fatal(err)
	}
	if len(list) != 4 {
		t.Fatalf("%d files kept, want 3 inputs and 1 error: %+v", len(list), list)
	}
	d, err := xmltree.ParseFile(filepath.Join(s.Dir(), "pe-input-1.bz2"))
	if err != nil {
		t.Fatal(err)
	}
	if e := d.Root.Attr("epoch"); e != "5" {
		t.Fatalf("pe-input-1 holds epoch %s, want the fifth save's 5", e)
	}
	// A lost .last file: numbering goes on after the newest file.
	os.Remove(filepath.Join(s.Dir(), "pe-input.last"))
	if p, _ := s.Save(Input, doc(t, "6"), 3); filepath.Base(p) != "pe-input-2.bz2" {
		t.Fatalf("after losing pe-input.last: %s", p)
	}
}

// Pacemaker's own crm_simulate reads what is saved (Debian's, which
// pacemaker-cli-utils installs; the oracle's wrapper renames its input and
// Pacemaker tells bzip2 by the .bz2 suffix).
func TestPacemakerReadsTheSavedInput(t *testing.T) {
	if _, err := exec.LookPath("crm_simulate"); err != nil {
		t.Skip("crm_simulate (pacemaker-cli-utils) not installed")
	}
	s, err := Open(t.TempDir())
	if err != nil {
		t.Fatal(err)
	}
	p, err := s.Save(Input, doc(t, "3"), -1)
	if err != nil {
		t.Fatal(err)
	}
	out, err := exec.Command("crm_simulate", "-x", p, "-S").CombinedOutput()
	if err != nil || !strings.Contains(string(out), "Transition Summary") {
		t.Fatalf("crm_simulate -x %s: %v\n%s", p, err, out)
	}
}
