package report

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"math"
	"path/filepath"
	"strconv"
	"strings"
	"text/tabwriter"

	"pinn/graph"
	"pinn/problems"
)

// PlotPoints is the number of points solution plots are drawn with.
const PlotPoints = 401

// Fit is the summary of a training run (a graph.Result), as pinn train
// --json prints it and result.json stores it. WriteText, WriteJSON and
// WriteFiles are the only places a fit is rendered.
type Fit struct {
	Problem          string `json:"problem"`
	Equation         string `json:"equation"`
	Derivative       string `json:"derivative"`
	Activation       string `json:"activation"`
	OutputActivation string `json:"output_activation"`
	Hidden           []int  `json:"hidden"`
	Weights          int    `json:"parameters"`
	IC               string `json:"ic"`
	FDStep           Number `json:"fd_step,omitempty"`
	Points           int    `json:"points"`
	Sampling         string `json:"sampling"`
	Optimizer        string `json:"optimizer"`
	Epochs           int    `json:"epochs"`
	LearningRate     Number `json:"lr"`
	LBFGSIterations  int    `json:"lbfgs_iterations"`
	Seed             uint64 `json:"seed"`
	FinalLoss        Number `json:"final_loss"`
	RelL2            Number `json:"rel_l2"`
	MaxAbsErr        Number `json:"max_abs_err"`
	MaxAbsDerivErr   Number `json:"max_abs_deriv_err"`
	Reference        string `json:"reference"`
	Seconds          Number `json:"seconds"`
	USPerEpoch       Number `json:"us_per_epoch"`
	Diverged         string `json:"diverged,omitempty"`
	// Interrupted says where a run stopped by a signal (a cancelled
	// context) stopped: "at epoch N of M".
	Interrupted string `json:"interrupted,omitempty"`
	// Params reports an inverse problem's learned parameters.
	Params map[string]LearnedParam `json:"params,omitempty"`
	// Method is how the run trained: "march" or "whole"; March describes
	// a marched run.
	Method string    `json:"method"`
	March  *MarchFit `json:"march,omitempty"`
	// Corrections is how many correction networks a whole-domain run
	// kept on top of its first.
	Corrections int `json:"corrections,omitempty"`
	// Conditions describes how a boundary-value problem's conditions are
	// met.
	Conditions *ConditionsFit `json:"conditions,omitempty"`
	// Family scores a family's solution member by member; RelL2,
	// MaxAbsErr and MaxAbsDerivErr are then its worst member's.
	Family *FamilyFit `json:"family,omitempty"`
	// Tol is the rel_l2 above which the run disagrees with its reference;
	// Agrees says rel_l2 <= Tol.
	Tol    Number `json:"tol"`
	Agrees bool   `json:"agrees"`
	// Trace holds the steps of a traced run (see SetTrace).
	Trace []TraceRow `json:"trace,omitempty"`

	res   *graph.Result
	trace *Trace
}

// SetTrace adds the trace of the run: to the JSON, and to the files
// (TraceFiles).
func (r *Fit) SetTrace(t Trace) {
	r.trace, r.Trace = &t, t.Rows()
}

// MarchFit summarises how March found a solution (graph.MarchRecord).
type MarchFit struct {
	Goal Number `json:"goal"`
	// Windows were accepted of Tries trained.
	Windows int `json:"windows"`
	Tries   int `json:"tries"`
	// Networks is the most networks trained on one window.
	Networks int `json:"networks_per_window"`
	// ErrorEstimate is the sum of the accepted windows' error estimates,
	// WorstRatio the largest of their estimates over their budgets.
	ErrorEstimate Number `json:"error_estimate"`
	WorstRatio    Number `json:"worst_estimate_over_budget"`
	// OverBudget lists the start of each window accepted over its budget.
	OverBudget []Number `json:"over_budget,omitempty"`
	// Reached is where the accepted windows end, End where the domain
	// does: the same unless training stopped or failed on the way.
	Reached Number `json:"reached"`
	End     Number `json:"end"`
}

