package graph

import "math"

// adam is Adam on the flat parameter vector, for either executor. It does
// what Gorgonia's AdamSolver does with its defaults, operation for operation
// (TestAdamMatchesGorgonia checks it bit for bit):
//
//	m = β1 m + (1-β1) g,  v = β2 v + (1-β2) g²
//	w += -η (m / (1-β1^k)) / (sqrt(v / (1-β2^k)) + ε)
//
// with β1 = 0.9, β2 = 0.999, ε = 1e-8.
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

// step updates the parameters x from their gradient grad.
func (a *adam) step(x, grad []float64) {
	if a.m == nil {
		a.m, a.v = make([]float64, len(x)), make([]float64, len(x))
	}
	a.iter++
	// 1-β in float64, as Gorgonia computes it: with the constants, Go would
	// compute 1-β exactly and round once, a different last bit.
	b1, b2 := float64(adamBeta1), float64(adamBeta2)
	omb1, omb2 := 1-b1, 1-b2
	c1 := 1 / (1 - math.Pow(b1, float64(a.iter)))
	c2 := 1 / (1 - math.Pow(b2, float64(a.iter)))
	m, v := a.m[:len(x)], a.v[:len(x)]
	for i, g := range grad[:len(x)] {
		m[i] = m[i]*b1 + g*omb1
		v[i] = v[i]*b2 + g*g*omb2
		x[i] += m[i] * c1 * -a.eta / (math.Sqrt(v[i]*c2) + adamEps)
	}
}
