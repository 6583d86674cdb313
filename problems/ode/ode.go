package ode

import (
	"errors"
	"fmt"
	"math"
)

// Func evaluates the right-hand side dy/dt = f(t, y) into dydt
// (len(dydt) == len(y)). It must not keep y or dydt.
type Func func(t float64, y, dydt []float64)

// Settings configures Solve. A nil *Settings, or a zero field, means the
// default: RelTol = AbsTol = 1e-10, InitialStep chosen automatically by
// Hairer's algorithm, MaxSteps = 1_000_000.
type Settings struct {
	RelTol, AbsTol float64 // error tolerances per component
	InitialStep    float64 // first step size tried
	MaxSteps       int     // limit on attempted (accepted + rejected) steps
}

// Stats counts the work done by SolveStats.
type Stats struct {
	Accepted, Rejected int // steps
	Evals              int // calls of the right-hand side
}

// Errors returned by Solve. Failures during integration are wrapped in a
// *TimeError that names the time reached.
var (
	ErrTimes      = errors.New("ode: output times must be ascending and not before t0")
	ErrEmptyState = errors.New("ode: empty initial state")
	ErrNonFinite  = errors.New("ode: non-finite input")
	ErrSettings   = errors.New("ode: negative setting")
	ErrStepSize   = errors.New("ode: step size underflow")
	ErrMaxSteps   = errors.New("ode: too many steps")
	ErrDerivative = errors.New("ode: non-finite derivative")
)

// TimeError reports an integration failure (ErrStepSize, ErrMaxSteps or
// ErrDerivative) at time T.
type TimeError struct {
	T   float64
	Err error
}

// Error names the failure and the time.
func (e *TimeError) Error() string { return fmt.Sprintf("%v at t = %g", e.Err, e.T) }

// Unwrap returns the sentinel, for errors.Is.
func (e *TimeError) Unwrap() error { return e.Err }

// Dormand-Prince coefficients (Hairer, Norsett & Wanner, table II.5.2).
// The last row of a is b, the fifth-order weights, which makes the method FSAL.
var (
	c = [7]float64{0, 1.0 / 5, 3.0 / 10, 4.0 / 5, 8.0 / 9, 1, 1}
	a = [7][]float64{
		{},
		{1.0 / 5},
		{3.0 / 40, 9.0 / 40},
		{44.0 / 45, -56.0 / 15, 32.0 / 9},
		{19372.0 / 6561, -25360.0 / 2187, 64448.0 / 6561, -212.0 / 729},
		{9017.0 / 3168, -355.0 / 33, 46732.0 / 5247, 49.0 / 176, -5103.0 / 18656},
		{35.0 / 384, 0, 500.0 / 1113, 125.0 / 192, -2187.0 / 6784, 11.0 / 84},
	}
	// e = b - bhat, the weights of the embedded error estimate.
	e = [7]float64{71.0 / 57600, 0, -71.0 / 16695, 71.0 / 1920, -17253.0 / 339200, 22.0 / 525, -1.0 / 40}
)

// Step-size controller constants of Hairer's dopri5.
const (
	safe   = 0.9
	facMin = 0.2  // h may shrink at most by a factor 5 ...
	facMax = 10.0 // ... and grow at most by a factor 10 per step
	beta   = 0.04 // PI stabilisation
	expo   = 0.2 - 0.75*beta
)

// Solve integrates from (t0, y0) and returns the state at each time in ts
// (ascending, all >= t0); a time equal to t0 returns y0 exactly. The result
// holds one []float64 per requested time. Bad arguments give ErrTimes,
// ErrEmptyState, ErrNonFinite or ErrSettings; failures while integrating give
// a *TimeError wrapping ErrStepSize, ErrMaxSteps or ErrDerivative.
func Solve(f Func, t0 float64, y0 []float64, ts []float64, s *Settings) ([][]float64, error) {
	out, _, err := SolveStats(f, t0, y0, ts, s)
	return out, err
}

