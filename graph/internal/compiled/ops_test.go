package compiled

// Canary tests: one for every Gorgonia op and value the machine recognises
// (ops.go). Each builds the op with Gorgonia's public API and checks, with a
// message naming what changed, the op's type name and String() as ops.go
// reads them; then it runs the op on the machine, requires the machine's own
// kernel (no fallback to the op's Do), and compares the numbers with
// Gorgonia's TapeMachine. A failure here after a Gorgonia upgrade means
// ops.go no longer recognises that op: fix the recognition, not the test.

import (
	"fmt"
	"maps"
	"math"
	"slices"
	"testing"

	G "gorgonia.org/gorgonia"
	"gorgonia.org/tensor"
)

// Tolerances of the comparisons with the TapeMachine.
const (
	// exact: pointwise kernels do what Gorgonia's Do does, operation for
	// operation, so the bits agree.
	exact = 0.0
	// twoULP: the assembly tanh is within 2 ulp of math.Tanh, at most
	// 2 * 2^-52 = 4.4e-16 relative.
	twoULP = 4.5e-16
	// summed: sums and products over at most 900 terms of one sign added in
	// another order (per tile, fused multiply-adds) differ by at most 900
	// eps = 2e-13 relative.
	summed = 2e-13
)

// checkOp fails unless node n's op has the type name typ and the String()
// str that ops.go expects.
func checkOp(t *testing.T, what string, n *G.Node, typ, str string) {
	t.Helper()
	if got := opType(n.Op()); got != typ {
		t.Fatalf("%s: Gorgonia's op type is now %s; ops.go recognises this op as %s", what, got, typ)
	}
	if got := n.Op().String(); got != str {
		t.Fatalf("%s: Gorgonia's op %s now prints %q; ops.go reads it as %q", what, typ, got, str)
	}
}

// noFallbacks fails if the machine runs any node through Gorgonia's Do.
func noFallbacks(t *testing.T, what string, m *Machine) {
	t.Helper()
	for _, n := range m.Fallbacks() {
		t.Errorf("%s: %v (%s %q) has no kernel of the machine's own", what, n, opType(n.Op()), n.Op().String())
	}
}

// testInputs adds the inputs of the canaries: x, rows x 3, holds numbers
// in (-1, 1), in (0, 3), and values at and around the cut-offs of Gorgonia's
// sigmoid and softplus (and where exp overflows) in its three columns; y is
// rows x 3 of both signs and s a scalar input.
func testInputs(g *G.ExprGraph) (x, y, s *G.Node) {
	special := []float64{-800, -709.5, -708.5, -20, -1e-300, 0, 1e-300, 0.3, 15.9, 16.1, 18.9, 19.1, 30, 700, 710, 800}
	x = matrix(g, "x", rows, 3, func(i, j int) float64 {
		switch j {
		case 0:
			return -1 + 2*(float64(i)+0.5)/rows
		case 1:
			return 3 * (float64(i) + 0.5) / rows
		}
		return special[i%len(special)]
	})
	y = matrix(g, "y", rows, 3, func(i, j int) float64 { return math.Sin(float64(3*i+j)) + 0.25 })
	s = G.NewScalar(g, tensor.Float64, G.WithName("s"), G.WithValue(1.7))
	return x, y, s
}

// positive adds a rows x 3 input of numbers in (0.1, 1): sums and products
// of them do not cancel.
func positive(g *G.ExprGraph) *G.Node {
	return matrix(g, "p", rows, 3, func(i, j int) float64 { return 0.1 + 0.9*float64((7*i+j)%rows)/rows })
}

// squareSum is Σ n², a scalar loss built from n.
func squareSum(n *G.Node) *G.Node { return G.Must(G.Sum(G.Must(G.Square(n)))) }

