package graph

import (
	"fmt"

	"pinn/problems"

	G "gorgonia.org/gorgonia"
)

// Residuals returns the ODE residual D y_i - f_i(t, y, y') of a network at
// the points ts, with symbolic derivatives: out[i][k] is variable i's at
// ts[k]. unknown gives the unknown parameters' values (nil: the problem's).
func Residuals(p *problems.Problem, net *Network, ic ICMode, unknown map[string]float64, ts []float64) ([][]float64, error) {
	if len(ts) == 0 {
		return nil, errNoPoints
	}
	b, err := newBuilder(p, net, Config{IC: ic, Derivative: Symbolic}.withDefaults(p.Order), unknown)
	if err != nil {
		return nil, err
	}
	r, err := b.atCollocation(b.column("t", ts))
	if err != nil {
		return nil, err
	}
	res, err := b.residuals(r)
	if err != nil {
		return nil, err
	}
	values := make([]G.Value, len(res))
	for i := range res {
		G.Read(res[i], &values[i])
	}
	vm := G.NewTapeMachine(b.g)
	defer vm.Close()
	if err := vm.RunAll(); err != nil {
		return nil, fmt.Errorf("graph: residuals: %w", err)
	}
	out := make([][]float64, len(res))
	for i, v := range values {
		out[i] = append([]float64(nil), v.Data().([]float64)...)
	}
	return out, nil
}
