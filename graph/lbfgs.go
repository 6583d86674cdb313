package graph

import (
	"encoding/gob"
	"errors"
	"fmt"
	"io"
	"math"
	"slices"

	"gonum.org/v1/gonum/floats"
	"gonum.org/v1/gonum/optimize"

	"pinn/graph/internal/f64"
)

// The settings of L-BFGS, gonum's defaults (optimize.LBFGS, and the
// iterations of optimize.FunctionConverge's window that the trainer has
// always used).
const (
	// lbfgsStore is the number of (s, y) pairs kept.
	lbfgsStore = 15
	// lbfgsWindow is how many iterations the loss may go without a
	// relative drop of more than the tolerance before L-BFGS stops.
	lbfgsWindow = 100
	// maxDense is the most parameters BFGS keeps a dense inverse Hessian
	// for (8 maxDense^2 bytes, 32 MiB); above it bfgsRun is L-BFGS.
	maxDense = 2048
	// maxLineEvaluations is the most evaluations one line search makes
	// before L-BFGS takes it as failed: it needs 1.22 on average and 5 at
	// most in BenchmarkLBFGS's 1000 iterations, but where the loss is down
	// to the noise of its rounding, at the end of a long run, a search may
	// creep along steps that hardly change until it reaches the cap.
	maxLineEvaluations = 40
	// lineMaxStep is the largest step the line search tries, More and
	// Thuente's default (gonum's optimize.MoreThuente.MaximumStep).
	lineMaxStep = 1e20
	// lineDecrease and lineCurvature are the line search's constants of
	// sufficient decrease and curvature, Nocedal and Wright's for
	// quasi-Newton methods.
	lineDecrease, lineCurvature = 1e-4, 0.9
)

// lineSearch is L-BFGS's line search, an optimize.Linesearcher: More and
// Thuente's (gonum's optimize.MoreThuente), which seeks a step meeting the
// strong Wolfe conditions, except that a step meeting the weak ones (the
// loss lowered by at least lineDecrease of the first slope's promise, the
// slope risen to at least lineCurvature of the first) is taken at once.
// That is all BFGS needs for s.y > 0 (Nocedal and Wright, Numerical
// Optimization, 2nd ed., section 6.1), and it keeps the full steps that
// overshoot the minimum along the line, which the strong conditions
// refuse (see LBFGS for what that saves).
type lineSearch struct {
	optimize.MoreThuente
	f0, slope0, step float64
}

// Init starts a search from a loss f and slope g at step 0, trying step
// first.
func (l *lineSearch) Init(f, g, step float64) optimize.Operation {
	l.f0, l.slope0, l.step = f, g, step
	l.MoreThuente = optimize.MoreThuente{DecreaseFactor: lineDecrease, CurvatureFactor: lineCurvature}
	return l.MoreThuente.Init(f, g, step)
}

// Iterate takes the loss f and slope g at the step tried last, and
// returns MajorIteration to accept it, or the next step to try.
func (l *lineSearch) Iterate(f, g float64) (optimize.Operation, float64, error) {
	if f <= l.f0+lineDecrease*l.step*l.slope0 && g >= lineCurvature*l.slope0 {
		return optimize.MajorIteration, l.step, nil
	}
	op, step, err := l.MoreThuente.Iterate(f, g)
	l.step = step
	return op, step, err
}

// LBFGSIteration describes one L-BFGS iteration.
type LBFGSIteration struct {
	// Step is the step length the line search accepted along the search
	// direction: 1 is the full quasi-Newton step; in a run's first
	// iteration the direction is the negative gradient and the trial step
	// 1/|gradient|.
	Step float64
	// Evaluations is how many times the line search evaluated the loss and
	// its gradient.
	Evaluations int
}

// LastLBFGSIteration returns the last L-BFGS iteration's step and
// evaluations (the zero value before any), for a caller tracing training
// from its progress function.
func (tr *Trainer) LastLBFGSIteration() LBFGSIteration { return tr.lbfgsLast }

