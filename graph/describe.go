package graph

import (
	"fmt"
	"slices"
	"strings"

	"pinn/graph/internal/compiled"
	"pinn/problems"

	G "gorgonia.org/gorgonia"
)

// TrainingGraph is the graph a Trainer runs, as plain data: every node the
// loss and its gradient need, with the stage that added it and what the
// Compiled executor makes of it. DescribeGraph builds it; drawings and
// reports read it.
type TrainingGraph struct {
	// Nodes lists the nodes, each after its arguments.
	Nodes []GraphNode
	// Loss is the ID of the loss node.
	Loss int64
	// DY holds, per variable, the ID of dy/dt at the collocation points,
	// and DDY that of d2y/dt2 for second-order problems.
	DY, DDY []int64
	// Gradients holds the IDs of the loss's gradient with respect to the
	// learnable nodes, in Params order.
	Params, Gradients []int64
	// ExecutorStages is the number of stages the compiled program runs in.
	ExecutorStages int
}

// GraphNode is one node of a TrainingGraph.
type GraphNode struct {
	ID int64
	// Op is the Gorgonia op that computes the node, "" for an input.
	Op string
	// Name is the input's name (W1, b1, t_1, ...) or the op's expression.
	Name string
	// Role names a node a reader looks for: zl and hl (the input and
	// output of layer l's activation), a variable (the solution y), its
	// derivatives (dy/dt, d2y/dt2) and the loss; "" for the others.
	Role  string
	Shape []int
	Stage Stage
	// Order is 1 for a first-pass node that dy/dt needs, 2 for one that
	// only d2y/dt2 needs, and 0 outside the first pass.
	Order int
	// Layer is the network layer the node belongs to (0: t and its
	// scaling, 1 ...: the dense layers, the output layer last) or, for the
	// passes, the layer it was derived from (see inferLayers); -1 for none.
	Layer int
	// Args are the IDs of the arguments, in order, repeats included.
	Args []int64
	// MatMul says the op is a matrix product.
	MatMul bool
	// Learnable says the node is a weight, a bias or an unknown parameter.
	Learnable bool
	// Executor is what the Compiled executor makes of the node; see
	// compiled.Placement.
	Executor ExecutorPlacement
}

// ExecutorPlacement says how the Compiled executor computes a node.
type ExecutorPlacement struct {
	// Kind is input, constant, whole, tiled, reduction, folded (computed
	// inside its reader's kernel) or shared (a copy that shares its
	// argument's buffer).
	Kind string
	// Stage is the program stage that computes it, -1 for inputs,
	// constants and folded nodes.
	Stage int
	// InTile says a tiled node never leaves the per-worker tile buffers.
	InTile bool
	// Fallback says it runs through Gorgonia's own code.
	Fallback bool
}

// DescribeGraph builds the training graph of problem p for the network at
// the collocation points ts, as Fit would with cfg, records which stage
// added each node, and compiles it with the Compiled executor to report
// what that makes of each node. Nothing is run.
func DescribeGraph(p *problems.Problem, net *Network, cfg Config, ts []float64) (*TrainingGraph, error) {
	if err := oneInput(p); err != nil {
		return nil, err
	}
	if len(ts) == 0 {
		return nil, errNoPoints
	}
	cfg = cfg.withDefaults(p.Order)
	b, err := newBuilder(p, net, cfg, nil)
	if err != nil {
		return nil, err
	}
	b.log = newStageLog(b.g)
	for l := range b.w {
		b.log.set(StageNetwork, l+1, b.w[l], b.b[l])
	}
	b.log.set(StageNetwork, len(b.w)+1, append(slices.Clone(b.wOut), b.bOut...)...)
	b.log.set(StageLoss, noLayer, b.unknown...)
	lg, gs, err := b.lossAndGradient([][]float64{ts}, nil)
	if err != nil {
		return nil, err
	}
	m, err := compiled.Compile(b.g, lg.loss, gs, len(ts))
	if err != nil {
		return nil, err
	}
	tg := &TrainingGraph{Loss: lg.loss.ID(), ExecutorStages: m.Stages()}
	for i := range lg.params {
		tg.Params = append(tg.Params, lg.params[i].ID())
		tg.Gradients = append(tg.Gradients, gs[i].ID())
	}
	r := lg.points
	for i := range r.dy {
		tg.DY = append(tg.DY, r.dy[i].ID())
		if r.ddy != nil && r.ddy[i] != nil {
			tg.DDY = append(tg.DDY, r.ddy[i].ID())
		}
	}
	for i, v := range p.Vars {
		b.log.name(r.dy[i], fmt.Sprintf("d%s/d%s", v, p.Indep))
		if i < len(r.ddy) && r.ddy[i] != nil {
			b.log.name(r.ddy[i], fmt.Sprintf("d2%s/d%s2", v, p.Indep))
		}
	}
	b.log.name(lg.loss, "loss")
	learnable := map[*G.Node]bool{}
	for _, n := range lg.params {
		learnable[n] = true
	}
	firstOrder, secondOrder := ancestors(b.g, r.dy), ancestors(b.g, r.ddy)
	for _, pl := range m.Placements() {
		n := pl.Node
		gn := GraphNode{ID: n.ID(), Name: n.Name(), Shape: slices.Clone([]int(n.Shape())),
			Stage: b.log.stage[n], Layer: b.log.layer[n], Learnable: learnable[n], Role: b.log.role[n],
			Executor: ExecutorPlacement{Kind: pl.Kind, Stage: pl.Stage, InTile: pl.InTile, Fallback: pl.Fallback}}
		if gn.Stage == "" {
			return nil, fmt.Errorf("graph: node %v was added by no recorded step", n)
		}
		if n.Op() != nil {
			gn.Op = n.Op().String()
			gn.MatMul = isMatMul(n.Op())
			it := b.g.From(n.ID())
			for it.Next() {
				gn.Args = append(gn.Args, it.Node().ID())
			}
		}
		if gn.Stage == StageFirstPass {
			gn.Order = 1
			if secondOrder[n] && !firstOrder[n] {
				gn.Order = 2
			}
		}
		tg.Nodes = append(tg.Nodes, gn)
	}
	inferLayers(tg)
	return tg, nil
}

