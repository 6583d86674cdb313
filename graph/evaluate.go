package graph

import (
	"fmt"

	"pinn/graph/internal/compiled"

	G "gorgonia.org/gorgonia"
	"gorgonia.org/tensor"
)

// evalChunk is the most points one run of an evaluator takes: 32 tiles of
// the Compiled executor, so that every core has several, while its
// buffers stay small (a few MiB for a 16-16 network).
const evalChunk = 4096

// evaluator evaluates the nodes a build function adds to a model's graph
// (the solution and its derivative, the residual) at any number of
// points, chunk by chunk, on one graph built and compiled once, run by
// the Compiled executor: the way a family's model answers many queries
// fast. It evaluates one network (with its frozen base networks), not a
// marched model's windows (see Model.familyEval).
type evaluator struct {
	rows   int     // points per run
	inputs G.Nodes // the points' column nodes (at.columns)
	m      *compiled.Machine
	width  int // number of output nodes, each rows x 1
}

// newEvaluator builds and compiles the graph of the model's network with
// the nodes build adds, one n x 1 node each, for runs of rows points.
func (m *Model) newEvaluator(rows int, build func(b *builder, a at) (G.Nodes, error)) (*evaluator, error) {
	cols := gridInputs(m.problem, rows)
	if m.startAt != nil {
		for range m.problem.Order * len(m.problem.Vars) {
			cols = append(cols, make([]float64, rows))
		}
	}
	b, a, nodes, err := m.buildAt(cols, build)
	if err != nil {
		return nil, err
	}
	for _, n := range nodes {
		if s := n.Shape(); s.TotalSize() != rows {
			return nil, fmt.Errorf("graph: an evaluated node has shape %v, want %d x 1", s, rows)
		}
	}
	// The machine computes a scalar "loss" and outputs: here the loss is
	// an input nothing reads.
	none := G.NewScalar(b.g, tensor.Float64, G.WithName("none"), G.WithValue(0.0))
	mach, err := compiled.Compile(b.g, none, nodes, rows)
	if err != nil {
		return nil, err
	}
	return &evaluator{rows: rows, inputs: a.columns(), m: mach, width: len(nodes)}, nil
}

// run evaluates at the points cols (columns as the graph's inputs take
// them, any number of points): out[i][k] is output node i at point k. The
// last chunk is padded with its last point.
func (e *evaluator) run(cols [][]float64) ([][]float64, error) {
	if len(cols) != len(e.inputs) {
		return nil, fmt.Errorf("graph: %d columns of points, the evaluator takes %d", len(cols), len(e.inputs))
	}
	n := len(cols[0])
	out := make([][]float64, e.width)
	for i := range out {
		out[i] = make([]float64, n)
	}
	for lo := 0; lo < n; lo += e.rows {
		hi := min(lo+e.rows, n)
		for j, node := range e.inputs {
			data := node.Value().Data().([]float64)
			copy(data, cols[j][lo:hi])
			for k := hi - lo; k < e.rows; k++ {
				data[k] = cols[j][hi-1]
			}
		}
		if _, err := e.m.Run(); err != nil {
			return nil, err
		}
		for i := range out {
			copy(out[i][lo:hi], e.m.Output(i))
		}
	}
	return out, nil
}

// evaluate evaluates what build adds at the points cols with a fresh
// evaluator sized to them (at most evalChunk points a run).
func (m *Model) evaluate(cols [][]float64, build func(b *builder, a at) (G.Nodes, error)) ([][]float64, error) {
	if len(cols) == 0 || len(cols[0]) == 0 {
		return nil, errNoPoints
	}
	e, err := m.newEvaluator(min(len(cols[0]), evalChunk), build)
	if err != nil {
		return nil, err
	}
	return e.run(cols)
}
