// Command pacer is the crm-like shell of Pacer.
package main

import (
	"os"

	"pacer/shell"
)

func main() { os.Exit(shell.Main(os.Args[1:])) }