// unaryConstructors are the public Gorgonia functions that build the
// elemUnaryOp of each name in unaryOps.
var unaryConstructors = map[string]func(*G.Node) (*G.Node, error){
	"neg": G.Neg, "square": G.Square, "tanh": G.Tanh, "abs": G.Abs, "ceil": G.Ceil, "floor": G.Floor,
	"sin": G.Sin, "cos": G.Cos, "exp": G.Exp, "ln": G.Log, "log2": G.Log2, "sqrt": G.Sqrt,
	"log1p": G.Log1p, "expm1": G.Expm1, "inv": G.Inverse, "cube": G.Cube, "sigmoid": G.Sigmoid,
	"softplus": G.Softplus,
}

// TestCanaryUnary covers every pointwise function of unaryOps.
func TestCanaryUnary(t *testing.T) {
	for _, name := range slices.Sorted(maps.Keys(unaryOps)) {
		build, ok := unaryConstructors[name]
		if !ok {
			t.Errorf("unaryOps[%q] has no canary: add its Gorgonia function to unaryConstructors", name)
			continue
		}
		g := G.NewGraph()
		x, _, _ := testInputs(g)
		n := G.Must(build(x))
		checkOp(t, name, n, typeUnary, name)
		tol := exact
		if name == "tanh" {
			tol = twoULP
		}
		noFallbacks(t, name, againstTape(t, name, g, G.Must(G.Sum(n)), G.Nodes{n}, tol, summed))
	}
}

// TestCanaryBinary covers every operator of binaryOps and comparisonOps,
// with two matrices, a scalar on either side, and two scalars (each a loop
// of its own in the kernels).
func TestCanaryBinary(t *testing.T) {
	ops := map[string]func(a, b *G.Node) (*G.Node, error){
		"+ false": G.Add, "- false": G.Sub, "⊙ false": G.HadamardProd, "÷ false": G.HadamardDiv, "^ false": G.Pow,
		"< true":  func(a, b *G.Node) (*G.Node, error) { return G.Lt(a, b, true) },
		"> true":  func(a, b *G.Node) (*G.Node, error) { return G.Gt(a, b, true) },
		"<= true": func(a, b *G.Node) (*G.Node, error) { return G.Lte(a, b, true) },
		">= true": func(a, b *G.Node) (*G.Node, error) { return G.Gte(a, b, true) },
		"== true": func(a, b *G.Node) (*G.Node, error) { return G.Eq(a, b, true) },
		"!= true": func(a, b *G.Node) (*G.Node, error) { return G.Ne(a, b, true) },
	}
	for op := range binaryOps {
		if _, ok := ops[op+" false"]; !ok {
			t.Errorf("binaryOps[%q] has no canary", op)
		}
	}
	for op := range comparisonOps {
		if _, ok := ops[op+" true"]; !ok {
			t.Errorf("comparisonOps[%q] has no canary", op)
		}
	}
	for _, name := range slices.Sorted(maps.Keys(ops)) {
		for _, form := range []string{"matrix-matrix", "scalar-matrix", "matrix-scalar", "scalar-scalar"} {
			what := fmt.Sprintf("%q %s", name, form)
			g := G.NewGraph()
			x, y, s := testInputs(g)
			s2 := G.NewScalar(g, tensor.Float64, G.WithName("s2"), G.WithValue(-0.3))
			a, b := map[string][2]*G.Node{
				"matrix-matrix": {x, y}, "scalar-matrix": {s, y}, "matrix-scalar": {x, s}, "scalar-scalar": {s, s2},
			}[form][0], map[string][2]*G.Node{
				"matrix-matrix": {x, y}, "scalar-matrix": {s, y}, "matrix-scalar": {x, s}, "scalar-scalar": {s, s2},
			}[form][1]
			n := G.Must(ops[name](a, b))
			checkOp(t, what, n, typeBinary, name)
			loss := n
			if !n.IsScalar() {
				loss = G.Must(G.Sum(n))
			}
			noFallbacks(t, what, againstTape(t, what, g, loss, G.Nodes{n}, exact, summed))
		}
	}
	// A comparison that returns booleans prints "false" and must not get a
	// numeric kernel.
	g := G.NewGraph()
	x, y, _ := testInputs(g)
	n := G.Must(G.Lt(x, y, false))
	checkOp(t, "< returning booleans", n, typeBinary, "< false")
	if binaryKernel(n.Op().String()) != nil {
		t.Error(`"< false" (booleans) got a numeric kernel`)
	}
}

