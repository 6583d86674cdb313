package main

import (
	"cmp"
	"context"
	"errors"
	"fmt"
	"io"
	"math"
	"path/filepath"
	"strings"

	"pinn/experiments"
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
		Usage:     "solve a built-in problem with networks, and score the solution",
		ArgsUsage: "PROBLEM",
		Description: "Solves PROBLEM (see pinn list) and scores the solution against the exact one (or the\n" +
			"reference integrator) on the problem's grid. By default it marches: small networks trained\n" +
			"with L-BFGS on windows that grow and shrink so that an estimate of the error each adds stays\n" +
			"within --goal. A setting only training on the whole domain reads (--epochs, --optimizer,\n" +
			"--ic soft, ...) trains one network on the whole domain instead (--method whole), with the\n" +
			"old defaults for the rest (the defaults shown below); --fast does so with nothing else\n" +
			"given. The last line says when the solution disagrees with the reference by more than --tol.\n\n" +
			"Examples:\n" +
			"   pinn train lotka-volterra\n" +
			"   pinn train forum-final --goal 1e-8 --save ff.json\n" +
			"   pinn train decay --hidden 16,16 --derivative fd-central --epochs 2000 --out runs/decay\n" +
			"   pinn train forum-final --output-activation tanh --lr 0.1 --epochs 100 --json\n" +
			"   pinn train decay --activation relu --output-activation relu --epochs 200 --trace 20",
		Flags: concatFlags(f.methodFlags(), f.networkFlags(), f.trainFlags(), out.fitFlags()),
		Action: func(c *cli.Context) error {
			p, err := problemArg(c)
			if err != nil {
				return err
			}
			return fitAndReport(c, f, out, p, nil, nil)
		},
	}
}

// outputFlags say where results go, and how a run that trains one model
// is judged.
type outputFlags struct {
	dir, save string
	json      bool
	tol       float64
	strict    bool
	// trace is --trace's number of steps, traceFlag the flag.
	trace     int
	traceFlag cli.Flag
	ckpt      checkpointFlags
}

// defaultTol is --tol's default.
const defaultTol = 1e-4

// fitFlags are --out, --save, --json, --tol, --strict, --trace and the
// checkpoint flags of a command that trains one model.
func (o *outputFlags) fitFlags() []cli.Flag {
	o.setTraceFlag("every `N` epochs (L-BFGS iterations when marching) print the loss's terms, the gradient's norm per layer, " +
		"the dead units and L-BFGS's step; --out adds trace.csv and trace.png, --json a trace array")
	return append([]cli.Flag{
		o.dirFlag("write solution.csv, loss.csv, result.json and plots into `DIR`"),
		&cli.StringFlag{Name: "save", Usage: "save the trained model (for pinn eval) as `FILE`.json", Destination: &o.save},
		o.jsonFlag(),
		&cli.Float64Flag{Name: "tol", Value: defaultTol, Usage: "the rel_l2 above which the solution disagrees with the reference: the report's last line says so", Destination: &o.tol},
		&cli.BoolFlag{Name: "strict", Usage: "exit with status 1 when the solution disagrees with the reference (see --tol)", Destination: &o.strict},
		o.traceFlag,
	}, o.ckpt.flags()...)
}

// setTraceFlag makes --trace, whose usage says what it traces.
func (o *outputFlags) setTraceFlag(usage string) {
	o.traceFlag = &cli.IntFlag{Name: "trace", Usage: usage, Destination: &o.trace}
}

