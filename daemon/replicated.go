package daemon

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"time"

	"github.com/hashicorp/raft"

	"pacer/share/cib"
	"pacer/share/clusterview"
	"pacer/share/xmltree"
)

// The replicated CIB is the consensus log's state machine: the only code
// that changes n.doc, n.ver and n.fsmVer is here, on raft's FSM goroutine,
// for committed entries, in log order, identically on every node. The DC
// computes a new CIB from the state its FSM has applied and proposes it;
// nothing shows a version until a quorum holds it.
//
// Entries:
//
//	'C' base-version '\n' cib-xml   the next CIB, computed from base
//	'F' json                        a fencing decision (see fenceDecision)
//
// A 'C' entry whose base is not the CIB the state machine holds is skipped
// (on every node alike): a DC that computed from an older state cannot
// give one version number to two different CIBs.

const (
	entryCIB   = 'C'
	entryFence = 'F'
)

// errBaseMoved is the state machine's answer to an entry computed from a
// CIB that is no longer the current one.
var errBaseMoved = errors.New("the CIB changed under the proposed change")

// fenceDecision is the DC's decision to fence, committed before the
// device is called: only a DC that a quorum follows can commit it.
type fenceDecision struct {
	Target string    `json:"target"`
	Action string    `json:"action"`
	Client string    `json:"client"`
	DC     string    `json:"dc"`
	Time   time.Time `json:"time"`
}

func cibEntry(base cib.Version, data []byte) []byte {
	b := make([]byte, 0, len(data)+32)
	b = append(b, entryCIB)
	b = append(b, base.String()...)
	b = append(b, '\n')
	return append(b, data...)
}

// fsm is the Node seen by the consensus log.
type fsm Node

func (f *fsm) n() *Node { return (*Node)(f) }

func (f *fsm) Apply(l *raft.Log) any {
	n := f.n()
	if l.Type != raft.LogCommand || len(l.Data) == 0 {
		return nil
	}
	switch l.Data[0] {
	case entryFence:
		var d fenceDecision
		if err := json.Unmarshal(l.Data[1:], &d); err != nil {
			n.log.Error("undecodable fencing decision in the log", "index", l.Index, "err", err)
			return err
		}
		n.log.Info("fencing decision committed", "target", d.Target, "action", d.Action, "dc", d.DC, "index", l.Index)
		return nil
	case entryCIB:
	default:
		n.log.Error("unknown entry in the consensus log", "index", l.Index, "kind", string(l.Data[0]))
		return fmt.Errorf("unknown entry kind %q", l.Data[0])
	}
	nl := bytes.IndexByte(l.Data, '\n')
	if nl < 0 {
		return fmt.Errorf("cib entry %d without a base version", l.Index)
	}
	var base cib.Version
	if s := string(l.Data[1:nl]); s != (cib.Version{}).String() {
		v, err := cib.ParseVersion(s)
		if err != nil {
			return fmt.Errorf("cib entry %d: %w", l.Index, err)
		}
		base = v
	}
	data := l.Data[nl+1:]
	n.mu.Lock()
	if base != n.fsmVer {
		have := n.fsmVer
		n.mu.Unlock()
		n.log.Warn("skipping a CIB computed from an older one", "index", l.Index, "base", base.String(), "current", have.String())
		return errBaseMoved
	}
	n.mu.Unlock()
	doc, err := xmltree.ParseBytes(data)
	if err != nil {
		n.log.Error("unreadable CIB in the consensus log", "index", l.Index, "err", err)
		return err
	}
	v, err := cib.ReadVersion(doc.Root)
	if err != nil {
		return err
	}
	f.install(doc, v, data)
	return v
}

// install makes doc the CIB of this node (FSM goroutine only).
func (f *fsm) install(doc *xmltree.Document, v cib.Version, data []byte) {
	n := f.n()
	n.mu.Lock()
	old := n.ver
	n.doc, n.ver, n.fsmVer, n.fsmData = doc, v, v, data
	n.mu.Unlock()
	n.persist(data, v, false)
	if v.AdminEpoch != old.AdminEpoch || v.Epoch != old.Epoch {
		msg := "configuration changed to " + v.String()
		if c := doc.Root.Attr("update-client"); c != "" {
			msg += " by " + c
		}
		n.emit(clusterview.Event{Time: time.Now(), Kind: clusterview.EventCIBChanged, Node: doc.Root.Attr("update-origin"),
			Message: msg}, v)
		n.triggerController("configuration changed")
	}
}

// reset forgets the state machine's CIB (not the CIB shown), before the
// log is replayed into it from the start.
func (f *fsm) reset() {
	n := f.n()
	n.mu.Lock()
	n.fsmVer, n.fsmData = cib.Version{}, nil
	n.mu.Unlock()
}

func (f *fsm) Snapshot() (raft.FSMSnapshot, error) {
	n := f.n()
	n.mu.Lock()
	defer n.mu.Unlock()
	return cibSnapshot(n.fsmData), nil
}

func (f *fsm) Restore(rc io.ReadCloser) error {
	defer rc.Close()
	data, err := io.ReadAll(rc)
	if err != nil {
		return fmt.Errorf("restore cib snapshot: %w", err)
	}
	if len(data) == 0 {
		n := f.n()
		n.mu.Lock()
		n.fsmVer, n.fsmData = cib.Version{}, nil
		n.mu.Unlock()
		return nil
	}
	doc, err := xmltree.ParseBytes(data)
	if err != nil {
		return fmt.Errorf("restore cib snapshot: %w", err)
	}
	v, err := cib.ReadVersion(doc.Root)
	if err != nil {
		return fmt.Errorf("restore cib snapshot: %w", err)
	}
	f.install(doc, v, data)
	return nil
}

type cibSnapshot []byte

func (s cibSnapshot) Persist(sink raft.SnapshotSink) error {
	if _, err := sink.Write(s); err != nil {
		sink.Cancel()
		return err
	}
	return sink.Close()
}

func (s cibSnapshot) Release() {}
