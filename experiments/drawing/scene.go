package drawing

import (
	"fmt"
	"slices"
	"strings"

	"pinn/graph"
)

// box is one box of a drawing: a node of the graph, or all the ops of one
// layer in one stage when the drawing is collapsed.
type box struct {
	label []string
	stage graph.Stage
	// context says the box is an argument from another stage, drawn to
	// show where a stage drawn alone reads from; copied says it is a copy
	// of a box of an earlier stage, drawn where it is read (see join).
	context, copied bool
	// strong marks the boxes a reader looks for: the weights, dy/dt,
	// d2y/dt2 and the loss.
	strong bool
}

// edge joins an argument's box to the box that reads it. shape says only
// the argument's shape is read, through a SizeOf node left out of the
// drawing.
type edge struct {
	from, to int
	shape    bool
}

// scene is what a drawing shows, before layout: boxes and the edges from
// each argument to the box that reads it.
type scene struct {
	boxes []box
	edges []edge
	// collapsed says each box holds one layer's ops in one stage.
	collapsed bool
	// nodes is the number of graph nodes the boxes stand for.
	nodes int
	// hidden is the number of SizeOf nodes left out.
	hidden int
	// copies maps a box and a stage's index to the box's copy there.
	copies map[[2]int]int
}

// isShapeHelper says n only tells a broadcast its size: Gorgonia's SizeOf,
// which a reader need not see.
func isShapeHelper(n graph.GraphNode) bool { return strings.HasPrefix(n.Op, "SizeOf") }

// newScene picks the nodes to draw (one stage's and their arguments, or
// all) and makes one box per node, or one per stage and layer when there
// are more than maxNodes.
func newScene(tg *graph.TrainingGraph, stage graph.Stage, maxNodes int) *scene {
	byID := make(map[int64]graph.GraphNode, len(tg.Nodes))
	for _, n := range tg.Nodes {
		byID[n.ID] = n
	}
	strong := map[int64]bool{tg.Loss: true}
	for _, id := range append(slices.Clone(tg.DY), tg.DDY...) {
		strong[id] = true
	}
	// The nodes drawn, in graph order, and those drawn as context.
	var drawn []graph.GraphNode
	context := map[int64]bool{}
	s := &scene{}
	in, read := map[int64]bool{}, map[int64]bool{}
	for _, n := range tg.Nodes {
		if stage == "" || n.Stage == stage {
			in[n.ID] = true
			for _, a := range readArgs(n, byID) {
				read[a.id] = true
			}
		}
	}
	for _, n := range tg.Nodes {
		if isShapeHelper(n) {
			if in[n.ID] {
				s.hidden++
			}
			continue
		}
		if in[n.ID] || read[n.ID] {
			drawn = append(drawn, n)
			context[n.ID] = !in[n.ID]
		}
	}
	for _, n := range drawn {
		if !context[n.ID] {
			s.nodes++
		}
	}
	if s.nodes > maxNodes {
		s.collapse(drawn, context, byID)
		return s
	}
	index := map[int64]int{}
	for _, n := range drawn {
		index[n.ID] = len(s.boxes)
		s.boxes = append(s.boxes, box{label: nodeLabel(n), stage: n.Stage, context: context[n.ID], strong: n.Learnable || strong[n.ID]})
	}
	for _, n := range drawn {
		if context[n.ID] {
			continue
		}
		for _, a := range readArgs(n, byID) {
			if i, ok := index[a.id]; ok {
				s.join(i, index[n.ID], a.shape)
			}
		}
	}
	return s
}

// arg is an argument of a node as drawn: a SizeOf node's argument stands
// for it, read for its shape only.
type arg struct {
	id    int64
	shape bool
}

// readArgs lists the arguments of n as drawn.
func readArgs(n graph.GraphNode, byID map[int64]graph.GraphNode) []arg {
	var as []arg
	for _, a := range n.Args {
		if an := byID[a]; isShapeHelper(an) {
			for _, b := range an.Args {
				as = append(as, arg{b, true})
			}
			continue
		}
		as = append(as, arg{a, false})
	}
	return as
}

// join adds the edge from box i to box j. An edge that would cross a whole
// stage's band (the second pass reading the network, say) starts instead at
// a copy of box i drawn in j's band, one per box and band: long edges
// through the drawing would hide what it shows.
func (s *scene) join(i, j int, shape bool) {
	from, to := stageIndex(s.boxes[i].stage), stageIndex(s.boxes[j].stage)
	if to-from < 2 || s.boxes[i].context {
		s.edges = appendEdge(s.edges, edge{i, j, shape})
		return
	}
	key := [2]int{i, to}
	if s.copies == nil {
		s.copies = map[[2]int]int{}
	}
	c, ok := s.copies[key]
	if !ok {
		b := s.boxes[i]
		label := slices.Clone(b.label)
		label[0] += " ↑"
		c = len(s.boxes)
		s.boxes = append(s.boxes, box{label: label, stage: s.boxes[j].stage, context: true, copied: true})
		s.copies[key] = c
	}
	s.edges = appendEdge(s.edges, edge{c, j, shape})
}

