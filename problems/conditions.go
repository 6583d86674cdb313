package problems

import (
	"fmt"
	"go/scanner"
	"go/token"
	"maps"
	"math"
	"slices"
	"strconv"
	"strings"

	"pinn/problems/expr"
)

// Value is the value of a state variable, or of its first derivative, at a
// point: what conditions constrain.
type Value struct {
	// Var indexes Vars.
	Var int
	// Deriv is 0 for the variable, 1 for its first derivative.
	Deriv int
	// At is the point, in [T0, T1].
	At float64
	// Name stands for the value in a condition's Residual: "y(0)",
	// "dy(1)", the point written with the fewest digits that read back
	// to it. It cannot clash with a parameter, which is an identifier.
	Name string
}

// Condition is one condition of a problem, parsed: it holds when Residual
// is zero, with each Values[k].Name standing for that value and the
// parameters (known, unknown or range) at their values.
type Condition struct {
	// Text is the condition as typed in BC, or as an entry of Y0 or DY0
	// reads written out: "y(0) = 1", "dy(0) = 0".
	Text string
	// Residual is lhs - (rhs) of Text. It may be nonlinear in the values.
	Residual expr.Expr
	// Values lists the values the condition uses, in order of first
	// appearance; there is at least one.
	Values []Value
	// Sets is the other side when the condition sets one value by
	// itself, such as "y(0) = a" or "2*k = dy(1)" (Values[0] is then that
	// value, and Sets uses parameters only); nil otherwise.
	Sets expr.Expr
}

// Conditions returns the problem's conditions: one per entry of Y0, then
// of DY0, then of BC. There are Order × len(Vars) of them.
func (p *Problem) Conditions() []Condition { return slices.Clone(p.conds) }

// IsBoundaryValue reports whether a condition names a point other than T0.
// Every other problem, all of whose conditions are at T0 however they are
// written, is an initial-value problem.
func (p *Problem) IsBoundaryValue() bool {
	for _, c := range p.conds {
		for _, v := range c.Values {
			if v.At != p.T0 {
				return true
			}
		}
	}
	return false
}

// InitialValues returns y_i(T0) and, for a second-order problem,
// dy_i(T0), as expressions of the parameters, when the conditions set
// each of them by itself ("y(0) = 1", "y(0) = a"), as Y0 and DY0 always
// do. ok is false otherwise: for a boundary-value problem, and for
// conditions at T0 that tie values together, such as y(0) + dy(0) = 1.
func (p *Problem) InitialValues() (y, dy []expr.Expr, ok bool) {
	m := len(p.Vars)
	byState := make([]expr.Expr, p.Order*m)
	for _, c := range p.conds {
		if c.Sets == nil || c.Values[0].At != p.T0 {
			return nil, nil, false
		}
		k := c.Values[0].Var + c.Values[0].Deriv*m
		if byState[k] != nil {
			return nil, nil, false // set twice, so another is not set at all
		}
		byState[k] = c.Sets
	}
	if p.Order == 2 {
		dy = byState[m:]
	}
	return byState[:m], dy, true
}

// SetInitialValues sets the value at T0 of each variable (of each first
// derivative when slopes is true) from texts, one per variable, as the
// flags --y0 and --dy0 give them: into Y0 (DY0) when every text is a
// number, and otherwise into BC as conditions such as "y(0) = a", whose
// right-hand sides may be expressions of parameters and range parameters.
// Set Vars and T0 first; New parses and checks the expressions.
func (d *Definition) SetInitialValues(texts []string, slopes bool) error {
	what, prefix := "initial value", ""
	if slopes {
		what, prefix = "initial slope", "d"
	}
	if len(texts) != len(d.Vars) {
		return fmt.Errorf("problems: %s need %s, have %d", count(len(d.Vars), "variable"), count(len(d.Vars), what), len(texts))
	}
	values := make([]float64, len(texts))
	for i, text := range texts {
		v, err := strconv.ParseFloat(strings.TrimSpace(text), 64)
		if err != nil || !finite(v) {
			for j, text := range texts {
				d.BC = append(d.BC, fmt.Sprintf("%s%s(%s) = %s", prefix, d.Vars[j], formatFloat(d.T0), strings.TrimSpace(text)))
			}
			return nil
		}
		values[i] = v
	}
	if slopes {
		d.DY0 = values
	} else {
		d.Y0 = values
	}
	return nil
}

