package alerts

import (
	"io"
	"log/slog"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"

	"pacer/share/xmltree"
)

// Pacemaker's own sample agent (pacemaker-common), run unmodified.
const sampleAgent = "/usr/share/pacemaker/alerts/alert_file.sh.sample"

func cib(t *testing.T, alerts string) *xmltree.Element {
	t.Helper()
	doc, err := xmltree.ParseString(`<cib><configuration><crm_config/><nodes/><resources/><constraints/><alerts>` + alerts + `</alerts></configuration></cib>`)
	if err != nil {
		t.Fatal(err)
	}
	return doc.Root
}

func quiet() *slog.Logger { return slog.New(slog.NewTextHandler(io.Discard, nil)) }

func TestSampleFileAgentRecordsNodeFencingAndResourceEvents(t *testing.T) {
	if _, err := os.Stat(sampleAgent); err != nil {
		t.Skipf("no %s (apt-get install pacemaker-common)", sampleAgent)
	}
	dir := t.TempDir()
	log := filepath.Join(dir, "alerts.log")
	as, problems := FromCIB(cib(t, `<alert id="file" path="`+sampleAgent+`">
  <meta_attributes id="file-meta"><nvpair id="file-ts" name="timestamp-format" value="%Y-%m-%d %H:%M:%S.%06N"/></meta_attributes>
  <recipient id="file-log" value="`+log+`"/>
</alert>`), time.Now())
	if len(problems) != 0 || len(as) != 1 {
		t.Fatalf("alerts %+v, problems %v", as, problems)
	}
	s := &Sender{Version: "pacer-test", Log: quiet()}
	at := time.Date(2026, 12, 1, 10, 20, 30, 123456789, time.UTC)
	s.Send(as, Event{Kind: Node, Time: at, Node: "n3", NodeID: "3", Desc: "lost"})
	s.Wait()
	s.Send(as, Event{Kind: Fencing, Time: at, Node: "n3", Task: "reboot", Desc: "Operation reboot of n3 by n1 for pacer-controller@n1: OK"})
	s.Wait()
	s.Send(as, Event{Kind: Resource, Time: at, Node: "n1", Rsc: "db", Task: "start", Desc: "ok"})
	s.Wait()
	s.Send(as, Event{Kind: Resource, Time: at, Node: "n1", Rsc: "db", Task: "monitor", IntervalMS: 10000, RC: 7, Desc: "not running"})
	s.Wait()
	b, err := os.ReadFile(log)
	if err != nil {
		t.Fatalf("the agent wrote nothing: %v", err)
	}
	lines := strings.Split(strings.TrimSpace(string(b)), "\n")
	want := []string{
		"Node 'n3' is now 'lost'",
		"Fencing Operation reboot of n3 by n1 for pacer-controller@n1: OK",
		"Resource operation 'start' for 'db' on 'n1': ok",
		"Resource operation 'monitor (10000)' for 'db' on 'n1': not running",
	}
	if len(lines) != len(want) {
		t.Fatalf("agent wrote %d lines, want %d:\n%s", len(lines), len(want), b)
	}
	for i, l := range lines {
		// The event's time in the alert's timestamp-format, then the event.
		if w := "2026-12-01 10:20:30.123456: " + want[i]; l != w {
			t.Errorf("line %d: %q, want %q", i+1, l, w)
		}
	}
}

func TestSelectLimitsAnAlertToTheKindsItNames(t *testing.T) {
	dir := t.TempDir()
	agent := filepath.Join(dir, "agent")
	out := filepath.Join(dir, "out")
	os.WriteFile(agent, []byte("#!/bin/sh\necho $CRM_alert_kind $CRM_alert_attribute_name >> "+out+"\n"), 0o755)
	as, _ := FromCIB(cib(t, `<alert id="a" path="`+agent+`"><select><select_fencing/><select_attributes><attribute id="a-s" name="standby"/></select_attributes></select></alert>`), time.Now())
	s := &Sender{Log: quiet()}
	for _, ev := range []Event{{Kind: Node, Node: "n1"}, {Kind: Fencing, Node: "n1"}, {Kind: Resource, Rsc: "r"},
		{Kind: Attribute, AttrName: "standby"}, {Kind: Attribute, AttrName: "pingd"}} {
		s.Send(as, ev)
		s.Wait()
	}
	b, _ := os.ReadFile(out)
	if got := strings.TrimSpace(string(b)); got != "fencing\nattribute standby" {
		t.Fatalf("agent ran for %q; want only the fencing event and the standby attribute", got)
	}
}

