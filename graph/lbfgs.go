package graph

import (
	"errors"
	"fmt"
	"math"
	"slices"

	"gonum.org/v1/gonum/optimize"
)

// LBFGS minimises the loss with gonum's limited-memory BFGS from the current
// weights, for at most iterations major iterations. It stops early when the
// loss has not dropped by more than tol relative to its size over 100
// iterations, or when the gradient vanishes. After each iteration it
// records the loss (Loss continues where Adam stopped) and calls progress;
// an error from progress stops L-BFGS after that iteration and is returned
// as it is. The trainer ends at the best weights found.
func (tr *Trainer) LBFGS(iterations int, tol float64, progress func(epoch int, loss float64) error) error {
	if iterations <= 0 {
		return nil
	}
	if err := tr.evaluate(); err != nil {
		return err
	}
	// gonum asks for the loss and the gradient at a point separately; one
	// graph run gives both, so keep the last point's.
	var lastX, lastGrad []float64
	lastF := math.NaN()
	var runErr, stopErr error
	eval := func(x []float64) {
		if slices.Equal(x, lastX) {
			return
		}
		tr.SetParameters(x)
		f, g, err := tr.LossAndGradient()
		if err != nil {
			runErr = err
			f = math.NaN()
		}
		if math.IsNaN(f) || math.IsInf(f, 0) {
			// Tell the line search this point is bad, so it steps back.
			f = math.Inf(1)
			for i := range g {
				g[i] = 0
			}
		}
		lastX, lastF, lastGrad = slices.Clone(x), f, g
	}
	problem := optimize.Problem{
		Func: func(x []float64) float64 { eval(x); return lastF },
		Grad: func(grad, x []float64) { eval(x); copy(grad, lastGrad) },
	}
	settings := &optimize.Settings{
		MajorIterations:   iterations,
		GradientThreshold: 1e-300, // stop only when the gradient is exactly zero
		Converger:         &optimize.FunctionConverge{Relative: tol, Iterations: 100},
		Recorder: recorder(func(loc *optimize.Location) error {
			tr.history = append(tr.history, loc.F)
			if loc.F < tr.bestLoss {
				tr.bestLoss = loc.F
				copy(tr.best, loc.X)
			}
			if progress != nil {
				stopErr = progress(tr.Epochs(), loc.F)
			}
			return stopErr
		}),
	}
	x0 := tr.Parameters()
	result, err := optimize.Minimize(problem, x0, settings, &optimize.LBFGS{})
	if runErr != nil {
		return runErr
	}
	best := x0
	if result != nil && result.F <= tr.history[len(tr.history)-1] {
		best = result.X
	}
	tr.SetParameters(best)
	if err := tr.refresh(); err != nil {
		return err
	}
	if stopErr != nil {
		return stopErr
	}
	if errors.As(err, new(optimize.ErrFunc)) || errors.As(err, new(optimize.ErrGrad)) {
		return fmt.Errorf("graph: L-BFGS: %w", err)
	}
	// Other errors (a line search that can make no more progress) mean the
	// optimiser has stalled at round-off: the best point is the answer.
	return nil
}

// refresh reruns the graph at the current weights so that the trainer's
// gradient is theirs; the loss history is left alone.
func (tr *Trainer) refresh() error {
	_, err := tr.lg.exec.run(tr.x, tr.grad)
	tr.fresh = err == nil
	return err
}

// recorder is an optimize.Recorder calling its function with the location
// of each major iteration; an error from it stops the optimisation.
type recorder func(loc *optimize.Location) error

func (recorder) Init() error { return nil }

func (r recorder) Record(loc *optimize.Location, op optimize.Operation, _ *optimize.Stats) error {
	if op&optimize.MajorIteration != 0 {
		return r(loc)
	}
	return nil
}
