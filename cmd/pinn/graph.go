package main

import (
	"errors"
	"fmt"
	"io"
	"math"
	"path/filepath"
	"strings"

	"pinn/experiments/drawing"
	"pinn/experiments/report"
	"pinn/graph"
	"pinn/problems"

	"github.com/urfave/cli/v2"
)

// stageNames are --stage's values and the stages they draw ("" all).
var stageNames = map[string]graph.Stage{
	"all": "", "network": graph.StageNetwork, "first-pass": graph.StageFirstPass,
	"loss": graph.StageLoss, "second-pass": graph.StageSecondPass,
}

// graphDerivatives are the derivative modes pinn graph draws: training's,
// and the forum thread's mistake.
func graphDerivatives() []graph.Derivative { return append(graph.Derivatives(), graph.WRTPrediction) }

// stageChoices lists --stage's values in build order.
var stageChoices = []string{"all", "network", "first-pass", "loss", "second-pass"}

// graphFlags are the options of pinn graph beyond the network and the
// equation.
type graphFlags struct {
	out, format, stage, derivative string
	maxNodes                       int
	math                           bool
	formatFlag                     cli.Flag
}

// graphCommand returns pinn graph, bound to fresh options.
func graphCommand() *cli.Command {
	eq, f, g := &equationFlags{}, newFitFlags(fitDefaults{}), &graphFlags{}
	g.formatFlag = &cli.StringFlag{Name: "format", Usage: "svg, png or dot", DefaultText: "from --out's extension", Destination: &g.format}
	// --derivative is pinn graph's own: it also draws the forum thread's
	// mistake, which training does not offer.
	flags := []cli.Flag{
		f.flag("hidden"),
		f.flag("activation"),
		f.flag("output-activation"),
		&cli.StringFlag{Name: "derivative", Value: string(graph.DefaultDerivative), Destination: &g.derivative,
			Usage: "how dy/dt is taken: " + problems.ChoiceList(graphDerivatives()) + " (the forum thread's mistake: the gradient of sum(y) with respect to y)"},
		f.flag("fd-step"),
		f.flag("ic"),
		f.flag("scale-input"),
		f.flag("points"),
		f.seedFlag(),
		&cli.StringFlag{Name: "out", Usage: "draw the graph into `FILE` (.svg, .png or .dot)", Destination: &g.out},
		g.formatFlag,
		&cli.StringFlag{Name: "stage", Value: "all", Usage: "draw one stage alone: " + strings.Join(stageChoices, ", "), Destination: &g.stage},
		&cli.IntFlag{Name: "max-nodes", Value: drawing.DefaultMaxNodes, Usage: "draw a box per node up to this many nodes, else one box per layer and stage", Destination: &g.maxNodes},
		&cli.BoolFlag{Name: "math", Usage: "print dy/dt as a formula in t and the weights, read off the graph", Destination: &g.math},
	}
	return &cli.Command{
		Name:      "graph",
		Usage:     "draw the training graph and print dy/dt as a formula",
		ArgsUsage: "[PROBLEM]",
		Description: "Builds the graph pinn train --method whole would train for PROBLEM (or for the equation the\n" +
			"flags of pinn solve describe) and prints how many nodes and matrix products each stage adds: the network,\n" +
			"the first pass (dy/dt), the residual and loss, the second pass (the gradient with respect to\n" +
			"the weights), and what the compiled executor makes of them. --out draws it, each stage in its\n" +
			"own colour; --math prints the dy/dt the first pass computes as a formula.\n\n" +
			"Examples:\n" +
			"   pinn graph decay --hidden 2 --activation relu --output-activation relu --derivative wrt-prediction --math\n" +
			"   pinn graph decay --hidden 3,3 --out graph.svg\n" +
			"   pinn graph decay --hidden 2 --stage first-pass --out first-pass.png\n" +
			"   pinn graph --rhs \"t - y\" --y0 1 --hidden 2 --math",
		Flags: append(eq.flags(), flags...),
		Action: func(c *cli.Context) error {
			return runGraph(c, eq, f, g)
		},
	}
}

