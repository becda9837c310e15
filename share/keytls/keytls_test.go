package keytls

import (
	"crypto/tls"
	"testing"
)

// A real TLS handshake over loopback: the same key and purpose connect,
// another key or another purpose is refused on both ends.
func TestOnlyTheSameKeyAndPurposeConnect(t *testing.T) {
	k1 := []byte("0123456789abcdef0123456789abcdef")
	k2 := []byte("fedcba9876543210fedcba9876543210")
	cases := []struct {
		name             string
		srvKey, cliKey   []byte
		srvPurp, cliPurp string
		ok               bool
	}{
		{"same key", k1, k1, "remote", "remote", true},
		{"other key", k1, k2, "remote", "remote", false},
		{"other purpose", k1, k1, "remote", "consensus", false},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			srv, err := Config(c.srvKey, c.srvPurp)
			if err != nil {
				t.Fatal(err)
			}
			cli, err := Config(c.cliKey, c.cliPurp)
			if err != nil {
				t.Fatal(err)
			}
			ln, err := tls.Listen("tcp", "127.0.0.1:0", srv)
			if err != nil {
				t.Fatal(err)
			}
			defer ln.Close()
			srvErr := make(chan error, 1)
			go func() {
				conn, err := ln.Accept()
				if err != nil {
					srvErr <- err
					return
				}
				defer conn.Close()
				srvErr <- conn.(*tls.Conn).Handshake()
			}()
			if conn, err := tls.Dial("tcp", ln.Addr().String(), cli); err == nil {
				conn.Close()
			}
			// Whichever end refuses first, the server's handshake fails.
			serr := <-srvErr
			if c.ok && serr != nil {
				t.Fatalf("server: %v", serr)
			}
			if !c.ok && serr == nil {
				t.Fatal("a peer with another identity was accepted")
			}
		})
	}
	if _, err := Config([]byte("short"), "remote"); err == nil {
		t.Fatal("a 5-byte key was accepted")
	}
}
