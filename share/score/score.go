// Package score implements Pacemaker's placement scores: integers clipped to
// the range -1000000..1000000 where the ends mean "never" and "always".
//
// The arithmetic is deliberately not plain integer arithmetic. Pacemaker
// Explained gives two rules, and configurations everywhere depend on them:
//
//	any value (including INFINITY) - INFINITY = -INFINITY
//	INFINITY + any value other than -INFINITY = INFINITY
//
// so a ban (-INFINITY) always beats a mandatory placement (+INFINITY), and
// finite sums saturate instead of overflowing.
package score

import (
	"errors"
	"fmt"
	"strconv"
	"strings"
)

// Score is a Pacemaker score. Values outside [MinusInfinity, Infinity] are
// never produced by this package.
type Score int64

const (
	// Infinity is Pacemaker's INFINITY (and +INFINITY).
	Infinity Score = 1000000
	// MinusInfinity is Pacemaker's -INFINITY.
	MinusInfinity Score = -Infinity
)

// ErrSyntax is wrapped by Parse errors for text that is not a score.
var ErrSyntax = errors.New("not a score")

// Clip brings an arbitrary integer into the score range.
func Clip(v int64) Score {
	switch {
	case v >= int64(Infinity):
		return Infinity
	case v <= int64(MinusInfinity):
		return MinusInfinity
	}
	return Score(v)
}

// Parse reads a score: INFINITY, +INFINITY, -INFINITY or a decimal integer
// with an optional sign. The keywords are upper case only: Pacemaker's
// schema rejects "infinity" and its scheduler reads it as 0. Integers beyond
// +/-1000000 are clipped, as Pacemaker clips them; integers too large even
// for 64 bits are an error (Pacemaker silently uses 0 for them).
//
// The node-health aliases red, yellow and green are not scores by
// themselves: their values are cluster options (node-health-red, ...), so
// callers resolve them with ParseHealth.
func Parse(s string) (Score, error) {
	t := strings.TrimSpace(s)
	switch t {
	case "INFINITY", "+INFINITY":
		return Infinity, nil
	case "-INFINITY":
		return MinusInfinity, nil
	case "":
		return 0, fmt.Errorf("score %q: empty: %w", s, ErrSyntax)
	}
	v, err := strconv.ParseInt(t, 10, 64)
	if err != nil {
		var ne *strconv.NumError
		if errors.As(err, &ne) && ne.Err == strconv.ErrRange {
			return 0, fmt.Errorf("score %q: integer out of range: %w", s, ErrSyntax)
		}
		return 0, fmt.Errorf("score %q: want INFINITY, +INFINITY, -INFINITY or an integer: %w", s, ErrSyntax)
	}
	return Clip(v), nil
}

// Health holds the values the node-health aliases stand for, taken from the
// cluster options node-health-red, node-health-yellow and node-health-green.
type Health struct {
	Red, Yellow, Green Score
}

// DefaultHealth is what the aliases mean with node-health-strategy "none"
// (Pacemaker's default): all three are 0, whatever node-health-red and
// friends say. Package options derives the values for the other strategies.
var DefaultHealth = Health{}

// ParseHealth is Parse that also accepts red, yellow and green
// (case-insensitively), resolved through h.
func ParseHealth(s string, h Health) (Score, error) {
	switch strings.ToLower(strings.TrimSpace(s)) {
	case "red":
		return h.Red, nil
	case "yellow":
		return h.Yellow, nil
	case "green":
		return h.Green, nil
	}
	return Parse(s)
}

// Lenient reads a score the forgiving way Pacemaker's scheduler does when a
// configuration holds a malformed one: leading digits are used and trailing
// junk ignored ("10abc" is 10), and text with no number at all counts as 0.
// Integers too large for 64 bits also count as 0, as in Pacemaker 2.1.
// The error is non-nil whenever the text was not a clean score, so callers
// can warn while still computing what Pacemaker would.
func Lenient(s string) (Score, error) {
	sc, err := Parse(s)
	if err == nil {
		return sc, nil
	}
	t := strings.TrimLeft(s, " \t\n\r\v\f")
	end := 0
	if end < len(t) && (t[end] == '+' || t[end] == '-') {
		end++
	}
	digits := end
	for end < len(t) && t[end] >= '0' && t[end] <= '9' {
		end++
	}
	if end == digits {
		return 0, err
	}
	v, perr := Parse(t[:end])
	if perr != nil {
		return 0, err
	}
	return v, err
}

// Add sums two scores with Pacemaker's saturation: -INFINITY absorbs
// everything (even +INFINITY), then +INFINITY absorbs everything else, and
// finite sums are clipped to the range.
func Add(a, b Score) Score {
	if a <= MinusInfinity || b <= MinusInfinity {
		return MinusInfinity
	}
	if a >= Infinity || b >= Infinity {
		return Infinity
	}
	return Clip(int64(a) + int64(b))
}

// Sub is a - b with the same rules: subtracting INFINITY always gives
// -INFINITY, including INFINITY - INFINITY.
func Sub(a, b Score) Score {
	return Add(a, Neg(b))
}

// Neg flips the sign; -(+INFINITY) is -INFINITY and back.
func Neg(a Score) Score { return Clip(-int64(a)) }

// Sum adds any number of scores left to right.
func Sum(scores ...Score) Score {
	var t Score
	for _, s := range scores {
		t = Add(t, s)
	}
	return t
}

// IsInfinite reports whether s is +INFINITY or -INFINITY.
func (s Score) IsInfinite() bool { return s >= Infinity || s <= MinusInfinity }

// String prints the score as Pacemaker's tools do: INFINITY, -INFINITY or a
// plain integer (no plus sign).
func (s Score) String() string {
	switch {
	case s >= Infinity:
		return "INFINITY"
	case s <= MinusInfinity:
		return "-INFINITY"
	}
	return strconv.FormatInt(int64(s), 10)
}

// MarshalText writes the score as String does, so scores round-trip
// through encoding/json and similar as Pacemaker text.
func (s Score) MarshalText() ([]byte, error) { return []byte(s.String()), nil }

// UnmarshalText reads a score with Parse.
func (s *Score) UnmarshalText(b []byte) error {
	v, err := Parse(string(b))
	if err != nil {
		return err
	}
	*s = v
	return nil
}
