// Package keyfile handles the cluster key (like Corosync's authkey): 32
// random bytes that encrypt and authenticate all gossip and messages
// between nodes (AES-GCM, by memberlist). A node without it can neither join
// nor inject anything.
package keyfile

import (
	"crypto/rand"
	"encoding/base64"
	"fmt"
	"os"
	"path/filepath"

	"pacer/share/atomicfile"
	"strings"
)

// Size is the key length written by Generate (AES-256).
const Size = 32

// Generate writes a new key to path (mode 0400), refusing to overwrite an
// existing one unless force is set: replacing the key of a running
// cluster splits it.
func Generate(path string, force bool) error {
	key := make([]byte, Size)
	if _, err := rand.Read(key); err != nil {
		return fmt.Errorf("keygen: %w", err)
	}
	if _, err := os.Stat(path); err == nil && !force {
		return fmt.Errorf("keygen: %s exists; use --force to replace it (every node needs the same key)", path)
	}
	if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
		return fmt.Errorf("keygen: %w", err)
	}
	if err := atomicfile.Write(path, []byte(base64.StdEncoding.EncodeToString(key)+"\n"), 0o400); err != nil {
		return fmt.Errorf("keygen: %w", err)
	}
	return nil
}

// Load reads a key: base64 text of 16, 24 or 32 bytes (as Generate writes),
// or those bytes raw.
func Load(path string) ([]byte, error) {
	data, err := os.ReadFile(path)
	if err != nil {
		return nil, fmt.Errorf("cluster key: %w", err)
	}
	if k, err := base64.StdEncoding.DecodeString(strings.TrimSpace(string(data))); err == nil && validLen(len(k)) {
		return k, nil
	}
	if validLen(len(data)) {
		return data, nil
	}
	return nil, fmt.Errorf("cluster key %s: want 16, 24 or 32 bytes (raw or base64), got %d bytes", path, len(data))
}

func validLen(n int) bool { return n == 16 || n == 24 || n == 32 }
