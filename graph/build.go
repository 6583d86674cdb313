package graph

import (
	"errors"
	"fmt"
	"strings"

	"pinn/problems"

	G "gorgonia.org/gorgonia"
	"gorgonia.org/tensor"
)

// errNoPoints refuses an empty set of points: Gorgonia cannot run on empty
// tensors (it panics in a goroutine of its own, where nothing can recover).
var errNoPoints = errors.New("graph: no points to evaluate at")

// builder assembles one graph: the network's weights as learnable nodes, the
// trial solution, its derivatives and the loss.
type builder struct {
	g       *G.ExprGraph
	p       *problems.Problem
	cfg     Config
	net     *Network
	w, b    []*G.Node // hidden layers
	wOut    []*G.Node // output layer, one column per variable
	bOut    []*G.Node
	unknown []*G.Node // unknown parameters, in p.Unknown order
	inputs  int       // counter that keeps input names unique
	// log records the stage of each node for DescribeGraph; nil when
	// training.
	log *stageLog
	// base are the frozen networks of Config.base, as constant nodes.
	base []frozen
	// trials are the trial solutions that meet hard conditions, one per
	// variable; nil when the conditions are soft.
	trials []trialPlan
}

// frozen is a network whose weights are constants of the graph, and the
// factor its output is multiplied by.
type frozen struct {
	net        *Network
	scale      float64
	w, b       []*G.Node
	wOut, bOut []*G.Node
}

// newBuilder starts a graph holding the network's weights and the problem's
// parameters; unknown gives the unknown parameters' current values (nil: the
// problem's starting values).
func newBuilder(p *problems.Problem, net *Network, cfg Config, unknown map[string]float64) (*builder, error) {
	if err := net.Validate(); err != nil {
		return nil, err
	}
	if net.Outputs() != len(p.Vars) {
		return nil, fmt.Errorf("graph: network has %d outputs, problem %s has %d variables", net.Outputs(), p.Name, len(p.Vars))
	}
	if err := supported(p); err != nil {
		return nil, err
	}
	b := &builder{g: G.NewGraph(), p: p, cfg: cfg, net: net}
	if cfg.IC == HardIC {
		b.trials = trialPlans(p)
	}
	b.w, b.b, b.wOut, b.bOut = b.layers("", net)
	for k, sn := range cfg.base {
		if err := sn.Network.Validate(); err != nil {
			return nil, fmt.Errorf("graph: base network %d: %w", k+1, err)
		}
		if sn.Network.Outputs() != len(p.Vars) {
			return nil, fmt.Errorf("graph: base network %d has %d outputs, problem %s has %d variables", k+1, sn.Network.Outputs(), p.Name, len(p.Vars))
		}
		f := frozen{net: sn.Network, scale: sn.Scale}
		f.w, f.b, f.wOut, f.bOut = b.layers(fmt.Sprintf("base%d_", k+1), sn.Network)
		b.base = append(b.base, f)
	}
	for _, k := range p.Unknown {
		v, ok := unknown[k]
		if !ok {
			v = p.Params[k]
		}
		n := G.NewScalar(b.g, tensor.Float64, G.WithName("unknown_"+k), G.WithValue(v))
		b.unknown = append(b.unknown, n)
	}
	return b, nil
}

// layers adds the weights of net as nodes named with prefix: each hidden
// layer's weights and biases, then the output layer's, one column per
// variable.
func (b *builder) layers(prefix string, net *Network) (w, bias, wOut, bOut []*G.Node) {
	last := net.Layers() - 1
	for l := 0; l < last; l++ {
		in, out := net.Widths[l], net.Widths[l+1]
		w = append(w, b.matrix(fmt.Sprintf("%sW%d", prefix, l+1), in, out, net.Weights[l]))
		bias = append(bias, b.matrix(fmt.Sprintf("%sb%d", prefix, l+1), 1, out, net.Biases[l]))
	}
	in, m := net.Widths[last], net.Outputs()
	for i, v := range b.p.Vars {
		col := make([]float64, in)
		for j := range col {
			col[j] = net.Weights[last][j*m+i]
		}
		wOut = append(wOut, b.matrix(fmt.Sprintf("%sW%d_%s", prefix, last+1, v), in, 1, col))
		bOut = append(bOut, b.matrix(fmt.Sprintf("%sb%d_%s", prefix, last+1, v), 1, 1, net.Biases[last][i:i+1]))
	}
	return w, bias, wOut, bOut
}

