package consensus

import (
	"crypto/tls"
	"fmt"
	"net"
	"time"

	"github.com/hashicorp/raft"

	"pacer/share/keytls"
)

// The log's connections are TLS 1.3 with an identity derived from the
// cluster key (share/keytls), so holding the key is what admits a peer, as
// it is for memberlist's gossip.
func tlsConfig(key []byte) (*tls.Config, error) {
	c, err := keytls.Config(key, "consensus")
	if err != nil {
		return nil, fmt.Errorf("consensus identity from the cluster key: %w", err)
	}
	return c, nil
}

// stream is raft's StreamLayer over TLS (or plain TCP without a key).
type stream struct {
	net.Listener
	adv net.Addr
	tls *tls.Config
}

func listen(bind, advertise string, key []byte) (*stream, error) {
	ln, err := net.Listen("tcp", bind)
	if err != nil {
		return nil, fmt.Errorf("consensus listen on %s: %w", bind, err)
	}
	s := &stream{Listener: ln, adv: ln.Addr()}
	if advertise != "" {
		a, err := net.ResolveTCPAddr("tcp", advertise)
		if err != nil {
			ln.Close()
			return nil, fmt.Errorf("consensus advertise address %s: %w", advertise, err)
		}
		s.adv = a
	}
	if key != nil {
		s.tls, err = tlsConfig(key)
		if err != nil {
			ln.Close()
			return nil, err
		}
		s.Listener = tls.NewListener(ln, s.tls)
	}
	return s, nil
}

func (s *stream) Addr() net.Addr { return s.adv }

func (s *stream) Dial(addr raft.ServerAddress, timeout time.Duration) (net.Conn, error) {
	d := &net.Dialer{Timeout: timeout}
	if s.tls == nil {
		return d.Dial("tcp", string(addr))
	}
	return tls.DialWithDialer(d, "tcp", string(addr), s.tls)
}
