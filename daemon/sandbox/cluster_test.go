package sandbox_test

import (
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"sort"
	"strings"
	"sync"
	"testing"
	"time"

	"pacer/daemon/sandbox"
	"pacer/share/client"
	"pacer/share/xmltree"
)

func TestElectionReplicationAndReadBack(t *testing.T) {
	c := startCluster(t, 3, false)
	// The DC is whichever node the log elected; all agree on it.
	dc := c.oneDC(10*time.Second, "n1", "n2", "n3")
	// A change through a node that is not the DC is forwarded and applied.
	other := "n2"
	if dc == other {
		other = "n3"
	}
	cl := c.dial(other)
	v := write(t, func() (client.Version, error) {
		return cl.ReplaceConfiguration(ctx(t, 10*time.Second), config(t, false, dummy("d1")), client.Version{})
	})
	for _, node := range []string{"n1", "n2", "n3"} {
		eventually(t, 5*time.Second, "replication to "+node, func() error {
			doc, got := cibOf(t, c, node)
			if got.Epoch < v.Epoch || doc.Root.FindID("d1") == nil {
				return fmt.Errorf("%s has %s without d1 (want %s)", node, got, v)
			}
			return nil
		})
	}
	// And it is on every node's disk.
	eventually(t, 5*time.Second, "on disk", func() error {
		for _, node := range []string{"n1", "n2", "n3"} {
			files, _ := filepath.Glob(filepath.Join(c.dir, node, "state", "cib", "cib-*.xml"))
			sort.Slice(files, func(i, j int) bool { return seq(files[i]) < seq(files[j]) })
			if len(files) == 0 {
				return fmt.Errorf("%s: no cib file", node)
			}
			b, _ := os.ReadFile(files[len(files)-1])
			if !strings.Contains(string(b), `id="d1"`) {
				return fmt.Errorf("%s: newest file %s lacks d1", node, files[len(files)-1])
			}
		}
		return nil
	})
}

// The DC keeps each scheduler run's input as Pacemaker does, compressed
// and numbered, readable by crm_simulate and pacer simulate.
func TestDCKeepsSchedulerInputs(t *testing.T) {
	c := startCluster(t, 2, false)
	dc := c.oneDC(10*time.Second, "n1", "n2")
	cl := c.dial(dc)
	write(t, func() (client.Version, error) {
		return cl.ReplaceConfiguration(ctx(t, 10*time.Second), config(t, false, dummy("kept")), client.Version{})
	})
	c.runningOnce(dc, "kept", 20*time.Second)
	eventually(t, 10*time.Second, "an input with kept", func() error {
		files, _ := filepath.Glob(filepath.Join(c.dir, dc, "state", "pengine", "pe-input-*.bz2"))
		for _, f := range files {
			doc, err := xmltree.ParseFile(f)
			if err != nil {
				return fmt.Errorf("%s: %v", f, err)
			}
			if doc.Root.FindID("kept") != nil {
				return nil
			}
		}
		return fmt.Errorf("none of %v holds kept", files)
	})
	if _, err := os.Stat(filepath.Join(c.dir, dc, "state", "pengine", "pe-input.last")); err != nil {
		t.Error(err)
	}
}

func seq(path string) int {
	var n int
	fmt.Sscanf(filepath.Base(path), "cib-%d.xml", &n)
	return n
}

func TestLateJoinerGetsTheCIB(t *testing.T) {
	c := startCluster(t, 3, false, "n1", "n2")
	c.oneDC(10*time.Second, "n1", "n2")
	cl := c.dial("n1")
	v := write(t, func() (client.Version, error) {
		return cl.ReplaceConfiguration(ctx(t, 10*time.Second), config(t, false, dummy("late")), client.Version{})
	})
	if _, err := sandbox.Start(c.dir, 3, false, c.bin, []string{"n3"}, 30*time.Second); err != nil {
		t.Fatal(err)
	}
	eventually(t, 10*time.Second, "n3 gets the CIB", func() error {
		doc, got := cibOf(t, c, "n3")
		if got.Epoch < v.Epoch || doc.Root.FindID("late") == nil {
			return fmt.Errorf("n3 has %s", got)
		}
		return nil
	})
}

