package graph

import (
	"fmt"
	"math"
	"slices"
	"testing"

	"pinn/problems"

	G "gorgonia.org/gorgonia"
)

// The functions below are the free functions Model's methods replaced,
// as they were, kept to check that the methods give the same numbers.

func legacyPredict(p *problems.Problem, net *Network, ic ICMode, ts []float64) (*problems.Solution, error) {
	cfg := Config{IC: ic, Derivative: Symbolic}.withDefaults(p.Order)
	b, err := newBuilder(p, net, cfg, nil)
	if err != nil {
		return nil, err
	}
	t := b.column("t", ts)
	ys, err := b.values(at{t: t})
	if err != nil {
		return nil, err
	}
	dys, err := gradients(ys, t)
	if err != nil {
		return nil, err
	}
	m := len(p.Vars)
	yv, dyv := make([]G.Value, m), make([]G.Value, m)
	for i := range m {
		G.Read(ys[i], &yv[i])
		G.Read(dys[i], &dyv[i])
	}
	vm := G.NewTapeMachine(b.g)
	defer vm.Close()
	if err := vm.RunAll(); err != nil {
		return nil, err
	}
	sol := &problems.Solution{T: ts, Y: make([][]float64, m), DY: make([][]float64, m)}
	for i := range m {
		sol.Y[i] = append([]float64(nil), yv[i].Data().([]float64)...)
		sol.DY[i] = append([]float64(nil), dyv[i].Data().([]float64)...)
	}
	return sol, nil
}

func legacyEvaluateWith(p *problems.Problem, net *Network, ic ICMode, params map[string]float64, ts []float64) (Score, error) {
	sol, err := legacyPredict(p, net, ic, ts)
	if err != nil {
		return Score{}, err
	}
	ref, err := p.Reference(ts, params)
	if err != nil {
		return Score{}, err
	}
	return scoreAgainst(sol, ref), nil
}

func legacyResiduals(p *problems.Problem, net *Network, ic ICMode, unknown map[string]float64, ts []float64) ([][]float64, error) {
	b, err := newBuilder(p, net, Config{IC: ic, Derivative: Symbolic}.withDefaults(p.Order), unknown)
	if err != nil {
		return nil, err
	}
	r, err := b.atCollocation(at{t: b.column("t", ts)})
	if err != nil {
		return nil, err
	}
	res, err := b.residuals(r)
	if err != nil {
		return nil, err
	}
	values := make([]G.Value, len(res))
	for i := range res {
		G.Read(res[i], &values[i])
	}
	vm := G.NewTapeMachine(b.g)
	defer vm.Close()
	if err := vm.RunAll(); err != nil {
		return nil, err
	}
	out := make([][]float64, len(res))
	for i, v := range values {
		out[i] = append([]float64(nil), v.Data().([]float64)...)
	}
	return out, nil
}

func legacyHiddenActivity(p *problems.Problem, net *Network, ts []float64) ([][][]float64, error) {
	b, err := newBuilder(p, net, Config{}.withDefaults(p.Order), nil)
	if err != nil {
		return nil, err
	}
	h, err := jetAffine(jet{v: b.column("t", ts)}, net.InputScale, net.InputShift)
	if err != nil {
		return nil, err
	}
	values := make([]G.Value, len(b.w))
	for l := range b.w {
		if h, err = jetDense(h, b.w[l], b.b[l]); err != nil {
			return nil, err
		}
		if h, err = jetActivate(h, net.Activation); err != nil {
			return nil, err
		}
		G.Read(h.v, &values[l])
	}
	vm := G.NewTapeMachine(b.g)
	defer vm.Close()
	if err := vm.RunAll(); err != nil {
		return nil, err
	}
	out := make([][][]float64, len(b.w))
	for l, v := range values {
		data := v.Data().([]float64)
		width := net.Widths[l+1]
		out[l] = make([][]float64, width)
		for j := range width {
			out[l][j] = make([]float64, len(ts))
			for k := range ts {
				out[l][j][k] = data[k*width+j]
			}
		}
	}
	return out, nil
}

// compiledTol bounds how far the compiled executor's evaluation of a
// network's values, slopes or residuals (Predict, Residuals) may be from
// the TapeMachine's, relative to the largest value of the series: the
// compiled matrix products use fused multiply-adds and their own
// summation order (at most k eps relative per dot product of length k)
// and its tanh is within 2 ulp of math.Tanh (package f64), so through a
// network of a few layers and its derivative they differ by tens of eps.
// Measured: at most 3.6e-15 (TestModelMethodsMatchFreeFunctions), 4e-15
// (TestChunkedMatchesTape) and 1.6e-15 (TestModelFormat1StillReads).
const compiledTol = 1e-13

// closeSeries reports whether got is within compiledTol of want, relative
// to want's largest value, and the relative difference.
func closeSeries(got, want []float64) (bool, float64) {
	if len(got) != len(want) {
		return false, math.Inf(1)
	}
	scale, d := 0.0, 0.0
	for k := range want {
		scale = math.Max(scale, math.Abs(want[k]))
		d = math.Max(d, math.Abs(got[k]-want[k]))
	}
	if scale > 0 {
		d /= scale
	}
	return d <= compiledTol, d
}

