package graph

import (
	"errors"
	"fmt"
	"math"
	"time"

	"pinn/problems"
)

// Options says how long and how fast to train; the zero value of each field
// means its default.
type Options struct {
	// Seed drives every random choice (the initial weights).
	Seed uint64
	// Points is the number of collocation points; 0 means the problem's grid.
	Points int
	// Epochs is the number of Adam steps; 0 means 3000.
	Epochs int
	// LearningRate is Adam's step size; 0 means 0.01.
	LearningRate float64
	// Progress, if not nil, is called after every epoch.
	Progress func(epoch int, loss float64)
}

func (o Options) withDefaults(p *problems.Problem) Options {
	if o.Points == 0 {
		o.Points = p.Points
	}
	if o.Epochs == 0 {
		o.Epochs = 3000
	}
	if o.LearningRate == 0 {
		o.LearningRate = 0.01
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
	// Loss[k] is the loss after k epochs.
	Loss []float64
	// Points are the collocation points.
	Points []float64
	// Seconds is the training time; PerEpoch the time of one epoch.
	Seconds, PerEpoch float64
	// Score compares the solution with the reference on the collocation grid.
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
	if opts.Epochs < 0 {
		return nil, fmt.Errorf("graph: %d epochs", opts.Epochs)
	}
	net, err := NewNetwork(cfg.Hidden, len(p.Vars), cfg.Activation, cfg.OutputActivation, NewRand(opts.Seed))
	if err != nil {
		return nil, err
	}
	if cfg.ScaleInput {
		net.ScaleInput(p.T0, p.T1)
	}
	res := &Result{Problem: p, Config: cfg, Options: opts, Points: p.Grid(opts.Points)}
	tr, err := NewTrainer(p, net, cfg, res.Points, nil, opts.LearningRate)
	if err != nil {
		return nil, err
	}
	start := time.Now()
	trainErr := tr.Adam(opts.Epochs, opts.Progress)
	res.Seconds = time.Since(start).Seconds()
	if tr.Epochs() > 0 {
		res.PerEpoch = res.Seconds / float64(tr.Epochs())
	}
	var diverged *DivergedError
	if trainErr != nil && !errors.As(trainErr, &diverged) {
		return nil, trainErr
	}
	res.Network, res.Unknown, res.Loss = tr.Network(), tr.Unknown(), tr.Loss()
	if res.Score, err = Evaluate(p, res.Network, cfg.IC, res.Points); err != nil {
		return nil, err
	}
	return res, trainErr
}

// Evaluate scores a trained network on problem p at the points ts. ic must
// be the mode the network was trained with.
func Evaluate(p *problems.Problem, net *Network, ic ICMode, ts []float64) (Score, error) {
	sol, err := Predict(p, net, ic, ts)
	if err != nil {
		return Score{}, err
	}
	ref, err := p.Reference(ts, nil)
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
