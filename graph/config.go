package graph

import (
	"gonum.org/v1/gonum/diff/fd"
)

// Derivative says how the derivatives in the ODE residual are obtained.
type Derivative string

// The derivative modes.
const (
	// Symbolic differentiates the network's output node with respect to its
	// input node t with Gorgonia, then differentiates again for the weights.
	Symbolic Derivative = "symbolic"
	// Forward propagates dy/dt (and d2y/dt2) through the layers in the graph.
	Forward Derivative = "forward"
	// FDForward takes diff(y)/diff(t) on the sorted collocation points, as the
	// forum thread's answer did, with the residual at the right-hand points.
	FDForward Derivative = "fd-forward"
	// FDCentral takes (y(t+h) - y(t-h)) / 2h (and (y(t+h) - 2y(t) + y(t-h)) / h^2).
	FDCentral Derivative = "fd-central"
	// WRTPrediction reproduces the forum thread's mistake: the gradient of
	// sum(y) with respect to y itself, which is all ones, in place of dy/dt.
	WRTPrediction Derivative = "wrt-prediction"
)

// Derivatives returns the modes a user chooses from, a fresh slice on every
// call (WRTPrediction exists to reproduce the thread and is not offered).
func Derivatives() []Derivative { return []Derivative{Symbolic, Forward, FDForward, FDCentral} }

// Executor says what runs the differentiated loss graph while training.
type Executor string

// The executors.
const (
	// Compiled runs the graph with the package's own machine: kernels into
	// buffers allocated once, tile by tile over the collocation points, in
	// parallel (see graph/internal/compiled).
	Compiled Executor = "compiled"
	// Tape runs it with Gorgonia's TapeMachine, the straightforward path the
	// compiled one is checked against.
	Tape Executor = "tape"
)

// Executors returns the executors, a fresh slice on every call.
func Executors() []Executor { return []Executor{Compiled, Tape} }

// ICMode says how the initial conditions are met.
type ICMode string

// The initial-condition modes.
const (
	// SoftIC adds the weighted initial-condition misfit to the loss.
	SoftIC ICMode = "soft"
	// HardIC builds the initial conditions into the trial solution.
	HardIC ICMode = "hard"
)

// ICModes returns the initial-condition modes, a fresh slice on every call.
func ICModes() []ICMode { return []ICMode{SoftIC, HardIC} }

// The defaults of Config's (and Architecture's) zero fields; see also
// DefaultHidden and DefaultFDStep.
const (
	DefaultActivation       = Tanh
	DefaultOutputActivation = Identity
	DefaultDerivative       = Symbolic
	DefaultIC               = SoftIC
	DefaultExecutor         = Compiled
)

// DefaultFDStep returns the step of FDCentral when Config.FDStep is zero:
// gonum's steps for central differences, which balance truncation error (h^2)
// against round-off (eps/h for a first derivative, eps/h^2 for a second):
// about 6e-6 for first-order problems and 1e-4 for second-order ones.
func DefaultFDStep(order int) float64 {
	if order == 2 {
		return fd.Central2nd.Step
	}
	return fd.Central.Step
}

// Config says how a problem is solved: the network, the derivative and the
// loss. The zero value of each field means its default. March reads only
// Architecture (each window's networks; Hidden nil means
// DefaultMarchHidden, for a family DefaultFamilyHidden) and Executor: its
// windows always meet the initial conditions hard, take dy/dt
// symbolically and see their input scaled.
type Config struct {
	// Architecture is the network Fit builds.
	Architecture
	// Derivative is how dy/dt is obtained; "" means DefaultDerivative.
	Derivative Derivative
	// FDStep is h for FDCentral (and the slope of FDForward's soft initial
	// condition in second-order problems); 0 means DefaultFDStep(order).
	FDStep float64
	// IC is how the initial conditions are met; "" means DefaultIC.
	IC ICMode
	// ICWeight weighs the soft initial-condition misfit; 0 means 1.
	ICWeight float64
	// DataWeight weighs the misfit to observations; 0 means 1.
	DataWeight float64
	// SumResidual sums the squared residuals instead of averaging them (the
	// thread's finite-difference answer does).
	SumResidual bool
	// ScaleInput maps [t0, t1] onto [-1, 1] before the first layer.
	ScaleInput bool
	// Executor runs the loss graph while training; "" means
	// DefaultExecutor.
	Executor Executor

	// outputScale multiplies the network's output, and base are frozen
	// networks whose scaled outputs are added to it, inside the trial
	// solution: the correction networks of a marched window (see March).
	// 0 and nil leave the network's output as it is.
	outputScale float64
	base        []ScaledNetwork
	// startAt, if not nil, is where a marched family's window starts: the
	// trial solution is anchored there instead of at the problem's T0,
	// and the points carry its initial values there (and slopes, second
	// order), which the window before gives for each member, as further
	// columns after the range parameters: one per variable (see
	// builder.points).
	startAt *float64
}

// withDefaults returns c with every zero field replaced by its default, for a
// problem of the given order.
func (c Config) withDefaults(order int) Config {
	if c.FDStep == 0 {
		c.FDStep = DefaultFDStep(order)
	}
	c.Architecture = c.Architecture.withDefaults()
	if c.Derivative == "" {
		c.Derivative = DefaultDerivative
	}
	if c.IC == "" {
		c.IC = DefaultIC
	}
	if c.ICWeight == 0 {
		c.ICWeight = 1
	}
	if c.DataWeight == 0 {
		c.DataWeight = 1
	}
	if c.Executor == "" {
		c.Executor = DefaultExecutor
	}
	return c
}
