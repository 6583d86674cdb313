package graph

import (
	"errors"
	"fmt"
	"strings"

	"pinn/problems"
	"pinn/problems/expr"

	G "gorgonia.org/gorgonia"
	"gorgonia.org/tensor"
)

// errNoPoints refuses an empty set of points: Gorgonia cannot run on empty
// tensors (it panics in a goroutine of its own, where nothing can recover).
var errNoPoints = errors.New("graph: no points to evaluate at")

// builder assembles one graph: the network's weights as learnable nodes, the
// trial solution, its derivatives and the loss.
type builder struct {
	g   *G.ExprGraph
	p   *problems.Problem
	cfg Config
	net *Network
	weights
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

// weights are the weight and bias nodes of a network: each hidden
// layer's, with the first layer's rows for the inputs after t (a family's
// range parameters) apart in in, and the output layer's, one column per
// variable.
type weights struct {
	w, b       []*G.Node // hidden layers; w[0] holds the row of t
	in         []*G.Node // the first layer's rows of the range parameters
	wOut, bOut []*G.Node
}

// frozen is a network whose weights are constants of the graph, and the
// factor its output is multiplied by.
type frozen struct {
	net   *Network
	scale float64
	weights
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
	if err := fitsInputs(p, net); err != nil {
		return nil, err
	}
	if p.IsFamily() && (cfg.Derivative == FDForward || cfg.Derivative == WRTPrediction) {
		return nil, fmt.Errorf("graph: derivative %s takes differences between neighbouring points in %s, which in a family belong to different members: use %s, %s or %s",
			cfg.Derivative, p.Indep, Symbolic, Forward, FDCentral)
	}
	b := &builder{g: G.NewGraph(), p: p, cfg: cfg, net: net}
	if cfg.IC == HardIC && !p.IsFamily() {
		b.trials = trialPlans(p)
	}
	b.weights = b.layers("", net)
	for k, sn := range cfg.base {
		if err := sn.Network.Validate(); err != nil {
			return nil, fmt.Errorf("graph: base network %d: %w", k+1, err)
		}
		if sn.Network.Outputs() != len(p.Vars) {
			return nil, fmt.Errorf("graph: base network %d has %d outputs, problem %s has %d variables", k+1, sn.Network.Outputs(), p.Name, len(p.Vars))
		}
		if err := fitsInputs(p, sn.Network); err != nil {
			return nil, fmt.Errorf("graph: base network %d: %w", k+1, err)
		}
		b.base = append(b.base, frozen{net: sn.Network, scale: sn.Scale, weights: b.layers(fmt.Sprintf("base%d_", k+1), sn.Network)})
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

// fitsInputs reports whether net has the inputs p needs: t, and one per
// range parameter of a family.
func fitsInputs(p *problems.Problem, net *Network) error {
	if want := 1 + len(p.Ranges); net.Inputs() != want {
		if p.IsFamily() {
			return fmt.Errorf("graph: network has %d inputs, the family %s needs %d: %s and %s", net.Inputs(), p.Name, want, p.Indep, strings.Join(p.RangeNames(), ", "))
		}
		return fmt.Errorf("graph: network has %d inputs, problem %s needs 1: %s", net.Inputs(), p.Name, p.Indep)
	}
	return nil
}

// layers adds the weights of net as nodes named with prefix: each hidden
// layer's weights and biases (the first layer's row for each range
// parameter a node of its own, in ws.in), then the output layer's, one
// column per variable.
func (b *builder) layers(prefix string, net *Network) (ws weights) {
	last := net.Layers() - 1
	for l := 0; l < last; l++ {
		in, out := net.Widths[l], net.Widths[l+1]
		if l == 0 && in > 1 {
			// Rows of W1 apart, so that t's row multiplies t alone and the
			// symbolic dy/dt is taken with respect to t's node only.
			for j, k := range b.p.RangeNames() {
				ws.in = append(ws.in, b.matrix(fmt.Sprintf("%sW1_%s", prefix, k), 1, out, net.Weights[0][(j+1)*out:(j+2)*out]))
			}
			in = 1
		}
		ws.w = append(ws.w, b.matrix(fmt.Sprintf("%sW%d", prefix, l+1), in, out, net.Weights[l][:in*out]))
		ws.b = append(ws.b, b.matrix(fmt.Sprintf("%sb%d", prefix, l+1), 1, out, net.Biases[l]))
	}
	in, m := net.Widths[last], net.Outputs()
	for i, v := range b.p.Vars {
		col := make([]float64, in)
		for j := range col {
			col[j] = net.Weights[last][j*m+i]
		}
		ws.wOut = append(ws.wOut, b.matrix(fmt.Sprintf("%sW%d_%s", prefix, last+1, v), in, 1, col))
		ws.bOut = append(ws.bOut, b.matrix(fmt.Sprintf("%sb%d_%s", prefix, last+1, v), 1, 1, net.Biases[last][i:i+1]))
	}
	return ws
}

// ErrUnsupported is wrapped by the error for a problem graph cannot build
// yet: a family (parameter ranges) whose conditions do not set each
// initial value by itself.
var ErrUnsupported = errors.New("graph: not supported yet")

// supported reports what keeps graph from building p.
func supported(p *problems.Problem) error {
	switch {
	case p.IsFamily():
		if _, _, ok := p.InitialValues(); !ok {
			return fmt.Errorf("%w: %s: a family's conditions must set every state's value at %s = %g by itself (families of boundary-value problems are not supported)", ErrUnsupported, p.Name, p.Indep, p.T0)
		}
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

// at is where a graph evaluates the solution: the points' t, an n x 1
// node, and for a family the values of the range parameters there, an
// n x 1 node each, in RangeNames order (none otherwise). The parameters
// are inputs of the network beside t, but nothing is differentiated with
// respect to them: dy/dt is the derivative with respect to t's node alone.
type at struct {
	t      *G.Node
	params []*G.Node
	// y0 and dy0, when Config.startAt is set, hold each variable's
	// initial value and slope there for the members of the points.
	y0, dy0 []*G.Node
}

// columns returns the input nodes of a in the order of points' columns.
func (a at) columns() G.Nodes {
	ns := append(G.Nodes{a.t}, a.params...)
	ns = append(ns, a.y0...)
	return append(ns, a.dy0...)
}

// points adds the input nodes of the points cols: cols[0] holds t, and
// for a family cols[1+j] range parameter j (see problems.Sampler.Inputs);
// with Config.startAt, the initial values at the window's start follow,
// one column per variable, then for a second-order problem the slopes.
func (b *builder) points(name string, cols [][]float64) (at, error) {
	want := 1 + len(b.p.Ranges)
	if b.cfg.startAt != nil {
		want += b.p.Order * len(b.p.Vars)
	}
	if len(cols) != want {
		return at{}, fmt.Errorf("graph: %d columns of points, problem %s needs %d (%s and each range parameter)", len(cols), b.p.Name, want, b.p.Indep)
	}
	if len(cols[0]) == 0 {
		return at{}, errNoPoints
	}
	for j, c := range cols[1:] {
		if len(c) != len(cols[0]) {
			return at{}, fmt.Errorf("graph: column %d holds %d values for %d points", j+2, len(c), len(cols[0]))
		}
	}
	a := at{t: b.column(name, cols[0])}
	r := len(b.p.Ranges)
	for j, k := range b.p.RangeNames() {
		a.params = append(a.params, b.column(name+"_"+k, cols[1+j]))
	}
	if b.cfg.startAt == nil {
		return a, nil
	}
	m := len(b.p.Vars)
	for i, v := range b.p.Vars {
		a.y0 = append(a.y0, b.column(name+"_y0_"+v, cols[1+r+i]))
		if b.p.Order == 2 {
			a.dy0 = append(a.dy0, b.column(name+"_dy0_"+v, cols[1+r+m+i]))
		}
	}
	return a, nil
}

// env returns the meaning of the problem's names in expressions at the
// points of a: t and the range parameters as nodes, the unknown
// parameters as theirs, the known ones as numbers. The caller adds the
// state variables.
func (b *builder) env(a at) exprEnv {
	env := b.paramEnv()
	env.nodes[b.p.Indep] = a.t
	for j, k := range b.p.RangeNames() {
		env.nodes[k] = a.params[j]
	}
	return env
}

// learnables lists the nodes training changes: the network's weights and
// biases (hidden layers, the first with its rows for t then for each range
// parameter, then the output layer per variable), then the unknown
// parameters: the order of the flat parameter vector, which is that of
// Network.Weights.
func (b *builder) learnables() G.Nodes {
	var ns G.Nodes
	for l := range b.w {
		ns = append(ns, b.w[l])
		if l == 0 {
			ns = append(ns, b.in...)
		}
		ns = append(ns, b.b[l])
	}
	for i := range b.wOut {
		ns = append(ns, b.wOut[i], b.bOut[i])
	}
	return append(ns, b.unknown...)
}

// solution builds the trial solution at the points of a, one jet per
// variable, with derivatives with respect to t up to order.
func (b *builder) solution(a at, order int) ([]jet, error) {
	t := a.t
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
		if h, err = dense(h, a, l, b.net, b.weights); err != nil {
			return nil, fmt.Errorf("layer %d: %w", l+1, err)
		}
		b.log.preactivation(h.v, l+1)
		if h, err = jetActivate(h, b.net.Activation); err != nil {
			return nil, fmt.Errorf("layer %d: %w", l+1, err)
		}
		b.log.name(h.v, fmt.Sprintf("h%d", l+1))
		b.log.mark(start, StageNetwork, l+1)
	}
	base, err := b.baseHidden(tj, a)
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
			if b.p.IsFamily() {
				o, err = b.familyTrial(a, tj, o, i)
			} else {
				o, err = b.trial(tj, o, i)
			}
			if err != nil {
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

// dense returns layer l's affine map h W + b of the previous layer's jet
// h. The first layer of a family's network adds the range parameters' at
// the points of a, scaled, times their rows of W1, which do not depend on
// t:
//
//	z = s W1_t + sum_j s_j W1_j + b1,  s = scaled t, s_j = scaled k_j
func dense(h jet, a at, l int, net *Network, ws weights) (jet, error) {
	if l > 0 || len(ws.in) == 0 {
		return jetDense(h, ws.w[l], ws.b[l])
	}
	if len(a.params) != len(ws.in) {
		return jet{}, fmt.Errorf("%d range parameters at the points, %d in the network", len(a.params), len(ws.in))
	}
	var sum *G.Node
	for j, k := range a.params {
		s, err := jetAffine(jet{v: k}, net.ParamScale[j], net.ParamShift[j])
		if err != nil {
			return jet{}, err
		}
		kw, err := G.Mul(s.v, ws.in[j])
		if err != nil {
			return jet{}, err
		}
		if sum, err = add(sum, kw); err != nil {
			return jet{}, err
		}
	}
	return jetDensePlus(h, ws.w[0], ws.b[0], sum)
}

// baseHidden builds the last hidden layer of each frozen base network at
// the points of a, whose t is the jet t.
func (b *builder) baseHidden(t jet, a at) ([]jet, error) {
	hs := make([]jet, len(b.base))
	for k, f := range b.base {
		h, err := jetAffine(t, f.net.InputScale, f.net.InputShift)
		if err != nil {
			return nil, err
		}
		for l := range f.w {
			if h, err = dense(h, a, l, f.net, f.weights); err != nil {
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

// familyTrial builds a family's hard-constrained trial solution of
// variable i from the network output n at the points of a, whose t is the
// jet t:
//
//	y = y0 + (t - t0) n                     (first order)
//	y = y0 + y0' (t - t0) + (t - t0)^2 n    (second order)
//
// where y0 and y0' are numbers, or for a family may depend on the range
// parameters (see initialValue), and t0 is T0 or Config.startAt. (Other
// problems meet their conditions through trialPlan.)
func (b *builder) familyTrial(a at, t, n jet, i int) (jet, error) {
	t0 := b.p.T0
	if b.cfg.startAt != nil {
		t0 = *b.cfg.startAt
	}
	tau, err := jetAffine(t, 1, -t0)
	if err != nil {
		return jet{}, err
	}
	sq := tau
	if b.p.Order == 2 {
		if sq, err = jetMul(tau, tau); err != nil {
			return jet{}, err
		}
	}
	y, err := jetMul(sq, n)
	if err != nil {
		return jet{}, err
	}
	if b.p.Order == 2 {
		dy0, node, err := b.initialValue(a, i, 1)
		if err != nil {
			return jet{}, err
		}
		var lin jet
		switch {
		case node != nil:
			lin, err = jetMul(jet{v: node, order: t.order}, tau)
		case dy0 != 0:
			lin, err = jetAffine(t, dy0, -dy0*t0)
		}
		if err == nil && lin.v != nil {
			y, err = jetAdd(y, lin)
		}
		if err != nil {
			return jet{}, err
		}
	}
	y0, node, err := b.initialValue(a, i, 0)
	switch {
	case err != nil:
		return jet{}, err
	case node != nil:
		return jetAdd(y, jet{v: node, order: t.order})
	}
	return jetAffine(y, 1, y0)
}

// initialValue returns variable i's value (deriv 0) or slope (deriv 1) at
// T0 that the conditions set: a number, from Y0 and DY0 or from a
// condition on parameters alone; or for a family whose condition names a
// range parameter (y(0) = a), a node of its values at the points of a.
func (b *builder) initialValue(a at, i, deriv int) (float64, *G.Node, error) {
	switch {
	case deriv == 0 && a.y0 != nil:
		return 0, a.y0[i], nil
	case deriv == 1 && a.dy0 != nil:
		return 0, a.dy0[i], nil
	}
	given := b.p.Y0
	if deriv == 1 {
		given = b.p.DY0
	}
	if len(given) == len(b.p.Vars) {
		return given[i], nil, nil
	}
	ys, dys, ok := b.p.InitialValues()
	if !ok {
		return 0, nil, fmt.Errorf("graph: %s: the conditions do not set each initial value by itself", b.p.Name)
	}
	e := ys[i]
	if deriv == 1 {
		e = dys[i]
	}
	env := b.env(a)
	if env.constant(e) {
		v, err := expr.Eval(e, env.consts)
		return v, nil, err
	}
	n, err := buildExpr(e, env)
	return 0, n, err
}

// values builds the trial solution's values at the points of a.
func (b *builder) values(a at) ([]*G.Node, error) {
	js, err := b.solution(a, 0)
	if err != nil {
		return nil, err
	}
	ys := make([]*G.Node, len(js))
	for i, j := range js {
		ys[i] = j.v
	}
	return ys, nil
}

// residualPoints holds what the ODE residual needs at its points: the
// solution, its first derivative and, for second-order problems, its second.
type residualPoints struct {
	at         at
	y, dy, ddy []*G.Node
}

// atCollocation builds the solution and its derivatives at the collocation
// points a the configured way. FDForward returns fewer points: its
// differences live on the right-hand points.
func (b *builder) atCollocation(a at) (r residualPoints, err error) {
	defer b.log.mark(b.log.size(), StageFirstPass, noLayer)
	order := b.p.Order
	t := a.t
	r.at = a
	switch b.cfg.Derivative {
	case Symbolic:
		if r.y, err = b.values(a); err != nil {
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
		if js, err = b.solution(a, order); err != nil {
			return
		}
		for _, j := range js {
			if j.d1 == nil || (order == 2 && j.d2 == nil) {
				return r, errors.New("graph: the solution does not depend on t")
			}
			r.y, r.dy, r.ddy = append(r.y, j.v), append(r.dy, j.d1), append(r.ddy, j.d2)
		}
	case FDCentral:
		return b.centralDifferences(a, order)
	case FDForward:
		return b.gridDifferences(t, order)
	case WRTPrediction:
		if order != 1 {
			return r, errors.New("graph: the wrt-prediction mistake is defined for first-order problems only")
		}
		if r.y, err = b.values(a); err != nil {
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

// shifted returns the points of a moved by h in t; a family's range
// parameters stay.
func shifted(a at, h float64) (at, error) {
	t, err := G.Add(a.t, G.NewConstant(h))
	return at{t: t, params: a.params, y0: a.y0, dy0: a.dy0}, err
}

// centralDifferences builds y' = (y(t+h) - y(t-h)) / 2h and
// y” = (y(t+h) - 2y(t) + y(t-h)) / h^2.
func (b *builder) centralDifferences(a at, order int) (r residualPoints, err error) {
	h := b.cfg.FDStep
	r.at = a
	var tp, tm at
	var yp, ym []*G.Node
	if tp, err = shifted(a, h); err != nil {
		return
	}
	if tm, err = shifted(a, -h); err != nil {
		return
	}
	if r.y, err = b.values(a); err != nil {
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
// collocation points t_0 < ... < t_{n-1} of a problem without range
// parameters (newBuilder refuses it for a family):
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
	if ys, err = b.values(at{t: t}); err != nil {
		return
	}
	var dt *G.Node
	if dt, err = backwardDifference(t); err != nil {
		return
	}
	if r.at.t, err = rows(t, order, n); err != nil {
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
// at arbitrary points a (the initial time, observation times). The
// derivative follows the configured mode; FDForward, having no grid here,
// takes (y(t+h) - y(t)) / h.
func (b *builder) atPoints(a at, slopes bool) (ys, dys []*G.Node, err error) {
	defer b.log.mark(b.log.size(), StageFirstPass, noLayer)
	if !slopes {
		ys, err = b.values(a)
		return
	}
	switch b.cfg.Derivative {
	case Symbolic:
		if ys, err = b.values(a); err == nil {
			dys, err = gradients(ys, a.t)
		}
	case Forward:
		var js []jet
		if js, err = b.solution(a, 1); err == nil {
			for _, j := range js {
				ys, dys = append(ys, j.v), append(dys, j.d1)
			}
		}
	case FDCentral:
		var r residualPoints
		r, err = b.centralDifferences(a, 1)
		ys, dys = r.y, r.dy
	case FDForward:
		ys, dys, err = b.forwardDifferences(a)
	default:
		err = fmt.Errorf("graph: derivative %q gives no slopes at points", b.cfg.Derivative)
	}
	return
}

// forwardDifferences builds y and (y(t+h) - y(t)) / h.
func (b *builder) forwardDifferences(a at) (ys, dys []*G.Node, err error) {
	h := b.cfg.FDStep
	var tp at
	var yp []*G.Node
	if tp, err = shifted(a, h); err != nil {
		return
	}
	if ys, err = b.values(a); err != nil {
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
