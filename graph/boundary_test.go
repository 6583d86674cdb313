package graph

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"math"
	"slices"
	"strings"
	"testing"

	"pinn/problems"
)

// TestTrialSolutionsMeetConditions builds hard trial solutions around a
// random network for each kind of plan and checks which conditions they
// meet: those must hold to rounding whatever the weights (1e-12: the
// values are at most 4 and come from a handful of operations, each
// rounding by 1.1e-16 relative), and the others, left to the loss, must
// not (a random network misses them by far more than 1e-6).
func TestTrialSolutionsMeetConditions(t *testing.T) {
	cases := []struct {
		def  problems.Definition
		hard []string
	}{
		{mustBuiltin(t, "bratu").Definition, []string{"y(0) = 0", "y(1) = 0"}},
		{mustBuiltin(t, "robin").Definition, []string{"y(0) = 1"}},
		// Value and slope at t1: a terminal-value problem.
		{problems.Definition{Name: "terminal", Vars: []string{"y"}, Order: 2, RHS: []string{"-y"},
			T0: 0.5, T1: 2, BC: []string{"y(2) = 3", "dy(2) = -1"}, Points: 5}, []string{"y(2) = 3", "dy(2) = -1"}},
		// A first-order system with a value at each end, one set by a
		// known parameter, and an unknown parameter left to the loss.
		{problems.Definition{Name: "ends", Vars: []string{"x", "y", "z"}, Order: 1, RHS: []string{"y", "-x", "z"},
			Params: map[string]float64{"k": 1.5, "a": 2}, Unknown: []string{"a"},
			T0: -1, T1: 1, BC: []string{"x(-1) = 2*k", "y(1) = -0.5", "z(1) = a"}, Points: 5}, []string{"x(-1) = 2*k", "y(1) = -0.5"}},
		// Slopes only, and a condition that ties values together.
		{problems.Definition{Name: "neumann", Vars: []string{"y"}, Order: 2, RHS: []string{"1 - y"},
			T0: 0, T1: 1, BC: []string{"dy(0) = 1", "dy(1) = 0"}, Points: 5}, nil},
		{problems.Definition{Name: "tied", Vars: []string{"y"}, Order: 2, RHS: []string{"-y"},
			T0: 0, T1: 1, BC: []string{"y(0) + dy(0) = 1", "y(1) = 4"}, Points: 5}, []string{"y(1) = 4"}},
		// An interior point, and the initial-value problem of Y0 and DY0.
		{problems.Definition{Name: "interior", Vars: []string{"y"}, Order: 2, RHS: []string{"-y"},
			T0: 0, T1: 1, BC: []string{"y(0) = 1", "y(0.5) = 0.25"}, Points: 5}, []string{"y(0) = 1"}},
		{mustBuiltin(t, "damped-oscillator").Definition, []string{"y(0) = 1", "dy(0) = 0"}},
	}
	for _, c := range cases {
		p := mustProblem(t, c.def)
		net := testNetwork(t, len(p.Vars), Tanh, Identity, 5)
		m := newModel(p, HardIC, net, nil)
		res, err := m.ConditionResiduals()
		if err != nil {
			t.Fatal(err)
		}
		hard := m.HardConditions()
		for k, cond := range p.Conditions() {
			want := slices.Contains(c.hard, cond.Text)
			if hard[k] != want {
				t.Errorf("%s: %q built in: %v, want %v", p.Name, cond.Text, hard[k], want)
			}
			switch {
			case want && math.Abs(res[k]) > 1e-12:
				t.Errorf("%s: %q is built in, yet off by %.3g", p.Name, cond.Text, res[k])
			case !want && !(math.Abs(res[k]) > 1e-6):
				t.Errorf("%s: %q is in the loss, yet a random network meets it to %.3g", p.Name, cond.Text, res[k])
			}
		}
		if soft := newModel(p, SoftIC, net, nil).HardConditions(); slices.Contains(soft, true) {
			t.Errorf("%s: soft conditions built in: %v", p.Name, soft)
		}
	}
}

