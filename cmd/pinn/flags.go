package main

import (
	"fmt"
	"math"
	"strconv"
	"strings"

	"pinn/graph"
	"pinn/problems"

	"github.com/urfave/cli/v2"
)

// Every flag writes into a field of an options struct (its Destination) that
// the command's action reads, so that a misspelt field is a compile error
// where a misspelt c.String("name") would silently read "". The commands are
// built afresh for each run (see newApp), each with its own options.

// given reports whether the user gave the flag f.
func given(c *cli.Context, f cli.Flag) bool { return c.IsSet(f.Names()[0]) }

// choiceFlag is a text flag whose value must be one of choices; parse
// stores it, typed, in dst.
type choiceFlag[T ~string] struct {
	flag    *cli.StringFlag
	what    string // the kind of value, for the error
	choices []T
	dst     *T
}

// newChoiceFlag returns the flag --name with default def; what names the
// kind of value in the error of a wrong one.
func newChoiceFlag[T ~string](name, what, usage string, def T, choices []T, dst *T) choiceFlag[T] {
	text := new(string)
	return choiceFlag[T]{flag: &cli.StringFlag{Name: name, Value: string(def), Usage: usage, Destination: text},
		what: what, choices: choices, dst: dst}
}

func (f choiceFlag[T]) parse() error {
	v, err := problems.ParseChoice(f.what, *f.flag.Destination, f.choices)
	if err != nil {
		return usageError{fmt.Errorf("--%s: %w", f.flag.Name, err)}
	}
	*f.dst = v
	return nil
}

// fitDefaults are the defaults the network and training flags show and
// start from where a command's differ from the library's, and the usage
// texts where they differ from pinn train's.
type fitDefaults struct {
	hidden                         []int
	outputActivation               graph.Activation
	epochs                         int
	outputActivationWhy, seedUsage string
}

// fitFlags binds the network, loss and training flags of pinn train, solve
// and compare to the options they set.
type fitFlags struct {
	defaults fitDefaults
	cfg      graph.Config
	opts     graph.Options
	// hidden is --hidden, which a check parses into cfg.
	hidden string
	// scaleInput is --scale-input, whose default is the problem's.
	scaleInput     bool
	scaleInputFlag cli.Flag
	// fdStepFlag is --fd-step, which checkFDStep checks against the problem.
	fdStepFlag *cli.Float64Flag
	// mem is --max-memory, the limit of the run's memory estimate.
	mem *memoryFlag
	// checks, one per flag that needs one, in the order of the flags,
	// check the values and store the parsed ones in cfg and opts.
	checks []func(c *cli.Context) error
}

// newFitFlags returns the flags of a command with the library's defaults
// where d leaves them zero.
func newFitFlags(d fitDefaults) *fitFlags {
	if d.hidden == nil {
		d.hidden = graph.DefaultHidden()
	}
	if d.outputActivation == "" {
		d.outputActivation = graph.DefaultOutputActivation
	}
	if d.epochs == 0 {
		d.epochs = graph.DefaultEpochs
	}
	if d.seedUsage == "" {
		d.seedUsage = "seed of every random choice"
	}
	return &fitFlags{defaults: d, mem: newMemoryFlag()}
}

// parse runs the checks: the options then hold what the flags say.
func (f *fitFlags) parse(c *cli.Context) error {
	for _, check := range f.checks {
		if err := check(c); err != nil {
			return err
		}
	}
	return nil
}

// choice returns the flag of cf, whose value parse checks and stores.
func choice[T ~string](f *fitFlags, cf choiceFlag[T]) cli.Flag {
	f.checks = append(f.checks, func(*cli.Context) error { return cf.parse() })
	return cf.flag
}

// positive returns fl, whose value parse requires to be positive (or, with
// zero set, not negative).
func (f *fitFlags) positive(fl *cli.IntFlag, zero bool) cli.Flag {
	f.checks = append(f.checks, func(*cli.Context) error {
		switch v := *fl.Destination; {
		case !zero && v <= 0:
			return badInput("--%s must be positive, got %d", fl.Name, v)
		case zero && v < 0:
			return badInput("--%s must not be negative, got %d", fl.Name, v)
		}
		return nil
	})
	return fl
}

