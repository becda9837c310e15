package daemon

import (
	"path/filepath"
	"strconv"

	"pacer/daemon/peinput"
	"pacer/share/options"
	"pacer/share/xmltree"
)

// saveSchedulerInput keeps a scheduler run's CIB under STATE_DIR/pengine
// as Pacemaker does (pe-input-N.bz2, pe-error-N.bz2), bounded by the
// pe-*-series-max options. It runs on the controller's goroutine; one
// controller runs at a time, though a stopping one may overlap a new one
// for a moment, so the store is opened once. A failure to save is
// logged, never fatal.
func (n *Node) saveSchedulerInput(doc *xmltree.Document, failed bool) string {
	n.peOnce.Do(func() {
		s, err := peinput.Open(filepath.Join(n.cfg.StateDir, "pengine"))
		if err != nil {
			n.log.Warn("scheduler inputs will not be kept", "err", err)
			return
		}
		n.peInputs = s
	})
	if n.peInputs == nil {
		return ""
	}
	series, option := peinput.Input, "pe-input-series-max"
	if failed {
		series, option = peinput.Error, "pe-error-series-max"
	}
	max := seriesMax(option)
	if v, ok := n.property(option); ok {
		if i, err := strconv.Atoi(v); err == nil {
			max = i
		}
	}
	path, err := n.peInputs.Save(series, doc, max)
	if err != nil {
		n.log.Warn("scheduler input not kept", "err", err)
	}
	return path
}

func seriesMax(option string) int {
	o, _ := options.Lookup(option)
	if o == nil {
		return -1
	}
	i, err := strconv.Atoi(o.Default)
	if err != nil {
		return -1
	}
	return i
}
