package experiments

import (
	"slices"
	"strconv"
	"testing"

	"pinn/problems"
)

// TestSettingTable checks each setting: a unique key, a default that reads
// and passes its own check, and a value that Text writes and set reads back.
func TestSettingTable(t *testing.T) {
	seen := map[string]bool{}
	for i, st := range settingTable {
		if seen[st.Key] || st.index != i || st.Usage == "" {
			t.Errorf("%s: repeated, index %d or no usage", st.Key, st.index)
		}
		seen[st.Key] = true
		if (st.Default == "") == (st.DefaultNote == "") && st.Kind != BoolSetting {
			t.Errorf("%s: default %q and note %q: want one of them", st.Key, st.Default, st.DefaultNote)
		}
		var s Settings
		if st.Default != "" {
			if err := st.set(&s, st.Default); err != nil {
				t.Errorf("%s: default %q: %v", st.Key, st.Default, err)
			}
			if got := st.Text(&s); got != st.Default {
				t.Errorf("%s: default %q reads back as %q", st.Key, st.Default, got)
			}
			if !s.Given(st.Key) {
				t.Errorf("%s: not marked given", st.Key)
			}
		}
		var pointers int
		for _, p := range []bool{st.Int(&s) != nil, st.Float(&s) != nil, st.Bool(&s) != nil, st.parse != nil} {
			if p {
				pointers++
			}
		}
		if pointers != 1 {
			t.Errorf("%s: %d kinds of value", st.Key, pointers)
		}
	}
	if slices.Contains(SettingKeys(), "sum-residual") || len(SettingKeys()) != len(settingTable)-1 {
		t.Errorf("SettingKeys() = %v", SettingKeys())
	}
	if _, ok := LookupSetting("sum-residual"); ok {
		t.Error("LookupSetting finds a built-in-only setting")
	}
}

// TestSettingsResolve checks the defaults a run takes from its problem:
// scale-input unless given, the grid's points, and Options' defaults.
func TestSettingsResolve(t *testing.T) {
	p, err := problems.Builtin("oscillator") // scales its input
	if err != nil {
		t.Fatal(err)
	}
	var s Settings
	cfg, opts := s.Resolve(p)
	if !cfg.ScaleInput || opts.Points != p.Points || opts.Epochs != 3000 || opts.LearningRate != 0.01 {
		t.Errorf("defaults: scale %t, points %d, epochs %d, lr %g", cfg.ScaleInput, opts.Points, opts.Epochs, opts.LearningRate)
	}
	st, _ := LookupSetting("scale-input")
	if err := st.set(&s, strconv.FormatBool(false)); err != nil {
		t.Fatal(err)
	}
	if cfg, _ := s.Resolve(p); cfg.ScaleInput {
		t.Error("scale-input = false given, but the problem's on")
	}
	if got := s.Canonical(); got != "scale-input=false\n" {
		t.Errorf("Canonical() = %q", got)
	}
}
