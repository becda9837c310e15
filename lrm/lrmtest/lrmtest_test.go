package lrmtest

import (
	"os"
	"path/filepath"
	"testing"
)

func TestPathsExist(t *testing.T) {
	for _, p := range []string{FenceAgent(), filepath.Join(OCFRoot(), "resource.d", "pacertest", "Env"), filepath.Join(LSBDir(), "pacer-test-daemon")} {
		fi, err := os.Stat(p)
		if err != nil || fi.Mode()&0o111 == 0 {
			t.Errorf("%s: %v (mode %v)", p, err, fi)
		}
	}
}
