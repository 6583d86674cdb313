package graph

import (
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"maps"
	"slices"

	"pinn/problems"

	G "gorgonia.org/gorgonia"
)

// ModelFormat names the layout of a saved model.
const ModelFormat = "pinn-model/1"

// Model is a trained solution of a problem: the problem (equation, domain,
// initial conditions), how the initial conditions were met (the hard trial
// solution wraps the network), the network with its input scaling, and the
// learned values of the problem's unknown parameters. Its methods are the
// only way to evaluate the solution, so none can be given the wrong
// initial-condition mode. Fit returns one in its Result, a Trainer gives
// one of its current weights, ReadModel reads one that WriteTo saved.
type Model struct {
	problem *problems.Problem
	ic      ICMode
	net     *Network
	unknown map[string]float64
}

// newModel returns the model of a network trained on p; it keeps net and
// unknown, which the caller must not change afterwards.
func newModel(p *problems.Problem, ic ICMode, net *Network, unknown map[string]float64) *Model {
	return &Model{problem: p, ic: ic, net: net, unknown: unknown}
}

// Problem returns the problem the model solves.
func (m *Model) Problem() *problems.Problem { return m.problem }

// IC returns how the model meets the initial conditions.
func (m *Model) IC() ICMode { return m.ic }

// Architecture returns the network's hidden widths and activations.
func (m *Model) Architecture() Architecture { return m.net.Architecture() }

// NumParams is the number of the network's weights and biases.
func (m *Model) NumParams() int { return m.net.NumParams() }

// Unknown returns the learned values of the problem's unknown parameters
// (empty unless it is an inverse problem).
func (m *Model) Unknown() map[string]float64 { return maps.Clone(m.unknown) }

// modelFile is the layout of a saved model, ModelFormat: pinn --save writes
// it and pinn eval reads it, so it changes only with a new format name.
type modelFile struct {
	Format  string              `json:"format"`
	Problem problems.Definition `json:"problem"`
	IC      ICMode              `json:"ic"`
	Network *Network            `json:"network"`
	Unknown map[string]float64  `json:"unknown,omitempty"`
}

// ReadModel reads and checks a saved model; a truncated or inconsistent file
// is an error saying what is wrong.
func ReadModel(r io.Reader) (*Model, error) {
	dec := json.NewDecoder(r)
	dec.DisallowUnknownFields()
	var f modelFile
	if err := dec.Decode(&f); err != nil {
		if err == io.EOF || err == io.ErrUnexpectedEOF {
			return nil, errors.New("graph: model: the file is empty or truncated")
		}
		return nil, fmt.Errorf("graph: model: not a saved model: %w", err)
	}
	if dec.More() {
		return nil, errors.New("graph: model: unexpected data after the model")
	}
	if f.Format != ModelFormat {
		return nil, fmt.Errorf("graph: model: format %q, want %q", f.Format, ModelFormat)
	}
	p, err := problems.New(f.Problem)
	if err != nil {
		return nil, fmt.Errorf("graph: model: %w", err)
	}
	if _, err := problems.ParseChoice("initial-condition mode", string(f.IC), ICModes()); err != nil {
		return nil, fmt.Errorf("graph: model: %w", err)
	}
	if f.Network == nil {
		return nil, errors.New("graph: model: no network")
	}
	if err := f.Network.Validate(); err != nil {
		return nil, err
	}
	if f.Network.Outputs() != len(p.Vars) {
		return nil, fmt.Errorf("graph: model: network has %d outputs for %d variables", f.Network.Outputs(), len(p.Vars))
	}
	return newModel(p, f.IC, f.Network, f.Unknown), nil
}

// WriteTo writes the model as indented JSON, in the layout ReadModel reads.
func (m *Model) WriteTo(w io.Writer) (int64, error) {
	f := modelFile{Format: ModelFormat, Problem: m.problem.Definition, IC: m.ic, Network: m.net, Unknown: m.unknown}
	b, err := json.MarshalIndent(f, "", "  ")
	if err != nil {
		return 0, err
	}
	n, err := w.Write(append(b, '\n'))
	return int64(n), err
}

// graph builds the graph runOnce runs, with the nodes build adds.
func (m *Model) graph(ts []float64, build func(b *builder, t *G.Node) (G.Nodes, error)) (*builder, G.Nodes, error) {
	if len(ts) == 0 {
		return nil, nil, errNoPoints
	}
	b, err := newBuilder(m.problem, m.net, Config{IC: m.ic, Derivative: Symbolic}.withDefaults(m.problem.Order), m.unknown)
	if err != nil {
		return nil, nil, err
	}
	nodes, err := build(b, b.column("t", ts))
	return b, nodes, err
}

// runOnce builds a graph of the model's network and trial solution, lets
// build add to it the nodes wanted at the points ts (given as the n x 1 node
// t), runs it once on Gorgonia's TapeMachine and returns a copy of each
// wanted node's values. what names the computation in errors.
func (m *Model) runOnce(what string, ts []float64, build func(b *builder, t *G.Node) (G.Nodes, error)) ([][]float64, error) {
	b, nodes, err := m.graph(ts, build)
	if err != nil {
		return nil, err
	}
	values := make([]G.Value, len(nodes))
	for i, n := range nodes {
		G.Read(n, &values[i]) // the TapeMachine reuses memory: read every value reported
	}
	vm := G.NewTapeMachine(b.g)
	defer vm.Close()
	if err := vm.RunAll(); err != nil {
		return nil, fmt.Errorf("graph: %s: %w", what, err)
	}
	out := make([][]float64, len(values))
	for i, v := range values {
		out[i] = slices.Clone(v.Data().([]float64))
	}
	return out, nil
}

// Network returns a copy of the model's network, to train on or measure
// (graph.NewTrainer takes one).
func (m *Model) Network() *Network { return m.net.Clone() }
