package membership

import (
	"crypto/rand"
	"fmt"
	"net"
	"testing"
	"time"
)

func freePort(t *testing.T) int {
	for range 20 {
		l, err := net.ListenTCP("tcp", &net.TCPAddr{IP: net.IPv4(127, 0, 0, 1)})
		if err != nil {
			t.Fatal(err)
		}
		p := l.Addr().(*net.TCPAddr).Port
		l.Close()
		if u, err := net.ListenUDP("udp", &net.UDPAddr{IP: net.IPv4(127, 0, 0, 1), Port: p}); err == nil {
			u.Close()
			return p
		}
	}
	t.Fatal("no port")
	return 0
}

func start(t *testing.T, name string, key []byte, join []string, port int) *Membership {
	t.Helper()
	m, err := Start(Options{Name: name, BindAddr: "127.0.0.1", BindPort: port, AdvertiseAddr: "127.0.0.1",
		Key: key, Join: join, ProbeInterval: 200 * time.Millisecond, ProbeTimeout: 100 * time.Millisecond,
		GossipInterval: 50 * time.Millisecond})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(m.Shutdown)
	return m
}

func names(ms []Member) string {
	return fmt.Sprint(func() []string {
		var s []string
		for _, m := range ms {
			s = append(s, m.Name)
		}
		return s
	}())
}

// Three members with the key form one cluster, a node with another key
// cannot join, and a member that dies is dropped by the others.
func TestClusterKeyMembershipAndFailureDetection(t *testing.T) {
	key := make([]byte, 32)
	rand.Read(key)
	p1, p2, p3, p4 := freePort(t), freePort(t), freePort(t), freePort(t)
	seed := []string{fmt.Sprintf("127.0.0.1:%d", p1)}
	m1 := start(t, "n1", key, nil, p1)
	time.Sleep(10 * time.Millisecond)
	m2 := start(t, "n2", key, seed, p2)
	m3 := start(t, "n3", key, seed, p3)
	bad := make([]byte, 32)
	rand.Read(bad)
	intruder := start(t, "evil", bad, seed, p4)

	wait := func(what string, f func() bool) {
		t.Helper()
		deadline := time.Now().Add(5 * time.Second)
		for time.Now().Before(deadline) {
			if f() {
				return
			}
			time.Sleep(50 * time.Millisecond)
		}
		t.Fatalf("%s: m1 %s m2 %s m3 %s", what, names(m1.Members()), names(m2.Members()), names(m3.Members()))
	}
	wait("3 members everywhere", func() bool {
		return len(m1.Members()) == 3 && len(m2.Members()) == 3 && len(m3.Members()) == 3
	})
	for _, m := range []*Membership{m1, m2, m3} {
		for _, mb := range m.Members() {
			if mb.Name == "evil" {
				t.Fatal("a node with the wrong key joined")
			}
		}
	}
	if len(intruder.Members()) != 1 {
		t.Fatalf("the intruder sees %s", names(intruder.Members()))
	}
	m1.Shutdown()
	wait("n1 gone", func() bool {
		return names(m2.Members()) == "[n2 n3]" && names(m3.Members()) == "[n2 n3]"
	})
}
