package shell

import (
	"bytes"
	"context"
	"fmt"
	"path/filepath"
	"strings"
	"testing"

	"pacer/share/schedcases"
	"pacer/share/xmltree"
)

// TestAllCasesReadOnly runs the read-only commands on every scheduler case
// CIB: each either works or fails with an error, never a panic, and
// "configure show xml" always gives back the file's configuration.
func TestAllCasesReadOnly(t *testing.T) {
	dir, ok := schedcases.Dir()
	if !ok {
		t.Skipf("scheduler cases not found at %s", dir)
	}
	files, _ := filepath.Glob(filepath.Join(dir, "xml", "*.xml"))
	if testing.Short() && len(files) > 60 {
		files = files[:60]
	}
	failures := map[string]int{}
	for _, f := range files {
		t.Setenv("CIB_file", f)
		t.Setenv("CIB_shadow", "")
		for _, line := range []string{"configure show xml", "cib verify", "status", "configure show", "node show"} {
			var out, errb bytes.Buffer
			s := newSession(strings.NewReader(""), &out, &errb)
			s.oneShot = true
			err := func() (err error) {
				defer func() {
					if r := recover(); r != nil {
						err = fmt.Errorf("panic: %v", r)
					}
				}()
				return s.runLine(context.Background(), line)
			}()
			if err != nil && strings.HasPrefix(err.Error(), "panic") {
				t.Errorf("%s: %s: %v", filepath.Base(f), line, err)
			}
			if err != nil {
				failures[line]++
				continue
			}
			if line == "configure show xml" {
				got, perr := xmltree.ParseBytes(out.Bytes())
				want, _ := xmltree.ParseFile(f)
				if perr != nil || !xmltree.Equal(got.Root, want.Root.Child("configuration").Clone()) {
					t.Errorf("%s: show xml is not the file's configuration", filepath.Base(f))
				}
			}
		}
	}
	t.Logf("%d files; commands that returned an error: %v", len(files), failures)
	if failures["configure show xml"] > 0 || failures["configure show"] > 0 {
		t.Errorf("show failed on some files: %v", failures)
	}
}
