package graph

import (
	"errors"
	"fmt"
	"math"
	"slices"
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

// Optimizers lists the optimiser choices.
var Optimizers = []Optimizer{Adam, LBFGS, AdamThenLBFGS}

// ParseOptimizer returns the optimiser choice with the given name.
func ParseOptimizer(name string) (Optimizer, error) {
	if i := slices.Index(Optimizers, Optimizer(name)); i >= 0 {
		return Optimizers[i], nil
	}
	return "", fmt.Errorf("unknown optimizer %q (want adam, lbfgs or adam+lbfgs)", name)
}

// Options says how to train; the zero value of each field means its default.
type Options struct {
	// Seed drives every random choice (initial weights, random points).
	Seed uint64
	// Points is the number of collocation points; 0 means the problem's.
	Points int
	// Optimizer says which optimisers run; "" means Adam.
	Optimizer Optimizer
	// Epochs is the number of Adam steps; 0 means 3000.
	Epochs int
	// LearningRate is Adam's step size; 0 means 0.01.
	LearningRate float64
	// LBFGSIterations bounds L-BFGS; 0 means 20000.
	LBFGSIterations int
	// LBFGSTolerance stops L-BFGS when 100 iterations lower the loss by less
	// than this fraction; 0 means 1e-12.
	LBFGSTolerance float64
	// Sampling places the collocation points; "" means a grid.
	Sampling problems.Sampling
	// ResampleEvery draws fresh collocation points every so many Adam
	// epochs; 0 never does.
	ResampleEvery int
	// RefineEvery adds, every so many Adam epochs, the RefinePoints points
	// (0 means Points/10) of largest residual among 10 x Points candidates;
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
	// iteration, numbered on from the Adam epochs).
	Progress func(epoch int, loss float64)
}

func (o Options) withDefaults(p *problems.Problem) Options {
	if o.Points == 0 {
		o.Points = p.Points
	}
	if o.Optimizer == "" {
		o.Optimizer = Adam
	}
	if o.Epochs == 0 {
		o.Epochs = 3000
	}
	if o.Optimizer == LBFGS {
		o.Epochs = 0
	}
	if o.LearningRate == 0 {
		o.LearningRate = 0.01
	}
	if o.LBFGSIterations == 0 {
		o.LBFGSIterations = 20000
	}
	if o.Optimizer == Adam {
		o.LBFGSIterations = 0
	}
	if o.LBFGSTolerance == 0 {
		o.LBFGSTolerance = 1e-12
	}
	if o.Sampling == "" {
		o.Sampling = problems.SampleGrid
	}
	if o.Stages == 0 {
		o.Stages = 1
	}
	if o.RefinePoints == 0 {
		o.RefinePoints = max(o.Points/10, 1)
	}
	return o
}

// Result is a trained network and how well it solves the problem.
type Result struct {
	Problem *problems.Problem
	Config  Config
	Options Options
	Network *Network
	// Unknown holds the learned values of an inverse problem's parameters.
	Unknown map[string]float64
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

// Score compares a trained solution with the problem's reference.
type Score struct {
	Solution, Reference *problems.Solution
	// RelL2 is ||y - y_ref||_2 / ||y_ref||_2 over all variables and points.
	RelL2 float64
	// MaxAbsErr is max |y - y_ref|.
	MaxAbsErr float64
	// MaxAbsDerivErr is max |dy/dt - dy_ref/dt|.
	MaxAbsDerivErr float64
}

// Fit trains a fresh network on problem p. On divergence it returns the
// result with the last good weights together with a *DivergedError.
func Fit(p *problems.Problem, cfg Config, opts Options) (*Result, error) {
	cfg = cfg.withDefaults(p.Order)
	opts = opts.withDefaults(p)
	if opts.Points < 2 {
		return nil, fmt.Errorf("graph: %d collocation points: need at least 2", opts.Points)
	}
	if opts.Epochs < 0 || opts.LBFGSIterations < 0 || opts.Stages < 1 {
		return nil, fmt.Errorf("graph: %d epochs, %d L-BFGS iterations, %d stages", opts.Epochs, opts.LBFGSIterations, opts.Stages)
	}
	if opts.Workers < 0 {
		return nil, fmt.Errorf("graph: %d workers: want 0 (every core) or more", opts.Workers)
	}
	rng := NewRand(opts.Seed)
	net, err := NewNetwork(cfg.Hidden, len(p.Vars), cfg.Activation, cfg.OutputActivation, rng)
	if err != nil {
		return nil, err
	}
	if cfg.ScaleInput {
		net.ScaleInput(p.T0, p.T1)
	}
	c := &collocation{p: p, opts: opts, sampler: p.NewSampler(opts.Sampling, rng)}
	c.points = c.sampler.Points(opts.Points)
	c.end = c.stageEnd(1)
	tr, err := newTrainer(p, net, cfg, c.inWindow(), opts.Observations, opts.LearningRate, opts.Workers)
	if err != nil {
		return nil, err
	}
	res := &Result{Problem: p, Config: cfg, Options: opts}
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
		trainErr = c.adam(tr, share(opts.Epochs, stage, opts.Stages))
		adamTime += time.Since(t)
		if trainErr == nil {
			trainErr = tr.LBFGS(share(opts.LBFGSIterations, stage, opts.Stages), opts.LBFGSTolerance, opts.Progress)
		}
	}
	res.Seconds = time.Since(start).Seconds()
	res.AdamEpochs = tr.AdamEpochs()
	if res.AdamEpochs > 0 {
		res.PerEpoch = adamTime.Seconds() / float64(res.AdamEpochs)
	}
	var diverged *DivergedError
	if trainErr != nil && !errors.As(trainErr, &diverged) {
		return nil, trainErr
	}
	res.Points = c.points
	res.Network, res.Unknown, res.Loss = tr.Network(), tr.Unknown(), tr.Loss()
	if res.Score, err = EvaluateWith(p, res.Network, cfg.IC, res.Unknown, p.Grid(opts.Points)); err != nil {
		return nil, err
	}
	return res, trainErr
}

// share is stage s's part of a budget split over k stages.
func share(total, s, k int) int { return total*s/k - total*(s-1)/k }

// Evaluate scores a trained network on problem p at the points ts. ic must
// be the mode the network was trained with.
func Evaluate(p *problems.Problem, net *Network, ic ICMode, ts []float64) (Score, error) {
	return EvaluateWith(p, net, ic, nil, ts)
}

// EvaluateWith is Evaluate for an inverse problem: the reference is computed
// with the given parameter values (nil: the problem's).
func EvaluateWith(p *problems.Problem, net *Network, ic ICMode, params map[string]float64, ts []float64) (Score, error) {
	sol, err := Predict(p, net, ic, ts)
	if err != nil {
		return Score{}, err
	}
	ref, err := p.Reference(ts, params)
	if err != nil {
		return Score{}, err
	}
	s := Score{Solution: sol, Reference: ref}
	var num, den float64
	for i := range sol.Y {
		for k := range ts {
			d := sol.Y[i][k] - ref.Y[i][k]
			num += d * d
			den += ref.Y[i][k] * ref.Y[i][k]
			s.MaxAbsErr = math.Max(s.MaxAbsErr, math.Abs(d))
			s.MaxAbsDerivErr = math.Max(s.MaxAbsDerivErr, math.Abs(sol.DY[i][k]-ref.DY[i][k]))
		}
	}
	s.RelL2 = math.Sqrt(num / den)
	return s, nil
}
