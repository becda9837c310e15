package shell_test

import (
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
)

const compCIB = `<cib admin_epoch="0" epoch="1" num_updates="0" validate-with="pacemaker-3.9">
  <configuration>
    <crm_config/>
    <nodes><node id="1" uname="node1"/><node id="2" uname="node2"/></nodes>
    <resources>
      <primitive id="vip" class="ocf" provider="heartbeat" type="IPaddr2"/>
      <primitive id="web" class="ocf" provider="heartbeat" type="Dummy"/>
    </resources>
    <constraints/>
  </configuration>
  <status/>
</cib>
`

// `pacer completion SHELL` in the real bash, zsh and fish, driven in tmux
// by Tab presses: commands and levels, resource and node names from the
// CIB, an agent after its "ocf:heartbeat:" (bash cuts words at ':') and a
// parameter left open after its '='.
func TestSystemShellCompletion(t *testing.T) {
	dir := t.TempDir()
	cib := filepath.Join(dir, "cib.xml")
	if err := os.WriteFile(cib, []byte(compCIB), 0o644); err != nil {
		t.Fatal(err)
	}
	shells := []struct {
		name, start, load string
	}{
		{"bash", "bash --norc --noprofile", "source %s"},
		{"zsh", "zsh -f", "autoload -Uz compinit && compinit -u && source %s"},
		{"fish", "fish --no-config", "source %s"},
	}
	for _, sh := range shells {
		t.Run(sh.name, func(t *testing.T) {
			if _, err := exec.LookPath(sh.name); err != nil {
				t.Skipf("%s not installed", sh.name)
			}
			script := filepath.Join(dir, "pacer."+sh.name)
			r := run(t, "", "", "completion", sh.name)
			if r.code != 0 || r.stdout == "" {
				t.Fatalf("pacer completion %s: exit %d\n%s", sh.name, r.code, r.stderr)
			}
			if err := os.WriteFile(script, []byte(r.stdout), 0o644); err != nil {
				t.Fatal(err)
			}
			env := "env -i TERM=xterm HOME=" + dir + " PATH=" + filepath.Dir(pacerBin) + ":" + os.Getenv("PATH") +
				" CIB_file=" + cib + " PACER_SOCKET=" + filepath.Join(dir, "none.sock")
			tm := startTmuxLine(t, env+" "+sh.start)
			tm.keys(strings.ReplaceAll(sh.load, "%s", script), "Enter")
			tm.keys("clear", "Enter")
			// tmux's capture drops trailing blanks, so each step's text
			// shows the space (or its absence) the previous Tab left.
			steps := []struct{ typed, want string }{
				{"pacer res", "pacer resource"},
				{"mo", "pacer resource move"},
				{"v", "pacer resource move vip"},
				{"n", "pacer resource move vip node"},
			}
			for _, st := range steps {
				tm.keys(st.typed, "Tab")
				tm.waitFor(st.want, true)
			}
			tm.keys("C-c")
			tm.keys("clear", "Enter")
			for _, st := range []struct{ typed, want string }{
				{"pacer configure primitive x ocf:heartbeat:IPaddr", "ocf:heartbeat:IPaddr"},
				{"2", "ocf:heartbeat:IPaddr2"},
				{"params ci", "ocf:heartbeat:IPaddr2 params cidr_netmask="},
				{"24", "params cidr_netmask=24"},
			} {
				tm.keys(st.typed, "Tab")
				tm.waitFor(st.want, true)
			}
		})
	}
}
