package graph

import (
	"context"
	"errors"
	"fmt"
	"math"
	"math/rand/v2"
	"time"

	"pinn/problems"
	"pinn/problems/expr"
)

// The defaults of MarchOptions' zero fields that the command line shows;
// see MarchOptions for the others.
const (
	DefaultGoal             = 1e-6
	DefaultWindowPoints     = 32
	DefaultWindowIterations = 1000
	DefaultMarchNetworks    = 2
)

// The defaults of a family's MarchOptions (see familymarch.go) where they
// differ from those of a problem of t alone.
const (
	DefaultFamilyGoal         = 1e-5
	DefaultFamilyWindows      = 4
	DefaultFamilyWindowPoints = 16
)

// DefaultFamilyParamPoints returns the default MarchOptions.ParamPoints
// of a family of the given number of range parameters: 32 values of one,
// 12 of each of two, 6 of each of more: with DefaultFamilyWindowPoints
// values of t, a window's grid then has 512, 2304 and (three range
// parameters) 3456 points.
func DefaultFamilyParamPoints(ranges int) int {
	switch ranges {
	case 1:
		return 32
	case 2:
		return 12
	}
	return 6
}

// DefaultFamilyHidden returns the hidden layer widths of a family's
// window networks when Config.Hidden is nil: 16, 16.
func DefaultFamilyHidden() []int { return []int{16, 16} }

// DefaultMarchHidden returns the hidden layer widths of each window's
// networks when Config.Hidden is nil and Fit marches: one layer of 16.
func DefaultMarchHidden() []int { return []int{16} }

// MarchOptions says how March trains; the zero value of each field means
// its default. Options.March holds them.
type MarchOptions struct {
	// Goal is the relative error the solution aims at; 0 means
	// DefaultGoal.
	Goal float64
	// Safety is the fraction of Goal a window's error estimate may reach;
	// 0 means 0.25.
	Safety float64
	// Points is the number of collocation points, a grid, per window; 0
	// means DefaultWindowPoints (a family's: the values of t on its grid,
	// 0 meaning DefaultFamilyWindowPoints).
	Points int
	// ParamPoints is, for a family, how many values of each range
	// parameter a window's grid has, in every combination with the
	// values of t; 0 means DefaultFamilyParamPoints.
	ParamPoints int
	// Windows is, for a family, the number of equal windows; 0 means
	// DefaultFamilyWindows. A problem of t alone sizes its windows as
	// the error estimate asks.
	Windows int
	// Iterations bounds L-BFGS on one network of a window; 0 means
	// DefaultWindowIterations.
	Iterations int
	// Stall stops L-BFGS on a network after this many iterations that did
	// not lower the loss by 1% in all; 0 means 200.
	Stall int
	// Networks is the most networks trained on one window: the first,
	// then corrections, each trained with those before it frozen to
	// remove what they leave (Wang and Lai, "Multi-stage neural networks:
	// function approximator of machine precision", J. Comput. Phys.
	// 2024); 0 means DefaultMarchNetworks.
	Networks int
	// CorrectionRatio: a window whose estimate exceeds its budget by at
	// most this factor gets a correction network (up to Networks); a
	// larger excess halves the window instead. 0 means 1000.
	CorrectionRatio float64
	// FirstWindow is the first window's length as a fraction of the
	// domain; 0 means 1 (the whole domain).
	FirstWindow float64
	// MinWindow is the shortest window tried, as a fraction of the domain;
	// 0 means 1e-4.
	MinWindow float64
	// Grow multiplies the next window's length after a window met its
	// budget at the first try; 0 means 2.
	Grow float64
	// CheckFactor is how many times denser than the collocation points
	// the points are that the error estimate reads the residual at; 0
	// means 4.
	CheckFactor int
	// NoOutputScale turns off what is otherwise done: multiplying the
	// first network's output by the size of the right-hand side at the
	// window's start, so that the network's output is of order one
	// whatever the solution's scale.
	NoOutputScale bool
	// FloorHalvings and FloorRatio: after FloorHalvings halvings at one
	// time, the best attempt there is accepted over its budget (and
	// flagged, Attempt.OverBudget) if its estimate exceeds the budget by
	// at most FloorRatio; 0 means 4 and 2.
	FloorHalvings int
	FloorRatio    float64
}

