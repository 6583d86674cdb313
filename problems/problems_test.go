package problems

import (
	"math"
	"math/rand/v2"
	"slices"
	"strings"
	"testing"
)

func newRand(seed uint64) *rand.Rand { return rand.New(rand.NewPCG(seed, 1)) }

// TestBuiltinsExactMatchIntegrator checks every built-in exact solution,
// boundary-value problems included, against the Dormand-Prince reference
// (run as if there were no exact solution, so with shooting for a
// boundary-value problem), values and derivatives. Tolerance 1e-8: the
// integrator at tolerance 1e-10 is measured at 2e-10 or better on these
// problems (problems/ode tests), shooting at 1.4e-10 (TestReferenceShooting);
// a wrong formula is off by far more.
func TestBuiltinsExactMatchIntegrator(t *testing.T) {
	for _, def := range builtins {
		p, err := New(def.clone())
		if err != nil {
			t.Fatal(err)
		}
		name := p.Name
		ts := p.Grid(p.Points)
		got, err := p.Reference(ts, nil)
		if err != nil {
			t.Fatal(err)
		}
		q := *p
		q.exact = nil
		want, err := q.Reference(ts, nil)
		if err != nil {
			t.Fatal(err)
		}
		for i, v := range p.Vars {
			for k, tk := range ts {
				if d := math.Abs(got.Y[i][k] - want.Y[i][k]); d > 1e-8 {
					t.Errorf("%s: %s(%g) = %.12g, integrator %.12g", name, v, tk, got.Y[i][k], want.Y[i][k])
				}
				if d := math.Abs(got.DY[i][k] - want.DY[i][k]); d > 1e-8 {
					t.Errorf("%s: %s'(%g) = %.12g, integrator %.12g", name, v, tk, got.DY[i][k], want.DY[i][k])
				}
			}
		}
	}
}

// TestBratuTheta checks the constant of Bratu's lower solution for
// lambda = 1 against 1.5171645990507543685 (mpmath's findroot at 30
// digits), to 4 ulps, and that it solves its equation.
func TestBratuTheta(t *testing.T) {
	theta := bratuTheta(1)
	if d := math.Abs(theta - 1.5171645990507543685); d > 4*0x1p-52*theta {
		t.Errorf("theta = %.17g, off by %.2g", theta, d)
	}
	if r := theta - math.Sqrt2*math.Cosh(theta/4); math.Abs(r) > 1e-15 {
		t.Errorf("theta - sqrt(2) cosh(theta/4) = %.3g", r)
	}
}

// TestBoundaryBuiltins checks that the built-in boundary-value problems are
// ones, and pins y(1/2) of each to 4 ulps (the formula is evaluated in a
// handful of operations) against mpmath at 30 digits: Bratu's
// -2 ln(1/cosh(theta/4)), and Robin's cos(0.75) + B sin(0.75) with
// B = 1.2916856279104793.
func TestBoundaryBuiltins(t *testing.T) {
	mid := map[string]float64{"bratu": 0.14053921440047180, "robin": 1.6121518586226818}
	for name := range mid {
		p, err := Builtin(name)
		if err != nil {
			t.Fatal(err)
		}
		if !p.IsBoundaryValue() || !p.HasExact() {
			t.Errorf("%s: boundary-value %v, exact %v", p.Name, p.IsBoundaryValue(), p.HasExact())
		}
		sol, err := p.Reference([]float64{0.5}, nil)
		if err != nil {
			t.Fatal(err)
		}
		if y := sol.Y[0][0]; math.Abs(y-mid[p.Name]) > 4*0x1p-52*math.Abs(y) {
			t.Errorf("%s: y(1/2) = %.17g, want %.17g", p.Name, y, mid[p.Name])
		}
	}
}

// TestThreadProblems pins the thread's grids and initial values.
func TestThreadProblems(t *testing.T) {
	decay, _ := Builtin("decay")
	if g := decay.Grid(decay.Points); len(g) != 21 || g[0] != 0 || g[20] != 2 || math.Abs(g[1]-0.1) > 1e-16 {
		t.Errorf("decay grid %v, want 0:0.1:2", g)
	}
	ff, _ := Builtin("forum-final")
	if g := ff.Grid(ff.Points); len(g) != 41 || g[0] != 1 || g[40] != 5 || ff.Y0[0] != math.Exp(-2) || ff.Indep != "x" {
		t.Errorf("forum-final: grid %v, y0 %v, independent variable %q", g, ff.Y0, ff.Indep)
	}
	if eq := ff.Equation(); eq != "dy/dx = -2*y" {
		t.Errorf("forum-final equation %q", eq)
	}
}

// TestBuiltinIsACopy checks that changing a returned problem leaves the
// built-in alone.
func TestBuiltinIsACopy(t *testing.T) {
	p, _ := Builtin("damped-oscillator")
	p.Params["c"] = 99
	p.Y0[0] = 99
	q, _ := Builtin("damped-oscillator")
	if q.Params["c"] != 0.4 || q.Y0[0] != 1 {
		t.Errorf("a caller changed the built-in: %v %v", q.Params, q.Y0)
	}
}

