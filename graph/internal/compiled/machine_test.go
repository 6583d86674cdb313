package compiled

import (
	"math"
	"runtime"
	"strings"
	"testing"
	"time"

	G "gorgonia.org/gorgonia"
	"gorgonia.org/tensor"
)

// rows is the number of collocation points of the test graphs: three tiles
// of tileRows, the last one short.
const rows = 300

// matrix adds an r x c input node named name holding f(i, j).
func matrix(g *G.ExprGraph, name string, r, c int, f func(i, j int) float64) *G.Node {
	data := make([]float64, r*c)
	for i := range r {
		for j := range c {
			data[i*c+j] = f(i, j)
		}
	}
	return G.NewMatrix(g, tensor.Float64, G.WithShape(r, c), G.WithName(name),
		G.WithValue(tensor.New(tensor.WithShape(r, c), tensor.WithBacking(data))))
}

// numbers returns the numbers of a float64 Gorgonia value.
func numbers(t *testing.T, v G.Value) []float64 {
	t.Helper()
	d, err := valueData(v)
	if err != nil {
		t.Fatal(err)
	}
	return d
}

// agree says got equals want within tol relative to |want|, or, with tol
// 0, is the same bits. Two NaNs agree.
func agree(got, want, tol float64) bool {
	if math.IsNaN(got) || math.IsNaN(want) {
		return math.IsNaN(got) && math.IsNaN(want)
	}
	if tol == 0 {
		return math.Float64bits(got) == math.Float64bits(want)
	}
	return got == want || math.Abs(got-want) <= tol*math.Abs(want)
}

// againstTape compiles the graph g for the scalar node loss and the output
// nodes, runs it, and requires the loss (within lossTol relative) and every
// output (within tol, see agree) to equal what Gorgonia's TapeMachine
// computes. It returns the machine.
func againstTape(t *testing.T, what string, g *G.ExprGraph, loss *G.Node, outputs G.Nodes, tol, lossTol float64) *Machine {
	t.Helper()
	m, err := Compile(g, loss, outputs, rows)
	if err != nil {
		t.Fatalf("%s: %v", what, err)
	}
	got, err := m.Run()
	if err != nil {
		t.Fatalf("%s: %v", what, err)
	}
	var lossVal G.Value
	G.Read(loss, &lossVal)
	vals := make([]G.Value, len(outputs))
	for k, n := range outputs {
		G.Read(n, &vals[k])
	}
	vm := G.NewTapeMachine(g)
	defer vm.Close()
	if err := vm.RunAll(); err != nil {
		t.Fatalf("%s: the TapeMachine: %v", what, err)
	}
	if want := numbers(t, lossVal)[0]; !agree(got, want, lossTol) {
		t.Errorf("%s: loss %.17g, the TapeMachine %.17g", what, got, want)
	}
	for k, n := range outputs {
		want := numbers(t, vals[k])
		out := m.Output(k)
		if len(out) != len(want) {
			t.Fatalf("%s: %v has %d numbers, the TapeMachine's %d", what, n, len(out), len(want))
		}
		for i := range want {
			if !agree(out[i], want[i], tol) {
				t.Fatalf("%s: %v (%v) element %d is %.17g, the TapeMachine's %.17g", what, n, n.Op(), i, out[i], want[i])
			}
		}
	}
	return m
}

// TestMachineReadsWholeTiledArguments runs a graph outside the PINN's
// shapes on the machine and on the TapeMachine: with h = tanh(t W) (n x 1)
// and C = h V (n x n), D = C h reads h whole while h is computed tile by
// tile, so h must be complete before D runs. Loss Σ D² and its gradients
// with respect to W and V must agree to 1e-12 relative (rounding only:
// the products sum in other orders).
func TestMachineReadsWholeTiledArguments(t *testing.T) {
	g := G.NewGraph()
	tn := matrix(g, "t", rows, 1, func(i, _ int) float64 { return float64(i) / rows })
	w := matrix(g, "W", 1, 1, func(int, int) float64 { return 0.7 })
	v := matrix(g, "V", 1, rows, func(_, j int) float64 { return math.Sin(float64(j)) })
	h := G.Must(G.Tanh(G.Must(G.Mul(tn, w))))
	d := G.Must(G.Mul(G.Must(G.Mul(h, v)), h))
	loss := G.Must(G.Sum(G.Must(G.Square(d))))
	gs, err := G.Grad(loss, w, v) // one Grad on a fresh graph: no stale derivatives
	if err != nil {
		t.Fatal(err)
	}
	againstTape(t, "Σ (h V h)²", g, loss, gs, 1e-12, 1e-12)
}

