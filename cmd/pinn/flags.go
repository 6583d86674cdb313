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

// networkFlags configure the network and the loss; trainFlags the optimiser.
var (
	networkFlags = []cli.Flag{
		&cli.StringFlag{Name: "hidden", Value: "16,16", Usage: "hidden layer widths, comma-separated"},
		&cli.StringFlag{Name: "activation", Value: string(graph.Tanh), Usage: "hidden activation: " + names(graph.Activations)},
		&cli.StringFlag{Name: "output-activation", Value: string(graph.Identity), Usage: "output activation: " + names(graph.Activations)},
		&cli.StringFlag{Name: "derivative", Value: string(graph.Symbolic), Usage: "how dy/dt is taken: " + names(graph.Derivatives)},
		&cli.Float64Flag{Name: "fd-step", Usage: "finite-difference step h of fd-central", DefaultText: "6e-6, 1e-4 for second-order problems"},
		&cli.StringFlag{Name: "ic", Value: string(graph.SoftIC), Usage: "initial conditions: soft (in the loss) or hard (built into the trial solution)"},
		&cli.BoolFlag{Name: "scale-input", Usage: "map the domain onto [-1, 1] before the first layer (--scale-input=false turns it off)", DefaultText: "on, but off for decay and forum-final"},
	}
	trainFlags = []cli.Flag{
		&cli.IntFlag{Name: "points", Usage: "number of collocation points", DefaultText: "the problem's grid"},
		&cli.StringFlag{Name: "sampling", Value: string(problems.SampleGrid), Usage: "collocation points: grid, uniform (random) or sobol"},
		&cli.IntFlag{Name: "resample", Usage: "draw fresh collocation points every `K` Adam epochs", DefaultText: "never"},
		&cli.IntFlag{Name: "refine", Usage: "every `K` Adam epochs, add the points of largest residual", DefaultText: "never"},
		&cli.IntFlag{Name: "refine-points", Usage: "how many points each refinement adds", DefaultText: "a tenth of --points"},
		&cli.IntFlag{Name: "stages", Value: 1, Usage: "march in time: train on `K` growing windows [t0, t0 + k(t1-t0)/K] in turn, each with its share of the epochs"},
		&cli.StringFlag{Name: "optimizer", Value: string(graph.Adam), Usage: "adam, lbfgs, or adam+lbfgs (Adam, then L-BFGS)"},
		&cli.IntFlag{Name: "epochs", Value: 3000, Usage: "Adam epochs"},
		&cli.Float64Flag{Name: "lr", Value: 0.01, Usage: "Adam learning rate"},
		&cli.IntFlag{Name: "lbfgs-iters", Value: 20000, Usage: "most L-BFGS iterations"},
		&cli.Float64Flag{Name: "lbfgs-tol", Value: 1e-12, Usage: "stop L-BFGS when 100 iterations lower the loss by less than this fraction"},
		&cli.Uint64Flag{Name: "seed", Value: 1, Usage: "seed of every random choice"},
		&cli.StringFlag{Name: "executor", Value: string(graph.Compiled), Usage: "what runs the training graph: compiled (the package's own executor) or tape (Gorgonia's TapeMachine, the reference)"},
	}
)

func names[T ~string](xs []T) string {
	s := make([]string, len(xs))
	for i, x := range xs {
		s[i] = string(x)
	}
	return strings.Join(s, ", ")
}

// parseConfig reads the network and loss flags, and --executor.
func parseConfig(c *cli.Context) (graph.Config, error) {
	var cfg graph.Config
	var err error
	if cfg.Hidden, err = parseWidths(c.String("hidden")); err != nil {
		return cfg, err
	}
	if cfg.Activation, err = graph.ParseActivation(c.String("activation")); err != nil {
		return cfg, usageError{fmt.Errorf("--activation: %w", err)}
	}
	if cfg.OutputActivation, err = graph.ParseActivation(c.String("output-activation")); err != nil {
		return cfg, usageError{fmt.Errorf("--output-activation: %w", err)}
	}
	if cfg.Derivative, err = graph.ParseDerivative(c.String("derivative")); err != nil || cfg.Derivative == graph.WRTPrediction {
		return cfg, badInput("--derivative: unknown derivative %q (want one of %s)", c.String("derivative"), names(graph.Derivatives))
	}
	if cfg.IC, err = graph.ParseICMode(c.String("ic")); err != nil {
		return cfg, usageError{fmt.Errorf("--ic: %w", err)}
	}
	if cfg.Executor, err = graph.ParseExecutor(c.String("executor")); err != nil {
		return cfg, usageError{fmt.Errorf("--executor: %w", err)}
	}
	cfg.FDStep = c.Float64("fd-step")
	if c.IsSet("fd-step") && !(cfg.FDStep > 0 && !math.IsInf(cfg.FDStep, 0)) {
		return cfg, badInput("--fd-step must be a positive number, got %v", cfg.FDStep)
	}
	return cfg, nil
}

// parseOptions reads the training flags.
func parseOptions(c *cli.Context) (graph.Options, error) {
	o := graph.Options{Seed: c.Uint64("seed"), Points: c.Int("points"), Epochs: c.Int("epochs"), LearningRate: c.Float64("lr"),
		LBFGSIterations: c.Int("lbfgs-iters"), LBFGSTolerance: c.Float64("lbfgs-tol"),
		ResampleEvery: c.Int("resample"), RefineEvery: c.Int("refine"), RefinePoints: c.Int("refine-points"), Stages: c.Int("stages")}
	var err error
	if o.Optimizer, err = graph.ParseOptimizer(c.String("optimizer")); err != nil {
		return o, usageError{fmt.Errorf("--optimizer: %w", err)}
	}
	if o.Sampling, err = problems.ParseSampling(c.String("sampling")); err != nil {
		return o, usageError{fmt.Errorf("--sampling: %w", err)}
	}
	if c.IsSet("points") && o.Points < 2 {
		return o, badInput("--points must be at least 2, got %d", o.Points)
	}
	for _, f := range []string{"epochs", "lbfgs-iters", "stages"} {
		if c.Int(f) <= 0 {
			return o, badInput("--%s must be positive, got %d", f, c.Int(f))
		}
	}
	for _, f := range []string{"resample", "refine", "refine-points"} {
		if c.Int(f) < 0 {
			return o, badInput("--%s must not be negative, got %d", f, c.Int(f))
		}
	}
	if !(o.LearningRate > 0) || math.IsInf(o.LearningRate, 0) {
		return o, badInput("--lr must be a positive finite number, got %v", o.LearningRate)
	}
	if !(o.LBFGSTolerance > 0) || math.IsInf(o.LBFGSTolerance, 0) {
		return o, badInput("--lbfgs-tol must be a positive finite number, got %v", o.LBFGSTolerance)
	}
	return o, nil
}

// scaleInput reads --scale-input, whose default is the problem's.
func scaleInput(c *cli.Context, def bool) bool {
	if c.IsSet("scale-input") {
		return c.Bool("scale-input")
	}
	return def
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
