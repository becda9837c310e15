package backend

import (
	"context"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"pacer/share/cib"
	"pacer/share/xmltree"
)

const small = `<cib admin_epoch="0" epoch="5" num_updates="3">
  <configuration>
    <crm_config/>
    <nodes>
      <node id="1" uname="n1"/>
    </nodes>
    <resources/>
    <constraints/>
  </configuration>
  <status>
    <node_state id="1" uname="n1">
      <transient_attributes id="1">
        <instance_attributes id="status-1">
          <nvpair id="status-1-fail-count-d1#start_0" name="fail-count-d1#start_0" value="INFINITY"/>
          <nvpair id="status-1-fail-count-c:1#monitor_10000" name="fail-count-c:1#monitor_10000" value="2"/>
          <nvpair id="status-1-other" name="other" value="x"/>
        </instance_attributes>
      </transient_attributes>
      <lrm id="1">
        <lrm_resources>
          <lrm_resource id="d1" type="Dummy" class="ocf" provider="heartbeat"/>
          <lrm_resource id="c:1" type="Dummy" class="ocf" provider="heartbeat"/>
          <lrm_resource id="d2" type="Dummy" class="ocf" provider="heartbeat"/>
        </lrm_resources>
      </lrm>
    </node_state>
  </status>
</cib>
`

func newFile(t *testing.T) *File {
	p := filepath.Join(t.TempDir(), "cib.xml")
	if err := os.WriteFile(p, []byte(small), 0o640); err != nil {
		t.Fatal(err)
	}
	return NewFile(p, "")
}

func TestReplaceConfigurationVersions(t *testing.T) {
	f := newFile(t)
	ctx := context.Background()
	doc, _ := f.CIB(ctx)
	base, _ := cib.ReadVersion(doc.Root)
	cfg := doc.Root.Child("configuration").Clone()
	cfg.Child("resources").Append(xmltree.New("primitive", "id", "d1", "class", "ocf", "provider", "heartbeat", "type", "Dummy"))
	if err := f.ReplaceConfiguration(ctx, cfg, base); err != nil {
		t.Fatal(err)
	}
	doc2, _ := f.CIB(ctx)
	v, _ := cib.ReadVersion(doc2.Root)
	if v != (Version{AdminEpoch: 0, Epoch: 6, NumUpdates: 0}) {
		t.Errorf("version %s, want 0.6.0", v)
	}
	if st, _ := os.Stat(f.Path); st.Mode().Perm() != 0o640 {
		t.Errorf("mode %v", st.Mode().Perm())
	}
	// The same base again is stale and changes nothing.
	before, _ := os.ReadFile(f.Path)
	err := f.ReplaceConfiguration(ctx, cfg, base)
	var se *StaleError
	if !errors.Is(err, ErrStale) || !errors.As(err, &se) || se.Current.Epoch != 6 {
		t.Fatalf("stale write: %v", err)
	}
	after, _ := os.ReadFile(f.Path)
	if string(before) != string(after) {
		t.Error("refused write changed the file")
	}
	if ents, _ := os.ReadDir(filepath.Dir(f.Path)); len(ents) != 1 {
		t.Errorf("temp files left: %v", ents)
	}
}

func TestNodeAttrsAndCleanup(t *testing.T) {
	f := newFile(t)
	ctx := context.Background()
	on := "on"
	if err := f.SetNodeAttr(ctx, "n1", "standby", &on, Permanent); err != nil {
		t.Fatal(err)
	}
	if err := f.SetNodeAttr(ctx, "n1", "foo", &on, Transient); err != nil {
		t.Fatal(err)
	}
	if err := f.SetNodeAttr(ctx, "nope", "foo", &on, Transient); err == nil {
		t.Error("unknown node accepted")
	}
	if err := f.Cleanup(ctx, "c", ""); err != nil {
		t.Fatal(err)
	}
	doc, _ := f.CIB(ctx)
	for _, id := range []string{"nodes-1-standby", "status-1-foo", "d1", "d2", "status-1-fail-count-d1#start_0", "status-1-other"} {
		if doc.Root.FindID(id) == nil {
			t.Errorf("%s missing", id)
		}
	}
	for _, id := range []string{"c:1", "status-1-fail-count-c:1#monitor_10000"} {
		if doc.Root.FindID(id) != nil {
			t.Errorf("%s not cleaned up", id)
		}
	}
	v, _ := cib.ReadVersion(doc.Root)
	// standby is a configuration change (epoch), the others status (num_updates).
	if v.Epoch != 6 || v.NumUpdates != 2 {
		t.Errorf("version %s", v)
	}
}

func TestCorruptFileNamed(t *testing.T) {
	p := filepath.Join(t.TempDir(), "cib.xml")
	os.WriteFile(p, []byte("<cib>\n<configuration>\n</cib>\n"), 0o644)
	_, err := NewFile(p, "").CIB(context.Background())
	if err == nil || !strings.Contains(err.Error(), p) || !strings.Contains(err.Error(), "line") {
		t.Fatalf("error %v", err)
	}
}

func TestClearNodeState(t *testing.T) {
	f := newFile(t)
	ctx := context.Background()
	if err := f.ClearNodeState(ctx, "n1"); err != nil {
		t.Fatal(err)
	}
	doc, _ := f.CIB(ctx)
	ns := doc.Root.Child("status").Child("node_state")
	if ns == nil || len(ns.Children) != 0 || ns.Attr("crmd") != "offline" || ns.Attr("expected") != "down" {
		t.Fatalf("node_state %v", ns)
	}
}
