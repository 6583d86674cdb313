package ode

import (
	"errors"
	"math"
	"strings"
	"testing"
)

// bratuSlope returns y'(0) of the lower solution of Bratu's problem
// y” + lambda e^y = 0, y(0) = y(1) = 0, which is
//
//	y = -2 ln(cosh((t - 1/2) theta/2) / cosh(theta/4)),  theta = sqrt(2 lambda) cosh(theta/4),
//
// so y'(0) = theta tanh(theta/4). Newton's method on the equation for theta
// from 0 climbs monotonically to its smaller root (the right-hand side is
// convex), the one of the lower solution.
func bratuSlope(lambda float64) float64 {
	theta := 0.0
	for range 100 {
		g := theta - math.Sqrt(2*lambda)*math.Cosh(theta/4)
		theta -= g / (1 - math.Sqrt(2*lambda)/4*math.Sinh(theta/4))
	}
	return theta * math.Tanh(theta/4)
}

func bratu(lambda float64) Func {
	return func(t float64, y, dy []float64) { dy[0], dy[1] = y[1], -lambda*math.Exp(y[0]) }
}

// dirichlet01 is y(0) = 0 at the first point and y(b) = 0 at the second.
func dirichlet01(ys [][]float64, r []float64) { r[0], r[1] = ys[0][0], ys[1][0] }

// robinB is the coefficient of sin in the solution cos(k t) + B sin(k t) of
// y” = -k^2 y, y(0) = 1, y(1) + y'(1) = 0.
func robinB(k float64) float64 {
	return (k*math.Sin(k) - math.Cos(k)) / (math.Sin(k) + k*math.Cos(k))
}

// shootRows have closed-form initial states. The residual tolerance is
// 1e-9 and every integration runs at 1e-10, so the initial state found is
// off by about the integration error times the conditioning of the
// problem; measured errors, noted per row, are 5e-11 or better except near
// Bratu's turning point (lambda_c = 3.51), where the problem degenerates.
// Every row asserts 1e-9, except lambda = 3.5 (measured 1.1e-9), which
// asserts 1e-8.
var shootRows = []struct {
	name   string
	f      Func
	guess  []float64
	points []float64
	bc     BoundaryFunc
	want   []float64
	tol    float64
}{
	{
		name: "y'' = -y, y(0) = 0, y(pi/2) = 1", // y = sin t; measured 4.6e-11
		f:    oscillator, guess: []float64{0, 0}, points: []float64{0, math.Pi / 2},
		bc:   func(ys [][]float64, r []float64) { r[0], r[1] = ys[0][0], ys[1][0]-1 },
		want: []float64{0, 1}, tol: 1e-9,
	},
	{
		name:  "Robin: y'' = -2.25 y, y(0) = 1, y(1) + y'(1) = 0", // measured 6.1e-12
		f:     func(t float64, y, dy []float64) { dy[0], dy[1] = y[1], -2.25*y[0] },
		guess: []float64{0, 0}, points: []float64{0, 1},
		bc:   func(ys [][]float64, r []float64) { r[0], r[1] = ys[0][0]-1, ys[1][0]+ys[1][1] },
		want: []float64{1, 1.5 * robinB(1.5)}, tol: 1e-9,
	},
	{
		name:  "system x' = y, y' = x, x(0) = 1, y(1) = 0", // x = cosh t - tanh(1) sinh t; measured 9.4e-13
		f:     func(t float64, y, dy []float64) { dy[0], dy[1] = y[1], y[0] },
		guess: []float64{0, 0}, points: []float64{0, 1},
		bc:   func(ys [][]float64, r []float64) { r[0], r[1] = ys[0][0]-1, ys[1][1] },
		want: []float64{1, -math.Tanh(1)}, tol: 1e-9,
	},
	{
		name: "interior point: x' = y, y' = -x, x(0.5) = sin 0.5, x(1) + y(1) = sin 1 + cos 1", // x = sin t; measured 2.6e-11
		f:    oscillator, guess: []float64{0, 0}, points: []float64{0.5, 1},
		bc: func(ys [][]float64, r []float64) {
			r[0], r[1] = ys[0][0]-math.Sin(0.5), ys[1][0]+ys[1][1]-math.Sin(1)-math.Cos(1)
		},
		want: []float64{0, 1}, tol: 1e-9,
	},
	{
		name: "Bratu lambda = 1", // measured 2.3e-11
		f:    bratu(1), guess: []float64{0, 0}, points: []float64{0, 1}, bc: dirichlet01,
		want: []float64{0, bratuSlope(1)}, tol: 1e-9,
	},
	{
		name: "Bratu lambda = 3", // measured 2.9e-11
		f:    bratu(3), guess: []float64{0, 0}, points: []float64{0, 1}, bc: dirichlet01,
		want: []float64{0, bratuSlope(3)}, tol: 1e-9,
	},
	{
		name: "Bratu lambda = 3.5, near the turning point", // measured 1.1e-9
		f:    bratu(3.5), guess: []float64{0, 0}, points: []float64{0, 1}, bc: dirichlet01,
		want: []float64{0, bratuSlope(3.5)}, tol: 1e-8,
	},
}