// LBFGS minimises the loss with the limited-memory BFGS method from the
// current weights, for at most iterations iterations. It is gonum's
// optimize.LBFGS (the two-loop recursion over the last 15 steps, the first
// step of length 1/|gradient| along the negative gradient, then the
// quasi-Newton step of length 1) with the line search lineSearch (More and
// Thuente's, taking steps that meet the weak Wolfe conditions), run on the
// calling goroutine with its state in the trainer so that a run can be
// saved and continued. On forum-final it makes 1.22 evaluations of the
// loss and gradient per iteration (gonum's default line search made
// 1.54), and an iteration takes 1.47 times one evaluation
// (BenchmarkLBFGS).
//
// It stops early when the loss has not dropped by more than tol relative
// to its size over 100 iterations, as optimize.FunctionConverge does, when
// the gradient is exactly zero, or when the line search can make no more
// progress (convergence at round-off). After each iteration it records the
// loss (Loss continues where Adam stopped) and calls progress; an error
// from progress stops L-BFGS after that iteration, with the trainer at its
// weights, and is returned as it is; calling LBFGS again then continues
// the run, up to iterations in all. The trainer ends at the best weights
// L-BFGS found. A loss that is not finite at a point the line search tries
// tells it that the point is bad, and it steps back.
func (tr *Trainer) LBFGS(iterations int, tol float64, progress func(epoch int, loss float64) error) error {
	return tr.lbfgsRun(iterations, lbfgsStop{Tol: tol, Window: lbfgsWindow}, progress)
}

// lbfgsStop says when an L-BFGS run stops before its iteration limit.
type lbfgsStop struct {
	// Tol and Window: the loss has not dropped by more than Tol relative
	// to its size over Window iterations (optimize.FunctionConverge).
	Tol    float64
	Window int
	// Target, if positive: the loss is at or below it (at the start, too).
	Target float64
}

// lbfgsRun is LBFGS with the stopping rule stop.
func (tr *Trainer) lbfgsRun(iterations int, stop lbfgsStop, progress func(epoch int, loss float64) error) error {
	return tr.quasiNewton(iterations, stop, false, progress)
}

// bfgsRun is lbfgsRun with the full BFGS method: a dense approximation of
// the inverse Hessian, updated with every step (Nocedal and Wright,
// Numerical Optimization, 2nd ed., (6.17)), in place of the last 15 steps'
// (for networks of at most maxDense parameters). On the small networks of
// a family's windows it reaches losses several times lower than L-BFGS in
// as many iterations, as Urban, Stefanou and Pons ("Unveiling the
// optimization process of physics informed neural networks", 2024) found
// for PINNs; see the README's Families of solutions.
func (tr *Trainer) bfgsRun(iterations int, stop lbfgsStop, progress func(epoch int, loss float64) error) error {
	return tr.quasiNewton(iterations, stop, len(tr.x) <= maxDense, progress)
}

// quasiNewton runs L-BFGS, or BFGS when dense is set, from the current
// weights (see LBFGS); a run under way, stopped by progress, goes on.
func (tr *Trainer) quasiNewton(iterations int, stop lbfgsStop, dense bool, progress func(epoch int, loss float64) error) error {
	if iterations <= 0 {
		return nil
	}
	if tr.lbfgs == nil {
		if err := tr.evaluate(); err != nil {
			return err
		}
		for i, v := range tr.grad {
			if math.IsNaN(v) || math.IsInf(v, 0) {
				return fmt.Errorf("graph: L-BFGS: the gradient's element %d is %g at the start", i, v)
			}
		}
		tr.lbfgs = newLBFGS(tr.x, tr.grad, tr.history[len(tr.history)-1], dense)
		tr.lbfgs.Converged = stop.Target > 0 && tr.lbfgs.F <= stop.Target
	}
	s := tr.lbfgs
	tr.history = slices.Grow(tr.history, max(iterations-s.Iterations, 0))
	record := func() error {
		tr.history = append(tr.history, s.F)
		if s.F < tr.bestLoss {
			tr.bestLoss = s.F
			copy(tr.best, s.X)
		}
		tr.lbfgsLast = LBFGSIteration{Step: s.Step, Evaluations: s.Evaluations}
		tr.lastStep = LBFGS
		if progress != nil {
			return progress(tr.Epochs(), s.F)
		}
		return nil
	}
	stopped, err := s.run(iterations, stop, tr.lg.exec.run, tr.x, tr.grad, record)
	// The trainer is at the last iterate, the lowest loss of the run (each
	// iteration lowers it), with its gradient.
	copy(tr.x, s.X)
	copy(tr.grad, s.G)
	tr.fresh = true
	switch {
	case stopped:
		return err // the run can go on
	case err != nil:
		err = fmt.Errorf("graph: L-BFGS: %w", err)
	}
	tr.lbfgs = nil
	return err
}

