package tui

import (
	"strings"
	"testing"

	tea "charm.land/bubbletea/v2"
	"github.com/charmbracelet/x/ansi"

	cv "pacer/share/clusterview"
	"pacer/share/clusterview/clusterviewtest"
)

// fuzzKeys maps input bytes to the keys the monitor knows (and some it
// does not), so the fuzzer explores prompts, the picker, the filter, help
// and every pane.
var fuzzKeys = []tea.KeyPressMsg{
	{Code: tea.KeyTab}, {Code: tea.KeyTab, Mod: tea.ModShift}, {Code: tea.KeyEnter}, {Code: tea.KeyEscape},
	{Code: tea.KeyUp}, {Code: tea.KeyDown}, {Code: tea.KeyPgUp}, {Code: tea.KeyPgDown},
	{Code: tea.KeyHome}, {Code: tea.KeyEnd}, {Code: tea.KeyBackspace}, {Code: 'u', Mod: tea.ModCtrl},
	{Code: 'w', Mod: tea.ModCtrl}, {Code: tea.KeySpace, Text: " "},
}

const fuzzRunes = "jkgG/?asoxcmuynNe123456 wxyz"

// Any key sequence, any size, any event: no panic, and the screen always
// has exactly the terminal's height in lines, none wider than its width.
func FuzzModelKeys(f *testing.F) {
	f.Add([]byte("\x00\x05m\x01y"), uint8(80), uint8(24))
	f.Add([]byte("/node\x03\x02s\x11y"), uint8(40), uint8(8))
	f.Add([]byte("?q"), uint8(20), uint8(6))
	f.Fuzz(func(t *testing.T, input []byte, w, h uint8) {
		width, height := max(int(w), 20), max(int(h), 6)
		m, src, _ := newTestModel(t, nil)
		m.Update(windowSize(width, height))
		for i, b := range input {
			var msg tea.Msg
			switch {
			case b < 40:
				msg = fuzzKeys[int(b)%len(fuzzKeys)]
			case b < 200:
				r := fuzzRunes[int(b)%len(fuzzRunes)]
				if r == 'q' {
					continue
				}
				msg = runeKey(rune(r))
			case b < 230:
				msg = eventMsg{gen: m.gen, ev: cv.Event{Seq: uint64(1000 + i), Kind: cv.EventActionFinished, Resource: "ip", Op: "start", Node: "node1"}}
			case b < 245:
				s := clusterviewtest.Large(int(b%7)+1, int(b%40)+1)
				msg = snapshotMsg{gen: m.gen, snap: s}
			default:
				msg = streamEndedMsg{gen: m.gen}
			}
			m.Update(msg)
			m.fetching = false // the fuzzer plays the fetches itself
		}
		_ = src
		lines := strings.Split(m.Screen(), "\n")
		if len(lines) != height {
			t.Fatalf("%dx%d: %d lines", width, height, len(lines))
		}
		for i, l := range lines {
			if lw := ansi.StringWidth(l); lw > width {
				t.Fatalf("%dx%d: line %d is %d wide: %q", width, height, i, lw, l)
			}
		}
	})
}
