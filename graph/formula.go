package graph

import (
	"errors"
	"fmt"
	"strings"

	"pinn/graph/internal/algebra"
	"pinn/problems"
	"pinn/problems/expr"

	G "gorgonia.org/gorgonia"
	"gorgonia.org/tensor"
)

// Formula is a derivative of the trial solution written out as an
// expression in t and the network's weights, read off the nodes of the
// graph that computes it.
type Formula struct {
	// Var is the state variable.
	Var string
	// DY is dy/dt. It may use the names that Defs define.
	DY expr.Expr
	// Defs name the pre-activations of the layers after the first, so that
	// DY stays readable: each may use the names defined before it.
	Defs []Definition
}

// Definition is one named subexpression of a Formula.
type Definition struct {
	Name string
	Expr expr.Expr
}

// WeightNames says how a Formula names the weights, for its reader.
//
// The first layer's weights and biases are w_j and b_j (t to hidden unit
// j), a later hidden layer l's are Wl_i_j and bl_j (unit i of layer l-1 to
// unit j), and the output layer's are v_j and c (v_x_j and c_x for variable
// x when there are several); zl_j is the input of unit j of layer l's
// activation. Indices start at 1.
const WeightNames = "w_j, b_j: layer 1 (t to hidden unit j); Wl_i_j, bl_j: hidden layer l (unit i to unit j); " +
	"v_j, c: output layer; zl_j: input of unit j's activation in layer l"

// The functions a Formula of a relu or rectify network calls, which
// package expr does not know: the derivatives of max(x, 0).
const (
	// StepFunc is relu's derivative: step(x) is 1 where x > 0, else 0.
	StepFunc = "step"
	// Step1Func is rectify's derivative: step1(x) is 1 where x >= 0, else 0.
	Step1Func = "step1"
)

// ErrNoFormula is wrapped by DerivativeFormulas's errors for graphs that
// compute dy/dt in a way no per-point expression describes.
var ErrNoFormula = errors.New("graph: no formula")

// DerivativeFormulas builds the graph of dy/dt the way cfg says, as
// training does, and writes each variable's dy/dt as a formula by walking
// the graph's nodes from dy/dt back to t and the weights. The formulas are
// simplified only by exact rules (x*1 = x, x + 0 = x, x*x = x^2, constant
// folding, reordering of products), so they compute what the graph computes
// up to rounding. The network's weights are named, not valued: see
// WeightNames. The independent variable keeps the problem's name.
func DerivativeFormulas(p *problems.Problem, net *Network, cfg Config) ([]Formula, error) {
	if err := oneInput(p); err != nil {
		return nil, err
	}
	cfg = cfg.withDefaults(p.Order)
	b, err := newBuilder(p, net, cfg, nil)
	if err != nil {
		return nil, err
	}
	b.log = newStageLog(b.g)
	// Two points, so that a node with one row per point is never mistaken
	// for a row of weights.
	t := b.column("t", []float64{p.T0, p.T1})
	r, err := b.atCollocation(at{t: t})
	if err != nil {
		return nil, err
	}
	w := &formulaWalker{g: b.g, t: t, indep: p.Indep, names: weightNames(b, p.Vars),
		preact: b.log.preact, memo: map[*G.Node]symbolic{}, defined: map[string]bool{}}
	fs := make([]Formula, len(p.Vars))
	for i, v := range p.Vars {
		s, err := w.value(r.dy[i])
		if err != nil {
			return nil, fmt.Errorf("%w for dy/dt with derivative %s: %w", ErrNoFormula, cfg.Derivative, err)
		}
		if len(s.e) != 1 {
			return nil, fmt.Errorf("graph: dy/dt has %d entries per point, want 1", len(s.e))
		}
		fs[i] = Formula{Var: v, DY: s.e[0], Defs: usedDefinitions(s.e[0], w.defs)}
	}
	return fs, nil
}

