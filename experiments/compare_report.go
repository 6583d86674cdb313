package experiments

import (
	"encoding/json"
	"fmt"
	"io"
	"math"
	"path/filepath"
	"strings"
	"text/tabwriter"

	"pinn/experiments/report"
	"pinn/graph"
	"pinn/problems"
)

// Mode returns the mode of a comparison's finding: its derivative and the
// step it trained with (fd-central's h, fd-forward's grid spacing, else 0).
func (r *ComparisonResult) Mode(f *Finding) (graph.Derivative, float64) {
	cfg := f.Experiment.Config()
	switch cfg.Derivative {
	case graph.FDCentral:
		return cfg.Derivative, cfg.FDStep
	case graph.FDForward:
		return cfg.Derivative, r.Points[1] - r.Points[0]
	}
	return cfg.Derivative, 0
}

// stepText shows a mode's step in tables.
func (r *ComparisonResult) stepText(f *Finding) string {
	d, h := r.Mode(f)
	switch {
	case d == graph.FDForward:
		return fmt.Sprintf("%.3g (grid)", h)
	case h > 0:
		return fmt.Sprintf("%.3g", h)
	}
	return "-"
}

// MarshalJSON writes {"problem": ..., "modes": [...], "steps": [...]} with
// the settings, the best steps and the explanation.
func (r *ComparisonResult) MarshalJSON() ([]byte, error) {
	c, p := &r.Comparison, r.Problem
	var modes []object
	for _, f := range r.Modes {
		d, h := r.Mode(f)
		s := &f.Seeds[0]
		m := object{{"derivative", d}}
		if h > 0 {
			m = append(m, field{"fd_step", h})
		}
		for _, k := range []string{keyFinalLoss, keyRelL2, keyMaxAbsErr, keyMaxAbsDeriv} {
			m = append(m, field{k, report.Number(s.Value(k))})
		}
		m = append(m, field{"us_per_epoch", report.Number(s.PerEpoch * 1e6)})
		if s.Diverged != "" {
			m = append(m, field{"diverged", s.Diverged})
		}
		modes = append(modes, m)
	}
	var steps []object
	for _, s := range r.Steps {
		steps = append(steps, object{{"h", s.H}, {"forward_err", report.Number(s.Forward)}, {"central_err", report.Number(s.Central)}})
	}
	return json.Marshal(object{
		{"name", c.Name}, {"problem", p.Name}, {"equation", p.Equation()}, {"points", len(r.Points)},
		{"network", widths(c.Config().Hidden, len(p.Vars))}, {"activation", c.Config().Activation},
		{"output_activation", c.Config().OutputActivation}, {"ic", icName(c.Config().IC)},
		{"epochs", c.Epochs()}, {"lr", c.LearningRate()}, {"seed", c.Seed},
		{"modes", modes}, {"steps", steps},
		{"best_forward_h", r.Steps[r.BestForward].H}, {"best_central_h", r.Steps[r.BestCentral].H},
		{"explanation", r.Explain()},
	})
}

func icName(ic graph.ICMode) graph.ICMode {
	if ic == "" {
		return graph.SoftIC
	}
	return ic
}

// Explain says what the comparison found, from its numbers.
func (r *ComparisonResult) Explain() string {
	var b strings.Builder
	val := func(i int, key string) float64 { return r.Modes[i].Seeds[0].Value(key) }
	sym, fwd := val(0, keyFinalLoss), val(1, keyFinalLoss)
	fmt.Fprintf(&b, "symbolic and forward are the same dy/d%s computed two ways, so the difference between their "+
		"final losses, %.6g and %.6g (relative %.1g), is rounding that the epochs of Adam carry along. ",
		r.Problem.Indep, sym, fwd, math.Abs(sym-fwd)/sym)
	var rels []string
	for i, f := range r.Modes {
		if d, h := r.Mode(f); d == graph.FDCentral {
			rels = append(rels, fmt.Sprintf("%.3g at h = %g", val(i, keyRelL2), h))
		}
	}
	if len(rels) > 0 {
		fmt.Fprintf(&b, "fd-central's rel_l2 is %s, against symbolic's %.3g. ", strings.Join(rels, ", "), val(0, keyRelL2))
	}
	fmt.Fprintf(&b, "fd-forward's loss is zero on the backward Euler solution of the grid, not on the ODE's: "+
		"its rel_l2 is %.3g against symbolic's %.3g. ", val(2, keyRelL2), val(0, keyRelL2))
	fw, ce := r.Steps[r.BestForward], r.Steps[r.BestCentral]
	fmt.Fprintf(&b, "In the step study the forward difference is best at h = %g (error %.2g), the central one "+
		"at h = %g (error %.2g). ", fw.H, fw.Forward, ce.H, ce.Central)
	first, last := r.Steps[0], r.Steps[len(r.Steps)-1]
	slope := func(a, b StepError, err func(StepError) float64) float64 {
		return math.Log10(err(b)/err(a)) / math.Log10(b.H/a.H)
	}
	forward := func(s StepError) float64 { return s.Forward }
	central := func(s StepError) float64 { return s.Central }
	if r.BestForward > 0 && r.BestCentral > 0 {
		fmt.Fprintf(&b, "Above the best step the error falls like h^%.2g (forward) and h^%.2g (central): "+
			"truncation error, h/2 |y''| and h^2/6 |y'''|. ", slope(first, fw, forward), slope(first, ce, central))
	}
	if r.BestForward < len(r.Steps)-1 && r.BestCentral < len(r.Steps)-1 {
		fmt.Fprintf(&b, "Below it the error grows like h^%.2g and h^%.2g: round-off, about eps |y| / h, as "+
			"y(t+h) - y(t) loses digits. ", slope(fw, last, forward), slope(ce, last, central))
	}
	const eps = 0x1p-52
	fmt.Fprintf(&b, "Theory puts the best steps near sqrt(eps) = %.2g and cbrt(eps) = %.2g.", math.Sqrt(eps), math.Cbrt(eps))
	return b.String()
}

