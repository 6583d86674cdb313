package graph

import (
	"fmt"
	"math"

	"pinn/problems"

	G "gorgonia.org/gorgonia"
)

// The memory estimates measure the graphs a run builds at a few collocation
// points and extrapolate to the run's number, so that they follow the
// executor, whatever it allocates, without building anything as large as
// what they estimate.
const (
	// estimateRows is where extrapolation starts: 16 tiles of 128 points,
	// the most chunk sums the Compiled executor keeps, so that from here on
	// its buffers grow only with the rows.
	estimateRows = 2048
	// estimateStep is how many points more the second measurement takes:
	// one tile.
	estimateStep = 128
)

// EstimateMemory returns about how many bytes Fit(ctx, p, cfg, opts) takes
// at its peak, above what the process held before: the training graph and
// its executor at the most collocation points the run reaches (refinement
// adds some; with Options.Corrections, that of the last correction, which
// holds every network), the optimisers' copies of the parameters, the loss history,
// and, alive at the same time, the larger of the scoring graph (the
// solution and its derivative on the grid of opts.Points points, compiled
// for chunks of EvalChunk points) and the refinement candidates' residual
// graph.
//
// The graphs are built, not run, at min(n, 2048) and 2048 + 128 points (n
// the run's) and their sizes extrapolated linearly: the Compiled
// executor's buffers plus the values the graph's nodes hold, or, for the
// Tape executor, which gives every node a value, the values of all nodes.
// Building them takes about what the run's own set-up takes at that many
// points, so a network too large for memory at any number of points should
// be refused on its parameter count first (see MinimumMemory).
func EstimateMemory(p *problems.Problem, cfg Config, opts Options) (float64, error) {
	cfg = cfg.withDefaults(p.Order)
	opts = opts.WithDefaults(p)
	net, err := NewFamilyNetwork(p, cfg.Architecture, NewRand(opts.Seed))
	if err != nil {
		return 0, err
	}
	most := float64(opts.Points)
	if opts.Method == March && p.IsFamily() {
		most = float64(opts.March.Points) * math.Pow(float64(opts.March.ParamPoints), float64(len(p.Ranges)))
	}
	if opts.RefineEvery > 0 {
		most += float64(opts.Epochs/opts.RefineEvery) * float64(opts.RefinePoints)
	}
	unknown := map[string]float64{}
	// The last correction network trains on top of all the others.
	for range opts.Corrections {
		cfg.base = append(cfg.base, ScaledNetwork{Scale: 1, Network: net})
	}
	training, err := extrapolate(most, func(n int) (float64, error) {
		compiled := cfg
		compiled.Executor = Compiled // the graph is the same; only the compiled one tells its buffers
		lg, err := buildLoss(p, net, unknown, compiled, gridInputs(p, n), opts.Observations, 1)
		if err != nil {
			return 0, err
		}
		if cfg.Executor == Tape {
			return nodeBytes(lg.g, true), nil
		}
		return float64(lg.exec.(*compiledExecutor).m.BufferBytes()) + nodeBytes(lg.g, false), nil
	})
	if err != nil {
		return 0, err
	}
	m := newModel(p, cfg.IC, net, unknown)
	m.base = cfg.base
	after, err := m.graphMemory(float64(opts.Points), "predict", predictNodes)
	if err != nil {
		return 0, err
	}
	if opts.RefineEvery > 0 {
		refine, err := m.graphMemory(10*float64(opts.Points), "residuals", residualNodes)
		if err != nil {
			return 0, err
		}
		after = max(after, refine)
	}
	params := float64((1+opts.Corrections)*net.NumParams() + len(p.Unknown))
	copies := 12.0 // the trainer's x, gradient, last good and best; Adam's two moments; the networks of Fit, the trainer, the model and its saving
	if opts.Optimizer != Adam {
		copies += 2*lbfgsStore + 4 // the (s, y) pairs, x, gradient, direction and a spare
	}
	// Loss history: the trainer's, the result's copy and its report.
	history := 3 * 8 * float64(opts.Epochs+(1+opts.Corrections)*(opts.LBFGSIterations+1))
	return training + after + 8*copies*params + history, nil
}

