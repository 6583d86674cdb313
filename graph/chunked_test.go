package graph

import (
	"fmt"
	"slices"
	"testing"

	"pinn/problems"
)

// TestChunkedMatchesTape evaluates models at 10 000 points (two chunks of
// EvalChunk and a shorter one) with Predict and Residuals, which run
// compiled chunk by chunk, and with one TapeMachine graph over all the
// points (what they did before): a network on the whole domain (bratu,
// conditions built in), one with an output scale and a correction under
// it, and a marched model. They agree to compiledTol (see there), the
// residuals relative to the size of the terms they are the difference of. A
// point's value does not depend on the points after it: evaluating the
// first 5000 gives them the same bits.
func TestChunkedMatchesTape(t *testing.T) {
	bratu := mustBuiltin(t, "bratu")
	whole := newModel(bratu, HardIC, testNetwork(t, 1, Tanh, Identity, 2), nil)
	corrected := newModel(bratu, SoftIC, testNetwork(t, 1, Tanh, Identity, 3), nil)
	corrected.scale, corrected.base = 0.01, []ScaledNetwork{{Scale: 2, Network: testNetwork(t, 1, Tanh, Identity, 4)}}
	osc := mustBuiltin(t, "oscillator")
	res, err := Fit(t.Context(), osc, Config{}, Options{Seed: 1})
	if err != nil {
		t.Fatal(err)
	}
	if len(res.Model.Windows()) < 2 {
		t.Fatalf("%d windows: the test needs several", len(res.Model.Windows()))
	}
	worst := 0.0
	defer func() { t.Logf("largest relative difference: %.2g", worst) }()
	for _, c := range []struct {
		name string
		m    *Model
	}{{"whole", whole}, {"corrected", corrected}, {"marched", res.Model}} {
		p := c.m.Problem()
		ts := p.Grid(10_000)
		got, err := c.m.Predict(ts)
		if err != nil {
			t.Fatal(err)
		}
		n := len(p.Vars)
		tape := func(piece *Model, sub []float64) ([][]float64, error) {
			return piece.runOnce("predict", [][]float64{sub}, predictNodes)
		}
		var want [][]float64
		if c.m.windows != nil {
			want, err = c.m.scatterTimes(ts, 2*n, tape)
		} else {
			want, err = tape(c.m, ts)
		}
		if err != nil {
			t.Fatal(err)
		}
		for i := range n {
			okY, dY := closeSeries(got.Y[i], want[i])
			okDY, dDY := closeSeries(got.DY[i], want[n+i])
			worst = max(worst, dY, dDY)
			if !okY || !okDY {
				t.Errorf("%s: variable %d differs from the TapeMachine's by %.2g (values) and %.2g (slopes)", c.name, i, dY, dDY)
			}
		}
		r, err := c.m.Residuals(ts)
		if err != nil {
			t.Fatal(err)
		}
		tapeResiduals := func(piece *Model, sub []float64) ([][]float64, error) {
			return piece.runOnce("residuals", [][]float64{sub}, residualNodes)
		}
		var wantR [][]float64
		if c.m.windows != nil {
			wantR, err = c.m.scatterTimes(ts, n, tapeResiduals)
		} else {
			wantR, err = tapeResiduals(c.m, ts)
		}
		if err != nil {
			t.Fatal(err)
		}
		// A trained model's residual D y - f is small against the terms
		// it is the difference of, whose rounding it carries: it is
		// compared relative to the size of the solution and its slope,
		// that of f in these equations (y'' = -y, y' = -y, y'' = -exp(y)).
		scale := 1.0
		for i := range n {
			scale = max(scale, maxAbs(got.Y[i]), maxAbs(got.DY[i]))
		}
		for i := range n {
			ok, d := closeSeries(append(slices.Clone(r[i]), scale), append(slices.Clone(wantR[i]), scale))
			worst = max(worst, d)
			if !ok {
				t.Errorf("%s: residual %d differs from the TapeMachine's by %.2g", c.name, i, d)
			}
		}
		first, err := c.m.Predict(ts[:5000])
		if err != nil {
			t.Fatal(err)
		}
		for i := range n {
			if !slices.Equal(first.Y[i], got.Y[i][:5000]) || !slices.Equal(first.DY[i], got.DY[i][:5000]) {
				t.Errorf("%s: the first 5000 points evaluated alone differ", c.name)
			}
		}
	}
}

// TestChunkedMemory: the memory Predict takes grows with the number of
// points by the results alone (8 bytes per value and slope), the compiled
// graph staying that of one chunk.
func TestChunkedMemory(t *testing.T) {
	p := mustBuiltin(t, "decay")
	net, err := NewNetwork(Architecture{Hidden: []int{64, 64, 64}}, 1, NewRand(1))
	if err != nil {
		t.Fatal(err)
	}
	m := newModel(p, SoftIC, net, nil)
	chunk, err := m.EstimateMemory(EvalChunk)
	if err != nil {
		t.Fatal(err)
	}
	million, err := m.EstimateMemory(1_000_000)
	if err != nil {
		t.Fatal(err)
	}
	results := func(n int) float64 { return 8 * 2 * float64(n) }
	t.Logf("%.1f MB at %d points, %.1f MB at 10^6", chunk/1e6, EvalChunk, million/1e6)
	if d := million - results(1_000_000) - (chunk - results(EvalChunk)); d != 0 {
		t.Errorf("at 10^6 points the estimate is %.0f bytes more than the results and one chunk's graph", d)
	}
	if _, err := m.Predict(nil); err == nil {
		t.Error("no points: no error")
	}
}

// BenchmarkPredict times Predict at 10^4 to 10^6 points, compiled chunk by
// chunk, against one TapeMachine graph over all the points (how Predict
// ran before; 10^6 points would take about 12 GB there, so it stops at
// 10^5), on a 1-64-64-64-1 network on the whole domain and on the marched
// model of oscillator:
//
//	go test ./graph -run '^$' -bench Predict -count 5
func BenchmarkPredict(b *testing.B) {
	p, err := problems.Builtin("decay")
	if err != nil {
		b.Fatal(err)
	}
	net, err := NewNetwork(Architecture{Hidden: []int{64, 64, 64}}, 1, NewRand(1))
	if err != nil {
		b.Fatal(err)
	}
	osc, err := problems.Builtin("oscillator")
	if err != nil {
		b.Fatal(err)
	}
	marched, err := Fit(b.Context(), osc, Config{}, Options{Seed: 1})
	if err != nil {
		b.Fatal(err)
	}
	models := []struct {
		name string
		m    *Model
	}{{"whole-64x3", newModel(p, SoftIC, net, nil)}, {"marched", marched.Model}}
	for _, c := range models {
		for _, n := range []int{10_000, 100_000, 1_000_000} {
			ts := c.m.Problem().Grid(n)
			b.Run(fmt.Sprintf("%s/compiled/n=%d", c.name, n), func(b *testing.B) {
				for range b.N {
					if _, err := c.m.Predict(ts); err != nil {
						b.Fatal(err)
					}
				}
			})
			if n > 100_000 {
				continue
			}
			tape := func(piece *Model, sub []float64) ([][]float64, error) {
				return piece.runOnce("predict", [][]float64{sub}, predictNodes)
			}
			b.Run(fmt.Sprintf("%s/tape/n=%d", c.name, n), func(b *testing.B) {
				for range b.N {
					var err error
					if c.m.windows != nil {
						_, err = c.m.scatterTimes(ts, 2, tape)
					} else {
						_, err = tape(c.m, ts)
					}
					if err != nil {
						b.Fatal(err)
					}
				}
			})
		}
	}
}
