// Package cibstore keeps a node's copy of the CIB on disk.
//
// Every write goes to a new file cib-SEQ.xml (temp file, fsync, rename,
// fsync the directory) with its SHA-256 in cib-SEQ.xml.sha256 beside it;
// the newest pair whose checksum matches is the current CIB, and the last
// N pairs are kept so an admin can go back. A crash mid-write leaves at
// most a temp file; a corrupt or truncated file is detected by its checksum
// and reported, and the newest intact older version is used instead (the
// cluster's copy, being newer, then wins when the node joins).
package cibstore

import (
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"os"
	"pacer/share/atomicfile"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"sync"

	"pacer/share/xmltree"
)

// Store is one node's CIB directory.
type Store struct {
	dir  string
	keep int
	mu   sync.Mutex
	seq  int
	// Corrupt lists problems found by Load, for the log.
	Corrupt []string
}

// Open prepares dir (created if needed), keeping keep versions (>= 1).
func Open(dir string, keep int) (*Store, error) {
	if err := os.MkdirAll(dir, 0o750); err != nil {
		return nil, fmt.Errorf("cib store %s: %w", dir, err)
	}
	return &Store{dir: dir, keep: max(keep, 1)}, nil
}

func (s *Store) file(seq int) string { return filepath.Join(s.dir, fmt.Sprintf("cib-%d.xml", seq)) }

func (s *Store) seqs() ([]int, error) {
	ents, err := os.ReadDir(s.dir)
	if err != nil {
		return nil, err
	}
	var out []int
	for _, e := range ents {
		n := e.Name()
		if !strings.HasPrefix(n, "cib-") || !strings.HasSuffix(n, ".xml") {
			continue
		}
		if v, err := strconv.Atoi(strings.TrimSuffix(strings.TrimPrefix(n, "cib-"), ".xml")); err == nil {
			out = append(out, v)
		}
	}
	slices.Sort(out)
	return out, nil
}

// Load returns the newest intact CIB, or nil when there is none. Corrupt
// files are listed in s.Corrupt (and left in place for inspection).
func (s *Store) Load() (*xmltree.Document, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	seqs, err := s.seqs()
	if err != nil {
		return nil, fmt.Errorf("cib store: %w", err)
	}
	if len(seqs) > 0 {
		s.seq = seqs[len(seqs)-1]
	}
	for i := len(seqs) - 1; i >= 0; i-- {
		path := s.file(seqs[i])
		doc, err := s.read(path)
		if err != nil {
			s.Corrupt = append(s.Corrupt, err.Error())
			continue
		}
		return doc, nil
	}
	return nil, nil
}

func (s *Store) read(path string) (*xmltree.Document, error) {
	data, err := os.ReadFile(path)
	if err != nil {
		return nil, err
	}
	want, err := os.ReadFile(path + ".sha256")
	if err != nil {
		return nil, fmt.Errorf("%s: no checksum file: %w", path, err)
	}
	sum := sha256.Sum256(data)
	if got := hex.EncodeToString(sum[:]); got != strings.TrimSpace(strings.Fields(string(want) + " x")[0]) {
		return nil, fmt.Errorf("%s: checksum mismatch (file is corrupt or was edited by hand)", path)
	}
	doc, err := xmltree.ParseBytes(data)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", path, err)
	}
	if doc.Root == nil || doc.Root.Name != "cib" {
		return nil, fmt.Errorf("%s: root element is not <cib>", path)
	}
	return doc, nil
}

// Save writes doc durably as the newest version and prunes old ones.
func (s *Store) Save(doc *xmltree.Document) error {
	return s.SaveBytes(doc.Bytes(xmltree.Pretty))
}

// SaveBytes is Save of an already serialized CIB.
func (s *Store) SaveBytes(data []byte) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.seq++
	path := s.file(s.seq)
	sum := sha256.Sum256(data)
	// The checksum file is written without an fsync of its own: the
	// directory fsync below commits the filesystem journal, which (ext4
	// data=ordered, xfs) writes the small file's data first. Should it still
	// be lost, the version reads as corrupt and the previous one is used;
	// the data file itself is durable before the directory entry is.
	if err := os.WriteFile(path+".sha256", []byte(hex.EncodeToString(sum[:])+"  "+filepath.Base(path)+"\n"), 0o640); err != nil {
		return fmt.Errorf("write %s.sha256: %w", path, err)
	}
	if err := atomicfile.Write(path, data, 0o640); err != nil {
		return err
	}
	if s.seq > s.keep {
		old := s.file(s.seq - s.keep)
		os.Remove(old)
		os.Remove(old + ".sha256")
	}
	return nil
}

// Path is the file of the newest version (for messages).
func (s *Store) Path() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.file(s.seq)
}
