// Package crmmoncompat holds only a test: the whole status path, the
// scheduler's View (CIB -> clusterview.Snapshot) followed by
// clusterview.FormatText, held against crm_mon -1 -r on Pacemaker's
// scheduler regression cases. It lives apart from clusterview so that the
// snapshot type's own tests never depend on the scheduler.
package crmmoncompat
