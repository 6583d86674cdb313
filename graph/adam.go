package graph

import "math"

// adam is Adam on the flat parameter vector, for the Compiled executor. It
// does what Gorgonia's AdamSolver (the Tape executor's) does with its
// defaults, operation for operation:
//
//	m = β1 m + (1-β1) g,  v = β2 v + (1-β2) g²
//	w += -η (m / (1-β1^k)) / (sqrt(v / (1-β2^k)) + ε)
//
// with β1 = 0.9, β2 = 0.999, ε = 1e-8, and zeroes the gradient.
type adam struct {
	eta  float64
	iter int
	m, v []float64
}

// Gorgonia's Adam defaults (also Flux's and PyTorch's).
const (
	adamBeta1 = 0.9
	adamBeta2 = 0.999
	adamEps   = 1e-8
)

// step updates the learnable slots from their gradients.
func (a *adam) step(slots []slot) {
	a.iter++
	c1 := 1 / (1 - math.Pow(adamBeta1, float64(a.iter)))
	c2 := 1 / (1 - math.Pow(adamBeta2, float64(a.iter)))
	off := 0
	for _, s := range slots {
		if a.m == nil || off+len(s.value) > len(a.m) {
			a.m = append(a.m, make([]float64, off+len(s.value)-len(a.m))...)
			a.v = append(a.v, make([]float64, off+len(s.value)-len(a.v))...)
		}
		m, v := a.m[off:off+len(s.value)], a.v[off:off+len(s.value)]
		for i, g := range s.grad {
			m[i] = m[i]*adamBeta1 + g*(1-adamBeta1)
			v[i] = v[i]*adamBeta2 + g*g*(1-adamBeta2)
			s.value[i] += m[i] * c1 * -a.eta / (math.Sqrt(v[i]*c2) + adamEps)
		}
		clear(s.grad)
		s.flush()
		off += len(s.value)
	}
}
