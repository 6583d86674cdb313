package graph

// The flat parameter vector is the learnable nodes' numbers in the order of
// builder.learnables: each hidden layer's weights (row-major) and biases,
// then each output's weights and bias, then the unknown parameters.

// numParams is the length of the flat parameter vector.
func (lg *lossGraph) numParams() int {
	c := 0
	for _, n := range lg.params {
		c += n.Shape().TotalSize()
	}
	return c
}

// initialParams returns the flat parameter vector the graph was built with.
func (lg *lossGraph) initialParams() []float64 {
	x := make([]float64, lg.numParams())
	off := 0
	for _, n := range lg.params {
		off += numbersOf(n.Value()).get(x[off:])
	}
	return x
}

// pull copies the flat parameter vector x into the network and the unknown
// parameters.
func (lg *lossGraph) pull(x []float64, net *Network, unknown map[string]float64) {
	take := func(n int) []float64 {
		s := x[:n]
		x = x[n:]
		return s
	}
	last := net.Layers() - 1
	for l := range last {
		copy(net.Weights[l], take(len(net.Weights[l])))
		copy(net.Biases[l], take(len(net.Biases[l])))
	}
	m := net.Outputs()
	for i := range m {
		for j, w := range take(net.Widths[last]) {
			net.Weights[last][j*m+i] = w
		}
		net.Biases[last][i] = take(1)[0]
	}
	for _, name := range lg.p.Unknown {
		unknown[name] = take(1)[0]
	}
}