// checkTrace refuses a --trace given that is not a positive number.
func (o *outputFlags) checkTrace(c *cli.Context) error {
	if given(c, o.traceFlag) && o.trace <= 0 {
		return badInput("--trace must be a positive number of steps, got %d", o.trace)
	}
	return nil
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
// signal stops training at the end of its epoch or L-BFGS iteration, and
// the weights of the lowest loss so far (the windows accepted so far, when
// marching) are reported, written and saved.
func fitAndReport(c *cli.Context, f *fitFlags, out *outputFlags, p *problems.Problem, obs *problems.Observations, trueParams map[string]float64) error {
	if err := f.parse(c); err != nil {
		return err
	}
	if !(out.tol > 0) || math.IsInf(out.tol, 0) {
		return badInput("--tol must be a positive finite number, got %v", out.tol)
	}
	if err := out.checkTrace(c); err != nil {
		return err
	}
	choice, err := f.settings.Method(p)
	var conflict *experiments.MethodConflict
	if errors.As(err, &conflict) {
		return badInput("%s", conflict.Message(func(key string) string { return "--" + key }))
	}
	if err != nil {
		return err
	}
	if obs != nil && choice.Method == graph.March {
		return badInput("--data: observations are fitted by one network on the whole domain: give --method whole")
	}
	cfg, opts, err := f.settings.Resolve(p)
	var familyOnly *experiments.FamilyOnly
	if errors.As(err, &familyOnly) {
		return badInput("%s", familyOnly.Message(func(key string) string { return "--" + key }))
	}
	if err != nil {
		return err
	}
	if err := checkFamily(p, out); err != nil {
		return err
	}
	if err := f.checkFDStep(c, p, cfg); err != nil {
		return err
	}
	opts.Observations = obs
	if err := f.mem.checkFit(c, p, cfg, opts); err != nil {
		return err
	}
	files := report.FitFileNames()
	if p.IsFamily() {
		files = append(files, report.FamilyFiles...)
	}
	var trace *report.TraceWriter
	var steps []graph.TraceStep
	if out.trace > 0 {
		files = append(files, report.TraceFiles...)
		opts.TraceEvery = out.trace
		if !out.json {
			trace = report.NewTraceWriter(c.App.Writer, opts)
		}
		opts.Trace = func(s graph.TraceStep) {
			steps = append(steps, s)
			if trace != nil {
				trace.Write(s)
			}
		}
	}
	cl, err := claimOutputs(out.dir, out.save, files)
	if err != nil {
		return err
	}
	defer cl.release()
	ck, err := out.ckpt.prepare(c, cl, p, cfg, opts, out.dir, out.save, files)
	if err != nil {
		return err
	}
	if ck != nil {
		opts.Resume, opts.Checkpoint, opts.CheckpointEvery = ck.resume, ck.save(), out.ckpt.every
	}
	grid := p.Grid(cmp.Or(opts.Points, p.Points))
	if p.IsFamily() {
		if err := checkFamilyReferences(p, opts.ScoreValues); err != nil {
			return err
		}
	} else if len(p.Unknown) == 0 || len(trueParams) > 0 {
		// Every run is scored against the reference: make sure there is one
		// before training, not after.
		if _, err := p.Reference(grid, trueParams); err != nil {
			if graph.CanMarch(p) != nil {
				return badInput("%v (have the conditions a solution, finite on [%g, %g]?)", err, p.T0, p.T1)
			}
			return badInput("%v (does the solution blow up in [%g, %g]?)", err, p.T0, p.T1)
		}
	}
	switch {
	case choice.Inverse:
		fmt.Fprintf(c.App.ErrWriter, "pinn: unknown parameters %s: training one network on the whole domain, with Adam then L-BFGS and hard initial conditions (--method whole)\n", strings.Join(p.Unknown, ", "))
	case choice.Boundary:
		fmt.Fprintf(c.App.ErrWriter, "pinn: the conditions do not give the whole state at %s = %g: training on the whole domain, with L-BFGS, the conditions built in where they can be and up to %d correction networks (--method whole)\n", p.Indep, p.T0, opts.Corrections)
	case choice.Method == graph.Whole && choice.By != "method" && choice.By != "fast":
		fmt.Fprintf(c.App.ErrWriter, "pinn: --%s given: training one network on the whole domain (--method whole)\n", choice.By)
	}
	finishOnSignal(c)
	update, finish := newProgress(c.App.ErrWriter, p.Name, opts.Epochs+opts.LBFGSIterations)
	opts.Progress = update
	res, fitErr := graph.Fit(c.Context, p, cfg, opts)
	finish()
	if trace != nil {
		trace.Finish()
	}
	if res == nil {
		if isInterrupt(fitErr) {
			return errors.New("interrupted before training began: nothing written")
		}
		return fitErr
	}
	if len(trueParams) > 0 {
		// Score against the reference of the true parameters, which made the data.
		if res.Score, err = res.Model.EvaluateWith(trueParams, grid); err != nil {
			return err
		}
	}
	r := report.NewFit(res, fitErr, trueParams, out.tol)
	if out.trace > 0 {
		r.SetTrace(report.Trace{Steps: steps, Options: res.Options})
	}
	var wrote []string
	if ck != nil && ck.written && r.Interrupted != "" {
		wrote = append(wrote, ck.path)
	}
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
			if p.IsFamily() {
				fmt.Fprintf(c.App.Writer, "wrote        %s\n", filepath.Join(out.dir, "{"+strings.Join(report.FamilyFiles, ",")+"}"))
			}
			if out.trace > 0 {
				fmt.Fprintf(c.App.Writer, "wrote        %s\n", filepath.Join(out.dir, "{"+strings.Join(report.TraceFiles, ",")+"}"))
			}
		}
		if out.save != "" && writeErr == nil {
			fmt.Fprintf(c.App.Writer, "saved        %s (pinn eval %s)\n", out.save, out.save)
		}
		r.WriteVerdict(c.App.Writer)
	}
	switch {
	case writeErr != nil:
		return writeErr
	case r.Interrupted != "":
		done := "nothing asked to be written"
		if len(wrote) > 0 {
			done = "wrote " + joinAnd(wrote)
		}
		if ck != nil && ck.failed != nil {
			done += "; " + ck.failed.Error()
		}
		return fmt.Errorf("interrupted %s (%v); %s", r.Interrupted, context.Cause(c.Context), done)
	case fitErr == nil && out.strict && !r.Agrees:
		return errDisagrees
	}
	return fitErr
}

