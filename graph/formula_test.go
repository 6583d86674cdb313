package graph

import (
	"errors"
	"fmt"
	"math"
	"testing"

	"pinn/problems"
	"pinn/problems/expr"

	G "gorgonia.org/gorgonia"
)

// TestDerivativeFormulaMatchesGraph evaluates the printed dy/dt with the
// project's own expression evaluator and checks it against the value the
// graph computes, at several points, for networks with one and two hidden
// layers and three activations (and one with a tanh output), with the
// symbolic derivative and its forward cross-check.
//
// Tolerance 1e-12: the formula is the graph's arithmetic in another order
// (sums re-associated, common factors taken out of them, x*x written x^2
// and evaluated by math.Pow, sigmoid written 1/(1 + exp(-x))). Each of the few dozen operations rounds by at
// most 1.1e-16 relative on values of order 1 (weights drawn within ±1.3,
// biases within ±0.5, t in [0, 2], so no sigmoid reaches Gorgonia's cut-offs
// at ±19), which bounds the difference near 1e-14; 1e-12 leaves a factor of
// a hundred.
func TestDerivativeFormulaMatchesGraph(t *testing.T) {
	p, err := problems.Builtin("decay")
	if err != nil {
		t.Fatal(err)
	}
	ts := []float64{0, 0.35, 1, 1.6, 2}
	const tol = 1e-12
	type network struct {
		hidden   []int
		act, out Activation
	}
	var nets []network
	for _, hidden := range [][]int{{2}, {3, 3}} {
		for _, act := range []Activation{Tanh, Sigmoid, Sin} {
			nets = append(nets, network{hidden, act, Identity})
		}
	}
	// The thread's final network's tanh output: its derivative is a factor
	// of every term, which the formula takes out of the sum.
	nets = append(nets, network{[]int{3, 3}, Tanh, Tanh})
	for _, nw := range nets {
		for _, mode := range []Derivative{Symbolic, Forward} {
			name := fmt.Sprintf("1-%v-1/%s/%s/%s", nw.hidden, nw.act, nw.out, mode)
			t.Run(name, func(t *testing.T) {
				net := formulaNetwork(t, nw.hidden, nw.act, 7)
				net.OutputActivation = nw.out
				fs, err := DerivativeFormulas(p, net, Config{Architecture: net.Architecture(), Derivative: mode})
				if err != nil {
					t.Fatal(err)
				}
				want := graphDY(t, p, net, mode, ts)
				for k, tk := range ts {
					got := evalFormula(t, fs[0], weightValues(net), p.Indep, tk)
					if math.Abs(got-want[k]) > tol {
						t.Errorf("t=%g: the formula gives %.16g, the graph %.16g\n%s", tk, got, want[k], fs[0].DY)
					}
				}
			})
		}
	}
}

// TestDerivativeFormulaOfTheThreadsMistake checks that the derivative taken
// with respect to the prediction prints as exactly 1, whatever the network.
func TestDerivativeFormulaOfTheThreadsMistake(t *testing.T) {
	p, err := problems.Builtin("decay")
	if err != nil {
		t.Fatal(err)
	}
	for _, act := range []Activation{Tanh, ReLU} {
		net := formulaNetwork(t, []int{2}, act, 3)
		fs, err := DerivativeFormulas(p, net, Config{Architecture: net.Architecture(), Derivative: WRTPrediction})
		if err != nil {
			t.Fatal(err)
		}
		if got := fs[0].DY.String(); got != "1" || len(fs[0].Defs) != 0 {
			t.Errorf("%s: dy/dt with respect to the prediction prints %q with %d definitions, want 1 alone", act, got, len(fs[0].Defs))
		}
	}
}

// TestDerivativeFormulaTells checks that a derivative no per-point formula
// describes (fd-forward's differences between neighbouring points) is an
// ErrNoFormula.
func TestDerivativeFormulaTells(t *testing.T) {
	p, err := problems.Builtin("decay")
	if err != nil {
		t.Fatal(err)
	}
	net := formulaNetwork(t, []int{2}, Tanh, 3)
	_, err = DerivativeFormulas(p, net, Config{Architecture: net.Architecture(), Derivative: FDForward})
	if err == nil || !errors.Is(err, ErrNoFormula) {
		t.Errorf("fd-forward: error %v, want ErrNoFormula", err)
	}
}