// weightNames names each entry of the weight and bias nodes (see
// WeightNames).
func weightNames(b *builder, vars []string) map[*G.Node][]string {
	names := map[*G.Node][]string{}
	indexed := func(n *G.Node, name func(i, j int) string) {
		s := n.Shape()
		rows, cols := s[0], s[1]
		var ns []string
		for i := range rows {
			for j := range cols {
				ns = append(ns, name(i+1, j+1))
			}
		}
		names[n] = ns
	}
	for l := range b.w {
		if l == 0 {
			indexed(b.w[l], func(_, j int) string { return fmt.Sprintf("w_%d", j) })
			indexed(b.b[l], func(_, j int) string { return fmt.Sprintf("b_%d", j) })
			continue
		}
		indexed(b.w[l], func(i, j int) string { return fmt.Sprintf("W%d_%d_%d", l+1, i, j) })
		indexed(b.b[l], func(_, j int) string { return fmt.Sprintf("b%d_%d", l+1, j) })
	}
	for k, v := range vars {
		suffix := ""
		if len(vars) > 1 {
			suffix = "_" + v
		}
		indexed(b.wOut[k], func(i, _ int) string { return fmt.Sprintf("v%s_%d", suffix, i) })
		names[b.bOut[k]] = []string{"c" + suffix}
	}
	return names
}

// symbolic is a node's value at one collocation point, entry by entry, row
// major: the rows of a node that has one row per point are alike, so one
// stands for all of them.
type symbolic struct {
	perPoint   bool // the node has one row per collocation point
	rows, cols int  // the shape of the entries (rows is 1 when perPoint)
	e          []expr.Expr
}

// formulaWalker turns nodes into symbolic values.
type formulaWalker struct {
	g      *G.ExprGraph
	t      *G.Node
	indep  string
	names  map[*G.Node][]string
	preact map[*G.Node]int
	memo   map[*G.Node]symbolic
	// defs are the definitions made so far, each after those it uses;
	// defined holds their names.
	defs    []Definition
	defined map[string]bool
}

// value returns n's symbolic value.
func (w *formulaWalker) value(n *G.Node) (symbolic, error) {
	if s, ok := w.memo[n]; ok {
		return s, nil
	}
	s, err := w.compute(n)
	if err != nil {
		return s, err
	}
	if l, ok := w.preact[n]; ok && l >= 2 {
		s = w.define(s, l)
	}
	w.memo[n] = s
	return s, nil
}

// define names the entries of the pre-activation s of layer l.
func (w *formulaWalker) define(s symbolic, l int) symbolic {
	named := symbolic{perPoint: s.perPoint, rows: s.rows, cols: s.cols}
	for j, e := range s.e {
		name := fmt.Sprintf("z%d_%d", l, j+1)
		for k := 2; w.defined[name]; k++ { // one per variable's output layer
			name = fmt.Sprintf("z%d_%d_%d", l, j+1, k)
		}
		w.defined[name] = true
		w.defs = append(w.defs, Definition{Name: name, Expr: e})
		named.e = append(named.e, &expr.Name{Name: name})
	}
	return named
}

// usedDefinitions returns the definitions of defs that e uses, directly or
// through others, in the order of defs.
func usedDefinitions(e expr.Expr, defs []Definition) []Definition {
	used := map[string]bool{}
	for _, n := range expr.Names(e) {
		used[n] = true
	}
	for i := len(defs) - 1; i >= 0; i-- { // a definition uses earlier ones
		if used[defs[i].Name] {
			for _, n := range expr.Names(defs[i].Expr) {
				used[n] = true
			}
		}
	}
	var ds []Definition
	for _, d := range defs {
		if used[d.Name] {
			ds = append(ds, d)
		}
	}
	return ds
}

