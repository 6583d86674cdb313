package graph

import (
	"math"
	"slices"
	"testing"

	"pinn/problems"
	"pinn/problems/expr"
)

// groupBoundary is issue 12's goal for boundary-value problems: rel_l2
// 1e-6 for every seed, within 10 s on 2 cores.
var groupBoundary = goalGroup{"1e-6/10s", 1e-6, 10}

// boundaryHeldOut is the held-out set of boundary-value problems, written
// down before any tuning of the default recipe for them: linear and
// nonlinear equations; Dirichlet, Neumann and Robin conditions; first-order
// systems with a condition at each end; a second-order system; a domain
// away from 0 and a solution of size 500. Each has an exact solution,
// checked against the integrator (TestBoundaryHeldOutExact). One entry,
// marked, was added after a miss.
// Points is 101, pinn solve's default.
var boundaryHeldOut = []accuracyCase{
	// Linear, Dirichlet at both ends: (sinh(2(1-t)) + 2 sinh(2t))/sinh(2).
	{heldOutDef(problems.Definition{Name: "exp-dirichlet", Vars: []string{"y"}, Order: 2, RHS: []string{"4*y"},
		T0: 0, T1: 1, BC: []string{"y(0) = 1", "y(1) = 2"},
		Exact: []string{"(exp(2 - 2*t) - exp(2*t - 2) + 2*exp(2*t) - 2*exp(-2*t))/(exp(2) - exp(-2))"}}), groupBoundary},
	// Nonlinear, Dirichlet at t0 and Neumann at t1, on [1, 2]: log t.
	{heldOutDef(problems.Definition{Name: "log-neumann", Vars: []string{"y"}, Order: 2, RHS: []string{"-dy^2"},
		T0: 1, T1: 2, BC: []string{"y(1) = 0", "dy(2) = 0.5"}, Exact: []string{"log(t)"}}), groupBoundary},
	// Linear and forced, Robin at both ends: t + cos 2t + sin(2t)/2.
	{heldOutDef(problems.Definition{Name: "robin-forced", Vars: []string{"y"}, Order: 2, RHS: []string{"-4*y + 4*t"},
		T0: 0, T1: 1.5, BC: []string{"dy(0) - y(0) = 1", "y(1.5) + 2*dy(1.5) = 1.5 + cos(3) + 0.5*sin(3) + 2*(1 - 2*sin(3) + cos(3))"},
		Exact: []string{"t + cos(2*t) + 0.5*sin(2*t)"}}), groupBoundary},
	// Linear first-order system, x given at t0 and y at t1:
	// x = cosh(2(1-t))/cosh 2, y = x'.
	{heldOutDef(problems.Definition{Name: "system-ends", Vars: []string{"x", "y"}, Order: 1, RHS: []string{"y", "4*x"},
		T0: 0, T1: 1, BC: []string{"x(0) = 1", "y(1) = 0"},
		Exact: []string{"(exp(2 - 2*t) + exp(2*t - 2))/(exp(2) + exp(-2))", "(2*exp(2*t - 2) - 2*exp(2 - 2*t))/(exp(2) + exp(-2))"}}), groupBoundary},
	// Nonlinear first-order system, x given at t0 and y at t1:
	// x = 1/(1 + t), y = (1 + t)^2.
	{heldOutDef(problems.Definition{Name: "system-nonlinear", Vars: []string{"x", "y"}, Order: 1, RHS: []string{"-1/y", "2/x"},
		T0: 0, T1: 2, BC: []string{"x(0) = 1", "y(2) = 9"}, Exact: []string{"1/(1 + t)", "(1 + t)^2"}}), groupBoundary},
	// Added after system-nonlinear missed: that problem has two solutions,
	// since x y = t + c and y = A (t + c)^2 with A c = 1 and
	// (2 + c)^2 = 9 c, so c = 1 or 4. Every seed of the recipe found the
	// second, x = 4/(t + 4), y = (t + 4)^2/4, the one nearer the trial
	// solution's start (x = 1, y = 9); scored against it here.
	{heldOutDef(problems.Definition{Name: "system-nonlinear-2", Vars: []string{"x", "y"}, Order: 1, RHS: []string{"-1/y", "2/x"},
		T0: 0, T1: 2, BC: []string{"x(0) = 1", "y(2) = 9"}, Exact: []string{"4/(t + 4)", "(t + 4)^2/4"}}), groupBoundary},
	// Second-order system, Dirichlet at both ends: u = sin t + cosh t,
	// v = sin t - cosh t.
	{heldOutDef(problems.Definition{Name: "system-second", Vars: []string{"u", "v"}, Order: 2, RHS: []string{"-v", "-u"},
		T0: 0, T1: 1, BC: []string{"u(0) = 1", "v(0) = -1", "u(1) = sin(1) + (exp(1) + exp(-1))/2", "v(1) = sin(1) - (exp(1) + exp(-1))/2"},
		Exact: []string{"sin(t) + (exp(t) + exp(-t))/2", "sin(t) - (exp(t) + exp(-t))/2"}}), groupBoundary},
	// A large solution, Dirichlet at both ends.
	{heldOutDef(problems.Definition{Name: "big-dirichlet", Vars: []string{"y"}, Order: 2, RHS: []string{"-y"},
		T0: 0, T1: 2, BC: []string{"y(0) = 500", "y(2) = -300"},
		Exact: []string{"500*cos(t) + (-300 - 500*cos(2))/sin(2)*sin(t)"}}), groupBoundary},
}