// positiveFloat returns fl, whose value parse requires to be positive and
// finite, when given or always.
func (f *fitFlags) positiveFloat(fl *cli.Float64Flag, always bool) cli.Flag {
	f.checks = append(f.checks, func(c *cli.Context) error {
		if v := *fl.Destination; (always || given(c, fl)) && !(v > 0 && !math.IsInf(v, 0)) {
			if !always {
				return badInput("--%s must be a positive number, got %v", fl.Name, v)
			}
			return badInput("--%s must be a positive finite number, got %v", fl.Name, v)
		}
		return nil
	})
	return fl
}

func (f *fitFlags) hiddenFlag() cli.Flag {
	widths := make([]string, len(f.defaults.hidden))
	for i, w := range f.defaults.hidden {
		widths[i] = strconv.Itoa(w)
	}
	f.checks = append(f.checks, func(*cli.Context) (err error) {
		f.cfg.Hidden, err = parseWidths(f.hidden)
		return err
	})
	return &cli.StringFlag{Name: "hidden", Value: strings.Join(widths, ","), Usage: "hidden layer widths, comma-separated", Destination: &f.hidden}
}

func (f *fitFlags) activationFlag() cli.Flag {
	return choice(f, newChoiceFlag("activation", "activation", "hidden activation: "+problems.ChoiceList(graph.Activations()),
		graph.DefaultActivation, graph.Activations(), &f.cfg.Activation))
}

func (f *fitFlags) outputActivationFlag() cli.Flag {
	return choice(f, newChoiceFlag("output-activation", "activation", "output activation"+f.defaults.outputActivationWhy+": "+problems.ChoiceList(graph.Activations()),
		f.defaults.outputActivation, graph.Activations(), &f.cfg.OutputActivation))
}

func (f *fitFlags) icFlag() cli.Flag {
	return choice(f, newChoiceFlag("ic", "initial-condition mode", "initial conditions: soft (in the loss) or hard (built into the trial solution)",
		graph.DefaultIC, graph.ICModes(), &f.cfg.IC))
}

func (f *fitFlags) pointsFlag() cli.Flag {
	fl := &cli.IntFlag{Name: "points", Usage: "number of collocation points", DefaultText: "the problem's grid", Destination: &f.opts.Points}
	f.checks = append(f.checks, func(c *cli.Context) error {
		if given(c, fl) && f.opts.Points < 2 {
			return badInput("--%s must be at least 2, got %d", fl.Name, f.opts.Points)
		}
		return nil
	})
	return fl
}

func (f *fitFlags) epochsFlag() cli.Flag {
	return f.positive(&cli.IntFlag{Name: "epochs", Value: f.defaults.epochs, Usage: "Adam epochs", Destination: &f.opts.Epochs}, false)
}

func (f *fitFlags) learningRateFlag() cli.Flag {
	return f.positiveFloat(&cli.Float64Flag{Name: "lr", Value: graph.DefaultLearningRate, Usage: "Adam learning rate", Destination: &f.opts.LearningRate}, true)
}

func (f *fitFlags) seedFlag() cli.Flag {
	return &cli.Uint64Flag{Name: "seed", Value: 1, Usage: f.defaults.seedUsage, Destination: &f.opts.Seed}
}

// networkFlags configure the network and the loss.
func (f *fitFlags) networkFlags() []cli.Flag {
	f.fdStepFlag = &cli.Float64Flag{Name: "fd-step", Usage: "finite-difference step h of fd-central",
		DefaultText: "6e-6, 1e-4 for second-order problems", Destination: &f.cfg.FDStep}
	f.scaleInputFlag = &cli.BoolFlag{Name: "scale-input", Usage: "map the domain onto [-1, 1] before the first layer (--scale-input=false turns it off)",
		DefaultText: "on, but off for decay and forum-final", Destination: &f.scaleInput}
	return []cli.Flag{
		f.hiddenFlag(),
		f.activationFlag(),
		f.outputActivationFlag(),
		choice(f, newChoiceFlag("derivative", "derivative", "how dy/dt is taken: "+problems.ChoiceList(graph.Derivatives()),
			graph.DefaultDerivative, graph.Derivatives(), &f.cfg.Derivative)),
		f.positiveFloat(f.fdStepFlag, false),
		f.icFlag(),
		f.scaleInputFlag,
	}
}