// compute works out n's symbolic value from its arguments'.
func (w *formulaWalker) compute(n *G.Node) (symbolic, error) {
	if n.Op() == nil {
		return w.input(n)
	}
	op := n.Op().String()
	if strings.HasPrefix(op, "SizeOf") {
		return symbolic{}, nil // read through the shape of the node that uses it
	}
	if strings.HasPrefix(op, "T[") {
		return symbolic{}, errors.New("it takes differences between neighbouring points, which no formula at one point describes")
	}
	var args []symbolic
	it := w.g.From(n.ID())
	for it.Next() {
		a, err := w.value(it.Node().(*G.Node))
		if err != nil {
			return symbolic{}, err
		}
		args = append(args, a)
	}
	shape := n.Shape()
	switch {
	case strings.HasPrefix(op, "const "):
		v, ok := n.Value().Data().(float64)
		if !ok {
			return symbolic{}, fmt.Errorf("constant %v is not a float64", n)
		}
		return scalarSymbol(algebra.Number(v)), nil
	case strings.HasPrefix(op, "Reshape"):
		return reshaped(args[0], shape)
	case op == "Repeat0":
		return repeatRows(args[0], shape)
	case op == "Repeat1":
		return repeatColumns(args[0], shape)
	case isMatMul(n.Op()):
		return matMul(op, args[0], args[1])
	}
	if len(args) == 2 {
		return elementwise2(op, args[0], args[1])
	}
	if len(args) == 1 {
		return elementwise1(op, args[0])
	}
	return symbolic{}, fmt.Errorf("op %q is not written out", op)
}

// input returns the value of t or of a weight node.
func (w *formulaWalker) input(n *G.Node) (symbolic, error) {
	if n == w.t {
		return symbolic{perPoint: true, rows: 1, cols: 1, e: []expr.Expr{&expr.Name{Name: w.indep}}}, nil
	}
	if names, ok := w.names[n]; ok {
		s := n.Shape()
		sym := symbolic{rows: s[0], cols: s[1]}
		for _, name := range names {
			sym.e = append(sym.e, &expr.Name{Name: name})
		}
		return sym, nil
	}
	if strings.HasPrefix(n.Name(), "dt_") { // the forward mode's seed: dt/dt = 1
		return symbolic{perPoint: true, rows: 1, cols: 1, e: []expr.Expr{algebra.Number(1)}}, nil
	}
	return symbolic{}, fmt.Errorf("input %s is neither t nor a weight", n.Name())
}

func scalarSymbol(e expr.Expr) symbolic { return symbolic{rows: 1, cols: 1, e: []expr.Expr{e}} }

// reshaped returns a with the shape of a node that reshapes it.
func reshaped(a symbolic, shape tensor.Shape) (symbolic, error) {
	rows, cols := matrixShape(shape)
	if a.perPoint {
		rows = 1
	}
	if rows*cols != len(a.e) {
		return symbolic{}, fmt.Errorf("reshape of %d entries to %v", len(a.e), shape)
	}
	a.rows, a.cols = rows, cols
	return a, nil
}

// matrixShape reads a scalar, vector or matrix shape as rows x cols.
func matrixShape(s tensor.Shape) (rows, cols int) {
	switch len(s) {
	case 0:
		return 1, 1
	case 1:
		return 1, s[0]
	}
	return s[0], s[1]
}

// repeatRows repeats a one-row value down the rows of shape: one row per
// point, all alike.
func repeatRows(a symbolic, shape tensor.Shape) (symbolic, error) {
	if a.perPoint || a.rows != 1 {
		return symbolic{}, errors.New("a repeat of several rows")
	}
	a.perPoint = true
	_, a.cols = matrixShape(shape)
	if len(a.e) == 1 && a.cols > 1 {
		a.e = repeatEntries(a.e[0], a.cols)
	}
	return a, nil
}

// repeatColumns repeats a one-column value across the columns of shape.
func repeatColumns(a symbolic, shape tensor.Shape) (symbolic, error) {
	if a.cols != 1 {
		return symbolic{}, errors.New("a repeat of several columns")
	}
	_, cols := matrixShape(shape)
	var e []expr.Expr
	for _, x := range a.e {
		e = append(e, repeatEntries(x, cols)...)
	}
	a.cols, a.e = cols, e
	return a, nil
}

func repeatEntries(x expr.Expr, n int) []expr.Expr {
	e := make([]expr.Expr, n)
	for i := range e {
		e[i] = x
	}
	return e
}