// TestBoundaryLossGradient checks the loss gradient of boundary-value
// problems against central finite differences (checkGradient, whose
// tolerance is argued there), for every derivative mode and both
// condition modes: a second-order problem with a Dirichlet condition at
// t0 and a Robin condition at t1 that names an unknown parameter (so that
// its gradient flows through a condition too), and a nonlinear
// first-order system with a condition at an interior point.
func TestBoundaryLossGradient(t *testing.T) {
	defs := []problems.Definition{
		{Name: "robin", Vars: []string{"y"}, Order: 2, RHS: []string{"-k^2*y + t"},
			Params: map[string]float64{"k": 1.2}, Unknown: []string{"k"},
			T0: 0.5, T1: 1.7, BC: []string{"y(0.5) = 1", "y(1.7) + 2*dy(1.7) = k"}, Points: 6},
		{Name: "system", Vars: []string{"x", "y"}, Order: 1, RHS: []string{"y", "-x*y + t"},
			T0: 0.5, T1: 1.7, BC: []string{"x(0.5) = 1", "y(1.1)^2 + x(1.7) = 2"}, Points: 6},
	}
	ts := []float64{0.55, 0.8, 1.05, 1.3, 1.45, 1.7}
	for _, d := range defs {
		p := mustProblem(t, d)
		for _, mode := range Derivatives() {
			for _, ic := range ICModes() {
				t.Run(fmt.Sprintf("%s/derivative=%s/ic=%s", p.Name, mode, ic), func(t *testing.T) {
					net := testNetwork(t, len(p.Vars), Tanh, Identity, 7)
					cfg := Config{Derivative: mode, IC: ic, FDStep: 0.1, ICWeight: 2, ScaleInput: true}
					net.ScaleInput(p.T0, p.T1)
					tr, err := NewTrainer(p, net, cfg, ts, Options{})
					if err != nil {
						t.Fatal(err)
					}
					checkGradient(t, tr)
				})
			}
		}
	}
}

// TestCorrectionGradient checks the gradient of a correction network's loss
// (the first network frozen under it, both outputs scaled) against central
// finite differences, on bratu with hard and soft conditions.
func TestCorrectionGradient(t *testing.T) {
	p := mustBuiltin(t, "bratu")
	first := testNetwork(t, 1, Tanh, Identity, 3)
	first.ScaleInput(p.T0, p.T1)
	for _, ic := range ICModes() {
		t.Run(string(ic), func(t *testing.T) {
			net := testNetwork(t, 1, Tanh, Identity, 4)
			net.ScaleInput(p.T0, p.T1)
			cfg := Config{IC: ic, outputScale: 0.01, base: []ScaledNetwork{{Scale: 2, Network: first}}}
			tr, err := NewTrainer(p, net, cfg, p.Grid(6), Options{})
			if err != nil {
				t.Fatal(err)
			}
			checkGradient(t, tr)
		})
	}
}

// TestCompiledMatchesTapeBuiltins trains every built-in problem, with soft
// and hard conditions, for 40 Adam epochs on the Compiled and the Tape
// executor, and requires the same loss history to 1e-10 relative (the
// tolerance of TestCompiledMatchesTape, argued there: the two sum in
// different orders; measured here at most 6e-15).
func TestCompiledMatchesTapeBuiltins(t *testing.T) {
	for _, name := range problems.Names() {
		p := mustBuiltin(t, name)
		for _, ic := range ICModes() {
			cfg := Config{Architecture: Architecture{Hidden: []int{6, 6}}, IC: ic, ScaleInput: p.ScaleInput}
			net, err := NewNetwork(cfg.Architecture, len(p.Vars), NewRand(3))
			if err != nil {
				t.Fatal(err)
			}
			if p.ScaleInput {
				net.ScaleInput(p.T0, p.T1)
			}
			ts := p.Grid(257)
			cfg.Executor = Tape
			want := lossHistory(t, p, net, cfg, ts, nil, 40)
			cfg.Executor = Compiled
			d := sameHistory(t, name+"/"+string(ic), lossHistory(t, p, net, cfg, ts, nil, 40), want, 1e-10)
			t.Logf("%s/%s: largest relative difference %.2g", name, ic, d)
		}
	}
}

// recipe returns BoundaryRecipe's settings with the given seed.
func recipe(seed uint64) (Config, Options) {
	cfg, opts := BoundaryRecipe()
	opts.Seed = seed
	return cfg, opts
}

// tuningProblem returns the boundary-value tuning problem called name.
func tuningProblem(t *testing.T, name string) *problems.Problem {
	t.Helper()
	i := slices.IndexFunc(boundaryTuning, func(c accuracyCase) bool { return c.def.Name == name })
	return mustProblem(t, boundaryTuning[i].def)
}