// TestCanaryMatMul covers the three matrix products: Mul's "A × B" and its
// derivatives' "A × Bᵀ" (with respect to A) and "Aᵀ × B" (B), on tiles
// (x has rows rows) and whole (a product of two small matrices).
func TestCanaryMatMul(t *testing.T) {
	g := G.NewGraph()
	x := positive(g)
	w := matrix(g, "W", 3, 4, func(i, j int) float64 { return 0.1 * float64(1+i+j) })
	v := matrix(g, "V", 4, 2, func(i, j int) float64 { return 0.2 * float64(1+i*j) })
	xw := G.Must(G.Mul(x, w))
	wv := G.Must(G.Mul(w, v))
	checkOp(t, "Mul", xw, typeMatMul, "A × B")
	loss := G.Must(G.Add(squareSum(xw), squareSum(wv)))
	gs, err := G.Grad(squareSum(xw), x, w)
	if err != nil {
		t.Fatal(err)
	}
	checkOp(t, "d(Mul)/dA", gs[0], typeMatMul, "A × Bᵀ")
	checkOp(t, "d(Mul)/dB", gs[1], typeMatMul, "Aᵀ × B")
	if _, _, ok := matMulForm("Aᵀ × Bᵀ"); ok {
		t.Error("Aᵀ × Bᵀ, which no public Gorgonia function builds, is recognised")
	}
	noFallbacks(t, "matrix products", againstTape(t, "matrix products", g, loss, G.Nodes{xw, wv, gs[0], gs[1]}, summed, summed))
}

// TestCanarySum covers Σ over everything, over the rows and over the columns
// of a matrix, and over a vector, on tiles and whole.
func TestCanarySum(t *testing.T) {
	g := G.NewGraph()
	x := positive(g)
	w := matrix(g, "W", 3, 4, func(i, j int) float64 { return 0.1 * float64(1+i+j) })
	vec := G.Must(G.Reshape(G.Must(G.Sum(x, 1)), tensor.Shape{rows}))
	cases := []struct {
		n   *G.Node
		str string
	}{
		{G.Must(G.Sum(x)), "Σ[0 1]"},
		{G.Must(G.Sum(x, 0)), "Σ[0]"},
		{G.Must(G.Sum(x, 1)), "Σ[1]"},
		{G.Must(G.Sum(vec)), "Σ[0]"},
		{G.Must(G.Sum(w)), "Σ[0 1]"},
		{G.Must(G.Sum(w, 0)), "Σ[0]"},
	}
	var outputs G.Nodes
	terms := G.Must(G.Sum(w, 1))
	for _, c := range cases {
		checkOp(t, fmt.Sprintf("Sum to %v", c.n.Shape()), c.n, typeSum, c.str)
		outputs = append(outputs, c.n)
		terms = G.Must(G.Add(terms, G.Must(G.Sum(c.n))))
	}
	loss := G.Must(G.Sum(terms))
	noFallbacks(t, "sums", againstTape(t, "sums", g, loss, outputs, summed, summed))
}

