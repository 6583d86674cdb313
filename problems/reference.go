package problems

import (
	"fmt"
	"maps"
	"slices"

	"pinn/problems/expr"
	"pinn/problems/ode"
)

// ReferenceTolerance is the relative and absolute tolerance of the reference
// integrator.
const ReferenceTolerance = 1e-10

// ShootTolerance is the largest |residual| of a condition that the shooting
// behind a boundary-value problem's reference accepts. It stays 10 times
// above ReferenceTolerance, the accuracy of the integrations it is computed
// from.
const ShootTolerance = 1e-9

// Solution holds a solution sampled at times T: Y[i][k] and DY[i][k] are
// variable i and its first derivative at T[k].
type Solution struct {
	T  []float64
	Y  [][]float64
	DY [][]float64
}

// Reference returns the problem's answer at ts (ascending, within the
// domain): the exact solution where the problem has one, else the
// Dormand-Prince 5(4) integrator at tolerance 1e-10, from the initial state
// the conditions set or, when they do not set it value by value (a
// boundary-value problem), from the one that shooting finds (ode.Shoot,
// residuals below ShootTolerance). Derivatives come from the integrator (the
// state of a second-order problem includes them) or, for a first-order
// problem, from the right-hand side at the exact solution. params overrides
// parameter values (an inverse problem's learned or true ones); nil keeps
// the problem's own. A family's reference is that of one member: params
// must give every range parameter a value (an error wrapping ErrMember
// says which is missing).
func (p *Problem) Reference(ts []float64, params map[string]float64) (*Solution, error) {
	params = mergeParams(p.Params, params)
	if err := p.rangeValuesGiven(params); err != nil {
		return nil, err
	}
	m := len(p.Vars)
	sol := &Solution{T: ts, Y: make([][]float64, m), DY: make([][]float64, m)}
	for i := range m {
		sol.Y[i] = make([]float64, len(ts))
		sol.DY[i] = make([]float64, len(ts))
	}
	needIntegration := !p.HasExact() || p.Order == 2
	if needIntegration {
		states, err := p.integrate(ts, params)
		if err != nil {
			return nil, err
		}
		for k, s := range states {
			for i := range m {
				sol.Y[i][k] = s[i]
				if p.Order == 2 {
					sol.DY[i][k] = s[m+i]
				}
			}
		}
	}
	if p.HasExact() {
		env := map[string]float64{}
		for k, v := range params {
			env[k] = v
		}
		for k, t := range ts {
			env[p.Indep] = t
			for i, e := range p.exact {
				y, err := expr.Eval(e, env)
				if err == nil && !finite(y) {
					err = fmt.Errorf("it is %g", y)
				}
				if err != nil {
					return nil, fmt.Errorf("problems: exact solution of %s at %s = %g: %w", p.Vars[i], p.Indep, t, err)
				}
				sol.Y[i][k] = y
			}
		}
	}
	if p.Order == 1 {
		f, err := p.firstOrderSystem(params)
		if err != nil {
			return nil, err
		}
		y, dy := make([]float64, m), make([]float64, m)
		for k, t := range ts {
			for i := range m {
				y[i] = sol.Y[i][k]
			}
			f(t, y, dy)
			for i := range m {
				sol.DY[i][k] = dy[i]
			}
		}
	}
	return sol, nil
}

// mergeParams returns base with the values of over in place of its own.
func mergeParams(base, over map[string]float64) map[string]float64 {
	all := maps.Clone(base)
	if all == nil {
		all = map[string]float64{}
	}
	maps.Copy(all, over)
	return all
}

// integrate solves the problem as a first-order system (y, y') with the
// reference integrator.
func (p *Problem) integrate(ts []float64, params map[string]float64) ([][]float64, error) {
	f, err := p.firstOrderSystem(params)
	if err != nil {
		return nil, err
	}
	y0, err := p.initialState(f, params)
	if err != nil {
		return nil, err
	}
	states, err := ode.Solve(f, p.T0, y0, ts, referenceSettings)
	if err != nil {
		return nil, fmt.Errorf("problems: reference integration of %s: %w", p.Name, err)
	}
	return states, nil
}

var referenceSettings = &ode.Settings{RelTol: ReferenceTolerance, AbsTol: ReferenceTolerance}

