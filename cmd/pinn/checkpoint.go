package main

import (
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"time"

	"pinn/experiments/report"
	"pinn/graph"
	"pinn/problems"

	"github.com/urfave/cli/v2"
)

// checkpointFlags are --checkpoint, --checkpoint-every and --resume of a
// command that trains one model.
//
// --checkpoint FILE keeps a checkpoint of the run in FILE and, when FILE
// holds one of this run already, goes on from it: the same command is the
// first start of a run and every restart of it, which is what a job
// script that a scheduler requeues needs (see the README's Slurm recipe).
// --resume FILE goes on from FILE, which must exist: a mistyped path there
// would otherwise start a long run afresh, unnoticed.
type checkpointFlags struct {
	path, resume string
	every        time.Duration
	everyFlag    cli.Flag
}

func (k *checkpointFlags) flags() []cli.Flag {
	k.everyFlag = &cli.DurationFlag{Name: "checkpoint-every", Value: graph.DefaultCheckpointEvery,
		Usage: "write the checkpoint every `DURATION` of training (30s, 5m, 1h)", Destination: &k.every}
	return []cli.Flag{
		&cli.StringFlag{Name: "checkpoint", Usage: "keep a checkpoint of the run in `FILE` (and write it when a signal stops the run); " +
			"if FILE holds one of this run, go on from it", Destination: &k.path},
		k.everyFlag,
		&cli.StringFlag{Name: "resume", Usage: "go on from the checkpoint in `FILE`, bit for bit as if the run had never stopped; " +
			"checkpoints go on into FILE unless --checkpoint names another", Destination: &k.resume},
	}
}

// checkpointing is how a run keeps and resumes checkpoints: the file it
// writes, the flag that named it, and the checkpoint it goes on from.
type checkpointing struct {
	flag, path string
	resume     *graph.Checkpoint
	// resumeFlag and resumePath name where resume came from.
	resumeFlag, resumePath string
	// written says a checkpoint was written; failed is the error of the
	// last that could not be.
	written bool
	failed  error
}

// target returns the file checkpoints are written to and the flag that
// names it: --checkpoint, else --resume; "" for none.
func (k *checkpointFlags) target() (flag, path string) {
	switch {
	case k.path != "":
		return "--checkpoint", k.path
	case k.resume != "":
		return "--resume", k.resume
	}
	return "", ""
}

// prepare checks the checkpoint flags of a run of p with cfg and opts,
// claims the file checkpoints go to (cl holds the run's other outputs: dir,
// with the files named files, and save), and reads the checkpoint the run
// goes on from. Every error is bad input naming the flag: a file that is
// not a checkpoint, is damaged, or is of another run (naming the first
// setting that differs).
func (k *checkpointFlags) prepare(c *cli.Context, cl *claim, p *problems.Problem, cfg graph.Config, opts graph.Options, dir, save string, files []string) (*checkpointing, error) {
	flag, path := k.target()
	if flag == "" {
		if given(c, k.everyFlag) {
			return nil, badInput("--checkpoint-every needs --checkpoint FILE")
		}
		return nil, nil
	}
	if k.every <= 0 {
		return nil, badInput("--checkpoint-every must be a positive duration, like 30s or 5m, got %v", k.every)
	}
	for _, f := range files {
		if dir != "" && samePath(filepath.Join(dir, f), path) {
			return nil, badInput("%s %s is the %s that --out %s writes: keep the checkpoint under another name", flag, path, f, dir)
		}
	}
	if save != "" && samePath(save, path) {
		return nil, badInput("%s %s is the model that --save writes: keep the checkpoint under another name", flag, path)
	}
	if err := report.CheckReplaceable(path); err != nil {
		return nil, badInput("%s %s: %v", flag, path, err)
	}
	if err := cl.makeWritable(filepath.Dir(path)); err != nil {
		return nil, badInput("%s %s: %v", flag, path, err)
	}
	if err := cl.lock(report.LockFile(path)); err != nil {
		return nil, badInput("%s %s: %v", flag, path, err)
	}
	// A run killed while it wrote the checkpoint left its temporary file.
	if err := report.RemoveLeftovers(path); err != nil {
		return nil, badInput("%s %s: %v", flag, path, err)
	}
	ck := &checkpointing{flag: flag, path: path}
	// The file written to must be a checkpoint, if it is there: anything
	// else would be replaced.
	existing, err := readCheckpoint(flag, path, flag == "--checkpoint")
	if err != nil {
		return nil, err
	}
	ck.resume, ck.resumeFlag, ck.resumePath = existing, flag, path
	if k.resume != "" && !samePath(k.resume, path) {
		if ck.resume, err = readCheckpoint("--resume", k.resume, false); err != nil {
			return nil, err
		}
		ck.resumeFlag, ck.resumePath = "--resume", k.resume
	}
	if ck.resume == nil {
		return ck, nil
	}
	if err := ck.resume.Check(p, cfg, opts); err != nil {
		var mismatch *graph.CheckpointMismatch
		if errors.As(err, &mismatch) {
			return nil, badInput("%s", mismatchMessage(ck.resumeFlag, ck.resumePath, mismatch))
		}
		if errors.Is(err, graph.ErrCheckpoint) {
			return nil, badInput("%s %s: %v", ck.resumeFlag, ck.resumePath, err)
		}
		return nil, err
	}
	if kernels := ck.resume.Kernels(); kernels != graph.Kernels() && cfg.Executor != graph.Tape {
		fmt.Fprintf(c.App.ErrWriter, "pinn: %s %s was written with the %s kernels, this run has %s: it goes on from there, but rounds differently from a run never stopped\n",
			ck.resumeFlag, ck.resumePath, kernels, graph.Kernels())
	}
	fmt.Fprintf(c.App.ErrWriter, "pinn: going on from %s at %s %d\n", ck.resumePath, stepName(ck.resume.Method()), ck.resume.Epoch())
	return ck, nil
}