// ErrUnsupported is wrapped by the error for a problem graph cannot build
// yet: one with parameter ranges.
var ErrUnsupported = errors.New("graph: not supported yet")

// supported reports what keeps graph from building p.
func supported(p *problems.Problem) error {
	switch {
	case p.IsFamily():
		return fmt.Errorf("%w: %s has parameter ranges (%s)", ErrUnsupported, p.Name, strings.Join(p.RangeNames(), ", "))
	}
	return nil
}

// matrix adds a rows x cols node holding a copy of data.
func (b *builder) matrix(name string, rows, cols int, data []float64) *G.Node {
	v := tensor.New(tensor.WithShape(rows, cols), tensor.WithBacking(append([]float64(nil), data...)))
	return G.NewMatrix(b.g, tensor.Float64, G.WithShape(rows, cols), G.WithName(name), G.WithValue(v))
}

// column adds an input node holding the values as an n x 1 matrix.
func (b *builder) column(name string, values []float64) *G.Node {
	b.inputs++
	return b.matrix(fmt.Sprintf("%s_%d", name, b.inputs), len(values), 1, values)
}

// learnables lists the nodes training changes: the network's weights and
// biases (hidden layers, then the output layer per variable), then the
// unknown parameters.
func (b *builder) learnables() G.Nodes {
	var ns G.Nodes
	for l := range b.w {
		ns = append(ns, b.w[l], b.b[l])
	}
	for i := range b.wOut {
		ns = append(ns, b.wOut[i], b.bOut[i])
	}
	return append(ns, b.unknown...)
}

// solution builds the trial solution at the points of the n x 1 node t, one
// jet per variable, with derivatives up to order.
func (b *builder) solution(t *G.Node, order int) ([]jet, error) {
	tj := jet{v: t, order: order}
	if order > 0 {
		ones := make([]float64, t.Shape()[0])
		for i := range ones {
			ones[i] = 1
		}
		tj.d1 = b.column("dt", ones)
		b.log.set(StageFirstPass, 0, tj.d1)
	}
	start := b.log.size()
	h, err := jetAffine(tj, b.net.InputScale, b.net.InputShift)
	if err != nil {
		return nil, err
	}
	b.log.mark(start, StageNetwork, 0)
	for l := range b.w {
		start = b.log.size()
		if h, err = jetDense(h, b.w[l], b.b[l]); err != nil {
			return nil, fmt.Errorf("layer %d: %w", l+1, err)
		}
		b.log.preactivation(h.v, l+1)
		if h, err = jetActivate(h, b.net.Activation); err != nil {
			return nil, fmt.Errorf("layer %d: %w", l+1, err)
		}
		b.log.name(h.v, fmt.Sprintf("h%d", l+1))
		b.log.mark(start, StageNetwork, l+1)
	}
	base, err := b.baseHidden(tj)
	if err != nil {
		return nil, err
	}
	ys := make([]jet, len(b.wOut))
	for i := range b.wOut {
		start = b.log.size()
		o, err := jetDense(h, b.wOut[i], b.bOut[i])
		if err != nil {
			return nil, fmt.Errorf("output layer: %w", err)
		}
		b.log.preactivation(o.v, len(b.w)+1)
		if o, err = jetActivate(o, b.net.OutputActivation); err != nil {
			return nil, fmt.Errorf("output layer: %w", err)
		}
		if o, err = b.stack(base, o, i); err != nil {
			return nil, err
		}
		if b.cfg.IC == HardIC {
			if o, err = b.trial(tj, o, i); err != nil {
				return nil, fmt.Errorf("trial solution: %w", err)
			}
		}
		b.log.mark(start, StageNetwork, len(b.w)+1)
		b.log.name(o.v, b.p.Vars[i])
		ys[i] = o
	}
	return ys, nil
}

