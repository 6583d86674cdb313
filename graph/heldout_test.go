package graph

import (
	"math"
	"slices"
	"testing"

	"pinn/problems"
)

// goalGroup is one of issue 11's two accuracy goals: the rel_l2 every seed
// must reach and the time ceiling on 2 cores.
type goalGroup struct {
	name    string
	relL2   float64
	seconds float64
}

// The two goal groups of issue 11.
var (
	// groupScalar: scalar and second-order ODEs over up to one period or
	// decay time scale.
	groupScalar = goalGroup{"1e-6/10s", 1e-6, 10}
	// groupHard: systems, limit cycles, domains of three or more periods,
	// moderately stiff equations (rates up to about 50 over the domain).
	groupHard = goalGroup{"1e-5/30s", 1e-5, 30}
)

// accuracyCase is one equation of the accuracy study with its goal.
// seedsStudy is one case of an accuracy study over seeds 1 to 5: the worst
// rel_l2 on the problem's grid (what pinn reports) and on 1001 points, and
// the worst time.
type seedsStudy struct {
	worst, worstDense, worstSeconds float64
}

// studySeeds trains p with fit from seeds 1 to 5, scores each model on the
// problem's grid and on 1001 points, and passes each result to each.
func studySeeds(b *testing.B, p *problems.Problem, fit func(seed uint64) (*Result, error), each func(*Result)) seedsStudy {
	var s seedsStudy
	for seed := uint64(1); seed <= 5; seed++ {
		res, err := fit(seed)
		if err != nil {
			b.Fatalf("seed %d: %v", seed, err)
		}
		dense, err := res.Model.Evaluate(p.Grid(1001))
		if err != nil {
			b.Fatal(err)
		}
		s.worst, s.worstDense = math.Max(s.worst, res.Score.RelL2), math.Max(s.worstDense, dense.RelL2)
		s.worstSeconds = math.Max(s.worstSeconds, res.Seconds)
		each(res)
	}
	return s
}

// report reports the study's errors as digits (-log10 rel_l2: benchmark
// metrics print too few digits for 1e-8) and its worst time, and whether
// the worst seed meets g on both grids and in time, as a metric and as
// the "yes" or "no" it returns for the README's table.
func (s seedsStudy) report(b *testing.B, g goalGroup) string {
	met := math.Max(s.worst, s.worstDense) <= g.relL2 && s.worstSeconds <= g.seconds
	b.ReportMetric(-math.Log10(s.worst), "digits")
	b.ReportMetric(-math.Log10(s.worstDense), "dense_digits")
	b.ReportMetric(s.worstSeconds, "worst_s")
	if met {
		b.ReportMetric(1, "met")
		return "yes"
	}
	b.ReportMetric(0, "met")
	return "no"
}

type accuracyCase struct {
	def   problems.Definition
	group goalGroup
}

