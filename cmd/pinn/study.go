package main

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"text/tabwriter"
	"time"

	"pinn/experiments"
	"pinn/experiments/report"

	"github.com/schollz/progressbar/v3"
	"github.com/urfave/cli/v2"
)

// studyCommand returns pinn study, bound to fresh options.
func studyCommand() *cli.Command {
	return &cli.Command{
		Name:      "study",
		Usage:     "run a study file: many settings, many seeds, on every core or a Slurm job array",
		ArgsUsage: "run | report | slurm | list | show",
		Description: "A study file (TOML) names a problem, the settings every run shares, the settings to vary\n" +
			"(every combination of a [grid], or [[case]] tables) and the seeds. The settings are pinn\n" +
			"train's flags without the dashes, read and checked alike. Each finished run is written to\n" +
			"DIR/runs/ID.json, so that running the same command again carries on where a killed run\n" +
			"stopped; shards of a job array share DIR. pinn study show example prints a study file.\n\n" +
			"Examples:\n" +
			"   pinn study show example > example.toml\n" +
			"   pinn study run example.toml --out runs/example\n" +
			"   pinn study report runs/example --out runs/example/report\n" +
			"   pinn study slurm example.toml --out /shared/example --tasks 8 > example.sbatch",
		Subcommands: []*cli.Command{studyRunCommand(), studyReportCommand(), studySlurmCommand(), studyListCommand(), studyShowCommand()},
		Action: func(c *cli.Context) error {
			if c.NArg() > 0 {
				return badInput("unknown study command %q (want run, report, slurm, list or show)", c.Args().First())
			}
			return cli.ShowSubcommandHelp(c)
		},
	}
}

// studyRunFlags say where a study's runs go and which of them run here.
type studyRunFlags struct {
	dir                                string
	workers, shards                    int
	shard                              string
	workersFlag, shardFlag, shardsFlag cli.Flag
}

func studyRunCommand() *cli.Command {
	f := &studyRunFlags{}
	f.workersFlag = &cli.IntFlag{Name: "workers", Usage: "`runs` at once; the results do not depend on it", DefaultText: "the number of cores", Destination: &f.workers}
	f.shardFlag = &cli.StringFlag{Name: "shard", Usage: "run only slice `I/N` of the runs (I from 0)", DefaultText: "all, or the Slurm array task's", Destination: &f.shard}
	f.shardsFlag = &cli.IntFlag{Name: "shards", Usage: "run slice JOB_COMPLETION_INDEX of `N` (a Kubernetes Indexed Job)", Destination: &f.shards}
	return &cli.Command{
		Name:      "run",
		Usage:     "run a study's runs that have not finished, and report the study",
		ArgsUsage: "FILE.toml",
		Description: "Runs every combination of the study's settings with every seed, the runs at once sharing\n" +
			"the cores, and writes each finished run to DIR/runs/ID.json (ID is a hash of the problem,\n" +
			"the settings, what is measured and the seed). Runs already in DIR are skipped, so the same\n" +
			"command continues a study that was stopped. Under a Slurm job array (--array=0-(N-1)),\n" +
			"without --shard, the task runs slice SLURM_ARRAY_TASK_ID - SLURM_ARRAY_TASK_MIN of\n" +
			"SLURM_ARRAY_TASK_COUNT; the slices cover every run once and the report of DIR does not\n" +
			"depend on how the study was split. Progress goes to stderr, the report to stdout.\n\n" +
			"Examples:\n" +
			"   pinn study run example.toml --out runs/example\n" +
			"   pinn study run example.toml --out runs/example --shard 0/4\n" +
			"   pinn study run /data/study.toml --out /data/out --shards 8    # in a Kubernetes Indexed Job",
		Flags: []cli.Flag{
			&cli.StringFlag{Name: "out", Usage: "the study's directory `DIR`: the study file and runs/ (required)", Destination: &f.dir},
			f.workersFlag, f.shardFlag, f.shardsFlag,
		},
		Action: func(c *cli.Context) error { return runStudy(c, f) },
	}
}

// loadStudyArg reads and checks the study file the command's one argument
// names.
func loadStudyArg(c *cli.Context) (*experiments.Study, error) {
	if c.NArg() != 1 {
		return nil, badInput("study %s needs one study FILE, got %d arguments (pinn study show example prints one)", c.Command.Name, c.NArg())
	}
	path := c.Args().First()
	data, err := os.ReadFile(path)
	if err != nil {
		return nil, badInput("%v", err)
	}
	s, err := experiments.LoadStudy(path, data)
	if err != nil {
		return nil, usageError{err}
	}
	return s, nil
}

