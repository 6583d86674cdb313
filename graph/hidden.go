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
		values := make(G.Nodes, 0, len(b.w))
		err := b.eachLayer(a, false, func(_ int, _, h *G.Node) error {
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

// eachLayer builds the network's layers at the points of a,
// without derivatives, and calls visit with each layer's number,
// pre-activation z and activation act(z): the hidden layers 1, 2, ..., then,
// if outputs, the output layer once per variable.
func (b *builder) eachLayer(a at, outputs bool, visit func(l int, z, h *G.Node) error) error {
	net := b.net
	h, err := jetAffine(jet{v: a.t}, net.InputScale, net.InputShift)
	if err != nil {
		return err
	}
	visitJet := func(l int, z jet, act Activation) (jet, error) {
		h, err := jetActivate(z, act)
		if err != nil {
			return jet{}, err
		}
		return h, visit(l, z.v, h.v)
	}
	for l := range b.w {
		z, err := dense(h, a, l, net, b.weights)
		if err == nil {
			h, err = visitJet(l+1, z, net.Activation)
		}
		if err != nil {
			return fmt.Errorf("layer %d: %w", l+1, err)
		}
	}
	for i := range b.wOut {
		if !outputs {
			break
		}
		z, err := jetDense(h, b.wOut[i], b.bOut[i])
		if err == nil {
			_, err = visitJet(len(b.w)+1, z, net.OutputActivation)
		}
		if err != nil {
			return fmt.Errorf("output layer: %w", err)
		}
	}
	return nil
}
