// Command cibgen writes a generated benchmark CIB to stdout:
// cibgen -nodes 32 -resources 4000 > big.xml
package main

import (
	"flag"
	"fmt"
	"os"

	"pacer/share/cib/cibgen"
	"pacer/share/xmltree"
)

func main() {
	o := cibgen.Defaults(16, 1000)
	flag.IntVar(&o.Nodes, "nodes", o.Nodes, "number of nodes")
	flag.IntVar(&o.Resources, "resources", o.Resources, "number of primitives in groups of three")
	flag.IntVar(&o.Clones, "clones", o.Clones, "number of anonymous clones")
	flag.BoolVar(&o.FailedNode, "failed-node", o.FailedNode, "record the last node as lost with its resources running")
	flag.Parse()
	if err := cibgen.Generate(o).Write(os.Stdout, xmltree.Pretty); err != nil {
		fmt.Fprintln(os.Stderr, "cibgen:", err)
		os.Exit(1)
	}
}