// familyDefaults returns o with the zero fields whose default differs for
// a family of the given number of range parameters replaced by the
// family's.
func (o MarchOptions) familyDefaults(ranges int) MarchOptions {
	if o.Goal == 0 {
		o.Goal = DefaultFamilyGoal
	}
	if o.Points == 0 {
		o.Points = DefaultFamilyWindowPoints
	}
	if o.ParamPoints == 0 {
		o.ParamPoints = DefaultFamilyParamPoints(ranges)
	}
	if o.Windows == 0 {
		o.Windows = DefaultFamilyWindows
	}
	return o
}

// withDefaults returns o with every zero field replaced by its default.
func (o MarchOptions) withDefaults() MarchOptions {
	def := func(x *float64, v float64) {
		if *x == 0 {
			*x = v
		}
	}
	defInt := func(x *int, v int) {
		if *x == 0 {
			*x = v
		}
	}
	def(&o.Goal, DefaultGoal)
	def(&o.Safety, 0.25)
	defInt(&o.Points, DefaultWindowPoints)
	defInt(&o.Iterations, DefaultWindowIterations)
	defInt(&o.Stall, 200)
	defInt(&o.Networks, DefaultMarchNetworks)
	def(&o.CorrectionRatio, 1000)
	def(&o.FirstWindow, 1)
	def(&o.MinWindow, 1e-4)
	def(&o.Grow, 2)
	defInt(&o.CheckFactor, 4)
	defInt(&o.FloorHalvings, 4)
	def(&o.FloorRatio, 2)
	return o
}

// check reports an option of o (with its defaults) out of range.
func (o MarchOptions) check() error {
	positive := func(x float64) bool { return x > 0 && !math.IsInf(x, 0) }
	switch {
	case !positive(o.Goal) || !positive(o.Safety):
		return fmt.Errorf("graph: march: goal %g and safety %g must be positive numbers", o.Goal, o.Safety)
	case o.ParamPoints < 0 || o.Windows < 0:
		return fmt.Errorf("graph: march: %d values per range parameter, %d windows", o.ParamPoints, o.Windows)
	case o.Points < 2 || o.Iterations < 1 || o.Stall < 1 || o.Networks < 1 || o.CheckFactor < 1 || o.FloorHalvings < 0:
		return fmt.Errorf("graph: march: %d points, %d iterations, %d stall, %d networks, check factor %d, %d floor halvings",
			o.Points, o.Iterations, o.Stall, o.Networks, o.CheckFactor, o.FloorHalvings)
	case !(o.FirstWindow > 0 && o.FirstWindow <= 1) || !(o.MinWindow > 0 && o.MinWindow <= o.FirstWindow):
		return fmt.Errorf("graph: march: first window %g and shortest window %g must be fractions of the domain, the first the longer", o.FirstWindow, o.MinWindow)
	case !(o.Grow >= 1) || !(o.FloorRatio >= 1) || !(o.CorrectionRatio >= 1) || math.IsInf(o.Grow, 0):
		return fmt.Errorf("graph: march: grow %g, floor ratio %g and correction ratio %g must be at least 1", o.Grow, o.FloorRatio, o.CorrectionRatio)
	}
	return nil
}

// Attempt records one window March trained, accepted or not.
type Attempt struct {
	T0, T1 float64
	// Estimate is the window's error estimate on the check points, Budget
	// the bound it had to meet.
	Estimate, Budget float64
	// Residual is the largest |residual| on the check points.
	Residual float64
	// Loss is the last network's final loss, Iterations the L-BFGS
	// iterations of all its networks, Networks how many were trained.
	Loss       float64
	Iterations int
	Networks   int
	Accepted   bool
	// OverBudget says the window was accepted above its budget: halving
	// it did not bring the estimate down (see MarchOptions.FloorHalvings).
	// Such an attempt is recorded twice: when it was tried, and as the
	// one kept (with no iterations of its own).
	OverBudget bool
}

