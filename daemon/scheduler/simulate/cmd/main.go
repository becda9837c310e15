// Command simulate is a development entry point for `pacer simulate`.
package main

import (
	"os"

	"pacer/daemon/scheduler/simulate"
)

func main() { os.Exit(simulate.Main(os.Args[1:], os.Stdout, os.Stderr)) }
