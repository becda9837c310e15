// Command pacerd is the Pacer cluster daemon.
package main

import (
	"os"

	"pacer/daemon"
	"pacer/daemon/agenttools"
)

func main() {
	// Linked as crm_attribute, attrd_updater or crm_node, pacerd is that
	// tool for the resource agents it runs.
	if agenttools.Is(os.Args[0]) {
		os.Exit(agenttools.Run(os.Args[0], os.Args[1:], os.Stdout, os.Stderr))
	}
	os.Exit(daemon.Main(os.Args[1:]))
}