// MarchRecord is how a marched solution was found.
type MarchRecord struct {
	// Attempts are the windows tried, in order.
	Attempts []Attempt
	// Reached is where the accepted windows end, End where the problem's
	// domain does: the same unless training stopped or failed on the way,
	// when the Model solves the problem on [T0, Reached] alone.
	Reached, End float64
}

// Iterations is the number of L-BFGS iterations of every attempt.
func (r *MarchRecord) Iterations() int {
	n := 0
	for _, a := range r.Attempts {
		n += a.Iterations
	}
	return n
}

// ErrWindowTooShort says March could not meet its error budget even on the
// shortest window it may try.
var ErrWindowTooShort = errors.New("graph: the error budget is not met even on the shortest window")

// stopFraction stops L-BFGS on a window's network once the loss guarantees
// an estimate below this fraction of the budget guessed before training:
// the budget itself is known only after, and the check is on denser
// points.
const stopFraction = 0.5

// marchTol is the relative drop in the loss L-BFGS must make within
// MarchOptions.Stall iterations to go on.
const marchTol = 0.01

// scales are the sizes of the solution seen so far, from which March sets
// each window's error budget.
type scales struct {
	y, dy float64 // largest |y_i| and |y_i'|
	// rate is the last accepted window's variation per unit time, from
	// which the next window's is guessed.
	rate float64
}

// scale is the size against which a window's error is measured when the
// solution barely moves on it: max |y| (first order) or max |y'| (second).
func (s scales) scale(order int) float64 {
	if order == 1 {
		return s.y
	}
	return s.dy
}

// observe widens the scales to cover a solution.
func (s *scales) observe(sol *problems.Solution) {
	for i := range sol.Y {
		s.y = math.Max(s.y, maxAbs(sol.Y[i]))
		s.dy = math.Max(s.dy, maxAbs(sol.DY[i]))
	}
}

// marcher is a March run under way: the accepted windows, where the next
// window starts and how long it is, the random source, what the run has
// recorded, and the attempt under way. A fresh run is the state fitMarch
// makes, a resumed one that state with a checkpoint's put in its place
// (restore); run advances either to the end, one L-BFGS iteration after
// another, so that the two are one loop.
type marcher struct {
	ctx      context.Context
	p        *problems.Problem
	cfg      Config // the architecture and executor of every window network
	opts     MarchOptions
	workers  int
	progress func(epoch int, loss float64) error
	trace    *tracer
	ck       *checkpointer
	src      *rand.PCG
	rng      *rand.Rand

	windows  []Window
	attempts []Attempt
	// loss holds the loss history of every network trained, one after
	// another, each from its initial loss on.
	loss []float64
	// t, y and dy are the next window's start and initial values, h its
	// length, sc the scales so far.
	t, h  float64
	y, dy []float64
	sc    scales
	// firstTry says the window at t has not been halved; halvings counts
	// its halvings and best is its attempt closest to its budget.
	firstTry bool
	halvings int
	best     *trained
	// iterations counts the L-BFGS iterations of the run: the epoch
	// numbers progress sees.
	iterations int
	// cur is the window attempt under way, nil between two.
	cur *attemptRun
	// seconds is the training time before this call of Fit (a resumed
	// run's), start when this call's began.
	seconds float64
	start   time.Time
	// stop is the error that stopped training, if any.
	stop error
}

// attemptRun is a window attempt under way: the window with the networks
// trained on it so far, its record and the scales widened to its solution
// so far, the output scale of the next network, and the trainer of the
// network in training (nil before that network is drawn).
type attemptRun struct {
	w        Window
	a        Attempt
	scales   scales
	outScale float64
	tr       *Trainer
}