// TestCanaryRepeatReshapeSize covers what Sum's derivative and Broadcast
// build: Reshape, SizeOf ("SizeOf=N", a constant), and Repeat along rows
// ("Repeat0") and columns ("Repeat1"), repeating a row, a column, or
// nothing (a copy).
func TestCanaryRepeatReshapeSize(t *testing.T) {
	g := G.NewGraph()
	x, _, _ := testInputs(g)
	col := matrix(g, "c", rows, 1, func(i, _ int) float64 { return float64(i) / rows })
	row := matrix(g, "r", 1, 3, func(_, j int) float64 { return float64(j) - 0.5 })

	// d(Σ c)/dc: Reshape the 1x1 gradient, Repeat0 it by SizeOf=300 rows,
	// Repeat1 it by SizeOf=1 column (a copy).
	gs, err := G.Grad(G.Must(G.Sum(col)), col)
	if err != nil {
		t.Fatal(err)
	}
	copied := gs[0]
	checkOp(t, "d(Σ c)/dc", copied, typeRepeat, "Repeat1")
	args := children(g, copied)
	checkOp(t, "d(Σ c)/dc's repeat of rows", args[0], typeRepeat, "Repeat0")
	checkOp(t, "d(Σ c)/dc's column count", args[1], "gorgonia.sizeOp", "SizeOf=1")
	rowsRepeat := args[0]
	inner := children(g, rowsRepeat)
	checkOp(t, "d(Σ c)/dc's reshape", inner[0], typeReshape, "Reshape(1, 1)")
	checkOp(t, "d(Σ c)/dc's row count", inner[1], "gorgonia.sizeOp", fmt.Sprintf("SizeOf=%d", rows))

	// Broadcasting a row down x's rows and a column across its columns.
	downRows := G.Must(G.BroadcastAdd(row, x, []byte{0}, nil))
	acrossCols := G.Must(G.BroadcastAdd(col, x, []byte{1}, nil))
	repRow, repCol := children(g, downRows)[0], children(g, acrossCols)[0]
	checkOp(t, "a row broadcast down the rows", repRow, typeRepeat, "Repeat0")
	checkOp(t, "a column broadcast across the columns", repCol, typeRepeat, "Repeat1")

	reshaped := G.Must(G.Reshape(col, tensor.Shape{rows}))
	checkOp(t, "Reshape", reshaped, typeReshape, fmt.Sprintf("Reshape(%d)", rows))
	size := G.Must(G.SizeOf(0, x))
	checkOp(t, "SizeOf", size, "gorgonia.sizeOp", fmt.Sprintf("SizeOf=%d", rows))

	loss := G.Must(G.Add(G.Must(G.Sum(G.Must(G.HadamardProd(copied, col)))), squareSum(downRows)))
	loss = G.Must(G.Add(loss, squareSum(acrossCols)))
	loss = G.Must(G.Add(loss, G.Must(G.HadamardProd(size, G.Must(G.Sum(reshaped))))))
	outputs := G.Nodes{copied, rowsRepeat, repRow, repCol, reshaped, size}
	noFallbacks(t, "repeat, reshape, size", againstTape(t, "repeat, reshape, size", g, loss, outputs, exact, summed))
}

// children returns the arguments of node n of g, in order.
func children(g *G.ExprGraph, n *G.Node) G.Nodes {
	var ns G.Nodes
	it := g.From(n.ID())
	for it.Next() {
		ns = append(ns, it.Node().(*G.Node))
	}
	return ns
}

// TestSizeOfForms reads both forms of sizeOp's String(): "SizeOf=N" (the
// length, when the shape was known) and "SizeOf(axis)", and refuses an axis
// the shape does not have with an error rather than a panic.
func TestSizeOfForms(t *testing.T) {
	shape := tensor.Shape{rows, 3}
	for _, c := range []struct {
		name string
		want int
		ok   bool
	}{
		{"SizeOf=300", 300, true}, {"SizeOf(0)", 300, true}, {"SizeOf(1)", 3, true},
		{"SizeOf(2)", 0, false}, {"SizeOf(-1)", 0, false}, {"SizeOf", 0, false}, {"SizeOf=x", 0, false},
	} {
		got, err := sizeOf(c.name, shape)
		if (err == nil) != c.ok || got != c.want {
			t.Errorf("sizeOf(%q, %v) = %d, %v; want %d (ok %t)", c.name, shape, got, err, c.want, c.ok)
		}
	}
}

