package graph

import (
	"context"
	"errors"
	"fmt"
	"time"

	"pinn/problems"
)

// Optimizer names the optimisers Fit runs, in order.
type Optimizer string

// The optimiser choices.
const (
	Adam          Optimizer = "adam"
	LBFGS         Optimizer = "lbfgs"
	AdamThenLBFGS Optimizer = "adam+lbfgs"
)

// Optimizers returns the optimiser choices, a fresh slice on every call.
func Optimizers() []Optimizer { return []Optimizer{Adam, LBFGS, AdamThenLBFGS} }

// The defaults of Options' zero fields.
const (
	DefaultOptimizer       = Adam
	DefaultEpochs          = 3000
	DefaultLearningRate    = 0.01
	DefaultLBFGSIterations = 20000
	DefaultLBFGSTolerance  = 1e-12
)

// Options says how to train; the zero value of each field means its default.
type Options struct {
	// Seed drives every random choice (initial weights, random points).
	Seed uint64
	// Points is the number of collocation points; 0 means the problem's.
	Points int
	// Optimizer says which optimisers run; "" means DefaultOptimizer.
	Optimizer Optimizer
	// Epochs is the number of Adam steps; 0 means DefaultEpochs.
	Epochs int
	// LearningRate is Adam's step size; 0 means DefaultLearningRate.
	LearningRate float64
	// LBFGSIterations bounds L-BFGS; 0 means DefaultLBFGSIterations.
	LBFGSIterations int
	// LBFGSTolerance stops L-BFGS when 100 iterations lower the loss by less
	// than this fraction; 0 means DefaultLBFGSTolerance.
	LBFGSTolerance float64
	// Sampling places the collocation points; "" means
	// problems.DefaultSampling.
	Sampling problems.Sampling
	// ResampleEvery draws fresh collocation points every so many Adam
	// epochs; 0 never does.
	ResampleEvery int
	// RefineEvery adds, every so many Adam epochs, the RefinePoints points
	// (0 means Points/10) of largest residual among 10 x Points candidates,
	// fresh each time (see problems.Sampler.Fresh) so they never run out;
	// 0 never does.
	RefineEvery, RefinePoints int
	// Stages, above 1, marches in time: training runs on the growing
	// windows [t0, t0 + k (t1 - t0) / Stages], k = 1 ... Stages, in turn,
	// each with its share of the epochs and iterations, so that the early
	// solution is learned before the later one that depends on it; 0 means 1.
	Stages int
	// Observations are the data of an inverse problem, or nil.
	Observations *problems.Observations
	// Workers is how many goroutines the Compiled executor runs the tiles
	// of collocation points on; 0 means runtime.GOMAXPROCS(0). Callers that
	// run several fits at once divide the cores between them with it. The
	// results are the same bits for any value; the Tape executor ignores it.
	Workers int
	// Progress, if not nil, is called after every epoch (and L-BFGS
	// iteration, numbered on from the Adam epochs) with the loss after it,
	// as gonum's optimize.Recorder is: an error from it stops training (see
	// Fit).
	Progress func(epoch int, loss float64) error
}

// WithDefaults returns o as Fit runs it on problem p: every zero field
// replaced by its default, and the epochs of an optimiser that does not run
// set to 0 (Epochs for LBFGS, LBFGSIterations for Adam).
func (o Options) WithDefaults(p *problems.Problem) Options {
	if o.Points == 0 {
		o.Points = p.Points
	}
	if o.Optimizer == "" {
		o.Optimizer = DefaultOptimizer
	}
	if o.Epochs == 0 {
		o.Epochs = DefaultEpochs
	}
	if o.Optimizer == LBFGS {
		o.Epochs = 0
	}
	if o.LearningRate == 0 {
		o.LearningRate = DefaultLearningRate
	}
	if o.LBFGSIterations == 0 {
		o.LBFGSIterations = DefaultLBFGSIterations
	}
	if o.Optimizer == Adam {
		o.LBFGSIterations = 0
	}
	if o.LBFGSTolerance == 0 {
		o.LBFGSTolerance = DefaultLBFGSTolerance
	}
	if o.Sampling == "" {
		o.Sampling = problems.DefaultSampling
	}
	if o.Stages == 0 {
		o.Stages = 1
	}
	if o.RefinePoints == 0 {
		o.RefinePoints = max(o.Points/10, 1)
	}
	return o
}

