// Package schedcases locates Pacemaker's scheduler regression cases
// (../shared/pacemaker-scheduler beside the repository, or $PACER_SCHED_CASES)
// for the tests that read them.
package schedcases

import (
	"bufio"
	"fmt"
	"os"
	"path/filepath"
	"runtime"
	"strings"
)

// Dir returns the cases folder and whether it exists.
func Dir() (string, bool) {
	if d := os.Getenv("PACER_SCHED_CASES"); d != "" {
		st, err := os.Stat(d)
		return d, err == nil && st.IsDir()
	}
	_, file, _, _ := runtime.Caller(0)
	// share/schedcases/schedcases.go -> repo root is two levels up.
	root := filepath.Dir(filepath.Dir(filepath.Dir(file)))
	d := filepath.Join(root, "..", "shared", "pacemaker-scheduler")
	st, err := os.Stat(d)
	return d, err == nil && st.IsDir()
}

// Case is one line of cases.tsv.
type Case struct {
	Name, Group, Description, Args, Class, Features string
}

// Load reads cases.tsv from dir.
func Load(dir string) ([]Case, error) {
	f, err := os.Open(filepath.Join(dir, "cases.tsv"))
	if err != nil {
		return nil, err
	}
	defer f.Close()
	var out []Case
	sc := bufio.NewScanner(f)
	sc.Buffer(make([]byte, 1<<20), 1<<20)
	first := true
	for sc.Scan() {
		line := sc.Text()
		if first {
			first = false
			if strings.HasPrefix(line, "name\t") {
				continue
			}
		}
		if strings.TrimSpace(line) == "" {
			continue
		}
		f := strings.Split(line, "\t")
		for len(f) < 6 {
			f = append(f, "")
		}
		out = append(out, Case{f[0], f[1], f[2], f[3], f[4], f[5]})
	}
	if err := sc.Err(); err != nil {
		return nil, fmt.Errorf("read %s: %w", filepath.Join(dir, "cases.tsv"), err)
	}
	return out, nil
}
