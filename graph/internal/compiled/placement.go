package compiled

import G "gorgonia.org/gorgonia"

// Placement says how the machine computes one node of its program: read
// only, for reports that show what Compile made of a graph.
type Placement struct {
	Node *G.Node
	// Kind is "input" (read from the node's value), "constant" (computed
	// once, by Compile), "whole" (computed whole, once per run), "tiled"
	// (row by row on tiles of the collocation points), "reduction"
	// (summed over the tiles), "folded" (computed inside its one reader's
	// kernel, never on its own) or "shared" (a copy run whole that shares
	// its argument's buffer instead of copying it).
	Kind string
	// Stage is the program stage that computes the node, -1 for inputs,
	// constants and folded nodes; a shared node's is the stage from which
	// it can be read. Even stages run whole nodes, odd stages tiles.
	Stage int
	// InTile says a tiled node lives only in the tile buffers, never in
	// full.
	InTile bool
	// Fallback says the node runs through the Gorgonia op's own Do (see
	// Fallbacks).
	Fallback bool
}

var kindNames = [...]string{kindInput: "input", kindConstant: "constant", kindGlobal: "whole", kindTiled: "tiled", kindReduce: "reduction", kindFolded: "folded", kindAlias: "shared"}

// Placements lists the nodes of the program, each after its arguments.
func (m *Machine) Placements() []Placement {
	ps := make([]Placement, len(m.nodes))
	for i, mn := range m.nodes {
		p := Placement{Node: mn.node, Kind: kindNames[mn.kind], Stage: -1, Fallback: mn.generic}
		switch mn.kind {
		case kindReduce:
			p.Stage = mn.stage - 1 // the tiles' stage; the sum is ready after it
		case kindGlobal, kindTiled, kindAlias:
			p.Stage = mn.stage
			p.InTile = mn.kind == kindTiled && m.full[i] == nil
		}
		ps[i] = p
	}
	return ps
}

// Stages is the number of stages the program runs in.
func (m *Machine) Stages() int { return len(m.stages) }
