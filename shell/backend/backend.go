// Package backend is where the shell reads and writes the CIB: a file
// (CIB_file, shadow CIBs) or the running cluster through the daemon's
// client. Commands are written against the Backend interface only, so every
// command works the same on a file and on a cluster.
package backend

import (
	"context"
	"errors"
	"fmt"

	"pacer/share/cib"
	"pacer/share/xmltree"
)

// Version is the CIB's (admin_epoch, epoch, num_updates).
type Version = cib.Version

// AttrScope says where a node attribute lives.
type AttrScope int

const (
	// Permanent attributes are in the configuration (nodes section).
	Permanent AttrScope = iota
	// Transient attributes are in the status section and vanish on reboot.
	Transient
)

// Backend is a CIB the shell works on.
type Backend interface {
	// Name is what the prompt shows: "live", a shadow's name, a file name.
	Name() string
	// CIB returns the whole current CIB (configuration and status).
	CIB(ctx context.Context) (*xmltree.Document, error)
	// ReplaceConfiguration installs cfg (a <configuration> element) if the
	// CIB is still at base (a zero base writes unconditionally). Either all
	// of it is stored or nothing is.
	ReplaceConfiguration(ctx context.Context, cfg *xmltree.Element, base Version) error
	// SetNodeAttr sets (value != nil) or deletes (value == nil) a node attribute.
	SetNodeAttr(ctx context.Context, node, name string, value *string, scope AttrScope) error
	// Cleanup forgets the operation history and fail counts of rsc ("" = all)
	// on node ("" = all) so the cluster re-probes it.
	Cleanup(ctx context.Context, rsc, node string) error
	// ClearNodeState records node as cleanly down, forgetting its history
	// (crm node clearstate).
	ClearNodeState(ctx context.Context, node string) error
	// ForgetNode removes what the status section knows about a node that
	// was deleted from the configuration.
	ForgetNode(ctx context.Context, node string) error
	Close() error
}

// ErrStale is returned when the CIB changed since the version a change was
// based on.
var ErrStale = errors.New("the CIB changed since it was read")

// StaleError tells which versions disagreed.
type StaleError struct {
	Base, Current Version
}

func (e *StaleError) Error() string {
	return fmt.Sprintf("%v (read at %s, now %s); reload and retry", ErrStale, e.Base, e.Current)
}

func (e *StaleError) Unwrap() error { return ErrStale }
