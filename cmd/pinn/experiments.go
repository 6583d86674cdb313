package main

import (
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"path/filepath"
	"slices"
	"strings"
	"text/tabwriter"
	"time"

	"pinn/experiments"
	"pinn/problems"

	"github.com/schollz/progressbar/v3"
	"github.com/urfave/cli/v2"
)

// experimentsCommand returns pinn experiments, bound to fresh options.
func experimentsCommand() *cli.Command {
	return &cli.Command{
		Name:      "experiments",
		Usage:     "list and run the named experiments",
		ArgsUsage: "list | run NAME...",
		Description: "The studies pinn reproduces are data: a table of named experiments (problem, network,\n" +
			"derivative, Adam's settings, seeds) run by one runner, seeds in parallel on the available\n" +
			"cores with results that do not depend on how many; and named comparisons of the derivative\n" +
			"modes (what pinn compare runs).\n\n" +
			"Examples:\n" +
			"   pinn experiments list\n" +
			"   pinn experiments run original-bug --seeds 3\n" +
			"   pinn experiments run derivatives-forum-final --out runs/derivatives",
		Subcommands: []*cli.Command{experimentsListCommand(), experimentsRunCommand()},
		Action: func(c *cli.Context) error {
			if c.NArg() > 0 {
				return badInput("unknown experiments command %q (want list or run)", c.Args().First())
			}
			return cli.ShowSubcommandHelp(c)
		},
	}
}

func experimentsListCommand() *cli.Command {
	var asJSON bool
	return &cli.Command{
		Name:  "list",
		Usage: "list the named experiments and comparisons",
		Description: "Shows each experiment with its problem, network, derivative, Adam's settings and seeds.\n\n" +
			"Example:\n   pinn experiments list --json",
		Flags:  []cli.Flag{&cli.BoolFlag{Name: "json", Usage: "print one JSON array", Destination: &asJSON}},
		Action: func(c *cli.Context) error { return runExperimentsList(c, asJSON) },
	}
}

func experimentsRunCommand() *cli.Command {
	run, out := &runFlags{}, &outputFlags{}
	return &cli.Command{
		Name:      "run",
		Usage:     "run named experiments, or one comparison, and report them",
		ArgsUsage: "NAME...",
		Description: "Runs each named experiment over its seeds and reports the numbers with their explanation;\n" +
			"a comparison (derivatives-...) runs alone, as pinn compare does.\n\n" +
			"Examples:\n" +
			"   pinn experiments run relu-zero-gradients\n" +
			"   pinn experiments run final-code --seeds 20 --json\n" +
			"   pinn experiments run derivatives-decay --out runs/decay",
		Flags:  concatFlags(run.flags(), out.findingFlags()),
		Action: func(c *cli.Context) error { return runExperimentsRun(c, run, out) },
	}
}

// runFlags say how many seeds run and on how many cores.
type runFlags struct {
	seeds, workers         int
	seedsFlag, workersFlag cli.Flag
}

func (r *runFlags) flags() []cli.Flag {
	r.seedsFlag = &cli.IntFlag{Name: "seeds", Usage: "run seeds 1 to `N`", DefaultText: "each experiment's own, 10 for the thread's", Destination: &r.seeds}
	r.workersFlag = &cli.IntFlag{Name: "workers", Usage: "`runs` at once; the results do not depend on it", DefaultText: "the number of cores", Destination: &r.workers}
	return []cli.Flag{r.seedsFlag, r.workersFlag}
}

// findingFlags are --out, --json and --trace of a command that runs
// experiments.
func (o *outputFlags) findingFlags() []cli.Flag {
	o.setTraceFlag("trace seed 1 of each finding every `N` epochs and print the traces after the report; " +
		"--out draws them (ID-trace.png). The relu findings trace every 10 epochs for --out anyway")
	return []cli.Flag{o.dirFlag("write a Markdown report, JSON, CSVs and PNG plots into `DIR`"), o.jsonFlag(), o.traceFlag}
}