// manyChunks compiles mean((tanh(t W) V)²) and its gradient with respect to
// W and V for n points, which make more than one chunk of tiles when n is
// over tileRows.
func manyChunks(t *testing.T, n int) *Machine {
	t.Helper()
	g := G.NewGraph()
	tn := matrix(g, "t", n, 1, func(i, _ int) float64 { return float64(i) / float64(n) })
	w := matrix(g, "W", 1, 8, func(_, j int) float64 { return 0.3*float64(j) - 1 })
	v := matrix(g, "V", 8, 1, func(i, _ int) float64 { return math.Cos(float64(i)) })
	y := G.Must(G.Mul(G.Must(G.Tanh(G.Must(G.Mul(tn, w)))), v))
	loss := G.Must(G.Mean(G.Must(G.Square(y))))
	gs, err := G.Grad(loss, w, v)
	if err != nil {
		t.Fatal(err)
	}
	m, err := Compile(g, loss, gs, n)
	if err != nil {
		t.Fatal(err)
	}
	return m
}

// TestWorkersGiveSameBits runs one graph with 1 to 5 workers (and the
// default), the count growing and shrinking between runs: the tiles' sums
// are grouped by the number of points alone, so the loss and the gradient
// are the same bits. 2000 points make 16 tiles in 16 chunks.
func TestWorkersGiveSameBits(t *testing.T) {
	m := manyChunks(t, 2000)
	var want []float64
	for _, workers := range []int{1, 3, 5, 2, 4, 1, 0} {
		m.Workers = workers
		loss, err := m.Run()
		if err != nil {
			t.Fatal(err)
		}
		got := append([]float64{loss}, m.Output(0)...)
		got = append(got, m.Output(1)...)
		if want == nil {
			want = got
			continue
		}
		for i := range want {
			if math.Float64bits(got[i]) != math.Float64bits(want[i]) {
				t.Fatalf("%d workers: number %d is %.17g, with one worker %.17g", workers, i, got[i], want[i])
			}
		}
	}
}

// TestRunAllocatesNothing runs a machine of 1000 points (8 chunks of tiles)
// on 4 workers, then on 2: after the first run, which starts the helper
// goroutines, a run allocates nothing.
func TestRunAllocatesNothing(t *testing.T) {
	m := manyChunks(t, 1000)
	for _, workers := range []int{4, 2} {
		m.Workers = workers
		if a := testing.AllocsPerRun(20, func() {
			if _, err := m.Run(); err != nil {
				t.Fatal(err)
			}
		}); a != 0 {
			t.Errorf("%d workers: a run allocates %v times, want 0", workers, a)
		}
	}
}

// TestHelpersEnd builds 200 machines of 1000 points, runs each on 4 workers
// (3 helper goroutines each), keeping them, then drops them: once the collector has found
// them unreachable, their helpers end, and the goroutines are back to those
// of before within a few (the runtime's and the testing package's own may
// come and go). The wait is bounded at 10 s; it takes a few milliseconds.
func TestHelpersEnd(t *testing.T) {
	const machines, helpers, slack = 200, 3, 5
	before := runtime.NumGoroutine()
	ms := make([]*Machine, machines)
	for k := range ms {
		ms[k] = manyChunks(t, 1000)
		ms[k].Workers = helpers + 1
		if _, err := ms[k].Run(); err != nil {
			t.Fatal(err)
		}
	}
	// Not before+machines*helpers: the helpers of earlier tests' machines
	// may end meanwhile.
	if n := runtime.NumGoroutine(); n < machines*helpers {
		t.Fatalf("%d goroutines after starting %d helpers", n, machines*helpers)
	}
	clear(ms)
	deadline := time.Now().Add(10 * time.Second)
	for runtime.NumGoroutine() > before+slack {
		if time.Now().After(deadline) {
			t.Fatalf("%d goroutines 10 s after dropping the machines, %d before them", runtime.NumGoroutine(), before)
		}
		runtime.GC()
		time.Sleep(10 * time.Millisecond)
	}
}