// stageIndex is the place of st in build order.
func stageIndex(st graph.Stage) int { return slices.Index(graph.Stages(), st) }

// collapse makes one box per stage and layer.
func (s *scene) collapse(drawn []graph.GraphNode, context map[int64]bool, byID map[int64]graph.GraphNode) {
	s.collapsed = true
	type key struct {
		stage   graph.Stage
		layer   int
		context bool
	}
	type group struct{ ops, matmuls, inputs int }
	index := map[key]int{}
	var groups []group
	boxOf := map[int64]int{}
	for _, n := range drawn {
		k := key{n.Stage, n.Layer, context[n.ID]}
		i, ok := index[k]
		if !ok {
			i = len(s.boxes)
			index[k] = i
			s.boxes = append(s.boxes, box{stage: n.Stage, context: k.context})
			groups = append(groups, group{})
		}
		boxOf[n.ID] = i
		g := &groups[i]
		if n.Op == "" {
			g.inputs++
		} else {
			g.ops++
		}
		if n.MatMul {
			g.matmuls++
		}
	}
	for k, i := range index {
		g := groups[i]
		title := string(k.stage)
		if k.layer >= 0 {
			title = fmt.Sprintf("%s: layer %d", k.stage, k.layer)
		}
		line := fmt.Sprintf("%d ops", g.ops)
		if g.matmuls > 0 {
			line += fmt.Sprintf(", %d ×", g.matmuls)
		}
		if g.inputs > 0 {
			line += fmt.Sprintf(", %d inputs", g.inputs)
		}
		s.boxes[i].label = []string{title, line}
	}
	for _, n := range drawn {
		if context[n.ID] {
			continue
		}
		for _, a := range readArgs(n, byID) {
			if i, ok := boxOf[a.id]; ok && i != boxOf[n.ID] {
				s.join(i, boxOf[n.ID], a.shape)
			}
		}
	}
}

// appendEdge adds e once; an edge that carries values wins over one that
// carries only the shape.
func appendEdge(edges []edge, e edge) []edge {
	for k, f := range edges {
		if f.from == e.from && f.to == e.to {
			edges[k].shape = f.shape && e.shape
			return edges
		}
	}
	return append(edges, e)
}

// nodeLabel is what a node's box says: the input's name or the op, then the
// shape.
func nodeLabel(n graph.GraphNode) []string {
	shape := "scalar"
	if len(n.Shape) > 0 {
		parts := make([]string, len(n.Shape))
		for i, d := range n.Shape {
			parts[i] = fmt.Sprint(d)
		}
		shape = strings.Join(parts, "×")
	}
	label := []string{opLabel(n.Op), shape}
	if n.Op == "" {
		label[0] = inputName(n.Name)
	}
	if n.Role != "" {
		label = append([]string{n.Role}, label...)
	}
	return label
}

// inputName drops the counter that keeps input names unique (t_1 is t).
func inputName(name string) string {
	if i := strings.LastIndexByte(name, '_'); i > 0 && strings.Trim(name[i+1:], "0123456789") == "" {
		return name[:i]
	}
	return name
}

// opLabel writes Gorgonia's op names the way a reader knows them, in glyphs
// the drawing's font has.
func opLabel(op string) string {
	sym, flag, _ := strings.Cut(op, " ")
	if flag == "false" || flag == "true" { // pointwise binary ops: "+ false"
		switch sym {
		case "⊙":
			return "· (pointwise)"
		case "-":
			return "−"
		case ">", ">=": // relu's and rectify's indicator of z > 0, z >= 0
			return "step [a " + sym + " b]"
		}
		return sym
	}
	switch {
	case strings.HasPrefix(op, "Σ"):
		return "Σ " + strings.TrimPrefix(op, "Σ")
	case strings.HasPrefix(op, "Repeat0"):
		return "repeat rows"
	case strings.HasPrefix(op, "Repeat1"):
		return "repeat columns"
	case strings.HasPrefix(op, "Reshape"):
		return "reshape"
	case strings.HasPrefix(op, "const "):
		return strings.TrimPrefix(op, "const ")
	}
	return op
}