// shardOf returns the slice of the runs this process runs, from --shard,
// --shards or a Slurm job array's environment, and where it came from.
func (f *studyRunFlags) shardOf(c *cli.Context) (experiments.Shard, string, error) {
	switch {
	case given(c, f.shardFlag) && given(c, f.shardsFlag):
		return experiments.Shard{}, "", badInput("give --shard I/N or --shards N, not both")
	case given(c, f.shardFlag):
		sh, err := experiments.ParseShard(f.shard)
		if err != nil {
			return sh, "", badInput("--shard: %v", err)
		}
		return sh, "--shard", nil
	case given(c, f.shardsFlag) && f.shards < 1:
		return experiments.Shard{}, "", badInput("--shards must be at least 1, got %d", f.shards)
	}
	sh, from, err := experiments.ShardFromEnv(os.Getenv, f.shards)
	if err != nil {
		return sh, "", usageError{err}
	}
	return sh, from, nil
}

func runStudy(c *cli.Context, f *studyRunFlags) error {
	s, err := loadStudyArg(c)
	if err != nil {
		return err
	}
	if f.dir == "" {
		return badInput("study run needs --out DIR, where the runs are kept")
	}
	if given(c, f.workersFlag) && f.workers < 1 {
		return badInput("--workers must be at least 1, got %d", f.workers)
	}
	sh, from, err := f.shardOf(c)
	if err != nil {
		return err
	}
	if err := outDir(f.dir); err != nil {
		return err
	}
	label := "study " + s.Name
	if !sh.Whole() {
		label += " shard " + sh.String()
		fmt.Fprintf(c.App.ErrWriter, "%s: from %s\n", label, from)
	}
	progress, finish := studyProgress(c.App.ErrWriter, label)
	finishOnSignal(c) // the runs stop at an epoch's end; those finished are written
	prog, runErr := experiments.RunStudy(c.Context, s, f.dir, experiments.StudyOptions{Workers: f.workers, Shard: sh, Progress: progress})
	finish(prog)
	if isInterrupt(runErr) {
		runErr = fmt.Errorf("interrupted (%v): the %d runs finished are written; pinn study run again carries on", context.Cause(c.Context), prog.Before+prog.Done)
	}
	if errors.Is(runErr, experiments.ErrOtherStudy) {
		return usageError{runErr}
	}
	if prog.Runs == 0 && runErr == nil {
		return nil // nothing was asked of this shard, nor written
	}
	r, err := experiments.ReadStudyReport(f.dir)
	if err != nil {
		return errors.Join(runErr, err)
	}
	if err := r.WriteText(c.App.Writer); err != nil {
		return err
	}
	return runErr
}

// studyProgress returns a callback that shows a study's progress on stderr:
// a bar when it is a terminal, else a line every tenth of the runs; and a
// function that ends it with a last line.
func studyProgress(stderr io.Writer, label string) (update func(experiments.StudyProgress), finish func(experiments.StudyProgress)) {
	line := func(p experiments.StudyProgress) {
		before := ""
		if p.Before > 0 {
			before = fmt.Sprintf(" (%d before this run)", p.Before)
		}
		fmt.Fprintf(stderr, "%s: %d of %d runs done%s, %d failed, %d left, %s\n",
			label, p.Before+p.Done, p.Runs, before, p.Failed, p.Left(), p.Elapsed.Round(time.Second))
	}
	started := false // nothing is shown for a study that did not start
	if !isTerminal(stderr) {
		next := 0
		return func(p experiments.StudyProgress) {
				started = true
				if todo := p.Runs - p.Before; p.Done >= next && p.Left() > 0 {
					line(p)
					next = p.Done + max(todo/10, 1)
				}
			}, func(p experiments.StudyProgress) {
				if started {
					line(p)
				}
			}
	}
	var bar *progressbar.ProgressBar
	return func(p experiments.StudyProgress) {
			started = true
			if bar == nil {
				bar = progressbar.NewOptions(p.Runs-p.Before,
					progressbar.OptionSetWriter(stderr),
					progressbar.OptionShowCount(),
					progressbar.OptionSetItsString("runs"),
					progressbar.OptionShowElapsedTimeOnFinish(),
					progressbar.OptionThrottle(100*time.Millisecond),
					progressbar.OptionClearOnFinish(),
				)
			}
			bar.Describe(fmt.Sprintf("%s: %d failed", label, p.Failed))
			bar.Set(p.Done)
		}, func(p experiments.StudyProgress) {
			if bar != nil {
				bar.Finish()
			}
			if started {
				line(p)
			}
		}
}