// stepName is what the steps of a method are called.
func stepName(m graph.Method) string {
	if m == graph.March {
		return "L-BFGS iteration"
	}
	return "epoch"
}

// readCheckpoint reads the checkpoint at path, which flag names; a file
// that is not there is nil when missingOK (--checkpoint starts afresh) and
// bad input otherwise.
func readCheckpoint(flag, path string, missingOK bool) (*graph.Checkpoint, error) {
	f, err := os.Open(path)
	if errors.Is(err, fs.ErrNotExist) && missingOK {
		return nil, nil
	}
	if err != nil {
		return nil, badInput("%s: %v", flag, err)
	}
	defer f.Close()
	ck, err := graph.ReadCheckpoint(f)
	if err != nil {
		return nil, badInput("%s %s is not a checkpoint pinn can go on from (%s): remove it, or name another file", flag, path,
			strings.TrimPrefix(err.Error(), graph.ErrCheckpoint.Error()+": "))
	}
	return ck, nil
}

// checkpointKeys maps the settings a graph.CheckpointMismatch names to
// the flags that set them.
var checkpointKeys = map[string]string{
	"Options.Method": "method", "Options.March.Goal": "goal", "Options.March.Points": "window-points",
	"Options.March.Iterations": "window-iters", "Options.March.Networks": "corrections",
	"Config.Hidden": "hidden", "Config.Activation": "activation", "Config.OutputActivation": "output-activation",
	"Config.Derivative": "derivative", "Config.FDStep": "fd-step", "Config.IC": "ic", "Config.ScaleInput": "scale-input",
	"Config.Executor": "executor", "Options.Points": "points", "Options.Sampling": "sampling",
	"Options.ResampleEvery": "resample", "Options.RefineEvery": "refine", "Options.RefinePoints": "refine-points",
	"Options.Stages": "stages", "Options.Optimizer": "optimizer", "Options.Epochs": "epochs", "Options.LearningRate": "lr",
	"Options.LBFGSIterations": "lbfgs-iters", "Options.LBFGSTolerance": "lbfgs-tol", "Options.Seed": "seed",
	"Options.TraceEvery": "trace",
	// pinn solve's equation.
	"Problem.Vars": "vars", "Problem.Order": "order", "Problem.RHS": "rhs", "Problem.Params": "param",
	"Problem.Unknown": "param", "Problem.T0": "t0", "Problem.T1": "t1", "Problem.Y0": "y0", "Problem.DY0": "dy0",
	"Problem.Exact": "exact", "Problem.BC": "bc", "Options.Observations": "data",
}

// mismatchMessage says, naming the flag where one sets it, how the run the
// checkpoint at path (named by flag) is of differs from this one.
func mismatchMessage(flag, path string, m *graph.CheckpointMismatch) string {
	ck, run := m.Checkpoint, m.Run
	switch m.Setting {
	case "Build":
		return fmt.Sprintf("%s %s was written by another build of pinn (%s; this is %s): it may round differently", flag, path, ck, run)
	case "Problem.Name":
		return fmt.Sprintf("%s %s: the checkpoint is of problem %s, this run solves %s", flag, path, ck, run)
	case "Options.Observations":
		return fmt.Sprintf("%s %s: the checkpoint is of other --data", flag, path)
	case "Options.March.Networks":
		// --corrections counts the networks after the first.
		ck, run = minusOne(ck), minusOne(run)
	}
	name := m.Setting
	if key, ok := checkpointKeys[m.Setting]; ok {
		name = "--" + key
	}
	return fmt.Sprintf("%s %s: the checkpoint is of %s %s, this run has %s", flag, path, name, ck, run)
}

// minusOne returns the integer n as text, less one.
func minusOne(n string) string {
	v, err := strconv.Atoi(n)
	if err != nil {
		return n
	}
	return strconv.Itoa(v - 1)
}

// save returns the function that writes each checkpoint of the run,
// whole, into the file.
func (ck *checkpointing) save() func(*graph.Checkpoint) error {
	return func(c *graph.Checkpoint) error {
		err := report.WriteFile(ck.path, func(w io.Writer) error {
			_, err := c.WriteTo(w)
			return err
		})
		if err != nil {
			ck.failed = fmt.Errorf("writing %s %s failed: %w", ck.flag, ck.path, err)
			return ck.failed
		}
		ck.written, ck.failed = true, nil
		return nil
	}
}
