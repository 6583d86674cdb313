package experiments

import (
	"context"
	"errors"
	"fmt"
	"math"
	"slices"

	"pinn/experiments/report"
	"pinn/graph"
	"pinn/problems"
)

// setup is what every seed of one combination of settings shares,
// read-only: the problem, the settings, what to measure, and the scoring
// grid with the reference (and scheme) solution on it.
type setup struct {
	name     string
	p        *problems.Problem
	settings Settings
	measure  Measure
	ts       []float64
	ref      *problems.Solution
	scheme   *SchemeResult
}

func newSetup(name string, p *problems.Problem, settings Settings, m Measure) (*setup, error) {
	_, opts, err := settings.Resolve(p)
	if err != nil {
		return nil, fmt.Errorf("experiments: %s: %w", name, err)
	}
	if opts.Method == graph.March && (m.Activity || len(m.Checkpoints) > 0) {
		return nil, fmt.Errorf("experiments: %s: checkpoints and activity measure one network's Adam epochs: they need method = whole", name)
	}
	points := opts.Points
	if opts.Method == graph.March {
		points = p.Points
	}
	s := &setup{name: name, p: p, settings: settings, measure: m, ts: p.Grid(points)}
	if s.ref, err = p.Reference(s.ts, nil); err != nil {
		return nil, fmt.Errorf("experiments: %s: %w", name, err)
	}
	if m.Scheme != NoScheme {
		if s.scheme, err = solveScheme(m.Scheme, p, s.ts, s.ref); err != nil {
			return nil, fmt.Errorf("experiments: %s: %w", name, err)
		}
	}
	return s, nil
}

// runSeed trains one seed of a combination with graph.Fit, its executor on
// the given number of goroutines, and measures the run. What Fit does not
// report is measured on trainers of the same network at the same weights:
// the initial ones (as Fit draws them) and the trained ones; and a
// checkpoint at epoch k is a second Fit of the same settings cut short
// after k epochs, which is the same run up to there (Adam's steps do not
// depend on how many follow). Seed 1's Fit is traced when the measure asks
// (Measure.Trace).
func runSeed(ctx context.Context, s *setup, seed uint64, workers int) (SeedResult, error) {
	cfg, opts, err := s.settings.Resolve(s.p)
	if err != nil {
		return SeedResult{Seed: seed}, err
	}
	opts.Seed, opts.Workers = seed, workers
	r := SeedResult{Seed: seed}
	m := s.measure
	var before activity
	var initial *graph.Trainer
	if m.Activity || slices.Contains(m.Checkpoints, 0) {
		var err error
		if initial, err = initialTrainer(s.p, cfg, opts); err != nil {
			return r, err
		}
	}
	if m.Activity {
		var err error
		if before, err = measureActivity(initial, initial.Model(), s.ts); err != nil {
			return r, err
		}
	}

	traced := opts // the checkpoints' fits are not traced
	if m.Trace > 0 && seed == 1 {
		traced.TraceEvery = m.Trace
		r.Trace = &report.Trace{Options: traced}
		traced.Trace = func(st graph.TraceStep) { r.Trace.Steps = append(r.Trace.Steps, st) }
	}
	res, err := graph.Fit(ctx, s.p, cfg, traced)
	var diverged *graph.DivergedError
	if errors.As(err, &diverged) {
		r.Diverged = diverged.Error()
	} else if err != nil {
		return r, err
	}
	r.Model, r.Loss, r.Epochs = res.Model, res.Loss, max(len(res.Loss)-1, 0)
	if res.March != nil {
		r.Epochs = res.March.Iterations()
	}
	r.Seconds, r.PerEpoch = res.Seconds, res.PerEpoch
	score := res.Score
	r.Solution = score.Solution
	first, last := math.NaN(), math.NaN()
	if len(r.Loss) > 0 {
		first, last = r.Loss[0], r.Loss[len(r.Loss)-1]
	}
	r.Metrics = []Metric{
		{keyInitialLoss, first},
		{keyFinalLoss, last},
		{keyRelL2, score.RelL2},
		{keyMaxAbsErr, score.MaxAbsErr},
		{keyMaxAbsDeriv, score.MaxAbsDerivErr},
		{keyMaxAbsOutput, maxAbs(score.Solution.Y)},
		// The grid starts at t0.
		{keyYAtT0, score.Solution.Y[0][0]},
	}
	for _, k := range m.Checkpoints {
		loss, rel := math.NaN(), math.NaN()
		if len(r.Loss) > k { // not if it diverged before k
			loss = r.Loss[k]
			if rel, err = checkpointRelL2At(ctx, s, cfg, opts, initial, k); err != nil {
				return r, err
			}
		}
		r.Metrics = append(r.Metrics, Metric{checkpointLoss(k), loss}, Metric{checkpointRelL2(k), rel})
	}
	if m.Activity {
		trained, err := graph.NewTrainer(s.p, res.Model.Network(), res.Config, res.Points, opts)
		if err != nil {
			return r, err
		}
		after, err := measureActivity(trained, res.Model, s.ts)
		if err != nil {
			return r, err
		}
		r.Metrics = append(r.Metrics,
			Metric{keyZeroGradInit, before.zeroGrad}, Metric{keyZeroGradFinal, after.zeroGrad},
			Metric{keyDeadInit, before.dead}, Metric{keyDeadFinal, after.dead})
	}
	if s.scheme != nil {
		r.Metrics = append(r.Metrics, Metric{keySchemeRelL2, relL2(score.Solution.Y[0], s.scheme.Y)})
	}
	return r, nil
}