func TestEveryRecipientGetsItsOwnRunAndSettings(t *testing.T) {
	dir := t.TempDir()
	agent := filepath.Join(dir, "agent")
	os.WriteFile(agent, []byte("#!/bin/sh\necho \"$CRM_alert_timestamp $EXTRA\" >> \"$CRM_alert_recipient\"\n"), 0o755)
	as, _ := FromCIB(cib(t, `<alert id="a" path="`+agent+`">
  <instance_attributes id="a-ia"><nvpair id="a-x" name="EXTRA" value="alert"/></instance_attributes>
  <recipient id="r1" value="`+dir+`/r1"/>
  <recipient id="r2" value="`+dir+`/r2"><meta_attributes id="r2-m"><nvpair id="r2-f" name="timestamp-format" value="%s"/></meta_attributes>
    <instance_attributes id="r2-ia"><nvpair id="r2-x" name="EXTRA" value="recipient"/></instance_attributes></recipient>
</alert>`), time.Now())
	s := &Sender{Log: quiet()}
	at := time.Date(2026, 12, 1, 1, 2, 3, 4000, time.UTC)
	s.Send(as, Event{Kind: Node, Node: "n1", Time: at})
	s.Wait()
	r1, _ := os.ReadFile(filepath.Join(dir, "r1"))
	r2, _ := os.ReadFile(filepath.Join(dir, "r2"))
	if string(r1) != "01:02:03.000004 alert\n" || string(r2) != strconv.FormatInt(at.Unix(), 10)+" recipient\n" {
		t.Fatalf("r1 %q, r2 %q", r1, r2)
	}
}

func TestAnAgentPastItsTimeoutIsKilledWithWhatItStarted(t *testing.T) {
	dir := t.TempDir()
	agent := filepath.Join(dir, "agent")
	pids := filepath.Join(dir, "pids")
	// The agent starts a child and waits for it: both must go.
	os.WriteFile(agent, []byte("#!/bin/sh\nsleep 300 &\necho $$ $! > "+pids+"\nwait\n"), 0o755)
	as, _ := FromCIB(cib(t, `<alert id="a" path="`+agent+`"><meta_attributes id="m"><nvpair id="m-t" name="timeout" value="1s"/></meta_attributes></alert>`), time.Now())
	s := &Sender{Log: quiet()}
	s.Send(as, Event{Kind: Node, Node: "n1"})
	s.Wait()
	b, err := os.ReadFile(pids)
	if err != nil {
		t.Fatal(err)
	}
	for _, f := range strings.Fields(string(b)) {
		pid, _ := strconv.Atoi(f)
		// Gone, or a zombie waiting for a reaper: either way not running.
		// The kill is asynchronous, so a dying process gets a moment.
		running := func() (string, bool) {
			st, err := os.ReadFile("/proc/" + f + "/stat")
			return string(st), err == nil && !strings.Contains(string(st), ") Z ") && !strings.Contains(string(st), ") X ")
		}
		deadline := time.Now().Add(10 * time.Second)
		st, alive := running()
		for alive && time.Now().Before(deadline) {
			time.Sleep(20 * time.Millisecond)
			st, alive = running()
		}
		if alive {
			syscall.Kill(pid, syscall.SIGKILL)
			t.Errorf("process %d of the timed-out agent still runs: %s", pid, st)
		}
	}
}

func TestEnvironmentCarriesTheEventUnderBothNames(t *testing.T) {
	a := Alert{ID: "a", Env: map[string]string{"X": "1"}}
	r := Recipient{Value: "/tmp/r", Format: defaultFormat}
	env := Env(a, r, Event{Kind: Resource, Node: "n1", Rsc: "db", Task: "monitor", IntervalMS: 5000, RC: 7, TargetRC: 0, Desc: "not running",
		Time: time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)}, 42, "v1")
	for _, want := range []string{"CRM_alert_kind=resource", "CRM_notify_kind=resource", "CRM_alert_node_sequence=42", "CRM_alert_rsc=db",
		"CRM_alert_interval=5000", "CRM_alert_rc=7", "CRM_alert_target_rc=0", "CRM_alert_version=v1", "CRM_alert_recipient=/tmp/r",
		"CRM_alert_timestamp=00:00:00.000000", "CRM_alert_timestamp_epoch=1767225600", "X=1"} {
		found := false
		for _, e := range env {
			found = found || e == want
		}
		if !found {
			t.Errorf("no %s in %v", want, env)
		}
	}
}

func TestAlertsWithoutPathOrWithABadTimeoutAreReported(t *testing.T) {
	as, problems := FromCIB(cib(t, `<alert id="nopath"/><alert id="bad" path="/bin/true"><meta_attributes id="m"><nvpair id="m-t" name="timeout" value="soon"/></meta_attributes></alert>`), time.Now())
	if len(as) != 1 || as[0].Timeout != defaultTimeout || len(problems) != 2 ||
		!strings.Contains(problems[0], "nopath") || !strings.Contains(problems[1], `"soon"`) {
		t.Fatalf("alerts %+v problems %q", as, problems)
	}
}

func TestStrftime(t *testing.T) {
	at := time.Date(2026, 3, 4, 5, 6, 7, 891234567, time.UTC)
	for f, want := range map[string]string{
		"%H:%M:%S.%06N":  "05:06:07.891234",
		"%Y-%m-%d %3N":   "2026-03-04 891",
		"%N":             "891234567",
		"%s":             strconv.FormatInt(at.Unix(), 10),
		"%b %e %j %% %q": "Mar  4 063 % %q",
		"trailing %":     "trailing %",
	} {
		if got := Strftime(f, at); got != want {
			t.Errorf("Strftime(%q) = %q, want %q", f, got, want)
		}
	}
}
