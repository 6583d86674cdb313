package graph

import (
	"fmt"

	"pinn/graph/internal/compiled"

	G "gorgonia.org/gorgonia"
)

// EvalChunk is how many points a model's evaluation graph holds: Predict
// and Residuals run it on the points chunk by chunk (fewer points, on a
// graph of their own size), so that the memory they take does not grow
// with the number of points beyond the results themselves.
const EvalChunk = 4096

// chunked evaluates the output nodes of a graph at any number of points,
// chunk by chunk: the graph is built for Rows points, each input node a
// Rows x 1 column (the time t, and any other input of the network), and
// compiled once by package compiled; run copies a chunk of points into the
// input columns and runs the machine, whose buffers are reused for every
// chunk. A last chunk with fewer points is filled up with copies of its
// last point, whose outputs are dropped.
//
// Every output is a Rows x 1 node, one value per point; what one point
// gives does not depend on the other points of its chunk (each op of a
// network's value and its derivatives acts row by row), only, in the last
// bits, on its place in the chunk. A chunked is not safe for concurrent
// use.
type chunked struct {
	g       *G.ExprGraph
	rows    int
	inputs  [][]float64 // the input columns' storage, Rows each
	machine *compiled.Machine
	outputs int
}

// newChunked compiles the outputs of the graph g, whose inputs are the
// Rows x 1 columns inputs. The compiled machine needs a loss node: the
// first output stands in for it (its value is not read).
func newChunked(g *G.ExprGraph, inputs, outputs G.Nodes) (*chunked, error) {
	if len(inputs) == 0 || len(outputs) == 0 {
		return nil, fmt.Errorf("graph: evaluation: %d inputs and %d outputs", len(inputs), len(outputs))
	}
	rows := inputs[0].Shape()[0]
	c := &chunked{g: g, rows: rows, outputs: len(outputs)}
	for _, n := range inputs {
		if s := n.Shape(); len(s) != 2 || s[0] != rows || s[1] != 1 {
			return nil, fmt.Errorf("graph: evaluation: input %s has shape %v, want (%d, 1)", n.Name(), s, rows)
		}
		c.inputs = append(c.inputs, n.Value().Data().([]float64))
	}
	for _, n := range outputs {
		if n.Shape().TotalSize() != rows {
			return nil, fmt.Errorf("graph: evaluation: output %s has shape %v, want %d values", n.Name(), n.Shape(), rows)
		}
	}
	m, err := compiled.Compile(g, outputs[0], outputs, rows)
	if err != nil {
		return nil, err
	}
	c.machine = m
	return c, nil
}

// run evaluates the outputs at the points whose inputs are cols: cols[j][k]
// is input j of point k, every column of one length. out[i][k] is output i
// at point k.
func (c *chunked) run(cols [][]float64) ([][]float64, error) {
	if len(cols) != len(c.inputs) {
		return nil, fmt.Errorf("graph: evaluation: %d input columns, want %d", len(cols), len(c.inputs))
	}
	n := len(cols[0])
	out := make([][]float64, c.outputs)
	for i := range out {
		out[i] = make([]float64, n)
	}
	for start := 0; start < n; start += c.rows {
		end := min(start+c.rows, n)
		for j, col := range cols {
			in := c.inputs[j]
			copy(in, col[start:end])
			for k := end - start; k < c.rows; k++ {
				in[k] = col[end-1]
			}
		}
		if _, err := c.machine.Run(); err != nil {
			return nil, fmt.Errorf("graph: evaluation: %w", err)
		}
		for i := range out {
			copy(out[i][start:end], c.machine.Output(i))
		}
	}
	return out, nil
}

// bufferBytes is the memory the compiled machine's own buffers take.
func (c *chunked) bufferBytes() int { return c.machine.BufferBytes() }
