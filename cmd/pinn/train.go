package main

import (
	"cmp"
	"encoding/json"
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

var trainCommand = &cli.Command{
	Name:      "train",
	Usage:     "train a network on a built-in problem",
	ArgsUsage: "PROBLEM",
	Description: "Trains a network on PROBLEM (see pinn list) with Adam and scores it against the exact\n" +
		"solution on the collocation grid.\n\n" +
		"Examples:\n" +
		"   pinn train forum-final\n" +
		"   pinn train decay --hidden 16,16 --derivative fd-central --epochs 2000 --out runs/decay\n" +
		"   pinn train forum-final --output-activation tanh --lr 0.1 --epochs 100 --json",
	Flags:  concatFlags(networkFlags, trainFlags, outputFlags),
	Action: runTrain,
}

// outputFlags say where results go.
var outputFlags = []cli.Flag{
	&cli.StringFlag{Name: "out", Usage: "write solution.csv, loss.csv, result.json and plots into `DIR`"},
	&cli.StringFlag{Name: "save", Usage: "save the trained model (for pinn eval) as `FILE`.json"},
	&cli.BoolFlag{Name: "json", Usage: "print one JSON object instead of text"},
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
func outDir(c *cli.Context) (string, error) {
	dir := c.String("out")
	if dir == "" {
		return "", nil
	}
	if err := report.CheckWritable(dir); err != nil {
		return "", badInput("--out %s is not writable: %v", dir, err)
	}
	return dir, nil
}

func runTrain(c *cli.Context) error {
	p, err := problemArg(c)
	if err != nil {
		return err
	}
	return fitAndReport(c, p, nil, nil)
}

// fitAndReport trains on p as the flags say and reports: text or JSON on
// stdout, files in --out, the model in --save. obs holds an inverse
// problem's data and trueParams the known true values of its unknowns.
func fitAndReport(c *cli.Context, p *problems.Problem, obs *problems.Observations, trueParams map[string]float64) error {
	cfg, err := parseConfig(c)
	if err != nil {
		return err
	}
	cfg.ScaleInput = scaleInput(c, p.ScaleInput)
	opts, err := parseOptions(c)
	if err != nil {
		return err
	}
	opts.Observations = obs
	dir, err := outDir(c)
	if err != nil {
		return err
	}
	save, err := savePath(c)
	if err != nil {
		return err
	}
	if len(p.Unknown) == 0 || len(trueParams) > 0 {
		// Every run is scored against the reference: make sure there is one
		// before training, not after.
		points := cmp.Or(opts.Points, p.Points)
		if _, err := p.Reference(p.Grid(points), trueParams); err != nil {
			return badInput("%v (does the solution blow up in [%g, %g]?)", err, p.T0, p.T1)
		}
	}
	total := opts.Epochs
	if opts.Optimizer != graph.Adam {
		total += opts.LBFGSIterations
	}
	if opts.Optimizer == graph.LBFGS {
		total = opts.LBFGSIterations
	}
	update, finish := newProgress(c.App.Writer, c.App.ErrWriter, p.Name, total, !c.Bool("json"))
	opts.Progress = update
	res, fitErr := graph.Fit(p, cfg, opts)
	finish()
	if res == nil {
		return fitErr
	}
	if len(trueParams) > 0 {
		// Score against the reference of the true parameters, which made the data.
		if res.Score, err = graph.EvaluateWith(p, res.Network, res.Config.IC, trueParams, p.Grid(res.Options.Points)); err != nil {
			return err
		}
	}
	r := newTrainReport(res, fitErr, trueParams)
	if dir != "" {
		if err := experiments.WriteFit(dir, res); err != nil {
			return fmt.Errorf("writing %s: %w", dir, err)
		}
		if err := report.WriteJSON(filepath.Join(dir, "result.json"), r); err != nil {
			return fmt.Errorf("writing %s: %w", dir, err)
		}
	}
	if save != "" {
		if err := report.WriteFile(save, func(w io.Writer) error {
			_, err := graph.NewModel(res).WriteTo(w)
			return err
		}); err != nil {
			return fmt.Errorf("saving the model: %w", err)
		}
	}
	if c.Bool("json") {
		if err := json.NewEncoder(c.App.Writer).Encode(r); err != nil {
			return err
		}
	} else {
		r.writeText(c.App.Writer, res)
		if dir != "" {
			fmt.Fprintf(c.App.Writer, "wrote        %s\n", filepath.Join(dir, "{solution.csv,loss.csv,result.json,solution.png,loss.png}"))
		}
		if save != "" {
			fmt.Fprintf(c.App.Writer, "saved        %s (pinn eval %s)\n", save, save)
		}
	}
	return fitErr
}

// savePath checks --save before any work is done.
func savePath(c *cli.Context) (string, error) {
	path := c.String("save")
	if path == "" {
		return "", nil
	}
	if err := report.CheckWritable(filepath.Dir(path)); err != nil {
		return "", badInput("--save %s: %v", path, err)
	}
	return path, nil
}

// trainReport is the summary of a training run, as --json prints it and
// result.json stores it.
type trainReport struct {
	Problem          string        `json:"problem"`
	Equation         string        `json:"equation"`
	Derivative       string        `json:"derivative"`
	Activation       string        `json:"activation"`
	OutputActivation string        `json:"output_activation"`
	Hidden           []int         `json:"hidden"`
	Weights          int           `json:"parameters"`
	IC               string        `json:"ic"`
	FDStep           report.Number `json:"fd_step,omitempty"`
	Points           int           `json:"points"`
	Sampling         string        `json:"sampling"`
	Optimizer        string        `json:"optimizer"`
	Epochs           int           `json:"epochs"`
	LearningRate     report.Number `json:"lr"`
	LBFGSIterations  int           `json:"lbfgs_iterations"`
	Seed             uint64        `json:"seed"`
	FinalLoss        report.Number `json:"final_loss"`
	RelL2            report.Number `json:"rel_l2"`
	MaxAbsErr        report.Number `json:"max_abs_err"`
	MaxAbsDerivErr   report.Number `json:"max_abs_deriv_err"`
	Reference        string        `json:"reference"`
	Seconds          report.Number `json:"seconds"`
	USPerEpoch       report.Number `json:"us_per_epoch"`
	Diverged         string        `json:"diverged,omitempty"`
	// Params reports an inverse problem's learned parameters.
	Params map[string]learnedParam `json:"params,omitempty"`
}

// learnedParam is an unknown parameter's learned value, with its error when
// the true value is known.
type learnedParam struct {
	Learned report.Number  `json:"learned"`
	True    *report.Number `json:"true,omitempty"`
	AbsErr  *report.Number `json:"abs_err,omitempty"`
}

func newTrainReport(res *graph.Result, fitErr error, trueParams map[string]float64) trainReport {
	cfg, p := res.Config, res.Problem
	r := trainReport{
		Problem: p.Name, Equation: p.Equation(), Derivative: string(cfg.Derivative),
		Activation: string(cfg.Activation), OutputActivation: string(cfg.OutputActivation),
		Hidden: cfg.Hidden, Weights: res.Network.NumParams(), IC: string(cfg.IC),
		Points: res.Options.Points, Sampling: string(res.Options.Sampling), Optimizer: string(res.Options.Optimizer),
		Epochs: res.AdamEpochs, LBFGSIterations: len(res.Loss) - 1 - res.AdamEpochs, LearningRate: report.Number(res.Options.LearningRate),
		Seed: res.Options.Seed, RelL2: report.Number(res.Score.RelL2),
		MaxAbsErr: report.Number(res.Score.MaxAbsErr), MaxAbsDerivErr: report.Number(res.Score.MaxAbsDerivErr),
		Reference: "exact", Seconds: report.Number(res.Seconds), USPerEpoch: report.Number(res.PerEpoch * 1e6),
	}
	if cfg.Derivative == graph.FDCentral || cfg.Derivative == graph.FDForward {
		r.FDStep = report.Number(cfg.FDStep)
	}
	if len(res.Loss) > 0 {
		r.FinalLoss = report.Number(res.Loss[len(res.Loss)-1])
	}
	if !p.HasExact() {
		r.Reference = "Dormand-Prince 5(4), tolerance 1e-10"
	}
	var div *graph.DivergedError
	if errors.As(fitErr, &div) {
		r.Diverged = div.Error()
	}
	for _, k := range p.Unknown {
		lp := learnedParam{Learned: report.Number(res.Unknown[k])}
		if v, ok := trueParams[k]; ok {
			t, e := report.Number(v), report.Number(math.Abs(res.Unknown[k]-v))
			lp.True, lp.AbsErr = &t, &e
		}
		if r.Params == nil {
			r.Params = map[string]learnedParam{}
		}
		r.Params[k] = lp
	}
	return r
}

func (r trainReport) writeText(w io.Writer, res *graph.Result) {
	p := res.Problem
	fmt.Fprintf(w, "problem      %s: %s, %s, %s in [%g, %g]\n", r.Problem, r.Equation, p.InitialConditions(), p.Indep, p.T0, p.T1)
	widths := make([]string, len(res.Network.Widths))
	for i, n := range res.Network.Widths {
		widths[i] = fmt.Sprint(n)
	}
	fmt.Fprintf(w, "network      %s %s, output %s, %d parameters, %s initial conditions\n",
		strings.Join(widths, "-"), r.Activation, r.OutputActivation, r.Weights, r.IC)
	deriv := r.Derivative
	if r.FDStep != 0 {
		deriv += fmt.Sprintf(" (h = %g)", float64(r.FDStep))
	}
	fmt.Fprintf(w, "derivative   %s\n", deriv)
	var steps []string
	if r.Epochs > 0 {
		steps = append(steps, fmt.Sprintf("%d epochs of Adam (lr %g, %.0f us/epoch)", r.Epochs, float64(r.LearningRate), float64(r.USPerEpoch)))
	}
	if r.LBFGSIterations > 0 {
		steps = append(steps, fmt.Sprintf("%d iterations of L-BFGS", r.LBFGSIterations))
	}
	fmt.Fprintf(w, "training     %s; seed %d, %d %s points: %.2f s\n",
		strings.Join(steps, ", then "), r.Seed, r.Points, r.Sampling, float64(r.Seconds))
	if r.Diverged != "" {
		fmt.Fprintf(w, "diverged     %s\n", r.Diverged)
	}
	fmt.Fprintf(w, "final loss   %.4e\n", float64(r.FinalLoss))
	ref := "exact"
	if !p.HasExact() {
		ref = "reference"
	}
	fmt.Fprintf(w, "error        rel_l2 %.3e, max |y - %s| %.3e, max |dy/d%s - %s| %.3e (on a grid of %d points)\n",
		float64(r.RelL2), ref, float64(r.MaxAbsErr), p.Indep, ref, float64(r.MaxAbsDerivErr), r.Points)
	for _, k := range p.Unknown {
		lp := r.Params[k]
		fmt.Fprintf(w, "learned      %s = %.9g", k, float64(lp.Learned))
		if lp.True != nil {
			fmt.Fprintf(w, " (true %g, error %.3g)", float64(*lp.True), float64(*lp.AbsErr))
		}
		fmt.Fprintln(w)
	}
}
