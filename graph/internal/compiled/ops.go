package compiled

// Every way the machine recognises a Gorgonia op or value is in this file:
// Gorgonia v0.9.18 exports neither its op types nor their parameters, so the
// machine reads them from the op's type name (fmt's %T), its String(), and
// the value types of input nodes. Each recognition has a canary test
// (ops_test.go) that builds the op with Gorgonia's public API and fails,
// naming what changed, if Gorgonia changes it. An op that is not recognised
// still runs, through its own Do (generic), and Machine.Fallbacks lists it.

import (
	"fmt"
	"math"
	"strconv"
	"strings"

	G "gorgonia.org/gorgonia"
	"gorgonia.org/tensor"
)

// The op types the machine has kernels for, as fmt's %T names them (without
// the pointer star: Gorgonia applies some ops by value, some by pointer).
const (
	typeUnary   = "gorgonia.elemUnaryOp"
	typeBinary  = "gorgonia.elemBinOp"
	typeMatMul  = "gorgonia.linAlgBinOp"
	typeSum     = "gorgonia.sumOp"
	typeRepeat  = "gorgonia.repeatOp"
	typeReshape = "gorgonia.reshapeOp"
	typeSlice   = "gorgonia.sliceOp"
	typeSliceIn = "gorgonia.sliceIncrOp"
)

// opType is the op's type name as fmt's %T gives it, without a pointer star.
func opType(op G.Op) string { return strings.TrimPrefix(fmt.Sprintf("%T", op), "*") }

// unaryOps are the kernels of the pointwise functions of elemUnaryOp that
// the machine runs itself, keyed by the op's String(), each computing what
// Gorgonia (v0.9.18, built without its fast-math tag) computes in float64
// (tanh within 2 ulp, see f64.TanhTo).
var unaryOps = map[string]kernel{
	"neg":      negKernel,
	"square":   squareKernel,
	"tanh":     tanhKernel,
	"abs":      mapKernel(math.Abs),
	"ceil":     mapKernel(math.Ceil),
	"floor":    mapKernel(math.Floor),
	"sin":      mapKernel(math.Sin),
	"cos":      mapKernel(math.Cos),
	"exp":      mapKernel(math.Exp),
	"ln":       mapKernel(math.Log),
	"log2":     mapKernel(math.Log2),
	"sqrt":     mapKernel(math.Sqrt),
	"log1p":    mapKernel(math.Log1p),
	"expm1":    mapKernel(math.Expm1),
	"inv":      mapKernel(func(x float64) float64 { return 1 / x }),
	"cube":     mapKernel(func(x float64) float64 { return x * x * x }),
	"sigmoid":  mapKernel(sigmoid),
	"softplus": mapKernel(softplus),
}

// sigmoid is Gorgonia's float64 sigmoid, cut-offs included.
func sigmoid(x float64) float64 {
	switch {
	case x < -709:
		return 0
	case x > 19:
		return 1
	}
	return 1.0 / (1.0 + math.Exp(-x))
}

// softplus is Gorgonia's float64 softplus, cut-offs included.
func softplus(x float64) float64 {
	switch {
	case x < -708:
		return 0
	case x > 16:
		return x
	}
	return math.Log1p(math.Exp(x))
}

// binaryOps are the kernels of the operators of elemBinOp that the machine
// runs itself, keyed by the operator, the first word of the op's String()
// (the second says whether a comparison returns numbers, "true", or
// booleans).
var binaryOps = map[string]kernel{
	"+": addKernel,
	"-": subKernel,
	"⊙": mulKernel,
	"÷": divKernel,
	"^": zipKernel(math.Pow),
}

// comparisonOps are the comparisons of elemBinOp the machine runs itself,
// only in the form that returns 1 or 0 in the arguments' type (String()
// ending in "true", Gorgonia's retSame, as Rectify builds it).
var comparisonOps = map[string]kernel{
	"<":  zipKernel(func(a, b float64) float64 { return indicator(a < b) }),
	">":  zipKernel(func(a, b float64) float64 { return indicator(a > b) }),
	"<=": zipKernel(func(a, b float64) float64 { return indicator(a <= b) }),
	">=": zipKernel(func(a, b float64) float64 { return indicator(a >= b) }),
	"==": zipKernel(func(a, b float64) float64 { return indicator(a == b) }),
	"!=": zipKernel(func(a, b float64) float64 { return indicator(a != b) }),
}