// stack returns the network output n of variable i scaled by
// Config.outputScale and added to the scaled outputs of the frozen base
// networks, whose last hidden layers at the points are hs: the correction
// networks of a marched window (see March). Without them it returns n.
func (b *builder) stack(hs []jet, n jet, i int) (jet, error) {
	var err error
	if s := b.cfg.outputScale; s != 0 && s != 1 {
		if n, err = jetAffine(n, s, 0); err != nil {
			return jet{}, err
		}
	}
	for k, f := range b.base {
		o, err := jetDense(hs[k], f.wOut[i], f.bOut[i])
		if err != nil {
			return jet{}, fmt.Errorf("base network %d: output layer: %w", k+1, err)
		}
		if o, err = jetActivate(o, f.net.OutputActivation); err != nil {
			return jet{}, fmt.Errorf("base network %d: output layer: %w", k+1, err)
		}
		if o, err = jetAffine(o, f.scale, 0); err != nil {
			return jet{}, err
		}
		if n, err = jetAdd(n, o); err != nil {
			return jet{}, err
		}
	}
	return n, nil
}

// baseHidden builds the last hidden layer of each frozen base network at
// the points of the jet t.
func (b *builder) baseHidden(t jet) ([]jet, error) {
	hs := make([]jet, len(b.base))
	for k, f := range b.base {
		h, err := jetAffine(t, f.net.InputScale, f.net.InputShift)
		if err != nil {
			return nil, err
		}
		for l := range f.w {
			if h, err = jetDense(h, f.w[l], f.b[l]); err != nil {
				return nil, fmt.Errorf("base network %d: layer %d: %w", k+1, l+1, err)
			}
			if h, err = jetActivate(h, f.net.Activation); err != nil {
				return nil, fmt.Errorf("base network %d: layer %d: %w", k+1, l+1, err)
			}
		}
		hs[k] = h
	}
	return hs, nil
}

// values builds the trial solution's values at the points of t.
func (b *builder) values(t *G.Node) ([]*G.Node, error) {
	js, err := b.solution(t, 0)
	if err != nil {
		return nil, err
	}
	ys := make([]*G.Node, len(js))
	for i, j := range js {
		ys[i] = j.v
	}
	return ys, nil
}

// residualPoints holds what the ODE residual needs at its points t: the
// solution, its first derivative and, for second-order problems, its second.
type residualPoints struct {
	t          *G.Node
	y, dy, ddy []*G.Node
}

// atCollocation builds the solution and its derivatives at the collocation
// points t the configured way. FDForward returns fewer points: its
// differences live on the right-hand points.
func (b *builder) atCollocation(t *G.Node) (r residualPoints, err error) {
	defer b.log.mark(b.log.size(), StageFirstPass, noLayer)
	order := b.p.Order
	r.t = t
	switch b.cfg.Derivative {
	case Symbolic:
		if r.y, err = b.values(t); err != nil {
			return
		}
		if r.dy, err = gradients(r.y, t); err != nil {
			return
		}
		if order == 2 {
			r.ddy, err = gradients(r.dy, t)
		}
	case Forward:
		var js []jet
		if js, err = b.solution(t, order); err != nil {
			return
		}
		for _, j := range js {
			if j.d1 == nil || (order == 2 && j.d2 == nil) {
				return r, errors.New("graph: the solution does not depend on t")
			}
			r.y, r.dy, r.ddy = append(r.y, j.v), append(r.dy, j.d1), append(r.ddy, j.d2)
		}
	case FDCentral:
		return b.centralDifferences(t, order)
	case FDForward:
		return b.gridDifferences(t, order)
	case WRTPrediction:
		if order != 1 {
			return r, errors.New("graph: the wrt-prediction mistake is defined for first-order problems only")
		}
		if r.y, err = b.values(t); err != nil {
			return
		}
		r.dy, err = wrtPrediction(b.g, r.y)
	default:
		err = fmt.Errorf("graph: unknown derivative %q", b.cfg.Derivative)
	}
	return
}