// TestGenericNeverOnTiles checks the rule that keeps Machine.err race-free:
// schedule refuses a program that would run a generic kernel on tiles.
func TestGenericNeverOnTiles(t *testing.T) {
	g := G.NewGraph()
	x := matrix(g, "x", rows, 1, func(i, _ int) float64 { return float64(i) })
	loss := G.Must(G.Sum(G.Must(G.Square(x))))
	m, err := Compile(g, loss, nil, rows)
	if err != nil {
		t.Fatal(err)
	}
	for i := range m.nodes {
		if m.nodes[i].kind == kindTiled {
			m.nodes[i].generic = true
			err := m.schedule()
			if err == nil || !strings.Contains(err.Error(), "on tiles") {
				t.Errorf("schedule with a generic kernel on tiles: err = %v", err)
			}
			return
		}
	}
	t.Fatal("no tiled node in Σ x²")
}

// TestFallbackRunsDo runs an op the machine has no kernel for (sign) through
// Gorgonia's Do: it is listed by Fallbacks, runs whole, and gives Do's
// numbers.
func TestFallbackRunsDo(t *testing.T) {
	g := G.NewGraph()
	x := matrix(g, "x", rows, 2, func(i, j int) float64 { return float64(i-150) * float64(j+1) })
	s := G.Must(G.Sign(x))
	loss := G.Must(G.Sum(G.Must(G.HadamardProd(s, x))))
	m := againstTape(t, "sign", g, loss, G.Nodes{s}, 0, 1e-12)
	if fb := m.Fallbacks(); len(fb) != 1 || fb[0] != s {
		t.Errorf("Fallbacks() = %v, want [%v]", fb, s)
	}
	for _, mn := range m.nodes {
		if mn.generic && mn.kind != kindGlobal {
			t.Errorf("%v runs through Do as kind %d, not whole", mn.node, mn.kind)
		}
	}
}

// TestRowRepeatsFolded runs a dense layer with a bias, tanh(x W + b) as
// BroadcastAdd builds it (b repeated down the rows, then added), on the
// machine and on the TapeMachine: the addition reads b as a row, the repeat
// is folded away and never runs, and the loss and the gradients are the
// same (1e-12 relative: the products sum in other orders).
func TestRowRepeatsFolded(t *testing.T) {
	g := G.NewGraph()
	x := matrix(g, "x", rows, 2, func(i, j int) float64 { return float64(i*(j+1)) / rows })
	w := matrix(g, "W", 2, 5, func(i, j int) float64 { return 0.1*float64(i+j) - 0.2 })
	b := matrix(g, "b", 1, 5, func(_, j int) float64 { return 0.3 - 0.1*float64(j) })
	h := G.Must(G.Tanh(G.Must(G.BroadcastAdd(G.Must(G.Mul(x, w)), b, nil, []byte{0}))))
	loss := G.Must(G.Sum(G.Must(G.Square(h))))
	gs, err := G.Grad(loss, w, b)
	if err != nil {
		t.Fatal(err)
	}
	m := againstTape(t, "tanh(x W + b)", g, loss, gs, 1e-12, 1e-12)
	folded := 0
	for _, mn := range m.nodes {
		if mn.repeatsRow && mn.kind != kindConstant { // Σ's derivative repeats a constant
			if mn.kind != kindFolded {
				t.Errorf("%v (%v) is of kind %d, not folded", mn.node, mn.node.Op(), mn.kind)
			}
			folded++
		}
	}
	if folded != 1 {
		t.Errorf("%d repeats of a row computed at each run, want the bias's", folded)
	}
	for _, stage := range m.stages {
		for _, i := range stage {
			if m.nodes[i].kind == kindFolded {
				t.Errorf("folded %v runs in a stage", m.nodes[i].node)
			}
		}
	}
}

// TestProducts counts the products of Σ (x W)² and its gradient with
// respect to W, for x of 300 x 3 and W of 3 x 4: x W and xᵀ (2 x W), both
// wide, each 2 · 300 · 3 · 4 = 7200 operations; W's gradient needs no
// product for x's.
func TestProducts(t *testing.T) {
	g := G.NewGraph()
	x := matrix(g, "x", rows, 3, func(i, j int) float64 { return float64(i+j) / rows })
	w := matrix(g, "W", 3, 4, func(i, j int) float64 { return float64(i - j) })
	loss := G.Must(G.Sum(G.Must(G.Square(G.Must(G.Mul(x, w))))))
	gs, err := G.Grad(loss, w)
	if err != nil {
		t.Fatal(err)
	}
	m, err := Compile(g, loss, gs, rows)
	if err != nil {
		t.Fatal(err)
	}
	if wide, flops := m.Products(); wide != 2 || flops != 2*7200 {
		t.Errorf("Products() = %d, %g; want 2, %d", wide, flops, 2*7200)
	}
}