// formulaNetwork returns a 1-hidden-1 network with Glorot weights and
// biases drawn within ±0.5, so that no unit sits at its bias-free symmetry.
func formulaNetwork(t *testing.T, hidden []int, act Activation, seed uint64) *Network {
	t.Helper()
	rng := NewRand(seed)
	net, err := NewNetwork(Architecture{Hidden: hidden, Activation: act}, 1, rng)
	if err != nil {
		t.Fatal(err)
	}
	for l := range net.Biases {
		for j := range net.Biases[l] {
			net.Biases[l][j] = rng.Float64() - 0.5
		}
	}
	return net
}

// weightValues names the weights as WeightNames says, independently of the
// code under test.
func weightValues(net *Network) map[string]float64 {
	env := map[string]float64{}
	last := net.Layers() - 1
	for l := 0; l <= last; l++ {
		in, out := net.Widths[l], net.Widths[l+1]
		for i := range in {
			for j := range out {
				w := net.Weights[l][i*out+j]
				switch l {
				case 0:
					env[fmt.Sprintf("w_%d", j+1)] = w
				case last:
					env[fmt.Sprintf("v_%d", i+1)] = w
				default:
					env[fmt.Sprintf("W%d_%d_%d", l+1, i+1, j+1)] = w
				}
			}
		}
		for j := range out {
			b := net.Biases[l][j]
			switch l {
			case 0:
				env[fmt.Sprintf("b_%d", j+1)] = b
			case last:
				env["c"] = b
			default:
				env[fmt.Sprintf("b%d_%d", l+1, j+1)] = b
			}
		}
	}
	return env
}

// evalFormula parses the printed formula and its definitions back with the
// expression parser and evaluates them at t.
func evalFormula(t *testing.T, f Formula, weights map[string]float64, indep string, at float64) float64 {
	t.Helper()
	env := map[string]float64{indep: at}
	for k, v := range weights {
		env[k] = v
	}
	eval := func(text string) float64 {
		e, err := expr.Parse(text)
		if err != nil {
			t.Fatalf("the printed %q does not parse: %v", text, err)
		}
		v, err := expr.Eval(e, env)
		if err != nil {
			t.Fatalf("evaluating %q: %v", text, err)
		}
		return v
	}
	for _, d := range f.Defs {
		env[d.Name] = eval(d.Expr.String())
	}
	return eval(f.DY.String())
}

// graphDY runs the graph that computes dy/dt the given way at ts.
func graphDY(t *testing.T, p *problems.Problem, net *Network, mode Derivative, ts []float64) []float64 {
	t.Helper()
	b, err := newBuilder(p, net, Config{Derivative: mode}.withDefaults(p.Order), nil)
	if err != nil {
		t.Fatal(err)
	}
	r, err := b.atCollocation(at{t: b.column("t", ts)})
	if err != nil {
		t.Fatal(err)
	}
	var dy G.Value
	G.Read(r.dy[0], &dy)
	vm := G.NewTapeMachine(b.g)
	defer vm.Close()
	if err := vm.RunAll(); err != nil {
		t.Fatal(err)
	}
	return append([]float64(nil), dy.Data().([]float64)...)
}

// TestDerivativeFormulaOfRelu checks the formula of the thread's relu network
// with the right derivative, which calls relu's derivative step(x) that the
// expression evaluator does not know, as text: relu(x) = x step(x), so the
// chain rule gives products of steps, and the output relu's step is common
// to every term.
func TestDerivativeFormulaOfRelu(t *testing.T) {
	p, err := problems.Builtin("decay")
	if err != nil {
		t.Fatal(err)
	}
	net, err := NewNetwork(Architecture{Hidden: []int{2}, Activation: ReLU, OutputActivation: ReLU}, 1, NewRand(1))
	if err != nil {
		t.Fatal(err)
	}
	fs, err := DerivativeFormulas(p, net, Config{Architecture: net.Architecture()})
	if err != nil {
		t.Fatal(err)
	}
	const dy = "step(z2_1)*(v_1*w_1*step(w_1*t + b_1) + v_2*w_2*step(w_2*t + b_2))"
	const z2 = "v_1*(w_1*t + b_1)*step(w_1*t + b_1) + v_2*(w_2*t + b_2)*step(w_2*t + b_2) + c"
	if got := fs[0].DY.String(); got != dy {
		t.Errorf("dy/dt = %s\nwant    %s", got, dy)
	}
	if len(fs[0].Defs) != 1 || fs[0].Defs[0].Name != "z2_1" || fs[0].Defs[0].Expr.String() != z2 {
		t.Errorf("definitions %v, want z2_1 = %s", fs[0].Defs, z2)
	}
}
