package graph

import (
	"fmt"

	G "gorgonia.org/gorgonia"
)

// HiddenActivity returns the value of every hidden unit at the points ts:
// out[l][j][k] is unit j of hidden layer l+1 at ts[k]. It shows, for
// example, which ReLU units are dead (zero at every point). A marched
// model, whose windows each have their networks, is refused.
func (m *Model) HiddenActivity(ts []float64) ([][][]float64, error) {
	if m.windows != nil {
		return nil, fmt.Errorf("%w: hidden activity is measured on one network (train with Method Whole)", errPiecewise)
	}
	net := m.net
	layers, err := m.runOnce("hidden activity", [][]float64{ts}, func(b *builder, a at) (G.Nodes, error) {
		h, err := jetAffine(jet{v: a.t}, net.InputScale, net.InputShift)
		if err != nil {
			return nil, err
		}
		values := make(G.Nodes, len(b.w))
		for l := range b.w {
			if h, err = dense(h, a, l, net, b.weights); err != nil {
				return nil, fmt.Errorf("layer %d: %w", l+1, err)
			}
			if h, err = jetActivate(h, net.Activation); err != nil {
				return nil, fmt.Errorf("layer %d: %w", l+1, err)
			}
			values[l] = h.v
		}
		return values, nil
	})
	if err != nil {
		return nil, err
	}
	out := make([][][]float64, len(layers))
	for l, data := range layers { // len(ts) x width, row-major
		width := net.Widths[l+1]
		out[l] = make([][]float64, width)
		for j := range width {
			out[l][j] = make([]float64, len(ts))
			for k := range ts {
				out[l][j][k] = data[k*width+j]
			}
		}
	}
	return out, nil
}
