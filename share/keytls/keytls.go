// Package keytls gives TCP channels between Pacer's processes TLS 1.3
// with an identity derived from the cluster key, so that holding the key
// is what admits a peer, as it is for memberlist's gossip.
//
// Go's crypto/tls has no pre-shared-key mode. Instead each purpose
// ("remote", "consensus", ...) gets one Ed25519 key derived from the
// cluster key with HKDF-SHA256, in a self-signed certificate that both
// ends present; each end demands the other's certificate and accepts only
// that public key. Nothing here is new cryptography: TLS 1.3, HKDF and
// Ed25519 from the standard library, and key pinning.
package keytls

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
	"time"
)

// ErrWrongKey is what a handshake fails with when the peer's certificate
// is not the one the cluster key gives.
var ErrWrongKey = errors.New("peer does not hold the cluster key")

// Config returns the TLS configuration for both ends of a channel used
// for purpose, keyed by the cluster key. A different key or purpose gives
// an identity the other end refuses.
func Config(key []byte, purpose string) (*tls.Config, error) {
	if len(key) < 16 {
		return nil, fmt.Errorf("tls identity for %s: cluster key of %d bytes is too short", purpose, len(key))
	}
	seed, err := hkdf.Key(sha256.New, key, nil, "pacer "+purpose+" tls identity v1", ed25519.SeedSize)
	if err != nil {
		return nil, fmt.Errorf("tls identity for %s: %w", purpose, err)
	}
	priv := ed25519.NewKeyFromSeed(seed)
	pub := priv.Public().(ed25519.PublicKey)
	tmpl := &x509.Certificate{
		SerialNumber: big.NewInt(1),
		Subject:      pkix.Name{CommonName: "pacer " + purpose},
		NotBefore:    time.Date(2000, 1, 1, 0, 0, 0, 0, time.UTC),
		NotAfter:     time.Date(2200, 1, 1, 0, 0, 0, 0, time.UTC),
		KeyUsage:     x509.KeyUsageDigitalSignature,
		ExtKeyUsage:  []x509.ExtKeyUsage{x509.ExtKeyUsageServerAuth, x509.ExtKeyUsageClientAuth},
	}
	der, err := x509.CreateCertificate(nil, tmpl, tmpl, pub, priv)
	if err != nil {
		return nil, fmt.Errorf("tls identity for %s: %w", purpose, err)
	}
	verify := func(raw [][]byte, _ [][]*x509.Certificate) error {
		if len(raw) == 0 {
			return errors.New("peer sent no certificate")
		}
		c, err := x509.ParseCertificate(raw[0])
		if err != nil {
			return fmt.Errorf("peer certificate: %w", err)
		}
		if k, ok := c.PublicKey.(ed25519.PublicKey); !ok || !bytes.Equal(k, pub) {
			return ErrWrongKey
		}
		return nil
	}
	return &tls.Config{
		MinVersion:   tls.VersionTLS13,
		Certificates: []tls.Certificate{{Certificate: [][]byte{der}, PrivateKey: priv}},
		ClientAuth:   tls.RequireAnyClientCert,
		// The peer is checked against the one pinned key by
		// VerifyPeerCertificate, not against a CA and a host name.
		InsecureSkipVerify:    true,
		VerifyPeerCertificate: verify,
		ServerName:            "pacer",
	}, nil
}