// lbfgsState is an L-BFGS run between two iterations: everything the next
// iteration needs, in exported fields so that it can be saved and restored
// exactly (saveLBFGS, loadLBFGS).
type lbfgsState struct {
	// X is the point of the last iteration, F the loss and G its gradient
	// there.
	X, G []float64
	F    float64
	// S and Y are a ring of the last steps x_{k+1} - x_k and the
	// gradient changes g_{k+1} - g_k, Rho[i] = 1 / (S[i] . Y[i]). Len
	// pairs are kept; Oldest is where the next pair goes, so that the
	// newest is at Oldest-1. Gamma = s.y / y.y of the newest pair scales
	// the initial inverse Hessian.
	S, Y        [][]float64
	Rho         []float64
	Oldest, Len int
	Gamma       float64
	// H, for BFGS, is the dense approximation of the inverse Hessian,
	// row-major; nil for L-BFGS. BFGS keeps one (s, y) pair, the last.
	H []float64
	// Iterations is how many iterations the run has taken.
	Iterations int
	// Best is the loss the converger compares with and Stalled how many
	// iterations have not lowered it enough (optimize.FunctionConverge's
	// best and iter).
	Best    float64
	Stalled int
	// Converged says the run has met a stopping rule: a run stopped by
	// its record function at that iteration goes no further.
	Converged bool
	// Step and Evaluations describe the last iteration (LBFGSIteration).
	Step        float64
	Evaluations int

	// dir is the search direction and alpha the two-loop recursion's
	// coefficients: scratch, not state.
	dir, alpha []float64
}

// newLBFGS starts a run at x, where the loss is f and its gradient g: of
// BFGS when dense is set, else of L-BFGS.
func newLBFGS(x, g []float64, f float64, dense bool) *lbfgsState {
	s := &lbfgsState{X: slices.Clone(x), G: slices.Clone(g), F: f, Best: f, Step: math.NaN()}
	store := lbfgsStore
	if dense {
		store = 1
		s.H = make([]float64, len(x)*len(x))
	}
	s.S, s.Y = make([][]float64, store), make([][]float64, store)
	for i := range store {
		s.S[i], s.Y[i] = make([]float64, len(x)), make([]float64, len(x))
	}
	s.Rho = make([]float64, store)
	s.scratch()
	return s
}

// scratch allocates the buffers an iteration works in.
func (s *lbfgsState) scratch() {
	s.dir, s.alpha = make([]float64, len(s.X)), make([]float64, len(s.S))
	if s.H != nil {
		s.alpha = make([]float64, len(s.X)) // H y in updateDense
	}
}

// run takes iterations until the run has taken iterations in all or has
// converged, calling record after each. On return s holds the last
// iterate; x and grad, where eval evaluates the loss and its gradient, are
// scratch. An error from eval ends the run; one from record stops it
// (stopped is true), and run can be called again to go on.
func (s *lbfgsState) run(iterations int, stop lbfgsStop, eval func(x, grad []float64) (float64, error), x, grad []float64, record func() error) (stopped bool, err error) {
	for s.Iterations < iterations && !s.Converged {
		moved, err := s.iterate(eval, x, grad)
		if err != nil || !moved {
			return false, err
		}
		s.Converged = s.converges(stop)
		if err := record(); err != nil {
			return true, err
		}
	}
	return false, nil
}

// converges applies the stopping rule to the iterate just taken: stop's
// target, optimize.FunctionConverge's rule (relative tolerance stop.Tol
// over stop.Window iterations), and an exactly zero gradient.
func (s *lbfgsState) converges(stop lbfgsStop) bool {
	if !slices.ContainsFunc(s.G, func(v float64) bool { return v != 0 }) {
		return true
	}
	if stop.Target > 0 && s.F <= stop.Target {
		return true
	}
	if s.F < s.Best && s.Best-s.F > stop.Tol*math.Max(math.Abs(s.F), math.Abs(s.Best)) {
		s.Best, s.Stalled = s.F, 0
		return false
	}
	s.Stalled++
	return s.Stalled >= stop.Window
}

