package main

import (
	"context"
	"errors"
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

// outDir checks a directory that several processes may write at once (a
// study's runs, its shards under Slurm): it is made and proved writable,
// but not locked.
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
// problem's data and trueParams the known true values of its unknowns. A
// signal stops training at the end of its epoch, and the weights of the
// lowest loss so far are reported, written and saved.
func fitAndReport(c *cli.Context, f *fitFlags, out *outputFlags, p *problems.Problem, obs *problems.Observations, trueParams map[string]float64) error {
	if err := f.parse(c); err != nil {
		return err
	}
	cfg, opts := f.settings.Resolve(p)
	if err := f.checkFDStep(c, p, cfg); err != nil {
		return err
	}
	opts.Observations = obs
	if err := f.mem.checkFit(c, p, cfg, opts); err != nil {
		return err
	}
	cl, err := claimOutputs(out.dir, out.save, report.FitFileNames())
	if err != nil {
		return err
	}
	defer cl.release()
	if len(p.Unknown) == 0 || len(trueParams) > 0 {
		// Every run is scored against the reference: make sure there is one
		// before training, not after.
		if _, err := p.Reference(p.Grid(opts.Points), trueParams); err != nil {
			return badInput("%v (does the solution blow up in [%g, %g]?)", err, p.T0, p.T1)
		}
	}
	finishOnSignal(c)
	update, finish := newProgress(c.App.Writer, c.App.ErrWriter, p.Name, opts.Epochs+opts.LBFGSIterations, !out.json)
	opts.Progress = update
	res, fitErr := graph.Fit(c.Context, p, cfg, opts)
	finish()
	if res == nil {
		if isInterrupt(fitErr) {
			return errors.New("interrupted before training began: nothing written")
		}
		return fitErr
	}
	if len(trueParams) > 0 {
		// Score against the reference of the true parameters, which made the data.
		if res.Score, err = res.Model.EvaluateWith(trueParams, p.Grid(res.Options.Points)); err != nil {
			return err
		}
	}
	r := report.NewFit(res, fitErr, trueParams)
	var wrote []string
	var writeErr error
	if out.dir != "" {
		if writeErr = r.WriteFiles(out.dir); writeErr == nil {
			wrote = append(wrote, out.dir)
		}
	}
	if out.save != "" && writeErr == nil {
		if writeErr = report.WriteFile(out.save, func(w io.Writer) error {
			_, err := res.Model.WriteTo(w)
			return err
		}); writeErr != nil {
			writeErr = fmt.Errorf("saving the model: %w", writeErr)
		} else {
			wrote = append(wrote, out.save)
		}
	}
	// The report is printed whatever was written: it holds the numbers.
	if out.json {
		if err := r.WriteJSON(c.App.Writer); err != nil {
			return err
		}
	} else {
		r.WriteText(c.App.Writer)
		if out.dir != "" && writeErr == nil {
			fmt.Fprintf(c.App.Writer, "wrote        %s\n", filepath.Join(out.dir, report.FitFiles))
		}
		if out.save != "" && writeErr == nil {
			fmt.Fprintf(c.App.Writer, "saved        %s (pinn eval %s)\n", out.save, out.save)
		}
	}
	switch {
	case writeErr != nil:
		return writeErr
	case r.Interrupted != "":
		done := "nothing asked to be written"
		if len(wrote) > 0 {
			done = "wrote " + strings.Join(wrote, " and ")
		}
		return fmt.Errorf("interrupted %s (%v); %s", r.Interrupted, context.Cause(c.Context), done)
	}
	return fitErr
}

// isInterrupt reports whether err says a context was cancelled or timed
// out: a signal stopped the work.
func isInterrupt(err error) bool {
	return errors.Is(err, context.Canceled) || errors.Is(err, context.DeadlineExceeded)
}