// matMul multiplies a and b, transposed as Gorgonia's op string says
// ("A × Bᵀ"). A product that sums over the points has no value at one
// point.
func matMul(op string, a, b symbolic) (symbolic, error) {
	left, right, ok := strings.Cut(op, " × ")
	if !ok {
		return symbolic{}, fmt.Errorf("matrix product %q", op)
	}
	transA, transB := strings.HasSuffix(left, "ᵀ"), strings.HasSuffix(right, "ᵀ")
	if (a.perPoint && transA) || b.perPoint {
		return symbolic{}, fmt.Errorf("the product %s sums over the collocation points", op)
	}
	at := func(s symbolic, trans bool, i, j int) expr.Expr {
		if trans {
			i, j = j, i
		}
		return s.e[i*s.cols+j]
	}
	ar, ac := a.rows, a.cols
	if transA {
		ar, ac = ac, ar
	}
	br, bc := b.rows, b.cols
	if transB {
		br, bc = bc, br
	}
	if ac != br {
		return symbolic{}, fmt.Errorf("product of %dx%d and %dx%d", ar, ac, br, bc)
	}
	out := symbolic{perPoint: a.perPoint, rows: ar, cols: bc}
	for i := range ar {
		for j := range bc {
			var sum expr.Expr = algebra.Number(0)
			for k := range ac {
				sum = algebra.Add(sum, algebra.Mul(at(a, transA, i, k), at(b, transB, k, j)))
			}
			out.e = append(out.e, sum)
		}
	}
	return out, nil
}

// elementwise2 applies a binary pointwise op, a scalar broadcasting.
func elementwise2(op string, a, b symbolic) (symbolic, error) {
	sym, _, _ := strings.Cut(op, " ")
	var f func(x, y expr.Expr) expr.Expr
	switch sym {
	case ">", ">=": // relu's and rectify's indicator, [x > y] and [x >= y]
		fn := StepFunc
		if sym == ">=" {
			fn = Step1Func
		}
		f = func(x, y expr.Expr) expr.Expr { return algebra.Call(fn, algebra.Sub(x, y)) }
	case "+":
		f = algebra.Add
	case "-":
		f = algebra.Sub
	case "⊙":
		f = algebra.Mul
	case "÷":
		f = algebra.Div
	default:
		return symbolic{}, fmt.Errorf("op %q is not written out", op)
	}
	out := a
	switch {
	case len(a.e) == 1 && len(b.e) > 1:
		out = b
	case len(a.e) != len(b.e) && len(b.e) != 1:
		return symbolic{}, fmt.Errorf("%q of %d and %d entries", op, len(a.e), len(b.e))
	}
	out.perPoint = a.perPoint || b.perPoint
	n := max(len(a.e), len(b.e))
	e := make([]expr.Expr, n)
	for i := range e {
		e[i] = f(a.e[min(i, len(a.e)-1)], b.e[min(i, len(b.e)-1)])
	}
	out.e = e
	return out, nil
}

// elementwise1 applies a unary pointwise op.
func elementwise1(op string, a symbolic) (symbolic, error) {
	var f func(x expr.Expr) expr.Expr
	switch op {
	case "neg":
		f = algebra.Neg
	case "square":
		f = func(x expr.Expr) expr.Expr { return algebra.Mul(x, x) }
	case "tanh", "sin", "cos", "exp", "sqrt":
		f = func(x expr.Expr) expr.Expr { return algebra.Call(op, x) }
	case "ln":
		f = func(x expr.Expr) expr.Expr { return algebra.Call("log", x) }
	case "sigmoid":
		f = func(x expr.Expr) expr.Expr {
			return algebra.Div(algebra.Number(1), algebra.Add(algebra.Number(1), algebra.Call("exp", algebra.Neg(x))))
		}
	case "softplus":
		f = func(x expr.Expr) expr.Expr {
			return algebra.Call("log", algebra.Add(algebra.Number(1), algebra.Call("exp", x)))
		}
	default:
		return symbolic{}, fmt.Errorf("op %q is not written out", op)
	}
	out := a
	out.e = make([]expr.Expr, len(a.e))
	for i, x := range a.e {
		out.e[i] = f(x)
	}
	return out, nil
}
