package graph

import (
	"cmp"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"maps"
	"slices"

	"pinn/problems"

	G "gorgonia.org/gorgonia"
)

// The layouts of a saved model (see WriteTo): each changes only with a
// new name, and ReadModel reads both.
const (
	// ModelFormat holds one network trained on the whole domain.
	ModelFormat = "pinn-model/1"
	// PiecewiseModelFormat holds the windows of a marched solution (see
	// March and Window).
	PiecewiseModelFormat = "pinn-model/2"
)

// Model is a trained solution of a problem: the problem (equation, domain,
// initial conditions), how the initial conditions were met (the hard trial
// solution wraps the network), the network with its input scaling, and the
// learned values of the problem's unknown parameters; or, for a marched
// solution, the windows that tile the domain, each with its networks. Its
// methods are the only way to evaluate the solution, so none can be given
// the wrong initial-condition mode or window. Fit returns one in its
// Result, a Trainer gives one of its current weights, ReadModel reads one
// that WriteTo saved.
type Model struct {
	problem *problems.Problem
	ic      ICMode
	net     *Network
	unknown map[string]float64
	// scale and base are a window's: net's output scale and the frozen
	// networks under it (Config.outputScale and Config.base).
	scale float64
	base  []ScaledNetwork
	// startAt is Config.startAt of a marched family's window.
	startAt *float64
	// windows are a marched model's, in order, and pieces their models
	// (each on its window's problem); net is nil then.
	windows []Window
	pieces  []*Model
}

// newModel returns the model of a network trained on p; it keeps net and
// unknown, which the caller must not change afterwards.
func newModel(p *problems.Problem, ic ICMode, net *Network, unknown map[string]float64) *Model {
	return &Model{problem: p, ic: ic, net: net, unknown: unknown}
}

// newPiecewise returns the marched model of p made of windows, which must
// tile p's domain (see checkWindows); it keeps windows, which the caller
// must not change afterwards.
func newPiecewise(p *problems.Problem, windows []Window) (*Model, error) {
	m := &Model{problem: p, ic: HardIC, windows: windows}
	for i := range windows {
		piece, err := windows[i].model(p)
		if err != nil {
			return nil, fmt.Errorf("graph: window %d: %w", i+1, err)
		}
		m.pieces = append(m.pieces, piece)
	}
	return m, nil
}

// Problem returns the problem the model solves.
func (m *Model) Problem() *problems.Problem { return m.problem }

// IC returns how the model meets the initial conditions.
func (m *Model) IC() ICMode { return m.ic }

// Architecture returns the network's hidden widths and activations (of a
// marched model, those of every window's networks).
func (m *Model) Architecture() Architecture {
	if m.windows != nil {
		return m.windows[0].Networks[0].Network.Architecture()
	}
	return m.net.Architecture()
}

// NumParams is the number of the network's weights and biases (of a
// marched model, of every network of every window).
func (m *Model) NumParams() int {
	if m.windows == nil {
		return m.net.NumParams()
	}
	n := 0
	for _, w := range m.windows {
		for _, sn := range w.Networks {
			n += sn.Network.NumParams()
		}
	}
	return n
}

// Windows returns a copy of a marched model's windows, in order; nil for a
// model of one network.
func (m *Model) Windows() []Window {
	if m.windows == nil {
		return nil
	}
	ws := make([]Window, len(m.windows))
	for i, w := range m.windows {
		ws[i] = w.clone()
	}
	return ws
}

// Unknown returns the learned values of the problem's unknown parameters
// (empty unless it is an inverse problem).
func (m *Model) Unknown() map[string]float64 { return maps.Clone(m.unknown) }

// modelFile is the layout of a saved model, ModelFormat (Network) or
// PiecewiseModelFormat (Windows): pinn --save writes it and pinn eval
// reads it, so it changes only with a new format name.
type modelFile struct {
	Format  string              `json:"format"`
	Problem problems.Definition `json:"problem"`
	IC      ICMode              `json:"ic"`
	Network *Network            `json:"network,omitempty"`
	Windows []Window            `json:"windows,omitempty"`
	Unknown map[string]float64  `json:"unknown,omitempty"`
}

// ReadModel reads and checks a saved model of either format; a truncated
// or inconsistent file is an error saying what is wrong.
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
	if f.Format != ModelFormat && f.Format != PiecewiseModelFormat {
		return nil, fmt.Errorf("graph: model: format %q, want %q or %q", f.Format, ModelFormat, PiecewiseModelFormat)
	}
	p, err := problems.New(f.Problem)
	if err != nil {
		return nil, fmt.Errorf("graph: model: %w", err)
	}
	if _, err := problems.ParseChoice("initial-condition mode", string(f.IC), ICModes()); err != nil {
		return nil, fmt.Errorf("graph: model: %w", err)
	}
	if f.Format == PiecewiseModelFormat {
		switch {
		case f.Network != nil:
			return nil, fmt.Errorf("graph: model: a %s file holds windows, not a network", PiecewiseModelFormat)
		case f.IC != HardIC:
			return nil, fmt.Errorf("graph: model: a marched model meets its initial conditions hard, not %s", f.IC)
		case len(f.Unknown) > 0:
			return nil, errors.New("graph: model: a marched model has no unknown parameters")
		}
		if err := checkWindows(p, f.Windows); err != nil {
			return nil, fmt.Errorf("graph: model: %w", err)
		}
		return newPiecewise(p, f.Windows)
	}
	if f.Windows != nil {
		return nil, fmt.Errorf("graph: model: a %s file holds a network, not windows", ModelFormat)
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
	if err := fitsInputs(p, f.Network); err != nil {
		return nil, fmt.Errorf("graph: model: %w", err)
	}
	return newModel(p, f.IC, f.Network, f.Unknown), nil
}

