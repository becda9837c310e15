package crm

import (
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"sort"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"pacer/share/schedcases"
	"pacer/share/xmltree"
)

// crmsh drives the real crm shell on temporary copies of CIB files:
// crmsh 5.0 with Pacemaker 3.0 in the oracle chroot
// (../shared/pacemaker-oracle) when it is set up, else this machine's crm.
type crmsh struct {
	dir     string
	empty   string   // an empty CIB as cibadmin --empty writes it
	via     []string // the oracle's run script, or nothing
	version string
}

// oracleRun is ../shared/pacemaker-oracle/run when the oracle chroot is
// set up (and we are root, as chroot needs), else "".
func oracleRun() string {
	run := os.Getenv("PACER_ORACLE")
	if run == "" {
		wd, _ := os.Getwd()
		run = filepath.Join(wd, "..", "..", "..", "shared", "pacemaker-oracle", "run")
	}
	dir := os.Getenv("PACEMAKER_ORACLE")
	if dir == "" {
		dir = "/var/lib/pacemaker-oracle"
	}
	if _, err := os.Stat(run); err != nil || os.Geteuid() != 0 {
		return ""
	}
	if _, err := os.Stat(filepath.Join(dir, "usr", "sbin", "crm")); err != nil {
		return ""
	}
	return run
}

func newCrmsh(t *testing.T) *crmsh {
	t.Helper()
	c := &crmsh{dir: t.TempDir()}
	if run := oracleRun(); run != "" {
		c.via = []string{run}
	} else {
		if _, err := exec.LookPath("crm"); err != nil {
			t.Skip("neither the pacemaker oracle (crmsh 5.0) nor crm (crmsh) is installed")
		}
		if _, err := exec.LookPath("cibadmin"); err != nil {
			t.Skip("cibadmin is not installed; install pacemaker-cli-utils")
		}
	}
	dir := c.dir
	out, err := c.tool("cibadmin", "--empty").Output()
	if err != nil {
		t.Skipf("cibadmin --empty: %v", err)
	}
	if v, err := c.tool("crm", "--version").Output(); err == nil {
		c.version = strings.TrimSpace(string(v))
	}
	c.empty = filepath.Join(dir, "empty.xml")
	if err := os.WriteFile(c.empty, out, 0o644); err != nil {
		t.Fatal(err)
	}
	return c
}

// tool is TOOL ARGS, in the oracle when there is one.
func (c *crmsh) tool(name string, args ...string) *exec.Cmd {
	argv := append(append(append([]string{}, c.via...), name), args...)
	return exec.Command(argv[0], argv[1:]...)
}

func (c *crmsh) run(cibFile string, args ...string) (string, error) {
	cmd := c.tool("crm", args...)
	cmd.Env = append(os.Environ(), "CIB_file="+cibFile, "TERM=dumb", "HOME="+c.dir)
	cmd.Dir = c.dir
	var out, errb strings.Builder
	cmd.Stdout, cmd.Stderr = &out, &errb
	done := make(chan error, 1)
	if err := cmd.Start(); err != nil {
		return "", err
	}
	go func() { done <- cmd.Wait() }()
	select {
	case err := <-done:
		if err != nil {
			return out.String(), fmt.Errorf("crm %s: %v: %s", strings.Join(args, " "), err, errb.String())
		}
	case <-time.After(5 * time.Minute):
		cmd.Process.Kill()
		<-done
		return "", fmt.Errorf("crm %s: timed out", strings.Join(args, " "))
	}
	return out.String(), nil
}

// show prints a CIB file's configuration with crm configure show, on a copy.
func (c *crmsh) show(name, path string) (string, error) {
	data, err := os.ReadFile(path)
	if err != nil {
		return "", err
	}
	cp := filepath.Join(c.dir, name+".show.xml")
	if err := os.WriteFile(cp, data, 0o644); err != nil {
		return "", err
	}
	defer os.Remove(cp)
	return c.run(cp, "configure", "show")
}

