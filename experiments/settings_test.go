package experiments

import (
	"errors"
	"slices"
	"strconv"
	"testing"

	"pinn/graph"
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
// with nothing given, march with its defaults; on the whole domain,
// scale-input unless given, the grid's points, and Options' defaults.
func TestSettingsResolve(t *testing.T) {
	p, err := problems.Builtin("oscillator") // scales its input
	if err != nil {
		t.Fatal(err)
	}
	var s Settings
	cfg, opts, err := s.Resolve(p)
	if err != nil || opts.Method != graph.March || opts.March.Goal != graph.DefaultGoal || opts.Epochs != 0 || cfg.Hidden != nil {
		t.Errorf("defaults: %v, method %s, goal %g, epochs %d, hidden %v", err, opts.Method, opts.March.Goal, opts.Epochs, cfg.Hidden)
	}
	s.Options.Method = graph.Whole
	cfg, opts, err = s.Resolve(p)
	if err != nil || !cfg.ScaleInput || opts.Points != p.Points || opts.Epochs != 3000 || opts.LearningRate != 0.01 {
		t.Errorf("whole: %v, scale %t, points %d, epochs %d, lr %g", err, cfg.ScaleInput, opts.Points, opts.Epochs, opts.LearningRate)
	}
	s.Options.Method = ""
	st, _ := LookupSetting("scale-input")
	if err := st.set(&s, strconv.FormatBool(false)); err != nil {
		t.Fatal(err)
	}
	if cfg, opts, err := s.Resolve(p); err != nil || cfg.ScaleInput || opts.Method != graph.Whole {
		t.Errorf("scale-input = false given: %v, scale %t, method %s; want whole with the input unscaled", err, cfg.ScaleInput, opts.Method)
	}
	if got := s.Canonical(); got != "scale-input=false\n" {
		t.Errorf("Canonical() = %q", got)
	}
}

// TestSettingsMethod checks how the given settings choose the method: a
// setting only whole-domain training reads (or a value of one only it
// reads) chooses whole, the problem's unknown parameters too (with Adam
// then L-BFGS and hard initial conditions when nothing else is given),
// and a setting the chosen method does not read is refused, naming it.
func TestSettingsMethod(t *testing.T) {
	decay, err := problems.Builtin("decay")
	if err != nil {
		t.Fatal(err)
	}
	inverse, err := problems.New(problems.Definition{Name: "inverse", Vars: []string{"y"}, Order: 1, RHS: []string{"-k*y"},
		Params: map[string]float64{"k": 1}, Unknown: []string{"k"}, T0: 0, T1: 2, Y0: []float64{1}, Points: 11})
	if err != nil {
		t.Fatal(err)
	}
	bratu, err := problems.Builtin("bratu")
	if err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		name     string
		p        *problems.Problem
		given    [][2]string
		method   graph.Method
		by       string
		conflict string // the key a *MethodConflict names, or ""
	}{
		{"nothing", decay, nil, graph.March, "", ""},
		{"network", decay, [][2]string{{"hidden", "8"}, {"activation", "sin"}, {"executor", "tape"}}, graph.March, "", ""},
		{"march's own values", decay, [][2]string{{"ic", "hard"}, {"derivative", "symbolic"}, {"output-activation", "none"}, {"scale-input", "true"}}, graph.March, "", ""},
		{"march settings", decay, [][2]string{{"goal", "1e-8"}, {"corrections", "0"}, {"window-points", "16"}, {"window-iters", "50"}}, graph.March, "", ""},
		{"epochs", decay, [][2]string{{"hidden", "8"}, {"epochs", "10"}}, graph.Whole, "epochs", ""},
		{"soft ic", decay, [][2]string{{"ic", "soft"}}, graph.Whole, "ic", ""},
		{"fd derivative", decay, [][2]string{{"derivative", "fd-central"}}, graph.Whole, "derivative", ""},
		{"tanh output", decay, [][2]string{{"output-activation", "tanh"}}, graph.Whole, "output-activation", ""},
		{"first in the table chooses", decay, [][2]string{{"lr", "0.1"}, {"points", "9"}}, graph.Whole, "points", ""},
		{"fast", decay, [][2]string{{"fast", "true"}}, graph.Whole, "fast", ""},
		{"method whole", decay, [][2]string{{"method", "whole"}}, graph.Whole, "method", ""},
		{"method march", decay, [][2]string{{"method", "march"}, {"goal", "1e-7"}}, graph.March, "method", ""},
		{"march with epochs", decay, [][2]string{{"method", "march"}, {"epochs", "10"}}, graph.March, "method", "epochs"},
		{"march with soft ic", decay, [][2]string{{"method", "march"}, {"ic", "soft"}}, graph.March, "method", "ic"},
		{"fast and march", decay, [][2]string{{"method", "march"}, {"fast", "true"}}, graph.March, "method", "fast"},
		{"goal with epochs", decay, [][2]string{{"epochs", "10"}, {"goal", "1e-8"}}, graph.Whole, "epochs", "goal"},
		{"corrections with fast", decay, [][2]string{{"fast", "true"}, {"corrections", "2"}}, graph.Whole, "fast", "corrections"},
		{"inverse", inverse, nil, graph.Whole, "", ""},
		{"inverse with epochs", inverse, [][2]string{{"epochs", "10"}}, graph.Whole, "epochs", ""},
		{"inverse marched", inverse, [][2]string{{"method", "march"}}, graph.March, "method", "method"},
		{"inverse with goal", inverse, [][2]string{{"goal", "1e-8"}}, graph.Whole, "", "goal"},
		{"boundary", bratu, nil, graph.Whole, "", ""},
		{"boundary with network", bratu, [][2]string{{"hidden", "32"}, {"activation", "sin"}}, graph.Whole, "", ""},
		{"boundary with epochs", bratu, [][2]string{{"epochs", "10"}}, graph.Whole, "epochs", ""},
		{"boundary marched", bratu, [][2]string{{"method", "march"}}, graph.March, "method", "method"},
		{"boundary with goal", bratu, [][2]string{{"goal", "1e-8"}}, graph.Whole, "", "goal"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var s Settings
			for _, kv := range tt.given {
				st, ok := LookupSetting(kv[0])
				if !ok {
					t.Fatalf("no setting %s", kv[0])
				}
				if err := st.set(&s, kv[1]); err != nil {
					t.Fatal(err)
				}
			}
			c, err := s.Method(tt.p)
			var conflict *MethodConflict
			switch {
			case c.Method != tt.method || c.By != tt.by:
				t.Errorf("method %s chosen by %q, want %s by %q", c.Method, c.By, tt.method, tt.by)
			case tt.conflict == "" && err != nil:
				t.Errorf("error %v", err)
			case tt.conflict != "" && (!errors.As(err, &conflict) || conflict.Key != tt.conflict):
				t.Errorf("error %v, want a conflict of %s", err, tt.conflict)
			}
			if _, _, rerr := s.Resolve(tt.p); (rerr != nil) != (err != nil) {
				t.Errorf("Resolve: %v, Method: %v", rerr, err)
			}
		})
	}
}