// initialState returns the state (y, y') at T0 of the solution that meets
// the conditions: set value by value by conditions such as y(0) = a, or else
// found by shooting from there (zero where no condition sets a value).
func (p *Problem) initialState(f ode.Func, params map[string]float64) ([]float64, error) {
	m := len(p.Vars)
	state := make([]float64, p.Order*m)
	for _, c := range p.conds {
		if c.Sets == nil || c.Values[0].At != p.T0 {
			continue
		}
		v, err := expr.Eval(c.Sets, params)
		if err == nil && !finite(v) {
			err = fmt.Errorf("it is %g", v)
		}
		if err != nil {
			return nil, fmt.Errorf("problems: condition %q: %w", c.Text, err)
		}
		state[c.Values[0].Var+c.Values[0].Deriv*m] = v
	}
	if _, _, explicit := p.InitialValues(); explicit {
		return state, nil
	}
	points, bc, err := p.boundaryFunc(params)
	if err != nil {
		return nil, err
	}
	s, err := ode.Shoot(f, p.T0, state, points, bc, &ode.ShootSettings{Integrator: referenceSettings, Tol: ShootTolerance})
	if err != nil {
		return nil, fmt.Errorf("problems: reference of %s, shooting for %s: %w", p.Name, p.InitialConditions(), err)
	}
	return s, nil
}

// boundaryFunc compiles the conditions into ode.BoundaryFunc form: the
// residual of each condition from the states at points, the distinct
// points of the conditions in ascending order.
func (p *Problem) boundaryFunc(params map[string]float64) ([]float64, ode.BoundaryFunc, error) {
	var points []float64
	for _, c := range p.conds {
		for _, v := range c.Values {
			points = append(points, v.At)
		}
	}
	slices.Sort(points)
	points = slices.Compact(points)
	// x holds the parameters, then one slot per distinct value; at says
	// where in the states each value slot is read.
	names := sortedKeys(params)
	slots := map[string]int{}
	x := make([]float64, len(names))
	for j, k := range names {
		slots[k] = j
		x[j] = params[k]
	}
	type source struct{ point, state int }
	var at []source
	for _, c := range p.conds {
		for _, v := range c.Values {
			if _, ok := slots[v.Name]; !ok {
				slots[v.Name] = len(x)
				x = append(x, 0)
				at = append(at, source{slices.Index(points, v.At), v.Var + v.Deriv*len(p.Vars)})
			}
		}
	}
	fs := make([]func([]float64) float64, len(p.conds))
	for i, c := range p.conds {
		f, err := expr.Compile(c.Residual, slots)
		if err != nil {
			return nil, nil, fmt.Errorf("problems: condition %q: %w", c.Text, err)
		}
		fs[i] = f
	}
	return points, func(ys [][]float64, res []float64) {
		for k, a := range at {
			x[len(names)+k] = ys[a.point][a.state]
		}
		for i, f := range fs {
			res[i] = f(x)
		}
	}, nil
}

// firstOrderSystem compiles the right-hand sides into ode.Func form. For a
// second-order problem the state is (y, y') and the system is
// (y, y')' = (y', f(t, y, y')).
func (p *Problem) firstOrderSystem(params map[string]float64) (ode.Func, error) {
	m := len(p.Vars)
	slots := map[string]int{p.Indep: 0}
	for i, v := range p.Vars {
		slots[v] = 1 + i
		if p.Order == 2 {
			slots["d"+v] = 1 + m + i
		}
	}
	base := len(slots)
	names := sortedKeys(params)
	for j, k := range names {
		slots[k] = base + j
	}
	fs := make([]func([]float64) float64, m)
	for i, e := range p.rhs {
		f, err := expr.Compile(e, slots)
		if err != nil {
			return nil, fmt.Errorf("problems: right-hand side of %s: %w", p.Vars[i], err)
		}
		fs[i] = f
	}
	x := make([]float64, base+len(names))
	for j, k := range names {
		x[base+j] = params[k]
	}
	return func(t float64, y, dydt []float64) {
		x[0] = t
		copy(x[1:base], y)
		for i, f := range fs {
			v := f(x)
			if p.Order == 2 {
				dydt[i] = y[m+i]
				dydt[m+i] = v
			} else {
				dydt[i] = v
			}
		}
	}, nil
}