// conditions parses the conditions that Y0, DY0 and BC give.
func (d *Definition) conditions() ([]Condition, error) {
	var texts []string
	for i, y0 := range d.Y0 {
		texts = append(texts, fmt.Sprintf("%s(%s) = %s", d.Vars[i], formatFloat(d.T0), formatFloat(y0)))
	}
	for i, dy0 := range d.DY0 {
		texts = append(texts, fmt.Sprintf("d%s(%s) = %s", d.Vars[i], formatFloat(d.T0), formatFloat(dy0)))
	}
	shorthands := len(texts)
	texts = append(texts, d.BC...)
	conds := make([]Condition, len(texts))
	for i, src := range texts {
		c, err := d.parseCondition(src)
		if err != nil {
			if i < shorthands {
				return nil, fmt.Errorf("initial value %q: %w", src, err)
			}
			return nil, fmt.Errorf("boundary condition %d: %w", i-shorthands+1, err)
		}
		conds[i] = c
	}
	return conds, nil
}

// formatFloat writes x with the fewest digits that read back to it, as
// the expression language reads numbers (so -1 is a sign and a number).
func formatFloat(x float64) string { return strconv.FormatFloat(x, 'g', -1, 64) }

// evaluation says what a call in a condition evaluates: variable i, or its
// derivative of order deriv.
type evaluation struct{ i, deriv int }

// evaluations names the calls a condition may contain: y(p), dy(p), and,
// to refuse them by name, d2y(p) and ddy(p). A variable's own name wins
// over a derivative's: a first-order problem may have variables y and dy.
func (d *Definition) evaluations() map[string]evaluation {
	calls := map[string]evaluation{}
	for i, v := range d.Vars {
		calls["d2"+v] = evaluation{i, 2}
		calls["dd"+v] = evaluation{i, 2}
	}
	for i, v := range d.Vars {
		calls["d"+v] = evaluation{i, 1}
	}
	for i, v := range d.Vars {
		calls[v] = evaluation{i, 0}
	}
	return calls
}

// parseCondition parses one condition and checks it against d.
func (d *Definition) parseCondition(src string) (Condition, error) {
	calls := d.evaluations()
	if err := d.derivativesAllowed(src, calls); err != nil {
		return Condition{}, err
	}
	maps.DeleteFunc(calls, func(_ string, ev evaluation) bool { return ev.deriv >= d.Order })
	lhs, rhs, err := expr.ParseEquation(src, slices.Sorted(maps.Keys(calls))...)
	if err != nil {
		return Condition{}, err
	}
	cp := &conditionParser{d: d, src: src, calls: calls}
	if lhs, err = cp.substitute(lhs); err != nil {
		return Condition{}, err
	}
	lhsUses := cp.uses
	if rhs, err = cp.substitute(rhs); err != nil {
		return Condition{}, err
	}
	if cp.uses == 0 {
		return Condition{}, &expr.Error{Src: src, Msg: "the condition involves no variable: write one with a point, such as " + d.Vars[0] + "(" + formatFloat(d.T0) + ")"}
	}
	c := Condition{Text: src, Residual: &expr.Binary{Op: '-', X: lhs, Y: rhs, At: lhs.Pos()}, Values: cp.values}
	_, lhsIsValue := lhs.(*expr.Name)
	_, rhsIsValue := rhs.(*expr.Name)
	switch {
	case lhsIsValue && lhsUses == 1 && cp.uses == 1:
		c.Sets = rhs
	case rhsIsValue && lhsUses == 0 && cp.uses == 1:
		c.Sets = lhs
	}
	return c, nil
}

// conditionParser replaces the calls y(p) of one condition by the names of
// the values they stand for, and checks every name and point.
type conditionParser struct {
	d      *Definition
	src    string
	calls  map[string]evaluation
	values []Value // distinct
	uses   int     // evaluations seen, repeats included
}

func (cp *conditionParser) errorf(at int, text, format string, args ...any) error {
	return &expr.Error{Src: cp.src, Col: at, Text: text, Msg: fmt.Sprintf(format, args...)}
}

// substitute returns e with its calls y(p) replaced, or the first problem
// in source order.
func (cp *conditionParser) substitute(e expr.Expr) (expr.Expr, error) {
	switch e := e.(type) {
	case *expr.Name:
		return e, cp.checkName(e)
	case *expr.Neg:
		x, err := cp.substitute(e.X)
		return &expr.Neg{X: x, At: e.At}, err
	case *expr.Binary:
		x, err := cp.substitute(e.X)
		if err != nil {
			return nil, err
		}
		y, err := cp.substitute(e.Y)
		return &expr.Binary{Op: e.Op, X: x, Y: y, At: e.At}, err
	case *expr.Call:
		if ev, ok := cp.calls[e.Func]; ok {
			return cp.evaluation(e, ev)
		}
		args := make([]expr.Expr, len(e.Args))
		for i, a := range e.Args {
			var err error
			if args[i], err = cp.substitute(a); err != nil {
				return nil, err
			}
		}
		return &expr.Call{Func: e.Func, Args: args, At: e.At}, nil
	}
	return e, nil // a number
}