// iterate takes one iteration: a search direction, a line search along it
// and the update of the history. It reports false when the line search
// could make no more progress (the step is lost in round-off, the
// direction is not one of descent, or the line search failed), which
// leaves s as it was.
func (s *lbfgsState) iterate(eval func(x, grad []float64) (float64, error), x, grad []float64) (moved bool, err error) {
	step := s.direction()
	slope0 := f64.Dot(s.G, s.dir)
	if !(slope0 < 0) {
		return false, nil
	}
	// A first step 1/|g| beyond More and Thuente's largest (|g| below
	// 1e-20) would be clamped inside the search but not here, and one of
	// 0 (|g| overflowing) would make it panic.
	step = min(step, lineMaxStep)
	if !(step > 0) {
		return false, nil
	}
	// The line search asks for the loss and the slope at each trial step;
	// it assumes both are finite, so a bad point (a loss or slope that is
	// not) restarts it at half the step. The steps it asks for itself are
	// never below 0, and one of 0 is lost in round-off below.
	var line lineSearch
	line.Init(s.F, slope0, step)
	var f float64
	for s.Evaluations = 0; ; {
		if s.Evaluations == maxLineEvaluations {
			return false, nil
		}
		copy(x, s.X)
		f64.Axpy(x, s.dir, step)
		if floats.Equal(s.X, x) {
			return false, nil
		}
		if f, err = eval(x, grad); err != nil {
			return false, err
		}
		s.Evaluations++
		slope := f64.Dot(grad, s.dir)
		if math.IsNaN(f) || math.IsInf(f, 0) || math.IsNaN(slope) || math.IsInf(slope, 0) {
			if step /= 2; !(step > 0) {
				return false, nil
			}
			line.Init(s.F, slope0, step)
			continue
		}
		op, next, err := line.Iterate(f, slope)
		if err != nil {
			return false, nil
		}
		if op == optimize.MajorIteration {
			break
		}
		step = next
	}
	// The line search accepts the point it evaluated last, x.
	s.Step = step
	s.update(x, grad, f)
	return true, nil
}

// direction sets s.dir to the search direction at s.X and returns the
// first step to try along it, as gonum's LBFGS does: the negative gradient
// and 1/|g| at first, then the two-loop recursion (Nocedal and Wright,
// Numerical Optimization, 2nd ed., algorithm 7.4) and 1.
func (s *lbfgsState) direction() float64 {
	copy(s.dir, s.G)
	if s.Len == 0 {
		f64.NegTo(s.dir, s.dir)
		return 1 / floats.Norm(s.dir, 2)
	}
	if s.H != nil {
		n := len(s.G)
		for i := range n {
			s.dir[i] = -f64.Dot(s.H[i*n:(i+1)*n], s.G)
		}
		return 1
	}
	// The two loops, each update of the direction fused with the product
	// the next step needs (f64.AxpyDot), pair newest(i) being the i-th
	// newest.
	m := len(s.S)
	newest := func(i int) int { return (s.Oldest - 1 - i + m) % m }
	sq := f64.Dot(s.S[newest(0)], s.dir)
	for i := range s.Len { // newest first
		k := newest(i)
		s.alpha[k] = s.Rho[k] * sq
		if i+1 < s.Len {
			sq = f64.AxpyDot(s.dir, s.Y[k], -s.alpha[k], s.S[newest(i+1)])
		} else {
			f64.Axpy(s.dir, s.Y[k], -s.alpha[k])
		}
	}
	f64.ScaleTo(s.dir, s.dir, s.Gamma)
	yr := f64.Dot(s.Y[newest(s.Len-1)], s.dir)
	for i := s.Len - 1; i >= 0; i-- { // oldest first
		k := newest(i)
		if step := s.alpha[k] - s.Rho[k]*yr; i > 0 {
			yr = f64.AxpyDot(s.dir, s.S[k], step, s.Y[newest(i-1)])
		} else {
			f64.Axpy(s.dir, s.S[k], step)
		}
	}
	f64.NegTo(s.dir, s.dir)
	return 1
}