// TestBoundaryRecipeIngredients shows what each ingredient of the
// boundary-value recipe is for, on seed 1 of a tuning problem
// (BenchmarkBoundaryAblations measures them on every seed and problem):
// without the output scale tune-big (a solution of size 2e4) stops at
// rel_l2 0.076 instead of 1e-11; without the corrections tune-duffing stops
// at 2.7e-6 instead of 4e-10; with its conditions soft instead of built in
// tune-long (a period of an oscillation) reaches 6.7e-7 instead of 2.4e-8.
// Measured values; the test asks for a factor of 10 and for the recipe to
// meet the goal, 1e-6.
func TestBoundaryRecipeIngredients(t *testing.T) {
	if testing.Short() {
		t.Skip("six fits of about a second")
	}
	cases := []struct {
		problem, without string
		change           func(*Config, *Options)
	}{
		{"tune-big", "the output scale", func(_ *Config, o *Options) { o.ScaleOutput = false }},
		{"tune-duffing", "corrections", func(_ *Config, o *Options) { o.Corrections = 0 }},
		{"tune-long", "hard conditions", func(c *Config, _ *Options) { c.IC = SoftIC }},
	}
	for _, c := range cases {
		p := tuningProblem(t, c.problem)
		cfg, opts := recipe(1)
		with, err := Fit(t.Context(), p, cfg, opts)
		if err != nil {
			t.Fatal(err)
		}
		c.change(&cfg, &opts)
		without, err := Fit(t.Context(), p, cfg, opts)
		if err != nil {
			t.Fatal(err)
		}
		t.Logf("%s: rel_l2 %.3g with the recipe, %.3g without %s", p.Name, with.Score.RelL2, without.Score.RelL2, c.without)
		if !(with.Score.RelL2 <= 1e-6) || !(without.Score.RelL2 >= 10*with.Score.RelL2) {
			t.Errorf("%s: rel_l2 %.3g with the recipe, %.3g without %s: want <= 1e-6 and 10 times more without", p.Name, with.Score.RelL2, without.Score.RelL2, c.without)
		}
	}
}

// TestBoundaryIgnoresExact: the exact solution is for scoring only. The
// recipe (its output scale and corrections read residuals, never the
// solution), run with a wrong exact solution, gives the same loss history
// and networks bit for bit; only the score differs. Fewer iterations keep
// it short: what matters is that nothing reads the exact solution.
func TestBoundaryIgnoresExact(t *testing.T) {
	right := mustBuiltin(t, "bratu")
	d := right.Definition
	d.Exact = []string{"x*(1 - x)"}
	wrong := mustProblem(t, d)
	cfg, opts := recipe(2)
	opts.LBFGSIterations = 300
	a, err := Fit(t.Context(), right, cfg, opts)
	if err != nil {
		t.Fatal(err)
	}
	b, err := Fit(t.Context(), wrong, cfg, opts)
	if err != nil {
		t.Fatal(err)
	}
	if a.Corrections == 0 {
		t.Fatal("no correction kept: the test would not cover them")
	}
	if !slices.Equal(a.Loss, b.Loss) {
		t.Error("the loss histories differ")
	}
	var fa, fb bytes.Buffer
	if _, err := a.Model.WriteTo(&fa); err != nil {
		t.Fatal(err)
	}
	if _, err := b.Model.WriteTo(&fb); err != nil {
		t.Fatal(err)
	}
	networks := func(buf bytes.Buffer) string {
		var f modelFile
		if err := json.Unmarshal(buf.Bytes(), &f); err != nil {
			t.Fatal(err)
		}
		s, err := json.Marshal(f.Networks)
		if err != nil {
			t.Fatal(err)
		}
		return string(s)
	}
	if networks(fa) != networks(fb) {
		t.Error("the trained networks differ")
	}
	if a.Score.RelL2 == b.Score.RelL2 || !(b.Score.RelL2 > 0.1) {
		t.Errorf("rel_l2 %.3g against the right exact solution and %.3g against the wrong one", a.Score.RelL2, b.Score.RelL2)
	}
}

