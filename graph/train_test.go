package graph

import (
	"bytes"
	"math"
	"slices"
	"strings"
	"testing"

	"pinn/problems"
)

// TestHardICExact checks that the hard trial solution meets the initial
// conditions exactly, whatever the network: y(t0) = y0 and, for second
// order, y'(t0) = y0'. Exact: the network's part is multiplied by t - t0 = 0.
func TestHardICExact(t *testing.T) {
	for _, name := range []string{"decay", "forum-final", "oscillator", "damped-oscillator", "lotka-volterra"} {
		p, err := problems.Builtin(name)
		if err != nil {
			t.Fatal(err)
		}
		net := testNetwork(t, len(p.Vars), Tanh, Identity, 5)
		net.ScaleInput(p.T0, p.T1)
		sol, err := newModel(p, HardIC, net, nil).Predict([]float64{p.T0, (p.T0 + p.T1) / 2})
		if err != nil {
			t.Fatal(err)
		}
		for i, v := range p.Vars {
			if sol.Y[i][0] != p.Y0[i] {
				t.Errorf("%s: %s(t0) = %.17g, want %g", name, v, sol.Y[i][0], p.Y0[i])
			}
			if p.Order == 2 && sol.DY[i][0] != p.DY0[i] {
				t.Errorf("%s: %s'(t0) = %.17g, want %g", name, v, sol.DY[i][0], p.DY0[i])
			}
			if sol.Y[i][1] == p.Y0[i] {
				t.Errorf("%s: %s is constant: the network does not enter the trial solution", name, v)
			}
		}
	}
}

// TestLBFGSImprovesOnAdam runs 300 Adam epochs on decay, then L-BFGS from
// there: the loss must fall by at least 100x and the error by 10x (measured
// with seed 2: loss from 1.2e-3 to 1.7e-8, rel_l2 from 1.3e-2 to 3.2e-5).
func TestLBFGSImprovesOnAdam(t *testing.T) {
	p, err := problems.Builtin("decay")
	if err != nil {
		t.Fatal(err)
	}
	adam, err := Fit(t.Context(), p, Config{IC: HardIC}, Options{Method: Whole, Seed: 2, Epochs: 300})
	if err != nil {
		t.Fatal(err)
	}
	both, err := Fit(t.Context(), p, Config{IC: HardIC}, Options{Method: Whole, Seed: 2, Epochs: 300, Optimizer: AdamThenLBFGS, LBFGSIterations: 300})
	if err != nil {
		t.Fatal(err)
	}
	la, lb := adam.Loss[len(adam.Loss)-1], both.Loss[len(both.Loss)-1]
	t.Logf("Adam: loss %.3g rel_l2 %.3g; then L-BFGS: loss %.3g rel_l2 %.3g in %d iterations",
		la, adam.Score.RelL2, lb, both.Score.RelL2, len(both.Loss)-1-both.AdamEpochs)
	if !slices.Equal(adam.Loss, both.Loss[:301]) {
		t.Fatal("the Adam part of adam+lbfgs differs from Adam alone")
	}
	if !(lb < la/100) || !(both.Score.RelL2 < adam.Score.RelL2/10) {
		t.Errorf("L-BFGS took the loss from %.3g to %.3g and rel_l2 from %.3g to %.3g", la, lb, adam.Score.RelL2, both.Score.RelL2)
	}
	for k := both.AdamEpochs + 1; k < len(both.Loss); k++ {
		if both.Loss[k] > both.Loss[k-1] {
			t.Fatalf("L-BFGS iteration %d raised the loss from %g to %g", k-both.AdamEpochs, both.Loss[k-1], both.Loss[k])
		}
	}
}