// checkName accepts pi and the parameters. A variable needs a point, and
// the independent variable has no place in a condition.
func (cp *conditionParser) checkName(n *expr.Name) error {
	d := cp.d
	switch {
	case n.Name == "pi" || slices.Contains(d.paramNames(), n.Name):
		return nil
	case slices.Contains(d.Vars, n.Name):
		return cp.errorf(n.At, n.Name, "variable %q needs a point, such as %s(%s)", n.Name, n.Name, formatFloat(d.T0))
	case n.Name == d.Indep:
		return cp.errorf(n.At, n.Name, "%q is the independent variable: a condition holds at given points, such as %s(%s)", n.Name, d.Vars[0], formatFloat(d.T0))
	}
	known := "pi"
	if names := d.paramNames(); len(names) > 0 {
		known = strings.Join(names, ", ") + " and pi"
	}
	return cp.errorf(n.At, n.Name, "unknown name %q (known: %s; variables are written with a point, such as %s(%s))", n.Name, known, d.Vars[0], formatFloat(d.T0))
}

// derivativesAllowed refuses the first call in src, such as dy(0) in a
// first-order problem, of a derivative of higher order than Order - 1. It
// runs before the parser, which would call it an unknown function.
func (d *Definition) derivativesAllowed(src string, calls map[string]evaluation) error {
	var s scanner.Scanner
	s.Init(token.NewFileSet().AddFile("", -1, len(src)), []byte(src), func(token.Position, string) {}, 0)
	var prev string // the identifier just before, if any
	var prevPos token.Pos
	for {
		pos, tok, lit := s.Scan()
		if tok == token.EOF {
			return nil
		}
		if ev, ok := calls[prev]; ok && tok == token.LPAREN && ev.deriv >= d.Order {
			col := int(prevPos) // the file's base is 1
			v, t0 := d.Vars[ev.i], formatFloat(d.T0)
			if d.Order == 1 {
				return &expr.Error{Src: src, Col: col, Text: prev, Msg: fmt.Sprintf("%q is a derivative: the conditions of a first-order problem use values only, such as %s(%s)", prev, v, t0)}
			}
			return &expr.Error{Src: src, Col: col, Text: prev, Msg: fmt.Sprintf("%q is a second derivative: the conditions of a second-order problem use values and first derivatives only, such as %s(%s) and d%s(%s)", prev, v, t0, v, t0)}
		}
		prev, prevPos = "", pos
		if tok == token.IDENT {
			prev = lit
		}
	}
}

// evaluation checks the call y(p) and returns the name of its value.
func (cp *conditionParser) evaluation(c *expr.Call, ev evaluation) (expr.Expr, error) {
	d := cp.d
	arg := c.Args[0]
	if bad := cp.nonConstant(arg); bad != nil {
		return nil, cp.errorf(bad.Pos(), bad.String(), "the point of %s(...) must be a constant, not %q", c.Func, bad.String())
	}
	at, err := expr.Eval(arg, nil)
	switch {
	case err != nil:
		return nil, err
	case !finite(at):
		return nil, cp.errorf(arg.Pos(), arg.String(), "the point %s of %s(...) is %g", arg, c.Func, at)
	}
	// Points that rounding put just outside an end, such as 0.1*3 for
	// 0.3, are that end.
	slack := 1e-12 * math.Max(d.T1-d.T0, math.Max(math.Abs(d.T0), math.Abs(d.T1)))
	switch {
	case math.Abs(at-d.T0) <= slack:
		at = d.T0
	case math.Abs(at-d.T1) <= slack:
		at = d.T1
	case at < d.T0 || at > d.T1:
		return nil, cp.errorf(arg.Pos(), arg.String(), "the point %s of %s(...) is outside the domain [%s, %s]", formatFloat(at), c.Func, formatFloat(d.T0), formatFloat(d.T1))
	}
	v := Value{Var: ev.i, Deriv: ev.deriv, At: at, Name: fmt.Sprintf("%s(%s)", strings.Repeat("d", ev.deriv)+d.Vars[ev.i], formatFloat(at))}
	cp.uses++
	if !slices.Contains(cp.values, v) {
		cp.values = append(cp.values, v)
	}
	return &expr.Name{Name: v.Name, At: c.At}, nil
}

// nonConstant returns the first name or evaluation in e, or nil if e is a
// constant.
func (cp *conditionParser) nonConstant(e expr.Expr) expr.Expr {
	switch e := e.(type) {
	case *expr.Name:
		if e.Name != "pi" {
			return e
		}
	case *expr.Neg:
		return cp.nonConstant(e.X)
	case *expr.Binary:
		if bad := cp.nonConstant(e.X); bad != nil {
			return bad
		}
		return cp.nonConstant(e.Y)
	case *expr.Call:
		if _, ok := cp.calls[e.Func]; ok {
			return e
		}
		for _, a := range e.Args {
			if bad := cp.nonConstant(a); bad != nil {
				return bad
			}
		}
	}
	return nil
}
