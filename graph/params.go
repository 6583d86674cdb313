package graph

import (
	G "gorgonia.org/gorgonia"
	"gorgonia.org/tensor"
)

// slot is one learnable node seen as numbers: the value and the accumulated
// gradient. A matrix's slices are its own storage; a scalar's are copies of
// scalar and scalarGrad (the Tape executor's gradient), which flush writes
// back.
type slot struct {
	value, grad        []float64
	scalar, scalarGrad *G.F64
}

// flush writes a scalar slot's copies back into its node.
func (s slot) flush() {
	if s.scalar != nil {
		*s.scalar = G.F64(s.value[0])
	}
	if s.scalarGrad != nil {
		*s.scalarGrad = G.F64(s.grad[0])
	}
}

// slots returns the learnable nodes in the order of builder.learnables; the
// optimisers and tests see them as one flat vector in that order. The
// Compiled executor's slots are made once (its gradient lives in lg.acc)
// and only the scalars' copies are refreshed, so that training allocates
// nothing per epoch.
func (lg *lossGraph) slots() []slot {
	if lg.cachedSlots != nil {
		for _, s := range lg.cachedSlots {
			if s.scalar != nil {
				s.value[0] = float64(*s.scalar)
			}
		}
		return lg.cachedSlots
	}
	s := make([]slot, len(lg.params))
	off := 0
	for i, n := range lg.params {
		var gv G.Value
		if lg.m != nil {
			size := n.Shape().TotalSize()
			s[i].grad, off = lg.acc[off:off+size], off+size
		} else {
			gv, _ = n.Grad() // nil before the first run
		}
		switch v := n.Value().(type) {
		case *tensor.Dense:
			s[i].value = v.Data().([]float64)
			if gv != nil {
				s[i].grad = gv.Data().([]float64)
			}
		case *G.F64:
			s[i].value, s[i].scalar = []float64{float64(*v)}, v
			if g, ok := gv.(*G.F64); ok {
				s[i].grad, s[i].scalarGrad = []float64{float64(*g)}, g
			}
		}
	}
	if lg.m != nil {
		lg.cachedSlots = s
	}
	return s
}

// numParams is the length of the flat parameter vector.
func (lg *lossGraph) numParams() int {
	c := 0
	for _, n := range lg.params {
		c += n.Shape().TotalSize()
	}
	return c
}

// getParams copies the parameters into x.
func (lg *lossGraph) getParams(x []float64) {
	i := 0
	for _, s := range lg.slots() {
		i += copy(x[i:], s.value)
	}
}

// setParams copies x into the parameters.
func (lg *lossGraph) setParams(x []float64) {
	i := 0
	for _, s := range lg.slots() {
		i += copy(s.value, x[i:])
		s.flush()
	}
}

// takeGradient copies the accumulated gradient into dst and zeroes it, so
// that the next run starts from nothing.
func (lg *lossGraph) takeGradient(dst []float64) {
	i := 0
	for _, s := range lg.slots() {
		i += copy(dst[i:], s.grad)
		clear(s.grad)
		s.flush()
	}
}

// pull copies the learned values back into the network and the unknown
// parameters.
func (lg *lossGraph) pull(net *Network, unknown map[string]float64) {
	ss := lg.slots()
	hidden := 2 * (net.Layers() - 1) // weight and bias slots of hidden layers
	m := net.Outputs()
	for l := 0; l < hidden/2; l++ {
		copy(net.Weights[l], ss[2*l].value)
		copy(net.Biases[l], ss[2*l+1].value)
	}
	last := net.Layers() - 1
	for i := 0; i < m; i++ {
		for j, w := range ss[hidden+2*i].value {
			net.Weights[last][j*m+i] = w
		}
		net.Biases[last][i] = ss[hidden+2*i+1].value[0]
	}
	for k, name := range lg.p.Unknown {
		unknown[name] = ss[hidden+2*m+k].value[0]
	}
}
