package main

import (
	"fmt"
	"io"
	"path/filepath"
	"strings"

	"pinn/experiments/report"
	"pinn/graph"
	"pinn/problems"

	"github.com/urfave/cli/v2"
)

// trainCommand returns pinn train, bound to fresh options.
func trainCommand() *cli.Command {
	f, out := newFitFlags(fitDefaults{}), &outputFlags{}
	return &cli.Command{
		Name:      "train",
		Usage:     "train a network on a built-in problem",
		ArgsUsage: "PROBLEM",
		Description: "Trains a network on PROBLEM (see pinn list) with Adam and scores it against the exact\n" +
			"solution on the collocation grid.\n\n" +
			"Examples:\n" +
			"   pinn train forum-final\n" +
			"   pinn train decay --hidden 16,16 --derivative fd-central --epochs 2000 --out runs/decay\n" +
			"   pinn train forum-final --output-activation tanh --lr 0.1 --epochs 100 --json",
		Flags: concatFlags(f.networkFlags(), f.trainFlags(), out.fitFlags()),
		Action: func(c *cli.Context) error {
			p, err := problemArg(c)
			if err != nil {
				return err
			}
			return fitAndReport(c, f, out, p, nil, nil)
		},
	}
}

// outputFlags say where results go.
type outputFlags struct {
	dir, save string
	json      bool
}

// fitFlags are --out, --save and --json of a command that trains one model.
func (o *outputFlags) fitFlags() []cli.Flag {
	return []cli.Flag{
		o.dirFlag("write solution.csv, loss.csv, result.json and plots into `DIR`"),
		&cli.StringFlag{Name: "save", Usage: "save the trained model (for pinn eval) as `FILE`.json", Destination: &o.save},
		o.jsonFlag(),
	}
}

// dirFlag is --out, whose usage says what it writes.
func (o *outputFlags) dirFlag(usage string) cli.Flag {
	return &cli.StringFlag{Name: "out", Usage: usage, Destination: &o.dir}
}

func (o *outputFlags) jsonFlag() cli.Flag {
	return &cli.BoolFlag{Name: "json", Usage: "print one JSON object instead of text", Destination: &o.json}
}

func concatFlags(groups ...[]cli.Flag) []cli.Flag {
	var fs []cli.Flag
	for _, g := range groups {
		fs = append(fs, g...)
	}
	return fs
}

// problemArg returns the built-in problem the command's single argument names.
func problemArg(c *cli.Context) (*problems.Problem, error) {
	if c.NArg() != 1 {
		return nil, badInput("%s needs one PROBLEM (one of %s), got %d arguments", c.Command.Name, strings.Join(problems.Names(), ", "), c.NArg())
	}
	p, err := problems.Builtin(c.Args().First())
	if err != nil {
		return nil, usageError{err}
	}
	return p, nil
}

// outDir checks --out before any work is done.
func outDir(dir string) error {
	if dir == "" {
		return nil
	}
	if err := report.CheckWritable(dir); err != nil {
		return badInput("--out %s is not writable: %v", dir, err)
	}
	return nil
}

// fitAndReport trains on p as the flags say and reports: text or JSON on
// stdout, files in --out, the model in --save. obs holds an inverse
// problem's data and trueParams the known true values of its unknowns.
func fitAndReport(c *cli.Context, f *fitFlags, out *outputFlags, p *problems.Problem, obs *problems.Observations, trueParams map[string]float64) error {
	if err := f.parse(c); err != nil {
		return err
	}
	cfg, opts := f.settings.Resolve(p)
	opts.Observations = obs
	if err := outDir(out.dir); err != nil {
		return err
	}
	if err := savePath(out.save); err != nil {
		return err
	}
	if len(p.Unknown) == 0 || len(trueParams) > 0 {
		// Every run is scored against the reference: make sure there is one
		// before training, not after.
		if _, err := p.Reference(p.Grid(opts.Points), trueParams); err != nil {
			return badInput("%v (does the solution blow up in [%g, %g]?)", err, p.T0, p.T1)
		}
	}
	update, finish := newProgress(c.App.Writer, c.App.ErrWriter, p.Name, opts.Epochs+opts.LBFGSIterations, !out.json)
	opts.Progress = update
	res, fitErr := graph.Fit(c.Context, p, cfg, opts)
	finish()
	if res == nil {
		return fitErr
	}
	if len(trueParams) > 0 {
		// Score against the reference of the true parameters, which made the data.
		var err error
		if res.Score, err = res.Model.EvaluateWith(trueParams, p.Grid(res.Options.Points)); err != nil {
			return err
		}
	}
	r := report.NewFit(res, fitErr, trueParams)
	if out.dir != "" {
		if err := r.WriteFiles(out.dir); err != nil {
			return fmt.Errorf("writing %s: %w", out.dir, err)
		}
	}
	if out.save != "" {
		if err := report.WriteFile(out.save, func(w io.Writer) error {
			_, err := res.Model.WriteTo(w)
			return err
		}); err != nil {
			return fmt.Errorf("saving the model: %w", err)
		}
	}
	if out.json {
		if err := r.WriteJSON(c.App.Writer); err != nil {
			return err
		}
	} else {
		r.WriteText(c.App.Writer)
		if out.dir != "" {
			fmt.Fprintf(c.App.Writer, "wrote        %s\n", filepath.Join(out.dir, report.FitFiles))
		}
		if out.save != "" {
			fmt.Fprintf(c.App.Writer, "saved        %s (pinn eval %s)\n", out.save, out.save)
		}
	}
	return fitErr
}

// savePath checks --save before any work is done.
func savePath(path string) error {
	if path == "" {
		return nil
	}
	if err := report.CheckWritable(filepath.Dir(path)); err != nil {
		return badInput("--save %s: %v", path, err)
	}
	return nil
}