// fitMarch is Fit for Method March: cfg and opts have their defaults.
func fitMarch(ctx context.Context, p *problems.Problem, cfg Config, opts Options) (*Result, error) {
	if len(p.Unknown) > 0 {
		return nil, errors.New("graph: marching cannot learn unknown parameters: they are shared by every window (use Method Whole)")
	}
	if err := opts.March.check(); err != nil {
		return nil, err
	}
	if err := supported(p); err != nil {
		return nil, err
	}
	trace, err := newTracer(opts)
	if err != nil {
		return nil, err
	}
	if p.IsFamily() {
		if err := CanMarch(p); err != nil {
			return nil, err
		}
		if trace.every > 0 {
			return nil, fmt.Errorf("graph: %s is a family: its training is not traced (TraceEvery)", p.Name)
		}
		if err := ctx.Err(); err != nil {
			return nil, fmt.Errorf("graph: training not started: %w", err)
		}
		return fitFamilyMarch(ctx, p, cfg, opts)
	}
	y0, dy0, err := initialState(p)
	if err != nil {
		return nil, err
	}
	if err := ctx.Err(); err != nil {
		return nil, fmt.Errorf("graph: training not started: %w", err)
	}
	m := newMarcher(ctx, p, cfg, opts, trace, y0, dy0)
	if opts.Resume != nil {
		if err := m.restore(opts.Resume.file.March); err != nil {
			return nil, err
		}
		trace.resume(opts.Resume.file.Trace)
	}
	m.start = time.Now()
	runErr := m.run()
	res := &Result{Config: cfg, Options: opts, Loss: m.loss, Seconds: m.elapsed(),
		March: &MarchRecord{Attempts: m.attempts, Reached: m.t, End: p.T1}}
	if runErr != nil && runErr != m.stop && !errors.Is(runErr, ErrWindowTooShort) {
		return nil, runErr
	}
	if len(m.windows) == 0 {
		return nil, fmt.Errorf("graph: no window accepted: %w", runErr)
	}
	if err := res.setMarched(p, m.t, m.windows, opts.ScoreValues); err != nil {
		return nil, err
	}
	return res, runErr
}

// setMarched sets the result's Model, the windows of p accepted up to
// reached (the solution covers them only), and scores it on p's grid of
// that part of the domain, values per range parameter of a family.
func (res *Result) setMarched(p *problems.Problem, reached float64, windows []Window, values int) error {
	solved := p
	if reached < p.T1 {
		d := p.Definition
		d.T1 = reached
		var err error
		if solved, err = problems.New(d); err != nil {
			return err
		}
	}
	var err error
	if res.Model, err = newPiecewise(solved, windows); err != nil {
		return err
	}
	return res.score(solved.Grid(p.Points), values)
}

// newMarcher returns a fresh March run of p with cfg and opts, which have
// their defaults, traced by trace: at the domain's start, where the state
// is y0 and dy0 (see initialState), with the first window's length.
func newMarcher(ctx context.Context, p *problems.Problem, cfg Config, opts Options, trace *tracer, y0, dy0 []float64) *marcher {
	src := newSource(opts.Seed)
	m := &marcher{ctx: ctx, p: p, cfg: cfg, opts: opts.March, workers: opts.Workers, progress: opts.Progress,
		trace: trace, ck: newCheckpointer(p, cfg, opts), src: src, rng: rand.New(src), t: p.T0, h: opts.March.FirstWindow * (p.T1 - p.T0),
		y: y0, dy: dy0, firstTry: true}
	m.sc = scales{y: maxAbs(m.y), dy: maxAbs(m.dy)}
	return m
}

// ErrCannotMarch is wrapped by the error for a problem March cannot solve:
// one whose conditions do not give the state at t0 value by value.
var ErrCannotMarch = errors.New("graph: marching needs the state at the start")

// CanMarch reports why March cannot solve p, or nil if it can: every
// window starts from the state (values and, for a second-order problem,
// slopes) where the one before ends, so the conditions must set each of
// them at t0, one by one, to an expression of the known parameters. A
// boundary-value problem, conditions at t0 that tie values together, and
// unknown parameters in an initial value need training on the whole
// domain (Method Whole).
func CanMarch(p *problems.Problem) error {
	if p.IsFamily() {
		// A family's initial values may name its range parameters: they
		// are worked out member by member (initialColumns).
		if _, _, ok := p.InitialValues(); !ok {
			return fmt.Errorf("%w: %s: a family's conditions must set each value at %s = %g by itself", ErrCannotMarch, p.Name, p.Indep, p.T0)
		}
		return nil
	}
	_, _, err := initialState(p)
	return err
}