// ConditionsFit says how a trained solution meets the problem's conditions.
type ConditionsFit struct {
	// Hard are the conditions its trial solution meets by construction,
	// Soft those the loss holds it to, as typed.
	Hard []string `json:"hard,omitempty"`
	Soft []string `json:"soft,omitempty"`
	// MaxResidual is the largest |lhs - rhs| of any condition.
	MaxResidual Number `json:"max_residual"`
}

// FamilyFit is a family's solution scored member by member
// (graph.FamilyScore).
type FamilyFit struct {
	// Ranges are the range parameters' trained ranges, "lo:hi", and Values
	// how many evenly spaced values of each the members take.
	Ranges map[string]string `json:"ranges"`
	Values int               `json:"values_per_parameter"`
	// Worst is the member of the largest rel_l2; Members every member
	// scored, the last range parameter varying fastest.
	Worst   map[string]Number `json:"worst_member"`
	Members []MemberFit       `json:"members"`
}

// MemberFit is one member of a family, scored.
type MemberFit struct {
	Params         map[string]Number `json:"params"`
	RelL2          Number            `json:"rel_l2"`
	MaxAbsErr      Number            `json:"max_abs_err"`
	MaxAbsDerivErr Number            `json:"max_abs_deriv_err"`
}

// newFamilyFit summarises the scores fs of a family p, values per range
// parameter.
func newFamilyFit(p *problems.Problem, fs *graph.FamilyScore, values int) *FamilyFit {
	numbers := func(member map[string]float64) map[string]Number {
		out := make(map[string]Number, len(member))
		for k, v := range member {
			out[k] = Number(v)
		}
		return out
	}
	f := &FamilyFit{Ranges: map[string]string{}, Values: values, Worst: numbers(fs.Members[fs.Worst])}
	for k, r := range p.Ranges {
		f.Ranges[k] = r.String()
	}
	for i, member := range fs.Members {
		s := fs.Scores[i]
		f.Members = append(f.Members, MemberFit{Params: numbers(member), RelL2: Number(s.RelL2),
			MaxAbsErr: Number(s.MaxAbsErr), MaxAbsDerivErr: Number(s.MaxAbsDerivErr)})
	}
	return f
}

// LearnedParam is an unknown parameter's learned value, with its error when
// the true value is known.
type LearnedParam struct {
	Learned Number  `json:"learned"`
	True    *Number `json:"true,omitempty"`
	AbsErr  *Number `json:"abs_err,omitempty"`
}

