package graph

import (
	"testing"
	"time"

	"pinn/graph/internal/f64"
	"pinn/problems"
)

// countingExecutor counts the loss-and-gradient evaluations of the executor
// it wraps, and the time they take.
type countingExecutor struct {
	executor
	runs  int
	spent time.Duration
}

func (c *countingExecutor) run(x, grad []float64) (float64, error) {
	c.runs++
	start := time.Now()
	defer func() { c.spent += time.Since(start) }()
	return c.executor.run(x, grad)
}

// adamTrained returns a trainer of problem name as Fit sets it up for
//
//	pinn train NAME --optimizer adam+lbfgs --ic hard
//
// after its epochs of Adam, with its executor wrapped to count evaluations.
func adamTrained(tb testing.TB, name string, epochs int) (*Trainer, *countingExecutor) {
	tb.Helper()
	p, err := problems.Builtin(name)
	if err != nil {
		tb.Fatal(err)
	}
	cfg := Config{IC: HardIC, ScaleInput: p.ScaleInput}.withDefaults(p.Order)
	opts := Options{Method: Whole, Seed: 1}.WithDefaults(p)
	rng := NewRand(opts.Seed)
	net, err := NewNetwork(cfg.Architecture, len(p.Vars), rng)
	if err != nil {
		tb.Fatal(err)
	}
	if cfg.ScaleInput {
		net.ScaleInput(p.T0, p.T1)
	}
	tr, err := NewTrainer(p, net, cfg, p.NewSampler(opts.Sampling, rng).Points(opts.Points), opts)
	if err != nil {
		tb.Fatal(err)
	}
	if err := tr.Adam(epochs, nil); err != nil {
		tb.Fatal(err)
	}
	c := &countingExecutor{executor: tr.lg.exec}
	tr.lg.exec = c
	return tr, c
}

// BenchmarkLBFGS sets, side by side, the time of one L-BFGS iteration
// against the time of one loss-and-gradient evaluation on forum-final after
// the README recipe's 3000 Adam epochs (41 points, 16-16 tanh, hard initial
// conditions). Each round of op=iteration restarts L-BFGS from the same
// weights for 1000 iterations; it reports ns/iteration, evaluations per
// iteration, the time per iteration spent outside the evaluations
// (other-ns/iteration), all counting L-BFGS's set-up, and the time of the
// evaluations it made (ns/evaluation) and the ratio of the two. Run with
//
//	go test ./graph -run '^$' -bench LBFGS -count 10
func BenchmarkLBFGS(b *testing.B) {
	const iterations = 1000
	tr, c := adamTrained(b, "forum-final", DefaultEpochs)
	x0 := tr.Parameters()
	b.Run("op=evaluation", func(b *testing.B) {
		b.ReportAllocs()
		for b.Loop() {
			if _, err := tr.lg.exec.run(tr.x, tr.grad); err != nil {
				b.Fatal(err)
			}
		}
	})
	b.Run("op=iteration", func(b *testing.B) {
		b.ReportAllocs()
		steps, runs, spent := 0, c.runs, c.spent
		for b.Loop() {
			tr.SetParameters(x0)
			before := tr.Epochs()
			if err := tr.LBFGS(iterations, DefaultLBFGSTolerance, nil); err != nil {
				b.Fatal(err)
			}
			steps += tr.Epochs() - before - 1 // the first entry is the starting loss
		}
		perIteration := float64(b.Elapsed().Nanoseconds()) / float64(steps)
		perEval := float64((c.spent - spent).Nanoseconds()) / float64(c.runs-runs)
		b.ReportMetric(perIteration, "ns/iteration")
		b.ReportMetric(float64(c.runs-runs)/float64(steps), "evals/iteration")
		b.ReportMetric(float64((b.Elapsed()-(c.spent-spent)).Nanoseconds())/float64(steps), "other-ns/iteration")
		// The evaluations timed in the same run: a ratio that a machine
		// busy with other work skews less than one across benchmarks.
		b.ReportMetric(perEval, "ns/evaluation")
		b.ReportMetric(perIteration/perEval, "iteration/evaluation")
	})
}

// BenchmarkLBFGSDirection times one L-BFGS search direction, the two-loop
// recursion over all 15 stored pairs, on forum-final's 321 parameters:
// most of L-BFGS's own time per iteration. Run with
//
//	go test ./graph -run '^$' -bench LBFGSDirection -count 6
func BenchmarkLBFGSDirection(b *testing.B) {
	const n = 321
	rng := NewRand(1)
	x, g := make([]float64, n), make([]float64, n)
	for i := range g {
		g[i] = rng.Float64() - 0.5
	}
	s := newLBFGS(x, g, 1, false)
	for k := range s.S {
		for i := range n {
			s.S[k][i] = rng.Float64() - 0.5
			s.Y[k][i] = s.S[k][i] + 0.3*(rng.Float64()-0.5)
		}
		s.Rho[k] = 1 / f64.Dot(s.S[k], s.Y[k])
	}
	s.Len, s.Oldest, s.Gamma = len(s.S), 3, 0.7
	b.ReportAllocs()
	for b.Loop() {
		s.direction()
	}
}
