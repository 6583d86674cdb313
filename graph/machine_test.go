package graph

import (
	"fmt"
	"math"
	"runtime"
	"slices"
	"testing"

	"pinn/problems"

	G "gorgonia.org/gorgonia"
	"gorgonia.org/tensor"
)

// lossHistory trains net on p for epochs Adam epochs at lr 0.01 with the
// given executor and returns the loss history.
func lossHistory(t *testing.T, p *problems.Problem, net *Network, cfg Config, ts []float64, obs *problems.Observations, epochs int) []float64 {
	t.Helper()
	tr, err := NewTrainer(p, net, cfg, ts, Options{Observations: obs})
	if err != nil {
		t.Fatal(err)
	}
	if err := tr.Adam(epochs, nil); err != nil {
		t.Fatal(err)
	}
	return tr.Loss()
}

// sameHistory requires two loss histories to agree to tol relative and
// returns their largest relative difference.
func sameHistory(t *testing.T, name string, got, want []float64, tol float64) float64 {
	t.Helper()
	if len(got) != len(want) {
		t.Fatalf("%s: %d losses, want %d", name, len(got), len(want))
	}
	worst := 0.0
	for k := range want {
		worst = max(worst, math.Abs(got[k]-want[k])/math.Abs(want[k]))
	}
	if !(worst <= tol) {
		t.Errorf("%s: loss histories differ by %.3g relative (allowed %.0e); last %.17g vs %.17g",
			name, worst, tol, got[len(got)-1], want[len(want)-1])
	}
	return worst
}

// TestCompiledMatchesTape trains 100 Adam epochs with the Compiled executor
// and with the reference Tape executor (Gorgonia's TapeMachine and
// AdamSolver) and requires the same loss history to 1e-10 relative, for
// every derivative mode and activation (hidden and output layer alike).
//
// 300 points make three tiles, run on up to three workers. The two paths
// sum in different orders (tiles, matrix kernels with fused multiply-adds)
// and the compiled tanh may differ from math.Tanh in the last bit, which
// changes the last bits of each epoch. Measured after 100 epochs: at most
// 4e-15 relative in the symbolic, forward and finite-forward modes, and up to
// 1.6e-11 in fd-central, whose (y(t+h) - y(t-h))/2h with h = 6e-6 multiplies
// the rounding of y by about 1e5. 1e-10 leaves room for that, while a wrong
// kernel (an error of 1e-3 or more in one op) fails at the first epoch.
func TestCompiledMatchesTape(t *testing.T) {
	p := testProblem(t, 1)
	ts := p.Grid(300)
	worst := 0.0
	defer func() { t.Logf("largest relative difference: %.2g", worst) }()
	for _, mode := range append(Derivatives(), WRTPrediction) {
		for _, act := range Activations() {
			cfg := Config{Architecture: Architecture{Hidden: []int{5, 4}, Activation: act, OutputActivation: act}, Derivative: mode}
			net := testNetwork(t, 1, act, act, 7)
			name := fmt.Sprintf("%s/%s", mode, act)
			cfg.Executor = Tape
			want := lossHistory(t, p, net, cfg, ts, nil, 100)
			cfg.Executor = Compiled
			d := sameHistory(t, name, lossHistory(t, p, net, cfg, ts, nil, 100), want, 1e-10)
			if d > 1e-13 {
				t.Logf("%s: %.2g", name, d)
			}
			worst = max(worst, d)
		}
	}
}

