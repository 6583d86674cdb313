package graph

import (
	"errors"
	"fmt"
	"maps"
	"math"
	"math/rand/v2"
	"slices"

	"pinn/problems"
	"pinn/problems/expr"
)

// ConditionResiduals returns the residual (lhs - rhs) of each of the
// problem's conditions (problems.Problem.Conditions, in that order) at the
// model's solution: how far the model is from meeting them. Conditions
// built into a hard trial solution are met up to rounding.
func (m *Model) ConditionResiduals() ([]float64, error) {
	conds := m.problem.Conditions()
	var points []float64
	for _, c := range conds {
		for _, v := range c.Values {
			points = append(points, v.At)
		}
	}
	slices.Sort(points)
	points = slices.Compact(points)
	sol, err := m.Predict(points)
	if err != nil {
		return nil, err
	}
	env := maps.Clone(m.problem.Params)
	if env == nil {
		env = map[string]float64{}
	}
	maps.Copy(env, m.unknown)
	res := make([]float64, len(conds))
	for k, c := range conds {
		for _, v := range c.Values {
			j, _ := slices.BinarySearch(points, v.At)
			env[v.Name] = sol.Y[v.Var][j]
			if v.Deriv == 1 {
				env[v.Name] = sol.DY[v.Var][j]
			}
		}
		if res[k], err = expr.Eval(c.Residual, env); err != nil {
			return nil, fmt.Errorf("graph: condition %q: %w", c.Text, err)
		}
	}
	return res, nil
}

// HardConditions reports, for each of the problem's conditions
// (problems.Problem.Conditions, in that order), whether the model's trial
// solution meets it by construction (Config.IC HardIC), rather than
// through a term of the loss.
func (m *Model) HardConditions() []bool {
	hard := make([]bool, len(m.problem.Conditions()))
	if m.ic == HardIC {
		for k := range hardConditions(trialPlans(m.problem)) {
			hard[k] = true
		}
	}
	return hard
}

// residualScale is the size of what a network added on top of the model m
// has to remove: the larger of the root mean square of m's ODE residual at
// the points ts (over the variables and points) and that of its condition
// residuals. A network whose output is multiplied by it learns something
// of order one, whatever the solution's scale (Wang and Lai, "Multi-stage
// neural networks", J. Comput. Phys. 2024, scale each stage so).
func residualScale(m *Model, ts []float64) (float64, error) {
	r, err := m.Residuals(ts)
	if err != nil {
		return 0, err
	}
	c, err := m.ConditionResiduals()
	if err != nil {
		return 0, err
	}
	return math.Max(rms(slices.Concat(r...)), rms(c)), nil
}

// rms returns the root mean square of x, 0 for none.
func rms(x []float64) float64 {
	if len(x) == 0 {
		return 0
	}
	s := 0.0
	for _, v := range x {
		s += v * v
	}
	return math.Sqrt(s / float64(len(x)))
}

// zeroNetwork returns a network whose output is zero everywhere: the
// trial solution around it is what it would be with no network.
func zeroNetwork(outputs int) (*Network, error) {
	net, err := NewNetwork(Architecture{Hidden: []int{1}}, outputs, NewRand(0))
	if err != nil {
		return nil, err
	}
	for _, w := range net.Weights {
		clear(w)
	}
	return net, nil
}

// scaleBefore returns Options.ScaleOutput's factor for the first network of
// a whole-domain fit of p: the residual scale of the trial solution with
// no network (see residualScale), or 1 when that is zero or not finite.
func scaleBefore(p *problems.Problem, cfg Config, ts []float64) (float64, error) {
	zero, err := zeroNetwork(len(p.Vars))
	if err != nil {
		return 0, err
	}
	s, err := residualScale(newModel(p, cfg.IC, zero, nil), ts)
	if err != nil {
		return 0, err
	}
	if !(s > 0) || math.IsInf(s, 0) {
		return 1, nil
	}
	return s, nil
}

// errCorrectionsUnknown refuses correction networks for an inverse
// problem: each network would learn the unknown parameters anew.
var errCorrectionsUnknown = errors.New("graph: correction networks (Options.Corrections) train networks only, not unknown parameters")

// correcting is the correction phase of a whole-domain run under way
// (Options.Corrections): the random source of the correction networks, the
// corrections kept so far (each network with its output scale), the loss
// of the model they make, their steps (those the loss history gets after
// the first network's), and the trainer of the correction in training (nil
// before it is drawn).
type correcting struct {
	src     *rand.PCG
	rng     *rand.Rand
	kept    []ScaledNetwork
	loss    float64
	history []float64
	tr      *Trainer
}

