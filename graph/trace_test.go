package graph

import (
	"context"
	"math"
	"slices"
	"strings"
	"testing"

	"pinn/graph/internal/compiled"
	"pinn/problems"

	"gonum.org/v1/gonum/floats"
)

// ulps returns how many float64 steps apart a and b are (both finite, of
// one sign).
func ulps(a, b float64) float64 {
	return math.Abs(float64(int64(math.Float64bits(a)) - int64(math.Float64bits(b))))
}

// TestTraceTermsSumToLoss traces a two-variable system with an unknown
// parameter, soft initial conditions and observations, so that every kind
// of term is there (two residuals, ic, data), on both executors. Each term
// is checked against the same quantity computed from the trainer's model
// on graphs of its own, and the terms against the loss. The loss node adds
// the n terms one after another; added in another order (here largest
// first), each of the n - 1 additions of either order rounds by at most
// half an ulp of the total (the terms are not negative, so no partial sum
// exceeds it): the two sums differ by at most n - 1 ulps.
func TestTraceTermsSumToLoss(t *testing.T) {
	p, obs, ts := inverseSystem(t)
	const icWeight, dataWeight = 2.5, 3
	for _, exec := range Executors() {
		t.Run(string(exec), func(t *testing.T) {
			cfg := Config{ICWeight: icWeight, DataWeight: dataWeight, Executor: exec}
			tr, st := tracedAfter(t, p, cfg, ts, obs, 3)
			if want := tr.Loss()[3]; st.Loss != want {
				t.Errorf("traced loss %v, the loss history says %v", st.Loss, want)
			}
			var names []string
			values := map[string]float64{}
			for _, term := range st.Terms {
				names = append(names, term.Name)
				values[term.Name] = term.Value
			}
			if got, want := strings.Join(names, " "), "residual_x residual_y ic data"; got != want {
				t.Fatalf("terms %q, want %q", got, want)
			}
			sorted := slices.SortedFunc(slices.Values(st.Terms), func(a, b TraceValue) int { return -cmpFloat(a.Value, b.Value) })
			sum := 0.0
			for _, term := range sorted {
				sum += term.Value
			}
			if d := ulps(sum, st.Loss); d > float64(len(st.Terms)-1) {
				t.Errorf("terms add up to %v, %v ulps from the loss %v", sum, d, st.Loss)
			}

			// The terms as the model computes them. The model's graphs
			// round otherwise than the training graph: 1e-13 relative is
			// far above that rounding and far below any term's size.
			m := tr.Model()
			res, err := m.Residuals(ts)
			if err != nil {
				t.Fatal(err)
			}
			at0, err := m.Predict([]float64{p.T0})
			if err != nil {
				t.Fatal(err)
			}
			atObs, err := m.Predict(obs.T)
			if err != nil {
				t.Fatal(err)
			}
			want := map[string]float64{}
			for i, v := range p.Vars {
				want["residual_"+v] = meanSquare(res[i], nil)
				want["ic"] += icWeight * (at0.Y[i][0] - p.Y0[i]) * (at0.Y[i][0] - p.Y0[i])
				want["data"] += dataWeight * meanSquare(atObs.Y[i], obs.Y[i])
			}
			for name, w := range want {
				if got := values[name]; !(math.Abs(got-w) <= 1e-13*math.Abs(w)) {
					t.Errorf("term %s = %v, the model gives %v", name, got, w)
				}
			}
		})
	}
}

// tracedAfter trains the 1-5-4-2 tanh test network on p at the points ts
// (with observations obs) for some epochs of Adam, and traces it.
func tracedAfter(t *testing.T, p *problems.Problem, cfg Config, ts []float64, obs *problems.Observations, epochs int) (*Trainer, TraceStep) {
	t.Helper()
	tr, err := NewTrainer(p, testNetwork(t, 2, Tanh, Identity, 11), cfg, ts, Options{Observations: obs})
	if err != nil {
		t.Fatal(err)
	}
	if err := tr.Adam(epochs, nil); err != nil {
		t.Fatal(err)
	}
	st, err := tr.Trace()
	if err != nil {
		t.Fatal(err)
	}
	return tr, st
}

func cmpFloat(a, b float64) int {
	switch {
	case a < b:
		return -1
	case a > b:
		return 1
	}
	return 0
}