// NewFit summarises a training run: res and the error Fit returned with it
// (a divergence or an interruption is reported), the true values of an
// inverse problem's unknowns where they are known (nil otherwise), and the
// rel_l2 above which the run disagrees with its reference.
func NewFit(res *graph.Result, fitErr error, trueParams map[string]float64, tol float64) Fit {
	cfg, m := res.Config, res.Model
	p, arch, unknown := m.Problem(), m.Architecture(), m.Unknown()
	// Loss holds the loss at the start and after each step whose loss was
	// finite: a step that diverged counts in AdamEpochs but not here.
	steps := max(len(res.Loss)-1, 0)
	adam := min(res.AdamEpochs, steps)
	r := Fit{
		Problem: p.Name, Equation: p.Equation(), Derivative: string(cfg.Derivative),
		Activation: string(arch.Activation), OutputActivation: string(arch.OutputActivation),
		Hidden: arch.Hidden, Weights: m.NumParams(), IC: string(m.IC()),
		Points: res.Options.Points, Sampling: string(res.Options.Sampling), Optimizer: string(res.Options.Optimizer),
		Epochs: adam, LBFGSIterations: steps - adam, LearningRate: Number(res.Options.LearningRate),
		Seed: res.Options.Seed, RelL2: Number(res.Score.RelL2),
		MaxAbsErr: Number(res.Score.MaxAbsErr), MaxAbsDerivErr: Number(res.Score.MaxAbsDerivErr),
		Reference: "exact", Seconds: Number(res.Seconds), USPerEpoch: Number(res.PerEpoch * 1e6),
		Method: string(res.Options.Method), Tol: Number(tol), Agrees: res.Score.RelL2 <= tol,
		res: res,
	}
	if res.March != nil {
		o := res.Options.March
		r.Points, r.Sampling, r.Optimizer = o.Points, string(problems.SampleGrid), string(graph.LBFGS)
		r.LBFGSIterations = res.March.Iterations()
		mf := &MarchFit{Goal: Number(o.Goal), Windows: len(m.Windows()), Tries: len(res.March.Attempts),
			Networks: o.Networks, Reached: Number(res.March.Reached), End: Number(res.March.End)}
		for _, a := range res.March.Attempts {
			if !a.Accepted {
				continue
			}
			mf.ErrorEstimate += Number(a.Estimate)
			mf.WorstRatio = max(mf.WorstRatio, Number(a.Estimate/a.Budget))
			if a.OverBudget {
				mf.OverBudget = append(mf.OverBudget, Number(a.T0))
			}
		}
		r.March = mf
	}
	if cfg.Derivative == graph.FDCentral || cfg.Derivative == graph.FDForward {
		r.FDStep = Number(cfg.FDStep)
	}
	r.Corrections = res.Corrections
	if res.Family != nil {
		r.Family = newFamilyFit(p, res.Family, res.Options.ScoreValues)
	}
	if p.IsBoundaryValue() {
		r.Conditions = newConditionsFit(m)
	}
	var div *graph.DivergedError
	if errors.As(fitErr, &div) {
		r.Diverged = div.Error()
	}
	switch {
	case len(res.Loss) > 0:
		r.FinalLoss = Number(res.Loss[len(res.Loss)-1])
	case div != nil:
		r.FinalLoss = Number(div.Loss) // not finite: JSON null, and the reason in diverged
	default:
		r.FinalLoss = Number(math.NaN())
	}
	if !p.HasExact() {
		r.Reference = fmt.Sprintf("Dormand-Prince 5(4), tolerance %g", problems.ReferenceTolerance)
	}
	switch {
	case !errors.Is(fitErr, context.Canceled) && !errors.Is(fitErr, context.DeadlineExceeded):
	case res.March != nil:
		r.Interrupted = fmt.Sprintf("at %s = %g of [%g, %g]", p.Indep, res.March.Reached, p.T0, res.March.End)
	default:
		r.Interrupted = fmt.Sprintf("at epoch %d of %d", steps, res.Options.Epochs+res.Options.LBFGSIterations)
	}
	for _, k := range p.Unknown {
		lp := LearnedParam{Learned: Number(unknown[k])}
		if v, ok := trueParams[k]; ok {
			t, e := Number(v), Number(math.Abs(unknown[k]-v))
			lp.True, lp.AbsErr = &t, &e
		}
		if r.Params == nil {
			r.Params = map[string]LearnedParam{}
		}
		r.Params[k] = lp
	}
	return r
}

// newConditionsFit describes how the model m meets its problem's
// conditions.
func newConditionsFit(m *graph.Model) *ConditionsFit {
	c := &ConditionsFit{}
	hard := m.HardConditions()
	for k, cond := range m.Problem().Conditions() {
		if hard[k] {
			c.Hard = append(c.Hard, cond.Text)
		} else {
			c.Soft = append(c.Soft, cond.Text)
		}
	}
	res, err := m.ConditionResiduals()
	if err != nil {
		c.MaxResidual = Number(math.NaN()) // no number to show: JSON null
		return c
	}
	for _, r := range res {
		c.MaxResidual = max(c.MaxResidual, Number(math.Abs(r)))
	}
	return c
}

// WriteJSON writes the summary as one line of JSON.
func (r Fit) WriteJSON(w io.Writer) error {
	return json.NewEncoder(w).Encode(r)
}

