package graph

import (
	"fmt"

	"pinn/problems"

	G "gorgonia.org/gorgonia"
)

// lossGraph is one PINN loss over fixed collocation points, its gradient with
// respect to every learnable node, and the executor that runs them.
type lossGraph struct {
	*builder
	at     at      // collocation points, n x 1 nodes
	params G.Nodes // learnable nodes, see builder.learnables
	// points holds the solution and its derivatives at t.
	points residualPoints
	loss   *G.Node
	exec   executor
}

// buildLoss builds the loss of problem p for the network (and the unknown
// parameters' values) at the collocation points cols (cols[0] holds t,
// ascending for FDForward; a family's cols[1+j] range parameter j, see
// problems.Sampler.Inputs), with observations obs for inverse problems
// (nil for none), run by cfg.Executor on the given number of workers
// (Options.Workers):
//
//	L = sum_i reduce((D y_i - f_i)^2) + w_ic sum_i |y_i(t0) - y0_i|^2 (+ |y_i'(t0) - dy0_i|^2)
//	    + w_data sum_i mean((y_i(t_k) - obs_ik)^2)
//
// where for a family the initial-condition term is the mean over the
// collocation points' members of the misfit at t0.
func buildLoss(p *problems.Problem, net *Network, unknown map[string]float64, cfg Config, cols [][]float64, obs *problems.Observations, workers int) (*lossGraph, error) {
	cfg = cfg.withDefaults(p.Order)
	b, err := newBuilder(p, net, cfg, unknown)
	if err != nil {
		return nil, err
	}
	lg, gs, err := b.lossAndGradient(cols, obs)
	if err != nil {
		return nil, err
	}
	if lg.exec, err = newExecutor(cfg.Executor, b.g, lg.loss, lg.params, gs, len(cols[0]), workers); err != nil {
		return nil, err
	}
	return lg, nil
}

// lossAndGradient builds the loss (see buildLoss) and its gradient with
// respect to the learnable nodes, which it returns in their order.
func (b *builder) lossAndGradient(cols [][]float64, obs *problems.Observations) (*lossGraph, G.Nodes, error) {
	a, err := b.points("t", cols)
	if err != nil {
		return nil, nil, err
	}
	lg := &lossGraph{builder: b, at: a, params: b.learnables()}
	b.log.set(StageNetwork, 0, append(G.Nodes{a.t}, a.params...)...)
	start := b.log.size()
	var terms G.Nodes
	r, err := b.atCollocation(a)
	if err != nil {
		return nil, nil, err
	}
	lg.points = r
	res, err := b.residualLoss(r)
	if err != nil {
		return nil, nil, fmt.Errorf("graph: residual: %w", err)
	}
	terms = append(terms, res...)
	if b.cfg.IC == SoftIC {
		ic, err := b.initialConditionLoss(a)
		if err != nil {
			return nil, nil, fmt.Errorf("graph: initial condition: %w", err)
		}
		terms = append(terms, ic)
	}
	if obs != nil && len(obs.T) > 0 {
		data, err := b.dataLoss(obs)
		if err != nil {
			return nil, nil, fmt.Errorf("graph: data misfit: %w", err)
		}
		terms = append(terms, data)
	}
	if lg.loss, err = sumAll(terms); err != nil {
		return nil, nil, err
	}
	b.log.mark(start, StageLoss, noLayer)
	start = b.log.size()
	gs, err := grads(lg.loss, lg.params...)
	if err != nil {
		return nil, nil, fmt.Errorf("graph: gradient of the loss: %w", err)
	}
	b.log.mark(start, StageSecondPass, noLayer)
	return lg, gs, nil
}

// residuals builds D y_i - f_i(t, y, y') for each variable.
func (b *builder) residuals(r residualPoints) (G.Nodes, error) {
	env := b.env(r.at)
	for i, v := range b.p.Vars {
		env.nodes[v] = r.y[i]
		if b.p.Order == 2 {
			env.nodes["d"+v] = r.dy[i]
		}
	}
	lhs := r.dy
	if b.p.Order == 2 {
		lhs = r.ddy
	}
	res := make(G.Nodes, len(b.p.Vars))
	for i := range b.p.Vars {
		f, err := buildExpr(b.p.RightHandSide(i), env)
		if err != nil {
			return nil, err
		}
		if res[i], err = G.Sub(lhs[i], f); err != nil {
			return nil, err
		}
	}
	return res, nil
}

