package systemdtest

import (
	"context"
	"os"
	"strings"
	"testing"
	"time"
)

func TestBootsPrivately(t *testing.T) {
	hostname, _ := os.Hostname()
	s := Start(t, map[string]string{"pacer-probe.service": `[Unit]
Description=probe
DefaultDependencies=no
[Service]
Type=oneshot
RemainAfterExit=yes
ExecStart=/bin/sh -c 'hostname pacer-private; echo hi > /tmp/pacer-probe'
`})
	ctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
	defer cancel()
	c, err := s.Dial(ctx)
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	ch := make(chan string, 1)
	if _, err := c.StartUnitContext(ctx, "pacer-probe.service", "replace", ch); err != nil {
		t.Fatal(err)
	}
	if r := <-ch; r != "done" {
		t.Fatalf("probe job: %s\n%s", r, s.Output())
	}
	// The unit wrote to the private /tmp, not ours; renamed the private host.
	if _, err := os.Stat("/tmp/pacer-probe"); err == nil {
		os.Remove("/tmp/pacer-probe")
		t.Fatal("the private systemd's unit wrote into the host's /tmp")
	}
	if b, err := os.ReadFile(s.Root() + "/tmp/pacer-probe"); err != nil || strings.TrimSpace(string(b)) != "hi" {
		t.Fatalf("probe output in private /tmp: %q %v", b, err)
	}
	if h, _ := os.Hostname(); h != hostname {
		t.Fatalf("host name changed to %q", h)
	}
	pid := s.PID
	s.Stop()
	if _, err := os.Stat("/proc/" + itoa(pid)); err == nil {
		t.Error("PID 1 of the namespace still exists after Stop")
	}
	if _, err := os.Stat(s.cgroup); err == nil {
		t.Error("cgroup left behind")
	}
}

func itoa(n int) string {
	if n == 0 {
		return "0"
	}
	var b []byte
	for ; n > 0; n /= 10 {
		b = append([]byte{byte('0' + n%10)}, b...)
	}
	return string(b)
}