// TestInverseProblemRecoversCoefficient learns k in y' = -k y, y(0) = 1, from
// 10 samples of exp(-2t) with Gaussian noise of standard deviation 1e-3.
func TestInverseProblemRecoversCoefficient(t *testing.T) {
	p, err := problems.New(problems.Definition{Name: "inverse", Vars: []string{"y"}, Order: 1, RHS: []string{"-k*y"},
		Params: map[string]float64{"k": 1}, Unknown: []string{"k"}, T0: 0, T1: 2, Y0: []float64{1}, Points: 41, ScaleInput: true})
	if err != nil {
		t.Fatal(err)
	}
	rng := NewRand(99)
	obs := &problems.Observations{Y: [][]float64{nil}}
	for k := 1; k <= 10; k++ {
		tk := 0.2 * float64(k)
		obs.T = append(obs.T, tk)
		obs.Y[0] = append(obs.Y[0], math.Exp(-2*tk)+1e-3*rng.NormFloat64())
	}
	res, err := Fit(t.Context(), p, Config{Architecture: Architecture{Hidden: []int{16, 16}}, IC: HardIC, ScaleInput: true},
		Options{Seed: 1, Epochs: 1000, Optimizer: AdamThenLBFGS, LBFGSIterations: 2000, Observations: obs})
	if err != nil {
		t.Fatal(err)
	}
	k := res.Model.Unknown()["k"]
	t.Logf("learned k = %.6f (true 2), loss %.3g", k, res.Loss[len(res.Loss)-1])
	// Tolerance: a least-squares fit of k to 10 samples with noise 1e-3 has
	// a standard error of 1e-3 / sqrt(sum_k (t_k y_k)^2) = 2.6e-3 (y = exp(-2t),
	// dy/dk = -t y); 1e-2 is about four of those. Measured: 1.99686.
	if math.Abs(k-2) > 1e-2 {
		t.Errorf("learned k = %.6f, want 2 within 1e-2", k)
	}
}

// TestModelRoundTrip saves a trained model and reads it back: the solution
// it gives is the same, bit for bit.
func TestModelRoundTrip(t *testing.T) {
	p, err := problems.Builtin("oscillator")
	if err != nil {
		t.Fatal(err)
	}
	res, err := Fit(t.Context(), p, Config{IC: HardIC, ScaleInput: true}, Options{Method: Whole, Seed: 4, Epochs: 30})
	if err != nil {
		t.Fatal(err)
	}
	var buf bytes.Buffer
	if _, err := res.Model.WriteTo(&buf); err != nil {
		t.Fatal(err)
	}
	m, err := ReadModel(&buf)
	if err != nil {
		t.Fatal(err)
	}
	ts := []float64{0, 0.1, 1, 3.3, 6}
	a, err := res.Model.Predict(ts)
	if err != nil {
		t.Fatal(err)
	}
	b, err := m.Predict(ts)
	if err != nil {
		t.Fatal(err)
	}
	if !slices.Equal(a.Y[0], b.Y[0]) || !slices.Equal(a.DY[0], b.DY[0]) {
		t.Errorf("saved model gives %v, %v; the trained one %v, %v", b.Y[0], b.DY[0], a.Y[0], a.DY[0])
	}
}

// TestReadModelRejectsBadFiles checks that a damaged model file is refused
// with a message saying what is wrong.
func TestReadModelRejectsBadFiles(t *testing.T) {
	p, err := problems.Builtin("decay")
	if err != nil {
		t.Fatal(err)
	}
	res, err := Fit(t.Context(), p, Config{}, Options{Method: Whole, Seed: 1, Epochs: 2})
	if err != nil {
		t.Fatal(err)
	}
	var buf bytes.Buffer
	if _, err := res.Model.WriteTo(&buf); err != nil {
		t.Fatal(err)
	}
	good := buf.String()
	tests := []struct{ name, file, msg string }{
		{"empty", "", "empty or truncated"},
		{"truncated", good[:len(good)/2], "truncated"},
		{"not json", "hello", "not a saved model"},
		{"other format", strings.Replace(good, ModelFormat, "pinn-model/0", 1), `format "pinn-model/0"`},
		{"unknown field", strings.Replace(good, `"ic"`, `"icc"`, 1), "unknown field"},
		{"bad ic", strings.Replace(good, `"ic": "soft"`, `"ic": "firm"`, 1), "unknown initial-condition mode"},
		{"bad equation", strings.Replace(good, `"-y"`, `"-y)"`, 1), "right-hand side of y"},
		{"missing weights", strings.Replace(good, `"weights"`, `"weightz"`, 1), "unknown field"},
		{"short layer", strings.Replace(good, `"widths": [`, `"widths": [1, 3, 3, 1], "x": [`, 1), "unknown field"},
		{"trailing data", good + "{}", "unexpected data"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := ReadModel(strings.NewReader(tt.file))
			if err == nil || !strings.Contains(err.Error(), tt.msg) {
				t.Errorf("err = %v, want one saying %q", err, tt.msg)
			}
		})
	}
}

