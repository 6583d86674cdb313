package graph

import (
	"errors"
	"fmt"
	"math"
	"slices"
	"strings"
	"testing"

	"pinn/problems"
)

// testFamily returns a family for gradient and derivative checks: first
// order y' = -k y + a with two range parameters (a network of three
// inputs), or second order y" = -k y - 0.3 y' with the initial value a
// range parameter (y(0.5) = a, y'(0.5) = 0.2), whose trial solution takes
// its initial value as a node.
func testFamily(t *testing.T, order int) *problems.Problem {
	t.Helper()
	d := problems.Definition{Name: "family", Vars: []string{"y"}, Order: 1, RHS: []string{"-k*y + a"},
		Ranges: map[string]problems.Range{"k": {Lo: 0.5, Hi: 2}, "a": {Lo: -1, Hi: 1}}, T0: 0.5, T1: 1.7, Y0: []float64{1}, Points: 6}
	if order == 2 {
		d.Order, d.RHS, d.Y0 = 2, []string{"-k*y - 0.3*dy"}, nil
		d.Ranges = map[string]problems.Range{"k": {Lo: 1, Hi: 4}, "a": {Lo: 0.5, Hi: 1.5}}
		if err := d.SetInitialValues([]string{"a"}, false); err != nil {
			t.Fatal(err)
		}
		if err := d.SetInitialValues([]string{"0.2"}, true); err != nil {
			t.Fatal(err)
		}
	}
	p, err := problems.New(d)
	if err != nil {
		t.Fatal(err)
	}
	return p
}

// testFamilyNetwork returns a family network of p with hidden widths 5 and
// 4, random weights and biases.
func testFamilyNetwork(t *testing.T, p *problems.Problem, act Activation, seed uint64) *Network {
	t.Helper()
	rng := NewRand(seed)
	net, err := NewFamilyNetwork(p, Architecture{Hidden: []int{5, 4}, Activation: act, OutputActivation: Identity}, rng)
	if err != nil {
		t.Fatal(err)
	}
	randomBiases(net, rng)
	return net
}

// testFamilyInputs returns n points of p's product domain (Sobol).
func testFamilyInputs(p *problems.Problem, n int) [][]float64 {
	return p.NewSampler(problems.SampleSobol, NewRand(5)).Inputs(n)
}

// TestFamilyLossGradientMatchesFiniteDifferences checks the gradient of a
// family's loss (residuals over the product domain, soft initial
// conditions as means over the members, or the trial solution whose
// initial value is a range parameter) with respect to every weight,
// including the first layer's rows of the range parameters, against
// gonum's fourth-order central difference, for the derivative modes a
// family allows; and a marched window's loss, whose trial solution starts
// from initial values given as columns of the points (Config.startAt).
// Tolerance: 1e-7 relative, as checkGradient explains.
func TestFamilyLossGradientMatchesFiniteDifferences(t *testing.T) {
	for _, order := range []int{1, 2} {
		p := testFamily(t, order)
		inputs := testFamilyInputs(p, 6)
		for _, mode := range []Derivative{Symbolic, Forward, FDCentral} {
			for _, ic := range []ICMode{SoftIC, HardIC} {
				t.Run(fmt.Sprintf("order=%d/derivative=%s/ic=%s", order, mode, ic), func(t *testing.T) {
					cfg := Config{Derivative: mode, IC: ic, FDStep: 0.1, ICWeight: 2}
					tr, err := NewFamilyTrainer(p, testFamilyNetwork(t, p, Tanh, 7), cfg, inputs, Options{})
					if err != nil {
						t.Fatal(err)
					}
					checkGradient(t, tr)
				})
			}
		}
		t.Run(fmt.Sprintf("order=%d/window", order), func(t *testing.T) {
			t0 := 0.8
			cols := append([][]float64(nil), inputs...)
			for range p.Order {
				start := make([]float64, len(inputs[0]))
				for k := range start {
					start[k] = 0.3 + 0.1*float64(k)
				}
				cols = append(cols, start)
			}
			base := ScaledNetwork{Scale: 0.5, Network: testFamilyNetwork(t, p, Tanh, 3)}
			cfg := Config{IC: HardIC, startAt: &t0, base: []ScaledNetwork{base}, outputScale: 0.2}
			tr, err := NewFamilyTrainer(p, testFamilyNetwork(t, p, Tanh, 7), cfg, cols, Options{})
			if err != nil {
				t.Fatal(err)
			}
			checkGradient(t, tr)
		})
	}
}