func TestShoot(t *testing.T) {
	for _, r := range shootRows {
		t.Run(r.name, func(t *testing.T) {
			got, err := Shoot(r.f, 0, r.guess, r.points, r.bc, nil)
			if err != nil {
				t.Fatal(err)
			}
			worst := 0.0
			for i := range got {
				worst = math.Max(worst, math.Abs(got[i]-r.want[i]))
			}
			t.Logf("initial state %v, error %.2g", got, worst)
			if worst > r.tol {
				t.Errorf("initial state %v, want %v (error %.3g > %.3g)", got, r.want, worst, r.tol)
			}
		})
	}
}

// TestShootFails checks that Shoot says when it cannot meet the conditions,
// with the residual reached.
func TestShootFails(t *testing.T) {
	sinePi := func(ys [][]float64, r []float64) { r[0], r[1] = ys[0][0], ys[1][0]-1 }
	for _, tc := range []struct {
		name   string
		f      Func
		points []float64
		bc     BoundaryFunc
		s      *ShootSettings
		reason string
		// The largest residual must come out at least this: the first
		// three start 1 away from their conditions and cannot meet them,
		// the last stops after one step (measured 0.11).
		residual float64
	}{
		// Bratu's problem has no solution for lambda > 3.51: |y(1)| stays
		// above 0.26 whatever y'(0) is (measured at the stall).
		{"Bratu lambda = 4", bratu(4), []float64{0, 1}, dirichlet01, nil, "no step along Newton's direction", 0.1},
		// y(pi) = 0 for every solution of y'' = -y with y(0) = 0.
		{"y'' = -y, y(0) = 0, y(pi) = 1", oscillator, []float64{0, math.Pi}, sinePi, nil, "", 1},
		// Single shooting would have to cancel terms of size 1e8.
		{"y'' = 400 y, y(0) = 1, y(1) = 0", func(t float64, y, dy []float64) { dy[0], dy[1] = y[1], 400*y[0] },
			[]float64{0, 1}, func(ys [][]float64, r []float64) { r[0], r[1] = ys[0][0]-1, ys[1][0] }, nil, "ill-conditioned", 1},
		{"iteration limit", bratu(1), []float64{0, 1}, func(ys [][]float64, r []float64) { r[0], r[1] = ys[0][0], ys[1][0]-1 },
			&ShootSettings{MaxIter: 1}, "the iteration limit (1) was reached", 1e-6},
	} {
		t.Run(tc.name, func(t *testing.T) {
			got, err := Shoot(tc.f, 0, []float64{0, 0}, tc.points, tc.bc, tc.s)
			t.Log(err)
			var se *ShootError
			if got != nil || !errors.Is(err, ErrNoConvergence) || !errors.As(err, &se) {
				t.Fatalf("got %v, %v; want a *ShootError", got, err)
			}
			if !strings.Contains(err.Error(), tc.reason) || !strings.Contains(err.Error(), "largest residual") {
				t.Errorf("error %q does not say %q and the residual", err, tc.reason)
			}
			if !(se.Residual >= tc.residual) {
				t.Errorf("residual %g, want at least %g", se.Residual, tc.residual)
			}
		})
	}
}

// TestShootBadInput checks the errors that come before any Newton step.
func TestShootBadInput(t *testing.T) {
	blowUp := func(t float64, y, dy []float64) { dy[0] = y[0] * y[0] } // y = 1/(1-t) from y(0) = 1
	end := func(ys [][]float64, r []float64) { r[0] = ys[0][0] - 1 }
	for _, tc := range []struct {
		name   string
		f      Func
		guess  []float64
		points []float64
		s      *ShootSettings
		want   error
	}{
		{"blow-up from the guess", blowUp, []float64{1}, []float64{2}, nil, ErrStepSize},
		{"empty state", decay, nil, []float64{1}, nil, ErrEmptyState},
		{"points before t0", decay, []float64{1}, []float64{-1}, nil, ErrTimes},
		{"negative tolerance", decay, []float64{1}, []float64{1}, &ShootSettings{Tol: -1}, ErrSettings},
	} {
		t.Run(tc.name, func(t *testing.T) {
			got, err := Shoot(tc.f, 0, tc.guess, tc.points, end, tc.s)
			if got != nil || !errors.Is(err, tc.want) || !strings.HasPrefix(err.Error(), "ode: ") {
				t.Errorf("got %v, %v; want %v", got, err, tc.want)
			}
		})
	}
}