// initialState returns the values and, for a second-order problem, the
// slopes at t0 that p's conditions set, for March to start from.
func initialState(p *problems.Problem) (y, dy []float64, err error) {
	ys, dys, ok := p.InitialValues()
	if !ok {
		what := "conditions at %s = %g that do not set each value by itself"
		if p.IsBoundaryValue() {
			what = "boundary conditions away from %s = %g"
		}
		return nil, nil, fmt.Errorf("%w: %s has "+what+" (use Method Whole)", ErrCannotMarch, p.Name, p.Indep, p.T0)
	}
	eval := func(es []expr.Expr) ([]float64, error) {
		var xs []float64
		for _, e := range es {
			x, err := expr.Eval(e, p.Params)
			if err == nil && (math.IsNaN(x) || math.IsInf(x, 0)) {
				err = fmt.Errorf("it is %g", x)
			}
			if err != nil {
				return nil, fmt.Errorf("%w: %s: initial value %s: %w", ErrCannotMarch, p.Name, e, err)
			}
			xs = append(xs, x)
		}
		return xs, nil
	}
	if y, err = eval(ys); err != nil {
		return nil, nil, err
	}
	dy, err = eval(dys)
	return y, dy, err
}

// run marches from m.t to the end of the domain: it trains a fresh network
// on a window [t, t + h] with hard initial conditions taken from the
// previous window's end, and accepts the window when the error its
// residual adds, estimated from the residual on points denser than the
// collocation points (errorEstimate), is within the window's budget
//
//	Safety x Goal x max(V, S h / (t1 - t0))
//
// where V is the variation of the window's solution (variation) and S the
// largest |y| (first order) or |y'| (second order) so far: the estimate is
// held to a small fraction of how much the solution moves on the window,
// and where it barely moves, to the window's share of the solution's size.
// Otherwise it halves h and tries again. A window accepted at the first try
// lets the next one grow by Grow.
func (m *marcher) run() error {
	p, o := m.p, m.opts
	span := p.T1 - p.T0
	for m.t < p.T1 {
		if m.cur == nil {
			if err := m.startAttempt(); err != nil {
				return err
			}
		}
		tw, err := m.trainWindow()
		if err != nil {
			return err
		}
		m.attempts = append(m.attempts, tw.attempt)
		if !tw.attempt.Accepted {
			// The best attempt is one that can be taken: a first network
			// that diverged leaves none (ratio +Inf), and a NaN ratio would
			// never give way to a better attempt.
			if len(tw.window.Networks) > 0 && !math.IsNaN(tw.ratio()) && (m.best == nil || tw.ratio() < m.best.ratio()) {
				m.best = &tw
			}
			// Halving a window stops helping once the network's residual is
			// at the optimiser's plateau rather than limited by the
			// window's length: then take the best attempt, over budget.
			if m.halvings < o.FloorHalvings || m.best == nil || !(m.best.ratio() <= o.FloorRatio) {
				m.h /= 2
				m.halvings++
				m.firstTry = false
				if m.h < o.MinWindow*span {
					return fmt.Errorf("%w: at %s = %g, estimate %.3g > %.3g on a window of %.3g", ErrWindowTooShort, p.Indep, m.t, tw.attempt.Estimate, tw.attempt.Budget, 2*m.h)
				}
				continue
			}
			tw = *m.best
			tw.attempt.Accepted, tw.attempt.OverBudget = true, true
			kept := tw.attempt
			kept.Iterations = 0 // its training is counted where it was tried
			m.attempts = append(m.attempts, kept)
		}
		if err := m.accept(tw); err != nil {
			return err
		}
	}
	return nil
}

// accept adds the trained window tw to the solution and moves on to the
// next window.
func (m *marcher) accept(tw trained) error {
	w := tw.window
	m.windows = append(m.windows, w)
	m.sc = tw.scales
	end, err := tw.piece.Predict([]float64{w.T1})
	if err != nil {
		return err
	}
	m.y = column(end.Y, 0)
	if m.p.Order == 2 {
		m.dy = column(end.DY, 0)
	}
	if m.firstTry {
		m.h *= m.opts.Grow
	}
	m.h = math.Min(m.h, m.p.T1-m.p.T0)
	if tw.attempt.OverBudget {
		m.h = w.T1 - w.T0
	}
	m.t, m.firstTry, m.best, m.halvings = w.T1, true, nil, 0
	return nil
}

