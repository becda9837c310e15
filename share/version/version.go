// Package version holds the build's version string, set by the Makefile
// through -ldflags so that both binaries report the same thing.
package version

// Version is overwritten at link time (-X pacer/share/version.Version=...).
var Version = "dev"

// PacemakerCompat is the Pacemaker feature set whose CIB and option names Pacer follows.
const PacemakerCompat = "3.0"

// String is what --version prints.
func String(prog string) string {
	return prog + " " + Version + " (Pacemaker " + PacemakerCompat + " compatible)"
}