// MinimumMemory returns a lower bound, in bytes, of what a Fit of a network
// of the given architecture needs with outputs outputs, found from its
// parameter count alone, without building anything: eight copies of the
// parameters, which every run holds (the trainer's vector, gradient, last
// good and best weights, Adam's two moments, the graph's weights and their
// gradient).
func MinimumMemory(arch Architecture, outputs int) float64 {
	arch = arch.withDefaults()
	params, in := 0.0, 1.0
	for _, w := range append(arch.Hidden, outputs) {
		params += (in + 1) * float64(w)
		in = float64(w)
	}
	return 8 * 8 * params
}

// EstimateMemory returns about how many bytes Predict and Evaluate at n
// points take at their peak: the compiled graph of EvalChunk points (or
// n, if fewer), which the model keeps for later calls, and the results.
func (m *Model) EstimateMemory(n int) (float64, error) {
	return m.graphMemory(float64(n), "predict", predictNodes)
}

// graphMemory estimates the bytes evaluate takes to run the graph build
// makes (kept under the name what) at n points: the compiled machine's
// buffers, the values its graph's nodes hold (the weights and the points
// of a chunk) and the results. It compiles the graph, so that the call
// it estimates finds it ready.
func (m *Model) graphMemory(n float64, what string, build func(b *builder, a at) (G.Nodes, error)) (float64, error) {
	if m.windows != nil {
		// A marched model's windows keep a compiled graph each, as though
		// each held every point; the results are gathered from theirs.
		total := 0.0
		for _, piece := range m.pieces {
			b, err := piece.graphMemory(n, what, build)
			if err != nil {
				return 0, err
			}
			total += b
		}
		return total + 8*n*float64(2*len(m.problem.Vars)), nil
	}
	m.mu.Lock()
	defer m.mu.Unlock()
	e, err := m.evaluator(what, max(min(int(n), EvalChunk), 1), build)
	if err != nil {
		return 0, fmt.Errorf("graph: estimating memory: %w", err)
	}
	return float64(e.bufferBytes()) + nodeBytes(e.g, false) + 8*n*float64(e.outputs), nil
}

// gridInputs returns n points of p's domain as columns (see buildLoss):
// the grid of n points in t and, for a family, each range parameter at
// the middle of its range; what a graph's size depends on is their
// number alone.
func gridInputs(p *problems.Problem, n int) [][]float64 {
	cols := [][]float64{p.Grid(n)}
	for _, k := range p.RangeNames() {
		c := make([]float64, n)
		for i := range c {
			c[i] = (p.Ranges[k].Lo + p.Ranges[k].Hi) / 2
		}
		cols = append(cols, c)
	}
	return cols
}

// extrapolate returns bytes(n), measured at n itself when n is small and
// extrapolated linearly from two measurements otherwise.
func extrapolate(n float64, bytes func(rows int) (float64, error)) (float64, error) {
	if n <= estimateRows+estimateStep {
		return bytes(max(int(n), 2))
	}
	b1, err := bytes(estimateRows)
	if err != nil {
		return 0, fmt.Errorf("graph: estimating memory: %w", err)
	}
	b2, err := bytes(estimateRows + estimateStep)
	if err != nil {
		return 0, fmt.Errorf("graph: estimating memory: %w", err)
	}
	return b1 + (b2-b1)/estimateStep*(n-estimateRows), nil
}

// nodeBytes returns the bytes the values of g's nodes take: all of them
// (what the TapeMachine allocates), or only those that hold one now (the
// inputs and weights, what the Compiled executor reads in place).
func nodeBytes(g *G.ExprGraph, all bool) float64 {
	n := 0
	for _, node := range g.AllNodes() {
		if all || node.Value() != nil {
			n += node.Shape().TotalSize()
		}
	}
	return 8 * float64(n)
}