// initialTrainer returns a trainer at the weights and collocation points a
// Fit of cfg and opts starts from: the network drawn first from the seed's
// generator, then the points.
func initialTrainer(p *problems.Problem, cfg graph.Config, opts graph.Options) (*graph.Trainer, error) {
	rng := graph.NewRand(opts.Seed)
	net, err := graph.NewNetwork(cfg.Architecture, len(p.Vars), rng)
	if err != nil {
		return nil, err
	}
	if cfg.ScaleInput {
		net.ScaleInput(p.T0, p.T1)
	}
	return graph.NewTrainer(p, net, cfg, p.NewSampler(opts.Sampling, rng).Points(opts.Points), opts)
}

// checkpointRelL2At returns the run's rel_l2 after k Adam epochs: at the
// initial weights for k = 0, else of a Fit of k epochs of Adam.
func checkpointRelL2At(ctx context.Context, s *setup, cfg graph.Config, opts graph.Options, initial *graph.Trainer, k int) (float64, error) {
	if k == 0 {
		sc, err := initial.Model().Evaluate(s.ts)
		return sc.RelL2, err
	}
	opts.Optimizer, opts.Epochs = graph.Adam, k
	res, err := graph.Fit(ctx, s.p, cfg, opts)
	if err != nil {
		return 0, err
	}
	return res.Score.RelL2, nil
}

// activity is how much of a network is switched off.
type activity struct {
	// zeroGrad is the fraction of parameter gradients exactly 0.
	zeroGrad float64
	// dead is the fraction of hidden units exactly 0 at every point.
	dead float64
}

// measureActivity measures a trainer's gradient and its model's hidden
// units at the points ts.
func measureActivity(tr *graph.Trainer, m *graph.Model, ts []float64) (activity, error) {
	_, grad, err := tr.LossAndGradient()
	if err != nil {
		return activity{}, err
	}
	zero := 0
	for _, g := range grad {
		if g == 0 {
			zero++
		}
	}
	hidden, err := m.HiddenActivity(ts)
	if err != nil {
		return activity{}, err
	}
	dead, units := 0, 0
	for _, layer := range hidden {
		for _, unit := range layer {
			units++
			if !slices.ContainsFunc(unit, func(v float64) bool { return v != 0 }) {
				dead++
			}
		}
	}
	return activity{zeroGrad: float64(zero) / float64(len(grad)), dead: float64(dead) / float64(units)}, nil
}

func maxAbs(ys [][]float64) float64 {
	m := 0.0
	for _, y := range ys {
		for _, v := range y {
			m = math.Max(m, math.Abs(v))
		}
	}
	return m
}

// relL2 returns ||y - ref||_2 / ||ref||_2.
func relL2(y, ref []float64) float64 {
	var num, den float64
	for k := range y {
		d := y[k] - ref[k]
		num += d * d
		den += ref[k] * ref[k]
	}
	return math.Sqrt(num / den)
}
