package graph

import (
	"cmp"
	"errors"
	"fmt"
	"maps"
	"math"
	"slices"

	"pinn/problems"
)

// ErrDiverged is wrapped by DivergedError.
var ErrDiverged = errors.New("graph: training diverged")

// DivergedError says at which epoch the loss stopped being finite. The
// trainer then holds the weights of the epoch before.
type DivergedError struct {
	Epoch int
	Loss  float64
}

// Error names the epoch at which the loss stopped being finite.
func (e *DivergedError) Error() string {
	if e.Epoch == 0 {
		return fmt.Sprintf("the loss at the initial weights is %g", e.Loss)
	}
	return fmt.Sprintf("training diverged at epoch %d: the loss is %g; kept the weights of epoch %d", e.Epoch, e.Loss, e.Epoch-1)
}

// Unwrap returns ErrDiverged.
func (e *DivergedError) Unwrap() error { return ErrDiverged }

// Trainer fits a network to a problem: it owns the loss graph, the optimiser
// state and the loss history. Loss()[k] is the loss after k epochs.
type Trainer struct {
	p         *problems.Problem
	cfg       Config
	net       *Network
	unknown   map[string]float64
	obs       *problems.Observations
	workers   int // Options.Workers
	lg        *lossGraph
	adam      adam
	history   []float64
	adamSteps int
	// x is the flat parameter vector (see Parameters), grad the loss's
	// gradient with respect to it.
	x, grad []float64
	// fresh says grad is the gradient at x and history ends with the loss
	// there.
	fresh bool
	// moved says the collocation points changed since the last entry of
	// history, which the next evaluation replaces.
	moved    bool
	lastGood []float64
	// best holds the weights of the lowest loss recorded since the
	// collocation points last moved (losses at other points do not
	// compare), bestLoss that loss.
	best     []float64
	bestLoss float64
	// lbfgs is the L-BFGS run under way (stopped by its progress
	// function), or nil; changing the weights or the points ends it.
	lbfgs     *lbfgsState
	lbfgsLast LBFGSIteration
	// lastStep is the optimiser of the last step; traceGrad and slopes
	// are Trace's gradient buffer and dead-unit graph.
	lastStep  Optimizer
	traceGrad []float64
	slopes    *slopeGraph
}

// NewTrainer prepares to train net (which it copies) on problem p at the
// collocation points ts. The network's architecture is the one trained:
// cfg.Architecture is not read. Of opts, NewTrainer reads Adam's
// LearningRate (0 means DefaultLearningRate), the Observations of an
// inverse problem and Workers; the others are Fit's. A family (problems
// with range parameters) trains at points of t and its parameters: see
// NewFamilyTrainer.
func NewTrainer(p *problems.Problem, net *Network, cfg Config, ts []float64, opts Options) (*Trainer, error) {
	return NewFamilyTrainer(p, net, cfg, [][]float64{ts}, opts)
}

// NewFamilyTrainer is NewTrainer at the collocation points inputs, given as
// columns: the values of t, then for a family those of each range
// parameter in RangeNames order, as problems.Sampler.Inputs returns them.
// The network must have as many inputs (see NewFamilyNetwork).
func NewFamilyTrainer(p *problems.Problem, net *Network, cfg Config, inputs [][]float64, opts Options) (*Trainer, error) {
	lr := cmp.Or(opts.LearningRate, DefaultLearningRate)
	if !(lr > 0) || math.IsInf(lr, 0) {
		return nil, fmt.Errorf("graph: learning rate %g is not a positive number", lr)
	}
	if opts.Workers < 0 {
		return nil, fmt.Errorf("graph: %d workers: want 0 (every core) or more", opts.Workers)
	}
	cfg.Architecture = net.Architecture()
	tr := &Trainer{p: p, cfg: cfg.withDefaults(p.Order), net: net.Clone(), unknown: map[string]float64{}, obs: opts.Observations,
		workers: opts.Workers, adam: adam{eta: lr}}
	for _, k := range p.Unknown {
		tr.unknown[k] = p.Params[k]
	}
	if err := tr.SetInputs(inputs); err != nil {
		return nil, err
	}
	return tr, nil
}

// SetPoints moves the collocation points; the optimiser's state is kept,
// and the loss after the epochs so far is taken again on the new points.
// A family's points are set with SetInputs.
func (tr *Trainer) SetPoints(ts []float64) error {
	if len(ts) == 0 {
		return errNoPoints
	}
	if tr.cfg.Derivative == FDForward && !slices.IsSorted(ts) {
		ts = slices.Sorted(slices.Values(ts))
	}
	return tr.SetInputs([][]float64{ts})
}

