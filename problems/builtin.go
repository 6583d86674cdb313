package problems

import (
	"fmt"
	"math"
	"slices"
	"strings"
)

// builtins are the problems pinn knows by name: initial-value problems,
// then boundary-value problems. decay and forum-final keep the forum
// thread's settings (grid, no input scaling); the others are scaled.
var builtins = []Definition{
	{
		Name:    "decay",
		Summary: "exponential decay, the forum thread's first post",
		Vars:    []string{"y"}, Order: 1, RHS: []string{"-y"},
		T0: 0, T1: 2, Y0: []float64{1}, Points: 21, // t = 0:0.1:2
		Exact: []string{"exp(-t)"},
	},
	{
		Name:    "forum-final",
		Summary: "the forum thread's final code",
		Indep:   "x", Vars: []string{"y"}, Order: 1, RHS: []string{"-2*y"},
		T0: 1, T1: 5, Y0: []float64{math.Exp(-2)}, Points: 41, // x = 1:0.1:5
		Exact: []string{"exp(-2*x)"},
	},
	{
		Name:    "oscillator",
		Summary: "harmonic oscillator over one period",
		Vars:    []string{"y"}, Order: 2, RHS: []string{"-y"},
		T0: 0, T1: 6.283185307179586, Y0: []float64{1}, DY0: []float64{0}, Points: 101,
		Exact: []string{"cos(t)"}, ScaleInput: true,
	},
	{
		Name:    "damped-oscillator",
		Summary: "underdamped oscillator y'' + c y' + k y = 0 (damping ratio 0.1)",
		Vars:    []string{"y"}, Order: 2, RHS: []string{"-c*dy - k*y"},
		Params: map[string]float64{"c": 0.4, "k": 4},
		T0:     0, T1: 6.283185307179586, Y0: []float64{1}, DY0: []float64{0}, Points: 101,
		// omega_d = sqrt(k - c^2/4) = sqrt(3.96), decay rate c/2 = 0.2
		Exact:      []string{"exp(-c/2*t)*(cos(sqrt(k - c^2/4)*t) + c/2/sqrt(k - c^2/4)*sin(sqrt(k - c^2/4)*t))"},
		ScaleInput: true,
	},
	{
		Name:    "lotka-volterra",
		Summary: "predator and prey, scored against the reference integrator",
		Vars:    []string{"x", "y"}, Order: 1, RHS: []string{"a*x - b*x*y", "-c*y + d*x*y"},
		Params: map[string]float64{"a": 1.5, "b": 1, "c": 3, "d": 1},
		T0:     0, T1: 5, Y0: []float64{1, 1}, Points: 201, ScaleInput: true,
	},
	{
		Name:    "van-der-pol",
		Summary: "Van der Pol oscillator, mu = 1, a limit cycle scored against the reference integrator",
		Vars:    []string{"y"}, Order: 2, RHS: []string{"mu*(1 - y^2)*dy - y"},
		Params: map[string]float64{"mu": 1},
		T0:     0, T1: 10, Y0: []float64{2}, DY0: []float64{0}, Points: 201, ScaleInput: true,
	},
	{
		Name:    "bratu",
		Summary: "Bratu's problem y'' + lambda e^y = 0 with lambda = 1, its lower solution",
		Indep:   "x", Vars: []string{"y"}, Order: 2, RHS: []string{"-exp(y)"},
		T0: 0, T1: 1, BC: []string{"y(0) = 0", "y(1) = 0"}, Points: 101,
		Exact: []string{bratuExact(1)}, ScaleInput: true,
	},
	{
		Name:    "robin",
		Summary: "y'' = -k^2 y with y(0) = 1 and the Robin condition y(1) + y'(1) = 0",
		Indep:   "x", Vars: []string{"y"}, Order: 2, RHS: []string{"-k^2*y"},
		Params: map[string]float64{"k": 1.5},
		T0:     0, T1: 1, BC: []string{"y(0) = 1", "y(1) + dy(1) = 0"}, Points: 101,
		// y = cos(k x) + B sin(k x) has y(0) = 1, and the Robin condition
		// cos k + B sin k + k (B cos k - sin k) = 0 gives B.
		Exact:      []string{"cos(k*x) + (k*sin(k) - cos(k))/(sin(k) + k*cos(k))*sin(k*x)"},
		ScaleInput: true,
	},
}

// bratuExact returns the lower solution of Bratu's problem
// y” + lambda e^y = 0, y(0) = y(1) = 0, for lambda below the turning
// point 3.51:
//
//	y = -2 ln(cosh((x - 1/2) theta/2) / cosh(theta/4)),
//
// with cosh written out in exponentials, the functions the expression
// language has. Then y' = -theta tanh((x - 1/2) theta/2) and
// y” = -theta^2/2 / cosh^2((x - 1/2) theta/2), while
// lambda e^y = lambda cosh^2(theta/4) / cosh^2((x - 1/2) theta/2), so the
// equation holds exactly when theta^2 = 2 lambda cosh^2(theta/4); both ends
// give cosh(theta/4) / cosh(theta/4), so y(0) = y(1) = 0.
func bratuExact(lambda float64) string {
	theta := formatFloat(bratuTheta(lambda))
	return "-2*log((exp((x - 0.5)*" + theta + "/2) + exp(-(x - 0.5)*" + theta + "/2))/(exp(" + theta + "/4) + exp(-" + theta + "/4)))"
}

// bratuTheta returns the smaller root of theta = sqrt(2 lambda) cosh(theta/4),
// the one of the lower solution. Newton's method from 0 climbs to it
// monotonically, as the right-hand side is convex, and stops when a step no
// longer moves theta.
func bratuTheta(lambda float64) float64 {
	c := math.Sqrt(2 * lambda)
	theta := 0.0
	for range 100 {
		step := (theta - c*math.Cosh(theta/4)) / (1 - c/4*math.Sinh(theta/4))
		theta -= step
		if math.Abs(step) <= 1e-16*theta {
			break
		}
	}
	return theta
}

// Names lists the built-in problems.
func Names() []string {
	names := make([]string, len(builtins))
	for i, d := range builtins {
		names[i] = d.Name
	}
	return names
}

// Builtin returns the built-in problem with the given name.
func Builtin(name string) (*Problem, error) {
	i := slices.IndexFunc(builtins, func(d Definition) bool { return d.Name == name })
	if i < 0 {
		return nil, fmt.Errorf("problems: unknown problem %q (want one of %s)", name, strings.Join(Names(), ", "))
	}
	return New(builtins[i].clone())
}
