// Command pacerd is the Pacer cluster daemon.
package main

import (
	"os"

	"pacer/daemon"
)

func main() {
	// Linked as crm_attribute or crm_node, pacerd is that tool for the
	// resource agents it runs.
	if daemon.IsAgentTool(os.Args[0]) {
		os.Exit(daemon.AgentTool(os.Args[0], os.Args[1:], os.Stdout, os.Stderr))
	}
	os.Exit(daemon.Main(os.Args[1:]))
}