func indicator(b bool) float64 {
	if b {
		return 1
	}
	return 0
}

// input points node i, which has no op, at its value's numbers.
func (m *Machine) input(i int) error {
	n := m.nodes[i].node
	switch v := n.Value().(type) {
	case *tensor.Dense:
		data, ok := v.Data().([]float64)
		if !ok {
			return fmt.Errorf("input %v is not float64", n)
		}
		m.full[i] = data
	case *G.F64:
		m.full[i] = []float64{float64(*v)}
		m.scalars = append(m.scalars, scalarInput{index: i, value: v})
	default:
		return fmt.Errorf("input %v has a value of type %T", n, n.Value())
	}
	return nil
}

// constantValue returns the numbers of node i when its op is a constant
// (String() "const ...") or the length of an axis of its argument (sizeOp,
// "SizeOf=N" or "SizeOf(axis)"); ok is false for other ops.
func (m *Machine) constantValue(i int) (v []float64, ok bool, err error) {
	mn := &m.nodes[i]
	name := mn.node.Op().String()
	switch {
	case strings.HasPrefix(name, "const "):
		v, err = valueData(mn.node.Value())
		return v, true, err
	case strings.HasPrefix(name, "SizeOf"):
		size, err := sizeOf(name, m.nodes[mn.args[0]].node.Shape())
		return []float64{float64(size)}, true, err
	}
	return nil, false, nil
}

// sizeOf is Gorgonia's sizeOp, named name, on an argument of the given
// shape: the length of one axis, which the name gives ("SizeOf=N", when the
// shape was known as the graph was built) or names ("SizeOf(axis)").
func sizeOf(name string, shape tensor.Shape) (int, error) {
	if v, ok := strings.CutPrefix(name, "SizeOf="); ok {
		return strconv.Atoi(v)
	}
	if v, ok := strings.CutPrefix(name, "SizeOf("); ok {
		axis, err := strconv.Atoi(strings.TrimSuffix(v, ")"))
		if err == nil && axis >= 0 && axis < len(shape) {
			return shape[axis], nil
		}
	}
	return 0, fmt.Errorf("cannot read an axis length from %q for shape %v", name, shape)
}

// valueData returns the numbers of a Gorgonia value.
func valueData(v G.Value) ([]float64, error) {
	switch v := v.(type) {
	case *tensor.Dense:
		if d, ok := v.Data().([]float64); ok {
			return append([]float64(nil), d...), nil
		}
		if d, ok := v.Data().(float64); ok {
			return []float64{d}, nil
		}
	case *G.F64:
		return []float64{float64(*v)}, nil
	}
	return nil, fmt.Errorf("value of type %T is not float64", v)
}

