// Package differential compares Pacer's scheduler with Pacemaker's on
// generated clusters (daemon/scheduler/randcib): both get the same CIB and
// the same execution-date, and their crm_simulate transcripts are compared
// section by section (Transition Summary, executed actions, revised status,
// allocation scores). Pacemaker 3.0 runs as a black box in the chroot that
// ../shared/pacemaker-oracle/setup installs; a shrinker cuts a CIB on which
// the two disagree down to the smallest one that still disagrees.
package differential

import (
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"sync"
)

// Oracle is Pacemaker 3.0 installed in a chroot.
type Oracle struct {
	Dir string
}

// ErrNoOracle is returned by Find when no chroot is installed.
var ErrNoOracle = errors.New("no Pacemaker oracle installed (run ../shared/pacemaker-oracle/setup)")

// Find locates the chroot: $PACEMAKER_ORACLE, else /var/lib/pacemaker-oracle.
func Find() (*Oracle, error) {
	dir := os.Getenv("PACEMAKER_ORACLE")
	if dir == "" {
		dir = "/var/lib/pacemaker-oracle"
	}
	if _, err := os.Stat(filepath.Join(dir, "usr/sbin/crm_simulate")); err != nil {
		return nil, fmt.Errorf("%w: %s", ErrNoOracle, dir)
	}
	if os.Geteuid() != 0 {
		return nil, fmt.Errorf("%w: chroot %s needs root", ErrNoOracle, dir)
	}
	return &Oracle{Dir: dir}, nil
}

// Result is what Pacemaker's tools said about one CIB.
type Result struct {
	Simulate  string // crm_simulate -x F -S -s: stdout
	Stderr    string
	RC        int
	VerifyRC  int // crm_verify of F's configuration (0: valid)
	VerifyOut string
}

// Parallel is how many chroots run at once: the machine has two cores.
const Parallel = 2

// Run runs crm_simulate (and crm_verify when verify is set) on each CIB. A
// chroot costs about half a second to enter, so the CIBs are written into
// the chroot and each of Parallel shells runs its share in one go.
func (o *Oracle) Run(cibs []string, verify bool) ([]Result, error) {
	work, err := os.MkdirTemp(filepath.Join(o.Dir, "tmp"), "pacer-diff.")
	if err != nil {
		return nil, fmt.Errorf("oracle: %w", err)
	}
	defer os.RemoveAll(work)
	inside := strings.TrimPrefix(work, o.Dir)
	for i, c := range cibs {
		if err := os.WriteFile(filepath.Join(work, fmt.Sprintf("%d.xml", i)), []byte(c), 0o644); err != nil {
			return nil, fmt.Errorf("oracle: %w", err)
		}
		if verify {
			if err := os.WriteFile(filepath.Join(work, fmt.Sprintf("%d.cfg.xml", i)), []byte(configOnly(c)), 0o644); err != nil {
				return nil, fmt.Errorf("oracle: %w", err)
			}
		}
	}
	script := `cd "$1"; shift; for i in "$@"; do
crm_simulate -x $i.xml -S -s >$i.out 2>$i.err; echo $? >$i.rc
if [ "$VERIFY" = 1 ]; then crm_verify -V -x $i.cfg.xml >$i.vout 2>&1; echo $? >$i.vrc; fi
done`
	var wg sync.WaitGroup
	errs := make([]error, Parallel)
	for p := 0; p < Parallel; p++ {
		var idx []string
		for i := p; i < len(cibs); i += Parallel {
			idx = append(idx, strconv.Itoa(i))
		}
		if len(idx) == 0 {
			continue
		}
		wg.Add(1)
		go func(p int, idx []string) {
			defer wg.Done()
			args := append([]string{o.Dir, "/usr/bin/env", "-i", "PATH=/usr/sbin:/usr/bin:/sbin:/bin", "HOME=/root",
				"VERIFY=" + map[bool]string{true: "1", false: "0"}[verify], "sh", "-c", script, "sh", inside}, idx...)
			out, err := exec.Command("chroot", args...).CombinedOutput()
			if err != nil {
				errs[p] = fmt.Errorf("oracle: chroot %s: %v: %s", o.Dir, err, out)
			}
		}(p, idx)
	}
	wg.Wait()
	if err := errors.Join(errs...); err != nil {
		return nil, err
	}
	res := make([]Result, len(cibs))
	for i := range cibs {
		base := filepath.Join(work, strconv.Itoa(i))
		r := &res[i]
		r.Simulate = readFile(base + ".out")
		r.Stderr = readFile(base + ".err")
		r.RC = atoi(readFile(base + ".rc"))
		if verify {
			r.VerifyOut = readFile(base + ".vout")
			r.VerifyRC = atoi(readFile(base + ".vrc"))
		}
	}
	return res, nil
}

func readFile(p string) string {
	b, _ := os.ReadFile(p)
	return string(b)
}

func atoi(s string) int {
	n, err := strconv.Atoi(strings.TrimSpace(s))
	if err != nil {
		return -1
	}
	return n
}

var lrmSection = regexp.MustCompile(`(?s)<lrm [^>]*>.*?</lrm>`)

// configOnly is cib without its operation history: crm_verify then judges
// what an admin wrote and the nodes' states, not the errors a history
// reports (a resource active on two nodes is logged as an error, yet is a
// state the test wants).
func configOnly(cib string) string {
	return lrmSection.ReplaceAllString(cib, "")
}
