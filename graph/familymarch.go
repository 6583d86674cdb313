package graph

import (
	"context"
	"errors"
	"fmt"
	"math"
	"time"

	"pinn/problems"
)

// A family (a problem with range parameters) marches in t too, with its
// own rules, chosen by measurement (README, Families of solutions):
//
//   - the domain is cut into MarchOptions.Windows equal windows, trained
//     in turn; each window's networks take t and the range parameters,
//     and its trial solution starts, for each member, where the window
//     before ends for that member (the first window, at the problem's
//     conditions): the collocation points carry those initial values
//     (Config.startAt);
//   - the collocation points are a product grid of the window and the
//     ranges: MarchOptions.Points values of t, ParamPoints of each range
//     parameter;
//   - every window trains MarchOptions.Networks networks (the first, then
//     corrections on top, as a problem of t alone may) with BFGS
//     (bfgsRun), each until its loss meets a target set by the goal, it
//     stalls or it reaches MarchOptions.Iterations;
//   - each window's error estimate and budget are those of a problem of t
//     alone (errorEstimate), taken member by member at check members
//     between and on the trained ones, and recorded, the worst member's,
//     in its Attempt; they do not decide the windows.
//
// Sizing the windows from the estimate, as a problem of t alone does, was
// tried and dropped: on a short window the residual stays at the level to
// which the network fits the initial values' dependence on the
// parameters, so halving does not bring the estimate under the budget,
// and the many short windows it leaves add up to larger errors than four
// longer ones (y'' = -k y: rel_l2 2.4e-3 against 9e-6).

// familyChecks is a marched family's check members and what the march has
// seen of each.
type familyChecks struct {
	// members are the check members as columns of range parameter values
	// (RangeNames order), and scales the sizes of each one's solution so
	// far.
	members [][]float64
	scales  []scales
}

// maxCheckMembers bounds how many members a family's windows are checked
// at.
const maxCheckMembers = 1024

// newFamilyChecks returns the check members of the family p, whose
// windows' grids have side values of each range parameter: those values
// and the midpoints between them (fewer when that would make more than
// maxCheckMembers), with the scales of their initial values.
func newFamilyChecks(p *problems.Problem, side int) (*familyChecks, error) {
	r := len(p.Ranges)
	n := 2*side - 1
	for n > 2 && math.Pow(float64(n), float64(r)) > maxCheckMembers {
		n--
	}
	fc := &familyChecks{members: p.MemberColumns(n)}
	starts, err := initialColumns(p, fc.members)
	if err != nil {
		return nil, err
	}
	fc.scales = make([]scales, len(fc.members[0]))
	v := len(p.Vars)
	for q := range fc.scales {
		for i, c := range starts {
			if i < v {
				fc.scales[q].y = math.Max(fc.scales[q].y, math.Abs(c[q]))
			} else {
				fc.scales[q].dy = math.Max(fc.scales[q].dy, math.Abs(c[q]))
			}
		}
	}
	return fc, nil
}

// windowPoints returns the points of the window [t0, t1] for the members
// (columns of range parameter values) at the times ts, member by member
// (each member's times together), with the members' initial values at t0
// (starts, columns, one value per member) as the further columns
// Config.startAt asks for.
func windowPoints(ts []float64, members, starts [][]float64) [][]float64 {
	nm := len(members[0])
	cols := make([][]float64, 1+len(members)+len(starts))
	for j := range cols {
		cols[j] = make([]float64, 0, nm*len(ts))
	}
	for q := range nm {
		for _, t := range ts {
			cols[0] = append(cols[0], t)
			for j, c := range members {
				cols[1+j] = append(cols[1+j], c[q])
			}
			for j, c := range starts {
				cols[1+len(members)+j] = append(cols[1+len(members)+j], c[q])
			}
		}
	}
	return cols
}