// TestCanarySlice covers slicing a range of rows ("T[a:b:1...]") and its
// derivative ("T[a:b:1...]+=..."), which the machine runs itself, and a
// slice of columns ("T[:, a:b:1...]"), which it leaves to the op's Do.
func TestCanarySlice(t *testing.T) {
	g := G.NewGraph()
	x := positive(g)
	sl := G.Must(G.Slice(x, G.S(10, 250)))
	checkOp(t, "a slice of rows", sl, typeSlice, "T[10:250:1...]")
	gs, err := G.Grad(squareSum(sl), x)
	if err != nil {
		t.Fatal(err)
	}
	checkOp(t, "the derivative of a slice of rows", gs[0], typeSliceIn, "T[10:250:1...]+=...")
	along, start, end, step, ok := sliceRange("T[:, 1:3:1...]")
	if !ok || along != 1 || start != 1 || end != 3 || step != 1 {
		t.Errorf(`sliceRange("T[:, 1:3:1...]") = %d, %d, %d, %d, %t; want 1, 1, 3, 1, true`, along, start, end, step, ok)
	}
	cols := G.Must(G.Slice(x, nil, G.S(1, 3)))
	checkOp(t, "a slice of columns", cols, typeSlice, "T[:, 1:3:1...]")
	loss := G.Must(G.Add(G.Must(G.Add(squareSum(sl), G.Must(G.Sum(gs[0])))), squareSum(cols)))
	m := againstTape(t, "slices", g, loss, G.Nodes{sl, gs[0], cols}, exact, summed)
	// Slicing columns slices the rows whole ("T[:...]"), then the columns.
	if fb, want := m.Fallbacks(), (G.Nodes{children(g, cols)[0], cols}); !slices.Equal(fb, want) {
		t.Errorf("Fallbacks() = %v, want the slice of columns %v", fb, want)
	}
}

// TestCanaryConstantsAndInputs covers constants ("const ..."), a scalar
// and a matrix, and the two kinds of input value: a matrix's *tensor.Dense,
// whose storage the machine reads in place, and a scalar's *G.F64, which it
// reads at each run (a trainer changes both between runs).
func TestCanaryConstantsAndInputs(t *testing.T) {
	g := G.NewGraph()
	x, _, s := testInputs(g)
	c := G.NewConstant(2.5)
	ct := G.NewConstant(tensor.New(tensor.WithShape(rows, 3), tensor.WithBacking(slices.Repeat([]float64{1, 2, 3}, rows))), G.In(g))
	if str := c.Op().String(); str != "const 2.5" {
		t.Fatalf("a scalar constant now prints %q; ops.go looks for the prefix %q", str, "const ")
	}
	if str := ct.Op().String(); str != "const Matrix float64" {
		t.Fatalf("a matrix constant now prints %q; ops.go looks for the prefix %q", str, "const ")
	}
	if _, ok := x.Value().(*tensor.Dense); !ok {
		t.Fatalf("a matrix input's value is now a %T; ops.go reads a *tensor.Dense", x.Value())
	}
	sv, ok := s.Value().(*G.F64)
	if !ok {
		t.Fatalf("a scalar input's value is now a %T; ops.go reads a *G.F64", s.Value())
	}
	xc := G.Must(G.HadamardProd(x, c))
	if _, err := Compile(g, xc, G.Nodes{c}, rows); err == nil {
		t.Error("Compile took an output node outside the graph")
	}
	c = children(g, xc)[1] // the constant as the graph holds it
	scaled := G.Must(G.HadamardProd(xc, s))
	shifted := G.Must(G.Add(scaled, ct))
	ct = children(g, shifted)[1]
	loss := squareSum(shifted)
	m := againstTape(t, "constants and inputs", g, loss, G.Nodes{c, ct, shifted}, exact, summed)
	noFallbacks(t, "constants and inputs", m)

	// Change both inputs in place, as a trainer does: the same machine must
	// see the new values. Tolerance: a few roundings of numbers of order 10.
	before := slices.Clone(m.Output(2))
	*sv = 3.4 // twice s
	x.Value().Data().([]float64)[0] = 0.5
	if _, err := m.Run(); err != nil {
		t.Fatal(err)
	}
	if got, want := m.Output(2)[1], 2*(before[1]-2)+2; !agree(got, want, 1e-14) {
		t.Errorf("after s doubled: element 1 is %v, want %v", got, want)
	}
	if got, want := m.Output(2)[0], 0.5*2.5*3.4+1; !agree(got, want, 1e-14) {
		t.Errorf("after x[0] changed to 0.5: element 0 is %v, want %v", got, want)
	}
}