// correct trains up to opts.Corrections correction networks on top of the
// first network of the run, trained, at the collocation points, each on
// top of the ones before it, frozen, with its output scaled by
// residualScale of the model it corrects (Wang and Lai's multi-stage
// networks, as March corrects a window), from where the correction phase
// is (its start, or a checkpoint's place in it). A correction is kept only
// if it lowers the loss; the first that does not ends the corrections, and
// is dropped with its loss history. res.Model becomes the model the
// corrections kept make, and the history of each, from its first step, is
// appended to res.Loss (the first network's), so that res.Loss[k] stays
// the loss after k steps; the number kept is returned. An error of
// progress, for which stopped is true, stops training: the correction
// under way is kept with its best weights if they lower the loss, and the
// error is returned.
func (r *wholeRun) correct(res *Result, progress func(epoch int, loss float64) error, stopped func(error) bool) (int, error) {
	p, cfg, opts, ts := r.p, r.cfg, r.opts, r.c.points
	if len(p.Unknown) > 0 {
		return 0, errCorrectionsUnknown
	}
	if r.corr == nil {
		src := newSource(opts.Seed ^ correctionSeed)
		r.corr = &correcting{src: src, rng: rand.New(src), loss: r.tr.history[len(r.tr.history)-1]}
	}
	k := r.corr
	res.Model, res.Loss = r.corrected(), append(res.Loss, k.history...)
	for len(k.kept) < opts.Corrections {
		if k.tr == nil {
			scale, err := residualScale(res.Model, ts)
			if err != nil {
				return len(k.kept), err
			}
			if !(scale > 0) || math.IsInf(scale, 0) {
				break
			}
			net, err := NewNetwork(cfg.Architecture, len(p.Vars), k.rng)
			if err != nil {
				return len(k.kept), err
			}
			if k.tr, err = r.correctionTrainer(res.Model, net, scale); err != nil {
				return len(k.kept), err
			}
		}
		tr, offset := k.tr, len(res.Loss)-1
		trErr := tr.LBFGS(opts.LBFGSIterations, opts.LBFGSTolerance, func(epoch int, l float64) error {
			return progress(offset+epoch, l)
		})
		k.tr = nil
		if errors.Is(trErr, ErrDiverged) {
			trErr = nil // its first loss is not finite: it does not help
		}
		if trErr != nil && !stopped(trErr) {
			return len(k.kept), trErr
		}
		helped := tr.bestLoss < k.loss
		if helped {
			tr.restoreBest()
			k.kept = append(k.kept, ScaledNetwork{Scale: tr.cfg.outputScale, Network: tr.Network()})
			k.loss = tr.bestLoss
			// Its steps continue the history; its loss at its random
			// start is not the model's.
			k.history = append(k.history, tr.history[1:]...)
			res.Model, res.Loss = r.corrected(), append(res.Loss, tr.history[1:]...)
		}
		if trErr != nil || !helped {
			return len(k.kept), trErr
		}
	}
	return len(k.kept), nil
}

// corrected returns the model of the run's first network with the
// corrections kept so far on top: the last kept, scaled, on top of the
// ones before it, frozen (the first network's output scale being 1 when
// it has none), as its trainer's Model gives it.
func (r *wholeRun) corrected() *Model {
	kept := r.corr.kept
	if len(kept) == 0 {
		return r.tr.Model()
	}
	base := append([]ScaledNetwork{{Scale: cmpScale(r.cfg.outputScale), Network: r.tr.Network()}}, kept[:len(kept)-1]...)
	last := kept[len(kept)-1]
	m := newModel(r.p, r.cfg.IC, last.Network, map[string]float64{})
	m.scale, m.base = last.Scale, base
	return m
}

// correctionTrainer returns the trainer of net, a correction of the model
// m at the run's collocation points, its output scaled by scale, with m's
// networks frozen under it.
func (r *wholeRun) correctionTrainer(m *Model, net *Network, scale float64) (*Trainer, error) {
	if r.cfg.ScaleInput {
		net.ScaleInput(r.p.T0, r.p.T1)
	}
	c := r.cfg
	c.base = append(slices.Clone(m.base), ScaledNetwork{Scale: cmpScale(m.scale), Network: m.net})
	c.outputScale = scale
	return NewTrainer(r.p, net, c, r.c.points, Options{Workers: r.opts.Workers})
}

// correctionSeed separates the random source of the correction networks
// from that of the first, so that asking for corrections leaves the first
// network's training as it was.
const correctionSeed = 0x636f7272 // "corr"

// cmpScale returns a network's output scale, 1 for the 0 that means none.
func cmpScale(s float64) float64 {
	if s == 0 {
		return 1
	}
	return s
}
