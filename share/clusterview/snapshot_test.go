package clusterview

import (
	"encoding/json"
	"reflect"
	"strings"
	"testing"
	"time"
)

func sampleSnapshot() *Snapshot {
	t0 := time.Date(2026, 11, 24, 1, 0, 0, 0, time.UTC)
	return &Snapshot{
		ClusterName: "demo", Stack: "corosync", DC: "n1", DCVersion: "2.1.5", HaveQuorum: true,
		Generated: t0, LastChange: t0.Add(-time.Hour), LastChangeClient: "cibadmin", LastChangeNode: "n1",
		Nodes: []Node{
			{Name: "n1", ID: "1", State: NodeOnline, Online: true, Attributes: map[string]string{"pingd": "100"}},
			{Name: "n2", ID: "2", State: NodeOffline},
		},
		Resources: []Resource{
			{ID: "ip", Kind: KindPrimitive, Class: "ocf", Provider: "heartbeat", Type: "IPaddr2", Role: RoleStarted, Nodes: []string{"n1"}},
			{ID: "web-clone", Kind: KindClone, Template: "web", Children: []Resource{
				{ID: "web:0", Kind: KindPrimitive, Class: "systemd", Type: "nginx", Role: RoleStarted, Nodes: []string{"n1"}},
				{ID: "web:1", Kind: KindPrimitive, Class: "systemd", Type: "nginx", Role: RoleStopped, Disabled: true},
			}},
		},
		FailedActions: []FailedAction{{Resource: "ip", Op: "monitor", IntervalMS: 10000, Node: "n1", RC: 7, RCText: "not running", Status: "complete", LastRCChange: t0}},
	}
}

// The daemon sends snapshots as JSON: nothing may be lost on the way.
func TestJSONRoundTrip(t *testing.T) {
	s := sampleSnapshot()
	b, err := json.Marshal(s)
	if err != nil {
		t.Fatal(err)
	}
	var back Snapshot
	if err := json.Unmarshal(b, &back); err != nil {
		t.Fatal(err)
	}
	if !reflect.DeepEqual(s, &back) {
		t.Fatalf("round trip changed the snapshot:\n%+v\n%+v", s, &back)
	}
	// Zero times stay off the wire instead of "0001-01-01T00:00:00Z".
	if strings.Contains(string(b), "0001-01-01") {
		t.Errorf("zero time serialized: %s", b)
	}
}

func TestCountAndLookup(t *testing.T) {
	s := sampleSnapshot()
	c := s.Count()
	if c.Nodes != 2 || c.Instances != 3 || c.Disabled != 1 {
		t.Errorf("Count = %+v, want 2 nodes, 3 instances, 1 disabled", c)
	}
	if r := s.Resource("web:1"); r == nil || r.Role != RoleStopped {
		t.Errorf("Resource(web:1) = %+v", r)
	}
	if s.Resource("nope") != nil || s.Node("nope") != nil {
		t.Error("lookup of a missing id returned something")
	}
	if got := s.Resources[0].Agent(); got != "ocf:heartbeat:IPaddr2" {
		t.Errorf("Agent = %q", got)
	}
	if got := s.Resources[1].Children[0].Agent(); got != "systemd:nginx" {
		t.Errorf("Agent = %q", got)
	}
	if got := s.FailedActions[0].ActionKey(); got != "ip_monitor_10000" {
		t.Errorf("ActionKey = %q", got)
	}
}
