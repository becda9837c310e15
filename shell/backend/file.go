package backend

import (
	"context"
	"errors"
	"fmt"
	"os"
	"pacer/share/atomicfile"
	"path/filepath"
	"strconv"
	"strings"
	"syscall"
	"time"

	"pacer/share/cib"
	"pacer/share/xmltree"
)

// File is a CIB kept in a file (CIB_file, shadow CIBs). Reads never lock;
// each write re-reads the file under a lock, checks the base version,
// applies the change and replaces the file atomically (temp file, fsync,
// rename, fsync of the directory), so a crash or a failed change leaves the
// old file byte for byte.
type File struct {
	Path  string
	Label string // prompt name; defaults to the file's base name
	// Now is the clock for cib-last-written; time.Now when nil.
	Now func() time.Time
}

// NewFile returns a backend on path.
func NewFile(path, label string) *File { return &File{Path: path, Label: label} }

func (f *File) Name() string {
	if f.Label != "" {
		return f.Label
	}
	return filepath.Base(f.Path)
}

func (f *File) Close() error { return nil }

// CIB reads and parses the file. Errors name the file (and the line, from
// the parser).
func (f *File) CIB(ctx context.Context) (*xmltree.Document, error) {
	doc, err := xmltree.ParseFile(f.Path)
	if err != nil {
		return nil, err
	}
	if doc.Root == nil || doc.Root.Name != "cib" {
		name := ""
		if doc.Root != nil {
			name = doc.Root.Name
		}
		return nil, fmt.Errorf("%s: root element is <%s>, not <cib>", f.Path, name)
	}
	return doc, nil
}

func (f *File) ReplaceConfiguration(ctx context.Context, cfg *xmltree.Element, base Version) error {
	return f.update(ctx, base, true, func(doc *xmltree.Document) error {
		old := doc.Root.Child("configuration")
		n := cfg.Clone()
		if old == nil {
			doc.Root.Insert(0, n)
		} else {
			doc.Root.Replace(old, n)
		}
		return nil
	})
}

func (f *File) SetNodeAttr(ctx context.Context, node, name string, value *string, scope AttrScope) error {
	return f.update(ctx, Version{}, scope == Permanent, func(doc *xmltree.Document) error {
		return SetNodeAttr(doc, node, name, value, scope)
	})
}

func (f *File) Cleanup(ctx context.Context, rsc, node string) error {
	return f.update(ctx, Version{}, false, func(doc *xmltree.Document) error {
		return Cleanup(doc, rsc, node)
	})
}

// ClearNodeState makes the node cleanly down: its history and transient
// attributes are dropped and it is recorded as offline and expected down
// (not unclean), so nothing waits for it to be fenced.
func (f *File) ClearNodeState(ctx context.Context, node string) error {
	return f.update(ctx, Version{}, false, func(doc *xmltree.Document) error {
		st := doc.Root.Child("status")
		if st == nil {
			st = doc.Root.Append(xmltree.New("status"))
		}
		id := NodeID(doc, node)
		if id == "" {
			return fmt.Errorf("node %q not found", node)
		}
		clean := xmltree.New("node_state", "id", id, "uname", node, "in_ccm", "false", "crmd", "offline", "join", "down", "expected", "down")
		for _, ns := range st.ChildrenNamed("node_state") {
			if ns.ID() == id {
				st.Replace(ns, clean)
				return nil
			}
		}
		st.Append(clean)
		return nil
	})
}

func (f *File) ForgetNode(ctx context.Context, node string) error {
	return f.update(ctx, Version{}, false, func(doc *xmltree.Document) error {
		if st := doc.Root.Child("status"); st != nil {
			for _, ns := range st.ChildrenNamed("node_state") {
				if ns.Attr("uname") == node || ns.ID() == node {
					st.Remove(ns)
				}
			}
		}
		return nil
	})
}

// update applies fn to the current file under the directory lock and
// writes the result. A configuration change bumps epoch, a status change
// num_updates, the way Pacemaker versions them.
func (f *File) update(ctx context.Context, base Version, config bool, fn func(*xmltree.Document) error) error {
	unlock, err := lockDir(filepath.Dir(f.Path))
	if err != nil {
		return err
	}
	defer unlock()
	doc, err := f.CIB(ctx)
	if err != nil {
		return err
	}
	cur, err := cib.ReadVersion(doc.Root)
	if err != nil {
		return fmt.Errorf("%s: %w", f.Path, err)
	}
	if base != (Version{}) && base != cur {
		return &StaleError{Base: base, Current: cur}
	}
	if err := fn(doc); err != nil {
		return err
	}
	if config {
		cur = cur.BumpConfig()
	} else {
		cur.NumUpdates++
	}
	cib.WriteVersion(doc.Root, cur)
	now := time.Now
	if f.Now != nil {
		now = f.Now
	}
	if config {
		doc.Root.SetAttr("cib-last-written", now().UTC().Format("Mon Jan _2 15:04:05 2006"))
	}
	return WriteAtomic(f.Path, doc.Bytes(xmltree.Pretty))
}

// WriteAtomic replaces path with data so that a reader sees either the old
// or the new content, never a mix, and a crash leaves one of them whole.
func WriteAtomic(path string, data []byte) error {
	mode := os.FileMode(0o600)
	if st, err := os.Stat(path); err == nil {
		mode = st.Mode().Perm()
	}
	return atomicfile.Write(path, data, mode)
}