// WriteText writes the summary for a reader, a line per aspect. The verdict
// on the run (WriteVerdict) is not among them.
func (r Fit) WriteText(w io.Writer) {
	p := r.res.Model.Problem()
	fmt.Fprintf(w, "problem      %s: %s, %s, %s in [%g, %g]\n", r.Problem, r.Equation, p.InitialConditions(), p.Indep, p.T0, p.T1)
	widths := []string{fmt.Sprint(1 + len(p.Ranges))}
	for _, n := range r.Hidden {
		widths = append(widths, fmt.Sprint(n))
	}
	widths = append(widths, fmt.Sprint(len(p.Vars)))
	if r.March != nil {
		r.writeMarch(w, strings.Join(widths, "-"))
	} else {
		r.writeWhole(w, strings.Join(widths, "-"))
	}
	ref := "exact"
	if !p.HasExact() {
		ref = "reference"
	}
	worst := ""
	if f := r.Family; f != nil {
		worst = fmt.Sprintf("worst of %d members (%s): ", len(f.Members), formatMember(p, f.Worst))
	}
	fmt.Fprintf(w, "error        %srel_l2 %.3e, max |y - %s| %.3e, max |dy/d%s - %s| %.3e (on a grid of %d points)\n",
		worst, float64(r.RelL2), ref, float64(r.MaxAbsErr), p.Indep, ref, float64(r.MaxAbsDerivErr), len(r.res.Score.Solution.T))
	if r.Family != nil {
		r.writeMembers(w, ref)
	}
	for _, k := range p.Unknown {
		lp := r.Params[k]
		fmt.Fprintf(w, "learned      %s = %.9g", k, float64(lp.Learned))
		if lp.True != nil {
			fmt.Fprintf(w, " (true %g, error %.3g)", float64(*lp.True), float64(*lp.AbsErr))
		}
		fmt.Fprintln(w)
	}
}

// formatMember writes a family's member as MemberName does.
func formatMember(p *problems.Problem, member map[string]Number) string {
	values := make(map[string]float64, len(member))
	for k, v := range member {
		values[k] = float64(v)
	}
	return MemberName(p, values)
}

// writeMembers writes a family's table of members and their errors.
func (r Fit) writeMembers(w io.Writer, ref string) {
	p := r.res.Model.Problem()
	tw := tabwriter.NewWriter(w, 0, 4, 2, ' ', 0)
	fmt.Fprintf(tw, "%-11s\t", "members") // the label column of WriteText's lines
	for _, k := range p.RangeNames() {
		fmt.Fprint(tw, k+"\t")
	}
	fmt.Fprintf(tw, "rel_l2\tmax |y - %s|\n", ref)
	for _, m := range r.Family.Members {
		fmt.Fprintf(tw, "%11s\t", "")
		for _, k := range p.RangeNames() {
			fmt.Fprintf(tw, "%g\t", float64(m.Params[k]))
		}
		fmt.Fprintf(tw, "%.3e\t%.3e\n", float64(m.RelL2), float64(m.MaxAbsErr))
	}
	tw.Flush()
}

