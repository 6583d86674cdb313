package ode

import (
	"errors"
	"fmt"
	"math"

	"gonum.org/v1/gonum/diff/fd"
	"gonum.org/v1/gonum/mat"
)

// BoundaryFunc evaluates the residuals of boundary conditions: ys[j] is the
// state at the j-th point given to Shoot. It writes one residual per
// unknown of the initial state into res; all are zero where the conditions
// hold. It must not keep ys or res.
type BoundaryFunc func(ys [][]float64, res []float64)

// ShootSettings configures Shoot. A nil *ShootSettings, or a zero field,
// means the default: each integration at Solve's defaults (tolerance
// 1e-10), Tol = 1e-9, MaxIter = 50.
type ShootSettings struct {
	// Integrator configures every integration.
	Integrator *Settings
	// Tol is the largest |residual| accepted as converged. The residuals
	// are computed from integrations accurate to about their tolerance, so
	// Tol must stay above it.
	Tol float64
	// MaxIter limits the Newton steps.
	MaxIter int
}

// ErrNoConvergence is what a *ShootError wraps.
var ErrNoConvergence = errors.New("ode: shooting did not converge")

// ShootError reports that Newton's method stopped before the conditions
// held: why, after how many steps, and the largest |residual| reached.
type ShootError struct {
	Reason   string
	Iter     int
	Residual float64
}

// Error names the reason, the residual reached and the steps taken.
func (e *ShootError) Error() string {
	return fmt.Sprintf("%v: %s; largest residual %.3g after %d Newton steps", ErrNoConvergence, e.Reason, e.Residual, e.Iter)
}

// Unwrap returns ErrNoConvergence, for errors.Is.
func (e *ShootError) Unwrap() error { return ErrNoConvergence }

// maxCond is the largest condition number of the Jacobian that Shoot
// trusts. Its entries are central differences (step 6e-6) of integrations
// accurate to about 1e-10, so they carry errors of 1e-5 or more, and a
// Jacobian that is singular in exact arithmetic can measure anywhere from
// 1e5 to infinity; the problems of the tests measure 1 to 16, and
// y” = 400 y on [0, 1], whose shooting must cancel terms of size 1e8,
// 5e9.
const maxCond = 1e9

// Shoot finds the initial state y(t0) of the solution of dy/dt = f(t, y)
// that meets the boundary conditions bc at points (ascending, >= t0), by
// Newton's method on the initial state, starting from guess:
//
//	R(s) = bc(y(points; s)),   s_(k+1) = s_k - lambda J(s_k)^-1 R(s_k),
//
// where y(.; s) is the Dormand-Prince solution from y(t0) = s, the Jacobian
// J = dR/ds is taken by central differences (gonum's diff/fd), and lambda
// is halved from 1 until the sum of squared residuals falls (a backtracking
// line search, which keeps steps from wandering to a far branch). It stops
// when every |R_i| <= Tol. When it cannot get there (the iteration limit, a
// step that reduces nothing, a singular Jacobian, an integration that fails
// near the current guess) it returns a *ShootError with the residual
// reached; an integration that fails from guess itself is returned as is.
func Shoot(f Func, t0 float64, guess, points []float64, bc BoundaryFunc, s *ShootSettings) ([]float64, error) {
	set := ShootSettings{Tol: 1e-9, MaxIter: 50}
	if s != nil {
		if s.Tol < 0 || s.MaxIter < 0 {
			return nil, ErrSettings
		}
		if !finite(s.Tol) {
			return nil, ErrNonFinite
		}
		set.Integrator = s.Integrator
		if s.Tol > 0 {
			set.Tol = s.Tol
		}
		if s.MaxIter > 0 {
			set.MaxIter = s.MaxIter
		}
	}
	n := len(guess)
	if n == 0 {
		return nil, ErrEmptyState
	}
	sh := &shooter{f: f, t0: t0, points: points, bc: bc, set: set.Integrator}
	x, r := append([]float64(nil), guess...), make([]float64, n)
	if err := sh.residual(x, r); err != nil {
		return nil, fmt.Errorf("ode: shooting from the initial guess: %w", err)
	}
	jac := mat.NewDense(n, n, nil)
	xt, rt := make([]float64, n), make([]float64, n)
	var step mat.VecDense
	for iter := 0; ; iter++ {
		worst := maxAbs(r)
		if worst <= set.Tol {
			return x, nil
		}
		fail := func(format string, args ...any) error {
			return &ShootError{Reason: fmt.Sprintf(format, args...), Iter: iter, Residual: worst}
		}
		if iter == set.MaxIter {
			return nil, fail("the iteration limit (%d) was reached", set.MaxIter)
		}
		if err := sh.jacobian(jac, x); err != nil {
			return nil, fail("integrating near the current initial state failed: %v", err)
		}
		var lu mat.LU
		lu.Factorize(jac)
		if c := lu.Cond(); !(c <= maxCond) {
			return nil, fail("the Jacobian is singular or too ill-conditioned (condition number %.2g): the conditions may not fix the initial state, or the solution grows too fast for single shooting", c)
		}
		if err := lu.SolveVecTo(&step, false, mat.NewVecDense(n, append([]float64(nil), r...))); err != nil {
			return nil, fail("solving for the Newton step: %v", err)
		}
		phi := sumSquares(r)
		accepted := false
		for lambda := 1.0; lambda >= 0x1p-20 && !accepted; lambda /= 2 {
			for i := range xt {
				xt[i] = x[i] - lambda*step.AtVec(i)
			}
			// Armijo's condition for the sum of squares along Newton's
			// direction, whose slope there is -2 phi.
			accepted = sh.residual(xt, rt) == nil && sumSquares(rt) <= (1-1e-4*lambda)*phi
		}
		if !accepted {
			return nil, fail("no step along Newton's direction reduces the residual")
		}
		copy(x, xt)
		copy(r, rt)
	}
}

// shooter evaluates the residuals of one Shoot call.
type shooter struct {
	f      Func
	t0     float64
	points []float64
	bc     BoundaryFunc
	set    *Settings
	err    error // the first failure inside jacobian
}

// residual integrates from s and writes the residuals of the conditions to r.
func (sh *shooter) residual(s, r []float64) error {
	ys, err := Solve(sh.f, sh.t0, s, sh.points, sh.set)
	if err != nil {
		return err
	}
	sh.bc(ys, r)
	if !allFinite(r) {
		return errors.New("ode: non-finite residual")
	}
	return nil
}

// jacobian writes the central-difference Jacobian of the residuals at s to
// dst.
func (sh *shooter) jacobian(dst *mat.Dense, s []float64) error {
	sh.err = nil
	fd.Jacobian(dst, func(r, s []float64) {
		if err := sh.residual(s, r); err != nil && sh.err == nil {
			sh.err = err
		}
	}, s, &fd.JacobianSettings{Formula: fd.Central})
	return sh.err
}

func maxAbs(xs []float64) float64 {
	m := 0.0
	for _, x := range xs {
		m = math.Max(m, math.Abs(x))
	}
	return m
}

func sumSquares(xs []float64) float64 {
	s := 0.0
	for _, x := range xs {
		s += x * x
	}
	return s
}