// checkFamily refuses what a family (a problem with range parameters)
// cannot be trained with yet.
func checkFamily(p *problems.Problem, out *outputFlags) error {
	if !p.IsFamily() {
		return nil
	}
	if out.trace > 0 {
		return badInput("--trace: a family's training is not traced (train without the range, --param %s=VALUE, to trace one member)", p.RangeNames()[0])
	}
	if out.ckpt.path != "" || out.ckpt.resume != "" {
		return badInput("--checkpoint, --resume: a family's training is not checkpointed yet: it cannot be resumed")
	}
	return nil
}

// checkFamilyReferences makes sure, before training, that every member
// of the family p that the run is scored at (values of each range
// parameter) has a reference solution.
func checkFamilyReferences(p *problems.Problem, values int) error {
	members, err := p.ScoreMembers(values)
	if err != nil {
		return badInput("%v", err)
	}
	grid := p.Grid(p.Points)
	for _, member := range members {
		if _, err := p.Reference(grid, member); err != nil {
			return badInput("member %s: %v (does the solution blow up in [%g, %g]?)", report.MemberName(p, member), err, p.T0, p.T1)
		}
	}
	return nil
}

// joinAnd joins a list as a sentence does: "a", "a and b", "a, b and c".
func joinAnd(s []string) string {
	if len(s) < 2 {
		return strings.Join(s, "")
	}
	return strings.Join(s[:len(s)-1], ", ") + " and " + s[len(s)-1]
}

// errDisagrees is the error of a run that --strict fails: the report has
// said why.
var errDisagrees = errors.New("the solution disagrees with the reference (--strict)")

// isInterrupt reports whether err says a context was cancelled or timed
// out: a signal stopped the work.
func isInterrupt(err error) bool {
	return errors.Is(err, context.Canceled) || errors.Is(err, context.DeadlineExceeded)
}
