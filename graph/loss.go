package graph

import (
	"fmt"
	"slices"

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
	// terms are the scalar nodes the loss is the sum of, in the order it
	// adds them, and termNames their names (see TraceStep.Terms).
	terms     G.Nodes
	termNames []string
	exec      executor
}

// buildLoss builds the loss of problem p for the network (and the unknown
// parameters' values) at the collocation points cols (cols[0] holds t,
// ascending for FDForward; a family's cols[1+j] range parameter j, see
// problems.Sampler.Inputs), with observations obs for inverse problems
// (nil for none), run by cfg.Executor on the given number of workers
// (Options.Workers):
//
//	L = sum_i reduce((D y_i - f_i)^2) + w_ic sum_k c_k^2 + w_data sum_i mean((y_i(t_k) - obs_ik)^2)
//
// where c_k is the residual of condition k (y_i(t0) - y0_i for an initial
// value), over the conditions the trial solution does not meet; a family's
// initial-condition terms are means over the collocation points' members
// of the misfit at t0.
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
	if lg.exec, err = newExecutor(cfg.Executor, b.g, lg.loss, lg.params, gs, lg.terms, len(cols[0]), workers); err != nil {
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
	r, err := b.atCollocation(a)
	if err != nil {
		return nil, nil, err
	}
	lg.points = r
	res, err := b.residualLoss(r)
	if err != nil {
		return nil, nil, fmt.Errorf("graph: residual: %w", err)
	}
	lg.terms = append(lg.terms, res...)
	for _, v := range b.p.Vars {
		lg.termNames = append(lg.termNames, "residual_"+v)
	}
	var cond *G.Node
	if b.p.IsFamily() {
		if b.cfg.IC == SoftIC {
			cond, err = b.familyConditionLoss(a)
		}
	} else {
		cond, err = b.conditionLoss()
	}
	if err != nil {
		return nil, nil, fmt.Errorf("graph: condition: %w", err)
	}
	if cond != nil {
		name := "ic"
		if b.p.IsBoundaryValue() {
			name = "bc"
		}
		lg.terms, lg.termNames = append(lg.terms, cond), append(lg.termNames, name)
	}
	if obs != nil && len(obs.T) > 0 {
		data, err := b.dataLoss(obs)
		if err != nil {
			return nil, nil, fmt.Errorf("graph: data misfit: %w", err)
		}
		lg.terms, lg.termNames = append(lg.terms, data), append(lg.termNames, "data")
	}
	if lg.loss, err = sumAll(lg.terms); err != nil {
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

// paramEnv returns the meaning of the problem's parameters in expressions:
// the known ones as numbers, the unknown ones as their nodes.
func (b *builder) paramEnv() exprEnv {
	env := exprEnv{nodes: map[string]*G.Node{}, consts: map[string]float64{}}
	for k, v := range b.p.Params {
		env.consts[k] = v
	}
	for i, k := range b.p.Unknown {
		delete(env.consts, k)
		env.nodes[k] = b.unknown[i]
	}
	return env
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

// familyConditionLoss builds a family's soft initial conditions, w_ic
// sum_i mean((y_i(t0) - y0_i)^2), plus the slopes' misfit for second-order
// problems: the means are over the members of the collocation points col,
// at t0, and y0_i may depend on the range parameters (see initialValue).
func (b *builder) familyConditionLoss(col at) (*G.Node, error) {
	ts := make([]float64, col.t.Shape()[0])
	for k := range ts {
		ts[k] = b.p.T0
	}
	t0 := at{t: b.column("t0", ts), params: col.params}
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
		s, err := G.Mean(sq)
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

// conditionLoss builds w_ic sum_k c_k^2 over the problem's conditions that
// the trial solution does not meet (all of them when they are soft), c_k
// being the residual of condition k (lhs - rhs) with the network's values
// and slopes at the condition's points. It returns nil when the trial
// solution meets every condition.
func (b *builder) conditionLoss() (*G.Node, error) {
	met := hardConditions(b.trials)
	var conds []problems.Condition
	for k, c := range b.p.Conditions() {
		if !met[k] {
			conds = append(conds, c)
		}
	}
	if len(conds) == 0 {
		return nil, nil
	}
	// The points, in order of first appearance, and whether a slope is
	// wanted at each.
	var points []float64
	slopes := map[float64]bool{}
	for _, c := range conds {
		for _, v := range c.Values {
			if !slices.Contains(points, v.At) {
				points = append(points, v.At)
			}
			slopes[v.At] = slopes[v.At] || v.Deriv == 1
		}
	}
	env := b.paramEnv()
	type atPoint struct{ ys, dys []*G.Node }
	byPoint := map[float64]atPoint{}
	for _, pt := range points {
		name := "t_bc"
		switch pt {
		case b.p.T0:
			name = "t0"
		case b.p.T1:
			name = "t1"
		}
		t := b.column(name, []float64{pt})
		b.log.set(StageNetwork, 0, t)
		ys, dys, err := b.atPoints(at{t: t}, slopes[pt])
		if err != nil {
			return nil, err
		}
		byPoint[pt] = atPoint{ys, dys}
	}
	var terms G.Nodes
	for _, c := range conds {
		for _, v := range c.Values {
			env.nodes[v.Name] = byPoint[v.At].ys[v.Var]
			if v.Deriv == 1 {
				env.nodes[v.Name] = byPoint[v.At].dys[v.Var]
			}
		}
		r, err := buildExpr(c.Residual, env)
		if err != nil {
			return nil, fmt.Errorf("%q: %w", c.Text, err)
		}
		sq, err := G.Square(r)
		if err != nil {
			return nil, err
		}
		s, err := G.Sum(sq)
		if err != nil {
			return nil, err
		}
		terms = append(terms, s)
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