// load loads crm text into a copy of the empty CIB and returns the
// resulting configuration.
func (c *crmsh) load(name, text string) (*xmltree.Element, error) {
	data, err := os.ReadFile(c.empty)
	if err != nil {
		return nil, err
	}
	cib := filepath.Join(c.dir, name+".load.xml")
	src := filepath.Join(c.dir, name+".crm")
	if err := os.WriteFile(cib, data, 0o644); err != nil {
		return nil, err
	}
	if err := os.WriteFile(src, []byte(text), 0o644); err != nil {
		return nil, err
	}
	defer os.Remove(cib)
	defer os.Remove(src)
	if _, err := c.run(cib, "-F", "configure", "load", "replace", src); err != nil {
		return nil, err
	}
	doc, err := xmltree.ParseFile(cib)
	if err != nil {
		return nil, err
	}
	cfg := doc.Root.Child("configuration")
	if cfg == nil {
		return nil, fmt.Errorf("crm load left no configuration")
	}
	return cfg, nil
}

// pacerLoad is Pacer's side of (a): crm text into an empty configuration.
func pacerLoad(text string) (*xmltree.Element, error) {
	sts, err := Parse(text)
	if err != nil {
		return nil, err
	}
	cfg := xmltree.New("configuration")
	for _, s := range []string{"crm_config", "nodes", "resources", "constraints"} {
		cfg.Append(xmltree.New(s))
	}
	if err := Apply(cfg, sts, Replace); err != nil {
		return nil, err
	}
	return cfg, nil
}

func configOf(path string) (*xmltree.Element, error) {
	doc, err := xmltree.ParseFile(path)
	if err != nil {
		return nil, err
	}
	cfg := doc.Root.Child("configuration")
	if cfg == nil {
		return nil, fmt.Errorf("%s: no configuration", path)
	}
	return cfg, nil
}

// compatResult is one case's outcome.
type compatResult struct {
	name       string
	self       bool   // crmsh round-trips the file through its own text
	a, b       bool   // Pacer reads crmsh's text; crmsh reads Pacer's text
	whyA, whyB string // first difference or error
}

// compatCase runs the round trips for one CIB file, comparing
// configurations with Same (ids exact, attribute order and white space
// aside): (a) crmsh's text loaded by Pacer gives the file's configuration;
// (b) Pacer's text loaded by crmsh gives it. The file counts when crmsh's
// own round trip (its text loaded by crmsh) gives it.
func compatCase(c *crmsh, name, path string) compatResult {
	r := compatResult{name: name}
	orig, err := configOf(path)
	if err != nil {
		r.whyA, r.whyB = err.Error(), err.Error()
		return r
	}
	text, err := c.show(name, path)
	if err != nil {
		r.whyA, r.whyB = "crm show: "+err.Error(), "crm show: "+err.Error()
		return r
	}
	self, err := c.load(name+"-self", text)
	if err != nil {
		r.whyA, r.whyB = "crm load of its own text: "+err.Error(), "crm load of its own text: "+err.Error()
		return r
	}
	r.self = Same(self, orig)
	got, err := pacerLoad(text)
	switch {
	case err != nil:
		r.whyA = err.Error()
	case !Same(got, orig):
		r.whyA = FirstDifferenceExact(orig, got)
	default:
		r.a = true
	}
	ptext := Show(orig)
	got, err = c.load(name+"-pacer", ptext)
	switch {
	case err != nil:
		r.whyB = err.Error()
	case !Same(got, orig):
		r.whyB = FirstDifferenceExact(orig, got)
	default:
		r.b = true
	}
	return r
}

// compatSample is the fixed set of cases `go test` runs; PACER_COMPAT=all
// runs every case.
func compatSample(names []string) []string {
	switch v := os.Getenv("PACER_COMPAT"); {
	case v == "all":
		return names
	case strings.HasPrefix(v, "every="):
		// PACER_COMPAT=every=N: every Nth case, for a quicker full-range run.
		n, _ := strconv.Atoi(strings.TrimPrefix(v, "every="))
		var out []string
		for i := 0; n > 0 && i < len(names); i += n {
			out = append(out, names[i])
		}
		return out
	}
	var out []string
	for i := 0; i < len(names); i += len(names)/32 + 1 {
		out = append(out, names[i])
	}
	return out
}