// lockDir takes an exclusive flock on the directory: the file itself is
// replaced by rename, so its inode cannot carry the lock.
func lockDir(dir string) (func(), error) {
	d, err := os.Open(dir)
	if err != nil {
		return nil, fmt.Errorf("lock %s: %w", dir, err)
	}
	for {
		err = syscall.Flock(int(d.Fd()), syscall.LOCK_EX)
		if !errors.Is(err, syscall.EINTR) {
			break
		}
	}
	if err != nil {
		d.Close()
		return nil, fmt.Errorf("lock %s: %w", dir, err)
	}
	return func() {
		syscall.Flock(int(d.Fd()), syscall.LOCK_UN)
		d.Close()
	}, nil
}

// NodeID returns the id of the node whose uname (or id) is name, from the
// nodes section or the status section; "" when unknown.
func NodeID(doc *xmltree.Document, name string) string {
	if nodes := section(doc, "nodes"); nodes != nil {
		for _, n := range nodes.ChildrenNamed("node") {
			if n.Attr("uname") == name || (n.Attr("uname") == "" && n.ID() == name) {
				return n.ID()
			}
		}
	}
	if st := doc.Root.Child("status"); st != nil {
		for _, ns := range st.ChildrenNamed("node_state") {
			if ns.Attr("uname") == name {
				return ns.ID()
			}
		}
	}
	return ""
}

func section(doc *xmltree.Document, name string) *xmltree.Element {
	cfg := doc.Root.Child("configuration")
	if cfg == nil {
		return nil
	}
	return cfg.Child(name)
}

// SetNodeAttr edits a node attribute in doc with crm_attribute's ids:
// nodes-ID / nodes-ID-NAME for permanent ones, status-ID / status-ID-NAME
// in transient_attributes for transient ones.
func SetNodeAttr(doc *xmltree.Document, node, name string, value *string, scope AttrScope) error {
	id := NodeID(doc, node)
	if id == "" {
		return fmt.Errorf("node %q not found", node)
	}
	var set *xmltree.Element
	if scope == Permanent {
		nodes := section(doc, "nodes")
		var n *xmltree.Element
		for _, x := range nodes.ChildrenNamed("node") {
			if x.ID() == id {
				n = x
			}
		}
		if n == nil {
			return fmt.Errorf("node %q is not in the configuration", node)
		}
		set = attrSet(n, "instance_attributes", "nodes-"+id, value != nil)
	} else {
		st := doc.Root.Child("status")
		if st == nil {
			if value == nil {
				return nil
			}
			st = doc.Root.Append(xmltree.New("status"))
		}
		var ns *xmltree.Element
		for _, x := range st.ChildrenNamed("node_state") {
			if x.ID() == id {
				ns = x
			}
		}
		if ns == nil {
			if value == nil {
				return nil
			}
			ns = st.Append(xmltree.New("node_state", "id", id, "uname", node))
		}
		ta := ns.Child("transient_attributes")
		if ta == nil {
			if value == nil {
				return nil
			}
			ta = ns.Append(xmltree.New("transient_attributes", "id", id))
		}
		set = attrSet(ta, "instance_attributes", "status-"+id, value != nil)
	}
	if set == nil {
		return nil
	}
	SetNVPair(set, name, value)
	return nil
}

// attrSet finds the first attribute set called kind under e, creating it
// with id when create is set.
func attrSet(e *xmltree.Element, kind, id string, create bool) *xmltree.Element {
	if s := e.Child(kind); s != nil {
		return s
	}
	if !create {
		return nil
	}
	return e.Append(xmltree.New(kind, "id", id))
}

// SetNVPair sets (value != nil) or removes name in an attribute set. New
// nvpairs get the id SETID-NAME, made unique within the set.
func SetNVPair(set *xmltree.Element, name string, value *string) {
	for _, nv := range set.ChildrenNamed("nvpair") {
		if nv.Attr("name") != name {
			continue
		}
		if value == nil {
			set.Remove(nv)
			continue
		}
		nv.SetAttr("value", *value)
		return
	}
	if value == nil {
		return
	}
	id := set.ID() + "-" + name
	for i := 1; set.FindID(id) != nil; i++ {
		id = set.ID() + "-" + name + "-" + strconv.Itoa(i)
	}
	set.Append(xmltree.New("nvpair", "id", id, "name", name, "value", *value))
}

// Cleanup removes the operation history of rsc (all when "") on node (all
// when "") and its fail-count and last-failure attributes.
func Cleanup(doc *xmltree.Document, rsc, node string) error {
	st := doc.Root.Child("status")
	if st == nil {
		return nil
	}
	for _, ns := range st.ChildrenNamed("node_state") {
		if node != "" && ns.Attr("uname") != node && ns.ID() != node {
			continue
		}
		if lrm := ns.Child("lrm"); lrm != nil {
			if lr := lrm.Child("lrm_resources"); lr != nil {
				for _, r := range lr.ChildrenNamed("lrm_resource") {
					if rsc == "" || matchInstance(r.ID(), rsc) {
						lr.Remove(r)
					}
				}
			}
		}
		if ta := ns.Child("transient_attributes"); ta != nil {
			for _, set := range ta.ChildrenNamed("instance_attributes") {
				for _, nv := range set.ChildrenNamed("nvpair") {
					n := nv.Attr("name")
					for _, pre := range []string{"fail-count-", "last-failure-"} {
						if !strings.HasPrefix(n, pre) {
							continue
						}
						r := strings.TrimPrefix(n, pre)
						if i := strings.IndexByte(r, '#'); i >= 0 {
							r = r[:i]
						}
						if rsc == "" || matchInstance(r, rsc) {
							set.Remove(nv)
						}
					}
				}
			}
		}
	}
	return nil
}

// matchInstance: "db:1" is an instance of clone child "db".
func matchInstance(id, rsc string) bool {
	if id == rsc {
		return true
	}
	if i := strings.LastIndexByte(id, ':'); i > 0 && id[:i] == rsc {
		return true
	}
	return false
}
