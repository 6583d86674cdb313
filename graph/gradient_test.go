package graph

import (
	"fmt"
	"math"
	"math/rand/v2"
	"testing"

	"pinn/problems"

	"gonum.org/v1/gonum/diff/fd"
)

// testProblem returns a problem for gradient checks: first order y' = -y + t
// or second order y" = -4y - 0.5y' + cos(t), both from t0 = 0.5 so that no
// collocation point sits at a ReLU kink of a zero-bias layer.
func testProblem(t *testing.T, order int) *problems.Problem {
	t.Helper()
	d := problems.Definition{Name: "test", Vars: []string{"y"}, Order: 1, RHS: []string{"-y + t"},
		T0: 0.5, T1: 1.7, Y0: []float64{1}, Points: 6}
	if order == 2 {
		d.Order, d.RHS, d.DY0 = 2, []string{"-4*y - 0.5*dy + cos(t)"}, []float64{0.3}
	}
	p, err := problems.New(d)
	if err != nil {
		t.Fatal(err)
	}
	return p
}

// testNetwork returns a 1-5-4-m network with random weights and biases (non-zero
// biases keep ReLU kinks away from the points).
func testNetwork(t *testing.T, outputs int, act, outAct Activation, seed uint64) *Network {
	t.Helper()
	rng := NewRand(seed)
	net, err := NewNetwork(Architecture{Hidden: []int{5, 4}, Activation: act, OutputActivation: outAct}, outputs, rng)
	if err != nil {
		t.Fatal(err)
	}
	randomBiases(net, rng)
	return net
}

// randomBiases draws net's biases uniformly from [-0.5, 0.5).
func randomBiases(net *Network, rng *rand.Rand) {
	for _, b := range net.Biases {
		for i := range b {
			b[i] = rng.Float64() - 0.5
		}
	}
}

// centralFourth is the fourth-order central difference
//
//	f'(x) ~ (f(x-2h) - 8 f(x-h) + 8 f(x+h) - f(x+2h)) / 12h
var centralFourth = fd.Formula{
	Stencil: []fd.Point{{Loc: -2, Coeff: 1.0 / 12}, {Loc: -1, Coeff: -2.0 / 3},
		{Loc: 1, Coeff: 2.0 / 3}, {Loc: 2, Coeff: -1.0 / 12}},
	Derivative: 1, Step: 1e-4,
}

// checkGradient compares the trainer's loss gradient with a fourth-order
// central finite difference computed by gonum.
//
// Tolerance: with step h = 1e-4 the truncation error is about h^4 |d5L/dx5| /
// 30, below 1e-16 times a fifth derivative of order 1-100 here. Round-off is
// about eps C / h, where C is the size of the terms the loss cancels: at most
// about 1e-12 here (the FD modes' second difference multiplies round-off by
// 1/h_net^2 = 100), so under 1e-8. The test allows 1e-7 relative to
// max(1, |g|): above both, and far below the O(1) error of a wrong gradient
// (TestNaiveDoubleGradIsWrong shows one of 0.79).
func checkGradient(t *testing.T, tr *Trainer) {
	t.Helper()
	x0 := tr.Parameters()
	_, grad, err := tr.LossAndGradient()
	if err != nil {
		t.Fatal(err)
	}
	loss := func(x []float64) float64 {
		tr.SetParameters(x)
		l, _, err := tr.LossAndGradient()
		if err != nil {
			t.Fatal(err)
		}
		return l
	}
	want := fd.Gradient(nil, loss, x0, &fd.Settings{Formula: centralFourth})
	tr.SetParameters(x0)
	for i := range want {
		if diff := math.Abs(grad[i] - want[i]); diff > 1e-7*math.Max(1, math.Abs(want[i])) {
			t.Errorf("dL/dx[%d] = %.10g, central difference %.10g (|diff| %.2g)", i, grad[i], want[i], diff)
		}
	}
}

func TestLossGradientMatchesFiniteDifferences(t *testing.T) {
	modes := Derivatives()
	for _, order := range []int{1, 2} {
		p := testProblem(t, order)
		ts := []float64{0.55, 0.8, 1.05, 1.3, 1.45, 1.7}
		for _, act := range Activations() {
			for _, mode := range modes {
				for _, ic := range []ICMode{SoftIC, HardIC} {
					name := fmt.Sprintf("order=%d/act=%s/derivative=%s/ic=%s", order, act, mode, ic)
					t.Run(name, func(t *testing.T) {
						net := testNetwork(t, 1, act, Tanh, 7)
						// A large network FD step keeps the 1/h^2 of the second
						// difference from amplifying the loss's round-off into
						// the check's own finite difference.
						cfg := Config{Derivative: mode, IC: ic, FDStep: 0.1, ICWeight: 2}
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
}

// TestSystemGradientMatchesFiniteDifferences checks the loss gradient of a
// two-variable system with an unknown parameter learned from observations
// (so the data misfit and the parameter's gradient are checked too), for
// every derivative mode and both initial-condition modes.
func TestSystemGradientMatchesFiniteDifferences(t *testing.T) {
	p, obs, ts := inverseSystem(t)
	for _, mode := range Derivatives() {
		for _, ic := range []ICMode{SoftIC, HardIC} {
			t.Run(fmt.Sprintf("derivative=%s/ic=%s", mode, ic), func(t *testing.T) {
				net := testNetwork(t, 2, Tanh, Identity, 11)
				cfg := Config{Derivative: mode, IC: ic, FDStep: 0.1, DataWeight: 3, ScaleInput: true}
				net.ScaleInput(p.T0, p.T1)
				tr, err := NewTrainer(p, net, cfg, ts, Options{Observations: obs})
				if err != nil {
					t.Fatal(err)
				}
				checkGradient(t, tr)
			})
		}
	}
}

// inverseSystem returns a two-variable system with an unknown parameter,
// observations to learn it from, and collocation points.
func inverseSystem(t *testing.T) (*problems.Problem, *problems.Observations, []float64) {
	t.Helper()
	p, err := problems.New(problems.Definition{Name: "system", Vars: []string{"x", "y"}, Order: 1,
		RHS: []string{"k*x - x*y", "-1.5*y + x*y^2/2"}, Params: map[string]float64{"k": 0.8}, Unknown: []string{"k"},
		T0: 0.2, T1: 1.4, Y0: []float64{1, 0.5}, Points: 6})
	if err != nil {
		t.Fatal(err)
	}
	obs := &problems.Observations{T: []float64{0.4, 0.9, 1.3}, Y: [][]float64{{1.1, 1.2, 1.25}, {0.45, 0.4, 0.38}}}
	return p, obs, []float64{0.25, 0.5, 0.75, 1.0, 1.2, 1.4}
}

// TestWRTPredictionGradient checks the thread's mistaken loss too, whose
// "derivative" is all ones.
func TestWRTPredictionGradient(t *testing.T) {
	p := testProblem(t, 1)
	for _, act := range []Activation{ReLU, Rectify, Tanh} {
		t.Run(string(act), func(t *testing.T) {
			tr, err := NewTrainer(p, testNetwork(t, 1, act, act, 3), Config{Derivative: WRTPrediction}, []float64{0.6, 0.9, 1.2, 1.5}, Options{})
			if err != nil {
				t.Fatal(err)
			}
			checkGradient(t, tr)
		})
	}
}