// trained is a window trained by trainWindow, its model (on the window's
// problem), its attempt record and the scales widened to its solution.
type trained struct {
	window  Window
	piece   *Model
	attempt Attempt
	scales  scales
}

// ratio is how far the window's estimate exceeds its budget.
func (tw *trained) ratio() float64 { return tw.attempt.Estimate / tw.attempt.Budget }

// startAttempt starts the attempt of the window [t, t + h], stretched to
// the end of the domain when it would leave a sliver there: its first
// network's output is scaled by the size of the right-hand side at its
// start (see MarchOptions.NoOutputScale).
func (m *marcher) startAttempt() error {
	p := m.p
	end := m.t + m.h
	if end >= p.T1 || p.T1-end < 0.25*m.h {
		end = p.T1
	}
	w := Window{T0: m.t, T1: end, Y0: m.y, DY0: m.dy}
	outScale := 1.0
	if !m.opts.NoOutputScale {
		wp, err := w.problem(p)
		if err != nil {
			return err
		}
		f, err := rhsAtStart(wp)
		if err != nil {
			return err
		}
		if s := math.Max(maxAbs(f), m.sc.rate); s > 0 && !math.IsInf(s, 0) {
			outScale = s
		}
	}
	m.cur = &attemptRun{w: w, a: Attempt{T0: w.T0, T1: w.T1}, scales: m.sc, outScale: outScale}
	return nil
}

// trainWindow trains the networks of the attempt under way, from the one
// in training on, and checks their error estimate against the window's
// budget; the attempt is then over.
func (m *marcher) trainWindow() (trained, error) {
	p, o, sc, cur := m.p, m.opts, m.sc, m.cur
	w, a := &cur.w, &cur.a
	wp, err := w.problem(p)
	if err != nil {
		return trained{}, err
	}
	share := (w.T1 - w.T0) / (p.T1 - p.T0)
	check := wp.Grid(o.CheckFactor*(o.Points-1) + 1)
	dt := (w.T1 - w.T0) / float64(len(check)-1)
	for k := len(w.Networks) + 1; k <= o.Networks; k++ {
		if cur.tr == nil {
			net, err := NewNetwork(m.cfg.Architecture, len(p.Vars), m.rng)
			if err != nil {
				return trained{}, err
			}
			if cur.tr, err = m.windowTrainer(wp, net); err != nil {
				return trained{}, err
			}
		}
		// The budget needs the variation of the solution on the window,
		// known only after training: stop on a guess from the window's
		// start, and check on the trained solution.
		stop := stopFraction * o.Safety * o.Goal * math.Max(sc.y*share, (w.T1-w.T0)*sc.rate)
		trainedNet, iters, loss, err := m.fitWindow(wp, cur.tr, stop)
		cur.tr = nil
		if errors.Is(err, ErrDiverged) {
			// The trial solution's first loss is not finite (1/y where it
			// crosses zero): the window is too long for its start.
			if k == 1 {
				a.Estimate, a.Budget = math.Inf(1), 1
			}
			break
		}
		if err != nil {
			return trained{}, err
		}
		a.Iterations += iters
		a.Loss = loss
		w.Networks = append(w.Networks, ScaledNetwork{Scale: cur.outScale, Network: trainedNet})
		a.Networks = k
		piece, err := w.model(p)
		if err != nil {
			return trained{}, err
		}
		sol, err := piece.Predict(check)
		if err != nil {
			return trained{}, err
		}
		after := sc
		after.observe(sol)
		r, err := piece.Residuals(check)
		if err != nil {
			return trained{}, err
		}
		a.Residual = 0
		sumSq := 0.0
		for _, ri := range r {
			a.Residual = math.Max(a.Residual, maxAbs(ri))
			for _, v := range ri {
				sumSq += v * v
			}
		}
		a.Estimate = errorEstimate(r, dt, growthRate(sol, sc.y))
		a.Budget = o.Safety * o.Goal * math.Max(variation(sol, dt, p.Order), share*after.scale(p.Order))
		a.Accepted = a.Estimate <= a.Budget // false for NaN
		after.rate = variation(sol, dt, p.Order) / (w.T1 - w.T0)
		cur.scales = after
		// A correction removes what the optimiser's plateau leaves, not
		// what a window too long for the network leaves.
		if a.Accepted || !(a.Estimate <= o.CorrectionRatio*a.Budget) {
			break
		}
		// The next network corrects this one: its output is scaled to the
		// size of the residual it removes (Wang and Lai, 2024).
		cur.outScale = math.Sqrt(sumSq / float64(len(r)*len(check)))
	}
	m.cur = nil
	tw := trained{window: *w, attempt: *a, scales: cur.scales}
	if len(w.Networks) > 0 {
		if tw.piece, err = w.model(p); err != nil {
			return trained{}, err
		}
	}
	return tw, nil
}

