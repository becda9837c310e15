// Package daemon is pacerd: membership, quorum, DC election, the replicated
// CIB, the controller and the socket API.
package daemon

import (
	"fmt"
	"os"

	"pacer/share/version"
)

// Main runs pacerd with its command-line arguments and returns the exit code.
func Main(args []string) int {
	for _, a := range args {
		if a == "--version" || a == "-V" {
			fmt.Println(version.String("pacerd"))
			return 0
		}
	}
	fmt.Fprintln(os.Stderr, "pacerd: the daemon is not implemented yet")
	return 1
}