// Result is a trained solution and how it was trained.
type Result struct {
	Config  Config
	Options Options
	// Model is the trained solution: the weights after the last step or,
	// when training was stopped (see Fit), those of the lowest loss
	// recorded since the collocation points last moved.
	Model *Model
	// Loss[k] is the loss after k steps (Adam epochs and L-BFGS iterations).
	Loss []float64
	// AdamEpochs is how many of those steps were Adam's.
	AdamEpochs int
	// Points are the collocation points at the end.
	Points []float64
	// Seconds is the training time; PerEpoch the time of one Adam epoch.
	Seconds, PerEpoch float64
	// Score compares the solution with the reference on the grid of
	// Options.Points points.
	Score Score
}

// Fit trains a fresh network on problem p.
//
// Training stops early, at the end of an Adam epoch or L-BFGS iteration, when
// ctx is done or opts.Progress returns an error (called first, so that a
// Progress cancelling ctx stops at its epoch). Fit then returns the result
// with the weights of the lowest loss so far and an error wrapping
// ctx.Err() (context.Canceled, say) or Progress's error. A ctx done before
// training starts gives no result.
//
// On divergence Fit returns the result with the last good weights together
// with a *DivergedError.
func Fit(ctx context.Context, p *problems.Problem, cfg Config, opts Options) (*Result, error) {
	cfg = cfg.withDefaults(p.Order)
	opts = opts.WithDefaults(p)
	if opts.Points < 2 {
		return nil, fmt.Errorf("graph: %d collocation points: need at least 2", opts.Points)
	}
	if opts.Epochs < 0 || opts.LBFGSIterations < 0 || opts.Stages < 1 {
		return nil, fmt.Errorf("graph: %d epochs, %d L-BFGS iterations, %d stages", opts.Epochs, opts.LBFGSIterations, opts.Stages)
	}
	if opts.Workers < 0 {
		return nil, fmt.Errorf("graph: %d workers: want 0 (every core) or more", opts.Workers)
	}
	if err := ctx.Err(); err != nil {
		return nil, fmt.Errorf("graph: training not started: %w", err)
	}
	rng := NewRand(opts.Seed)
	net, err := NewNetwork(cfg.Architecture, len(p.Vars), rng)
	if err != nil {
		return nil, err
	}
	if cfg.ScaleInput {
		net.ScaleInput(p.T0, p.T1)
	}
	c := &collocation{p: p, opts: opts, sampler: p.NewSampler(opts.Sampling, rng)}
	c.points = c.sampler.Points(opts.Points)
	c.end = c.stageEnd(1)
	tr, err := NewTrainer(p, net, cfg, c.inWindow(), opts)
	if err != nil {
		return nil, err
	}
	// stop is the error that stopped training early, if any.
	var stop error
	progress := func(epoch int, loss float64) error {
		if opts.Progress != nil {
			if err := opts.Progress(epoch, loss); err != nil {
				stop = fmt.Errorf("graph: progress stopped training at epoch %d: %w", epoch, err)
				return stop
			}
		}
		if err := ctx.Err(); err != nil {
			stop = fmt.Errorf("graph: training stopped at epoch %d: %w", epoch, err)
		}
		return stop
	}
	res := &Result{Config: cfg, Options: opts}
	start := time.Now()
	var adamTime time.Duration
	var trainErr error
	for stage := 1; stage <= opts.Stages && trainErr == nil; stage++ {
		if stage > 1 {
			c.end = c.stageEnd(stage)
			if trainErr = tr.SetPoints(c.inWindow()); trainErr != nil {
				break
			}
		}
		t := time.Now()
		trainErr = c.adam(tr, share(opts.Epochs, stage, opts.Stages), progress)
		adamTime += time.Since(t)
		if trainErr == nil {
			trainErr = tr.LBFGS(share(opts.LBFGSIterations, stage, opts.Stages), opts.LBFGSTolerance, progress)
		}
	}
	res.Seconds = time.Since(start).Seconds()
	res.AdamEpochs = tr.AdamEpochs()
	if res.AdamEpochs > 0 {
		res.PerEpoch = adamTime.Seconds() / float64(res.AdamEpochs)
	}
	var diverged *DivergedError
	switch {
	case trainErr != nil && trainErr == stop:
		tr.restoreBest()
	case trainErr != nil && !errors.As(trainErr, &diverged):
		return nil, trainErr
	}
	res.Points = c.points
	res.Model, res.Loss = tr.Model(), tr.Loss()
	if res.Score, err = res.Model.Evaluate(p.Grid(opts.Points)); err != nil {
		return nil, err
	}
	return res, trainErr
}

// share is stage s's part of a budget split over k stages.
func share(total, s, k int) int { return total*s/k - total*(s-1)/k }