// writeMarch writes the lines that describe a marched run, whose window
// networks are widths wide.
func (r Fit) writeMarch(w io.Writer, widths string) {
	m, p := r.March, r.res.Model.Problem()
	corrections := "no corrections"
	if m.Networks > 1 {
		corrections = "up to " + plural(m.Networks-1, "correction") + " on top"
	}
	fmt.Fprintf(w, "network      %s %s, a fresh one per window and %s; %d parameters in all, hard initial conditions\n",
		widths, r.Activation, corrections, r.Weights)
	if p.IsFamily() {
		o := r.res.Options.March
		grid := fmt.Sprint(r.Points)
		for range p.Ranges {
			grid += fmt.Sprintf(" x %d", o.ParamPoints)
		}
		fmt.Fprintf(w, "training     march, %s of equal length, %d iterations of BFGS, a grid of %s points (%s, %s) per window; seed %d: %.2f s\n",
			plural(m.Windows, "window"), r.LBFGSIterations, grid, p.Indep, strings.Join(p.RangeNames(), ", "), r.Seed, float64(r.Seconds))
		if m.Reached < m.End {
			fmt.Fprintf(w, "stopped      at %s = %g of [%g, %g]: the solution and its error are on [%g, %g]\n",
				p.Indep, float64(m.Reached), p.T0, float64(m.End), p.T0, float64(m.Reached))
		}
		fmt.Fprintf(w, "estimate     error estimate %.3e summed over the windows (the worst member's each; at most %.2g of the budget of goal %g: it does not size a family's windows)\n",
			float64(m.ErrorEstimate), float64(m.WorstRatio), float64(m.Goal))
		fmt.Fprintf(w, "final loss   %.4e (the last window's)\n", float64(r.FinalLoss))
		return
	}
	fmt.Fprintf(w, "training     march to goal %g: %s accepted of %d tried, %d iterations of L-BFGS, %d grid points per window; seed %d: %.2f s\n",
		float64(m.Goal), plural(m.Windows, "window"), m.Tries, r.LBFGSIterations, r.Points, r.Seed, float64(r.Seconds))
	if m.Reached < m.End {
		fmt.Fprintf(w, "stopped      at %s = %g of [%g, %g]: the solution and its error are on [%g, %g]\n",
			p.Indep, float64(m.Reached), p.T0, float64(m.End), p.T0, float64(m.Reached))
	}
	within := "each window within its budget"
	if len(m.OverBudget) == 0 {
		within += fmt.Sprintf(" (at most %.2g of it)", float64(m.WorstRatio))
	}
	fmt.Fprintf(w, "estimate     error estimate %.3e summed over the windows, %s\n", float64(m.ErrorEstimate), within)
	if len(m.OverBudget) > 0 {
		starts := make([]string, len(m.OverBudget))
		for i, t := range m.OverBudget {
			starts[i] = fmt.Sprintf("%g", float64(t))
		}
		fmt.Fprintf(w, "warning      %s accepted over the error budget, starting at %s = %s (estimate up to %.2gx the budget): shorter windows did not help\n",
			plural(len(m.OverBudget), "window"), p.Indep, strings.Join(starts, ", "), float64(m.WorstRatio))
	}
	fmt.Fprintf(w, "final loss   %.4e (the last window's)\n", float64(r.FinalLoss))
}

// writeWhole writes the lines that describe a run on the whole domain,
// whose network is widths wide.
func (r Fit) writeWhole(w io.Writer, widths string) {
	corrections, conditions := "", "initial conditions"
	if r.Corrections > 0 {
		corrections = " and " + plural(r.Corrections, "correction") + " on top"
	}
	if r.Conditions != nil {
		conditions = "conditions"
	}
	fmt.Fprintf(w, "network      %s %s, output %s%s, %d parameters, %s %s\n",
		widths, r.Activation, r.OutputActivation, corrections, r.Weights, r.IC, conditions)
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
	if len(steps) == 0 {
		steps = append(steps, "no step")
	}
	fmt.Fprintf(w, "training     %s; seed %d, %d %s points: %.2f s\n",
		strings.Join(steps, ", then "), r.Seed, r.Points, r.Sampling, float64(r.Seconds))
	if r.Diverged != "" {
		fmt.Fprintf(w, "diverged     %s\n", r.Diverged)
	}
	if r.Interrupted != "" {
		fmt.Fprintf(w, "interrupted  %s; the weights kept are those of the lowest loss since the points last moved\n", r.Interrupted)
	}
	fmt.Fprintf(w, "final loss   %.4e\n", float64(r.FinalLoss))
	if c := r.Conditions; c != nil {
		var parts []string
		if len(c.Hard) > 0 {
			parts = append(parts, "built in: "+strings.Join(c.Hard, ", "))
		}
		if len(c.Soft) > 0 {
			parts = append(parts, "in the loss: "+strings.Join(c.Soft, ", "))
		}
		fmt.Fprintf(w, "conditions   %s; largest |lhs - rhs| %.3g\n", strings.Join(parts, "; "), float64(c.MaxResidual))
	}
}

