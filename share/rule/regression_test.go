package rule

import (
	"os"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"testing"
	"time"

	"pacer/share/iso8601"
	"pacer/share/schedcases"
	"pacer/share/xmltree"
)

// These tests replay the time-dependent cases of Pacemaker's scheduler
// regression suite through this package alone: the option sets, node
// attributes and location rules they hinge on, and the recheck time the
// expected transition graph carries.

func loadCase(t *testing.T, name string) (*xmltree.Element, string) {
	t.Helper()
	dir, ok := schedcases.Dir()
	if !ok {
		t.Skipf("scheduler cases not found at %s (set PACER_SCHED_CASES)", dir)
	}
	doc, err := xmltree.ParseFile(filepath.Join(dir, "xml", name+".xml"))
	if err != nil {
		t.Fatal(err)
	}
	return doc.Root, dir
}

func caseTime(t *testing.T, dir, name string, root *xmltree.Element) time.Time {
	t.Helper()
	cases, err := schedcases.Load(dir)
	if err != nil {
		t.Fatal(err)
	}
	for _, c := range cases {
		if c.Name == name && strings.HasPrefix(c.Args, "-t ") {
			now, err := iso8601.ParseTime(strings.TrimPrefix(c.Args, "-t "), time.UTC)
			if err != nil {
				t.Fatal(err)
			}
			return now
		}
	}
	if s, ok := root.AttrOK("execution-date"); ok {
		secs, err := strconv.ParseInt(s, 10, 64)
		if err != nil {
			t.Fatal(err)
		}
		return time.Unix(secs, 0).UTC()
	}
	t.Fatalf("%s has no time", name)
	return time.Time{}
}

func readExp(t *testing.T, dir, name string) string {
	t.Helper()
	b, err := os.ReadFile(filepath.Join(dir, "exp", name+".exp"))
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}

func path(e *xmltree.Element, names ...string) *xmltree.Element {
	for _, n := range names {
		if e = e.Child(n); e == nil {
			return nil
		}
	}
	return e
}

func TestRegressionDateSpecPicksClusterOptionSet(t *testing.T) {
	for _, name := range []string{"date-2", "date-3"} {
		root, dir := loadCase(t, name)
		now := caseTime(t, dir, name, root)
		crm := path(root, "configuration", "crm_config")
		opts := UnpackNVSets(crm.ChildrenNamed("cluster_property_set"), &Context{Now: now, FirstSetID: "cib-bootstrap-options"})
		want := regexp.MustCompile(`cluster-delay="([^"]+)"`).FindStringSubmatch(readExp(t, dir, name))
		if want == nil {
			t.Fatalf("%s: no cluster-delay in the graph", name)
		}
		if opts["cluster-delay"] != want[1] {
			t.Errorf("%s at %v: cluster-delay %q, Pacemaker %q", name, now, opts["cluster-delay"], want[1])
		}
	}
}

func TestRegressionDatedNodeAttributesDriveLocation(t *testing.T) {
	const name = "date-1"
	root, dir := loadCase(t, name)
	now := caseTime(t, dir, name, root)
	scores, err := os.ReadFile(filepath.Join(dir, "scores", name+".scores"))
	if err != nil {
		t.Fatal(err)
	}
	var rules []*xmltree.Element
	for _, loc := range path(root, "configuration", "constraints").ChildrenNamed("rsc_location") {
		rules = append(rules, loc.ChildrenNamed("rule")...)
	}
	for _, node := range path(root, "configuration", "nodes").ChildrenNamed("node") {
		attrs := UnpackNVSets(node.ChildrenNamed("instance_attributes"), &Context{Now: now})
		attrs["#uname"], attrs["#id"] = node.Attr("uname"), node.ID()
		total := 0
		for _, r := range rules {
			if res, _ := Evaluate(r, &Context{Node: attrs, Now: now}); res.Matched {
				total += int(res.Score)
			}
		}
		re := regexp.MustCompile(`rsc1 allocation score on ` + regexp.QuoteMeta(node.Attr("uname")) + `: (\S+)`)
		m := re.FindSubmatch(scores)
		if m == nil {
			t.Fatalf("no score for %s", node.Attr("uname"))
		}
		if strconv.Itoa(total) != string(m[1]) {
			t.Errorf("%s: rules give %d, Pacemaker %s (attributes %v)", node.Attr("uname"), total, m[1], attrs)
		}
	}
}

func TestRegressionRecheckByIsEarliestRuleChange(t *testing.T) {
	for _, name := range []string{"location-date-rules-1", "location-date-rules-2"} {
		root, dir := loadCase(t, name)
		now := caseTime(t, dir, name, root)
		var next time.Time
		for _, loc := range path(root, "configuration", "constraints").ChildrenNamed("rsc_location") {
			for _, r := range loc.ChildrenNamed("rule") {
				res, _ := Evaluate(r, &Context{Now: now})
				if !res.NextChange.IsZero() && (next.IsZero() || res.NextChange.Before(next)) {
					next = res.NextChange
				}
			}
		}
		m := regexp.MustCompile(`recheck-by="(\d+)"`).FindStringSubmatch(readExp(t, dir, name))
		if m == nil {
			t.Fatalf("%s: no recheck-by in the graph", name)
		}
		if strconv.FormatInt(next.Unix(), 10) != m[1] {
			t.Errorf("%s: next change %v (%d), Pacemaker recheck-by %s", name, next, next.Unix(), m[1])
		}
	}
}