func TestRacingWritersOneIsRefused(t *testing.T) {
	c := startCluster(t, 3, false)
	c.oneDC(10*time.Second, "n1", "n2", "n3")
	a, b := c.dial("n2"), c.dial("n3")
	write(t, func() (client.Version, error) {
		return a.ReplaceConfiguration(ctx(t, 10*time.Second), config(t, false), client.Version{})
	})
	_, base := cibOf(t, c, "n2")
	var wg sync.WaitGroup
	errs := make([]error, 2)
	for i, cl := range []*client.Client{a, b} {
		wg.Add(1)
		go func() {
			defer wg.Done()
			_, errs[i] = cl.ReplaceConfiguration(ctx(t, 10*time.Second), config(t, false, dummy(fmt.Sprintf("w%d", i))), base)
		}()
	}
	wg.Wait()
	var ok, stale int
	for _, err := range errs {
		var se *client.StaleError
		switch {
		case err == nil:
			ok++
		case errors.Is(err, client.ErrStale) && errors.As(err, &se):
			stale++
		default:
			t.Errorf("unexpected error: %v", err)
		}
	}
	if ok != 1 || stale != 1 {
		t.Fatalf("want one write accepted and one refused as stale, got ok=%d stale=%d (%v)", ok, stale, errs)
	}
	// The winner's resource is there, the loser's is not: no silent
	// overwrite. (A third node has the change once the log tells it the
	// change committed, within a heartbeat.)
	var doc *xmltree.Document
	eventually(t, 5*time.Second, "n1 has the accepted write", func() error {
		var v client.Version
		doc, v = cibOf(t, c, "n1")
		if v.Epoch <= base.Epoch {
			return fmt.Errorf("n1 at %s", v)
		}
		return nil
	})
	if (doc.Root.FindID("w0") == nil) == (doc.Root.FindID("w1") == nil) {
		t.Fatalf("want exactly one of w0, w1 in the CIB")
	}
}

func TestCorruptCIBFileTakesClusterCopy(t *testing.T) {
	c := startCluster(t, 3, false)
	c.oneDC(10*time.Second, "n1", "n2", "n3")
	cl := c.dial("n1")
	v := write(t, func() (client.Version, error) {
		return cl.ReplaceConfiguration(ctx(t, 10*time.Second), config(t, false, dummy("keep")), client.Version{})
	})
	eventually(t, 5*time.Second, "n3 up to date", func() error {
		if _, got := cibOf(t, c, "n3"); got.Epoch < v.Epoch {
			return fmt.Errorf("n3 at %s", got)
		}
		return nil
	})
	time.Sleep(300 * time.Millisecond) // let n3's background save land
	if err := sandbox.Kill(c.dir, "n3"); err != nil {
		t.Fatal(err)
	}
	files, _ := filepath.Glob(filepath.Join(c.dir, "n3", "state", "cib", "cib-*.xml"))
	sort.Slice(files, func(i, j int) bool { return seq(files[i]) < seq(files[j]) })
	newest := files[len(files)-1]
	data, _ := os.ReadFile(newest)
	data[len(data)/2] ^= 0x55
	os.WriteFile(newest, data, 0o640)

	if _, err := sandbox.Start(c.dir, 3, false, c.bin, []string{"n3"}, 30*time.Second); err != nil {
		t.Fatal(err)
	}
	eventually(t, 10*time.Second, "n3 takes the cluster's CIB", func() error {
		doc, got := cibOf(t, c, "n3")
		if got.Epoch < v.Epoch || doc.Root.FindID("keep") == nil {
			return fmt.Errorf("n3 at %s", got)
		}
		return nil
	})
	log, _ := os.ReadFile(filepath.Join(c.dir, "n3", "pacerd.log"))
	if !strings.Contains(string(log), "checksum mismatch") {
		t.Errorf("n3's log does not report the corrupt file")
	}
}

func TestDCLossElectsANewOne(t *testing.T) {
	c := startCluster(t, 3, false)
	old := c.oneDC(10*time.Second, "n1", "n2", "n3")
	survivors := slices.DeleteFunc([]string{"n1", "n2", "n3"}, func(s string) bool { return s == old })
	start := time.Now()
	if err := sandbox.Kill(c.dir, old); err != nil {
		t.Fatal(err)
	}
	var dc string
	eventually(t, 10*time.Second, "a new DC", func() error {
		if dc = c.oneDC(10*time.Second, survivors...); dc == old {
			return fmt.Errorf("survivors still see %s", old)
		}
		return nil
	})
	t.Logf("new DC %s after %s", dc, time.Since(start).Round(time.Millisecond))
	// The survivors keep quorum (2 of 3) and accept changes.
	cl := c.dial(survivors[1])
	write(t, func() (client.Version, error) {
		return cl.ReplaceConfiguration(ctx(t, 10*time.Second), config(t, false, dummy("after")), client.Version{})
	})
}