// TestCompiledMatchesTapeProblems does the same for a second-order problem
// with either initial-condition mode, a system, an inverse problem with
// observations, and an equation using every function the parser offers
// (abs differentiates into sign, which the machine runs through Gorgonia's
// own op).
func TestCompiledMatchesTapeProblems(t *testing.T) {
	sink, err := problems.New(problems.Definition{Name: "sink", Vars: []string{"y"}, Order: 1,
		RHS: []string{"-abs(y) + sqrt(t) - exp(-t)*log(t + 1) + sin(y)*cos(t) - tan(0.3*y) + tanh(y)/(1 + y^2) + y^3 - (t + 1)^1.5"},
		T0:  0, T1: 1, Y0: []float64{0.5}, Points: 10})
	if err != nil {
		t.Fatal(err)
	}
	inverse, err := problems.New(problems.Definition{Name: "inverse", Vars: []string{"y"}, Order: 1, RHS: []string{"-k*y"},
		Params: map[string]float64{"k": 1}, Unknown: []string{"k"}, T0: 0, T1: 2, Y0: []float64{1}, Points: 10})
	if err != nil {
		t.Fatal(err)
	}
	obs := &problems.Observations{T: []float64{0.5, 1, 1.5, 2}, Y: [][]float64{{0.4, 0.2, 0.1, 0.05}}}
	// Tolerances: 1e-10 as above, except for the central second difference
	// (y(t+h) - 2y(t) + y(t-h)) / h², which divides the rounding of y (1e-16
	// relative) by h² = 1e-8 at the default step: two correct summation
	// orders then differ by about 1e-8 (measured 1.3e-8), so that case
	// allows 1e-7, and the same case with h = 1e-2 (amplification 1e4) is
	// held to 1e-10 to show that the rest is rounding.
	cases := []struct {
		name string
		p    *problems.Problem
		cfg  Config
		obs  *problems.Observations
		tol  float64
	}{
		{"order2/soft", testProblem(t, 2), Config{}, nil, 1e-10},
		{"order2/hard", testProblem(t, 2), Config{IC: HardIC}, nil, 1e-10},
		{"order2/fd-central/hard", testProblem(t, 2), Config{IC: HardIC, Derivative: FDCentral}, nil, 1e-7},
		{"order2/fd-central/hard/h=1e-2", testProblem(t, 2), Config{IC: HardIC, Derivative: FDCentral, FDStep: 1e-2}, nil, 1e-10},
		{"order2/fd-forward", testProblem(t, 2), Config{Derivative: FDForward}, nil, 1e-10},
		{"order2/forward/sin", testProblem(t, 2), Config{Derivative: Forward, Architecture: Architecture{Activation: Sin}}, nil, 1e-10},
		{"lotka-volterra", mustBuiltin(t, "lotka-volterra"), Config{ScaleInput: true}, nil, 1e-10},
		{"inverse", inverse, Config{}, obs, 1e-10},
		{"functions", sink, Config{}, nil, 1e-10},
		{"functions/forward", sink, Config{Derivative: Forward}, nil, 1e-10},
	}
	for _, c := range cases {
		c.cfg.Hidden = []int{6, 6}
		net, err := NewNetwork(Architecture{Hidden: c.cfg.Hidden, Activation: c.cfg.Activation, OutputActivation: Identity}, len(c.p.Vars), NewRand(3))
		if err != nil {
			t.Fatal(err)
		}
		if c.cfg.ScaleInput {
			net.ScaleInput(c.p.T0, c.p.T1)
		}
		ts := c.p.Grid(257)
		c.cfg.Executor = Tape
		want := lossHistory(t, c.p, net, c.cfg, ts, c.obs, 100)
		c.cfg.Executor = Compiled
		d := sameHistory(t, c.name, lossHistory(t, c.p, net, c.cfg, ts, c.obs, 100), want, c.tol)
		t.Logf("%s: largest relative difference %.2g", c.name, d)
	}
}

func mustBuiltin(t *testing.T, name string) *problems.Problem {
	t.Helper()
	p, err := problems.Builtin(name)
	if err != nil {
		t.Fatal(err)
	}
	return p
}

// TestCompiledIndependentOfCores trains with one core and with four: the
// tiles' partial sums are grouped by the number of points alone, so the
// loss histories are identical to the last bit.
func TestCompiledIndependentOfCores(t *testing.T) {
	p := mustBuiltin(t, "forum-final")
	cfg := Config{Architecture: Architecture{Hidden: []int{8, 8}}}
	net, err := NewNetwork(cfg.Architecture, 1, NewRand(1))
	if err != nil {
		t.Fatal(err)
	}
	ts := p.Grid(2000)
	defer runtime.GOMAXPROCS(runtime.GOMAXPROCS(1))
	one := lossHistory(t, p, net, cfg, ts, nil, 20)
	runtime.GOMAXPROCS(4)
	four := lossHistory(t, p, net, cfg, ts, nil, 20)
	for k := range one {
		if one[k] != four[k] {
			t.Fatalf("epoch %d: loss %.17g with one core, %.17g with four", k, one[k], four[k])
		}
	}
}