// SolveStats is Solve that also reports the number of steps and evaluations.
func SolveStats(f Func, t0 float64, y0 []float64, ts []float64, s *Settings) ([][]float64, Stats, error) {
	set, err := check(t0, y0, ts, s)
	if err != nil {
		return nil, Stats{}, err
	}
	n := len(y0)
	g := newIntegrator(f, y0, set.RelTol, set.AbsTol)
	out := make([][]float64, len(ts))
	back := make([]float64, n*len(ts))
	t, h := t0, set.InitialStep
	if tEnd := ts[len(ts)-1]; tEnd > t0 {
		if err := g.eval(t0, g.y, g.k[0]); err != nil {
			return nil, g.st, err
		}
		if h == 0 {
			if h, err = g.initialStep(t0, tEnd-t0); err != nil {
				return nil, g.st, err
			}
		}
	}
	facOld, rejected := 1e-4, false
	for i, tOut := range ts {
		for t < tOut {
			if g.st.Accepted+g.st.Rejected >= set.MaxSteps {
				return nil, g.st, &TimeError{t, ErrMaxSteps}
			}
			if !(0.1*h > math.Abs(t)*0x1p-52) { // also catches h <= 0 or NaN
				return nil, g.st, &TimeError{t, ErrStepSize}
			}
			// Shorten the step that would pass tOut so that it lands there;
			// stretch it by up to 1% rather than leave a sliver (as dopri5).
			hs, land := h, false
			if 1.01*h >= tOut-t {
				hs, land = tOut-t, true
			}
			en, err := g.step(t, hs)
			if err != nil {
				return nil, g.st, err
			}
			if math.IsNaN(en) {
				en = math.Inf(1)
			}
			fac11 := math.Pow(en, expo)
			if en > 1 {
				g.st.Rejected++
				h = hs / math.Min(1/facMin, fac11/safe)
				rejected = true
				continue
			}
			g.st.Accepted++
			fac := math.Max(1/facMax, math.Min(1/facMin, fac11/math.Pow(facOld, beta)/safe))
			hNew := hs / fac
			if rejected {
				hNew = math.Min(hNew, hs)
			}
			facOld, rejected = math.Max(en, 1e-4), false
			// A step shortened to land on tOut says nothing against the
			// longer step planned before, unless its error asks to shrink.
			if land && fac <= 1 {
				hNew = math.Max(hNew, h)
			}
			h = hNew
			if land {
				t = tOut // exactly, so later outputs compare equal
			} else {
				t += hs
			}
			g.y, g.yNew = g.yNew, g.y
			g.k[0], g.k[6] = g.k[6], g.k[0] // FSAL
		}
		out[i] = back[i*n : (i+1)*n : (i+1)*n]
		copy(out[i], g.y)
	}
	return out, g.st, nil
}

// check validates the arguments and returns the settings with defaults filled in.
func check(t0 float64, y0, ts []float64, s *Settings) (Settings, error) {
	set := Settings{RelTol: 1e-10, AbsTol: 1e-10, MaxSteps: 1_000_000}
	if s != nil {
		if s.RelTol < 0 || s.AbsTol < 0 || s.InitialStep < 0 || s.MaxSteps < 0 {
			return set, ErrSettings
		}
		if !finite(s.RelTol) || !finite(s.AbsTol) || !finite(s.InitialStep) {
			return set, ErrNonFinite
		}
		set.InitialStep = s.InitialStep
		if s.RelTol > 0 {
			set.RelTol = s.RelTol
		}
		if s.AbsTol > 0 {
			set.AbsTol = s.AbsTol
		}
		if s.MaxSteps > 0 {
			set.MaxSteps = s.MaxSteps
		}
	}
	if len(y0) == 0 {
		return set, ErrEmptyState
	}
	if len(ts) == 0 {
		return set, ErrTimes
	}
	if !finite(t0) || !allFinite(y0) || !allFinite(ts) {
		return set, ErrNonFinite
	}
	prev := t0
	for _, t := range ts {
		if t < prev {
			return set, ErrTimes
		}
		prev = t
	}
	return set, nil
}

// integrator holds the state and work arrays of one Solve call.
type integrator struct {
	f          Func
	rtol, atol float64
	y, yNew    []float64
	yStage     []float64
	k          [7][]float64
	st         Stats
}

