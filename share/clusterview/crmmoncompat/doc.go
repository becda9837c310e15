// Package crmmoncompat holds only tests and benchmarks of the whole status
// path: the scheduler's View (CIB -> clusterview.Snapshot) followed by
// clusterview.FormatText, held against crm_mon -1 -r on Pacemaker's
// scheduler regression cases, and timed (with a `pacer mon` redraw) on a
// generated 32-node, 1000-resource CIB. It lives apart from clusterview so
// that the snapshot type's own tests never depend on the scheduler.
package crmmoncompat