// TestCompiledMemoryFlat trains forum-final (41 points, 8-8 tanh network)
// for 100 000 Adam epochs, 10 000 with -short: after the first epoch an
// epoch allocates nothing, and the live heap after the run is within 64 KiB
// of the heap after warm-up (the bound is slack for the runtime's own
// bookkeeping; a leak of one float64 per epoch would add 780 KiB).
func TestCompiledMemoryFlat(t *testing.T) {
	p := mustBuiltin(t, "forum-final")
	cfg := Config{Architecture: Architecture{Hidden: []int{8, 8}, OutputActivation: Tanh}}
	net, err := NewNetwork(cfg.Architecture, 1, NewRand(1))
	if err != nil {
		t.Fatal(err)
	}
	tr, err := NewTrainer(p, net, cfg, p.Grid(41), Options{})
	if err != nil {
		t.Fatal(err)
	}
	epochs := 100_000
	if testing.Short() {
		epochs = 10_000
	}
	if err := tr.Adam(100, nil); err != nil {
		t.Fatal(err)
	}
	if a := testing.AllocsPerRun(100, func() {
		if err := tr.Adam(1, nil); err != nil {
			t.Fatal(err)
		}
	}); a != 0 {
		t.Errorf("an epoch allocates %v times, want 0", a)
	}
	heap := func() uint64 {
		var ms runtime.MemStats
		runtime.GC()
		runtime.ReadMemStats(&ms)
		return ms.HeapAlloc
	}
	// The loss history grows by one float64 per epoch by design: measure
	// its backing array apart from the machine's memory.
	before, capBefore := heap(), cap(tr.history)
	if err := tr.Adam(epochs, nil); err != nil {
		t.Fatal(err)
	}
	after := heap()
	history := uint64(8 * (cap(tr.history) - capBefore))
	growth := int64(after) - int64(before) - int64(history)
	t.Logf("heap %d KiB after warm-up, %d KiB after %d more epochs (of which the loss history %d KiB); machine buffers %d KiB",
		before>>10, after>>10, epochs, history>>10, tr.lg.m.bufferBytes()>>10)
	if growth > 64<<10 {
		t.Errorf("the heap grew by %d KiB beyond the loss history over %d epochs", growth>>10, epochs)
	}
}

// TestMachineReadsWholeTiledArguments runs a graph outside the PINN's
// shapes on the machine and on the TapeMachine: with h = tanh(t W) (n x 1)
// and C = h V (n x n), D = C h reads h whole while h is computed tile by
// tile, so h must be complete before D runs. Loss Σ D² and its gradients
// with respect to W and V must agree to 1e-12 relative (rounding only:
// the products sum in other orders).
func TestMachineReadsWholeTiledArguments(t *testing.T) {
	const n = 300 // three tiles
	g := G.NewGraph()
	ts := make([]float64, n)
	vs := make([]float64, n)
	for i := range ts {
		ts[i] = float64(i) / n
		vs[i] = math.Sin(float64(i))
	}
	tn := G.NewMatrix(g, tensor.Float64, G.WithShape(n, 1), G.WithName("t"), G.WithValue(tensor.New(tensor.WithShape(n, 1), tensor.WithBacking(ts))))
	w := G.NewMatrix(g, tensor.Float64, G.WithShape(1, 1), G.WithName("W"), G.WithValue(tensor.New(tensor.WithShape(1, 1), tensor.WithBacking([]float64{0.7}))))
	v := G.NewMatrix(g, tensor.Float64, G.WithShape(1, n), G.WithName("V"), G.WithValue(tensor.New(tensor.WithShape(1, n), tensor.WithBacking(vs))))
	h := G.Must(G.Tanh(G.Must(G.Mul(tn, w))))
	d := G.Must(G.Mul(G.Must(G.Mul(h, v)), h))
	loss := G.Must(G.Sum(G.Must(G.Square(d))))
	gs, err := grads(loss, w, v)
	if err != nil {
		t.Fatal(err)
	}
	m, err := compileMachine(g, loss, gs, n)
	if err != nil {
		t.Fatal(err)
	}
	got, err := m.run()
	if err != nil {
		t.Fatal(err)
	}
	gotGrads := [][]float64{slices.Clone(m.gradient(0)), slices.Clone(m.gradient(1))}

	var lossVal G.Value
	G.Read(loss, &lossVal)
	vm := G.NewTapeMachine(g, G.BindDualValues(w, v))
	defer vm.Close()
	if err := vm.RunAll(); err != nil {
		t.Fatal(err)
	}
	want := lossVal.Data().(float64)
	if math.Abs(got-want) > 1e-12*math.Abs(want) {
		t.Errorf("loss %.17g, want %.17g", got, want)
	}
	for k, p := range []*G.Node{w, v} {
		gv, err := p.Grad()
		if err != nil {
			t.Fatal(err)
		}
		for i, x := range gv.Data().([]float64) {
			if math.Abs(gotGrads[k][i]-x) > 1e-12*math.Max(1, math.Abs(x)) {
				t.Fatalf("gradient %d element %d: %.17g, want %.17g", k, i, gotGrads[k][i], x)
			}
		}
	}
}