// experimentInfo is how experiments list shows an experiment.
type experimentInfo struct {
	Name             string  `json:"name"`
	Kind             string  `json:"kind"`
	Title            string  `json:"title"`
	Claim            string  `json:"claim,omitempty"`
	Problem          string  `json:"problem"`
	Network          string  `json:"network"`
	Activation       string  `json:"activation"`
	OutputActivation string  `json:"output_activation"`
	Derivative       string  `json:"derivative"`
	Epochs           int     `json:"epochs"`
	LearningRate     float64 `json:"lr"`
	Seeds            int     `json:"seeds,omitempty"`
	Seed             uint64  `json:"seed,omitempty"`
	Reproduce        bool    `json:"in_reproduce"`
}

// outputs is the number of state variables of a built-in problem: the
// networks' outputs.
func outputs(problem string) int {
	p, err := problems.Builtin(problem)
	if err != nil {
		return 1 // the experiments' own tests check their problems exist
	}
	return len(p.Vars)
}

func experimentInfos() []experimentInfo {
	var infos []experimentInfo
	for _, e := range experiments.Experiments() {
		infos = append(infos, experimentInfo{Name: e.Name, Kind: "experiment", Title: e.Title, Claim: e.Claim,
			Problem: e.Problem, Network: e.Network(outputs(e.Problem)), Activation: string(e.Config().Activation),
			OutputActivation: string(e.Config().OutputActivation), Derivative: string(e.Config().Derivative),
			Epochs: e.Epochs(), LearningRate: e.LearningRate(), Seeds: e.Seeds, Reproduce: inThread(e.Name)})
	}
	for _, c := range experiments.Comparisons() {
		e := experiments.Experiment{Settings: c.Settings}
		infos = append(infos, experimentInfo{Name: c.Name, Kind: "comparison", Title: c.Title,
			Problem: c.Problem, Network: e.Network(outputs(c.Problem)), Activation: string(c.Config().Activation),
			OutputActivation: string(c.Config().OutputActivation), Derivative: "every mode",
			Epochs: c.Epochs(), LearningRate: c.LearningRate(), Seed: c.Seed})
	}
	return infos
}

func inThread(name string) bool {
	return slices.Contains(experiments.Thread(), name)
}

func runExperimentsList(c *cli.Context, asJSON bool) error {
	if c.NArg() > 0 {
		return badInput("experiments list takes no arguments, got %q", c.Args().First())
	}
	infos := experimentInfos()
	if asJSON {
		enc := json.NewEncoder(c.App.Writer)
		enc.SetIndent("", "  ")
		return enc.Encode(infos)
	}
	w := tabwriter.NewWriter(c.App.Writer, 0, 4, 2, ' ', 0)
	fmt.Fprintln(w, "NAME\tPROBLEM\tNETWORK\tDERIVATIVE\tADAM\tSEEDS\tWHAT")
	for _, e := range infos {
		seeds := fmt.Sprint(e.Seeds)
		if e.Kind == "comparison" {
			seeds = fmt.Sprintf("seed %d", e.Seed)
		}
		fmt.Fprintf(w, "%s\t%s\t%s\t%s\tlr %g, %d epochs\t%s\t%s\n", e.Name, e.Problem, e.Network, e.Derivative, e.LearningRate, e.Epochs, seeds, e.Title)
	}
	return w.Flush()
}

func runExperimentsRun(c *cli.Context, run *runFlags, out *outputFlags) error {
	if c.NArg() == 0 {
		return badInput("experiments run needs at least one NAME (see pinn experiments list)")
	}
	names := c.Args().Slice()
	if cmp, err := experiments.LookupComparison(names[0]); err == nil {
		if len(names) > 1 {
			return badInput("the comparison %s runs alone, without %s", names[0], strings.Join(names[1:], ", "))
		}
		if given(c, run.seedsFlag) {
			return badInput("--seeds does not apply to the comparison %s: it trains every mode from seed %d", names[0], cmp.Seed)
		}
		if given(c, run.workersFlag) {
			return badInput("--workers does not apply to the comparison %s: its modes run one at a time, so their times compare", names[0])
		}
		return runComparison(c, out, cmp)
	}
	es, err := lookupExperiments(names)
	if err != nil {
		return err
	}
	return runFindings(c, run, out, es, "Experiments: "+strings.Join(names, ", "))
}

