package graph

import (
	"context"
	"fmt"
	"math"
	"runtime"
	"slices"
	"strings"
	"testing"

	"pinn/problems"

	G "gorgonia.org/gorgonia"
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

// TestCompiledIndependentOfCores trains with one worker (Options.Workers),
// four workers, and the default (as many as GOMAXPROCS, set to three here):
// the tiles' partial sums are grouped by the number of points alone, so the
// loss histories and the trained weights are identical to the last bit.
func TestCompiledIndependentOfCores(t *testing.T) {
	p := mustBuiltin(t, "forum-final")
	cfg := Config{Architecture: Architecture{Hidden: []int{8, 8}}}
	fit := func(workers int) *Result {
		t.Helper()
		res, err := Fit(context.Background(), p, cfg, Options{Method: Whole, Seed: 1, Points: 2000, Epochs: 20, Workers: workers})
		if err != nil {
			t.Fatal(err)
		}
		return res
	}
	// The count reaches the machine, and a rebuild for new points keeps it.
	tr, err := NewTrainer(p, testNetwork(t, 1, Tanh, Identity, 1), Config{}, p.Grid(300), Options{Workers: 3})
	if err != nil {
		t.Fatal(err)
	}
	for _, n := range []int{300, 400} {
		if err := tr.SetPoints(p.Grid(n)); err != nil {
			t.Fatal(err)
		}
		if w := tr.lg.exec.(*compiledExecutor).m.Workers; w != 3 {
			t.Fatalf("%d points: the machine has %d workers, want 3", n, w)
		}
	}
	if _, err := Fit(context.Background(), p, cfg, Options{Method: Whole, Workers: -1}); err == nil || !strings.Contains(err.Error(), "-1 workers") {
		t.Errorf("Fit with -1 workers: err = %v, want one naming the count", err)
	}
	one := fit(1)
	defer runtime.GOMAXPROCS(runtime.GOMAXPROCS(3))
	for _, workers := range []int{4, 0} {
		other := fit(workers)
		for k := range one.Loss {
			if one.Loss[k] != other.Loss[k] {
				t.Fatalf("epoch %d: loss %.17g with one worker, %.17g with %d (0: GOMAXPROCS)", k, one.Loss[k], other.Loss[k], workers)
			}
		}
		for l := range one.Model.net.Weights {
			if !slices.Equal(one.Model.net.Weights[l], other.Model.net.Weights[l]) || !slices.Equal(one.Model.net.Biases[l], other.Model.net.Biases[l]) {
				t.Fatalf("layer %d: the weights trained with one worker differ from those with %d", l, workers)
			}
		}
	}
}

// TestCompiledMemoryFlat trains forum-final (41 points, 8-8 tanh network)
// for 100 000 Adam epochs, 10 000 with -short: after the first epoch an
// epoch allocates nothing (also with 1000 points, 8 chunks of tiles, on 4
// workers: the machine's helper goroutines are started once), and the live
// heap after the run is within 64 KiB
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
	many, err := NewTrainer(p, net, cfg, p.Grid(1000), Options{Workers: 4})
	if err != nil {
		t.Fatal(err)
	}
	if err := many.Adam(10, nil); err != nil {
		t.Fatal(err)
	}
	for points, tr := range map[int]*Trainer{41: tr, 1000: many} {
		if a := testing.AllocsPerRun(100, func() {
			if err := tr.Adam(1, nil); err != nil {
				t.Fatal(err)
			}
		}); a != 0 {
			t.Errorf("%d points: an epoch allocates %v times, want 0", points, a)
		}
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
		before>>10, after>>10, epochs, history>>10, tr.lg.exec.(*compiledExecutor).m.BufferBytes()>>10)
	if growth > 64<<10 {
		t.Errorf("the heap grew by %d KiB beyond the loss history over %d epochs", growth>>10, epochs)
	}
}

// TestAdamMatchesGorgonia trains an inverse problem (matrix weights and a
// scalar unknown) for 5 steps twice on the Tape executor: with Gorgonia's
// own AdamSolver stepping the nodes (what the Tape executor did before it
// shared the flat Adam), and with the flat Adam both executors use. The
// parameters must be the same bits after every step: the flat Adam does the
// AdamSolver's arithmetic operation for operation.
func TestAdamMatchesGorgonia(t *testing.T) {
	p, err := problems.New(problems.Definition{Name: "inverse", Vars: []string{"y"}, Order: 1, RHS: []string{"-k*y"},
		Params: map[string]float64{"k": 1}, Unknown: []string{"k"}, T0: 0, T1: 2, Y0: []float64{1}, Points: 10})
	if err != nil {
		t.Fatal(err)
	}
	obs := &problems.Observations{T: []float64{0.5, 1, 1.5, 2}, Y: [][]float64{{0.4, 0.2, 0.1, 0.05}}}
	net := testNetwork(t, 1, Tanh, Identity, 11)
	cfg := Config{Architecture: Architecture{Hidden: []int{5, 4}}, Executor: Tape}
	const lr = 0.01
	build := func() *lossGraph {
		t.Helper()
		lg, err := buildLoss(p, net, nil, cfg, [][]float64{p.Grid(10)}, obs, 0)
		if err != nil {
			t.Fatal(err)
		}
		return lg
	}
	gorgonia, flat := build(), build()
	vm := gorgonia.exec.(*tapeExecutor).vm
	solver := G.NewAdamSolver(G.WithLearnRate(lr))
	opt := adam{eta: lr}
	x, grad := flat.initialParams(), make([]float64, flat.numParams())
	for step := 1; step <= 5; step++ {
		if err := vm.RunAll(); err != nil {
			t.Fatal(err)
		}
		if err := solver.Step(G.NodesToValueGrads(gorgonia.params)); err != nil {
			t.Fatal(err)
		}
		vm.Reset()
		if _, err := flat.exec.run(x, grad); err != nil {
			t.Fatal(err)
		}
		opt.step(x, grad)
		want := gorgonia.initialParams() // the nodes' values now
		for i := range want {
			if math.Float64bits(x[i]) != math.Float64bits(want[i]) {
				t.Fatalf("step %d: parameter %d is %.17g with the flat Adam, %.17g with Gorgonia's AdamSolver", step, i, x[i], want[i])
			}
		}
		if step == 1 && slices.Equal(want, build().initialParams()) {
			t.Fatal("AdamSolver did not move the parameters")
		}
	}
}