// ancestors returns the nodes ns and every node they are computed from.
func ancestors(g *G.ExprGraph, ns []*G.Node) map[*G.Node]bool {
	seen := map[*G.Node]bool{}
	var visit func(n *G.Node)
	visit = func(n *G.Node) {
		if n == nil || seen[n] {
			return
		}
		seen[n] = true
		it := g.From(n.ID())
		for it.Next() {
			visit(it.Node().(*G.Node))
		}
	}
	for _, n := range ns {
		visit(n)
	}
	return seen
}

// isMatMul says op is Gorgonia's matrix product (its linear-algebra binary
// op, which it exports neither as a type nor as a value).
func isMatMul(op G.Op) bool {
	return strings.TrimPrefix(fmt.Sprintf("%T", op), "*") == "gorgonia.linAlgBinOp"
}

// inferLayers gives the passes' nodes the layer they were derived from, for
// drawings that draw a layer's ops as one box. A first-pass node takes the
// lowest layer among its first-pass arguments (the pass runs from the output
// down to t) or, reading none, the deepest network layer it reads. A
// second-pass node takes the deepest layer among the weights whose gradient
// it goes into. The loss's nodes keep no layer.
func inferLayers(tg *TrainingGraph) {
	ns := tg.Nodes
	byID := make(map[int64]*GraphNode, len(ns))
	for i := range ns {
		byID[ns[i].ID] = &ns[i]
	}
	for i := range ns {
		n := &ns[i]
		if n.Stage != StageFirstPass || n.Layer != noLayer {
			continue
		}
		fromPass, fromNet := noLayer, noLayer
		for _, id := range n.Args {
			switch a := byID[id]; {
			case a.Layer == noLayer:
			case a.Stage == StageFirstPass && (fromPass == noLayer || a.Layer < fromPass):
				fromPass = a.Layer
			case a.Stage == StageNetwork:
				fromNet = max(fromNet, a.Layer)
			}
		}
		n.Layer = fromPass
		if fromPass == noLayer {
			n.Layer = fromNet
		}
	}
	for k, id := range tg.Gradients {
		if g := byID[id]; g.Stage == StageSecondPass {
			g.Layer = byID[tg.Params[k]].Layer
		}
	}
	for i := len(ns) - 1; i >= 0; i-- {
		n := &ns[i]
		if n.Stage != StageSecondPass {
			continue
		}
		for _, id := range n.Args {
			if a := byID[id]; a.Stage == StageSecondPass {
				a.Layer = max(a.Layer, n.Layer)
			}
		}
	}
}

// oneInput refuses a family, whose network DescribeGraph and
// DerivativeFormulas do not draw or write: they follow t alone.
func oneInput(p *problems.Problem) error {
	if p.IsFamily() {
		return fmt.Errorf("%w: %s is a family (range parameters %s): the graph is drawn and dy/dt written for networks of %s alone",
			ErrUnsupported, p.Name, strings.Join(p.RangeNames(), ", "), p.Indep)
	}
	return nil
}