func runGraph(c *cli.Context, eq *equationFlags, f *fitFlags, g *graphFlags) error {
	if err := f.parse(c); err != nil {
		return err
	}
	derivative, err := problems.ParseChoice("derivative", g.derivative, graphDerivatives())
	if err != nil {
		return badInput("--derivative: %v", err)
	}
	stage, ok := stageNames[g.stage]
	if !ok {
		return badInput("--stage: unknown stage %q (want one of %s)", g.stage, strings.Join(stageChoices, ", "))
	}
	format, err := g.drawingFormat(c)
	if err != nil {
		return err
	}
	if g.maxNodes < 1 {
		return badInput("--max-nodes must be positive, got %d", g.maxNodes)
	}
	p, err := graphProblem(c, eq)
	if err != nil {
		return err
	}
	// The graph of one network on the whole domain: a marched window's
	// is the same with hard initial conditions and frozen networks under
	// it.
	f.settings.Options.Method = graph.Whole
	cfg, fitOpts, err := f.settings.Resolve(p)
	if err != nil {
		return badInput("%v", err)
	}
	cfg.Derivative = derivative
	net, err := graph.NewNetwork(cfg.Architecture, len(p.Vars), graph.NewRand(fitOpts.Seed))
	if err != nil {
		return usageError{err}
	}
	if cfg.ScaleInput {
		net.ScaleInput(p.T0, p.T1)
	}
	cfg.Architecture = net.Architecture()
	points := fitOpts.Points
	tg, err := graph.DescribeGraph(p, net, cfg, p.Grid(points))
	if err != nil {
		return usageError{err}
	}
	var fs []graph.Formula
	if g.math {
		if fs, err = graph.DerivativeFormulas(p, net, cfg); err != nil {
			if errors.Is(err, graph.ErrNoFormula) {
				return usageError{err}
			}
			return err
		}
	}
	w := c.App.Writer
	fmt.Fprintf(w, "%s: %s network (%s, output %s), derivative %s, %s initial conditions, %d points\n",
		p.Name, widths(net), net.Activation, net.OutputActivation, cfg.Derivative, cfg.IC, points)
	if err := drawing.WriteSummary(w, tg); err != nil {
		return err
	}
	if g.math {
		printFormulas(w, p.Indep, net, fs)
	}
	if g.out == "" {
		return nil
	}
	opts := drawing.Options{Stage: stage, MaxNodes: g.maxNodes,
		Title: fmt.Sprintf("pinn graph %s: %s %s network, derivative %s", p.Name, widths(net), net.Activation, cfg.Derivative)}
	if stage != "" {
		opts.Title += ", " + string(stage)
	}
	var info drawing.Info
	err = report.WriteFile(g.out, func(out io.Writer) (err error) {
		info, err = drawing.Draw(out, tg, format, opts)
		return err
	})
	if err != nil {
		return fmt.Errorf("--out %s: %w", g.out, err)
	}
	how := "one box per node"
	if info.Collapsed {
		how = "one box per layer and stage"
	}
	fmt.Fprintf(w, "wrote %s: %d boxes for %d nodes, %s\n", g.out, info.Boxes, info.Nodes, how)
	return nil
}

// drawingFormat returns --format, or the format --out's extension names.
func (g *graphFlags) drawingFormat(c *cli.Context) (drawing.Format, error) {
	if given(c, g.formatFlag) {
		if g.out == "" {
			return "", badInput("--format needs --out FILE to write to")
		}
		f, err := problems.ParseChoice("format", g.format, drawing.Formats())
		if err != nil {
			return "", usageError{fmt.Errorf("--format: %w", err)}
		}
		return f, nil
	}
	if g.out == "" {
		return "", nil
	}
	ext := strings.TrimPrefix(filepath.Ext(g.out), ".")
	f, err := problems.ParseChoice("format", strings.ToLower(ext), drawing.Formats())
	if err != nil {
		return "", badInput("--out %s: cannot tell the format from the extension %q; name a .svg, .png or .dot file or give --format", g.out, ext)
	}
	return f, nil
}

// graphProblem returns the built-in problem the argument names, or the
// equation the flags describe.
func graphProblem(c *cli.Context, eq *equationFlags) (*problems.Problem, error) {
	switch {
	case c.NArg() > 1:
		return nil, badInput("graph takes at most one PROBLEM, got %d arguments", c.NArg())
	case c.NArg() == 1 && len(eq.rhs.Value()) > 0:
		return nil, badInput("graph takes a PROBLEM or --rhs, not both")
	case c.NArg() == 1:
		return problemArg(c)
	case len(eq.rhs.Value()) == 0:
		return nil, badInput("graph needs a PROBLEM (one of %s) or the equation: --rhs EXPR", strings.Join(problems.Names(), ", "))
	}
	d, err := eq.definition(c)
	if err != nil {
		return nil, err
	}
	p, err := problems.New(d)
	if err != nil {
		return nil, usageError{err}
	}
	return p, nil
}

// widths writes a network's layer widths as 1-8-8-1.
func widths(net *graph.Network) string {
	s := make([]string, len(net.Widths))
	for i, w := range net.Widths {
		s[i] = fmt.Sprint(w)
	}
	return strings.Join(s, "-")
}

// printFormulas prints each variable's dy/dt and how to read it.
func printFormulas(w io.Writer, indep string, net *graph.Network, fs []graph.Formula) {
	fmt.Fprintln(w)
	var all strings.Builder
	for _, f := range fs {
		fmt.Fprintf(w, "d%s/d%s = %s\n", f.Var, indep, f.DY)
		all.WriteString(f.DY.String())
		for _, d := range f.Defs {
			fmt.Fprintf(w, "  where %s = %s\n", d.Name, d.Expr)
			all.WriteString(d.Expr.String())
		}
	}
	fmt.Fprintf(w, "names: %s\n", graph.WeightNames)
	if net.InputScale != 1 || net.InputShift != 0 {
		sign := "+"
		if net.InputShift < 0 {
			sign = "-"
		}
		fmt.Fprintf(w, "the network sees %s scaled: %g*%s %s %g\n", indep, net.InputScale, indep, sign, math.Abs(net.InputShift))
	}
	if strings.Contains(all.String(), graph.StepFunc+"(") {
		fmt.Fprintf(w, "%s(x) = 1 where x > 0, else 0 (relu's derivative)\n", graph.StepFunc)
	}
	if strings.Contains(all.String(), graph.Step1Func+"(") {
		fmt.Fprintf(w, "%s(x) = 1 where x >= 0, else 0 (rectify's derivative)\n", graph.Step1Func)
	}
}
