package experiments

import (
	"errors"
	"math"
	"slices"
	"time"

	"pinn/graph"
)

// runSeed trains one seed of an experiment, its executor on the given
// number of goroutines, and measures the run.
func runSeed(s *setup, seed uint64, workers int) (SeedResult, error) {
	e, p, cfg := s.e, s.p, s.e.Config
	net, err := graph.NewNetwork(cfg.Architecture, len(p.Vars), graph.NewRand(seed))
	if err != nil {
		return SeedResult{}, err
	}
	if cfg.ScaleInput {
		net.ScaleInput(p.T0, p.T1)
	}
	tr, err := graph.NewTrainer(p, net, cfg, s.ts, graph.Options{LearningRate: e.LearningRate, Workers: workers})
	if err != nil {
		return SeedResult{}, err
	}
	r := SeedResult{Seed: seed}
	var before, after activity
	if e.Activity {
		if before, err = measureActivity(tr, s.ts); err != nil {
			return r, err
		}
	}

	// Train up to each checkpoint in turn: Adam's state carries on, so the
	// run is the same as one call for all the epochs.
	var checkpoints []Metric
	var trainErr error
	var training time.Duration
	for _, k := range append(slices.Sorted(slices.Values(e.Checkpoints)), e.Epochs) {
		if trainErr == nil {
			start := time.Now()
			trainErr = tr.Adam(k-tr.Epochs(), nil)
			training += time.Since(start)
		}
		if k == e.Epochs {
			break
		}
		loss, rel := math.NaN(), math.NaN()
		if len(tr.Loss()) > k { // not if it diverged before k
			sc, err := tr.Model().Evaluate(s.ts)
			if err != nil {
				return r, err
			}
			loss, rel = tr.Loss()[k], sc.RelL2
		}
		checkpoints = append(checkpoints, Metric{checkpointLoss(k), loss}, Metric{checkpointRelL2(k), rel})
	}
	var diverged *graph.DivergedError
	if errors.As(trainErr, &diverged) {
		r.Diverged = diverged.Error()
	} else if trainErr != nil {
		return r, trainErr
	}

	r.Model, r.Loss, r.Epochs = tr.Model(), tr.Loss(), tr.Epochs()
	r.Seconds = training.Seconds()
	if r.Epochs > 0 {
		r.PerEpoch = r.Seconds / float64(r.Epochs)
	}
	score, err := r.Model.Evaluate(s.ts)
	if err != nil {
		return r, err
	}
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
	r.Metrics = append(r.Metrics, checkpoints...)
	if e.Activity {
		if after, err = measureActivity(tr, s.ts); err != nil {
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

// activity is how much of a network is switched off.
type activity struct {
	// zeroGrad is the fraction of parameter gradients exactly 0.
	zeroGrad float64
	// dead is the fraction of hidden units exactly 0 at every point.
	dead float64
}

// measureActivity measures the trainer's network at its current weights.
func measureActivity(tr *graph.Trainer, ts []float64) (activity, error) {
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
	hidden, err := tr.Model().HiddenActivity(ts)
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