// TestSettingsResolveMarch checks what a marched run reads: only the
// settings given, the corrections setting as the networks per window, and
// an inverse problem's default recipe.
func TestSettingsResolveMarch(t *testing.T) {
	p, err := problems.Builtin("decay")
	if err != nil {
		t.Fatal(err)
	}
	// The values a command's flags hold whether given or not.
	s := Settings{Config: graph.Config{Architecture: graph.Architecture{Hidden: []int{16, 16}}, IC: graph.SoftIC},
		Options: graph.Options{Epochs: 3000, March: graph.MarchOptions{Goal: 1e-6, Points: 32}}, corrections: 1}
	for _, kv := range [][2]string{{"corrections", "0"}, {"window-points", "20"}, {"activation", "sin"}} {
		st, _ := LookupSetting(kv[0])
		if err := st.set(&s, kv[1]); err != nil {
			t.Fatal(err)
		}
	}
	cfg, opts, err := s.Resolve(p)
	want := graph.MarchOptions{Networks: 1, Points: 20}
	want2 := graph.Options{Method: graph.March, March: want}.WithDefaults(p)
	if err != nil || cfg.Hidden != nil || cfg.IC != "" || cfg.Activation != graph.Sin || opts.Epochs != 0 || opts.March != want2.March {
		t.Errorf("%v: config %+v, march %+v; want no hidden widths or ic, sin, march %+v", err, cfg, opts.March, want2.March)
	}
	inverse, err := problems.New(problems.Definition{Name: "inverse", Vars: []string{"y"}, Order: 1, RHS: []string{"-k*y"},
		Params: map[string]float64{"k": 1}, Unknown: []string{"k"}, T0: 0, T1: 2, Y0: []float64{1}, Points: 11})
	if err != nil {
		t.Fatal(err)
	}
	var none Settings
	if cfg, opts, err := none.Resolve(inverse); err != nil || opts.Method != graph.Whole || opts.Optimizer != graph.AdamThenLBFGS || cfg.IC != graph.HardIC {
		t.Errorf("inverse: %v, %s, %s, %s; want whole, adam+lbfgs, hard", err, opts.Method, opts.Optimizer, cfg.IC)
	}
	st, _ := LookupSetting("epochs")
	if err := st.set(&none, "100"); err != nil {
		t.Fatal(err)
	}
	if cfg, opts, err := none.Resolve(inverse); err != nil || opts.Optimizer != graph.Adam || cfg.IC == graph.HardIC {
		t.Errorf("inverse with epochs: %v, %s, %s; want the old defaults, adam and soft", err, opts.Optimizer, cfg.IC)
	}
}
