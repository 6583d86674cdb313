package problems

import (
	"fmt"
	"math"
	"slices"
	"strings"
)

// builtins are the problems pinn knows by name. decay and forum-final keep the
// forum thread's settings (grid, no input scaling); the others are scaled.
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
