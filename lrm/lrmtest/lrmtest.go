// Package lrmtest locates the lrm package's test agents for other packages'
// tests (the daemon's and stonith's), so they need not hard-code paths:
//
//   - FenceAgent: fence_pacer_test, a proper fence agent (stdin key=value or
//     --options; actions on off reboot status monitor list list-status
//     validate-all metadata). Parameters: plug (or port/nodename),
//     state_dir (required: each plug's power state is the file
//     state_dir/PLUG holding on/off, default on; every power action is
//     appended to state_dir/log as "off PLUG"), hostlist (comma-separated
//     plugs for list), delay (seconds before acting).
//   - OCFRoot: an OCF root with provider "pacertest": Env (prints its OCF
//     environment; params fail, sleep, must), Hang (never finishes start
//     or monitor; param pidfile), True (exit 0), Garbage, Huge, Leaky.
//   - LSBDir: pacer-test-daemon, an init script whose pid file lives in
//     $PACER_TEST_STATE.
package lrmtest

import (
	"path/filepath"
	"runtime"
)

func testdata(p ...string) string {
	_, file, _, ok := runtime.Caller(0)
	if !ok {
		panic("lrmtest: cannot locate source directory")
	}
	return filepath.Join(append([]string{filepath.Dir(file), "..", "testdata"}, p...)...)
}

// FenceDir is the directory holding fence_pacer_test (for
// lrm.Config.FenceDirs or PACER_FENCE_PATH).
func FenceDir() string { return testdata("fence") }

// FenceAgent is the path of fence_pacer_test.
func FenceAgent() string { return testdata("fence", "fence_pacer_test") }

// OCFRoot is an OCF root whose resource.d/pacertest holds the test agents.
func OCFRoot() string { return testdata("ocf") }

// LSBDir holds the pacer-test-daemon init script.
func LSBDir() string { return testdata("init.d") }