func studyReportCommand() *cli.Command {
	out := &outputFlags{}
	return &cli.Command{
		Name:      "report",
		Usage:     "report a study's directory: every combination's rel_l2, loss and time over the seeds",
		ArgsUsage: "DIR",
		Description: "Reads DIR (see pinn study run) and shows one row per combination of the study's settings:\n" +
			"the runs done and failed (diverged), and the median and the worst rel_l2, final loss and\n" +
			"training time over the seeds that did not fail. Runs not finished yet are left out.\n\n" +
			"Examples:\n" +
			"   pinn study report runs/example\n" +
			"   pinn study report runs/example --json\n" +
			"   pinn study report runs/example --out runs/example/report   # " + experiments.StudyReportFiles,
		Flags: []cli.Flag{
			out.dirFlag("write report.json, report.csv, runs.csv and rel_l2.png into `DIR`"),
			out.jsonFlag(),
		},
		Action: func(c *cli.Context) error {
			if c.NArg() != 1 {
				return badInput("study report needs one DIR, got %d arguments", c.NArg())
			}
			cl, err := claimOutputs(out.dir, "", nil)
			if err != nil {
				return err
			}
			defer cl.release()
			r, err := experiments.ReadStudyReport(c.Args().First())
			if errors.Is(err, experiments.ErrNoStudy) || errors.Is(err, fs.ErrNotExist) {
				return usageError{err}
			}
			if err != nil {
				return err
			}
			if out.dir != "" {
				if err := r.WriteFiles(out.dir); err != nil {
					return fmt.Errorf("writing %s: %w", out.dir, err)
				}
			}
			if out.json {
				enc := json.NewEncoder(c.App.Writer)
				enc.SetIndent("", "  ")
				return enc.Encode(r)
			}
			if err := r.WriteText(c.App.Writer); err != nil {
				return err
			}
			if out.dir != "" {
				fmt.Fprintf(c.App.Writer, "\nwrote %s\n", filepath.Join(out.dir, experiments.StudyReportFiles))
			}
			return nil
		},
	}
}

// slurmTime is a Slurm --time: minutes, MM:SS, HH:MM:SS, D-HH, D-HH:MM or
// D-HH:MM:SS.
var slurmTime = regexp.MustCompile(`^([0-9]+|[0-9]+:[0-9]{2}|[0-9]+:[0-9]{2}:[0-9]{2}|[0-9]+-[0-9]+|[0-9]+-[0-9]+:[0-9]{2}|[0-9]+-[0-9]+:[0-9]{2}:[0-9]{2})$`)

func studySlurmCommand() *cli.Command {
	var dir, limit string
	var tasks, cpus int
	return &cli.Command{
		Name:      "slurm",
		Usage:     "print an sbatch script that runs a study as a Slurm job array",
		ArgsUsage: "FILE.toml",
		Description: "Checks the study and prints a job array script: task I of N runs slice I of the study's\n" +
			"runs into DIR, which every node must see (a shared filesystem), with --workers set to the\n" +
			"task's CPUs. Paths in it are absolute, the pinn binary is this one. It makes DIR/slurm,\n" +
			"where each task's output goes. When the array has finished, pinn study report DIR.\n\n" +
			"Examples:\n" +
			"   pinn study slurm example.toml --out /shared/example --tasks 4 > example.sbatch\n" +
			"   sbatch example.sbatch\n" +
			"   pinn study slurm big.toml --out /shared/big --tasks 32 --cpus 8 --time 2-00:00:00 | sbatch",
		Flags: []cli.Flag{
			&cli.StringFlag{Name: "out", Usage: "the study's directory `DIR`, on a filesystem every node sees (required)", Destination: &dir},
			&cli.IntFlag{Name: "tasks", Usage: "the array's `N` tasks, each a slice of the runs (required)", Destination: &tasks},
			&cli.StringFlag{Name: "time", Value: "1:00:00", Usage: "each task's time limit, as sbatch --time takes it", Destination: &limit},
			&cli.IntFlag{Name: "cpus", Value: 1, Usage: "each task's CPUs (sbatch --cpus-per-task), its runs at once", Destination: &cpus},
		},
		Action: func(c *cli.Context) error {
			s, err := loadStudyArg(c)
			if err != nil {
				return err
			}
			switch {
			case dir == "":
				return badInput("study slurm needs --out DIR, where the runs are kept")
			case tasks < 1:
				return badInput("study slurm needs --tasks N, at least 1, got %d", tasks)
			case cpus < 1:
				return badInput("--cpus must be at least 1, got %d", cpus)
			case !slurmTime.MatchString(limit):
				return badInput("--time %q is not a Slurm time (minutes, HH:MM:SS or D-HH:MM:SS)", limit)
			}
			script, err := slurmScript(s, c.Args().First(), dir, tasks, cpus, limit)
			if err != nil {
				return err
			}
			_, err = io.WriteString(c.App.Writer, script)
			return err
		},
	}
}

