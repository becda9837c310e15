package cib

import (
	"fmt"
	"strconv"

	"pacer/share/xmltree"
)

// Version orders CIB revisions the way Pacemaker does: admin_epoch first,
// then epoch, then num_updates. Admins raise admin_epoch to force their copy
// to win; a configuration change raises epoch; a status change raises
// num_updates.
type Version struct {
	AdminEpoch int64
	Epoch      int64
	NumUpdates int64
}

func (v Version) String() string {
	return fmt.Sprintf("%d.%d.%d", v.AdminEpoch, v.Epoch, v.NumUpdates)
}

// Compare returns -1, 0 or 1 as v is older than, equal to or newer than w.
func (v Version) Compare(w Version) int {
	for _, p := range [][2]int64{{v.AdminEpoch, w.AdminEpoch}, {v.Epoch, w.Epoch}, {v.NumUpdates, w.NumUpdates}} {
		switch {
		case p[0] < p[1]:
			return -1
		case p[0] > p[1]:
			return 1
		}
	}
	return 0
}

// Newer reports whether v is strictly newer than w.
func (v Version) Newer(w Version) bool { return v.Compare(w) > 0 }

// ParseVersion reads "A.E.N" as printed by String.
func ParseVersion(s string) (Version, error) {
	var v Version
	if _, err := fmt.Sscanf(s, "%d.%d.%d", &v.AdminEpoch, &v.Epoch, &v.NumUpdates); err != nil {
		return v, fmt.Errorf("cib version %q: want ADMIN_EPOCH.EPOCH.NUM_UPDATES", s)
	}
	return v, nil
}

// ReadVersion reads the version attributes of a <cib> element. Missing
// attributes count as 0, as in Pacemaker; malformed ones are an error.
func ReadVersion(root *xmltree.Element) (Version, error) {
	var v Version
	for _, f := range []struct {
		name string
		dst  *int64
	}{{"admin_epoch", &v.AdminEpoch}, {"epoch", &v.Epoch}, {"num_updates", &v.NumUpdates}} {
		s, ok := root.AttrOK(f.name)
		if !ok || s == "" {
			continue
		}
		n, err := strconv.ParseInt(s, 10, 64)
		if err != nil || n < 0 {
			return v, fmt.Errorf("%s: %s=%q is not a non-negative integer", root.Path(), f.name, s)
		}
		*f.dst = n
	}
	return v, nil
}

// WriteVersion stores v in the <cib> element.
func WriteVersion(root *xmltree.Element, v Version) {
	root.SetAttr("admin_epoch", strconv.FormatInt(v.AdminEpoch, 10))
	root.SetAttr("epoch", strconv.FormatInt(v.Epoch, 10))
	root.SetAttr("num_updates", strconv.FormatInt(v.NumUpdates, 10))
}

// BumpConfig is the version after a configuration change: epoch+1 and
// num_updates back to 0.
func (v Version) BumpConfig() Version {
	return Version{AdminEpoch: v.AdminEpoch, Epoch: v.Epoch + 1}
}

// BumpStatus is the version after a status-only change: num_updates+1.
func (v Version) BumpStatus() Version {
	v.NumUpdates++
	return v
}