// fitFamilyMarch is fitMarch for a family: opts.March has the family's
// defaults.
func fitFamilyMarch(ctx context.Context, p *problems.Problem, cfg Config, opts Options) (*Result, error) {
	o := opts.March
	if o.ParamPoints < 2 {
		return nil, fmt.Errorf("graph: march: a family's windows need at least 2 values of each range parameter, not %d", o.ParamPoints)
	}
	fc, err := newFamilyChecks(p, o.ParamPoints)
	if err != nil {
		return nil, err
	}
	m := &marcher{ctx: ctx, p: p, cfg: cfg, opts: o, workers: opts.Workers, progress: opts.Progress, rng: NewRand(opts.Seed), t: p.T0}
	start := time.Now()
	var runErr error
	for i := range o.Windows {
		f := func(i int) float64 { return p.T0 + (p.T1-p.T0)*float64(i)/float64(o.Windows) }
		w := Window{T0: f(i), T1: f(i + 1)}
		if i+1 == o.Windows {
			w.T1 = p.T1
		}
		var tw familyWindow
		if tw, runErr = m.trainFamilyWindow(w, fc); runErr != nil {
			if errors.Is(runErr, ErrDiverged) {
				// Keep the windows before, as a run stopped does.
				runErr = fmt.Errorf("graph: the window [%g, %g] diverged after iteration %d (%d windows accepted, the solution kept up to %s = %g): %w",
					w.T0, w.T1, m.iterations, len(m.windows), p.Indep, m.t, runErr)
			}
			break
		}
		m.attempts = append(m.attempts, tw.attempt)
		m.windows = append(m.windows, tw.window)
		fc.scales = tw.members
		m.t = w.T1
	}
	res := &Result{Config: cfg, Options: opts, Loss: m.loss, Seconds: time.Since(start).Seconds(),
		March: &MarchRecord{Attempts: m.attempts, Reached: m.t, End: p.T1}}
	if runErr != nil && runErr != m.stop && !errors.Is(runErr, ErrDiverged) {
		return nil, runErr
	}
	if len(m.windows) == 0 {
		return nil, fmt.Errorf("graph: no window trained: %w", runErr)
	}
	if err := res.setMarched(p, m.t, m.windows, opts.ScoreValues); err != nil {
		return nil, err
	}
	return res, runErr
}

// familyWindow is a family's window trained by trainFamilyWindow, its
// model, its record and each check member's scales widened to its
// solution.
type familyWindow struct {
	window  Window
	piece   *Model
	attempt Attempt
	members []scales
}

// trainFamilyWindow trains the networks of the window w of a family
// whose check members are fc (see fitFamilyMarch), with the windows
// trained so far in m, and records its estimate.
func (m *marcher) trainFamilyWindow(w Window, fc *familyChecks) (familyWindow, error) {
	p, o := m.p, m.opts
	a := Attempt{T0: w.T0, T1: w.T1, Accepted: true}
	tw := familyWindow{members: fc.scales}
	chain, err := newPiecewise(p, m.windows)
	if err != nil {
		return tw, err
	}
	next := len(m.windows)
	grid := p.MemberColumns(o.ParamPoints)
	gridStarts, err := chain.chainStarts(grid, nil, next+1)
	if err != nil {
		return tw, err
	}
	colloc := windowPoints(problems.Spaced(w.T0, w.T1, o.Points), grid, gridStarts[next])
	checkStarts, err := chain.chainStarts(fc.members, nil, next+1)
	if err != nil {
		return tw, err
	}
	starts := checkStarts[next]
	check := problems.Spaced(w.T0, w.T1, o.CheckFactor*(o.Points-1)+1)
	checkPoints := windowPoints(check, fc.members, starts)
	nt, nm := len(check), len(fc.members[0])
	dt := (w.T1 - w.T0) / float64(nt-1)
	share := (w.T1 - w.T0) / (p.T1 - p.T0)
	t0 := w.T0
	outScale := 1.0
	if !o.NoOutputScale {
		f, err := familyRHSAtStart(p, t0, fc.members, starts)
		if err != nil {
			return tw, err
		}
		for _, sc := range fc.scales {
			f = math.Max(f, sc.rate)
		}
		if f > 0 && !math.IsInf(f, 0) {
			outScale = f
		}
	}
	// Training stops once the loss guarantees the tightest member's
	// estimate well within its budget (see trainWindow); the loss is the
	// mean over the grid's members, all of which may be one member's.
	stop := math.Inf(1)
	for _, sc := range fc.scales {
		stop = math.Min(stop, stopFraction*o.Safety*o.Goal*math.Max(sc.y*share, (w.T1-w.T0)*sc.rate))
	}
	rms := stop / (w.T1 - w.T0) / math.Sqrt(float64(len(grid[0])))
	var r [][]float64 // the residuals of tw.piece at the check points
	for k := 1; k <= o.Networks; k++ {
		net, err := NewFamilyNetwork(p, m.cfg.Architecture, m.rng)
		if err != nil {
			return tw, err
		}
		net.ScaleInput(w.T0, w.T1)
		cfg := Config{IC: HardIC, Executor: m.cfg.Executor, outputScale: outScale, base: w.Networks, startAt: &t0}
		trainedNet, iters, loss, err := m.fitFamilyWindow(net, cfg, colloc, rms)
		if err != nil {
			return tw, err
		}
		a.Iterations += iters
		a.Loss = loss
		w.Networks = append(w.Networks, ScaledNetwork{Scale: outScale, Network: trainedNet})
		a.Networks = k
		if tw.piece, err = w.model(p); err != nil {
			return tw, err
		}
		if r, err = tw.piece.evaluate("residuals", checkPoints, residualNodes); err != nil {
			return tw, err
		}
		sumSq := 0.0
		for _, ri := range r {
			for _, v := range ri {
				sumSq += v * v
			}
		}
		// The next network corrects this one: its output is scaled to
		// the size of the residual it removes (Wang and Lai, 2024).
		outScale = math.Sqrt(sumSq / float64(len(r)*len(r[0])))
		if k < o.Networks && !(outScale > 0) {
			break // nothing left to correct
		}
	}
	out, err := tw.piece.evaluate("predict", checkPoints, predictNodes)
	if err != nil {
		return tw, err
	}
	v := len(p.Vars)
	after := make([]scales, nm)
	worst := math.Inf(-1)
	for q := range nm {
		rows := q * nt
		member := &problems.Solution{T: check, Y: sliceRows(out[:v], rows, nt), DY: sliceRows(out[v:], rows, nt)}
		rq := sliceRows(r, rows, nt)
		for _, ri := range rq {
			a.Residual = math.Max(a.Residual, maxAbs(ri))
		}
		after[q] = fc.scales[q]
		after[q].observe(member)
		est := errorEstimate(rq, dt, growthRate(member, fc.scales[q].y))
		budget := o.Safety * o.Goal * math.Max(variation(member, dt, p.Order), share*after[q].scale(p.Order))
		after[q].rate = variation(member, dt, p.Order) / (w.T1 - w.T0)
		if ratio := est / budget; ratio > worst || math.IsNaN(ratio) && !math.IsNaN(worst) {
			worst, a.Estimate, a.Budget = ratio, est, budget
		}
	}
	tw.members = after
	tw.window, tw.attempt = w, a
	return tw, nil
}