// WriteVerdict writes, when the run disagrees with its reference (rel_l2
// above Tol, or not a number), a line that says so and what to try; a run
// that agrees writes nothing. It is meant as the last line of a report.
func (r Fit) WriteVerdict(w io.Writer) {
	if r.Agrees {
		return
	}
	ref := "the exact solution"
	if !r.res.Model.Problem().HasExact() {
		ref = "the reference"
	}
	fmt.Fprintf(w, "the network disagrees with %s: rel_l2 %.2g > %s; try %s\n", ref, float64(r.RelL2),
		strconv.FormatFloat(float64(r.Tol), 'e', -1, 64), r.suggestion())
}

// plural writes n things: "1 window", "2 windows".
func plural(n int, thing string) string {
	if n == 1 {
		return "1 " + thing
	}
	return fmt.Sprintf("%d %ss", n, thing)
}

// suggestion says what to try after a run that disagrees with its
// reference.
func (r Fit) suggestion() string {
	p := r.res.Model.Problem()
	switch {
	case r.Family != nil && r.Method == string(graph.March):
		return fmt.Sprintf("more --windows (%d) or --window-iters (%d)", 2*len(r.res.Model.Windows()), 2*r.res.Options.March.Iterations)
	case r.Method == string(graph.March):
		return fmt.Sprintf("a smaller --goal (%.1g) or more --corrections", float64(r.March.Goal)/100)
	case r.Diverged != "":
		return fmt.Sprintf("a smaller --lr (%g)", float64(r.LearningRate)/10)
	case len(p.Unknown) > 0 && (r.Optimizer != string(graph.AdamThenLBFGS) || r.IC != string(graph.HardIC)):
		return "--optimizer adam+lbfgs --ic hard"
	case len(p.Unknown) > 0:
		return fmt.Sprintf("more L-BFGS iterations (--lbfgs-iters %d) or more observations", 5*max(r.LBFGSIterations, graph.DefaultLBFGSIterations))
	case graph.CanMarch(p) != nil && r.Corrections == 0 && !r.res.Options.ScaleOutput:
		return "the recipe for boundary-value problems: leave out the whole-domain flags"
	case graph.CanMarch(p) != nil:
		return "a wider network (--hidden 32) or another --seed; a nonlinear boundary-value problem may have several solutions"
	}
	return "the default method, marching: leave out the whole-domain flags (or give --method march)"
}

// FitFiles names the files WriteFiles writes; FitFileNames lists them.
const FitFiles = "{solution.csv,loss.csv,result.json,solution.png,loss.png}"

// FitFileNames returns the names of the files WriteFiles writes, a fresh
// slice on every call.
func FitFileNames() []string {
	return strings.Split(strings.Trim(FitFiles, "{}"), ",")
}

// FilesError is the error of WriteFiles when a file could not be written:
// it names the file and those written whole before it.
type FilesError struct {
	Dir     string
	File    string
	Written []string
	Err     error
}

// Error says which files could not be written, and why.
func (e *FilesError) Error() string {
	cause := e.Err
	var pe *fs.PathError
	if errors.As(cause, &pe) {
		cause = pe.Err // the path is that of the temporary file: name the target
	}
	written := "none of the others was written"
	switch n := len(e.Written); {
	case n == 1:
		written = e.Written[0] + " was written whole"
	case n > 1:
		written = strings.Join(e.Written[:n-1], ", ") + " and " + e.Written[n-1] + " were written whole"
	}
	return fmt.Sprintf("report: writing %s: %v; %s", filepath.Join(e.Dir, e.File), cause, written)
}

// Unwrap returns the error of the file that failed.
func (e *FilesError) Unwrap() error { return e.Err }

