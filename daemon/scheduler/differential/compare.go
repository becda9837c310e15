package differential

import (
	"bytes"
	"fmt"
	"os"
	"path/filepath"
	"regexp"
	"sort"
	"strings"

	"pacer/daemon/scheduler/simulate"
)

// Transcript is a crm_simulate -S -s output cut into its sections, each
// line with its whitespace runs folded to one space.
type Transcript struct {
	Status, Scores, Summary, Actions, Revised []string
}

// Parse cuts crm_simulate's (or pacer simulate's) output into sections.
func Parse(out string) Transcript {
	var t Transcript
	var cur *[]string
	for _, l := range strings.Split(out, "\n") {
		switch {
		case strings.HasPrefix(l, "Current cluster status:"):
			cur = &t.Status
			continue
		case strings.HasPrefix(l, "Allocation scores:"), strings.HasPrefix(l, "Assignment Scores:"):
			cur = &t.Scores
			continue
		case strings.HasPrefix(l, "Transition Summary:"):
			cur = &t.Summary
			continue
		case strings.HasPrefix(l, "Executing Cluster Transition:"):
			cur = &t.Actions
			continue
		case strings.HasPrefix(l, "Revised Cluster Status:"):
			cur = &t.Revised
			continue
		case strings.HasPrefix(l, "Using the original execution date"):
			continue
		}
		f := strings.Fields(l)
		if cur == nil || len(f) == 0 {
			continue
		}
		if f[0] == "*" {
			f = f[1:]
		}
		*cur = append(*cur, strings.Join(f, " "))
	}
	return t
}

// Pacer runs `pacer simulate -S -s` on cib in-process.
func Pacer(cib string, dir string) (string, error) {
	f, err := os.CreateTemp(dir, "cib-*.xml")
	if err != nil {
		return "", err
	}
	defer os.Remove(f.Name())
	if _, err := f.WriteString(cib); err != nil {
		f.Close()
		return "", err
	}
	f.Close()
	var out, errb bytes.Buffer
	if rc := simulate.Main([]string{"-x", f.Name(), "-S", "-s"}, &out, &errb); rc != 0 {
		return out.String(), fmt.Errorf("pacer simulate exit %d: %s", rc, strings.TrimSpace(errb.String()))
	}
	return out.String(), nil
}

// Aspects compared, in the order the figures print them.
var Aspects = []string{"decisions", "exact", "actions", "status", "scores"}

// Verdict says which aspects agree.
type Verdict map[string]bool

// All is true when every aspect agrees.
func (v Verdict) All() bool {
	for _, a := range Aspects {
		if !v[a] {
			return false
		}
	}
	return true
}

// Compare compares Pacer's transcript with Pacemaker's.
func Compare(pacer, pcmk Transcript) Verdict {
	return Verdict{
		"decisions": sameMultiset(Decisions(pacer.Summary), Decisions(pcmk.Summary)),
		"exact":     sameMultiset(pacer.Summary, pcmk.Summary),
		"actions":   sameMultiset(pacer.Actions, pcmk.Actions),
		"status":    sameList(pacer.Revised, pcmk.Revised),
		"scores":    sameMultiset(pacer.Scores, pcmk.Scores),
	}
}

var (
	quoted  = regexp.MustCompile(`'[^']*'`)
	nodeRef = regexp.MustCompile(`^(.*?\([^)]*\))`)
)

// Decisions reduces Transition Summary lines to what is done, to what and
// where: the reason ("due to ...", a fencing's quoted reason) is dropped;
// "(blocked)" is kept, since a blocked action is not done.
func Decisions(summary []string) []string {
	out := make([]string, 0, len(summary))
	for _, l := range summary {
		blocked := strings.HasSuffix(l, "blocked")
		if strings.HasPrefix(l, "Fence") {
			l = strings.TrimSpace(quoted.ReplaceAllString(l, ""))
		} else if m := nodeRef.FindStringSubmatch(l); m != nil {
			l = m[1]
		}
		if blocked && !strings.HasSuffix(l, "(blocked)") {
			l += " (blocked)"
		}
		out = append(out, l)
	}
	return out
}