// windowTrainer returns the trainer of net, the next network of the
// attempt under way, on its window problem wp: net sees the window mapped
// onto [-1, 1], inside the trial solution with the networks before it
// frozen under it.
func (m *marcher) windowTrainer(wp *problems.Problem, net *Network) (*Trainer, error) {
	cur := m.cur
	net.ScaleInput(cur.w.T0, cur.w.T1)
	cfg := Config{IC: HardIC, Executor: m.cfg.Executor, outputScale: cur.outScale, base: cur.w.Networks}
	return NewTrainer(wp, net, cfg, wp.Grid(m.opts.Points), Options{Workers: m.workers})
}

// fitWindow trains a window's network, whose trainer tr is on the window
// problem wp, with L-BFGS (from the start, or on with the run under way)
// until the loss is small enough to guarantee an error estimate below
// stop, L-BFGS stalls, or it reaches its iteration limit. It returns the
// trained network, the iterations and the final loss. A loss that is not
// finite at the initial weights is an error wrapping ErrDiverged.
func (m *marcher) fitWindow(wp *problems.Problem, tr *Trainer, stop float64) (*Network, int, float64, error) {
	// |int r| <= h rms(r): a loss below (stop / h)^2 meets stop whatever
	// the residual's signs. The rule has no stop on the gradient's size: a
	// correction network's loss, scaled by the residual it removes, has
	// tiny gradients from the start.
	rms := stop / (wp.T1 - wp.T0)
	rule := lbfgsStop{Tol: marchTol, Window: m.opts.Stall, Target: rms * rms}
	err := tr.lbfgsRun(m.opts.Iterations, rule, func(int, float64) error { return m.iterated(tr) })
	m.loss = append(m.loss, tr.history...)
	if err != nil {
		return nil, 0, 0, err
	}
	return tr.Network(), tr.Epochs(), tr.history[len(tr.history)-1], nil
}

// iterated is called after every L-BFGS iteration of the run, with the
// trainer that took it: it counts the iteration, traces it when due (the
// window being the attempt under way, the network the one tr trains on
// top of the frozen ones), calls the caller's progress and stops training
// when ctx is done or progress returns an error; it takes a checkpoint
// when one is due, and always when training stops.
func (m *marcher) iterated(tr *Trainer) error {
	m.iterations++
	if err := m.trace.at(tr, m.iterations, len(m.attempts)+1, len(tr.cfg.base)+1); err != nil {
		return err
	}
	loss := tr.history[len(tr.history)-1]
	stopped := func(how string, err error) {
		if m.stop == nil {
			m.stop = fmt.Errorf("graph: %s at iteration %d (%s = %g, %d windows accepted): %w", how, m.iterations, m.p.Indep, m.t, len(m.windows), err)
		}
	}
	if m.progress != nil {
		if err := m.progress(m.iterations, loss); err != nil {
			stopped("progress stopped training", err)
		}
	}
	if err := m.ctx.Err(); err != nil {
		stopped("training stopped", err)
	}
	if m.ck.due(m.stop != nil) {
		m.ck.take(&m.stop, stopped, m.iterations, m.trace.traced(), nil, m.state())
	}
	return m.stop
}

