package lrm

import "fmt"

// OCF result codes, as agents return them and as the CIB records them in
// lrm_rsc_op's rc-code. 190 and 191 are the OCF 1.1 "degraded" codes.
const (
	OCFSuccess          = 0
	OCFErrGeneric       = 1
	OCFErrArgs          = 2
	OCFErrUnimplemented = 3
	OCFErrPerm          = 4
	OCFErrInstalled     = 5
	OCFErrConfigured    = 6
	OCFNotRunning       = 7
	OCFRunningPromoted  = 8
	OCFFailedPromoted   = 9
	OCFDegraded         = 190
	OCFDegradedPromoted = 191
	// RCPending is what Pacemaker writes as rc-code of an operation still in
	// flight (op-status -1).
	RCPending = 193
)

// RCString gives Pacemaker's wording for an OCF result code, the text
// crm_mon shows next to a failed action (checked against crm_mon 2.1.5).
func RCString(rc int) string {
	switch rc {
	case OCFSuccess:
		return "ok"
	case OCFErrGeneric:
		return "error"
	case OCFErrArgs:
		return "invalid parameter"
	case OCFErrUnimplemented:
		return "unimplemented feature"
	case OCFErrPerm:
		return "insufficient privileges"
	case OCFErrInstalled:
		return "not installed"
	case OCFErrConfigured:
		return "not configured"
	case OCFNotRunning:
		return "not running"
	case OCFRunningPromoted:
		return "promoted"
	case OCFFailedPromoted:
		return "promoted (failed)"
	case OCFDegraded:
		return "OCF_DEGRADED"
	case OCFDegradedPromoted:
		return "promoted (degraded)"
	case RCPending:
		return "pending"
	}
	return fmt.Sprintf("unknown (%d)", rc)
}

// ExecStatus is the execution status of an operation: the CIB's op-status.
// The numbering is Pacemaker's, since status sections written by either
// must mean the same thing; String is crm_mon's wording ("could not be
// executed (Timed Out)").
type ExecStatus int

const (
	StatusPending       ExecStatus = -1
	StatusDone          ExecStatus = 0 // the agent ran; its rc says how it went
	StatusCancelled     ExecStatus = 1
	StatusTimeout       ExecStatus = 2
	StatusNotSupported  ExecStatus = 3
	StatusError         ExecStatus = 4 // could not be executed (or agent garbage)
	StatusErrorHard     ExecStatus = 5
	StatusErrorFatal    ExecStatus = 6
	StatusNotInstalled  ExecStatus = 7
	StatusNotConnected  ExecStatus = 8
	StatusInvalid       ExecStatus = 9
	StatusNoFenceDevice ExecStatus = 10
	StatusNoSecrets     ExecStatus = 11
)

func (s ExecStatus) String() string {
	switch s {
	case StatusPending:
		return "pending"
	case StatusDone:
		return "complete"
	case StatusCancelled:
		return "Cancelled"
	case StatusTimeout:
		return "Timed Out"
	case StatusNotSupported:
		return "NOT SUPPORTED"
	case StatusError:
		return "Error"
	case StatusErrorHard:
		return "Hard error"
	case StatusErrorFatal:
		return "Fatal error"
	case StatusNotInstalled:
		return "Not installed"
	case StatusNotConnected:
		return "Internal communication failure"
	case StatusInvalid:
		return "Cannot execute now"
	case StatusNoFenceDevice:
		return "No fence device"
	case StatusNoSecrets:
		return "CIB secrets unavailable"
	}
	return fmt.Sprintf("status %d", int(s))
}

// LSB status-action codes Pacemaker gives a meaning beyond 0-4 (from the
// LSB's range reserved for applications).
const (
	lsbStatusNotInstalled = 150
	lsbStatusPerm         = 151
)

// lsbToOCF maps an LSB init script's exit code to an OCF code the way
// Pacemaker does: non-status actions share codes 0-7 with OCF; the status
// action has its own table (1-3 all mean "not running").
func lsbToOCF(action string, code int) int {
	if action != "status" && action != "monitor" {
		if code < 0 || code > OCFNotRunning {
			return OCFErrGeneric
		}
		return code
	}
	switch code {
	case 0:
		return OCFSuccess
	case 1, 2, 3:
		return OCFNotRunning
	case lsbStatusNotInstalled:
		return OCFErrInstalled
	case lsbStatusPerm:
		return OCFErrPerm
	}
	return OCFErrGeneric
}