// gradients returns d(sum(y_i))/dt for each y_i.
func gradients(ys []*G.Node, t *G.Node) ([]*G.Node, error) {
	ds := make([]*G.Node, len(ys))
	for i, y := range ys {
		var err error
		if ds[i], err = gradient(y, t); err != nil {
			return nil, fmt.Errorf("graph: symbolic derivative: %w", err)
		}
	}
	return ds, nil
}

// wrtPrediction is the forum thread's first "derivative": the gradient of
// sum(y) with respect to y, computed by Gorgonia as the thread's Zygote did.
// It is all ones, whatever the network.
func wrtPrediction(g *G.ExprGraph, ys []*G.Node) ([]*G.Node, error) {
	ds := make([]*G.Node, len(ys))
	for i, y := range ys {
		s, err := G.Sum(y)
		if err != nil {
			return nil, err
		}
		if err := forgetDerivatives(g); err != nil {
			return nil, err
		}
		one := g.AddNode(G.NewConstant(1.0))
		gs, err := G.Backpropagate(G.Nodes{s}, G.Nodes{one}, G.Nodes{y})
		if err != nil {
			return nil, err
		}
		ds[i] = gs[0]
	}
	return ds, nil
}

// shifted returns t + h as a node.
func shifted(t *G.Node, h float64) (*G.Node, error) {
	return G.Add(t, G.NewConstant(h))
}

// centralDifferences builds y' = (y(t+h) - y(t-h)) / 2h and
// y” = (y(t+h) - 2y(t) + y(t-h)) / h^2.
func (b *builder) centralDifferences(t *G.Node, order int) (r residualPoints, err error) {
	h := b.cfg.FDStep
	r.t = t
	var tp, tm *G.Node
	var yp, ym []*G.Node
	if tp, err = shifted(t, h); err != nil {
		return
	}
	if tm, err = shifted(t, -h); err != nil {
		return
	}
	if r.y, err = b.values(t); err != nil {
		return
	}
	if yp, err = b.values(tp); err != nil {
		return
	}
	if ym, err = b.values(tm); err != nil {
		return
	}
	for i := range r.y {
		var diff, d, dd *G.Node
		if diff, err = G.Sub(yp[i], ym[i]); err != nil {
			return
		}
		if d, err = G.HadamardProd(G.NewConstant(1/(2*h)), diff); err != nil {
			return
		}
		r.dy = append(r.dy, d)
		if order < 2 {
			continue
		}
		var sum, twice *G.Node
		if sum, err = G.Add(yp[i], ym[i]); err != nil {
			return
		}
		if twice, err = G.HadamardProd(G.NewConstant(2.0), r.y[i]); err != nil {
			return
		}
		if diff, err = G.Sub(sum, twice); err != nil {
			return
		}
		if dd, err = G.HadamardProd(G.NewConstant(1/(h*h)), diff); err != nil {
			return
		}
		r.ddy = append(r.ddy, dd)
	}
	return
}