// elapsed is the run's training time so far.
func (m *marcher) elapsed() float64 { return m.seconds + time.Since(m.start).Seconds() }

// errorEstimate estimates the error a window's residual adds to the
// solution, from the residual r[i][k] of variable i sampled every dt from
// the window's start: max_t |int_t0^t exp(lambda (t - s)) r(s) ds|, largest
// over the variables. The error e of a first-order problem obeys
// e' = J e + r; where J amounts to a growth rate lambda >= 0 (see
// growthRate), e grows by that integral, which the residual's sign changes
// keep far below h max|r|. In a second-order problem it is the error of
// the slopes.
func errorEstimate(r [][]float64, dt, lambda float64) float64 {
	e := 0.0
	g := math.Exp(lambda * dt)
	for _, ri := range r {
		acc := 0.0
		for k := 1; k < len(ri); k++ {
			acc = g*acc + dt*(g*ri[k-1]+ri[k])/2
			e = math.Max(e, math.Abs(acc))
		}
	}
	return e
}

// growthRate is the rate lambda >= 0 at which the solution's size
// |y| = sqrt(sum_i y_i^2) grows over the window, ln(|y(t1)| / |y(t0)|) / h,
// with |y(t0)| floored at floor (the solution's size so far): the rate at
// which an error made early in the window grows by its end when the
// problem amplifies errors as it amplifies the solution (y' = 2y).
func growthRate(sol *problems.Solution, floor float64) float64 {
	size := func(k int) float64 {
		s := 0.0
		for _, yi := range sol.Y {
			s += yi[k] * yi[k]
		}
		return math.Sqrt(s)
	}
	n := len(sol.T) - 1
	start := math.Max(size(0), floor)
	if start == 0 || n < 1 {
		return 0
	}
	return math.Max(0, math.Log(size(n)/start)/(sol.T[n]-sol.T[0]))
}

// variation is the quantity the error estimate is measured against: the
// total variation over the window of y (first order) or y' (second order),
// int |D y| (D y = y', or y” taken as differences of y'), largest over
// the variables. Since D y = f + r with r small, this measures the
// residual against f: the defect control of collocation codes such as
// MATLAB's bvp4c, where the solution is the exact solution of a problem
// perturbed by a small fraction of its right-hand side.
func variation(sol *problems.Solution, dt float64, order int) float64 {
	v := 0.0
	for _, dy := range sol.DY {
		s := 0.0
		if order == 1 {
			for k := 1; k < len(dy); k++ {
				s += dt * (math.Abs(dy[k-1]) + math.Abs(dy[k])) / 2
			}
		} else {
			for k := 1; k < len(dy); k++ {
				s += math.Abs(dy[k] - dy[k-1])
			}
		}
		v = math.Max(v, s)
	}
	return v
}

// rhsAtStart returns the right-hand side f at the window problem's start,
// where the trial solution meets the initial conditions whatever the
// network: with a network that outputs zero, y (and y') there are the
// initial values and D y is 0, so the residual D y - f is -f.
func rhsAtStart(wp *problems.Problem) ([]float64, error) {
	net, err := NewNetwork(Architecture{Hidden: []int{1}}, len(wp.Vars), NewRand(0))
	if err != nil {
		return nil, err
	}
	for _, w := range net.Weights {
		clear(w)
	}
	r, err := newModel(wp, HardIC, net, nil).Residuals([]float64{wp.T0})
	if err != nil {
		return nil, err
	}
	f := make([]float64, len(r))
	for i := range r {
		f[i] = -r[i][0]
	}
	return f, nil
}

// maxAbs returns max |x_k| (NaN if any is NaN).
func maxAbs(x []float64) float64 {
	m := 0.0
	for _, v := range x {
		if math.IsNaN(v) {
			return math.NaN()
		}
		m = math.Max(m, math.Abs(v))
	}
	return m
}

// column returns x[i][k] for every i.
func column(x [][]float64, k int) []float64 {
	c := make([]float64, len(x))
	for i := range x {
		c[i] = x[i][k]
	}
	return c
}