// meanSquare returns mean((a - b)^2), b nil meaning zeros.
func meanSquare(a, b []float64) float64 {
	s := 0.0
	for k, v := range a {
		if b != nil {
			v -= b[k]
		}
		s += v * v
	}
	return s / float64(len(a))
}

// TestTermOutputsCostNothing compiles the loss graph of a problem with
// every kind of term (the inverse system, soft initial conditions,
// observations), on 300 points so that it has tiles, with and without the
// terms as outputs: the program is the same, node for node, stage for
// stage, with the same buffers, so each run costs the same.
func TestTermOutputsCostNothing(t *testing.T) {
	p, obs, _ := inverseSystem(t)
	ts := p.Grid(300)
	b, err := newBuilder(p, testNetwork(t, 2, Tanh, Identity, 11), Config{}.withDefaults(p.Order), nil)
	if err != nil {
		t.Fatal(err)
	}
	lg, gs, err := b.lossAndGradient([][]float64{ts}, obs)
	if err != nil {
		t.Fatal(err)
	}
	plain, err := compiled.Compile(b.g, lg.loss, gs, len(ts))
	if err != nil {
		t.Fatal(err)
	}
	withTerms, err := compiled.Compile(b.g, lg.loss, append(slices.Clone(gs), lg.terms...), len(ts))
	if err != nil {
		t.Fatal(err)
	}
	if len(lg.terms) != 4 || plain.Stages() < 3 {
		t.Fatalf("%d terms, %d stages: want 4 terms and a tiled program", len(lg.terms), plain.Stages())
	}
	if !slices.Equal(plain.Placements(), withTerms.Placements()) || plain.Stages() != withTerms.Stages() || plain.BufferBytes() != withTerms.BufferBytes() {
		t.Errorf("the terms as outputs change the program: %d stages and %d bytes, against %d and %d",
			withTerms.Stages(), withTerms.BufferBytes(), plain.Stages(), plain.BufferBytes())
	}
}

// TestTraceGradientNorms checks the traced gradient norms against the
// slices of LossAndGradient's vector, laid out as Parameters says, and
// the unknown parameter's |dL/dk| against its entry, on both executors:
// the trace takes the same gradient (an executor gives the same bits for
// the same weights) and the same norm, so they agree exactly.
func TestTraceGradientNorms(t *testing.T) {
	for _, exec := range Executors() {
		t.Run(string(exec), func(t *testing.T) { testTraceGradientNorms(t, exec) })
	}
}

func testTraceGradientNorms(t *testing.T, exec Executor) {
	p, obs, ts := inverseSystem(t)
	tr, st := tracedAfter(t, p, Config{Executor: exec}, ts, obs, 2)
	_, grad, err := tr.LossAndGradient()
	if err != nil {
		t.Fatal(err)
	}
	// The 1-5-4-2 network: layer 1 has 5 weights and 5 biases, layer 2
	// 5 x 4 and 4, the output layer 4 weights and a bias per output; then k.
	sizes := []int{10, 24, 10}
	if len(st.Gradients) != len(sizes) {
		t.Fatalf("%d layer norms, want %d", len(st.Gradients), len(sizes))
	}
	off := 0
	for l, n := range sizes {
		if want := floats.Norm(grad[off:off+n], 2); st.Gradients[l] != want || want == 0 {
			t.Errorf("layer %d: norm %v, the gradient's slice has %v", l+1, st.Gradients[l], want)
		}
		off += n
	}
	if len(st.Unknown) != 1 || st.Unknown[0].Name != "k" || st.Unknown[0].Value != math.Abs(grad[off]) || off+1 != len(grad) {
		t.Errorf("unknown %v, want |%v| for k, the last of %d entries", st.Unknown, grad[off], len(grad))
	}
	if st.Optimizer != Adam || st.Epoch != 2 || st.LBFGS != (LBFGSIteration{}) {
		t.Errorf("step %d by %q with L-BFGS %+v, want step 2 by adam, no L-BFGS", st.Epoch, st.Optimizer, st.LBFGS)
	}
}