// update moves s to the accepted point x, where the loss is f and its
// gradient g, and adds the pair of that step to the history.
func (s *lbfgsState) update(x, g []float64, f float64) {
	k := s.Oldest
	f64.SubTo(s.Y[k], g, s.G)
	f64.SubTo(s.S[k], x, s.X)
	sy := f64.Dot(s.S[k], s.Y[k])
	s.Rho[k] = 1 / sy
	s.Gamma = sy / f64.Dot(s.Y[k], s.Y[k])
	s.Oldest = (k + 1) % len(s.S)
	switch {
	case s.H == nil:
		s.Len = min(s.Len+1, len(s.S))
	case sy > 0:
		// BFGS skips a pair of s.y <= 0, which would make H indefinite:
		// Len counts the pairs H is made of, so that H is started at the
		// first pair it takes and the steepest descent is taken until then.
		s.updateDense(s.S[k], s.Y[k], s.Len == 0)
		s.Len = 1
	}
	copy(s.X, x)
	copy(s.G, g)
	s.F = f
	s.Iterations++
}

// updateDense updates the inverse Hessian H with the step st and the
// gradient change yt, whose product is positive:
//
//	H <- (I - rho s y^T) H (I - rho y s^T) + rho s s^T,  rho = 1 / (s.y)
//	   = H - rho (H y s^T + s y^T H) + (rho^2 y^T H y + rho) s s^T
//
// (H is symmetric), first setting H to Gamma I at the first step, as
// Nocedal and Wright (6.20) advise.
func (s *lbfgsState) updateDense(st, yt []float64, first bool) {
	n := len(st)
	if first {
		clear(s.H)
		for i := range n {
			s.H[i*n+i] = s.Gamma
		}
	}
	hy := s.alpha
	for i := range n {
		hy[i] = f64.Dot(s.H[i*n:(i+1)*n], yt)
	}
	rho := 1 / f64.Dot(st, yt)
	c := rho*rho*f64.Dot(yt, hy) + rho
	for i := range n {
		row := s.H[i*n : (i+1)*n]
		f64.Axpy(row, st, c*st[i]-rho*hy[i])
		f64.Axpy(row, hy, -rho*st[i])
	}
}

// check reports what keeps s from being an L-BFGS run on n parameters that
// run can continue: vectors of other lengths, a ring whose positions are
// out of range, counts below zero.
func (s *lbfgsState) check(n int) error {
	ok := len(s.X) == n && len(s.G) == n && len(s.S) == len(s.Y) && len(s.S) == len(s.Rho) && len(s.S) > 0 &&
		0 <= s.Len && s.Len <= len(s.S) && 0 <= s.Oldest && s.Oldest < len(s.S) && s.Iterations >= 0 && s.Stalled >= 0
	for i := range s.S {
		ok = ok && len(s.S[i]) == n && len(s.Y[i]) == n
	}
	ok = ok && (s.H == nil || len(s.H) == n*n)
	if !ok {
		return fmt.Errorf("graph: the L-BFGS state does not fit a network of %d parameters", n)
	}
	return nil
}

// clone returns a deep copy of s, ready to run; nil for nil.
func (s *lbfgsState) clone() *lbfgsState {
	if s == nil {
		return nil
	}
	c := *s
	c.X, c.G, c.Rho, c.H = slices.Clone(s.X), slices.Clone(s.G), slices.Clone(s.Rho), slices.Clone(s.H)
	c.S, c.Y = make([][]float64, len(s.S)), make([][]float64, len(s.Y))
	for i := range s.S {
		c.S[i], c.Y[i] = slices.Clone(s.S[i]), slices.Clone(s.Y[i])
	}
	c.scratch()
	return &c
}

// saveLBFGS writes the trainer's L-BFGS run, if one is under way (stopped
// by its progress function), so that loadLBFGS continues it exactly.
func (tr *Trainer) saveLBFGS(w io.Writer) error {
	if tr.lbfgs == nil {
		return errors.New("graph: no L-BFGS run is under way")
	}
	return gob.NewEncoder(w).Encode(tr.lbfgs)
}

// loadLBFGS reads an L-BFGS run written by saveLBFGS into the trainer,
// whose weights must be the run's; the next call of LBFGS continues it.
func (tr *Trainer) loadLBFGS(r io.Reader) error {
	var s lbfgsState
	if err := gob.NewDecoder(r).Decode(&s); err != nil {
		return fmt.Errorf("graph: reading the L-BFGS state: %w", err)
	}
	if err := s.check(len(tr.x)); err != nil {
		return err
	}
	if !slices.Equal(s.X, tr.x) {
		return errors.New("graph: the L-BFGS state is of other weights than the trainer's")
	}
	s.scratch()
	tr.lbfgs = &s
	return nil
}