// TestCompatCrmsh checks Pacer against crmsh as a black box on Pacemaker's
// scheduler CIBs: (a) what crm configure show prints loads into Pacer to an
// equivalent configuration, (b) what Pacer prints loads into crmsh to an
// equivalent configuration. Counted on the files crmsh round-trips through
// its own text (it is lossy on the others), and reported on all files.
func TestCompatCrmsh(t *testing.T) {
	dir, ok := schedcases.Dir()
	if !ok {
		t.Skip("scheduler cases not found (../shared/pacemaker-scheduler or $PACER_SCHED_CASES)")
	}
	c := newCrmsh(t)
	files, _ := filepath.Glob(filepath.Join(dir, "xml", "*.xml"))
	var names []string
	for _, f := range files {
		names = append(names, strings.TrimSuffix(filepath.Base(f), ".xml"))
	}
	sort.Strings(names)
	if len(names) == 0 {
		t.Skip("no scheduler case files")
	}
	names = compatSample(names)
	// crmsh needs 1.5 s a file on an idle machine and far more on a busy
	// one; the sample stops taking new files when its budget is spent so
	// `go test` stays bounded, and says how many it ran.
	deadline := time.Now().Add(80 * time.Second)
	if os.Getenv("PACER_COMPAT") != "" {
		deadline = time.Now().Add(24 * time.Hour)
	}
	if d, ok := t.Deadline(); ok && d.Add(-time.Minute).Before(deadline) {
		deadline = d.Add(-time.Minute)
	}
	results := make([]compatResult, len(names))
	ran := make([]bool, len(names))
	var wg sync.WaitGroup
	var logMu sync.Mutex
	work := make(chan int)
	for w := 0; w < 2; w++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := range work {
				results[i] = compatCase(c, names[i], filepath.Join(dir, "xml", names[i]+".xml"))
				ran[i] = true
				if p := os.Getenv("PACER_COMPAT_LOG"); p != "" {
					// A long run can be followed (and its failures read) while it goes.
					r := results[i]
					line := fmt.Sprintf("%s self=%v a=%v b=%v\n  a: %s\n  b: %s\n", r.name, r.self, r.a, r.b,
						strings.ReplaceAll(r.whyA, "\n", " | "), strings.ReplaceAll(r.whyB, "\n", " | "))
					logMu.Lock()
					if f, err := os.OpenFile(p, os.O_APPEND|os.O_CREATE|os.O_WRONLY, 0o644); err == nil {
						f.WriteString(line)
						f.Close()
					}
					logMu.Unlock()
				}
			}
		}()
	}
	for i := range names {
		if time.Now().After(deadline) {
			t.Logf("time budget spent: ran %d of %d files", i, len(names))
			break
		}
		work <- i
	}
	close(work)
	wg.Wait()
	var done []compatResult
	for i, r := range results {
		if ran[i] {
			done = append(done, r)
		}
	}
	results = done
	var self, aSelf, bSelf, aAll, bAll int
	for _, r := range results {
		if r.a {
			aAll++
		}
		if r.b {
			bAll++
		}
		if !r.self {
			continue
		}
		self++
		if r.a {
			aSelf++
		} else {
			t.Logf("(a) %s: %s", r.name, r.whyA)
		}
		if r.b {
			bSelf++
		} else {
			t.Logf("(b) %s: %s", r.name, r.whyB)
		}
	}
	if testing.Verbose() {
		for _, r := range results {
			if !r.self && (!r.a || !r.b) {
				t.Logf("(not self) %s: a=%v b=%v; %s | %s", r.name, r.a, r.b, firstLine(r.whyA), firstLine(r.whyB))
			}
		}
	}
	msg := fmt.Sprintf("%s compatibility on %d files: crmsh round-trips itself %d; (a) crmsh text -> Pacer %d/%d of those (%d/%d of all); (b) Pacer text -> crmsh %d/%d of those (%d/%d of all)",
		c.version, len(results), self, aSelf, self, aAll, len(results), bSelf, self, bAll, len(results))
	t.Log(msg)
	fmt.Println(msg)
	if self == 0 {
		t.Fatalf("crmsh round-tripped none of the files; is crmsh working? %s", msg)
	}
	if float64(aSelf) < 0.95*float64(self) {
		t.Errorf("(a) below 95%%: %s", msg)
	}
	if float64(bSelf) < 0.95*float64(self) {
		t.Errorf("(b) below 95%%: %s", msg)
	}
}

func firstLine(s string) string {
	s, _, _ = strings.Cut(s, "\n")
	return s
}
