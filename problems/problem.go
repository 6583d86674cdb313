package problems

import (
	"errors"
	"fmt"
	"maps"
	"math"
	"slices"
	"strings"

	"pinn/problems/expr"
)

// Definition is a problem as text: as a user types it, a file stores it or
// List shows it. Problem parses and checks it.
type Definition struct {
	Name    string `json:"name"`
	Summary string `json:"summary,omitempty"`
	// Indep names the independent variable; "" means "t".
	Indep string   `json:"indep,omitempty"`
	Vars  []string `json:"vars"`
	// Order is 1 or 2: RHS gives dy/dt or d2y/dt2.
	Order int      `json:"order"`
	RHS   []string `json:"rhs"`
	// Params holds the known parameters, and the starting values of Unknown.
	Params map[string]float64 `json:"params,omitempty"`
	// Unknown names the parameters an inverse problem learns.
	Unknown []string `json:"unknown,omitempty"`
	// Ranges makes the problem a family: one problem for every value of
	// each range parameter in its interval, and a solution that is a
	// function of t and of them. Right-hand sides, conditions and exact
	// solutions may use range parameters like parameters, and at least
	// one right-hand side or condition must. A family may have unknown
	// parameters too (learned from observations that say which member
	// they come from), but no parameter is both.
	Ranges map[string]Range `json:"ranges,omitempty"`
	T0     float64          `json:"t0"`
	T1     float64          `json:"t1"`
	// Y0 and DY0 are a shorthand for the conditions y_i(T0) = Y0[i] and
	// dy_i(T0) = DY0[i]; each is either empty or one value per variable.
	Y0  []float64 `json:"y0"`
	DY0 []float64 `json:"dy0,omitempty"`
	// BC holds further conditions as typed, equations between
	// expressions of the variables and, for a second-order problem,
	// their first derivatives at points of [T0, T1], and parameters:
	// "y(1) = 0", "dy(0) = 0", "y(1) + 2*dy(1) = 3". With Y0 and DY0
	// there must be Order conditions per variable.
	BC []string `json:"bc,omitempty"`
	// Points is the size of the default collocation grid.
	Points int `json:"points"`
	// Exact gives the exact solution of each variable; empty means the
	// reference integrator scores runs.
	Exact []string `json:"exact,omitempty"`
	// ScaleInput says whether the network sees t mapped onto [-1, 1].
	ScaleInput bool `json:"scale_input"`
}

// Problem is a checked Definition with its expressions parsed.
type Problem struct {
	Definition
	rhs   []expr.Expr
	exact []expr.Expr
	conds []Condition
}

// Errors a Definition can fail with; each is wrapped with the details.
var (
	// ErrDefinition means a definition is inconsistent (counts, domain, names).
	ErrDefinition = errors.New("problems: bad definition")
	// ErrExpression means an equation or exact solution does not parse or uses unknown names.
	ErrExpression = errors.New("problems: bad expression")
)

// New checks d and parses its expressions.
func New(d Definition) (*Problem, error) {
	d = d.clone()
	if d.Indep == "" {
		d.Indep = "t"
	}
	if err := d.check(); err != nil {
		return nil, fmt.Errorf("%w: %w", ErrDefinition, err)
	}
	p := &Problem{Definition: d}
	names := d.rhsNames()
	for i, src := range d.RHS {
		e, err := parseChecked(src, names)
		if err != nil {
			return nil, fmt.Errorf("%w: right-hand side of %s: %w", ErrExpression, d.Vars[i], err)
		}
		p.rhs = append(p.rhs, e)
	}
	for i, src := range d.Exact {
		e, err := parseChecked(src, d.exactNames())
		if err != nil {
			return nil, fmt.Errorf("%w: exact solution of %s: %w", ErrExpression, d.Vars[i], err)
		}
		p.exact = append(p.exact, e)
	}
	conds, err := d.conditions()
	if err != nil {
		return nil, fmt.Errorf("%w: %w", ErrExpression, err)
	}
	p.conds = conds
	if err := p.rangesUsed(); err != nil {
		return nil, fmt.Errorf("%w: %w", ErrDefinition, err)
	}
	return p, nil
}

// rangesUsed checks that every range parameter enters a right-hand side or
// a condition: one that enters nothing, or only the exact solution, would
// make a family of one problem.
func (p *Problem) rangesUsed() error {
	used := map[string]bool{}
	for _, e := range p.rhs {
		for _, n := range expr.Names(e) {
			used[n] = true
		}
	}
	for _, c := range p.conds {
		for _, n := range expr.Names(c.Residual) {
			used[n] = true
		}
	}
	for _, k := range p.RangeNames() {
		if !used[k] {
			return fmt.Errorf("range parameter %s appears in no right-hand side or condition", k)
		}
	}
	return nil
}