// lookupExperiments returns the experiments with the given names; a
// comparison among several names is refused.
func lookupExperiments(names []string) ([]experiments.Experiment, error) {
	var es []experiments.Experiment
	for _, n := range names {
		e, err := experiments.Lookup(n)
		if errors.Is(err, experiments.ErrUnknown) {
			if _, cerr := experiments.LookupComparison(n); cerr == nil {
				return nil, badInput("the comparison %s runs alone", n)
			}
			return nil, badInput("unknown experiment %q (want one of %s)", n, strings.Join(experiments.Names(), ", "))
		}
		if err != nil {
			return nil, err
		}
		es = append(es, e)
	}
	return es, nil
}

// options checks --seeds and --workers and returns the options they say.
func (r *runFlags) options(c *cli.Context) (experiments.Options, error) {
	var o experiments.Options
	if given(c, r.seedsFlag) {
		if r.seeds < 1 {
			return o, badInput("--seeds must be at least 1, got %d", r.seeds)
		}
		o.Seeds = experiments.SeedRange(r.seeds)
	}
	if given(c, r.workersFlag) {
		if o.Workers = r.workers; o.Workers < 1 {
			return o, badInput("--workers must be at least 1, got %d", o.Workers)
		}
	}
	return o, nil
}

// runFindings runs experiments and prints or writes their report.
func runFindings(c *cli.Context, run *runFlags, out *outputFlags, es []experiments.Experiment, title string) error {
	opts, err := run.options(c)
	if err != nil {
		return err
	}
	if err := out.checkTrace(c); err != nil {
		return err
	}
	if out.trace > 0 {
		es = slices.Clone(es)
		for i := range es {
			es[i].Measure.Trace = out.trace
		}
	}
	dir := out.dir
	cl, err := claimOutputs(dir, "", nil)
	if err != nil {
		return err
	}
	defer cl.release()
	var finish func()
	opts.Progress, finish = runProgress(c.App.ErrWriter, c.Command.Name)
	fs, err := experiments.RunAll(es, opts)
	finish()
	if err != nil {
		return err
	}
	// Until here a signal ends the process at once, with nothing written;
	// from here it lets the report be written whole first.
	finishOnSignal(c)
	if dir != "" {
		if err := experiments.WriteReport(dir, title, fs); err != nil {
			return fmt.Errorf("writing %s: %w", dir, err)
		}
	}
	if out.json {
		return json.NewEncoder(c.App.Writer).Encode(experiments.FindingsReport{Findings: fs})
	}
	if err := experiments.WriteText(c.App.Writer, fs); err != nil {
		return err
	}
	if out.trace > 0 {
		experiments.WriteTraces(c.App.Writer, fs)
	}
	if dir != "" {
		fmt.Fprintf(c.App.Writer, "\nwrote %s (with findings.json and each finding's CSVs and plots)\n", filepath.Join(dir, "report.md"))
	}
	return nil
}

// runProgress returns a callback that shows finished runs as a bar on
// stderr when it is a terminal (nothing otherwise), and a function that
// clears the bar.
func runProgress(stderr io.Writer, label string) (update func(done, total int), finish func()) {
	if !isTerminal(stderr) {
		return nil, func() {}
	}
	var bar *progressbar.ProgressBar
	return func(done, total int) {
			if bar == nil {
				bar = progressbar.NewOptions(total,
					progressbar.OptionSetWriter(stderr),
					progressbar.OptionSetDescription(label),
					progressbar.OptionShowCount(),
					progressbar.OptionSetItsString("runs"),
					progressbar.OptionThrottle(100*time.Millisecond),
					progressbar.OptionClearOnFinish(),
				)
			}
			bar.Set(done)
		}, func() {
			if bar != nil {
				bar.Finish()
			}
		}
}
