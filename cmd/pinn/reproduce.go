package main

import (
	"strings"

	"pinn/experiments"

	"github.com/urfave/cli/v2"
)

// reproduceCommand returns pinn reproduce, bound to fresh options.
func reproduceCommand() *cli.Command {
	run, out := &runFlags{}, &outputFlags{}
	return &cli.Command{
		Name:      "reproduce",
		Usage:     "re-run the forum thread's findings over several seeds and report them",
		ArgsUsage: "[FINDING...]",
		Description: "Runs each finding of the forum thread with the thread's own settings over seeds 1 to N,\n" +
			"in parallel, and reports what was measured next to what the thread says, with the reasons.\n" +
			"FINDING names some of them; none means all, in the thread's order:\n   " +
			strings.Join(experiments.Thread(), "\n   ") + "\n\n" +
			"Examples:\n" +
			"   pinn reproduce\n" +
			"   pinn reproduce original-bug final-code --seeds 3\n" +
			"   pinn reproduce --json > findings.json\n" +
			"   pinn reproduce --out runs/thread     # report.md, findings.json, CSVs and plots",
		Flags:  concatFlags(run.flags(), out.findingFlags()),
		Action: func(c *cli.Context) error { return runReproduce(c, run, out) },
	}
}

func runReproduce(c *cli.Context, run *runFlags, out *outputFlags) error {
	names := experiments.Thread()
	if c.NArg() > 0 {
		names = c.Args().Slice()
		for _, n := range names {
			if !inThread(n) {
				return badInput("unknown finding %q (want one of %s)", n, strings.Join(experiments.Thread(), ", "))
			}
		}
	}
	es, err := lookupExperiments(names)
	if err != nil {
		return err
	}
	return runFindings(c, run, out, es, "Reproducing the forum thread")
}
