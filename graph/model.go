package graph

import (
	"cmp"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"maps"
	"slices"
	"sync"

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
	// CorrectedModelFormat holds one solution on the whole domain made of
	// several scaled networks: the first and its corrections (see
	// Options.ScaleOutput and Options.Corrections), whose scaled outputs
	// add up to the network output of the trial solution.
	CorrectedModelFormat = "pinn-model/3"
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
	// evals holds the compiled graphs of Predict and Residuals (by what
	// they compute), kept for the next call; mu lets one call at a time
	// use them.
	mu    sync.Mutex
	evals map[string]*chunked
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
// marched model, of every network of every window; of a corrected one, of
// every network).
func (m *Model) NumParams() int {
	if m.windows == nil {
		n := m.net.NumParams()
		for _, sn := range m.base {
			n += sn.Network.NumParams()
		}
		return n
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

// modelFile is the layout of a saved model, ModelFormat (Network),
// PiecewiseModelFormat (Windows) or CorrectedModelFormat (Networks): pinn
// --save writes it and pinn eval reads it, so it changes only with a new
// format name.
type modelFile struct {
	Format   string              `json:"format"`
	Problem  problems.Definition `json:"problem"`
	IC       ICMode              `json:"ic"`
	Network  *Network            `json:"network,omitempty"`
	Windows  []Window            `json:"windows,omitempty"`
	Networks []ScaledNetwork     `json:"networks,omitempty"`
	Unknown  map[string]float64  `json:"unknown,omitempty"`
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
	if f.Format != ModelFormat && f.Format != PiecewiseModelFormat && f.Format != CorrectedModelFormat {
		return nil, fmt.Errorf("graph: model: format %q, want %q, %q or %q", f.Format, ModelFormat, PiecewiseModelFormat, CorrectedModelFormat)
	}
	p, err := problems.New(f.Problem)
	if err != nil {
		return nil, fmt.Errorf("graph: model: %w", err)
	}
	if _, err := problems.ParseChoice("initial-condition mode", string(f.IC), ICModes()); err != nil {
		return nil, fmt.Errorf("graph: model: %w", err)
	}
	if f.Format != CorrectedModelFormat && f.Networks != nil {
		return nil, fmt.Errorf("graph: model: a %s file holds no list of networks", f.Format)
	}
	if f.Format == CorrectedModelFormat {
		return readCorrected(p, f)
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

// readCorrected returns the model a CorrectedModelFormat file f of the
// problem p holds.
func readCorrected(p *problems.Problem, f modelFile) (*Model, error) {
	switch {
	case f.Network != nil || f.Windows != nil:
		return nil, fmt.Errorf("graph: model: a %s file holds networks, not a network or windows", CorrectedModelFormat)
	case len(f.Unknown) > 0:
		return nil, fmt.Errorf("graph: model: a %s model has no unknown parameters", CorrectedModelFormat)
	case len(f.Networks) == 0:
		return nil, errors.New("graph: model: no networks")
	}
	if err := checkNetworks(p, f.Networks); err != nil {
		return nil, fmt.Errorf("graph: model: %w", err)
	}
	last := len(f.Networks) - 1
	m := newModel(p, f.IC, f.Networks[last].Network, nil)
	m.scale, m.base = f.Networks[last].Scale, f.Networks[:last]
	return m, nil
}

// corrected reports whether a model of one solution on the whole domain
// has an output scale or correction networks: what ModelFormat cannot
// hold.
func (m *Model) corrected() bool {
	return m.windows == nil && (len(m.base) > 0 || m.scale != 0 && m.scale != 1)
}

// WriteTo writes the model as indented JSON, in the layout ReadModel reads:
// ModelFormat for one network, PiecewiseModelFormat for a marched model,
// CorrectedModelFormat for a network with an output scale or corrections.
func (m *Model) WriteTo(w io.Writer) (int64, error) {
	f := modelFile{Format: ModelFormat, Problem: m.problem.Definition, IC: m.ic, Network: m.net, Unknown: m.unknown}
	switch {
	case m.windows != nil:
		f.Format, f.Windows = PiecewiseModelFormat, m.windows
	case m.corrected():
		f.Format, f.Network = CorrectedModelFormat, nil
		f.Networks = append(slices.Clone(m.base), ScaledNetwork{Scale: cmpScale(m.scale), Network: m.net})
	}
	b, err := json.MarshalIndent(f, "", "  ")
	if err != nil {
		return 0, err
	}
	n, err := w.Write(append(b, '\n'))
	return int64(n), err
}

// graph builds a graph of the model's network and trial solution at the
// points cols (see buildLoss), with the nodes build adds; it also returns
// the points' input nodes.
func (m *Model) graph(cols [][]float64, build func(b *builder, a at) (G.Nodes, error)) (*builder, at, G.Nodes, error) {
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

// evaluate returns the values at the points cols (see buildLoss; for a
// problem of t alone, cols is {ts}) of the nodes build adds to the model's
// graph, each one value per point (out[i][k] is node i's at point k): the
// graph, built for min(n, EvalChunk) points and compiled (see chunked),
// runs chunk by chunk. It is kept for the next call with the same what
// and as many points per chunk; what also names the computation in
// errors.
func (m *Model) evaluate(what string, cols [][]float64, build func(b *builder, a at) (G.Nodes, error)) ([][]float64, error) {
	if len(cols) == 0 || len(cols[0]) == 0 {
		return nil, errNoPoints
	}
	m.mu.Lock()
	defer m.mu.Unlock()
	e, err := m.evaluator(what, min(len(cols[0]), EvalChunk), build)
	if err != nil {
		return nil, fmt.Errorf("graph: %s: %w", what, err)
	}
	out, err := e.run(cols)
	if err != nil {
		return nil, fmt.Errorf("graph: %s: %w", what, err)
	}
	return out, nil
}

// evaluator returns the compiled graph of what for rows points per chunk,
// compiling it when the model has none; m.mu must be held.
func (m *Model) evaluator(what string, rows int, build func(b *builder, a at) (G.Nodes, error)) (*chunked, error) {
	if e := m.evals[what]; e != nil && e.rows == rows {
		return e, nil
	}
	b, a, nodes, err := m.graph(m.inputsLike(rows), build)
	if err != nil {
		return nil, err
	}
	e, err := newChunked(b.g, a.columns(), nodes)
	if err != nil {
		return nil, err
	}
	if m.evals == nil {
		m.evals = map[string]*chunked{}
	}
	m.evals[what] = e
	return e, nil
}

// inputsLike returns n points of the model's domain as the columns its
// graph takes (see gridInputs), with zero initial values at a marched
// family window's start (Config.startAt): what a graph's size depends on
// is their number alone.
func (m *Model) inputsLike(n int) [][]float64 {
	cols := gridInputs(m.problem, n)
	if m.startAt != nil {
		for range m.problem.Order * len(m.problem.Vars) {
			cols = append(cols, make([]float64, n))
		}
	}
	return cols
}

// runOnce builds a graph of the model's network and trial solution, lets
// build add to it the nodes wanted at the points cols (given as the nodes
// a), runs it once on Gorgonia's TapeMachine and returns a copy of each
// wanted node's values. what names the computation in errors. Unlike
// evaluate, it builds a graph for all the points and takes nodes of
// several values per point.
func (m *Model) runOnce(what string, cols [][]float64, build func(b *builder, a at) (G.Nodes, error)) ([][]float64, error) {
	b, _, nodes, err := m.graph(cols, build)
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
	idxs := make([][]int, len(m.windows))
	for k, t := range ts {
		i, err := m.windowOf(t)
		if err != nil {
			return nil, err
		}
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

// windowOf returns the index of the window of a marched model that holds
// t: a point on a boundary belongs to the earlier window; one outside the
// domain is an error.
func (m *Model) windowOf(t float64) (int, error) {
	p := m.problem
	if !(t >= p.T0 && t <= p.T1) {
		return 0, fmt.Errorf("%w: %s = %g is not in [%g, %g]", ErrOutsideDomain, p.Indep, t, p.T0, p.T1)
	}
	i, _ := slices.BinarySearchFunc(m.windows, t, func(w Window, t float64) int { return cmp.Compare(w.T1, t) })
	return min(i, len(m.windows)-1), nil
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
