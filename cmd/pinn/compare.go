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
	"pinn/problems"

	"github.com/urfave/cli/v2"
)

// compareDefaults are pinn compare's network and epochs where they differ
// from pinn train's: the thread's final code, 1-8-8-1 tanh with a tanh output,
// as the named comparisons train it.
var compareDefaults = fitDefaults{
	values: map[string]string{"hidden": "8,8", "output-activation": string(graph.Tanh), "epochs": "2000"},
	usage: map[string]string{
		"output-activation": "output activation (the thread's final code has tanh): " + problems.ChoiceList(graph.Activations())},
	seedUsage: "seed of the initial weights, the same for every mode"}

// compareCommand returns pinn compare, bound to fresh options.
func compareCommand() *cli.Command {
	f, out := newFitFlags(compareDefaults), &outputFlags{}
	var steps string
	stepsFlag := &cli.StringFlag{Name: "steps", Destination: &steps,
		Usage: "the steps h fd-central trains with, comma-separated (default 0.1,0.01,0.001,0.0001 and the default step, 6e-6 or 1e-4 for second-order problems)"}
	return &cli.Command{
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
			f.flag("hidden"), f.flag("activation"), f.flag("output-activation"), f.flag("ic"), stepsFlag,
			f.flag("points"), f.flag("epochs"), f.flag("lr"), f.seedFlag(), f.mem.flag,
			out.dirFlag("write compare.md, comparison.json, modes.csv, steps.csv, steps.png and loss.png into `DIR`"), out.jsonFlag(),
		},
		Action: func(c *cli.Context) error {
			p, err := problemArg(c)
			if err != nil {
				return err
			}
			if err := f.parse(c); err != nil {
				return err
			}
			cmp := experiments.Comparison{Name: "compare-" + p.Name, Problem: p.Name, Title: "every derivative mode on " + p.Name,
				Settings: f.settings, Seed: f.settings.Options.Seed}
			// The modes train one at a time, each one network on the whole
			// domain: the largest must fit.
			whole := f.settings
			whole.Options.Method = graph.Whole
			cfg, opts, err := whole.Resolve(p)
			if err != nil {
				return err
			}
			for _, d := range graph.Derivatives() {
				cfg.Derivative = d
				if err := f.mem.checkFit(c, p, cfg, opts); err != nil {
					return err
				}
			}
			if given(c, stepsFlag) {
				if cmp.FDSteps, err = parseSteps(steps); err != nil {
					return err
				}
			}
			return runComparison(c, out, cmp)
		},
	}
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
func runComparison(c *cli.Context, out *outputFlags, cmp experiments.Comparison) error {
	dir := out.dir
	cl, err := claimOutputs(dir, "", nil)
	if err != nil {
		return err
	}
	defer cl.release()
	progress, finish := runProgress(c.App.ErrWriter, "compare "+cmp.Problem)
	r, err := experiments.Compare(cmp, progress)
	finish()
	if err != nil {
		return err
	}
	// Until here a signal ends the process at once, with nothing written;
	// from here it lets the report be written whole first.
	finishOnSignal(c)
	if dir != "" {
		if err := experiments.WriteComparisonReport(dir, r); err != nil {
			return fmt.Errorf("writing %s: %w", dir, err)
		}
	}
	if out.json {
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
