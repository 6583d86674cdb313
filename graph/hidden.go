package graph

import (
	"fmt"

	"pinn/problems"

	G "gorgonia.org/gorgonia"
)

// HiddenActivity returns the value of every hidden unit at the points ts:
// out[l][j][k] is unit j of hidden layer l+1 at ts[k]. It shows, for
// example, which ReLU units are dead (zero at every point).
func HiddenActivity(p *problems.Problem, net *Network, ts []float64) ([][][]float64, error) {
	if len(ts) == 0 {
		return nil, errNoPoints
	}
	b, err := newBuilder(p, net, Config{}.withDefaults(p.Order), nil)
	if err != nil {
		return nil, err
	}
	h, err := jetAffine(jet{v: b.column("t", ts)}, net.InputScale, net.InputShift)
	if err != nil {
		return nil, err
	}
	values := make([]G.Value, len(b.w))
	for l := range b.w {
		if h, err = jetDense(h, b.w[l], b.b[l]); err != nil {
			return nil, fmt.Errorf("layer %d: %w", l+1, err)
		}
		if h, err = jetActivate(h, net.Activation); err != nil {
			return nil, fmt.Errorf("layer %d: %w", l+1, err)
		}
		G.Read(h.v, &values[l])
	}
	vm := G.NewTapeMachine(b.g)
	defer vm.Close()
	if err := vm.RunAll(); err != nil {
		return nil, fmt.Errorf("graph: hidden activity: %w", err)
	}
	out := make([][][]float64, len(b.w))
	for l, v := range values {
		data := v.Data().([]float64) // len(ts) x width, row-major
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
