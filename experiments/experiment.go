package experiments

import (
	"errors"
	"fmt"
	"slices"
	"strings"

	"pinn/graph"
)

// Scheme names a finite-difference scheme whose discrete solution a run is
// also scored against.
type Scheme string

// The schemes a run can be scored against.
const (
	// NoScheme scores a run against the exact solution only.
	NoScheme Scheme = ""
	// BackwardEuler is (y_k - y_{k-1}) / h = f(t_k, y_k): the forum thread's
	// finite-difference loss is zero exactly on its solution.
	BackwardEuler Scheme = "backward-euler"
)

// Experiment is one named study of a single combination of settings: a
// problem, a network, a loss, the training and the seeds it runs over, with
// what to measure and how to explain it. Every seed starts from its own
// Glorot-uniform weights. Its metrics cover every variable; its plots,
// tables and scheme the first. The built-in experiments are study files
// (see Experiments).
type Experiment struct {
	// Name identifies the experiment on the command line.
	Name string
	// Title says in a line what the experiment is.
	Title string
	// Quote is what the forum thread says about it, in its own words; ""
	// for experiments the thread does not run.
	Quote string
	// Claim is the thread's claim in a few words, for summary tables.
	Claim string
	// Problem is the built-in problem solved.
	Problem string
	// Settings are the network, the loss and the training. Hidden,
	// Activation and OutputActivation must be set: they are what the
	// experiment is about.
	Settings Settings
	// Seeds is how many seeds (1, 2, ...) a run uses unless told otherwise.
	Seeds int
	// Measure says what each run measures besides the loss and the error.
	Measure
	// Columns are the metric keys the text and Markdown tables show.
	Columns []string
	// Table shows the first seed's solution at every point (t, exact,
	// predicted), as the thread's final code prints it.
	Table bool
	// Explain returns the one-line verdict and the explanation of a finding,
	// computed from its numbers; nil gives medians only.
	Explain func(f *Finding) (verdict, explanation string)
}

// Config returns the network and the loss.
func (e *Experiment) Config() graph.Config { return e.Settings.Config }

// Epochs returns the number of Adam epochs.
func (e *Experiment) Epochs() int { return e.Settings.adamEpochs() }

// LearningRate returns Adam's learning rate.
func (e *Experiment) LearningRate() float64 { return e.Settings.learningRate() }

// ErrUnknown is wrapped by Lookup's error for a name no experiment has.
var ErrUnknown = errors.New("experiments: unknown experiment")

// Lookup returns the experiment with the given name.
func Lookup(name string) (Experiment, error) {
	es := Experiments()
	i := slices.IndexFunc(es, func(e Experiment) bool { return e.Name == name })
	if i < 0 {
		return Experiment{}, fmt.Errorf("%w %q (want one of %s)", ErrUnknown, name, strings.Join(Names(), ", "))
	}
	return es[i], nil
}

// Names lists the experiments, then the comparisons, by name.
func Names() []string {
	var names []string
	for _, e := range Experiments() {
		names = append(names, e.Name)
	}
	for _, c := range Comparisons() {
		names = append(names, c.Name)
	}
	return names
}

// check reports what makes e unrunnable.
func (e *Experiment) check() error {
	c := e.Config()
	switch {
	case len(c.Hidden) == 0 || c.Activation == "" || c.OutputActivation == "":
		return fmt.Errorf("experiments: %s: Hidden, Activation and OutputActivation must be set", e.Name)
	case e.Epochs() < 1:
		return fmt.Errorf("experiments: %s: %d epochs", e.Name, e.Epochs())
	case !(e.LearningRate() > 0):
		return fmt.Errorf("experiments: %s: learning rate %g", e.Name, e.LearningRate())
	}
	for _, k := range e.Checkpoints {
		if k < 0 || k >= e.Epochs() {
			return fmt.Errorf("experiments: %s: checkpoint %d outside 0..%d", e.Name, k, e.Epochs()-1)
		}
	}
	return nil
}

// Network describes the architecture, with one output per state variable,
// as the thread would: 1-16-16-1 relu, relu output.
func (e *Experiment) Network(outputs int) string {
	c := e.Config()
	return fmt.Sprintf("%s %s, %s output", widths(c.Hidden, outputs), c.Activation, outputName(c.OutputActivation))
}

func widths(hidden []int, outputs int) string {
	s := []string{"1"}
	for _, w := range hidden {
		s = append(s, fmt.Sprint(w))
	}
	return strings.Join(append(s, fmt.Sprint(outputs)), "-")
}

func outputName(a graph.Activation) string {
	if a == graph.Identity {
		return "linear"
	}
	return string(a)
}

// Loss describes the loss as a formula in the independent variable indep.
func (e *Experiment) Loss(indep string) string {
	c := e.Config()
	reduce := "mean"
	if c.SumResidual {
		reduce = "sum"
	}
	d := "dy/d" + indep
	switch c.Derivative {
	case graph.WRTPrediction:
		d = "d"
	case graph.FDForward:
		d = "diff(y)/diff(" + indep + ")"
	}
	s := fmt.Sprintf("%s((%s - f(%s, y))^2) + (y(%s0) - y0)^2", reduce, d, indep, indep)
	if c.IC == graph.HardIC {
		s = fmt.Sprintf("%s((%s - f(%s, y))^2), initial condition built in", reduce, d, indep)
	}
	if c.Derivative == graph.WRTPrediction {
		s += ", d = 1"
	}
	return s
}

// DerivativeName says how dy/dt is taken, in words, in the independent
// variable indep.
func (e *Experiment) DerivativeName(indep string) string {
	switch e.Settings.Config.Derivative {
	case graph.WRTPrediction:
		return "the thread's mistake: gradient of sum(y) with respect to y (all ones)"
	case graph.FDForward:
		return "finite differences on the grid, at the right-hand points"
	case graph.FDCentral:
		return fmt.Sprintf("central differences, h = %g", e.Settings.Config.FDStep)
	case graph.Forward:
		return "forward tangents through the layers"
	}
	return "symbolic (Gorgonia differentiates y with respect to " + indep + ")"
}