// newIntegrator returns an integrator at y0, with all work arrays in one
// allocation, made once per Solve.
func newIntegrator(f Func, y0 []float64, rtol, atol float64) *integrator {
	n := len(y0)
	buf := make([]float64, 10*n)
	g := &integrator{f: f, rtol: rtol, atol: atol,
		y: buf[0:n], yNew: buf[n : 2*n], yStage: buf[2*n : 3*n]}
	for i := range g.k {
		g.k[i] = buf[(3+i)*n : (4+i)*n]
	}
	copy(g.y, y0)
	return g
}

// eval calls f and rejects non-finite derivatives, which would otherwise
// only show up as endless step rejections.
func (g *integrator) eval(t float64, y, dydt []float64) error {
	g.st.Evals++
	g.f(t, y, dydt)
	if !allFinite(dydt) {
		return &TimeError{t, ErrDerivative}
	}
	return nil
}

// step takes one step of size h from (t, g.y) with g.k[0] = f(t, g.y),
// writes the fifth-order solution to g.yNew and f(t+h, g.yNew) to g.k[6],
// and returns the scaled RMS norm of the error estimate.
func (g *integrator) step(t, h float64) (float64, error) {
	for s := 1; s < 7; s++ {
		ys := g.yStage
		if s == 6 {
			ys = g.yNew
		}
		for i, yi := range g.y {
			sum := 0.0
			for j, aj := range a[s] {
				sum += aj * g.k[j][i]
			}
			ys[i] = yi + h*sum
		}
		if err := g.eval(t+c[s]*h, ys, g.k[s]); err != nil {
			return 0, err
		}
	}
	sq := 0.0
	for i, yi := range g.y {
		ei := 0.0
		for j, ej := range e {
			ei += ej * g.k[j][i]
		}
		sc := g.atol + g.rtol*math.Max(math.Abs(yi), math.Abs(g.yNew[i]))
		sq += (h * ei / sc) * (h * ei / sc)
	}
	return math.Sqrt(sq / float64(len(g.y))), nil
}

// initialStep is Hairer's starting step size (HNW I, II.4, and dopri5's
// hinit): h0 makes an Euler step change y by about 1% relative to the
// tolerance, h1 makes the estimated local error of a fifth-order step
// about 1% of it; the smaller of 100 h0 and h1 is used, at most hMax.
// It uses g.k[0] = f(t, g.y) and one more evaluation.
func (g *integrator) initialStep(t, hMax float64) (float64, error) {
	d0, d1 := 0.0, 0.0
	for i, yi := range g.y {
		sc := g.atol + g.rtol*math.Abs(yi)
		d0 += (yi / sc) * (yi / sc)
		d1 += (g.k[0][i] / sc) * (g.k[0][i] / sc)
	}
	nf := float64(len(g.y))
	d0, d1 = math.Sqrt(d0/nf), math.Sqrt(d1/nf)
	h0 := 1e-6
	if d0 > 1e-5 && d1 > 1e-5 {
		h0 = 0.01 * d0 / d1
	}
	h0 = math.Min(h0, hMax)
	for i, yi := range g.y {
		g.yStage[i] = yi + h0*g.k[0][i]
	}
	if err := g.eval(t+h0, g.yStage, g.k[1]); err != nil {
		return 0, err
	}
	d2 := 0.0
	for i, yi := range g.y {
		sc := g.atol + g.rtol*math.Abs(yi)
		d := (g.k[1][i] - g.k[0][i]) / sc
		d2 += d * d
	}
	d2 = math.Sqrt(d2/nf) / h0
	h1 := math.Max(1e-6, h0*1e-3)
	if m := math.Max(d1, d2); m > 1e-15 {
		h1 = math.Pow(0.01/m, 1.0/5)
	}
	return math.Min(math.Min(100*h0, h1), hMax), nil
}

func finite(x float64) bool { return !math.IsNaN(x) && !math.IsInf(x, 0) }

func allFinite(xs []float64) bool {
	for _, x := range xs {
		if !finite(x) {
			return false
		}
	}
	return true
}
