package graph

import (
	"fmt"
	"math"
	"slices"

	"pinn/graph/internal/compiled"
	"pinn/graph/internal/f64"

	G "gorgonia.org/gorgonia"
	"gorgonia.org/tensor"
)

// executor runs a loss graph for the trainer. It sees the learnable nodes
// (builder.learnables, in that order) as one flat parameter vector; the
// optimisers work on that vector and never touch a node.
type executor interface {
	// run sets the learnable nodes to x, computes the loss there, which it
	// returns, and writes the loss's gradient with respect to x into grad
	// (as long as x).
	run(x, grad []float64) (float64, error)
	// runTerms is run that also writes into terms the values of the
	// scalar nodes the loss is the sum of (lossGraph.terms), for a trace:
	// the same numbers, and run costs no more for it.
	runTerms(x, grad, terms []float64) (float64, error)
}

// newExecutor returns the executor e for the graph g of the scalar node
// loss, whose gradient with respect to params is the nodes grads and which
// is the sum of the scalar nodes terms, with the given number of
// collocation points (rows) and workers (Options.Workers).
func newExecutor(e Executor, g *G.ExprGraph, loss *G.Node, params, grads, terms G.Nodes, rows, workers int) (executor, error) {
	if e == Tape {
		t := &tapeExecutor{g: g, params: params, termNodes: terms}
		G.Read(loss, &t.loss)
		t.vm = G.NewTapeMachine(g, G.BindDualValues(params...))
		return t, nil
	}
	// The terms are outputs after the gradients: nodes every run computes
	// whole (sums over the points), so the program is the same and reading
	// them is free.
	m, err := compiled.Compile(g, loss, append(slices.Clone(grads), terms...), rows)
	if err != nil {
		return nil, err
	}
	m.Workers = workers
	c := &compiledExecutor{m: m, gradients: len(grads)}
	for _, n := range params {
		c.params = append(c.params, numbersOf(n.Value()))
	}
	return c, nil
}

// Kernels names the matrix and pointwise kernels the Compiled executor uses
// in this build on this CPU.
func Kernels() string { return f64.Kernels() }

// tapeExecutor is the Tape executor: Gorgonia's TapeMachine, which leaves
// the gradient in the dual values of the learnable nodes.
type tapeExecutor struct {
	g      *G.ExprGraph
	vm     G.VM
	params G.Nodes
	// loss is read with G.Read: the TapeMachine reuses memory.
	loss G.Value
	// termNodes are the loss's terms. Reading them takes reads in the
	// graph, which would cost every run: traceVM, a second machine built
	// at the first runTerms, has them (into termValues), vm does not.
	termNodes  G.Nodes
	traceVM    G.VM
	termValues []G.Value
}

func (e *tapeExecutor) run(x, grad []float64) (float64, error) {
	return e.runOn(e.vm, x, grad)
}

func (e *tapeExecutor) runTerms(x, grad, terms []float64) (float64, error) {
	if e.traceVM == nil {
		e.termValues = make([]G.Value, len(e.termNodes))
		for k, n := range e.termNodes {
			G.Read(n, &e.termValues[k])
		}
		e.traceVM = G.NewTapeMachine(e.g, G.BindDualValues(e.params...))
	}
	loss, err := e.runOn(e.traceVM, x, grad)
	if err != nil {
		return loss, err
	}
	for k, v := range e.termValues {
		terms[k] = v.Data().(float64)
	}
	return loss, nil
}

// runOn is run on the machine vm.
func (e *tapeExecutor) runOn(vm G.VM, x, grad []float64) (float64, error) {
	off := 0
	for _, n := range e.params {
		off += numbersOf(n.Value()).set(x[off:])
		// The TapeMachine adds the gradient to what the dual value holds.
		if g, _ := n.Grad(); g != nil {
			numbersOf(g).zero()
		}
	}
	defer vm.Reset()
	if err := vm.RunAll(); err != nil {
		return math.NaN(), err
	}
	off = 0
	for _, n := range e.params {
		g, err := n.Grad()
		if err != nil {
			return math.NaN(), fmt.Errorf("graph: gradient of %v: %w", n, err)
		}
		off += numbersOf(g).get(grad[off:])
	}
	return e.loss.Data().(float64), nil
}

// compiledExecutor is the Compiled executor: package compiled's Machine,
// which reads the learnable nodes' values where they are and leaves the
// gradient in buffers of its own.
type compiledExecutor struct {
	m *compiled.Machine
	// params are the learnable nodes' numbers, looked up once (so that a
	// run allocates nothing): the storage the machine reads.
	params []numbers
	// gradients is the number of the machine's outputs that are the
	// gradient's nodes; the loss's terms follow.
	gradients int
}

func (e *compiledExecutor) run(x, grad []float64) (float64, error) {
	off := 0
	for _, p := range e.params {
		off += p.set(x[off:])
	}
	loss, err := e.m.Run()
	if err != nil {
		return math.NaN(), err
	}
	off = 0
	for k := range e.params {
		off += copy(grad[off:], e.m.Output(k))
	}
	return loss, nil
}

func (e *compiledExecutor) runTerms(x, grad, terms []float64) (float64, error) {
	loss, err := e.run(x, grad)
	for k := range terms {
		terms[k] = e.m.Output(e.gradients + k)[0]
	}
	return loss, err
}

// numbers is a float64 Gorgonia value seen as numbers: a tensor's own
// storage, or a scalar.
type numbers struct {
	data   []float64
	scalar *G.F64
}

// numbersOf returns the numbers of v, a *tensor.Dense of float64 or a
// *G.F64 (the values of learnable nodes and their gradients).
func numbersOf(v G.Value) numbers {
	switch v := v.(type) {
	case *tensor.Dense:
		return numbers{data: v.Data().([]float64)}
	case *G.F64:
		return numbers{scalar: v}
	}
	panic(fmt.Sprintf("graph: a learnable value of type %T", v))
}

// set copies the first numbers of x into n and returns how many.
func (n numbers) set(x []float64) int {
	if n.scalar != nil {
		*n.scalar = G.F64(x[0])
		return 1
	}
	return copy(n.data, x)
}

// get copies n into the start of x and returns how many numbers.
func (n numbers) get(x []float64) int {
	if n.scalar != nil {
		x[0] = float64(*n.scalar)
		return 1
	}
	return copy(x, n.data)
}

// zero sets n to zeros.
func (n numbers) zero() {
	if n.scalar != nil {
		*n.scalar = 0
		return
	}
	clear(n.data)
}
