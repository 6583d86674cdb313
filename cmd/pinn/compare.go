package main

import (
	"encoding/json"
	"fmt"
	"math"
	"path/filepath"
	"strconv"
	"strings"

	"pinn/experiments"
	"pinn/graph"

	"github.com/urfave/cli/v2"
)

var compareCommand = &cli.Command{
	Name:      "compare",
	Usage:     "train one network with each way of taking dy/dt, and study the finite-difference step",
	ArgsUsage: "PROBLEM",
	Description: "Trains the same network from the same seed with each derivative mode (symbolic, forward,\n" +
		"fd-forward on the grid, fd-central at several steps) and tabulates the final loss, rel_l2,\n" +
		"max |dy/dt - exact dy/dt| and microseconds per epoch; the modes run one at a time so that\n" +
		"their times compare. Then, on the symbolic-trained network, the error of finite-difference\n" +
		"dy/dt against the symbolic one for h = 1e-1 down to 1e-12: truncation error falls with h,\n" +
		"round-off rises, and the best h of each formula is marked. The network defaults to the\n" +
		"thread's final code (1-8-8-1 tanh, tanh output).\n\n" +
		"Examples:\n" +
		"   pinn compare forum-final\n" +
		"   pinn compare decay --output-activation none --out runs/compare-decay\n" +
		"   pinn compare forum-final --steps 0.1,1e-3 --epochs 500 --json",
	Flags: []cli.Flag{
		&cli.StringFlag{Name: "hidden", Value: "8,8", Usage: "hidden layer widths, comma-separated"},
		&cli.StringFlag{Name: "activation", Value: string(graph.Tanh), Usage: "hidden activation: " + names(graph.Activations)},
		&cli.StringFlag{Name: "output-activation", Value: string(graph.Tanh), Usage: "output activation (the thread's final code has tanh): " + names(graph.Activations)},
		&cli.StringFlag{Name: "ic", Value: string(graph.SoftIC), Usage: "initial conditions: soft (in the loss) or hard (built into the trial solution)"},
		&cli.StringFlag{Name: "steps", Usage: "the steps h fd-central trains with, comma-separated (default 0.1,0.01,0.001,0.0001 and the default step, 6e-6 or 1e-4 for second-order problems)"},
		&cli.IntFlag{Name: "points", Usage: "number of collocation points", DefaultText: "the problem's grid"},
		&cli.IntFlag{Name: "epochs", Value: 2000, Usage: "Adam epochs"},
		&cli.Float64Flag{Name: "lr", Value: 0.01, Usage: "Adam learning rate"},
		&cli.Uint64Flag{Name: "seed", Value: 1, Usage: "seed of the initial weights, the same for every mode"},
		&cli.StringFlag{Name: "out", Usage: "write compare.md, comparison.json, modes.csv, steps.csv, steps.png and loss.png into `DIR`"},
		&cli.BoolFlag{Name: "json", Usage: "print one JSON object instead of text"},
	},
	Action: runCompare,
}

func runCompare(c *cli.Context) error {
	p, err := problemArg(c)
	if err != nil {
		return err
	}
	cmp := experiments.Comparison{Name: "compare-" + p.Name, Problem: p.Name,
		Title: "every derivative mode on " + p.Name, Config: graph.Config{ScaleInput: p.ScaleInput}}
	if cmp.Config.Hidden, err = parseWidths(c.String("hidden")); err != nil {
		return err
	}
	if cmp.Config.Activation, err = graph.ParseActivation(c.String("activation")); err != nil {
		return usageError{fmt.Errorf("--activation: %w", err)}
	}
	if cmp.Config.OutputActivation, err = graph.ParseActivation(c.String("output-activation")); err != nil {
		return usageError{fmt.Errorf("--output-activation: %w", err)}
	}
	if cmp.Config.IC, err = graph.ParseICMode(c.String("ic")); err != nil {
		return usageError{fmt.Errorf("--ic: %w", err)}
	}
	if c.IsSet("steps") {
		if cmp.FDSteps, err = parseSteps(c.String("steps")); err != nil {
			return err
		}
	}
	cmp.Points, cmp.Epochs, cmp.LearningRate, cmp.Seed = c.Int("points"), c.Int("epochs"), c.Float64("lr"), c.Uint64("seed")
	switch {
	case c.IsSet("points") && cmp.Points < 2:
		return badInput("--points must be at least 2, got %d", cmp.Points)
	case cmp.Epochs <= 0:
		return badInput("--epochs must be positive, got %d", cmp.Epochs)
	case !(cmp.LearningRate > 0) || math.IsInf(cmp.LearningRate, 0):
		return badInput("--lr must be a positive finite number, got %v", cmp.LearningRate)
	}
	return runComparison(c, cmp)
}

// parseSteps reads "0.1,1e-3" into positive steps.
func parseSteps(s string) ([]float64, error) {
	var hs []float64
	for _, f := range strings.Split(s, ",") {
		h, err := strconv.ParseFloat(strings.TrimSpace(f), 64)
		if err != nil || !(h > 0) || math.IsInf(h, 0) {
			return nil, badInput("--steps: %q is not a list of positive steps, like 0.1,1e-3", s)
		}
		hs = append(hs, h)
	}
	return hs, nil
}

// runComparison runs a comparison and prints or writes its report.
func runComparison(c *cli.Context, cmp experiments.Comparison) error {
	dir, err := outDir(c)
	if err != nil {
		return err
	}
	progress, finish := runProgress(c.App.ErrWriter, "compare "+cmp.Problem)
	r, err := experiments.Compare(cmp, progress)
	finish()
	if err != nil {
		return err
	}
	if dir != "" {
		if err := experiments.WriteComparisonReport(dir, r); err != nil {
			return fmt.Errorf("writing %s: %w", dir, err)
		}
	}
	if c.Bool("json") {
		return json.NewEncoder(c.App.Writer).Encode(r)
	}
	if err := experiments.WriteComparisonText(c.App.Writer, r); err != nil {
		return err
	}
	if dir != "" {
		fmt.Fprintf(c.App.Writer, "\nwrote %s (with comparison.json, modes.csv, steps.csv, steps.png, loss.png)\n", filepath.Join(dir, "compare.md"))
	}
	return nil
}
