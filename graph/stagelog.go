package graph

import (
	"fmt"

	G "gorgonia.org/gorgonia"
)

// Stage names the step of building a training graph that added a node.
type Stage string

// The stages, in the order the build runs them.
const (
	// StageNetwork is the network and the trial solution: t to y, with the
	// weights and biases.
	StageNetwork Stage = "network"
	// StageFirstPass is dy/dt (and d2y/dt2): the nodes the first
	// differentiation adds, or the tangents and differences that stand in
	// for it in the other derivative modes.
	StageFirstPass Stage = "first pass"
	// StageLoss is the ODE residual, the initial-condition and data misfits
	// and their sum, the loss.
	StageLoss Stage = "residual and loss"
	// StageSecondPass is the loss's gradient with respect to the weights:
	// the nodes the second differentiation adds.
	StageSecondPass Stage = "second pass"
)

// Stages returns the stages in build order, a fresh slice on every call.
func Stages() []Stage {
	return []Stage{StageNetwork, StageFirstPass, StageLoss, StageSecondPass}
}

// noLayer is the layer of a node that belongs to no network layer.
const noLayer = -1

// stageLog records which step of the build added each node of a graph, by
// comparing the graph's node list before and after the step: Gorgonia
// appends every new node to it (and returns an existing node instead of an
// equal new one, which then keeps the stage that first added it). A nil
// *stageLog records nothing, so training builds pay nothing for it.
type stageLog struct {
	g     *G.ExprGraph
	stage map[*G.Node]Stage
	layer map[*G.Node]int
	// preact holds the layer of each activation's input node.
	preact map[*G.Node]int
	// role names the nodes a reader looks for: zl and hl (a layer's
	// activation's input and output) and the solution y.
	role map[*G.Node]string
}

func newStageLog(g *G.ExprGraph) *stageLog {
	return &stageLog{g: g, stage: map[*G.Node]Stage{}, layer: map[*G.Node]int{}, preact: map[*G.Node]int{}, role: map[*G.Node]string{}}
}

// preactivation records that n is the input of layer's activation.
func (l *stageLog) preactivation(n *G.Node, layer int) {
	if l != nil {
		l.preact[n] = layer
		l.role[n] = fmt.Sprintf("z%d", layer)
	}
}

// name gives n the role name.
func (l *stageLog) name(n *G.Node, name string) {
	if l != nil {
		l.role[n] = name
	}
}

// size is the number of nodes in the graph now: a mark on the nodes added
// from here on starts there.
func (l *stageLog) size() int {
	if l == nil {
		return 0
	}
	return len(l.g.AllNodes())
}

// mark gives stage s and layer to the nodes added since the graph had from
// nodes that have no stage yet. Inside the network, a node computed from a
// first-pass node is itself first-pass: the forward mode builds dy/dt's
// tangents layer by layer beside the values.
func (l *stageLog) mark(from int, s Stage, layer int) {
	if l == nil {
		return
	}
	for _, n := range l.g.AllNodes()[from:] {
		if _, done := l.stage[n]; done {
			continue
		}
		ns := s
		if s == StageNetwork && l.readsStage(n, StageFirstPass) {
			ns = StageFirstPass
		}
		l.stage[n], l.layer[n] = ns, layer
	}
}

// set gives stage s and layer to the nodes ns.
func (l *stageLog) set(s Stage, layer int, ns ...*G.Node) {
	if l == nil {
		return
	}
	for _, n := range ns {
		l.stage[n], l.layer[n] = s, layer
	}
}

// readsStage says whether one of n's arguments has stage s.
func (l *stageLog) readsStage(n *G.Node, s Stage) bool {
	it := l.g.From(n.ID())
	for it.Next() {
		if l.stage[it.Node().(*G.Node)] == s {
			return true
		}
	}
	return false
}