// slurmScript returns the sbatch script of a job array of tasks that run
// the study in file into dir, and makes dir/slurm for the tasks' output.
func slurmScript(s *experiments.Study, file, dir string, tasks, cpus int, limit string) (string, error) {
	bin, err := os.Executable()
	if err == nil {
		bin, err = filepath.EvalSymlinks(bin)
	}
	if err != nil {
		return "", fmt.Errorf("finding the pinn binary: %w", err)
	}
	if file, err = filepath.Abs(file); err != nil {
		return "", err
	}
	if dir, err = filepath.Abs(dir); err != nil {
		return "", err
	}
	// #SBATCH lines take no quoting, and sbatch expands % in --output.
	if strings.ContainsAny(dir, " \t\n\"'\\%$`") {
		return "", badInput("--out %q: a directory for sbatch --output may not hold spaces, quotes, %% or $", dir)
	}
	logs := filepath.Join(dir, "slurm")
	if err := report.CheckWritable(logs); err != nil {
		return "", badInput("--out %s is not writable: %v", dir, err)
	}
	runs := len(s.Runs())
	var b strings.Builder
	fmt.Fprintf(&b, "#!/bin/bash\n")
	fmt.Fprintf(&b, "# The study %s (%d runs) as a Slurm job array of %d tasks; submit it with sbatch.\n", s.Name, runs, tasks)
	fmt.Fprintf(&b, "# Task I runs slice I of the runs into %s; each task's output goes to\n", dir)
	fmt.Fprintf(&b, "# %s. Afterwards: %s study report %s\n", logs, shellQuote(bin), dir)
	if tasks > runs {
		fmt.Fprintf(&b, "# (%d tasks for %d runs: %d tasks have nothing to run)\n", tasks, runs, tasks-runs)
	}
	fmt.Fprintf(&b, "#SBATCH --job-name=%s\n", slurmName("pinn-"+s.Name))
	fmt.Fprintf(&b, "#SBATCH --array=0-%d\n", tasks-1)
	fmt.Fprintf(&b, "#SBATCH --cpus-per-task=%d\n", cpus)
	fmt.Fprintf(&b, "#SBATCH --time=%s\n", limit)
	fmt.Fprintf(&b, "#SBATCH --output=%s\n", filepath.Join(logs, "%A_%a.out"))
	fmt.Fprintf(&b, "exec %s study run %s --out %s --workers \"$SLURM_CPUS_PER_TASK\"\n", shellQuote(bin), shellQuote(file), shellQuote(dir))
	return b.String(), nil
}

// shellQuote quotes s for a POSIX shell when it needs it.
func shellQuote(s string) string {
	if s != "" && strings.Trim(s, "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789/._-+=:,") == "" {
		return s
	}
	return "'" + strings.ReplaceAll(s, "'", `'\''`) + "'"
}

// slurmName keeps the characters of a job name that need no quoting.
func slurmName(s string) string {
	return strings.Map(func(r rune) rune {
		if r < 128 && (r == '-' || r == '_' || r == '.' || ('0' <= r && r <= '9') || ('a' <= r && r <= 'z') || ('A' <= r && r <= 'Z')) {
			return r
		}
		return '_'
	}, s)
}

func studyListCommand() *cli.Command {
	return &cli.Command{
		Name:        "list",
		Usage:       "list the study files built into pinn",
		Description: "The built-in experiments and comparisons are study files; pinn study show NAME prints one.",
		Action: func(c *cli.Context) error {
			if c.NArg() > 0 {
				return badInput("study list takes no arguments, got %q", c.Args().First())
			}
			w := tabwriter.NewWriter(c.App.Writer, 0, 4, 2, ' ', 0)
			fmt.Fprintln(w, "NAME\tRUNS\tTITLE")
			for _, name := range experiments.BuiltinStudies() {
				src, err := experiments.BuiltinSource(name)
				if err != nil {
					return err
				}
				s, err := experiments.LoadStudy(name+".toml", src)
				if err != nil {
					return err
				}
				fmt.Fprintf(w, "%s\t%d\t%s\n", name, len(s.Runs()), s.Title)
			}
			return w.Flush()
		},
	}
}

func studyShowCommand() *cli.Command {
	return &cli.Command{
		Name:      "show",
		Usage:     "print a study file built into pinn",
		ArgsUsage: "NAME",
		Description: "Prints the study file; saved as it is, pinn study run runs it.\n\n" +
			"Example:\n   pinn study show example > example.toml",
		Action: func(c *cli.Context) error {
			if c.NArg() != 1 {
				return badInput("study show needs one NAME (see pinn study list), got %d arguments", c.NArg())
			}
			src, err := experiments.BuiltinSource(c.Args().First())
			if err != nil {
				return usageError{err}
			}
			_, err = c.App.Writer.Write(src)
			return err
		},
	}
}
