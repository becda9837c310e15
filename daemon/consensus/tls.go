package consensus

import (
	"bytes"
	"crypto/ed25519"
	"crypto/hkdf"
	"crypto/sha256"
	"crypto/tls"
	"crypto/x509"
	"crypto/x509/pkix"
	"errors"
	"fmt"
	"math/big"
	"net"
	"time"

	"github.com/hashicorp/raft"
)

// The log's connections are TLS 1.3 with one identity shared by every node:
// an Ed25519 key derived from the cluster key, in a self-signed
// certificate. Each side demands the other's certificate and accepts only
// that key, so holding the cluster key is what admits a peer, as it is for
// memberlist's gossip.

func clusterIdentity(key []byte) (tls.Certificate, ed25519.PublicKey, error) {
	seed, err := hkdf.Key(sha256.New, key, nil, "pacer consensus tls identity v1", ed25519.SeedSize)
	if err != nil {
		return tls.Certificate{}, nil, err
	}
	priv := ed25519.NewKeyFromSeed(seed)
	pub := priv.Public().(ed25519.PublicKey)
	tmpl := &x509.Certificate{
		SerialNumber: big.NewInt(1),
		Subject:      pkix.Name{CommonName: "pacer cluster"},
		NotBefore:    time.Date(2000, 1, 1, 0, 0, 0, 0, time.UTC),
		NotAfter:     time.Date(2200, 1, 1, 0, 0, 0, 0, time.UTC),
		KeyUsage:     x509.KeyUsageDigitalSignature,
		ExtKeyUsage:  []x509.ExtKeyUsage{x509.ExtKeyUsageServerAuth, x509.ExtKeyUsageClientAuth},
	}
	der, err := x509.CreateCertificate(nil, tmpl, tmpl, pub, priv)
	if err != nil {
		return tls.Certificate{}, nil, err
	}
	return tls.Certificate{Certificate: [][]byte{der}, PrivateKey: priv}, pub, nil
}

func tlsConfig(key []byte) (*tls.Config, error) {
	cert, pub, err := clusterIdentity(key)
	if err != nil {
		return nil, fmt.Errorf("consensus identity from the cluster key: %w", err)
	}
	verify := func(raw [][]byte, _ [][]*x509.Certificate) error {
		if len(raw) == 0 {
			return errors.New("peer sent no certificate")
		}
		c, err := x509.ParseCertificate(raw[0])
		if err != nil {
			return err
		}
		if k, ok := c.PublicKey.(ed25519.PublicKey); !ok || !bytes.Equal(k, pub) {
			return errors.New("peer does not hold the cluster key")
		}
		return nil
	}
	return &tls.Config{
		MinVersion:   tls.VersionTLS13,
		Certificates: []tls.Certificate{cert},
		ClientAuth:   tls.RequireAnyClientCert,
		// The chain is checked by VerifyPeerCertificate against the one
		// key, not against a CA.
		InsecureSkipVerify:    true,
		VerifyPeerCertificate: verify,
		ServerName:            "pacer",
	}, nil
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