// TestTraceDeadUnits sets a relu network's biases by hand: unit 2 of the
// first layer has bias -10, below -|w| t for every t in [0, 1], so it is 0
// at every point and its derivative is 0 there (dead); unit 1 switches on
// for t > 0.5 (alive on the grid of [0, 1], dead on points below 0.5);
// the others have bias +10 (alive). Then the output relu's bias is set to
// -100, which kills the output too and with it every gradient.
func TestTraceDeadUnits(t *testing.T) {
	p, err := problems.New(problems.Definition{Name: "decay", Vars: []string{"y"}, Order: 1, RHS: []string{"-y"},
		T0: 0, T1: 1, Y0: []float64{1}, Points: 11})
	if err != nil {
		t.Fatal(err)
	}
	net, err := NewNetwork(Architecture{Hidden: []int{3, 2}, Activation: ReLU, OutputActivation: ReLU}, 1, NewRand(1))
	if err != nil {
		t.Fatal(err)
	}
	net.Weights[0] = []float64{1, 1, 1}
	net.Biases[0] = []float64{-0.5, -10, 10}
	net.Weights[1] = []float64{1, 1, 1, 1, 1, 1}
	net.Biases[1] = []float64{10, 10}
	net.Weights[2] = []float64{1, 1}
	trainer := func(outBias float64) *Trainer {
		net.Biases[2] = []float64{outBias}
		tr, err := NewTrainer(p, net, Config{}, p.Grid(11), Options{})
		if err != nil {
			t.Fatal(err)
		}
		return tr
	}
	trace := func(tr *Trainer) (TraceStep, []float64) {
		st, err := tr.Trace()
		if err != nil {
			t.Fatal(err)
		}
		_, grad, err := tr.LossAndGradient()
		if err != nil {
			t.Fatal(err)
		}
		return st, grad
	}
	tr := trainer(0)
	st, grad := trace(tr)
	if st.DeadUnits != 1 || st.HiddenUnits != 5 || st.DeadOutputs != 0 || st.Outputs != 1 {
		t.Errorf("%d of %d hidden units and %d of %d outputs dead, want 1 of 5 and 0 of 1", st.DeadUnits, st.HiddenUnits, st.DeadOutputs, st.Outputs)
	}
	if got := st.DeadFraction(); got != 0.2 {
		t.Errorf("dead fraction %v, want 0.2", got)
	}
	// The dead unit's weight and bias (entries 1 and 4 of layer 1's) get
	// no gradient; the live units' do.
	if grad[1] != 0 || grad[4] != 0 || grad[0] == 0 || grad[3] == 0 {
		t.Errorf("layer 1's gradient %v: want 0 at the dead unit's weight and bias only", grad[:6])
	}
	// The same number of points, moved in place: unit 1 is dead below 0.5.
	if err := tr.SetPoints(slices.Repeat([]float64{0.1}, 11)); err != nil {
		t.Fatal(err)
	}
	if st, _ = trace(tr); st.DeadUnits != 2 {
		t.Errorf("at t = 0.1, %d hidden units dead, want 2", st.DeadUnits)
	}
	st, grad = trace(trainer(-100))
	if st.DeadOutputs != 1 || st.DeadUnits != 1 {
		t.Errorf("with the output's bias at -100: %d outputs and %d hidden units dead, want 1 and 1", st.DeadOutputs, st.DeadUnits)
	}
	for l, g := range st.Gradients {
		if g != 0 {
			t.Errorf("with the output dead, layer %d's gradient norm is %v, want 0", l+1, g)
		}
	}
	if slices.ContainsFunc(grad, func(g float64) bool { return g != 0 }) {
		t.Error("with the output dead, the gradient is not all 0")
	}
}

// fitBoth runs Fit on p with opts without a trace and with one every few
// steps, and returns both results and the steps traced.
func fitBoth(t *testing.T, p *problems.Problem, cfg Config, opts Options, every int) (plain, traced *Result, steps []TraceStep) {
	t.Helper()
	plain, err := Fit(context.Background(), p, cfg, opts)
	if err != nil {
		t.Fatal(err)
	}
	opts.TraceEvery, opts.Trace = every, func(s TraceStep) { steps = append(steps, s) }
	traced, err = Fit(context.Background(), p, cfg, opts)
	if err != nil {
		t.Fatal(err)
	}
	return plain, traced, steps
}

// sameRun fails unless two results have the same loss histories and
// solutions to the last bit.
func sameRun(t *testing.T, plain, traced *Result) {
	t.Helper()
	if !slices.Equal(plain.Loss, traced.Loss) {
		t.Errorf("the loss histories differ (%d and %d entries)", len(plain.Loss), len(traced.Loss))
	}
	if !slices.EqualFunc(plain.Score.Solution.Y, traced.Score.Solution.Y, slices.Equal) {
		t.Error("the solutions differ")
	}
}

