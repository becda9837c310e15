// Command pacerd is the Pacer cluster daemon.
package main

import (
	"os"
	"runtime/debug"

	"pacer/daemon"
	"pacer/daemon/agenttools"
)

func main() {
	// Linked as crm_attribute, attrd_updater or crm_node, pacerd is that
	// tool for the resource agents it runs.
	if agenttools.Is(os.Args[0]) {
		os.Exit(agenttools.Run(os.Args[0], os.Args[1:], os.Stdout, os.Stderr))
	}
	// The Go runtime lets the heap grow to twice what is live before it
	// collects; after a burst of large requests that is hundreds of MB of
	// garbage on a node whose live state is tens of MB. A soft limit makes
	// the collector work harder near it instead (GOMEMLIMIT overrides).
	if os.Getenv("GOMEMLIMIT") == "" {
		debug.SetMemoryLimit(softMemoryLimit)
	}
	os.Exit(daemon.Main(os.Args[1:]))
}

const softMemoryLimit = 192 << 20