func parseChecked(src string, known []string) (expr.Expr, error) {
	e, err := expr.Parse(src)
	if err != nil {
		return nil, err
	}
	if err := expr.Check(e, src, known...); err != nil {
		return nil, err
	}
	return e, nil
}

// clone returns a deep copy, so that a caller cannot change a built-in.
func (d Definition) clone() Definition {
	d.Vars, d.RHS, d.Exact, d.Unknown = slices.Clone(d.Vars), slices.Clone(d.RHS), slices.Clone(d.Exact), slices.Clone(d.Unknown)
	d.Y0, d.DY0, d.BC = slices.Clone(d.Y0), slices.Clone(d.DY0), slices.Clone(d.BC)
	d.Params, d.Ranges = maps.Clone(d.Params), maps.Clone(d.Ranges)
	return d
}

func (d *Definition) check() error {
	m := len(d.Vars)
	switch {
	case m == 0:
		return errors.New("no state variables")
	case d.Order != 1 && d.Order != 2:
		return fmt.Errorf("order %d: want 1 or 2", d.Order)
	case len(d.RHS) != m:
		return fmt.Errorf("%s %s, have %d", count(m, "variable"), needs(m, "right-hand side"), len(d.RHS))
	case d.Order == 1 && len(d.DY0) != 0:
		return errors.New("initial slopes are only for second-order problems")
	case len(d.BC) == 0 && len(d.Y0) != m:
		return fmt.Errorf("%s %s, have %d", count(m, "variable"), needs(m, "initial value"), len(d.Y0))
	case len(d.BC) == 0 && d.Order == 2 && len(d.DY0) != m:
		return fmt.Errorf("a second-order problem in %s needs %s, have %d", count(m, "variable"), count(m, "initial slope"), len(d.DY0))
	case len(d.Y0) != 0 && len(d.Y0) != m:
		return fmt.Errorf("%s %s or none, have %d", count(m, "variable"), needs(m, "initial value"), len(d.Y0))
	case len(d.DY0) != 0 && len(d.DY0) != m:
		return fmt.Errorf("%s %s or none, have %d", count(m, "variable"), needs(m, "initial slope"), len(d.DY0))
	case len(d.Y0)+len(d.DY0)+len(d.BC) != d.Order*m:
		return fmt.Errorf("%s in %s needs %s, have %s", orderName(d.Order), count(m, "variable"), count(d.Order*m, "condition"), conditionCount(len(d.Y0), len(d.DY0), len(d.BC)))
	case len(d.Exact) != 0 && len(d.Exact) != m:
		return fmt.Errorf("%s %s, have %d", count(m, "variable"), needs(m, "exact solution"), len(d.Exact))
	case !finite(d.T0) || !finite(d.T1) || d.T1 <= d.T0:
		return fmt.Errorf("domain [%g, %g] is not an interval", d.T0, d.T1)
	case d.Points < 2:
		return fmt.Errorf("%d collocation points: need at least 2", d.Points)
	}
	for _, v := range append(append([]float64(nil), d.Y0...), d.DY0...) {
		if !finite(v) {
			return fmt.Errorf("initial value %g is not finite", v)
		}
	}
	seen := map[string]string{"pi": "the constant pi"}
	claim := func(name, what string) error {
		if !isIdent(name) {
			return fmt.Errorf("%s %q is not a name", what, name)
		}
		if expr.IsFunc(name) {
			return fmt.Errorf("%s %q is a function name", what, name)
		}
		if prev, ok := seen[name]; ok {
			return fmt.Errorf("%s %q is already %s", what, name, prev)
		}
		seen[name] = what + " " + name
		return nil
	}
	if err := claim(d.Indep, "independent variable"); err != nil {
		return err
	}
	for _, v := range d.Vars {
		if err := claim(v, "variable"); err != nil {
			return err
		}
	}
	if d.Order == 2 {
		for _, v := range d.Vars {
			if err := claim("d"+v, "derivative"); err != nil {
				return err
			}
		}
	}
	for _, k := range sortedKeys(d.Params) {
		if err := claim(k, "parameter"); err != nil {
			return err
		}
		if !finite(d.Params[k]) {
			return fmt.Errorf("parameter %s = %g is not finite", k, d.Params[k])
		}
	}
	if err := d.checkRanges(claim); err != nil {
		return err
	}
	for _, k := range d.Unknown {
		if _, ok := d.Params[k]; !ok {
			return fmt.Errorf("unknown parameter %q has no starting value", k)
		}
	}
	return nil
}