// TestFamilyDerivativeIsWithRespectToT checks dy/dt and d2y/dt2 of a
// network of three inputs (t, a, k): the symbolic derivative, taken with
// respect to t's node alone, against the forward tangent built into the
// graph (to 1e-12: the same arithmetic in another order, values of order
// 1), and dy/dt against a central difference in t of the network's value
// with a and k held (h = 1e-5: truncation h^2 |y”'| / 6 below 1e-10,
// round-off 1e-16 / h = 1e-11; 1e-8 allows both, while a derivative that
// also moved a or k would be off by the O(1) slope in them).
func TestFamilyDerivativeIsWithRespectToT(t *testing.T) {
	p := testFamily(t, 1)
	net := testFamilyNetwork(t, p, Tanh, 11)
	inputs := [][]float64{{0.5, 0.9, 1.2, 1.7}, {-1, 0.3, 0.7, 1}, {0.5, 1.1, 2, 1.4}} // t, a, k
	// A second-order problem's residual builds y' and y".
	d := p.Definition
	d.Order, d.RHS, d.DY0 = 2, []string{"-k*y + a"}, []float64{0}
	p2, err := problems.New(d)
	if err != nil {
		t.Fatal(err)
	}
	sym, fwd := derivativesAt(t, p2, net, Symbolic, inputs), derivativesAt(t, p2, net, Forward, inputs)
	m := newModel(p, SoftIC, net, nil)
	const h = 1e-5
	shifted := func(dt float64) []float64 {
		cols := [][]float64{make([]float64, len(inputs[0])), inputs[1], inputs[2]}
		for k, tk := range inputs[0] {
			cols[0][k] = tk + dt
		}
		sol, err := m.PredictInputs(cols)
		if err != nil {
			t.Fatal(err)
		}
		return sol.Y[0]
	}
	plus, minus := shifted(h), shifted(-h)
	for k := range inputs[0] {
		if d1, d2 := math.Abs(sym[0][k]-fwd[0][k]), math.Abs(sym[1][k]-fwd[1][k]); d1 > 1e-12 || d2 > 1e-12 {
			t.Errorf("point %d: symbolic y' %.15g, y\" %.15g; forward tangent %.15g, %.15g", k, sym[0][k], sym[1][k], fwd[0][k], fwd[1][k])
		}
		if fd := (plus[k] - minus[k]) / (2 * h); math.Abs(fd-sym[0][k]) > 1e-8 {
			t.Errorf("point %d: symbolic y' %.12g, central difference in t %.12g", k, sym[0][k], fd)
		}
	}
}

// TestFamilyCompiledMatchesTape trains a family (three inputs; and a
// second-order one whose initial value is a range parameter) 100 Adam
// epochs on the Compiled and on the Tape executor and requires the same
// loss history to 1e-10 relative (see TestCompiledMatchesTape), for each
// initial-condition mode and the symbolic and forward derivatives.
func TestFamilyCompiledMatchesTape(t *testing.T) {
	for _, order := range []int{1, 2} {
		p := testFamily(t, order)
		inputs := testFamilyInputs(p, 300)
		for _, mode := range []Derivative{Symbolic, Forward} {
			for _, ic := range []ICMode{SoftIC, HardIC} {
				name := fmt.Sprintf("order=%d/%s/%s", order, mode, ic)
				history := func(exec Executor) []float64 {
					cfg := Config{Derivative: mode, IC: ic, Executor: exec}
					tr, err := NewFamilyTrainer(p, testFamilyNetwork(t, p, Tanh, 7), cfg, inputs, Options{})
					if err != nil {
						t.Fatal(err)
					}
					if err := tr.Adam(100, nil); err != nil {
						t.Fatal(err)
					}
					return tr.Loss()
				}
				sameHistory(t, name, history(Compiled), history(Tape), 1e-10)
			}
		}
	}
}

// TestFamilyChunkedMatchesTape evaluates a marched family (y' = -k y + a,
// briefly trained: the weights need only be those of a trained model's
// shape) at 10 000 random (t, a, k) points, every point its own member,
// with PredictInputs, which runs each window's compiled graph chunk by
// chunk, and with one TapeMachine graph per window over all its points;
// they agree to compiledTol (see closeSeries). Both take the members'
// start values at the window boundaries from the same chain. No node of
// the compiled evaluation graphs falls back to Gorgonia's Do.
func TestFamilyChunkedMatchesTape(t *testing.T) {
	p := testFamily(t, 1)
	res, err := Fit(t.Context(), p, Config{}, Options{Seed: 1, March: MarchOptions{Iterations: 20}})
	if err != nil {
		t.Fatal(err)
	}
	m := res.Model
	if len(m.Windows()) < 2 {
		t.Fatalf("%d windows: the test needs several", len(m.Windows()))
	}
	inputs := p.NewSampler(problems.SampleUniform, NewRand(3)).Inputs(10_000)
	got, err := m.PredictInputs(inputs)
	if err != nil {
		t.Fatal(err)
	}
	want, err := m.familyEval(inputs, 2, func(piece *Model, cols [][]float64) ([][]float64, error) {
		return piece.runOnce("predict", cols, predictNodes)
	})
	if err != nil {
		t.Fatal(err)
	}
	okY, dY := closeSeries(got.Y[0], want[0])
	okDY, dDY := closeSeries(got.DY[0], want[1])
	t.Logf("largest relative differences: %.2g (values), %.2g (slopes)", dY, dDY)
	if !okY || !okDY {
		t.Errorf("PredictInputs differs from the TapeMachine's by %.2g (values) and %.2g (slopes)", dY, dDY)
	}
	for i, piece := range m.pieces {
		for what, e := range piece.evals {
			for _, n := range e.machine.Fallbacks() {
				t.Errorf("window %d, %s: %v (%v) runs through Gorgonia's Do", i+1, what, n, n.Op())
			}
		}
	}
}

