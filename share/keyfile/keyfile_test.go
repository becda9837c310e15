package keyfile

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

func TestGenerateLoad(t *testing.T) {
	p := filepath.Join(t.TempDir(), "etc", "authkey")
	if err := Generate(p, false); err != nil {
		t.Fatal(err)
	}
	st, _ := os.Stat(p)
	if st.Mode().Perm() != 0o400 {
		t.Errorf("mode %v, want 0400", st.Mode().Perm())
	}
	k, err := Load(p)
	if err != nil || len(k) != Size {
		t.Fatalf("%d bytes, %v", len(k), err)
	}
	if err := Generate(p, false); err == nil {
		t.Fatal("overwrote an existing key")
	}
	if err := Generate(p, true); err != nil {
		t.Fatal(err)
	}
	k2, _ := Load(p)
	if string(k2) == string(k) {
		t.Fatal("same key twice")
	}
}

func TestBadKeysRefused(t *testing.T) {
	p := filepath.Join(t.TempDir(), "k")
	os.WriteFile(p, []byte("short"), 0o400)
	if _, err := Load(p); err == nil || !strings.Contains(err.Error(), "16, 24 or 32") {
		t.Fatalf("%v", err)
	}
	raw := make([]byte, 24)
	os.WriteFile(p, raw, 0o400)
	if k, err := Load(p); err != nil || len(k) != 24 {
		t.Fatalf("raw 24-byte key: %v", err)
	}
}