// WriteComparisonText writes a comparison for a terminal: the modes' table,
// the step study and the explanation.
func WriteComparisonText(w io.Writer, r *ComparisonResult) error {
	c, p := &r.Comparison, r.Problem
	fmt.Fprintf(w, "compare %s: %s, %s, %s in [%g, %g], %d points\n", p.Name, p.Equation(), p.InitialConditions(), p.Indep, p.T0, p.T1, len(r.Points))
	e := r.Modes[0].Experiment
	fmt.Fprintf(w, "network   %s, %s initial conditions\n", e.Network(len(p.Vars)), icName(c.Config().IC))
	fmt.Fprintf(w, "training  Adam lr %g, %d epochs, seed %d; the modes run one at a time, so their times compare\n\n", c.LearningRate(), c.Epochs(), c.Seed)
	tw := tabwriter.NewWriter(w, 0, 4, 2, ' ', 0)
	fmt.Fprintf(tw, "MODE\tSTEP\tFINAL LOSS\tREL_L2\tMAX |DY/D%s - %s|\tUS/EPOCH\n", strings.ToUpper(p.Indep), strings.ToUpper(refWord(p)))
	for _, f := range r.Modes {
		d, _ := r.Mode(f)
		s := &f.Seeds[0]
		fmt.Fprintf(tw, "%s\t%s\t%s\t%s\t%s\t%.0f", d, r.stepText(f), num(s.Value(keyFinalLoss)), num(s.Value(keyRelL2)),
			num(s.Value(keyMaxAbsDeriv)), s.PerEpoch*1e6)
		if s.Diverged != "" {
			fmt.Fprintf(tw, "\t%s", s.Diverged)
		}
		fmt.Fprintln(tw)
	}
	if err := tw.Flush(); err != nil {
		return err
	}
	fmt.Fprintf(w, "\nStep study: finite-difference dy/d%s of the symbolic-trained network against its symbolic dy/d%s,\nlargest difference over the %d points (* marks the best h of each):\n\n", p.Indep, p.Indep, len(r.Points))
	tw = tabwriter.NewWriter(w, 0, 4, 2, ' ', 0)
	fmt.Fprintln(tw, "H\tFORWARD (y(t+h)-y(t))/h\tCENTRAL (y(t+h)-y(t-h))/2h")
	for i, s := range r.Steps {
		fmt.Fprintf(tw, "%.0e\t%s%s\t%s%s\n", s.H, num(s.Forward), star(i == r.BestForward), num(s.Central), star(i == r.BestCentral))
	}
	if err := tw.Flush(); err != nil {
		return err
	}
	_, err := fmt.Fprintf(w, "\n%s\n", wrap("why: "+r.Explain(), textWidth))
	return err
}

// refWord names what runs are scored against: the exact solution or the
// reference integrator's.
func refWord(p *problems.Problem) string {
	if p.HasExact() {
		return "exact"
	}
	return "reference"
}

func star(best bool) string {
	if best {
		return " *"
	}
	return ""
}