// heldOut is the held-out set of issue 11, written down before any tuning
// of the default recipe: equations of the kinds the goal names with
// parameters chosen to vary scale, sign, domain start, stiffness and the
// kind of nonlinearity. Where an exact solution is given it is checked
// against the reference integrator (TestHeldOutExactSolutions); the others
// are scored against the integrator. Points is 101, pinn solve's default.
var heldOut = []accuracyCase{
	// Group 1e-6: scalar and second-order, up to one period or time scale.
	{heldOutDef(problems.Definition{Name: "logistic", Vars: []string{"y"}, Order: 1, RHS: []string{"y*(1 - y)"},
		T0: 0, T1: 6, Y0: []float64{0.1}, Exact: []string{"1/(1 + 9*exp(-t))"}}), groupScalar},
	{heldOutDef(problems.Definition{Name: "inverse", Vars: []string{"y"}, Order: 1, RHS: []string{"1/y"},
		T0: 0, T1: 2, Y0: []float64{1}, Exact: []string{"sqrt(1 + 2*t)"}}), groupScalar},
	{heldOutDef(problems.Definition{Name: "t-minus-y", Vars: []string{"y"}, Order: 1, RHS: []string{"t - y"},
		T0: 0, T1: 2, Y0: []float64{1}, Exact: []string{"t - 1 + 2*exp(-t)"}}), groupScalar},
	{heldOutDef(problems.Definition{Name: "riccati-tan", Vars: []string{"y"}, Order: 1, RHS: []string{"1 + y^2"},
		T0: 0, T1: 1.2, Y0: []float64{0}, Exact: []string{"tan(t)"}}), groupScalar},
	{heldOutDef(problems.Definition{Name: "riccati", Vars: []string{"y"}, Order: 1, RHS: []string{"y^2 - t"},
		T0: 0, T1: 3, Y0: []float64{0}}), groupScalar},
	{heldOutDef(problems.Definition{Name: "growth", Vars: []string{"y"}, Order: 1, RHS: []string{"2*y"},
		T0: 0, T1: 2, Y0: []float64{1}, Exact: []string{"exp(2*t)"}}), groupScalar},
	{heldOutDef(problems.Definition{Name: "decay-1000", Vars: []string{"y"}, Order: 1, RHS: []string{"-0.5*y"},
		T0: 0, T1: 4, Y0: []float64{1000}, Exact: []string{"1000*exp(-0.5*t)"}}), groupScalar},
	{heldOutDef(problems.Definition{Name: "forced-late", Vars: []string{"y"}, Order: 1, RHS: []string{"sin(t) - y"},
		T0: 10, T1: 13, Y0: []float64{0.5}}), groupScalar},
	{heldOutDef(problems.Definition{Name: "gaussian", Vars: []string{"y"}, Order: 1, RHS: []string{"-2*t*y"},
		T0: 0, T1: 3, Y0: []float64{1}, Exact: []string{"exp(-t^2)"}}), groupScalar},
	{heldOutDef(problems.Definition{Name: "exp-sin", Vars: []string{"y"}, Order: 1, RHS: []string{"cos(t)*y"},
		T0: 0, T1: 6.3, Y0: []float64{1}, Exact: []string{"exp(sin(t))"}}), groupScalar},
	// amplitude 1 rad: period 2 pi x 1.0663 = 6.70
	{heldOutDef(problems.Definition{Name: "pendulum", Vars: []string{"y"}, Order: 2, RHS: []string{"-sin(y)"},
		T0: 0, T1: 6.7, Y0: []float64{1}, DY0: []float64{0}}), groupScalar},
	// omega_d = sqrt(16 - 1/16), one period 1.57
	{heldOutDef(problems.Definition{Name: "damped-fast", Vars: []string{"y"}, Order: 2, RHS: []string{"-0.5*dy - 16*y"},
		T0: 0, T1: 1.6, Y0: []float64{0}, DY0: []float64{4},
		Exact: []string{"4/sqrt(16 - 1/16)*exp(-t/4)*sin(sqrt(16 - 1/16)*t)"}}), groupScalar},

	// Group 1e-5: systems, limit cycles, three or more periods, stiff.
	{heldOutDef(problems.Definition{Name: "cos-3-periods", Vars: []string{"y"}, Order: 2, RHS: []string{"-y"},
		T0: 0, T1: 20, Y0: []float64{1}, DY0: []float64{0}, Exact: []string{"cos(t)"}}), groupHard},
	{heldOutDef(problems.Definition{Name: "sir", Vars: []string{"S", "I", "R"}, Order: 1,
		RHS:    []string{"-b*S*I", "b*S*I - g*I", "g*I"},
		Params: map[string]float64{"b": 0.4, "g": 0.1},
		T0:     0, T1: 40, Y0: []float64{0.99, 0.01, 0}}), groupHard},
	// y = A cos t + B sin t - A exp(-50 t), A = 2500/2501, B = 50/2501
	{heldOutDef(problems.Definition{Name: "stiff-50", Vars: []string{"y"}, Order: 1, RHS: []string{"-50*(y - cos(t))"},
		T0: 0, T1: 2, Y0: []float64{0}, Exact: []string{"2500/2501*(cos(t) - exp(-50*t)) + 50/2501*sin(t)"}}), groupHard},
	{heldOutDef(problems.Definition{Name: "stiff-20", Vars: []string{"y"}, Order: 1, RHS: []string{"-20*(y - t^2) + 2*t"},
		T0: 0, T1: 2, Y0: []float64{1}, Exact: []string{"t^2 + exp(-20*t)"}}), groupHard},
	{heldOutDef(problems.Definition{Name: "duffing", Vars: []string{"y"}, Order: 2, RHS: []string{"-0.2*dy - y - y^3 + 0.3*cos(t)"},
		T0: 0, T1: 10, Y0: []float64{1}, DY0: []float64{0}}), groupHard},
	{heldOutDef(problems.Definition{Name: "rotation", Vars: []string{"x", "y"}, Order: 1, RHS: []string{"-0.1*x - 2*y", "2*x - 0.1*y"},
		T0: 0, T1: 10, Y0: []float64{1, 0}, Exact: []string{"exp(-0.1*t)*cos(2*t)", "exp(-0.1*t)*sin(2*t)"}}), groupHard},
	// an eccentric orbit (e = 0.44) from perihelion at r = 1 to past aphelion
	{heldOutDef(problems.Definition{Name: "kepler", Vars: []string{"x", "y"}, Order: 2,
		RHS: []string{"-x/sqrt(x^2 + y^2)^3", "-y/sqrt(x^2 + y^2)^3"},
		T0:  0, T1: 8, Y0: []float64{1, 0}, DY0: []float64{0, 1.2}}), groupHard},
	{heldOutDef(problems.Definition{Name: "brusselator", Vars: []string{"x", "y"}, Order: 1,
		RHS: []string{"1 - (b + 1)*x + x^2*y", "b*x - x^2*y"}, Params: map[string]float64{"b": 3},
		T0: 0, T1: 15, Y0: []float64{1, 1}}), groupHard},
	{heldOutDef(problems.Definition{Name: "lotka-volterra-2", Vars: []string{"x", "y"}, Order: 1,
		RHS:    []string{"a*x - b*x*y", "-c*y + d*x*y"},
		Params: map[string]float64{"a": 1, "b": 0.1, "c": 1.5, "d": 0.075},
		T0:     0, T1: 15, Y0: []float64{10, 5}}), groupHard},
}