// native returns the machine's own kernel for node i, or nil. rowArg is
// non-nil when the node can run on tiles: it marks the row-aligned
// arguments; reduce says the node sums over those rows.
func (m *Machine) native(i int) (fn kernel, rowArg []bool, reduce bool) {
	mn := &m.nodes[i]
	n := mn.node
	name := n.Op().String()
	shape := n.Shape()
	argShape := func(j int) tensor.Shape { return m.nodes[mn.args[j]].node.Shape() }
	rowsOut := m.rowAligned(i)
	switch t := opType(n.Op()); {
	case t == typeUnary && len(mn.args) == 1:
		if fn = unaryOps[name]; fn != nil {
			mn.pointwise = name
			if rowsOut && m.rowAligned(mn.args[0]) {
				rowArg = []bool{true}
			}
		}
		return fn, rowArg, false
	case t == typeBinary && len(mn.args) == 2:
		a, b := m.nodes[mn.args[0]].size, m.nodes[mn.args[1]].size
		if !(a == b || a == 1 || b == 1) || max(a, b) != mn.size {
			return nil, nil, false
		}
		if fn = binaryKernel(name); fn == nil {
			return nil, nil, false
		}
		mn.pointwise, _, _ = strings.Cut(name, " ")
		if mn.pointwise == "⊙" && a == b {
			mn.scale = 1
		}
		if rowsOut {
			rowArg = []bool{a > 1 && m.rowAligned(mn.args[0]), b > 1 && m.rowAligned(mn.args[1])}
			if !rowArg[0] && !rowArg[1] || a > 1 && !rowArg[0] || b > 1 && !rowArg[1] {
				rowArg = nil
			}
		}
		return fn, rowArg, false
	case t == typeMatMul && len(mn.args) == 2 && len(argShape(0)) == 2 && len(argShape(1)) == 2 && len(shape) == 2:
		transA, transB, ok := matMulForm(name)
		if !ok {
			return nil, nil, false
		}
		k, ldb := argShape(0)[1], argShape(1)[1]
		switch {
		case transA && !transB && m.rowAligned(mn.args[0]) && m.rowAligned(mn.args[1]):
			mn.wholeTile = true
			return matMul(true, false, k, ldb, true), []bool{true, true}, true
		case !transA && transB && rowsOut && m.rowAligned(mn.args[0]):
			fn, prepare := matMulTransB(k, argShape(1)[0])
			mn.prepare = func() { prepare(m.full[mn.args[1]]) }
			return fn, []bool{true, false}, false
		case !transA && rowsOut && m.rowAligned(mn.args[0]):
			return matMul(false, transB, k, ldb, false), []bool{true, false}, false
		}
		return matMul(transA, transB, k, ldb, false), nil, false
	case t == typeSum && len(mn.args) == 1:
		in := argShape(0)
		along := strings.TrimPrefix(name, "Σ")
		switch {
		case len(in) == 2 && along == "[0 1]" || len(in) == 1 && along == "[0]":
			fn = reduceAll
		case len(in) == 2 && along == "[0]":
			fn = reduceRows
		case len(in) == 2 && along == "[1]":
			fn = sumCols(in[1])
			if rowsOut && m.rowAligned(mn.args[0]) {
				rowArg = []bool{true}
			}
			return fn, rowArg, false
		default:
			return nil, nil, false
		}
		if m.rowAligned(mn.args[0]) {
			return fn, []bool{true}, true
		}
		return fn, nil, true
	case t == typeRepeat && len(mn.args) == 2 && len(shape) == 2:
		in := argShape(0)
		along, err := strconv.Atoi(strings.TrimPrefix(name, "Repeat"))
		if len(in) != 2 || !strings.HasPrefix(name, "Repeat") || err != nil {
			return nil, nil, false
		}
		switch {
		case in.TotalSize() == mn.size:
			fn, mn.pointwise = copyKernel, "copy"
			if rowsOut && m.rowAligned(mn.args[0]) {
				rowArg = []bool{true, false}
			}
		case along == 0 && in[0] == 1:
			fn, mn.repeatsRow = repeatRowsKernel, true
			if rowsOut {
				rowArg = []bool{false, false}
			}
		case along == 1 && in[1] == 1:
			fn = repeatColsKernel(shape[1])
			if rowsOut && m.rowAligned(mn.args[0]) {
				rowArg = []bool{true, false}
			}
		}
		return fn, rowArg, false
	case t == typeReshape && len(mn.args) == 1:
		if rowsOut && m.rowAligned(mn.args[0]) {
			rowArg = []bool{true}
		}
		mn.pointwise = "copy"
		return copyKernel, rowArg, false
	case t == typeSlice && len(mn.args) == 1, t == typeSliceIn && len(mn.args) == 2:
		return m.sliceKernel(i), nil, false
	}
	return nil, nil, false
}

// binaryKernel returns the kernel of the elemBinOp named name ("+ false",
// "<= true"), or nil.
func binaryKernel(name string) kernel {
	op, retSame, ok := strings.Cut(name, " ")
	if !ok {
		return nil
	}
	if fn, ok := binaryOps[op]; ok {
		return fn
	}
	if retSame == "true" {
		return comparisonOps[op]
	}
	return nil
}

// Products counts the matrix products a run makes, and their
// floating-point operations (2 m n k for an m x k times k x n product, a
// fused multiply-add counting as two): wide counts those whose three
// dimensions all exceed 1 (the width-by-width products of a network's
// hidden layers, each run over all the points), flops all of them.
func (m *Machine) Products() (wide int, flops float64) {
	for _, mn := range m.nodes {
		if mn.kind == kindInput || mn.kind == kindConstant || opType(mn.node.Op()) != typeMatMul {
			continue
		}
		transA, transB, ok := matMulForm(mn.node.Op().String())
		a, b := m.nodes[mn.args[0]].node.Shape(), m.nodes[mn.args[1]].node.Shape()
		if !ok || len(a) != 2 || len(b) != 2 {
			continue
		}
		rows, k, n := a[0], a[1], b[1]
		if transA {
			rows, k = k, rows
		}
		if transB {
			n = b[0]
		}
		if rows > 1 && k > 1 && n > 1 {
			wide++
		}
		flops += 2 * float64(rows) * float64(k) * float64(n)
	}
	return wide, flops
}

