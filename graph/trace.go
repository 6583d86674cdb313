package graph

import (
	"fmt"
	"math"
	"slices"

	"gonum.org/v1/gonum/floats"
	G "gorgonia.org/gorgonia"
)

// TraceStep is what training looks like after one step: the terms the loss
// is made of, the size of its gradient layer by layer, how many units no
// gradient flows through, and how L-BFGS took the step. Options.Trace
// receives one every Options.TraceEvery steps; Trainer.Trace takes one at
// any time.
type TraceStep struct {
	// Epoch numbers the step as Options.Progress does: Adam epochs then
	// L-BFGS iterations (March: the run's L-BFGS iterations, counted
	// across windows); 0 is the initial weights.
	Epoch int
	// Optimizer took the step: Adam or LBFGS; "" at the initial weights.
	Optimizer Optimizer
	// Window and Network place a step of March: the window tried (from 1,
	// in the order of MarchRecord.Attempts) and its network (1, then the
	// corrections trained on top of it), and Start and End where the
	// window starts and ends. All are 0 for Whole.
	Window, Network int
	Start, End      float64
	// Loss is the loss at the step's weights, and Terms the terms it is the
	// sum of, in the order the loss graph adds them (so that adding them
	// in that order gives Loss): "residual_" and a variable's name for each
	// variable's mean squared residual, "ic" for the weighted
	// initial-condition misfit (soft initial conditions), "data" for the
	// weighted data misfit (observations).
	Loss  float64
	Terms []TraceValue
	// Gradients are the norms of the loss's gradient per layer, from the
	// flat parameter vector (Trainer.Parameters): Gradients[l] is that of
	// hidden layer l+1's weights and biases, the last that of the output
	// layer's (every output's).
	Gradients []float64
	// Unknown holds |dL/dp| for each unknown parameter p, in the
	// problem's order.
	Unknown []TraceValue
	// DeadUnits of the network's HiddenUnits hidden units have an
	// activation derivative exactly 0 at every collocation point (a relu
	// unit that is off everywhere): no gradient reaches their weights
	// through the loss's points. DeadOutputs of Outputs count the outputs
	// so, where the output activation has a derivative that can be 0
	// (Outputs is 0 for Identity, whose derivative is 1).
	DeadUnits, HiddenUnits int
	DeadOutputs, Outputs   int
	// LBFGS describes an L-BFGS step; the zero value for others.
	LBFGS LBFGSIteration
}

// TraceValue is a named number of a TraceStep.
type TraceValue struct {
	Name  string
	Value float64
}

// DeadFraction is the fraction of hidden units that are dead (see
// TraceStep.DeadUnits); 0 for a network without hidden units.
func (s TraceStep) DeadFraction() float64 {
	if s.HiddenUnits == 0 {
		return 0
	}
	return float64(s.DeadUnits) / float64(s.HiddenUnits)
}

// Trace returns the trainer's current step (see TraceStep), Epoch being
// Epochs() and Window and Network 0: the point L-BFGS is at while it runs
// (when called from its progress function), the current weights
// otherwise. It runs the loss graph once more there, into buffers of its
// own, and a graph of the network's layers at the collocation points for
// the dead units (built at its first call, and again when the points
// change): it changes nothing training reads, so that a run traced gives
// the same numbers as one not.
func (tr *Trainer) Trace() (TraceStep, error) {
	st := TraceStep{Epoch: tr.Epochs(), Optimizer: tr.lastStep}
	x := tr.x
	if tr.lbfgs != nil {
		// tr.x is the line search's last trial point, not the iterate.
		x = tr.lbfgs.X
	}
	if st.Optimizer == LBFGS {
		st.LBFGS = tr.lbfgsLast
	}
	if len(tr.traceGrad) != len(x) {
		tr.traceGrad = make([]float64, len(x))
	}
	values := make([]float64, len(tr.lg.terms))
	loss, err := tr.lg.exec.runTerms(x, tr.traceGrad, values)
	if err != nil {
		return st, err
	}
	st.Loss = loss
	for k, v := range values {
		st.Terms = append(st.Terms, TraceValue{tr.lg.termNames[k], v})
	}
	st.Gradients, st.Unknown = gradientNorms(tr.net, tr.p.Unknown, tr.traceGrad)
	// SetPoints may have moved the points in place.
	if ts := tr.lg.at.t.Value().Data().([]float64); tr.slopes == nil || !slices.Equal(tr.slopes.ts, ts) {
		if tr.slopes, err = newSlopeGraph(tr, ts); err != nil {
			return st, err
		}
	}
	return st, tr.slopes.count(x, tr.net, &st)
}

// gradientNorms splits the flat gradient grad (laid out as
// Trainer.Parameters says, for the network net and the unknown parameters
// named unknown) into the norm of each layer's part and |dL/dp| for each
// unknown parameter.
func gradientNorms(net *Network, unknown []string, grad []float64) ([]float64, []TraceValue) {
	norms := make([]float64, net.Layers())
	off := 0
	for l := range norms {
		n := len(net.Weights[l]) + len(net.Biases[l])
		norms[l] = floats.Norm(grad[off:off+n], 2)
		off += n
	}
	ps := make([]TraceValue, len(unknown))
	for i, k := range unknown {
		ps[i] = TraceValue{k, math.Abs(grad[off+i])}
	}
	return norms, ps
}