// TestCompiledHasNoFallbacks compiles the training graph of every built-in
// problem with every derivative mode (wrt-prediction on first-order
// problems only), every activation (hidden and output layers) and both
// initial-condition modes, and requires the Compiled executor to have a
// kernel of its own for every node: none may fall back to the Gorgonia op's
// Do.
func TestCompiledHasNoFallbacks(t *testing.T) {
	for _, name := range problems.Names() {
		p := mustBuiltin(t, name)
		for _, mode := range append(Derivatives(), WRTPrediction) {
			if mode == WRTPrediction && p.Order != 1 {
				continue
			}
			for _, act := range Activations() {
				for _, ic := range []ICMode{SoftIC, HardIC} {
					checkNoFallbacks(t, p, Config{Architecture: Architecture{Hidden: []int{5, 4}, Activation: act, OutputActivation: act}, Derivative: mode, IC: ic})
				}
			}
		}
	}
}

// TestFamilyCompiledHasNoFallbacks does the same for families (networks of
// several inputs): two range parameters, an initial value that is a range
// parameter, with the derivative modes a family allows, every activation
// and both initial-condition modes; and a marched family window, whose
// trial solution starts from initial values given as columns of the points.
func TestFamilyCompiledHasNoFallbacks(t *testing.T) {
	for _, order := range []int{1, 2} {
		p := testFamily(t, order)
		for _, mode := range []Derivative{Symbolic, Forward, FDCentral} {
			for _, act := range Activations() {
				for _, ic := range []ICMode{SoftIC, HardIC} {
					checkNoFallbacks(t, p, Config{Architecture: Architecture{Hidden: []int{5, 4}, Activation: act, OutputActivation: act}, Derivative: mode, IC: ic})
				}
			}
		}
		t0 := 0.8
		cfg := Config{Architecture: Architecture{Hidden: []int{5, 4}}, IC: HardIC, startAt: &t0}
		net, err := NewFamilyNetwork(p, cfg.Architecture, NewRand(1))
		if err != nil {
			t.Fatal(err)
		}
		cols := gridInputs(p, 300)
		for range p.Order {
			cols = append(cols, make([]float64, 300))
		}
		lg, err := buildLoss(p, net, nil, cfg, cols, nil, 0)
		if err != nil {
			t.Fatal(err)
		}
		for _, n := range lg.exec.(*compiledExecutor).m.Fallbacks() {
			t.Errorf("order %d window: %v (%v) runs through Gorgonia's Do", order, n, n.Op())
		}
	}
}

// checkNoFallbacks builds p's training graph with cfg on the Compiled
// executor and fails for every node that runs through Gorgonia's Do.
func checkNoFallbacks(t *testing.T, p *problems.Problem, cfg Config) {
	t.Helper()
	name := fmt.Sprintf("%s/%s/%s/%s", p.Name, cfg.Derivative, cfg.Activation, cfg.IC)
	net, err := NewFamilyNetwork(p, cfg.Architecture, NewRand(1))
	if err != nil {
		t.Fatal(err)
	}
	lg, err := buildLoss(p, net, nil, cfg, gridInputs(p, 300), nil, 0)
	if err != nil {
		// Some cannot be built at all (the second derivative of a
		// piecewise-linear network): the Tape executor must refuse them
		// too, with the same error.
		cfg.Executor = Tape
		if _, tapeErr := buildLoss(p, net, nil, cfg, gridInputs(p, 300), nil, 0); tapeErr == nil || tapeErr.Error() != err.Error() {
			t.Fatalf("%s: %v (the Tape executor: %v)", name, err, tapeErr)
		}
		t.Logf("%s: cannot be built: %v", name, err)
		return
	}
	fallbacks := lg.exec.(*compiledExecutor).m.Fallbacks()
	t.Logf("%s: %d fallback nodes", name, len(fallbacks))
	for _, n := range fallbacks {
		t.Errorf("%s: %v (%v) runs through Gorgonia's Do", name, n, n.Op())
	}
}