// residualLoss builds reduce((D y_i - f_i(t, y, y'))^2) for each variable.
func (b *builder) residualLoss(r residualPoints) (G.Nodes, error) {
	res, err := b.residuals(r)
	if err != nil {
		return nil, err
	}
	terms := make(G.Nodes, len(res))
	for i, ri := range res {
		sq, err := G.Square(ri)
		if err != nil {
			return nil, err
		}
		if b.cfg.SumResidual {
			terms[i], err = G.Sum(sq)
		} else {
			terms[i], err = G.Mean(sq)
		}
		if err != nil {
			return nil, err
		}
	}
	return terms, nil
}

// initialConditionLoss builds w_ic sum_i (y_i(t0) - y0_i)^2, plus the slopes'
// misfit for second-order problems. A family's misfit is the mean over the
// members of the collocation points col, at t0.
func (b *builder) initialConditionLoss(col at) (*G.Node, error) {
	t0 := at{t: b.column("t0", []float64{b.p.T0})}
	if b.p.IsFamily() {
		ts := make([]float64, col.t.Shape()[0])
		for k := range ts {
			ts[k] = b.p.T0
		}
		t0 = at{t: b.column("t0", ts), params: col.params}
	}
	b.log.set(StageNetwork, 0, t0.t)
	ys, dys, err := b.atPoints(t0, b.p.Order == 2)
	if err != nil {
		return nil, err
	}
	var terms G.Nodes
	misfit := func(n *G.Node, i, deriv int) error {
		v, want, err := b.initialValue(t0, i, deriv)
		if err != nil {
			return err
		}
		if want == nil {
			want = G.NewConstant(v)
		}
		d, err := G.Sub(n, want)
		if err != nil {
			return err
		}
		sq, err := G.Square(d)
		if err != nil {
			return err
		}
		reduce := G.Sum
		if b.p.IsFamily() {
			reduce = G.Mean
		}
		s, err := reduce(sq)
		terms = append(terms, s)
		return err
	}
	for i := range b.p.Vars {
		if err := misfit(ys[i], i, 0); err != nil {
			return nil, err
		}
		if b.p.Order == 2 {
			if err := misfit(dys[i], i, 1); err != nil {
				return nil, err
			}
		}
	}
	return weighted(b.cfg.ICWeight, terms)
}

// dataLoss builds w_data sum_i mean((y_i(t_k) - obs_ik)^2), each
// observation of a family at its member.
func (b *builder) dataLoss(obs *problems.Observations) (*G.Node, error) {
	cols := [][]float64{obs.T}
	for _, k := range b.p.RangeNames() {
		cols = append(cols, obs.Ranges[k])
	}
	a, err := b.points("t_data", cols)
	if err != nil {
		return nil, err
	}
	b.log.set(StageNetwork, 0, a.t)
	ys, err := b.values(a)
	if err != nil {
		return nil, err
	}
	var terms G.Nodes
	for i, v := range b.p.Vars {
		d, err := G.Sub(ys[i], b.column("obs_"+v, obs.Y[i]))
		if err != nil {
			return nil, err
		}
		sq, err := G.Square(d)
		if err != nil {
			return nil, err
		}
		m, err := G.Mean(sq)
		if err != nil {
			return nil, err
		}
		terms = append(terms, m)
	}
	return weighted(b.cfg.DataWeight, terms)
}

// weighted returns w times the sum of the scalar terms.
func weighted(w float64, terms G.Nodes) (*G.Node, error) {
	s, err := sumAll(terms)
	if err != nil || w == 1 {
		return s, err
	}
	return G.HadamardProd(G.NewConstant(w), s)
}

// sumAll adds scalar nodes.
func sumAll(terms G.Nodes) (*G.Node, error) {
	s := terms[0]
	for _, t := range terms[1:] {
		var err error
		if s, err = G.Add(s, t); err != nil {
			return nil, err
		}
	}
	return s, nil
}