// sliceRows returns rows [from, from+n) of each of xs.
func sliceRows(xs [][]float64, from, n int) [][]float64 {
	out := make([][]float64, len(xs))
	for i, x := range xs {
		out[i] = x[from : from+n]
	}
	return out
}

// fitFamilyWindow trains net (inside cfg's trial solution) at the
// collocation points cols with BFGS until the root mean square residual is
// below rms, BFGS stalls, or it reaches its iteration limit; see
// fitWindow.
func (m *marcher) fitFamilyWindow(net *Network, cfg Config, cols [][]float64, rms float64) (*Network, int, float64, error) {
	tr, err := NewFamilyTrainer(m.p, net, cfg, cols, Options{Workers: m.workers})
	if err != nil {
		return nil, 0, 0, err
	}
	rule := lbfgsStop{Tol: marchTol, Window: m.opts.Stall, Target: rms * rms}
	err = tr.bfgsRun(m.opts.Iterations, rule, func(int, float64) error { return m.iterated(tr) })
	m.loss = append(m.loss, tr.history...)
	if err != nil {
		return nil, 0, 0, err
	}
	return tr.Network(), tr.Epochs(), tr.history[len(tr.history)-1], nil
}

// familyRHSAtStart returns the largest |f| at t0 over the members (columns)
// whose initial values there are starts: the residual of a window whose
// network outputs zero (see rhsAtStart).
func familyRHSAtStart(p *problems.Problem, t0 float64, members, starts [][]float64) (float64, error) {
	net, err := NewFamilyNetwork(p, Architecture{Hidden: []int{1}}, NewRand(0))
	if err != nil {
		return 0, err
	}
	for _, w := range net.Weights {
		clear(w)
	}
	zero := newModel(p, HardIC, net, nil)
	zero.startAt = &t0
	r, err := zero.evaluate("residuals", windowPoints([]float64{t0}, members, starts), residualNodes)
	if err != nil {
		return 0, err
	}
	f := 0.0
	for _, ri := range r {
		f = math.Max(f, maxAbs(ri))
	}
	return f, nil
}