// TestCorrectedModelFile saves a model of the recipe (an output scale and
// corrections: pinn-model/3), reads it back and requires the same
// solution and derivative bit for bit, and refuses damaged files.
func TestCorrectedModelFile(t *testing.T) {
	p := mustBuiltin(t, "robin")
	cfg, opts := recipe(1)
	opts.LBFGSIterations = 100
	res, err := Fit(t.Context(), p, cfg, opts)
	if err != nil {
		t.Fatal(err)
	}
	var buf bytes.Buffer
	if _, err := res.Model.WriteTo(&buf); err != nil {
		t.Fatal(err)
	}
	saved := buf.String()
	if !strings.Contains(saved, `"format": "`+CorrectedModelFormat+`"`) {
		t.Fatalf("the file is not a %s:\n%.300s", CorrectedModelFormat, saved)
	}
	m, err := ReadModel(strings.NewReader(saved))
	if err != nil {
		t.Fatal(err)
	}
	ts := p.Grid(p.Points)
	want, err := res.Model.Predict(ts)
	if err != nil {
		t.Fatal(err)
	}
	got, err := m.Predict(ts)
	if err != nil {
		t.Fatal(err)
	}
	for i := range want.Y {
		if !slices.Equal(got.Y[i], want.Y[i]) || !slices.Equal(got.DY[i], want.DY[i]) {
			t.Fatal("the model read back evaluates differently")
		}
	}
	if m.NumParams() != 3*res.Model.Network().NumParams() {
		t.Errorf("%d parameters read back, want those of 3 networks", m.NumParams())
	}
	edits := map[string]func(f map[string]any){
		"a network too": func(f map[string]any) { f["network"] = f["networks"].([]any)[0].(map[string]any)["network"] },
		"no networks":   func(f map[string]any) { f["networks"] = []any{} },
		"zero scale":    func(f map[string]any) { f["networks"].([]any)[1].(map[string]any)["scale"] = 0 },
		"unknown":       func(f map[string]any) { f["unknown"] = map[string]float64{"k": 1} },
		"format 1":      func(f map[string]any) { f["format"] = ModelFormat },
		"bad widths": func(f map[string]any) {
			f["networks"].([]any)[0].(map[string]any)["network"].(map[string]any)["widths"] = []int{1, 16, 2}
		},
	}
	for name, edit := range edits {
		var f map[string]any
		if err := json.Unmarshal([]byte(saved), &f); err != nil {
			t.Fatal(err)
		}
		edit(f)
		b, err := json.Marshal(f)
		if err != nil {
			t.Fatal(err)
		}
		if _, err := ReadModel(bytes.NewReader(b)); err == nil {
			t.Errorf("%s: the damaged file was read", name)
		} else {
			t.Logf("%s: %v", name, err)
		}
	}
}

// TestMarchNeedsTheStart: March refuses a boundary-value problem (and
// Fit's default for one is whole-domain training), while an initial-value
// problem whose initial values are conditions, "y(0) = 1" or "y(0) = 2*k",
// marches exactly as one given by Y0.
func TestMarchNeedsTheStart(t *testing.T) {
	bvp := mustBuiltin(t, "bratu")
	if _, err := Fit(t.Context(), bvp, Config{}, Options{Method: March}); !errors.Is(err, ErrCannotMarch) {
		t.Errorf("March on bratu: err = %v, want ErrCannotMarch", err)
	}
	if m := (Options{}).WithDefaults(bvp).Method; m != Whole {
		t.Errorf("the default method of bratu is %s, want %s", m, Whole)
	}
	tied := mustProblem(t, problems.Definition{Name: "tied", Vars: []string{"y"}, Order: 2, RHS: []string{"-y"},
		T0: 0, T1: 1, BC: []string{"y(0) + dy(0) = 1", "y(0) = 0"}, Points: 5})
	if err := CanMarch(tied); !errors.Is(err, ErrCannotMarch) {
		t.Errorf("CanMarch on tied conditions at t0: %v", err)
	}
	base := problems.Definition{Name: "decay", Vars: []string{"y"}, Order: 1, RHS: []string{"-k*y"},
		Params: map[string]float64{"k": 1.5}, T0: 0, T1: 1, Points: 11}
	byY0, byBC, byParam := base, base, base
	byY0.Y0 = []float64{3}
	byBC.BC = []string{"y(0) = 3"}
	byParam.BC = []string{"y(0) = 2*k"}
	var first *Result
	for _, d := range []problems.Definition{byY0, byBC, byParam} {
		p := mustProblem(t, d)
		res, err := Fit(context.Background(), p, Config{}, Options{Seed: 1})
		if err != nil {
			t.Fatal(err)
		}
		if res.March == nil {
			t.Fatalf("%v: did not march", d.BC)
		}
		if first == nil {
			first = res
		} else if !slices.Equal(res.Loss, first.Loss) {
			t.Errorf("%v: the march differs from that of y0 = 3", d.BC)
		}
	}
}