func sameMultiset(a, b []string) bool {
	if len(a) != len(b) {
		return false
	}
	x := append([]string(nil), a...)
	y := append([]string(nil), b...)
	sort.Strings(x)
	sort.Strings(y)
	return sameList(x, y)
}

func sameList(a, b []string) bool {
	if len(a) != len(b) {
		return false
	}
	for i := range a {
		if a[i] != b[i] {
			return false
		}
	}
	return true
}

// Diff prints the lines only one side has ("- pacer", "+ pacemaker").
func Diff(pacer, pcmk []string) string {
	count := map[string]int{}
	for _, l := range pacer {
		count[l]++
	}
	for _, l := range pcmk {
		count[l]--
	}
	var b strings.Builder
	keys := make([]string, 0, len(count))
	for k := range count {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	for _, k := range keys {
		for n := count[k]; n > 0; n-- {
			fmt.Fprintf(&b, "  pacer only:     %s\n", k)
		}
		for n := count[k]; n < 0; n++ {
			fmt.Fprintf(&b, "  pacemaker only: %s\n", k)
		}
	}
	return b.String()
}

// Case is one CIB run through both schedulers.
type Case struct {
	CIB      string
	Pacer    Transcript
	PacerErr error
	Pcmk     Transcript
	Oracle   Result
	Verdict  Verdict
}

// Rejected is true when Pacemaker's crm_verify refused the CIB, or
// crm_simulate produced no transition: such a case is reported, not
// compared. (crm_simulate also exits non-zero when the simulated
// transition does not complete, a fencing nothing can do for instance;
// its decisions are still printed and compared.)
func (c *Case) Rejected() bool {
	return c.Oracle.VerifyRC != 0 || !c.Simulated()
}

// Simulated is true when crm_simulate printed a Transition Summary.
func (c *Case) Simulated() bool {
	return strings.Contains(c.Oracle.Simulate, "\nTransition Summary:")
}

// RunCases runs each CIB through both schedulers.
func (o *Oracle) RunCases(cibs []string, verify bool) ([]*Case, error) {
	res, err := o.Run(cibs, verify)
	if err != nil {
		return nil, err
	}
	tmp, err := os.MkdirTemp("", "pacer-diff")
	if err != nil {
		return nil, err
	}
	defer os.RemoveAll(tmp)
	out := make([]*Case, len(cibs))
	for i, cib := range cibs {
		c := &Case{CIB: cib, Oracle: res[i], Pcmk: Parse(res[i].Simulate)}
		text, err := Pacer(cib, tmp)
		c.PacerErr = err
		c.Pacer = Parse(text)
		c.Verdict = Compare(c.Pacer, c.Pcmk)
		if err != nil {
			c.Verdict = Verdict{}
		}
		out[i] = c
	}
	return out, nil
}

// Explain lists the differences of c, aspect by aspect.
func (c *Case) Explain(aspects ...string) string {
	var b strings.Builder
	if c.PacerErr != nil {
		fmt.Fprintf(&b, "pacer: %v\n", c.PacerErr)
	}
	for _, a := range aspects {
		if c.Verdict[a] {
			continue
		}
		var x, y []string
		switch a {
		case "decisions":
			x, y = Decisions(c.Pacer.Summary), Decisions(c.Pcmk.Summary)
		case "exact":
			x, y = c.Pacer.Summary, c.Pcmk.Summary
		case "actions":
			x, y = c.Pacer.Actions, c.Pcmk.Actions
		case "status":
			x, y = c.Pacer.Revised, c.Pcmk.Revised
		case "scores":
			x, y = c.Pacer.Scores, c.Pcmk.Scores
		}
		fmt.Fprintf(&b, "%s:\n%s", a, Diff(x, y))
	}
	return b.String()
}

// WriteCase stores a CIB and Pacemaker's transcript as a regression case:
// NAME.xml and NAME.pcmk in dir.
func WriteCase(dir, name, cib, transcript string) error {
	if err := os.WriteFile(filepath.Join(dir, name+".xml"), []byte(cib), 0o644); err != nil {
		return err
	}
	return os.WriteFile(filepath.Join(dir, name+".pcmk"), []byte(transcript), 0o644)
}
