package graph

import (
	"math"
	"testing"

	"pinn/problems"
)

// accuracyGoals are the rel_l2 goals of the default adam+lbfgs settings with
// hard initial conditions, per built-in problem.
var accuracyGoals = []struct {
	problem string
	goal    float64
}{
	{"decay", 1e-6},
	{"forum-final", 1e-6},
	{"oscillator", 1e-5},
	{"damped-oscillator", 1e-5},
	{"lotka-volterra", 1e-4},
}

// BenchmarkAccuracyGoals is the accuracy study behind the README's table:
// each built-in problem trained with the default settings of
//
//	pinn train PROBLEM --optimizer adam+lbfgs --ic hard
//
// reporting rel_l2 against the exact solution (or the reference integrator),
// as digits (-log10 rel_l2), and whether it meets the goal. It takes minutes; run it once with
//
//	go test ./graph -run '^$' -bench AccuracyGoals -benchtime 1x
func BenchmarkAccuracyGoals(b *testing.B) {
	for _, g := range accuracyGoals {
		b.Run(g.problem, func(b *testing.B) {
			p, err := problems.Builtin(g.problem)
			if err != nil {
				b.Fatal(err)
			}
			for range b.N {
				res, err := Fit(b.Context(), p, Config{IC: HardIC, ScaleInput: p.ScaleInput}, Options{Method: Whole, Seed: 1, Optimizer: AdamThenLBFGS})
				if err != nil {
					b.Fatal(err)
				}
				met := 0.0
				if res.Score.RelL2 <= g.goal {
					met = 1
				}
				// Benchmark metrics print too few digits for 1e-8, so the
				// errors are reported as digits: -log10(rel_l2).
				b.ReportMetric(-math.Log10(res.Score.RelL2), "digits")
				b.ReportMetric(-math.Log10(g.goal), "goal_digits")
				b.ReportMetric(met, "met")
				b.ReportMetric(float64(len(res.Loss)-1-res.AdamEpochs), "lbfgs_iters")
				b.Logf("%s: rel_l2 %.3g (goal %g)", g.problem, res.Score.RelL2, g.goal)
			}
		})
	}
}