// orderName names a problem by its order.
func orderName(order int) string {
	if order == 1 {
		return "a first-order problem"
	}
	return "a second-order problem"
}

// conditionCount says how many conditions of each kind there are, such as
// "3: 1 initial value and 2 boundary conditions".
func conditionCount(y0, dy0, bc int) string {
	var parts []string
	for _, c := range []struct {
		n    int
		what string
	}{{y0, "initial value"}, {dy0, "initial slope"}, {bc, "boundary condition"}} {
		if c.n > 0 {
			parts = append(parts, count(c.n, c.what))
		}
	}
	if len(parts) == 0 {
		return "none"
	}
	return fmt.Sprintf("%d: %s", y0+dy0+bc, strings.Join(parts, " and "))
}

// paramNames lists the parameters and range parameters, sorted: the names
// a condition may use besides pi.
func (d *Definition) paramNames() []string {
	return slices.Sorted(slices.Values(append(sortedKeys(d.Params), sortedKeys(d.Ranges)...)))
}

// rhsNames lists the names a right-hand side may use.
func (d *Definition) rhsNames() []string {
	names := append([]string{d.Indep}, d.Vars...)
	if d.Order == 2 {
		for _, v := range d.Vars {
			names = append(names, "d"+v)
		}
	}
	return append(names, d.paramNames()...)
}

// exactNames lists the names an exact solution may use.
func (d *Definition) exactNames() []string {
	return append([]string{d.Indep}, d.paramNames()...)
}

// RightHandSide returns the parsed right-hand side of variable i.
func (p *Problem) RightHandSide(i int) expr.Expr { return p.rhs[i] }

// HasExact reports whether the problem carries an exact solution.
func (p *Problem) HasExact() bool { return len(p.exact) > 0 }

// Equation returns the equations as a reader expects them, e.g.
// "dy/dt = -y" or "y” = -9*y".
func (p *Problem) Equation() string {
	eqs := make([]string, len(p.Vars))
	for i, v := range p.Vars {
		lhs := "d" + v + "/d" + p.Indep
		if p.Order == 2 {
			lhs = "d2" + v + "/d" + p.Indep + "2"
		}
		eqs[i] = lhs + " = " + p.RHS[i]
	}
	eq := strings.Join(eqs, ", ")
	var ps []string
	for _, k := range p.paramNames() {
		r, isRange := p.Ranges[k]
		switch {
		case isRange:
			ps = append(ps, fmt.Sprintf("%s in [%.6g, %.6g]", k, r.Lo, r.Hi))
		case slices.Contains(p.Unknown, k):
			ps = append(ps, k+" unknown")
		default:
			ps = append(ps, fmt.Sprintf("%s = %.6g", k, p.Params[k]))
		}
	}
	if len(ps) > 0 {
		eq += " with " + strings.Join(ps, ", ")
	}
	return eq
}

// InitialConditions returns the conditions as text, e.g. "y(0) = 1": those
// of Y0 and DY0, rounded to 6 digits, then those of BC as typed.
func (p *Problem) InitialConditions() string {
	var ics []string
	for i, y0 := range p.Y0 {
		ics = append(ics, fmt.Sprintf("%s(%.6g) = %.6g", p.Vars[i], p.T0, y0))
	}
	for i, dy0 := range p.DY0 {
		ics = append(ics, fmt.Sprintf("%s'(%.6g) = %.6g", p.Vars[i], p.T0, dy0))
	}
	return strings.Join(append(ics, p.BC...), ", ")
}

// Grid returns n equally spaced points on [T0, T1], both ends included.
func (p *Problem) Grid(n int) []float64 {
	return p.NewSampler(SampleGrid, nil).Points(n)
}

// needs returns "needs 1 thing" or "need n things", to follow count(n, ...).
func needs(n int, thing string) string {
	if n == 1 {
		return "needs " + count(n, thing)
	}
	return "need " + count(n, thing)
}

// count returns "1 thing" or "n things".
func count(n int, thing string) string {
	if n == 1 {
		return "1 " + thing
	}
	return fmt.Sprintf("%d %ss", n, thing)
}

func finite(x float64) bool { return !math.IsNaN(x) && !math.IsInf(x, 0) }

func isIdent(s string) bool {
	if s == "" {
		return false
	}
	for i, r := range s {
		letter := r == '_' || (r >= 'a' && r <= 'z') || (r >= 'A' && r <= 'Z')
		if !letter && (i == 0 || r < '0' || r > '9') {
			return false
		}
	}
	return true
}

func sortedKeys[V any](m map[string]V) []string { return slices.Sorted(maps.Keys(m)) }
