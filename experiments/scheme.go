package experiments

import (
	"errors"
	"fmt"
	"math"

	"pinn/problems"
	"pinn/problems/expr"
)

// solveScheme returns the scheme's solution on the grid ts and its distance
// from the exact solution ref.
func solveScheme(s Scheme, p *problems.Problem, ts []float64, ref *problems.Solution) (*SchemeResult, error) {
	if s != BackwardEuler {
		return nil, fmt.Errorf("unknown scheme %q", s)
	}
	y, err := backwardEuler(p, ts)
	if err != nil {
		return nil, err
	}
	return &SchemeResult{Scheme: s, Y: y, RelL2: relL2(y, ref.Y[0])}, nil
}

// backwardEuler solves a first-order problem in one variable with the
// implicit Euler scheme on the grid ts (ascending, from t0):
//
//	y_0 = y0,   (y_k - y_{k-1}) / (t_k - t_{k-1}) = f(t_k, y_k)
//
// which is the forum thread's finite-difference residual set to zero. Each
// step solves its equation for y_k by Newton's method.
func backwardEuler(p *problems.Problem, ts []float64) ([]float64, error) {
	if p.Order != 1 || len(p.Vars) != 1 {
		return nil, errors.New("backward Euler is implemented for first-order problems in one variable")
	}
	env := map[string]float64{}
	for k, v := range p.Params {
		env[k] = v
	}
	f := func(t, y float64) (float64, error) {
		env[p.Indep], env[p.Vars[0]] = t, y
		return expr.Eval(p.RightHandSide(0), env)
	}
	y := make([]float64, len(ts))
	y[0] = p.Y0[0]
	for k := 1; k < len(ts); k++ {
		h, yk := ts[k]-ts[k-1], y[k-1]
		for range 50 { // Newton converges in a few steps; linear f in one
			g, err := f(ts[k], yk)
			if err != nil {
				return nil, err
			}
			// dg/dy of g(y) = y - y_{k-1} - h f(t_k, y), by a central difference
			const d = 1e-6
			fp, err := f(ts[k], yk+d)
			if err != nil {
				return nil, err
			}
			fm, err := f(ts[k], yk-d)
			if err != nil {
				return nil, err
			}
			step := (yk - y[k-1] - h*g) / (1 - h*(fp-fm)/(2*d))
			yk -= step
			if math.Abs(step) <= 1e-15*math.Max(1, math.Abs(yk)) {
				break
			}
		}
		if math.IsNaN(yk) || math.IsInf(yk, 0) {
			return nil, fmt.Errorf("backward Euler failed at %s = %g", p.Indep, ts[k])
		}
		y[k] = yk
	}
	return y, nil
}