// SetInputs moves the collocation points to inputs, columns as
// NewFamilyTrainer takes them; see SetPoints.
func (tr *Trainer) SetInputs(inputs [][]float64) error {
	if len(inputs) == 0 || len(inputs[0]) == 0 {
		return errNoPoints
	}
	if tr.lg != nil && tr.lg.at.t.Shape()[0] == len(inputs[0]) {
		nodes := tr.lg.at.columns()
		if len(inputs) != len(nodes) {
			return fmt.Errorf("graph: %d columns of points, problem %s needs %d", len(inputs), tr.p.Name, len(nodes))
		}
		for j, n := range nodes {
			if len(inputs[j]) != len(inputs[0]) {
				return fmt.Errorf("graph: column %d holds %d values for %d points", j+1, len(inputs[j]), len(inputs[0]))
			}
			copy(n.Value().Data().([]float64), inputs[j])
		}
		tr.moved, tr.fresh, tr.bestLoss, tr.lbfgs = len(tr.history) > 0, false, math.Inf(1), nil
		return nil
	}
	tr.fresh, tr.moved = false, len(tr.history) > 0
	tr.bestLoss = math.Inf(1)
	tr.lbfgs = nil
	if tr.lg != nil {
		tr.lg.pull(tr.x, tr.net, tr.unknown)
	}
	lg, err := buildLoss(tr.p, tr.net, tr.unknown, tr.cfg, inputs, tr.obs, tr.workers)
	if err != nil {
		return err
	}
	tr.lg = lg
	tr.x = lg.initialParams()
	tr.grad = make([]float64, len(tr.x))
	tr.lastGood = slices.Clone(tr.x)
	tr.best = make([]float64, len(tr.x))
	return nil
}

// evaluate runs the graph at the current weights if it has not, recording
// the loss; a non-finite loss restores the last good weights.
func (tr *Trainer) evaluate() error {
	if tr.fresh {
		return nil
	}
	loss, err := tr.lg.exec.run(tr.x, tr.grad)
	if err != nil {
		return err
	}
	if math.IsNaN(loss) || math.IsInf(loss, 0) {
		epoch := len(tr.history) // the step just taken
		if tr.moved {
			epoch-- // no step: the points moved
		}
		diverged := &DivergedError{Epoch: epoch, Loss: loss}
		if len(tr.history) == 0 {
			return diverged
		}
		// Back to the last good weights, with their gradient in place so
		// that the trainer is as it was before the step.
		copy(tr.x, tr.lastGood)
		if _, err := tr.lg.exec.run(tr.x, tr.grad); err != nil {
			return err
		}
		tr.fresh = true
		return diverged
	}
	if tr.moved {
		tr.history[len(tr.history)-1] = loss
	} else {
		tr.history = append(tr.history, loss)
	}
	if loss < tr.bestLoss {
		tr.bestLoss = loss
		copy(tr.best, tr.x)
	}
	tr.fresh, tr.moved = true, false
	return nil
}

// restoreBest sets the weights of the lowest loss recorded since the
// collocation points last moved: Fit's last step when training is stopped.
// The loss history is left alone.
func (tr *Trainer) restoreBest() {
	tr.SetParameters(tr.best)
}

// Adam runs epochs of Adam; after each it calls progress (if not nil) with
// the epoch number and the loss after it. An error from progress stops
// training after that epoch and is returned as it is.
func (tr *Trainer) Adam(epochs int, progress func(epoch int, loss float64) error) error {
	if err := tr.evaluate(); err != nil {
		return err
	}
	for range epochs {
		copy(tr.lastGood, tr.x)
		tr.adam.step(tr.x, tr.grad)
		tr.adamSteps++
		tr.lastStep = Adam
		tr.fresh = false
		tr.lbfgs = nil
		if err := tr.evaluate(); err != nil {
			return err
		}
		if progress != nil {
			if err := progress(tr.Epochs(), tr.history[len(tr.history)-1]); err != nil {
				return err
			}
		}
	}
	return nil
}

// AdamEpochs is the number of Adam steps taken so far.
func (tr *Trainer) AdamEpochs() int { return tr.adamSteps }

// Epochs is the number of optimisation steps taken so far.
func (tr *Trainer) Epochs() int { return max(len(tr.history)-1, 0) }

// Loss returns the loss history: Loss()[k] is the loss after k epochs.
func (tr *Trainer) Loss() []float64 { return slices.Clone(tr.history) }

// Model returns the trained solution at the current weights.
func (tr *Trainer) Model() *Model {
	m := newModel(tr.p, tr.cfg.IC, tr.Network(), tr.Unknown())
	m.scale, m.base = tr.cfg.outputScale, tr.cfg.base
	return m
}

// Network returns a copy of the network with the current weights.
func (tr *Trainer) Network() *Network {
	tr.lg.pull(tr.x, tr.net, tr.unknown)
	return tr.net.Clone()
}

// Unknown returns the current values of the unknown parameters.
func (tr *Trainer) Unknown() map[string]float64 {
	tr.lg.pull(tr.x, tr.net, tr.unknown)
	return maps.Clone(tr.unknown)
}

// LossAndGradient returns the loss and its gradient with respect to the flat
// parameter vector (see Parameters) at the current weights.
func (tr *Trainer) LossAndGradient() (float64, []float64, error) {
	grad := make([]float64, len(tr.x))
	loss, err := tr.lg.exec.run(tr.x, grad)
	if err != nil {
		return 0, nil, err
	}
	tr.fresh = false
	return loss, grad, nil
}

// Parameters returns the flat parameter vector: each hidden layer's weights
// (row-major) and biases, then each output's weights and bias, then the
// unknown parameters.
func (tr *Trainer) Parameters() []float64 {
	return slices.Clone(tr.x)
}

// SetParameters sets the flat parameter vector.
func (tr *Trainer) SetParameters(x []float64) {
	copy(tr.x, x)
	tr.fresh = false
	tr.lbfgs = nil
}