// WriteComparisonReport writes a comparison into dir (which must exist):
// compare.md, comparison.json, modes.csv, steps.csv, steps.png (the step
// study, log-log) and loss.png (every mode's loss).
func WriteComparisonReport(dir string, r *ComparisonResult) error {
	var rows [][]string
	for _, f := range r.Modes {
		d, h := r.Mode(f)
		s := &f.Seeds[0]
		row := []string{string(d), fmt.Sprint(h)}
		for _, v := range []float64{s.Value(keyFinalLoss), s.Value(keyRelL2), s.Value(keyMaxAbsErr), s.Value(keyMaxAbsDeriv), s.PerEpoch * 1e6} {
			row = append(row, fmt.Sprint(v))
		}
		rows = append(rows, row)
	}
	header := []string{"derivative", "step", keyFinalLoss, keyRelL2, keyMaxAbsErr, keyMaxAbsDeriv, "us_per_epoch"}
	if err := report.WriteRecords(filepath.Join(dir, "modes.csv"), header, rows); err != nil {
		return err
	}
	var steps [][]float64
	for _, s := range r.Steps {
		steps = append(steps, []float64{s.H, s.Forward, s.Central})
	}
	if err := report.WriteCSV(filepath.Join(dir, "steps.csv"), []string{"h", "forward_err", "central_err"}, steps); err != nil {
		return err
	}
	if err := r.stepPlot().WritePNG(filepath.Join(dir, "steps.png")); err != nil {
		return err
	}
	if err := r.lossPlot().WritePNG(filepath.Join(dir, "loss.png")); err != nil {
		return err
	}
	if err := report.WriteJSON(filepath.Join(dir, "comparison.json"), r); err != nil {
		return err
	}
	return report.WriteFile(filepath.Join(dir, "compare.md"), r.writeMarkdown)
}

func (r *ComparisonResult) stepPlot() report.Plot {
	var hs, fwd, cen []float64
	for _, s := range r.Steps {
		hs, fwd, cen = append(hs, s.H), append(fwd, s.Forward), append(cen, s.Central)
	}
	fw, ce := r.Steps[r.BestForward], r.Steps[r.BestCentral]
	return report.Plot{
		Title:  fmt.Sprintf("%s: max |FD dy/d%s - symbolic dy/d%s| over the grid", r.Problem.Name, r.Problem.Indep, r.Problem.Indep),
		XLabel: "step h", YLabel: "error", LogX: true, LogY: true,
		// The errors are large at both ends of h and small in the middle.
		LegendBottom: true, LegendLeft: true,
		Curves: []report.Curve{
			{Name: "forward (y(t+h) - y(t))/h", X: hs, Y: fwd},
			{Name: "central (y(t+h) - y(t-h))/2h", X: hs, Y: cen},
		},
		Marks: []report.Curve{{Name: "best h", X: []float64{fw.H, ce.H}, Y: []float64{fw.Forward, ce.Central}}},
	}
}

func (r *ComparisonResult) lossPlot() report.Plot {
	var curves []report.Curve
	for _, f := range r.Modes {
		curves = append(curves, report.LossCurve(f.Experiment.Name, f.Seeds[0].Loss))
	}
	return report.LossPlot(r.Problem.Name+": training loss by derivative mode", curves)
}

func (r *ComparisonResult) writeMarkdown(w io.Writer) error {
	c, p := &r.Comparison, r.Problem
	fmt.Fprintf(w, "# Derivative modes on %s\n\n%s, %s, %s in [%g, %g], %d points. Network %s, %s initial "+
		"conditions; Adam lr %g, %d epochs, seed %d. The modes run one at a time, so their times compare.\n\n",
		p.Name, p.Equation(), p.InitialConditions(), p.Indep, p.T0, p.T1, len(r.Points),
		r.Modes[0].Experiment.Network(len(p.Vars)), icName(c.Config().IC), c.LearningRate(), c.Epochs(), c.Seed)
	fmt.Fprintf(w, "| mode | step | final loss | rel_l2 | max \\|dy/d%s - %s\\| | us/epoch |\n|---|---:|---:|---:|---:|---:|\n", p.Indep, refWord(p))
	for _, f := range r.Modes {
		d, _ := r.Mode(f)
		s := &f.Seeds[0]
		fmt.Fprintf(w, "| %s | %s | %s | %s | %s | %.0f |\n", d, r.stepText(f), num(s.Value(keyFinalLoss)),
			num(s.Value(keyRelL2)), num(s.Value(keyMaxAbsDeriv)), s.PerEpoch*1e6)
	}
	fmt.Fprintf(w, "\n## Step study\n\nFinite-difference dy/d%s of the symbolic-trained network against its symbolic "+
		"dy/d%s, largest difference over the collocation points; **bold** is the best h of each.\n\n", p.Indep, p.Indep)
	fmt.Fprintf(w, "| h | forward | central |\n|---:|---:|---:|\n")
	bold := func(v float64, best bool) string {
		if best {
			return "**" + num(v) + "**"
		}
		return num(v)
	}
	for i, s := range r.Steps {
		fmt.Fprintf(w, "| %.0e | %s | %s |\n", s.H, bold(s.Forward, i == r.BestForward), bold(s.Central, i == r.BestCentral))
	}
	_, err := fmt.Fprintf(w, "\n%s\n\n![step study](steps.png)\n![loss by mode](loss.png)\n\n"+
		"Data: [modes.csv](modes.csv), [steps.csv](steps.csv), [comparison.json](comparison.json)\n", r.Explain())
	return err
}
