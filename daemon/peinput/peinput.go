// Package peinput keeps the scheduler's inputs as Pacemaker does, so that
// an admin (or `pacer history`, crm_simulate, crmsh's history) can replay
// what the DC decided and why: each scheduler run's CIB is written to
// STATE_DIR/pengine/pe-input-N.bz2, or pe-warn-N.bz2 when the run warned,
// pe-error-N.bz2 when it failed. Each series counts on its own and wraps
// at its limit (the cluster options pe-input-series-max, pe-warn-series-max
// and pe-error-series-max: 0 keeps none, a negative value keeps all), so
// the directory holds at most that many of each; SERIES.last holds the
// number the next file gets, as Pacemaker's does.
//
// A Store belongs to the DC's controller goroutine, its only writer.
package peinput

import (
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"regexp"
	"sort"
	"strconv"
	"strings"
	"time"

	"github.com/dsnet/compress/bzip2"

	"pacer/share/atomicfile"
	"pacer/share/xmltree"
)

// Series names a kind of scheduler input.
type Series string

const (
	Input Series = "pe-input" // the run succeeded cleanly
	Warn  Series = "pe-warn"  // the run warned about the configuration
	Error Series = "pe-error" // the run failed
)

// Store is a directory of saved inputs.
type Store struct{ dir string }

// Open makes dir if needed.
func Open(dir string) (*Store, error) {
	if err := os.MkdirAll(dir, 0o750); err != nil {
		return nil, fmt.Errorf("scheduler inputs in %s: %w", dir, err)
	}
	return &Store{dir: dir}, nil
}

// Dir is where the inputs are.
func (s *Store) Dir() string { return s.dir }

// Save writes doc as the next file of series, keeping at most max of
// them (0: none, negative: all), and returns its path ("" when none is
// kept).
func (s *Store) Save(series Series, doc *xmltree.Document, max int) (string, error) {
	if max == 0 {
		return "", nil
	}
	n, err := s.next(series)
	if err != nil {
		return "", err
	}
	if max > 0 && n >= max {
		n = 0
	}
	path := filepath.Join(s.dir, fmt.Sprintf("%s-%d.bz2", series, n))
	var raw strings.Builder
	if err := doc.Write(&raw, xmltree.WriteOptions{}); err != nil {
		return "", fmt.Errorf("save %s: %w", path, err)
	}
	f, err := os.CreateTemp(s.dir, ".tmp-"+string(series)+"-*")
	if err != nil {
		return "", fmt.Errorf("save %s: %w", path, err)
	}
	defer os.Remove(f.Name())
	zw, err := bzip2.NewWriter(f, &bzip2.WriterConfig{Level: bzip2.BestSpeed})
	if err == nil {
		_, err = zw.Write([]byte(raw.String()))
	}
	if err == nil {
		err = zw.Close()
	}
	if err == nil {
		err = f.Close()
	} else {
		f.Close()
	}
	if err != nil {
		return "", fmt.Errorf("save %s: %w", path, err)
	}
	if err := os.Rename(f.Name(), path); err != nil {
		return "", fmt.Errorf("save %s: %w", path, err)
	}
	if err := atomicfile.Write(s.lastPath(series), []byte(strconv.Itoa(n+1)+"\n"), 0o640); err != nil {
		return path, fmt.Errorf("save %s: %w", s.lastPath(series), err)
	}
	return path, nil
}

func (s *Store) lastPath(series Series) string { return filepath.Join(s.dir, string(series)+".last") }

// next is the number the series' next file gets: SERIES.last, or one past
// the newest file when that is missing or unreadable (a crash between the
// two writes, or a hand-edited file).
func (s *Store) next(series Series) (int, error) {
	b, err := os.ReadFile(s.lastPath(series))
	if err == nil {
		if n, err := strconv.Atoi(strings.TrimSpace(string(b))); err == nil && n >= 0 {
			return n, nil
		}
	} else if !errors.Is(err, fs.ErrNotExist) {
		return 0, fmt.Errorf("scheduler inputs: %w", err)
	}
	list, err := s.List()
	if err != nil {
		return 0, err
	}
	// List is oldest first, equal times by number: the last of the
	// series is the newest (files written within one clock tick count in
	// number order).
	n := 0
	for _, e := range list {
		if e.Series == series {
			n = e.N + 1
		}
	}
	return n, nil
}

// Entry is one saved input.
type Entry struct {
	Series Series    `json:"series"`
	N      int       `json:"n"`
	Path   string    `json:"path"`
	Time   time.Time `json:"time"`
}

var fileName = regexp.MustCompile(`^(pe-input|pe-warn|pe-error)-(\d+)\.bz2$`)

// List gives the saved inputs, oldest first.
func (s *Store) List() ([]Entry, error) {
	ents, err := os.ReadDir(s.dir)
	if err != nil {
		return nil, fmt.Errorf("scheduler inputs: %w", err)
	}
	var out []Entry
	for _, de := range ents {
		m := fileName.FindStringSubmatch(de.Name())
		if m == nil {
			continue
		}
		info, err := de.Info()
		if err != nil {
			continue
		}
		n, _ := strconv.Atoi(m[2])
		out = append(out, Entry{Series: Series(m[1]), N: n, Path: filepath.Join(s.dir, de.Name()), Time: info.ModTime()})
	}
	sort.SliceStable(out, func(i, j int) bool {
		if !out[i].Time.Equal(out[j].Time) {
			return out[i].Time.Before(out[j].Time)
		}
		return out[i].N < out[j].N
	})
	return out, nil
}