// tuningSet are the equations, besides the built-ins, that the recipe's
// settings were chosen on: solutions of very large and very small size
// (for the output scale) and growing solutions (for the error estimate's
// growth weight). They are not held out.
var tuningSet = []accuracyCase{
	{heldOutDef(problems.Definition{Name: "tune-big", Vars: []string{"y"}, Order: 2, RHS: []string{"-4*y"},
		T0: 0, T1: 3, Y0: []float64{5e4}, DY0: []float64{0}, Exact: []string{"5e4*cos(2*t)"}}), groupScalar},
	{heldOutDef(problems.Definition{Name: "tune-small", Vars: []string{"y"}, Order: 1, RHS: []string{"-3*y + 1e-4*sin(t)"},
		T0: 0, T1: 2, Y0: []float64{2e-4}}), groupScalar},
	{heldOutDef(problems.Definition{Name: "tune-grow", Vars: []string{"y"}, Order: 1, RHS: []string{"1.5*y + sin(t)"},
		T0: 0, T1: 3, Y0: []float64{0.5}}), groupScalar},
	{heldOutDef(problems.Definition{Name: "tune-grow2", Vars: []string{"y"}, Order: 2, RHS: []string{"y"},
		T0: 0, T1: 3, Y0: []float64{1}, DY0: []float64{1}, Exact: []string{"exp(t)"}}), groupScalar},
}

// heldOutDef fills in what every held-out definition shares.
func heldOutDef(d problems.Definition) problems.Definition {
	d.Points, d.ScaleInput = 101, true
	return d
}

// builtinGroups assigns each built-in problem its goal group. The damped
// oscillator spans two periods, between the groups; it gets the stricter.
var builtinGroups = map[string]goalGroup{
	"decay":             groupScalar,
	"forum-final":       groupScalar,
	"oscillator":        groupScalar,
	"damped-oscillator": groupScalar,
	"lotka-volterra":    groupHard,
	"van-der-pol":       groupHard,
}

// TestHeldOutExactSolutions checks each held-out (and tuning) exact solution against the
// reference integrator run without it, on the scoring grid. Tolerance 1e-7
// relative to the solution's largest value: the integrator at tolerance
// 1e-10 keeps well within it over these domains; a wrong formula is off by
// far more.
func TestHeldOutExactSolutions(t *testing.T) {
	for _, c := range append(slices.Clone(heldOut), tuningSet...) {
		if len(c.def.Exact) == 0 {
			continue
		}
		p, err := problems.New(c.def)
		if err != nil {
			t.Fatal(err)
		}
		noExact := c.def
		noExact.Exact = nil
		q, err := problems.New(noExact)
		if err != nil {
			t.Fatal(err)
		}
		ts := p.Grid(p.Points)
		got, err := p.Reference(ts, nil)
		if err != nil {
			t.Fatal(err)
		}
		want, err := q.Reference(ts, nil)
		if err != nil {
			t.Fatal(err)
		}
		checkExactFollows(t, p, got, want)
	}
}

// checkExactFollows requires the exact solution got of p to follow the
// integrator's want to 1e-7 relative to the solution's largest value.
func checkExactFollows(t *testing.T, p *problems.Problem, got, want *problems.Solution) {
	t.Helper()
	for i := range p.Vars {
		scale := 0.0
		for _, y := range want.Y[i] {
			scale = math.Max(scale, math.Abs(y))
		}
		for k, tk := range want.T {
			if d := math.Abs(got.Y[i][k] - want.Y[i][k]); d > 1e-7*scale {
				t.Errorf("%s: %s(%g) exact %.12g, integrator %.12g", p.Name, p.Vars[i], tk, got.Y[i][k], want.Y[i][k])
			}
		}
	}
}
