package backend

import (
	"context"
	"fmt"

	"pacer/share/client"
	"pacer/share/clusterview"
	"pacer/share/protocol"
	"pacer/share/xmltree"
)

// Daemon is the running cluster, reached through pacerd's socket.
type Daemon struct {
	C *client.Client
	// Force applies configuration changes even without quorum.
	Force bool
}

// DialDaemon connects to pacerd at path ("" = $PACER_SOCKET or the default).
func DialDaemon(path string) (*Daemon, error) {
	c, err := client.Dial(path)
	if err != nil {
		return nil, fmt.Errorf("%w; or set CIB_file=FILE to work on a file", err)
	}
	c.Name = "pacer"
	return &Daemon{C: c}, nil
}

func (d *Daemon) Name() string { return "live" }

func (d *Daemon) Close() error { return d.C.Close() }

func (d *Daemon) CIB(ctx context.Context) (*xmltree.Document, error) { return d.C.GetCIB(ctx) }

func (d *Daemon) ReplaceConfiguration(ctx context.Context, cfg *xmltree.Element, base Version) error {
	_, err := d.C.ReplaceConfigurationOpts(ctx, cfg, base, d.Force)
	return err
}

func (d *Daemon) SetNodeAttr(ctx context.Context, node, name string, value *string, scope AttrScope) error {
	lifetime := protocol.LifetimeForever
	if scope == Transient {
		lifetime = protocol.LifetimeReboot
	}
	var err error
	if value == nil {
		_, err = d.C.DeleteNodeAttr(ctx, node, name, lifetime)
	} else {
		_, err = d.C.SetNodeAttr(ctx, node, name, *value, lifetime)
	}
	return err
}

func (d *Daemon) Cleanup(ctx context.Context, rsc, node string) error {
	_, err := d.C.Cleanup(ctx, rsc, node)
	return err
}

func (d *Daemon) ClearNodeState(ctx context.Context, node string) error {
	// The daemon owns the status section: what an admin can tell it is
	// that the node is down (a manual fencing confirmation); the DC then
	// records it fenced and forgets what ran there.
	_, err := d.C.ConfirmFenced(ctx, node)
	return err
}

// Status is the daemon's own snapshot.
func (d *Daemon) Status(ctx context.Context) (*clusterview.Snapshot, error) { return d.C.Status(ctx) }

// ForgetNode: the daemon drops a deleted node's status itself; what the
// shell can do is forget its resource history.
func (d *Daemon) ForgetNode(ctx context.Context, node string) error {
	_, err := d.C.Cleanup(ctx, "", node)
	return err
}

// Configuration fetches only the configuration section: what configure
// show needs, without the status section that dominates a large CIB.
func (d *Daemon) Configuration(ctx context.Context) (*xmltree.Element, error) {
	doc, err := d.C.GetSection(ctx, "configuration")
	if err != nil {
		return nil, err
	}
	if doc.Root == nil || doc.Root.Name != "configuration" {
		return nil, fmt.Errorf("pacerd sent no <configuration>")
	}
	return doc.Root, nil
}