// trainFlags configure the collocation points and the optimisers.
func (f *fitFlags) trainFlags() []cli.Flag {
	return []cli.Flag{
		f.pointsFlag(),
		choice(f, newChoiceFlag("sampling", "sampling", "collocation points: grid, uniform (random) or sobol",
			problems.DefaultSampling, problems.Samplings(), &f.opts.Sampling)),
		f.positive(&cli.IntFlag{Name: "resample", Usage: "draw fresh collocation points every `K` Adam epochs", DefaultText: "never", Destination: &f.opts.ResampleEvery}, true),
		f.positive(&cli.IntFlag{Name: "refine", Usage: "every `K` Adam epochs, add the points of largest residual", DefaultText: "never", Destination: &f.opts.RefineEvery}, true),
		f.positive(&cli.IntFlag{Name: "refine-points", Usage: "how many points each refinement adds", DefaultText: "a tenth of --points", Destination: &f.opts.RefinePoints}, true),
		f.positive(&cli.IntFlag{Name: "stages", Value: 1, Usage: "march in time: train on `K` growing windows [t0, t0 + k(t1-t0)/K] in turn, each with its share of the epochs", Destination: &f.opts.Stages}, false),
		choice(f, newChoiceFlag("optimizer", "optimizer", "adam, lbfgs, or adam+lbfgs (Adam, then L-BFGS)",
			graph.DefaultOptimizer, graph.Optimizers(), &f.opts.Optimizer)),
		f.epochsFlag(),
		f.learningRateFlag(),
		f.positive(&cli.IntFlag{Name: "lbfgs-iters", Value: graph.DefaultLBFGSIterations, Usage: "most L-BFGS iterations", Destination: &f.opts.LBFGSIterations}, false),
		f.positiveFloat(&cli.Float64Flag{Name: "lbfgs-tol", Value: graph.DefaultLBFGSTolerance, Usage: "stop L-BFGS when 100 iterations lower the loss by less than this fraction", Destination: &f.opts.LBFGSTolerance}, true),
		f.seedFlag(),
		choice(f, newChoiceFlag("executor", "executor", "what runs the training graph: compiled (the package's own executor) or tape (Gorgonia's TapeMachine, the reference)",
			graph.DefaultExecutor, graph.Executors(), &f.cfg.Executor)),
		f.mem.flag,
	}
}

// checkFDStep checks --fd-step, once parsed, against problem p: a step that
// rounding loses (t + h == t in the domain) is refused, and one that the
// derivative mode does not use is ignored, which stderr says.
func (f *fitFlags) checkFDStep(c *cli.Context, p *problems.Problem) error {
	if f.fdStepFlag == nil || !given(c, f.fdStepFlag) {
		return nil
	}
	h, d := f.cfg.FDStep, f.cfg.Derivative
	// fd-forward takes a step only for the initial slope of a second-order
	// problem with soft initial conditions; on the grid it has none.
	if d != graph.FDCentral && !(d == graph.FDForward && p.Order == 2 && f.cfg.IC == graph.SoftIC) {
		fmt.Fprintf(c.App.ErrWriter, "pinn: --fd-step %g is ignored: --derivative %s takes no step (fd-central does)\n", h, d)
		return nil
	}
	if t := math.Max(math.Abs(p.T0), math.Abs(p.T1)); t+h == t {
		return badInput("--fd-step %g is lost to rounding: %s + h == %s at %s = %g (the step must be well above %.2g)", h, p.Indep, p.Indep, p.Indep, t, t*0x1p-52)
	}
	return nil
}

// scaleInputFor returns --scale-input, whose default is the problem's.
func (f *fitFlags) scaleInputFor(c *cli.Context, p *problems.Problem) bool {
	if given(c, f.scaleInputFlag) {
		return f.scaleInput
	}
	return p.ScaleInput
}

// parseWidths reads "8,8" into hidden layer widths.
func parseWidths(s string) ([]int, error) {
	var ws []int
	for _, f := range strings.Split(s, ",") {
		w, err := strconv.Atoi(strings.TrimSpace(f))
		if err != nil || w < 1 || w > 4096 {
			return nil, badInput("--hidden: %q is not a list of widths from 1 to 4096, like 8,8", s)
		}
		ws = append(ws, w)
	}
	return ws, nil
}
