// Package shell is pacer, the crm-like shell.
package shell

import (
	"fmt"
	"os"

	"pacer/share/version"
)

// Main runs the shell with its command-line arguments and returns the exit code.
func Main(args []string) int {
	for _, a := range args {
		if a == "--version" || a == "-V" {
			fmt.Println(version.String("pacer"))
			return 0
		}
	}
	fmt.Fprintln(os.Stderr, "pacer: not implemented yet")
	return 1
}