// slopeGraph is the graph Trace counts dead units on: the activation
// derivative of every layer of the trainer's network at its collocation
// points, built once per loss graph and run on Gorgonia's TapeMachine at
// the weights of each step traced.
type slopeGraph struct {
	ts     []float64 // the collocation points
	params G.Nodes   // the learnable nodes, as builder.learnables
	vm     G.VM
	// slopes are the derivatives' values (read with G.Read: the
	// TapeMachine reuses memory), one per layer whose activation is not
	// Identity (whose derivative is 1), and hidden says which are hidden
	// layers' (the others are outputs).
	slopes []G.Value
	hidden []bool
}

// newSlopeGraph builds the slope graph of the trainer's network at the
// collocation points ts, as the loss graph builds each activation's
// derivative (Activation.derivatives).
func newSlopeGraph(tr *Trainer, ts []float64) (*slopeGraph, error) {
	b, err := newBuilder(tr.p, tr.net, Config{IC: tr.cfg.IC}.withDefaults(tr.p.Order), tr.unknown)
	if err != nil {
		return nil, err
	}
	sg := &slopeGraph{ts: slices.Clone(ts), params: b.learnables()}
	net := tr.net
	var nodes G.Nodes
	err = b.eachLayer(at{t: b.column("t", ts)}, true, func(l int, z, h *G.Node) error {
		act := net.Activation
		if l == net.Layers() {
			act = net.OutputActivation
		}
		if act == Identity {
			return nil
		}
		d, _, err := act.derivatives(z, h, 1)
		nodes, sg.hidden = append(nodes, d), append(sg.hidden, l < net.Layers())
		return err
	})
	if err != nil {
		return nil, fmt.Errorf("graph: dead units: %w", err)
	}
	sg.slopes = make([]G.Value, len(nodes))
	for i, n := range nodes {
		G.Read(n, &sg.slopes[i])
	}
	sg.vm = G.NewTapeMachine(b.g)
	return sg, nil
}

// count sets st's dead units and outputs at the flat parameter vector x:
// those whose activation derivative is exactly 0 at every point.
func (sg *slopeGraph) count(x []float64, net *Network, st *TraceStep) error {
	off := 0
	for _, n := range sg.params {
		off += numbersOf(n.Value()).set(x[off:])
	}
	defer sg.vm.Reset()
	if err := sg.vm.RunAll(); err != nil {
		return fmt.Errorf("graph: dead units: %w", err)
	}
	for _, w := range net.Widths[1 : len(net.Widths)-1] {
		st.HiddenUnits += w
	}
	for i, v := range sg.slopes {
		d := v.Data().([]float64) // points x width, row-major
		width := len(d) / len(sg.ts)
		if !sg.hidden[i] {
			st.Outputs += width
		}
		for j := range width {
			dead := true
			for k := 0; k < len(sg.ts) && dead; k++ {
				dead = d[k*width+j] == 0
			}
			switch {
			case dead && sg.hidden[i]:
				st.DeadUnits++
			case dead:
				st.DeadOutputs++
			}
		}
	}
	return nil
}

// tracer calls Options.Trace every Options.TraceEvery steps.
type tracer struct {
	every int
	trace func(TraceStep)
	// steps are the steps traced, which a checkpoint keeps.
	steps []TraceStep
}

// newTracer checks opts' trace fields and returns their tracer.
func newTracer(opts Options) (*tracer, error) {
	switch {
	case opts.TraceEvery < 0:
		return nil, fmt.Errorf("graph: Options.TraceEvery %d: want 0 (no trace) or a positive number of steps", opts.TraceEvery)
	case opts.TraceEvery > 0 && opts.Trace == nil:
		return nil, fmt.Errorf("graph: Options.TraceEvery %d with no Options.Trace to call", opts.TraceEvery)
	}
	return &tracer{every: opts.TraceEvery, trace: opts.Trace}, nil
}

// resume gives Options.Trace the steps a resumed run traced before its
// checkpoint, steps, so that the caller has every step of the run.
func (t *tracer) resume(steps []TraceStep) {
	for i := range steps {
		// A checkpoint's encoding (gob) reads an empty list back as nil;
		// a step has one for the unknowns, empty without them.
		if steps[i].Unknown == nil {
			steps[i].Unknown = []TraceValue{}
		}
		t.trace(steps[i])
	}
	t.steps = steps
}

// traced returns the steps traced so far; none for a nil tracer.
func (t *tracer) traced() []TraceStep {
	if t == nil {
		return nil
	}
	return t.steps
}

// at traces tr's current step, numbered epoch, of the given window and
// network, when it is one to trace; a nil tracer traces none.
func (t *tracer) at(tr *Trainer, epoch, window, network int) error {
	if t == nil || t.every == 0 || epoch%t.every != 0 {
		return nil
	}
	st, err := tr.Trace()
	if err != nil {
		return fmt.Errorf("graph: trace of step %d: %w", epoch, err)
	}
	st.Epoch, st.Window, st.Network = epoch, window, network
	if window > 0 {
		st.Start, st.End = tr.p.T0, tr.p.T1 // tr trains the window's problem
	}
	t.steps = append(t.steps, st)
	t.trace(st)
	return nil
}
