package experiments

import (
	"fmt"
	"math"
	"slices"

	"pinn/graph"
	"pinn/problems"
)

// Comparison trains one network from one seed with each way of taking
// dy/dt, then studies the finite-difference step on the network the
// symbolic derivative trained.
type Comparison struct {
	// Name identifies the comparison on the command line.
	Name string
	// Title says in a line what it compares.
	Title string
	// Problem is the built-in problem solved.
	Problem string
	// Settings are the network, the loss and the training every mode
	// shares; each mode sets the derivative (and fd-central's step).
	// Hidden, Activation and OutputActivation must be set.
	Settings Settings
	// Seed is every mode's.
	Seed uint64
	// FDSteps are the steps fd-central trains with, one mode each; nil means
	// DefaultFDSteps and the default step for the problem's order.
	FDSteps []float64
	// StudySteps are the steps of the step study; nil means DefaultStudySteps.
	StudySteps []float64
}

// Config returns the network and the loss every mode shares.
func (c *Comparison) Config() graph.Config { return c.Settings.Config }

// Epochs returns the number of Adam epochs.
func (c *Comparison) Epochs() int { return c.Settings.adamEpochs() }

// LearningRate returns Adam's learning rate.
func (c *Comparison) LearningRate() float64 { return c.Settings.learningRate() }

// DefaultFDSteps returns the steps fd-central trains with, besides the
// default step graph.DefaultFDStep; the slice is the caller's.
func DefaultFDSteps() []float64 { return []float64{1e-1, 1e-2, 1e-3, 1e-4} }

// DefaultStudySteps returns the steps h of the step study, 1e-1 down to
// 1e-12; the slice is the caller's.
func DefaultStudySteps() []float64 {
	return []float64{1e-1, 1e-2, 1e-3, 1e-4, 1e-5, 1e-6, 1e-7, 1e-8, 1e-9, 1e-10, 1e-11, 1e-12}
}

// comparisonNames are the built-in comparisons, in the order they are listed.
var comparisonNames = []string{"derivatives-forum-final", "derivatives-decay"}

// Comparisons returns the table of named derivative comparisons, each a
// study file built into pinn (see BuiltinSource). Every call builds it
// afresh, so a caller may change what it gets.
func Comparisons() []Comparison {
	var cs []Comparison
	for _, name := range comparisonNames {
		c, err := mustLoadBuiltin(name).asComparison()
		if err != nil {
			panic(err) // TestBuiltinStudies reads every one
		}
		cs = append(cs, c)
	}
	return cs
}

// LookupComparison returns the comparison with the given name.
func LookupComparison(name string) (Comparison, error) {
	cs := Comparisons()
	i := slices.IndexFunc(cs, func(c Comparison) bool { return c.Name == name })
	if i < 0 {
		return Comparison{}, fmt.Errorf("%w %q", ErrUnknown, name)
	}
	return cs[i], nil
}

// StepError is the step study at one h: the largest difference over the
// collocation points between a finite-difference dy/dt and the symbolic one.
type StepError struct {
	H       float64
	Forward float64 // (y(t+h) - y(t)) / h
	Central float64 // (y(t+h) - y(t-h)) / 2h
}

// ComparisonResult is what a comparison measured.
type ComparisonResult struct {
	// Comparison is what ran, on Problem at the collocation points Points.
	Comparison Comparison
	Problem    *problems.Problem
	Points     []float64
	// Modes holds one single-seed finding per derivative mode.
	Modes []*Finding
	// Steps is the step study, and BestForward and BestCentral index its
	// smallest errors.
	Steps                    []StepError
	BestForward, BestCentral int
}

// modes returns one experiment per derivative mode: symbolic, forward,
// fd-forward, and fd-central at each step.
func (c *Comparison) modes(p *problems.Problem) []Experiment {
	steps := c.FDSteps
	if steps == nil {
		steps = DefaultFDSteps()
		if h := graph.DefaultFDStep(p.Order); !slices.Contains(steps, h) {
			steps = append(steps, h)
		}
	}
	mode := func(d graph.Derivative, h float64) Experiment {
		s := c.Settings
		s.Options.Method = graph.Whole // every mode trains one network on the whole domain
		s.Config.Hidden = slices.Clone(s.Config.Hidden)
		s.Config.Derivative, s.Config.FDStep = d, h
		name := string(d)
		if d == graph.FDCentral {
			name = fmt.Sprintf("%s h=%g", d, h)
		}
		return Experiment{Name: name, Title: c.Title, Problem: c.Problem, Settings: s, Seeds: 1}
	}
	es := []Experiment{mode(graph.Symbolic, 0), mode(graph.Forward, 0), mode(graph.FDForward, 0)}
	for _, h := range steps {
		es = append(es, mode(graph.FDCentral, h))
	}
	return es
}

// Compare runs a comparison. The modes train one after another, so that
// their times per epoch are comparable; progress, if not nil, is called
// after each.
func Compare(c Comparison, progress func(done, total int)) (*ComparisonResult, error) {
	p, err := problems.Builtin(c.Problem)
	if err != nil {
		return nil, err
	}
	modes := c.modes(p)
	fs, err := RunAll(modes, Options{Seeds: []uint64{c.Seed}, Workers: 1, Progress: progress})
	if err != nil {
		return nil, err
	}
	r := &ComparisonResult{Comparison: c, Problem: p, Points: fs[0].Points, Modes: fs}
	steps := c.StudySteps
	if steps == nil {
		steps = DefaultStudySteps()
	}
	sym := &fs[0].Seeds[0]
	if r.Steps, err = StepStudy(sym.Model, r.Points, steps); err != nil {
		return nil, err
	}
	for i, s := range r.Steps {
		if s.Forward < r.Steps[r.BestForward].Forward {
			r.BestForward = i
		}
		if s.Central < r.Steps[r.BestCentral].Central {
			r.BestCentral = i
		}
	}
	return r, nil
}

// StepStudy measures, for each step h, the largest difference over the
// points ts between the finite-difference dy/dt of a trained solution and its
// symbolic dy/dt (all variables). The difference is truncation error, which
// falls with h (like h forward, h^2 central), plus round-off, which grows
// like eps |y| / h.
func StepStudy(m *graph.Model, ts []float64, steps []float64) ([]StepError, error) {
	at := func(shift float64) (*problems.Solution, error) {
		s := make([]float64, len(ts))
		for k, t := range ts {
			s[k] = t + shift
		}
		return m.Predict(s)
	}
	sym, err := at(0)
	if err != nil {
		return nil, err
	}
	out := make([]StepError, len(steps))
	for j, h := range steps {
		plus, err := at(h)
		if err != nil {
			return nil, err
		}
		minus, err := at(-h)
		if err != nil {
			return nil, err
		}
		e := StepError{H: h}
		for i := range sym.Y {
			for k := range ts {
				fwd := (plus.Y[i][k] - sym.Y[i][k]) / h
				cen := (plus.Y[i][k] - minus.Y[i][k]) / (2 * h)
				e.Forward = math.Max(e.Forward, math.Abs(fwd-sym.DY[i][k]))
				e.Central = math.Max(e.Central, math.Abs(cen-sym.DY[i][k]))
			}
		}
		out[j] = e
	}
	return out, nil
}
