package graph

import (
	"math"
	"testing"

	"pinn/problems"

	G "gorgonia.org/gorgonia"
	"gorgonia.org/tensor"
)

// TestSymbolicMatchesForwardAndHand checks dy/dt and d2y/dt2 of a 1-2-1 tanh
// network three ways: Gorgonia's symbolic differentiation, the forward
// tangent built into the graph, and the derivative worked out by hand:
//
//	y   = sum_j v_j tanh(w_j t + b_j) + c
//	y'  = sum_j v_j w_j (1 - tanh^2)
//	y" = sum_j v_j w_j^2 (-2 tanh (1 - tanh^2))
//
// Tolerance 1e-12: the three are the same arithmetic in different orders, so
// they agree to a few ulps of values of order 1.
func TestSymbolicMatchesForwardAndHand(t *testing.T) {
	w, b, v, c := []float64{1.3, -0.7}, []float64{0.2, -0.4}, []float64{0.9, 1.1}, 0.05
	net := &Network{Widths: []int{1, 2, 1}, Activation: Tanh, OutputActivation: Identity,
		Weights: [][]float64{w, v}, Biases: [][]float64{b, {c}}, InputScale: 1}
	ts := []float64{-1, -0.3, 0, 0.4, 1.7}
	hand := func(t float64) (d1, d2 float64) {
		for j := range w {
			th := math.Tanh(w[j]*t + b[j])
			d1 += v[j] * w[j] * (1 - th*th)
			d2 += v[j] * w[j] * w[j] * (-2 * th * (1 - th*th))
		}
		return d1, d2
	}
	p := testProblem(t, 2)
	sym := derivativesAt(t, p, net, Symbolic, [][]float64{ts})
	fwd := derivativesAt(t, p, net, Forward, [][]float64{ts})
	const tol = 1e-12
	for k, tk := range ts {
		d1, d2 := hand(tk)
		for _, got := range []struct {
			name   string
			d1, d2 float64
		}{{"symbolic", sym[0][k], sym[1][k]}, {"forward", fwd[0][k], fwd[1][k]}} {
			if math.Abs(got.d1-d1) > tol || math.Abs(got.d2-d2) > tol {
				t.Errorf("t=%g %s: dy/dt = %.15g, d2y/dt2 = %.15g; by hand %.15g, %.15g", tk, got.name, got.d1, got.d2, d1, d2)
			}
		}
	}
}

// derivativesAt builds the residual's derivatives of net at the points
// cols (see buildLoss) the given way
// and returns y' and y".
func derivativesAt(t *testing.T, p *problems.Problem, net *Network, mode Derivative, cols [][]float64) [2][]float64 {
	t.Helper()
	b, err := newBuilder(p, net, Config{Derivative: mode}.withDefaults(2), nil)
	if err != nil {
		t.Fatal(err)
	}
	a, err := b.points("t", cols)
	if err != nil {
		t.Fatal(err)
	}
	r, err := b.atCollocation(a)
	if err != nil {
		t.Fatal(err)
	}
	var d1, d2 G.Value
	G.Read(r.dy[0], &d1)
	G.Read(r.ddy[0], &d2)
	vm := G.NewTapeMachine(b.g)
	defer vm.Close()
	if err := vm.RunAll(); err != nil {
		t.Fatal(err)
	}
	return [2][]float64{append([]float64(nil), d1.Data().([]float64)...), append([]float64(nil), d2.Data().([]float64)...)}
}

// TestNaiveDoubleGradIsWrong documents why forgetDerivatives exists. For
// f = tanh(w x), d = df/dx = w (1 - tanh^2(w x)) and L = d^2, differentiating
// twice on one graph without clearing Gorgonia's derivative cache gives
// dL/dw = 0.5990 at w = 1.3, x = 0.7; the true value is -0.18715.
func TestNaiveDoubleGradIsWrong(t *testing.T) {
	const w0, x0 = 1.3, 0.7
	exact := func(w float64) float64 { // dL/dw by hand
		th := math.Tanh(w * x0)
		s := 1 - th*th
		d := w * s
		dd := s + w*(-2*th*s*x0)
		return 2 * d * dd
	}
	build := func(clear bool) float64 {
		g := G.NewGraph()
		w := G.NewScalar(g, tensor.Float64, G.WithName("w"), G.WithValue(w0))
		x := G.NewScalar(g, tensor.Float64, G.WithName("x"), G.WithValue(x0))
		f := G.Must(G.Tanh(G.Must(G.Mul(w, x))))
		ds, err := G.Grad(f, x)
		if err != nil {
			t.Fatal(err)
		}
		d := ds[0]
		loss := G.Must(G.Square(d))
		var gs G.Nodes
		if clear {
			gs, err = grads(loss, w)
		} else {
			gs, err = G.Grad(loss, w)
		}
		if err != nil {
			t.Fatal(err)
		}
		var v G.Value
		G.Read(gs[0], &v)
		vm := G.NewTapeMachine(g)
		defer vm.Close()
		if err := vm.RunAll(); err != nil {
			t.Fatal(err)
		}
		return v.Data().(float64)
	}
	want := exact(w0)
	if math.Abs(want-(-0.18715)) > 1e-5 {
		t.Fatalf("hand derivative %.6g, the notes say -0.18715", want)
	}
	// Tolerance 1e-12: the cleared graph computes the same expression as the
	// hand derivative, in another order.
	if got := build(true); math.Abs(got-want) > 1e-12 {
		t.Errorf("with forgetDerivatives: dL/dw = %.12g, want %.12g", got, want)
	}
	// The naive result is off by 0.79; anything within 0.1 would mean Gorgonia
	// fixed its cache and forgetDerivatives could go.
	if got := build(false); math.Abs(got-want) < 0.1 {
		t.Errorf("naive double Grad gave %.6g, close to the true %.6g: has Gorgonia changed?", got, want)
	} else {
		t.Logf("naive double Grad: %.4f, true %.5f", got, want)
	}
}

// TestForgetDerivativesClearsEveryNode checks the reflection that
// forgetDerivatives relies on.
func TestForgetDerivativesClearsEveryNode(t *testing.T) {
	g := G.NewGraph()
	x := G.NewScalar(g, tensor.Float64, G.WithName("x"), G.WithValue(0.3))
	y := G.Must(G.Sin(G.Must(G.Square(x))))
	if _, err := G.Grad(y, x); err != nil {
		t.Fatal(err)
	}
	cached := 0
	for _, n := range g.AllNodes() {
		if n.Deriv() != nil {
			cached++
		}
	}
	if cached == 0 {
		t.Fatal("Grad cached no derivative; the test no longer shows anything")
	}
	if err := forgetDerivatives(g); err != nil {
		t.Fatal(err)
	}
	for _, n := range g.AllNodes() {
		if n.Deriv() != nil {
			t.Errorf("node %v still remembers its derivative %v", n, n.Deriv())
		}
	}
}