// TestFamilyPredictInputsRefusesBadColumns gives PredictInputs columns of
// other lengths than t's, and range values outside the trained range (by
// the smallest step, and NaN): each is refused with an error, the second
// wrapping problems.ErrMember, as PredictMember refuses such a member.
func TestFamilyPredictInputsRefusesBadColumns(t *testing.T) {
	p := testFamily(t, 1)
	m := newModel(p, SoftIC, testFamilyNetwork(t, p, Tanh, 11), nil)
	ts, a, k := []float64{0.5, 0.9, 1.2}, []float64{-1, 0.3, 1}, []float64{0.5, 1.1, 2} // RangeNames order: a, k
	for _, tt := range []struct {
		name   string
		inputs [][]float64
		member bool
	}{
		{"short a", [][]float64{ts, a[:2], k}, false},
		{"long k", [][]float64{ts, a, append(slices.Clone(k), 1)}, false},
		{"k above", [][]float64{ts, a, {0.5, math.Nextafter(2, 3), 1}}, true},
		{"a below", [][]float64{ts, {-1, 0, math.Nextafter(-1, -2)}, k}, true},
		{"a NaN", [][]float64{ts, {math.NaN(), 0, 0}, k}, true},
	} {
		sol, err := m.PredictInputs(tt.inputs)
		if err == nil || errors.Is(err, problems.ErrMember) != tt.member {
			t.Errorf("%s: %v, err = %v", tt.name, sol != nil, err)
		}
	}
	if _, err := m.PredictInputs([][]float64{ts, a, k}); err != nil {
		t.Errorf("points in the range: %v", err)
	}
}

// TestFamilyMarchKeepsWindowsBeforeDivergence marches the family
// y' = k sqrt(1 - t), y(0) = 1, k in [0.5, 1], over t in [0, 2] in 4
// windows: the right-hand side is NaN after t = 1, so that the third
// window's loss is not finite at its first network's initial weights. The
// run stops with an error wrapping ErrDiverged that names the iteration,
// and keeps the two windows before: a model of [0, 1], which predicts
// y = 1 + k (1 - (1 - t)^1.5) / 1.5 there to 1e-2 (measured: 1.4e-3 at
// worst, with 200 BFGS iterations a window; the bound leaves room for
// other kernels' roundings to change the iterates).
func TestFamilyMarchKeepsWindowsBeforeDivergence(t *testing.T) {
	p := mustProblem(t, problems.Definition{Name: "blowup", Vars: []string{"y"}, Order: 1, RHS: []string{"k*sqrt(1 - t)"},
		Ranges: map[string]problems.Range{"k": {Lo: 0.5, Hi: 1}}, T0: 0, T1: 2, Y0: []float64{1}, Points: 11})
	res, err := Fit(t.Context(), p, Config{Architecture: Architecture{Hidden: []int{8}}}, Options{Seed: 1, March: MarchOptions{Iterations: 200}})
	if !errors.Is(err, ErrDiverged) || !strings.Contains(err.Error(), "iteration") {
		t.Fatalf("err = %v, want divergence named at its iteration", err)
	}
	if res == nil || res.Model == nil {
		t.Fatal("no result kept")
	}
	if n := len(res.Model.Windows()); n != 2 || res.March.Reached != 1 {
		t.Fatalf("%d windows reaching %g, want 2 reaching 1", n, res.March.Reached)
	}
	for _, k := range []float64{0.5, 0.75, 1} {
		ts := []float64{0, 0.3, 0.7, 1}
		sol, err := res.Model.PredictMember(ts, map[string]float64{"k": k})
		if err != nil {
			t.Fatal(err)
		}
		for i, tt := range ts {
			want := 1 + k*(1-math.Pow(1-tt, 1.5))/1.5
			if d := math.Abs(sol.Y[0][i] - want); d > 1e-2 {
				t.Errorf("k = %g, t = %g: y = %g, want %g", k, tt, sol.Y[0][i], want)
			}
		}
	}
	t.Logf("%v", err)
}
