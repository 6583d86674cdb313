package graph

import (
	"errors"
	"fmt"
	"slices"
)

// trainerState is a Trainer between two steps: everything its next step
// reads besides the network, the problem and the collocation points, in
// exported fields for a checkpoint's encoding (see Checkpoint).
type trainerState struct {
	// X, Grad, LastGood and Best are the trainer's x, grad, lastGood and
	// best, BestLoss its bestLoss.
	X, Grad, LastGood, Best []float64
	BestLoss                float64
	History                 []float64
	AdamSteps               int
	Fresh, Moved            bool
	// AdamIter, AdamM and AdamV are Adam's step count and moments (nil
	// before its first step).
	AdamIter     int
	AdamM, AdamV []float64
	// LBFGS is the L-BFGS run under way, or nil; LBFGSLast describes the
	// last L-BFGS iteration, LastStep names the optimiser of the last step.
	LBFGS     *lbfgsState
	LBFGSLast LBFGSIteration
	LastStep  Optimizer
}

// state returns a copy of the trainer's state.
func (tr *Trainer) state() *trainerState {
	return &trainerState{X: slices.Clone(tr.x), Grad: slices.Clone(tr.grad), LastGood: slices.Clone(tr.lastGood),
		Best: slices.Clone(tr.best), BestLoss: tr.bestLoss, History: slices.Clone(tr.history), AdamSteps: tr.adamSteps,
		Fresh: tr.fresh, Moved: tr.moved, AdamIter: tr.adam.iter, AdamM: slices.Clone(tr.adam.m), AdamV: slices.Clone(tr.adam.v),
		LBFGS: tr.lbfgs.clone(), LBFGSLast: tr.lbfgsLast, LastStep: tr.lastStep}
}

// setState puts the trainer, which trains the network, problem and points
// st was taken of, where st says; st must have passed check.
func (tr *Trainer) setState(st *trainerState) {
	copy(tr.x, st.X)
	copy(tr.grad, st.Grad)
	copy(tr.lastGood, st.LastGood)
	copy(tr.best, st.Best)
	tr.bestLoss = st.BestLoss
	tr.history = slices.Clone(st.History)
	tr.adamSteps, tr.fresh, tr.moved = st.AdamSteps, st.Fresh, st.Moved
	tr.adam.iter, tr.adam.m, tr.adam.v = st.AdamIter, slices.Clone(st.AdamM), slices.Clone(st.AdamV)
	tr.lbfgs, tr.lbfgsLast, tr.lastStep = st.LBFGS.clone(), st.LBFGSLast, st.LastStep
}

// check reports what keeps st from being the state of a trainer of n
// parameters: vectors of other lengths, an empty loss history (a trainer
// is checkpointed after a step, which records a loss), counts that do not
// fit it, a dense inverse Hessian in the L-BFGS state. Only BFGS keeps
// one, and BFGS trains only a family's windows, which are not
// checkpointed: a checkpoint with one is crafted, and would silently turn
// the run's L-BFGS into BFGS.
func (st *trainerState) check(n int) error {
	for _, v := range []struct {
		name string
		x    []float64
	}{{"weights", st.X}, {"gradient", st.Grad}, {"last good weights", st.LastGood}, {"best weights", st.Best}} {
		if len(v.x) != n {
			return fmt.Errorf("the trainer's %s have %d numbers, the network %d parameters", v.name, len(v.x), n)
		}
	}
	if st.AdamM != nil || st.AdamV != nil || st.AdamIter != 0 {
		if len(st.AdamM) != n || len(st.AdamV) != n || st.AdamIter < 1 {
			return fmt.Errorf("Adam's state (step %d, moments of %d and %d numbers) does not fit %d parameters", st.AdamIter, len(st.AdamM), len(st.AdamV), n)
		}
	}
	switch {
	case len(st.History) == 0:
		return errors.New("the trainer's loss history is empty")
	case st.AdamSteps < 0 || st.AdamSteps >= len(st.History):
		return fmt.Errorf("%d Adam steps in a loss history of %d entries", st.AdamSteps, len(st.History))
	case st.LBFGS != nil && st.LBFGS.H != nil:
		return errors.New("the L-BFGS state has a dense inverse Hessian: BFGS runs are not checkpointed")
	case st.LBFGS != nil:
		return st.LBFGS.check(n)
	}
	return nil
}