// gridDifferences builds the forum thread's finite differences on the sorted
// collocation points t_0 < ... < t_{n-1}:
//
//	y'_k = (y_k - y_{k-1}) / (t_k - t_{k-1})          k >= 1
//	y''_k = (y'_k - y'_{k-1}) / (t_k - t_{k-1})       k >= 2
//
// and returns them at the right-hand points t_k, k >= order.
func (b *builder) gridDifferences(t *G.Node, order int) (r residualPoints, err error) {
	n := t.Shape()[0]
	if n <= order {
		return r, fmt.Errorf("graph: fd-forward needs more than %d collocation points, have %d", order, n)
	}
	var ys []*G.Node
	if ys, err = b.values(t); err != nil {
		return
	}
	var dt *G.Node
	if dt, err = backwardDifference(t); err != nil {
		return
	}
	if r.t, err = rows(t, order, n); err != nil {
		return
	}
	for _, y := range ys {
		var dy, d1, yk *G.Node
		if dy, err = backwardDifference(y); err != nil {
			return
		}
		if d1, err = G.HadamardDiv(dy, dt); err != nil { // at t_1 ... t_{n-1}
			return
		}
		if yk, err = rows(y, order, n); err != nil {
			return
		}
		r.y = append(r.y, yk)
		if order == 1 {
			r.dy = append(r.dy, d1)
			continue
		}
		var dd, d2, dtk, d1k *G.Node
		if dd, err = backwardDifference(d1); err != nil { // at t_2 ... t_{n-1}
			return
		}
		if dtk, err = rows(dt, 1, n-1); err != nil {
			return
		}
		if d2, err = G.HadamardDiv(dd, dtk); err != nil {
			return
		}
		if d1k, err = rows(d1, 1, n-1); err != nil {
			return
		}
		r.dy, r.ddy = append(r.dy, d1k), append(r.ddy, d2)
	}
	return
}

// rows returns rows [from, to) of an n x 1 node.
func rows(x *G.Node, from, to int) (*G.Node, error) {
	return G.Slice(x, G.S(from, to))
}

// backwardDifference returns x_k - x_{k-1}, k = 1 ... n-1, of an n x 1 node.
func backwardDifference(x *G.Node) (*G.Node, error) {
	n := x.Shape()[0]
	hi, err := rows(x, 1, n)
	if err != nil {
		return nil, err
	}
	lo, err := rows(x, 0, n-1)
	if err != nil {
		return nil, err
	}
	return G.Sub(hi, lo)
}

// atPoints builds the solution, and when slopes is set its first derivative,
// at arbitrary points t (the initial time, observation times). The
// derivative follows the configured mode; FDForward, having no grid here,
// takes (y(t+h) - y(t)) / h.
func (b *builder) atPoints(t *G.Node, slopes bool) (ys, dys []*G.Node, err error) {
	defer b.log.mark(b.log.size(), StageFirstPass, noLayer)
	if !slopes {
		ys, err = b.values(t)
		return
	}
	switch b.cfg.Derivative {
	case Symbolic:
		if ys, err = b.values(t); err == nil {
			dys, err = gradients(ys, t)
		}
	case Forward:
		var js []jet
		if js, err = b.solution(t, 1); err == nil {
			for _, j := range js {
				ys, dys = append(ys, j.v), append(dys, j.d1)
			}
		}
	case FDCentral:
		var r residualPoints
		r, err = b.centralDifferences(t, 1)
		ys, dys = r.y, r.dy
	case FDForward:
		ys, dys, err = b.forwardDifferences(t)
	default:
		err = fmt.Errorf("graph: derivative %q gives no slopes at points", b.cfg.Derivative)
	}
	return
}

// forwardDifferences builds y and (y(t+h) - y(t)) / h.
func (b *builder) forwardDifferences(t *G.Node) (ys, dys []*G.Node, err error) {
	h := b.cfg.FDStep
	var tp *G.Node
	var yp []*G.Node
	if tp, err = shifted(t, h); err != nil {
		return
	}
	if ys, err = b.values(t); err != nil {
		return
	}
	if yp, err = b.values(tp); err != nil {
		return
	}
	for i := range ys {
		var diff, d *G.Node
		if diff, err = G.Sub(yp[i], ys[i]); err != nil {
			return
		}
		if d, err = G.HadamardProd(G.NewConstant(1/h), diff); err != nil {
			return
		}
		dys = append(dys, d)
	}
	return
}
