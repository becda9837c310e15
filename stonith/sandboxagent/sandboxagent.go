// Package sandboxagent carries fence_pacer_sandbox, the fence agent of a
// Pacer sandbox: a real fence agent (key=value on stdin, exit codes of the
// fence-agent API) that powers a sandbox node off through
// `pacerd sandbox fence NODE --dir DIR`. With it, a sandbox fences through
// the same path as a real cluster: a stonith: primitive in the CIB, run by
// the fencer.
//
// The sandbox installs it with Install(dir) and puts dir on the nodes'
// PACER_FENCE_PATH, then configures, for example:
//
//	primitive fencing stonith:fence_pacer_sandbox \
//	    params sandbox_dir=DIR pacerd=/path/to/pacerd pcmk_host_check=dynamic-list
package sandboxagent

import (
	_ "embed"
	"fmt"
	"os"
	"path/filepath"

	"pacer/share/xmltree"
)

// Name is the agent's name.
const Name = "fence_pacer_sandbox"

//go:embed fence_pacer_sandbox
var script []byte

// Script is the agent's source.
func Script() []byte { return append([]byte(nil), script...) }

// Install writes the agent into dir (created if needed) as an executable
// and returns its path. It replaces an older copy atomically.
func Install(dir string) (string, error) {
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return "", fmt.Errorf("install %s: %w", Name, err)
	}
	path := filepath.Join(dir, Name)
	tmp, err := os.CreateTemp(dir, "."+Name+"*")
	if err != nil {
		return "", fmt.Errorf("install %s: %w", Name, err)
	}
	defer os.Remove(tmp.Name())
	if _, err := tmp.Write(script); err != nil {
		tmp.Close()
		return "", fmt.Errorf("install %s: %w", Name, err)
	}
	if err := tmp.Chmod(0o755); err != nil {
		tmp.Close()
		return "", fmt.Errorf("install %s: %w", Name, err)
	}
	if err := tmp.Close(); err != nil {
		return "", fmt.Errorf("install %s: %w", Name, err)
	}
	if err := os.Rename(tmp.Name(), path); err != nil {
		return "", fmt.Errorf("install %s: %w", Name, err)
	}
	return path, nil
}

// DeviceID is the id Primitive gives the sandbox's device.
const DeviceID = "pacer-sandbox-fencing"

// Primitive is the stonith primitive of a sandbox's fencing device: the
// agent asked for its list of nodes, run with the given pacerd binary. A
// daemon in sandbox mode can hand it to the fencer as an implicit device
// (daemon/fencer Config.Implicit) or write it into the CIB.
func Primitive(sandboxDir, pacerd string) *xmltree.Element {
	p := xmltree.New("primitive", "id", DeviceID, "class", "stonith", "type", Name)
	ia := p.Append(xmltree.New("instance_attributes", "id", DeviceID+"-params"))
	for _, kv := range [][2]string{{"sandbox_dir", sandboxDir}, {"pacerd", pacerd}, {"pcmk_host_check", "dynamic-list"}} {
		ia.Append(xmltree.New("nvpair", "id", DeviceID+"-"+kv[0], "name", kv[0], "value", kv[1]))
	}
	return p
}