// boundaryTuning are the boundary-value problems, besides bratu and robin,
// that the recipe's settings were chosen on (not held out): a large and a
// small solution (for the output scale), a nonlinear first-order system
// with a condition at each end, and a full period of an oscillation (for
// the corrections and the iteration limit). They are scored against the
// shooting reference.
var boundaryTuning = []accuracyCase{
	{heldOutDef(problems.Definition{Name: "tune-big", Vars: []string{"y"}, Order: 2, RHS: []string{"-4*y"},
		T0: 0, T1: 1, BC: []string{"y(0) = 2e4", "y(1) = -1e4"}}), groupBoundary},
	{heldOutDef(problems.Definition{Name: "tune-small", Vars: []string{"y"}, Order: 2, RHS: []string{"y"},
		T0: 0, T1: 1, BC: []string{"y(0) = 1e-4", "dy(1) = 0"}}), groupBoundary},
	{heldOutDef(problems.Definition{Name: "tune-duffing", Vars: []string{"x", "y"}, Order: 1, RHS: []string{"y", "x + 0.5*x^3"},
		T0: 0, T1: 1, BC: []string{"x(0) = 0.5", "y(1) = 0"}}), groupBoundary},
	{heldOutDef(problems.Definition{Name: "tune-long", Vars: []string{"y"}, Order: 2, RHS: []string{"-y"},
		T0: 0, T1: 6, BC: []string{"y(0) = 1", "y(6) = 0.5"}}), groupBoundary},
}

// TestBoundaryHeldOutExact checks each held-out boundary-value problem's
// exact solution: integrated as an initial-value problem from the exact
// state at t0, the reference integrator must follow it on the scoring
// grid to 1e-7 relative to the solution's largest value (as
// TestHeldOutExactSolutions: the integrator at tolerance 1e-10 keeps well
// within it; a wrong formula is off by far more), and each condition must
// hold there to 1e-8 (the integrator's slopes at the far end are good to
// about 1e-9). Shooting is not used: from its start at zero it cannot
// integrate system-nonlinear's -1/y.
func TestBoundaryHeldOutExact(t *testing.T) {
	for _, c := range boundaryHeldOut {
		p, err := problems.New(c.def)
		if err != nil {
			t.Fatal(err)
		}
		if !p.IsBoundaryValue() {
			t.Errorf("%s is not a boundary-value problem", p.Name)
		}
		ts := p.Grid(p.Points)
		got, err := p.Reference(ts, nil)
		if err != nil {
			t.Fatal(err)
		}
		ivp := c.def
		ivp.Exact, ivp.BC, ivp.Y0 = nil, nil, column(got.Y, 0)
		if p.Order == 2 {
			ivp.DY0 = column(got.DY, 0)
		}
		q, err := problems.New(ivp)
		if err != nil {
			t.Fatal(err)
		}
		want, err := q.Reference(ts, nil)
		if err != nil {
			t.Fatalf("%s: %v", p.Name, err)
		}
		checkExactFollows(t, p, got, want)
		for _, cond := range p.Conditions() {
			env := map[string]float64{}
			for _, v := range cond.Values {
				k := slices.Index(ts, v.At)
				if k < 0 {
					t.Fatalf("%s: %q: %g is not a grid point", p.Name, cond.Text, v.At)
				}
				env[v.Name] = want.Y[v.Var][k]
				if v.Deriv == 1 {
					env[v.Name] = want.DY[v.Var][k]
				}
			}
			r, err := expr.Eval(cond.Residual, env)
			if err != nil {
				t.Fatal(err)
			}
			if math.Abs(r) > 1e-8 {
				t.Errorf("%s: %q is off by %.3g", p.Name, cond.Text, r)
			}
		}
	}
}