// WriteFiles writes the fit's files into dir: solution.csv (t, then per
// variable predicted, reference and abs_err on the scoring grid), loss.csv
// (epoch, loss), result.json (the summary), solution.png and loss.png; for
// a family, FamilyFiles too; for a traced run, trace.csv and trace.png
// (see Trace). A failure is a
// *FilesError.
func (r Fit) WriteFiles(dir string) error {
	res := r.res
	p, s := res.Model.Problem(), res.Score
	header := []string{p.Indep}
	for _, v := range p.Vars {
		if len(p.Vars) == 1 {
			header = append(header, "predicted", "exact", "abs_err")
		} else {
			header = append(header, v+"_predicted", v+"_exact", v+"_abs_err")
		}
	}
	rows := make([][]float64, len(s.Solution.T))
	for k, t := range s.Solution.T {
		row := []float64{t}
		for i := range p.Vars {
			y, ref := s.Solution.Y[i][k], s.Reference.Y[i][k]
			row = append(row, y, ref, math.Abs(y-ref))
		}
		rows[k] = row
	}
	files := []namedFile{
		{"solution.csv", func(path string) error { return WriteCSV(path, header, rows) }},
		{"loss.csv", func(path string) error { return WriteCSV(path, []string{"epoch", "loss"}, lossRows(res.Loss)) }},
		{"solution.png", func(path string) error {
			if p.IsFamily() {
				sol, _, err := FamilyPlots(res.Model, fmt.Sprintf("%s: %s", p.Name, p.Equation()))
				if err != nil {
					return err
				}
				return sol.WritePNG(path)
			}
			sol, err := SolutionPlot(res.Model, fmt.Sprintf("%s: %s", p.Name, p.Equation()))
			if err != nil {
				return err
			}
			return sol.WritePNG(path)
		}},
		{"loss.png", func(path string) error {
			return LossPlot(p.Name+": training loss", []Curve{LossCurve("loss", res.Loss)}).WritePNG(path)
		}},
		{"result.json", func(path string) error { return WriteJSON(path, r) }},
	}
	if f := r.Family; f != nil {
		files = append(files, namedFile{FamilyFiles[0], func(path string) error {
			header, rows := f.membersRows(p)
			return WriteCSV(path, header, rows)
		}}, namedFile{FamilyFiles[1], func(path string) error {
			_, errs, err := FamilyPlots(res.Model, fmt.Sprintf("%s: %s", p.Name, p.Equation()))
			if err != nil {
				return err
			}
			return errs.WritePNG(path)
		}})
	}
	if t := r.trace; t != nil {
		files = append(files, namedFile{TraceFiles[0], t.WriteCSV},
			namedFile{TraceFiles[1], func(path string) error { return t.WritePNG(path, p.Name+": trace") }})
	}
	var written []string
	for _, f := range files {
		if err := f.write(filepath.Join(dir, f.name)); err != nil {
			return &FilesError{Dir: dir, File: f.name, Written: written, Err: err}
		}
		written = append(written, f.name)
	}
	return nil
}

// namedFile is a file WriteFiles writes: its name and how.
type namedFile struct {
	name  string
	write func(path string) error
}

func lossRows(loss []float64) [][]float64 {
	rows := make([][]float64, len(loss))
	for k, l := range loss {
		rows[k] = []float64{float64(k), l}
	}
	return rows
}

// SolutionPlot draws a trained solution (solid) against the reference
// (dashed) on a grid of PlotPoints points.
func SolutionPlot(m *graph.Model, title string) (Plot, error) {
	p := m.Problem()
	ts := p.Grid(PlotPoints)
	sol, err := m.Predict(ts)
	if err != nil {
		return Plot{}, err
	}
	ref, err := p.Reference(ts, nil)
	if err != nil {
		return Plot{}, err
	}
	pl := Plot{Title: title, XLabel: p.Indep, YLabel: "solution"}
	refName := " exact"
	if !p.HasExact() {
		refName = " reference"
	}
	for i, v := range p.Vars {
		pl.Curves = append(pl.Curves,
			Curve{Name: v + " network", X: ts, Y: sol.Y[i]},
			Curve{Name: v + refName, X: ts, Y: ref.Y[i], Dashed: true})
	}
	return pl, nil
}

// LossCurve is a loss history as a plot curve over epochs.
func LossCurve(name string, loss []float64) Curve {
	c := Curve{Name: name, X: make([]float64, len(loss)), Y: loss}
	for k := range loss {
		c.X[k] = float64(k)
	}
	return c
}

// LossPlot draws loss histories on a log scale.
func LossPlot(title string, curves []Curve) Plot {
	return Plot{Title: title, XLabel: "epoch", YLabel: "loss", LogY: true, Curves: curves}
}