// TestRefineAddsWorstPoints refines every 50 epochs: each time the points of
// largest residual join the set.
func TestRefineAddsWorstPoints(t *testing.T) {
	p, err := problems.Builtin("decay")
	if err != nil {
		t.Fatal(err)
	}
	res, err := Fit(t.Context(), p, Config{}, Options{Method: Whole, Seed: 1, Epochs: 150, RefineEvery: 50, RefinePoints: 3})
	if err != nil {
		t.Fatal(err)
	}
	// Refinement after epochs 50 and 100 (not after the last): 21 + 2 x 3.
	if len(res.Points) != 27 || !slices.IsSorted(res.Points) {
		t.Errorf("%d points after two refinements of 3, want 27, ascending: %v", len(res.Points), res.Points)
	}
	if len(res.Loss) != 151 {
		t.Errorf("%d losses, want 151", len(res.Loss))
	}
}

// TestResampleMovesPoints draws fresh uniform points every 20 epochs.
func TestResampleMovesPoints(t *testing.T) {
	p, err := problems.Builtin("decay")
	if err != nil {
		t.Fatal(err)
	}
	a, err := Fit(t.Context(), p, Config{}, Options{Method: Whole, Seed: 1, Epochs: 40, Sampling: problems.SampleUniform, ResampleEvery: 20})
	if err != nil {
		t.Fatal(err)
	}
	b, err := Fit(t.Context(), p, Config{}, Options{Method: Whole, Seed: 1, Epochs: 40, Sampling: problems.SampleUniform})
	if err != nil {
		t.Fatal(err)
	}
	if slices.Equal(a.Points, b.Points) || len(a.Points) != 21 {
		t.Errorf("resampling kept the points: %v", a.Points)
	}
	// The loss after epoch 20 is taken again on the new points.
	if !slices.Equal(a.Loss[:20], b.Loss[:20]) || a.Loss[20] == b.Loss[20] || a.Loss[21] == b.Loss[21] {
		t.Errorf("losses should agree up to epoch 19 and differ from the resampling after epoch 20 on")
	}
}

// TestMarchingWindows checks the time windows of a marching Fit: stage s of
// k trains on the points in [t0, t0 + s (t1 - t0) / k], and the epochs are
// shared out whole.
func TestMarchingWindows(t *testing.T) {
	p, err := problems.Builtin("decay") // t in [0, 2], grid 0:0.1:2
	if err != nil {
		t.Fatal(err)
	}
	c := &collocation{p: p, opts: Options{Stages: 4}, points: p.Grid(21)}
	for s, want := range []int{6, 11, 16, 21} { // t <= 0.5, 1, 1.5, 2
		c.end = c.stageEnd(s + 1)
		if got := c.inWindow(); len(got) != want || got[len(got)-1] > c.end {
			t.Errorf("stage %d (end %g): %d points ending at %g, want %d", s+1, c.end, len(got), got[len(got)-1], want)
		}
	}
	total := 0
	for s := 1; s <= 7; s++ {
		total += share(100, s, 7)
	}
	if total != 100 {
		t.Errorf("7 shares of 100 epochs add up to %d", total)
	}
	res, err := Fit(t.Context(), p, Config{}, Options{Method: Whole, Seed: 1, Epochs: 40, Stages: 4})
	if err != nil {
		t.Fatal(err)
	}
	if res.AdamEpochs != 40 || len(res.Loss) != 41 || len(res.Points) != 21 {
		t.Errorf("marching Fit: %d Adam epochs, %d losses, %d points; want 40, 41, 21", res.AdamEpochs, len(res.Loss), len(res.Points))
	}
}

// TestNoPoints checks that empty point sets are refused with an error:
// Gorgonia would panic on them in a goroutine where nothing can recover.
func TestNoPoints(t *testing.T) {
	p, err := problems.Builtin("decay")
	if err != nil {
		t.Fatal(err)
	}
	net := testNetwork(t, 1, Tanh, Identity, 1)
	m := newModel(p, SoftIC, net, nil)
	if _, err := m.Predict(nil); err == nil {
		t.Error("Predict with no points: no error")
	}
	if _, err := m.Residuals(nil); err == nil {
		t.Error("Residuals with no points: no error")
	}
	if _, err := m.HiddenActivity(nil); err == nil {
		t.Error("HiddenActivity with no points: no error")
	}
	if _, err := NewTrainer(p, net, Config{}, nil, Options{}); err == nil {
		t.Error("NewTrainer with no points: no error")
	}
}
