// Command pacerd is the Pacer cluster daemon.
package main

import (
	"os"

	"pacer/daemon"
)

func main() { os.Exit(daemon.Main(os.Args[1:])) }
