package graph

import (
	"fmt"

	"pinn/problems"

	G "gorgonia.org/gorgonia"
)

// Predict returns the solution a network gives and its first derivative
// (symbolic) at the points ts. ic must be the mode the network was trained
// with: the hard-constrained trial solution wraps the network.
func Predict(p *problems.Problem, net *Network, ic ICMode, ts []float64) (*problems.Solution, error) {
	if len(ts) == 0 {
		return nil, errNoPoints
	}
	cfg := Config{IC: ic, Derivative: Symbolic}.withDefaults(p.Order)
	b, err := newBuilder(p, net, cfg, nil)
	if err != nil {
		return nil, err
	}
	t := b.column("t", ts)
	ys, err := b.values(t)
	if err != nil {
		return nil, err
	}
	dys, err := gradients(ys, t)
	if err != nil {
		return nil, err
	}
	m := len(p.Vars)
	yv, dyv := make([]G.Value, m), make([]G.Value, m)
	for i := range m {
		G.Read(ys[i], &yv[i])
		G.Read(dys[i], &dyv[i])
	}
	vm := G.NewTapeMachine(b.g)
	defer vm.Close()
	if err := vm.RunAll(); err != nil {
		return nil, fmt.Errorf("graph: predict: %w", err)
	}
	sol := &problems.Solution{T: ts, Y: make([][]float64, m), DY: make([][]float64, m)}
	for i := range m {
		sol.Y[i] = append([]float64(nil), yv[i].Data().([]float64)...)
		sol.DY[i] = append([]float64(nil), dyv[i].Data().([]float64)...)
	}
	return sol, nil
}