// TestTraceChangesNothingWhole trains on the whole domain with Adam then
// L-BFGS, on both executors, with and without a trace every 7 steps: the
// runs are the same to the last bit, and the trace has the steps 0, 7,
// 14, ..., each with the loss the history has there.
func TestTraceChangesNothingWhole(t *testing.T) {
	p := mustBuiltin(t, "decay")
	for _, exec := range Executors() {
		t.Run(string(exec), func(t *testing.T) {
			cfg := Config{Architecture: Architecture{Hidden: []int{6}}, Executor: exec}
			opts := Options{Method: Whole, Optimizer: AdamThenLBFGS, Epochs: 30, LBFGSIterations: 30, Seed: 2, Workers: 1}
			plain, traced, steps := fitBoth(t, p, cfg, opts, 7)
			sameRun(t, plain, traced)
			if want := (len(traced.Loss)-1)/7 + 1; len(steps) != want {
				t.Fatalf("%d steps traced of %d, want %d", len(steps), len(traced.Loss)-1, want)
			}
			for i, s := range steps {
				if s.Epoch != 7*i || s.Loss != traced.Loss[s.Epoch] {
					t.Errorf("step %d: epoch %d loss %v, want epoch %d loss %v", i, s.Epoch, s.Loss, 7*i, traced.Loss[7*i])
				}
				var opt Optimizer
				switch {
				case s.Epoch > opts.Epochs:
					opt = LBFGS
				case s.Epoch > 0:
					opt = Adam
				}
				if s.Optimizer != opt || (opt == LBFGS) != (s.LBFGS.Evaluations > 0) || s.Window != 0 {
					t.Errorf("step %d: optimizer %q, L-BFGS %+v, window %d; want %q", s.Epoch, s.Optimizer, s.LBFGS, s.Window, opt)
				}
			}
		})
	}
}

// TestTraceChangesNothingMarch marches on forum-final (five windows tried,
// corrections) with and without a trace every 50 iterations: the same
// bits, and a trace that goes on across windows and networks.
func TestTraceChangesNothingMarch(t *testing.T) {
	p := mustBuiltin(t, "forum-final")
	const every = 50
	plain, traced, steps := fitBoth(t, p, Config{}, Options{Seed: 1, Workers: 1}, every)
	sameRun(t, plain, traced)
	if !slices.Equal(plain.March.Attempts, traced.March.Attempts) {
		t.Error("the windows tried differ")
	}
	iterations := traced.March.Iterations()
	if len(steps) != iterations/every {
		t.Fatalf("%d steps traced of %d iterations, want %d", len(steps), iterations, iterations/every)
	}
	window, network := 1, 1
	for i, s := range steps {
		if s.Epoch != every*(i+1) || s.Optimizer != LBFGS || len(s.Terms) != 1 || s.Window < window || (s.Window == window && s.Network < network) {
			t.Fatalf("step %d: %+v after window %d network %d", i, s, window, network)
		}
		window, network = s.Window, s.Network
		if a := traced.March.Attempts[s.Window-1]; s.Start != a.T0 || s.End != a.T1 {
			t.Errorf("step %d: window [%v, %v], attempt %d is [%v, %v]", s.Epoch, s.Start, s.End, s.Window, a.T0, a.T1)
		}
	}
	if last := steps[len(steps)-1]; last.Window < 2 || !slices.ContainsFunc(steps, func(s TraceStep) bool { return s.Network == 2 }) {
		t.Errorf("the trace ends in window %d and has no correction network: want several windows and a correction", last.Window)
	}
}

// TestTraceOptionsRefused: a negative TraceEvery, or one with nothing to
// call, is an error before training, for both methods.
func TestTraceOptionsRefused(t *testing.T) {
	p := mustBuiltin(t, "decay")
	for _, m := range Methods() {
		for _, opts := range []Options{{Method: m, TraceEvery: -1, Trace: func(TraceStep) {}}, {Method: m, TraceEvery: 3}} {
			if _, err := Fit(context.Background(), p, Config{}, opts); err == nil || !strings.Contains(err.Error(), "TraceEvery") {
				t.Errorf("%s, TraceEvery %d: error %v, want one naming TraceEvery", m, opts.TraceEvery, err)
			}
		}
	}
}