func TestNewRejects(t *testing.T) {
	base := Definition{Name: "x", Vars: []string{"y"}, Order: 1, RHS: []string{"-y"}, T0: 0, T1: 1, Y0: []float64{1}, Points: 5}
	tests := []struct {
		change func(*Definition)
		msg    string
	}{
		{func(d *Definition) { d.Vars = nil; d.RHS = nil; d.Y0 = nil }, "no state variables"},
		{func(d *Definition) { d.Order = 3 }, "order 3"},
		{func(d *Definition) { d.T1 = 0 }, "not an interval"},
		{func(d *Definition) { d.T1 = math.Inf(1) }, "not an interval"},
		{func(d *Definition) { d.Points = 1 }, "need at least 2"},
		{func(d *Definition) { d.Y0 = []float64{math.NaN()} }, "not finite"},
		{func(d *Definition) { d.Vars = []string{"t"} }, `"t" is already independent variable t`},
		{func(d *Definition) { d.Vars = []string{"pi"} }, `"pi" is already the constant pi`},
		{func(d *Definition) { d.Vars = []string{"exp"} }, "is a function name"},
		{func(d *Definition) { d.Vars = []string{"2y"} }, "is not a name"},
		{func(d *Definition) { d.Params = map[string]float64{"y": 1} }, `parameter "y" is already variable y`},
		{func(d *Definition) { d.Unknown = []string{"k"} }, `unknown parameter "k" has no starting value`},
		{func(d *Definition) { d.RHS = []string{"-y +"} }, "right-hand side of y"},
		{func(d *Definition) { d.Exact = []string{"exp(-t) + y"} }, `exact solution of y: column 11: unknown name "y"`},
		{func(d *Definition) { d.DY0 = []float64{0} }, "only for second-order"},
	}
	for _, tt := range tests {
		d := base.clone()
		tt.change(&d)
		if _, err := New(d); err == nil || !strings.Contains(err.Error(), tt.msg) {
			t.Errorf("err = %v, want one saying %q", err, tt.msg)
		}
	}
}

// TestSamplers checks the three samplings: the grid's ends, uniform points
// inside the domain and repeatable for a seed, and the Sobol (van der
// Corput) points 1/2, 1/4, 3/4, 1/8, 5/8, ... mapped onto the domain.
func TestSamplers(t *testing.T) {
	p, _ := Builtin("forum-final") // [1, 5]
	g := p.NewSampler(SampleGrid, nil).Points(5)
	if !slices.Equal(g, []float64{1, 2, 3, 4, 5}) {
		t.Errorf("grid %v", g)
	}
	s := p.NewSampler(SampleSobol, nil)
	// Points 1..3 are 1/2, 1/4, 3/4; points 4 and 5 are 1/8 and 5/8.
	if a, b := s.Points(3), s.Points(2); !slices.Equal(a, []float64{2, 3, 4}) || !slices.Equal(b, []float64{1.5, 3.5}) {
		t.Errorf("sobol %v then %v, want [2 3 4] then [1.5 3.5]", a, b)
	}
	draw := func() []float64 { return p.NewSampler(SampleUniform, newRand(7)).Points(50) }
	u := draw()
	if !slices.Equal(u, draw()) || !slices.IsSorted(u) || u[0] < 1 || u[49] >= 5 {
		t.Errorf("uniform points not sorted, repeatable and inside [1, 5): %v", u)
	}
}

func TestReadObservations(t *testing.T) {
	p, err := New(Definition{Name: "lv", Vars: []string{"x", "y"}, Order: 1, RHS: []string{"x", "y"}, T0: 0, T1: 1, Y0: []float64{1, 1}, Points: 3})
	if err != nil {
		t.Fatal(err)
	}
	obs, err := p.ReadObservations(strings.NewReader("y, t, x\n2, 0.5, 1\n3,1,4\n"))
	if err != nil {
		t.Fatal(err)
	}
	if !slices.Equal(obs.T, []float64{0.5, 1}) || !slices.Equal(obs.Y[0], []float64{1, 4}) || !slices.Equal(obs.Y[1], []float64{2, 3}) {
		t.Errorf("read %+v", obs)
	}
	for _, tt := range []struct{ csv, msg string }{
		{"", "empty"},
		{"t,x\n1,2\n", `no column "y"`},
		{"t,x,y,z\n1,2,3,4\n", `column "z"`},
		{"t,x,y\n", "no observations"},
		{"t,x,y\n1,2,abc\n", `line 2, column y: "abc" is not a finite number`},
		{"t,x,y\n1,2,NaN\n", "not a finite number"},
		{"t,x,y\n1,2\n", "wrong number of fields"},
	} {
		if _, err := p.ReadObservations(strings.NewReader(tt.csv)); err == nil || !strings.Contains(err.Error(), tt.msg) {
			t.Errorf("%q: err = %v, want one saying %q", tt.csv, err, tt.msg)
		}
	}
}