// WriteTo writes the model as indented JSON, in the layout ReadModel reads:
// ModelFormat for one network, PiecewiseModelFormat for a marched model.
func (m *Model) WriteTo(w io.Writer) (int64, error) {
	f := modelFile{Format: ModelFormat, Problem: m.problem.Definition, IC: m.ic, Network: m.net, Unknown: m.unknown}
	if m.windows != nil {
		f.Format, f.Windows = PiecewiseModelFormat, m.windows
	}
	b, err := json.MarshalIndent(f, "", "  ")
	if err != nil {
		return 0, err
	}
	n, err := w.Write(append(b, '\n'))
	return int64(n), err
}

// graph builds the graph runOnce runs, with the nodes build adds at the
// points cols (see buildLoss).
func (m *Model) graph(cols [][]float64, build func(b *builder, a at) (G.Nodes, error)) (*builder, G.Nodes, error) {
	b, _, nodes, err := m.buildAt(cols, build)
	return b, nodes, err
}

// buildAt is graph, which also returns the points' input nodes.
func (m *Model) buildAt(cols [][]float64, build func(b *builder, a at) (G.Nodes, error)) (*builder, at, G.Nodes, error) {
	if len(cols) == 0 || len(cols[0]) == 0 {
		return nil, at{}, nil, errNoPoints
	}
	cfg := Config{IC: m.ic, Derivative: Symbolic, outputScale: m.scale, base: m.base, startAt: m.startAt}
	b, err := newBuilder(m.problem, m.net, cfg.withDefaults(m.problem.Order), m.unknown)
	if err != nil {
		return nil, at{}, nil, err
	}
	a, err := b.points("t", cols)
	if err != nil {
		return nil, at{}, nil, err
	}
	nodes, err := build(b, a)
	return b, a, nodes, err
}

// runOnce builds a graph of the model's network and trial solution, lets
// build add to it the nodes wanted at the points cols (given as the nodes
// a), runs it once on Gorgonia's TapeMachine and returns a copy of each
// wanted node's values. what names the computation in errors.
func (m *Model) runOnce(what string, cols [][]float64, build func(b *builder, a at) (G.Nodes, error)) ([][]float64, error) {
	b, nodes, err := m.graph(cols, build)
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
// (graph.NewTrainer takes one); nil for a marched model, which has
// networks per window (see Windows).
func (m *Model) Network() *Network {
	if m.net == nil {
		return nil
	}
	return m.net.Clone()
}

// ErrOutsideDomain is wrapped by the error for a point outside a marched
// model's domain, where it has no window.
var ErrOutsideDomain = errors.New("graph: outside the domain of a marched model")

// errPiecewise refuses what needs a single network of a marched model.
var errPiecewise = errors.New("graph: a marched model has networks per window, not one network")

// scatter evaluates a marched model at the points ts: eval evaluates the
// points idx (indices into ts) that window i holds, and row r of the
// result at ts[k] is row r of eval's at that point. A point on a boundary
// belongs to the earlier window; one outside the domain is an error.
func (m *Model) scatter(ts []float64, rows int, eval func(i int, idx []int) ([][]float64, error)) ([][]float64, error) {
	if len(ts) == 0 {
		return nil, errNoPoints
	}
	p := m.problem
	idxs := make([][]int, len(m.windows))
	for k, t := range ts {
		if !(t >= p.T0 && t <= p.T1) {
			return nil, fmt.Errorf("%w: %s = %g is not in [%g, %g]", ErrOutsideDomain, p.Indep, t, p.T0, p.T1)
		}
		i, _ := slices.BinarySearchFunc(m.windows, t, func(w Window, t float64) int { return cmp.Compare(w.T1, t) })
		i = min(i, len(m.windows)-1)
		idxs[i] = append(idxs[i], k)
	}
	out := make([][]float64, rows)
	for r := range out {
		out[r] = make([]float64, len(ts))
	}
	for i := range m.pieces {
		if len(idxs[i]) == 0 {
			continue
		}
		vs, err := eval(i, idxs[i])
		if err != nil {
			return nil, err
		}
		for r := range out {
			for j, k := range idxs[i] {
				out[r][k] = vs[r][j]
			}
		}
	}
	return out, nil
}

// scatterTimes is scatter for a model of t alone: each window's piece
// evaluates, with eval, the times the window holds.
func (m *Model) scatterTimes(ts []float64, rows int, eval func(piece *Model, sub []float64) ([][]float64, error)) ([][]float64, error) {
	return m.scatter(ts, rows, func(i int, idx []int) ([][]float64, error) {
		sub := make([]float64, len(idx))
		for j, k := range idx {
			sub[j] = ts[k]
		}
		return eval(m.pieces[i], sub)
	})
}
