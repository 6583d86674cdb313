package graph

import (
	"fmt"
	"math"
	"testing"

	"pinn/problems"
)

// familyCases are the families BenchmarkFamilyGoals trains: issue 12's
// example (y' = -k y, k in [0.5, 2], y(0) = 1 on [0, 2]), an initial value
// that is the range parameter, a second-order family and one of two range
// parameters. The exact solutions name the parameters.
func familyCases(b *testing.B) []*problems.Problem {
	defs := []problems.Definition{
		{Name: "decay", Vars: []string{"y"}, Order: 1, RHS: []string{"-k*y"},
			Ranges: map[string]problems.Range{"k": {Lo: 0.5, Hi: 2}}, T0: 0, T1: 2, Y0: []float64{1}, Points: 101, Exact: []string{"exp(-k*t)"}},
		{Name: "initial-value", Vars: []string{"y"}, Order: 1, RHS: []string{"-y"},
			Ranges: map[string]problems.Range{"a": {Lo: 0.5, Hi: 1.5}}, T0: 0, T1: 2, BC: []string{"y(0) = a"}, Points: 101, Exact: []string{"a*exp(-t)"}},
		{Name: "oscillator", Vars: []string{"y"}, Order: 2, RHS: []string{"-k*y"},
			Ranges: map[string]problems.Range{"k": {Lo: 1, Hi: 4}}, T0: 0, T1: 3, Y0: []float64{1}, DY0: []float64{0}, Points: 101, Exact: []string{"cos(sqrt(k)*t)"}},
		{Name: "two-parameters", Vars: []string{"y"}, Order: 1, RHS: []string{"-k*y + a"},
			Ranges: map[string]problems.Range{"k": {Lo: 0.5, Hi: 2}, "a": {Lo: -1, Hi: 1}}, T0: 0, T1: 2, Y0: []float64{1}, Points: 101, Exact: []string{"a/k + (1 - a/k)*exp(-k*t)"}},
	}
	ps := make([]*problems.Problem, len(defs))
	for i, d := range defs {
		p, err := problems.New(d)
		if err != nil {
			b.Fatal(err)
		}
		ps[i] = p
	}
	return ps
}

// BenchmarkFamilyGoals trains each of familyCases with the defaults (as
// pinn solve does with nothing but the family given) from seeds 1 to 5,
// and reports the worst rel_l2 over the seeds and the 9 scored members
// (as digits, -log10 rel_l2), the worst time and whether the worst seed
// meets 1e-5. A line per case is logged for the README. It takes about two
// minutes; run it once, on an idle machine, with
//
//	go test ./graph -run '^$' -bench FamilyGoals -benchtime 1x
func BenchmarkFamilyGoals(b *testing.B) {
	for _, p := range familyCases(b) {
		b.Run(p.Name, func(b *testing.B) {
			for range b.N {
				worst, worstSeconds := 0.0, 0.0
				for seed := uint64(1); seed <= 5; seed++ {
					res, err := Fit(b.Context(), p, Config{}, Options{Seed: seed})
					if err != nil {
						b.Fatalf("seed %d: %v", seed, err)
					}
					worst, worstSeconds = math.Max(worst, res.Score.RelL2), math.Max(worstSeconds, res.Seconds)
				}
				met := map[bool]float64{true: 1}[worst <= 1e-5]
				b.ReportMetric(-math.Log10(worst), "digits")
				b.ReportMetric(worstSeconds, "worst_s")
				b.ReportMetric(met, "met")
				b.Logf("| %s | %s | %.2g | %.1f s |", p.Name, p.Equation(), worst, worstSeconds)
			}
		})
	}
}

// BenchmarkFamilyQueries measures issue 12's 10^6 (t, k) queries of a
// marched family of y' = -k y, k in [0.5, 2] (four windows of a 16-16
// network and a correction each; briefly trained: the speed does not
// depend on the weights), against the reference integrator (Dormand-Prince
// 5(4) at tolerance 1e-10, as problems.Problem.Reference runs it) giving
// the same answers: 1000 values of k, 1000 times each. The model answers
// random (t, k) points (each a different member), the grid the integrator
// answers, for a like comparison, and 10^6 times of one member (k = 1.3),
// as pinn eval --param k=1.3 asks:
//
//	go test ./graph -run '^$' -bench FamilyQueries -count 5
func BenchmarkFamilyQueries(b *testing.B) {
	p := familyCases(b)[0]
	d := p.Definition
	d.Exact = nil // the integrator, not the closed form
	noExact, err := problems.New(d)
	if err != nil {
		b.Fatal(err)
	}
	res, err := Fit(b.Context(), noExact, Config{}, Options{Seed: 1, March: MarchOptions{Iterations: 20}})
	if err != nil {
		b.Fatal(err)
	}
	m := res.Model
	const members, times = 1000, 1000
	random := p.NewSampler(problems.SampleUniform, NewRand(2)).Inputs(members * times)
	grid := [][]float64{make([]float64, 0, members*times), make([]float64, 0, members*times)}
	ts := p.Grid(times)
	ks := problems.Spaced(0.5, 2, members)
	for _, k := range ks {
		for _, t := range ts {
			grid[0], grid[1] = append(grid[0], t), append(grid[1], k)
		}
	}
	one := [][]float64{p.Grid(members * times), make([]float64, members*times)}
	for k := range one[1] {
		one[1][k] = 1.3
	}
	for _, c := range []struct {
		name   string
		inputs [][]float64
	}{{"random", random}, {"grid", grid}, {"one-member", one}} {
		b.Run(fmt.Sprintf("model/%s/n=%d", c.name, members*times), func(b *testing.B) {
			for range b.N {
				if _, err := m.PredictInputs(c.inputs); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
	b.Run(fmt.Sprintf("reference/grid/n=%d", members*times), func(b *testing.B) {
		for range b.N {
			for _, k := range ks {
				if _, err := noExact.Reference(ts, map[string]float64{"k": k}); err != nil {
					b.Fatal(err)
				}
			}
		}
	})
}
