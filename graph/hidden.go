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
	layers, err := m.runOnce("hidden activity", ts, func(b *builder, t *G.Node) (G.Nodes, error) {
		values := make(G.Nodes, 0, len(b.w))
		err := b.eachLayer(t, false, func(_ int, _, h *G.Node) error {
			values = append(values, h)
			return nil
		})
		return values, err
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

// eachLayer builds the network's layers at the points of the n x 1 node t,
// without derivatives, and calls visit with each layer's number,
// pre-activation z and activation act(z): the hidden layers 1, 2, ..., then,
// if outputs, the output layer once per variable.
func (b *builder) eachLayer(t *G.Node, outputs bool, visit func(l int, z, h *G.Node) error) error {
	net := b.net
	h, err := jetAffine(jet{v: t}, net.InputScale, net.InputShift)
	if err != nil {
		return err
	}
	layer := func(l int, w, bias *G.Node, act Activation) (jet, error) {
		z, err := jetDense(h, w, bias)
		if err != nil {
			return jet{}, err
		}
		a, err := jetActivate(z, act)
		if err != nil {
			return jet{}, err
		}
		return a, visit(l, z.v, a.v)
	}
	for l := range b.w {
		if h, err = layer(l+1, b.w[l], b.b[l], net.Activation); err != nil {
			return fmt.Errorf("layer %d: %w", l+1, err)
		}
	}
	for i := range b.wOut {
		if !outputs {
			break
		}
		if _, err := layer(len(b.w)+1, b.wOut[i], b.bOut[i], net.OutputActivation); err != nil {
			return fmt.Errorf("output layer: %w", err)
		}
	}
	return nil
}