// matMulForm reads which operand of a linAlgBinOp matrix product is
// transposed from its String(): "A × B" (Mul), or "Aᵀ × B" and "A × Bᵀ" (its
// derivatives). Both transposed, which Mul and its derivatives never build,
// is left to the op's Do.
func matMulForm(name string) (transA, transB, ok bool) {
	switch name {
	case "A × B":
		return false, false, true
	case "Aᵀ × B":
		return true, false, true
	case "A × Bᵀ":
		return false, true, true
	}
	return false, false, false
}

// sliceRange reads a sliceOp's or sliceIncrOp's String(), "T[" then ":, "
// once per axis before the sliced one, then "start:end:step", then "...]"
// (sliceIncrOp: "...]+=..."), and returns the sliced axis and range; ok is
// false for any other form (a whole axis, ":", among them).
func sliceRange(name string) (along, start, end, step int, ok bool) {
	rest, found := strings.CutPrefix(name, "T[")
	if !found {
		return 0, 0, 0, 0, false
	}
	for {
		r, more := strings.CutPrefix(rest, ":, ")
		if !more {
			break
		}
		rest, along = r, along+1
	}
	rest, found = strings.CutSuffix(strings.TrimSuffix(rest, "+=..."), "...]")
	parts := strings.Split(rest, ":")
	if !found || len(parts) != 3 {
		return 0, 0, 0, 0, false
	}
	var v [3]int
	for j, p := range parts {
		var err error
		if v[j], err = strconv.Atoi(p); err != nil {
			return 0, 0, 0, 0, false
		}
	}
	return along, v[0], v[1], v[2], true
}

// sliceKernel returns the kernel of a slice of a row range of a matrix or
// vector (and of the sliceIncrOp that differentiates it), or nil.
func (m *Machine) sliceKernel(i int) kernel {
	mn := &m.nodes[i]
	along, start, end, step, ok := sliceRange(mn.node.Op().String())
	base := m.nodes[mn.args[0]].node.Shape()
	if !ok || along != 0 || step != 1 || len(base) == 0 {
		return nil
	}
	cols := base.TotalSize() / base[0]
	lo, hi := start*cols, end*cols
	if lo < 0 || hi <= lo || hi > base.TotalSize() {
		return nil
	}
	if len(mn.args) == 1 {
		return sliceRowsKernel(lo, hi)
	}
	return sliceIncrKernel(lo, hi)
}

// generic returns a kernel that runs node i's op through its Do, on values
// wrapping the arguments' buffers (built on the first call). It is the only
// kernel that can fail: it sets m.err, so it must not run on tiles.
func (m *Machine) generic(i int) kernel {
	mn := &m.nodes[i]
	op := mn.node.Op()
	var vals []G.Value
	var bufs [][]float64
	return func(out []float64, args [][]float64, _ *[]float64) {
		if vals == nil || !sameBuffers(bufs, args) {
			vals, bufs = make([]G.Value, len(args)), args
			for j, a := range args {
				shape := m.nodes[mn.args[j]].node.Shape()
				if shape.IsScalar() {
					f := G.NewF64(a[0])
					vals[j] = f
					continue
				}
				vals[j] = tensor.New(tensor.WithShape(shape.Clone()...), tensor.WithBacking(a))
			}
		}
		for j, a := range args {
			if f, ok := vals[j].(*G.F64); ok {
				*f = G.F64(a[0])
			}
		}
		v, err := op.Do(vals...)
		if err != nil {
			m.err = fmt.Errorf("compiled: %v: %w", op, err)
			return
		}
		d, err := valueData(v)
		if err != nil || len(d) != len(out) {
			m.err = fmt.Errorf("compiled: %v gave %d numbers where %d were expected (%v)", op, len(d), len(out), err)
			return
		}
		copy(out, d)
	}
}

func sameBuffers(a, b [][]float64) bool {
	if len(a) != len(b) {
		return false
	}
	for i := range a {
		if len(a[i]) != len(b[i]) || len(a[i]) > 0 && &a[i][0] != &b[i][0] {
			return false
		}
	}
	return true
}