// TestModelMethodsMatchFreeFunctions checks that Predict, Evaluate,
// Residuals and HiddenActivity give what the free functions they replaced
// gave, for first- and second-order problems, two variables, an inverse
// problem with a learned value, and both initial-condition modes:
// HiddenActivity bit for bit (the same graph, run the same way on the
// TapeMachine), the others, which run compiled, to compiledTol.
func TestModelMethodsMatchFreeFunctions(t *testing.T) {
	inverse, err := problems.New(problems.Definition{Name: "inverse", Vars: []string{"y"}, Order: 1, RHS: []string{"-k*y"},
		Params: map[string]float64{"k": 1}, Unknown: []string{"k"}, T0: 0, T1: 2, Y0: []float64{1}, Points: 11})
	if err != nil {
		t.Fatal(err)
	}
	type testCase struct {
		p       *problems.Problem
		unknown map[string]float64
	}
	cases := []testCase{{inverse, map[string]float64{"k": 1.7}}}
	for _, name := range []string{"decay", "oscillator", "lotka-volterra"} {
		p, err := problems.Builtin(name)
		if err != nil {
			t.Fatal(err)
		}
		cases = append(cases, testCase{p: p})
	}
	worst := 0.0
	defer func() { t.Logf("largest relative difference of the compiled evaluation: %.2g", worst) }()
	for _, c := range cases {
		for _, ic := range ICModes() {
			t.Run(fmt.Sprintf("%s/%s", c.p.Name, ic), func(t *testing.T) {
				net := testNetwork(t, len(c.p.Vars), Tanh, Identity, 7)
				net.ScaleInput(c.p.T0, c.p.T1)
				m := newModel(c.p, ic, net, c.unknown)
				ts := c.p.Grid(9)

				got, err := m.Predict(ts)
				if err != nil {
					t.Fatal(err)
				}
				want, err := legacyPredict(c.p, net, ic, ts)
				if err != nil {
					t.Fatal(err)
				}
				for i := range c.p.Vars {
					okY, dY := closeSeries(got.Y[i], want.Y[i])
					okDY, dDY := closeSeries(got.DY[i], want.DY[i])
					worst = max(worst, dY, dDY)
					if !okY || !okDY {
						t.Errorf("Predict: variable %d: %v, %v; want %v, %v", i, got.Y[i], got.DY[i], want.Y[i], want.DY[i])
					}
				}

				score, err := m.Evaluate(ts)
				if err != nil {
					t.Fatal(err)
				}
				wantScore, err := legacyEvaluateWith(c.p, net, ic, c.unknown, ts)
				if err != nil {
					t.Fatal(err)
				}
				if ok, _ := closeSeries([]float64{score.RelL2, score.MaxAbsErr, score.MaxAbsDerivErr},
					[]float64{wantScore.RelL2, wantScore.MaxAbsErr, wantScore.MaxAbsDerivErr}); !ok {
					t.Errorf("Evaluate: %+v, want %+v", score, wantScore)
				}

				res, err := m.Residuals(ts)
				if err != nil {
					t.Fatal(err)
				}
				wantRes, err := legacyResiduals(c.p, net, ic, c.unknown, ts)
				if err != nil {
					t.Fatal(err)
				}
				for i := range wantRes {
					ok, d := closeSeries(res[i], wantRes[i])
					worst = max(worst, d)
					if !ok {
						t.Errorf("Residuals: variable %d: %v, want %v", i, res[i], wantRes[i])
					}
				}

				h, err := m.HiddenActivity(ts)
				if err != nil {
					t.Fatal(err)
				}
				wantH, err := legacyHiddenActivity(c.p, net, ts)
				if err != nil {
					t.Fatal(err)
				}
				for l := range wantH {
					for j := range wantH[l] {
						if !slices.Equal(h[l][j], wantH[l][j]) {
							t.Errorf("HiddenActivity: layer %d unit %d: %v, want %v", l+1, j, h[l][j], wantH[l][j])
						}
					}
				}
			})
		}
	}
}

// TestChoicesAreCopies changes the slices the choice functions return: the
// next calls must not see it.
func TestChoicesAreCopies(t *testing.T) {
	Derivatives()[0] = "changed"
	Activations()[0] = "changed"
	Executors()[0] = "changed"
	Optimizers()[0] = "changed"
	ICModes()[0] = "changed"
	DefaultHidden()[0] = 1
	if d := Derivatives(); d[0] != Symbolic {
		t.Errorf("Derivatives() = %v", d)
	}
	if a := Activations(); a[0] != Tanh {
		t.Errorf("Activations() = %v", a)
	}
	if e := Executors(); e[0] != Compiled {
		t.Errorf("Executors() = %v", e)
	}
	if o := Optimizers(); o[0] != Adam {
		t.Errorf("Optimizers() = %v", o)
	}
	if m := ICModes(); m[0] != SoftIC {
		t.Errorf("ICModes() = %v", m)
	}
	if h := DefaultHidden(); !slices.Equal(h, []int{16, 16}) {
		t.Errorf("DefaultHidden() = %v", h)
	}
}
