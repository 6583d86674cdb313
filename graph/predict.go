package graph

import (
	"math"

	"pinn/problems"

	G "gorgonia.org/gorgonia"
)

// Predict returns the solution and its first derivative (symbolic) at the
// points ts, run by the compiled executor on chunks of EvalChunk points.
func (m *Model) Predict(ts []float64) (*problems.Solution, error) {
	if m.problem.IsFamily() {
		return nil, errFamily
	}
	n := len(m.problem.Vars)
	if m.windows != nil {
		out, err := m.scatterTimes(ts, 2*n, func(piece *Model, sub []float64) ([][]float64, error) {
			s, err := piece.Predict(sub)
			if err != nil {
				return nil, err
			}
			return append(s.Y, s.DY...), nil
		})
		if err != nil {
			return nil, err
		}
		return &problems.Solution{T: ts, Y: out[:n], DY: out[n:]}, nil
	}
	out, err := m.evaluate("predict", [][]float64{ts}, predictNodes)
	if err != nil {
		return nil, err
	}
	return &problems.Solution{T: ts, Y: out[:n], DY: out[n:]}, nil
}

// predictNodes builds the solution and its first derivative at a.
func predictNodes(b *builder, a at) (G.Nodes, error) {
	ys, err := b.values(a)
	if err != nil {
		return nil, err
	}
	dys, err := gradients(ys, a.t)
	if err != nil {
		return nil, err
	}
	return append(ys, dys...), nil
}

// Score compares a trained solution with the problem's reference.
type Score struct {
	Solution, Reference *problems.Solution
	// RelL2 is ||y - y_ref||_2 / ||y_ref||_2 over all variables and points.
	RelL2 float64
	// MaxAbsErr is max |y - y_ref|.
	MaxAbsErr float64
	// MaxAbsDerivErr is max |dy/dt - dy_ref/dt|.
	MaxAbsDerivErr float64
}

// Evaluate scores the model at the points ts against the problem's
// reference, computed with the model's parameter values (the learned ones of
// an inverse problem).
func (m *Model) Evaluate(ts []float64) (Score, error) {
	return m.EvaluateWith(m.unknown, ts)
}

// EvaluateWith is Evaluate against the reference computed with the given
// parameter values (an inverse problem's true ones, say); nil means the
// problem's.
func (m *Model) EvaluateWith(params map[string]float64, ts []float64) (Score, error) {
	sol, err := m.Predict(ts)
	if err != nil {
		return Score{}, err
	}
	ref, err := m.problem.Reference(ts, params)
	if err != nil {
		return Score{}, err
	}
	return scoreAgainst(sol, ref), nil
}

// scoreAgainst scores sol against ref, given at the same points.
func scoreAgainst(sol, ref *problems.Solution) Score {
	s := Score{Solution: sol, Reference: ref}
	var num, den float64
	for i := range sol.Y {
		for k := range sol.T {
			d := sol.Y[i][k] - ref.Y[i][k]
			num += d * d
			den += ref.Y[i][k] * ref.Y[i][k]
			s.MaxAbsErr = math.Max(s.MaxAbsErr, math.Abs(d))
			s.MaxAbsDerivErr = math.Max(s.MaxAbsDerivErr, math.Abs(sol.DY[i][k]-ref.DY[i][k]))
		}
	}
	s.RelL2 = math.Sqrt(num / den)
	return s
}
