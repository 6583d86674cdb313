package graph

import (
	"cmp"
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
	// LBFGSIterations bounds L-BFGS; 0 means 5000.
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
	// Observations are the data of an inverse problem, or nil.
	Observations *problems.Observations
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
		o.LBFGSIterations = 5000
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
	// Loss[k] is the loss after k steps: Adam epochs, then L-BFGS iterations.
	Loss []float64
	// AdamEpochs is how many of those steps were Adam's.
	AdamEpochs int
	// Points are the last collocation points.
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
	if opts.Epochs < 0 || opts.LBFGSIterations < 0 {
		return nil, fmt.Errorf("graph: %d epochs and %d L-BFGS iterations", opts.Epochs, opts.LBFGSIterations)
	}
	rng := NewRand(opts.Seed)
	net, err := NewNetwork(cfg.Hidden, len(p.Vars), cfg.Activation, cfg.OutputActivation, rng)
	if err != nil {
		return nil, err
	}
	if cfg.ScaleInput {
		net.ScaleInput(p.T0, p.T1)
	}
	sampler := p.NewSampler(opts.Sampling, rng)
	res := &Result{Problem: p, Config: cfg, Options: opts, Points: sampler.Points(opts.Points)}
	tr, err := NewTrainer(p, net, cfg, res.Points, opts.Observations, opts.LearningRate)
	if err != nil {
		return nil, err
	}
	start := time.Now()
	trainErr := fitAdam(tr, sampler, res, opts)
	res.AdamEpochs = tr.Epochs()
	if res.AdamEpochs > 0 {
		res.PerEpoch = time.Since(start).Seconds() / float64(res.AdamEpochs)
	}
	if trainErr == nil {
		trainErr = tr.LBFGS(opts.LBFGSIterations, opts.LBFGSTolerance, opts.Progress)
	}
	res.Seconds = time.Since(start).Seconds()
	var diverged *DivergedError
	if trainErr != nil && !errors.As(trainErr, &diverged) {
		return nil, trainErr
	}
	res.Network, res.Unknown, res.Loss = tr.Network(), tr.Unknown(), tr.Loss()
	if res.Score, err = EvaluateWith(p, res.Network, cfg.IC, res.Unknown, p.Grid(opts.Points)); err != nil {
		return nil, err
	}
	return res, trainErr
}

// fitAdam runs the Adam epochs, resampling and refining the collocation
// points on the way.
func fitAdam(tr *Trainer, sampler *problems.Sampler, res *Result, opts Options) error {
	for done := 0; done < opts.Epochs; {
		n := opts.Epochs - done
		for _, every := range []int{opts.ResampleEvery, opts.RefineEvery} {
			if every > 0 {
				n = min(n, every-done%every)
			}
		}
		if err := tr.Adam(n, opts.Progress); err != nil {
			return err
		}
		done += n
		if done == opts.Epochs {
			break
		}
		points := res.Points
		if opts.ResampleEvery > 0 && done%opts.ResampleEvery == 0 {
			points = sampler.Points(opts.Points)
		}
		if opts.RefineEvery > 0 && done%opts.RefineEvery == 0 {
			worst, err := worstPoints(tr, sampler, points, opts)
			if err != nil {
				return err
			}
			points = slices.Compact(slices.Sorted(slices.Values(append(slices.Clone(points), worst...))))
		}
		if !slices.Equal(points, res.Points) {
			res.Points = points
			if err := tr.SetPoints(points); err != nil {
				return err
			}
		}
	}
	return nil
}

// worstPoints returns the RefinePoints points of largest squared residual
// (summed over the variables) among 10 x Points fresh candidates that are not
// collocation points yet.
func worstPoints(tr *Trainer, sampler *problems.Sampler, current []float64, opts Options) ([]float64, error) {
	candidates := sampler.Points(10 * opts.Points)
	if opts.Sampling == problems.SampleGrid {
		candidates = tr.p.Grid(10 * opts.Points)
	}
	candidates = slices.DeleteFunc(candidates, func(t float64) bool {
		_, found := slices.BinarySearch(current, t)
		return found
	})
	r, err := Residuals(tr.p, tr.Network(), tr.cfg.IC, tr.Unknown(), candidates)
	if err != nil {
		return nil, err
	}
	score := make([]float64, len(candidates))
	for _, ri := range r {
		for k, v := range ri {
			score[k] += v * v
		}
	}
	order := make([]int, len(candidates))
	for k := range order {
		order[k] = k
	}
	slices.SortStableFunc(order, func(a, b int) int { return cmp.Compare(score[b], score[a]) })
	worst := make([]float64, min(opts.RefinePoints, len(order)))
	for k := range worst {
		worst[k] = candidates[order[k]]
	}
	return worst, nil
}

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
