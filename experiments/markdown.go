package experiments

import (
	"fmt"
	"io"
	"math"
	"path/filepath"
	"strings"

	"pinn/experiments/report"
	"pinn/problems"
)

// FindingsReport is the JSON form of a set of findings: {"findings": [...]}.
type FindingsReport struct {
	Findings []*Finding `json:"findings"`
}

// WriteReport writes findings into dir (which must exist): report.md with
// the summary, each finding's settings, seed table, explanation and plots;
// findings.json; and for each finding ID-seeds.csv (every metric of every
// seed), ID-loss.csv (epoch, then one loss column per seed), ID-solution.png,
// ID-loss.png and, for a finding with a table, ID-table.csv; for a finding
// whose seed 1 was traced (Measure.Trace), ID-trace.csv and ID-trace.png.
func WriteReport(dir, title string, fs []*Finding) error {
	for _, f := range fs {
		if err := writeFindingFiles(dir, f); err != nil {
			return fmt.Errorf("experiments: %s: %w", f.Experiment.Name, err)
		}
	}
	if err := report.WriteJSON(filepath.Join(dir, "findings.json"), FindingsReport{fs}); err != nil {
		return err
	}
	return report.WriteFile(filepath.Join(dir, "report.md"), func(w io.Writer) error {
		return writeMarkdown(w, title, fs)
	})
}

// MarkdownSummary writes the summary table of findings in Markdown: each
// finding, what the thread says and what was measured.
func MarkdownSummary(w io.Writer, fs []*Finding) error {
	_, err := fmt.Fprintf(w, "| finding | the thread says | measured over %s |\n|---|---|---|\n", seedsPhrase(fs))
	for _, f := range fs {
		if err == nil {
			_, err = fmt.Fprintf(w, "| `%s` | %s | %s |\n", f.Experiment.Name, f.Experiment.Claim, f.Verdict)
		}
	}
	return err
}

func writeMarkdown(w io.Writer, title string, fs []*Finding) error {
	fmt.Fprintf(w, "# %s\n\n", title)
	if err := MarkdownSummary(w, fs); err != nil {
		return err
	}
	for _, f := range fs {
		e, p := &f.Experiment, f.Problem
		fmt.Fprintf(w, "\n## `%s`: %s\n\n", e.Name, e.Title)
		if e.Quote != "" {
			fmt.Fprintf(w, "> %s\n\n", e.Quote)
		}
		fmt.Fprintf(w, "| setting | value |\n|---|---|\n")
		fmt.Fprintf(w, "| problem | %s: %s, %s, %s in [%g, %g], %d points |\n", p.Name, p.Equation(), p.InitialConditions(), p.Indep, p.T0, p.T1, len(f.Points))
		fmt.Fprintf(w, "| network | %s |\n| derivative | %s |\n", e.Network(len(p.Vars)), e.DerivativeName(p.Indep))
		fmt.Fprintf(w, "| loss | `%s` |\n", e.Loss(p.Indep))
		fmt.Fprintf(w, "| training | Adam lr %g, %d epochs, seeds %s |\n\n", e.LearningRate(), e.Epochs(), seedList(f))
		writeSeedMarkdown(w, f)
		fmt.Fprintf(w, "\n**Measured:** %s\n\n**Why:** %s\n\n", f.Verdict, f.Explanation)
		fmt.Fprintf(w, "![%[1]s: solutions](%[1]s-solution.png)\n![%[1]s: loss](%[1]s-loss.png)\n\n", e.Name)
		fmt.Fprintf(w, "Data: [%[1]s-seeds.csv](%[1]s-seeds.csv), [%[1]s-loss.csv](%[1]s-loss.csv)", e.Name)
		if e.Table {
			fmt.Fprintf(w, ", [%[1]s-table.csv](%[1]s-table.csv)", e.Name)
		}
		fmt.Fprintln(w)
		if tr := f.trace(); tr != nil {
			fmt.Fprintf(w, "\nSeed %[2]d traced %[3]s: the loss's terms, the gradient's norm per layer (an exact 0 on the line marked 0) "+
				"and the fraction of dead units (activation derivative 0 at every collocation point).\n\n"+
				"![%[1]s: trace of seed %[2]d](%[1]s-trace.png)\n\nData: [%[1]s-trace.csv](%[1]s-trace.csv)\n",
				e.Name, tr.seed, tr.Every())
		}
		if e.Table {
			t := f.table()
			fmt.Fprintf(w, "\nSeed %d at the collocation points (the thread's final table):\n\n| %s | exact | predicted |\n|---:|---:|---:|\n", t.Seed, p.Indep)
			for k := range t.T {
				fmt.Fprintf(w, "| %.4g | %.6g | %.6g |\n", t.T[k], float64(t.Exact[k]), float64(t.Predicted[k]))
			}
		}
	}
	fmt.Fprintf(w, "\n### Metrics\n\n")
	seen := map[string]bool{}
	for _, f := range fs {
		for _, k := range f.Keys {
			if !seen[k] && !strings.Contains(k, "_at_") {
				seen[k] = true
				fmt.Fprintf(w, "- `%s` (%s): %s\n", k, label(k), meaning(k))
			}
		}
	}
	_, err := fmt.Fprintf(w, "- `%s`, `%s`: the same after N epochs\n", "loss_at_N", "rel_l2_at_N")
	return err
}

func writeSeedMarkdown(w io.Writer, f *Finding) {
	cols := f.columns()
	fmt.Fprint(w, "| seed |")
	for _, k := range cols {
		fmt.Fprintf(w, " %s |", strings.ReplaceAll(label(k), "|", `\|`))
	}
	fmt.Fprint(w, "\n|---:|"+strings.Repeat("---:|", len(cols))+"\n")
	for i := range f.Seeds {
		r := &f.Seeds[i]
		fmt.Fprintf(w, "| %d |", r.Seed)
		for _, k := range cols {
			fmt.Fprintf(w, " %s |", num(r.Value(k)))
		}
		fmt.Fprintln(w)
	}
	fmt.Fprint(w, "| median |")
	for _, k := range cols {
		fmt.Fprintf(w, " %s |", num(f.Stat(k).Median))
	}
	fmt.Fprintln(w)
}

// writeFindingFiles writes a finding's CSVs and plots.
func writeFindingFiles(dir string, f *Finding) error {
	id := f.Experiment.Name
	path := func(suffix string) string { return filepath.Join(dir, id+suffix) }
	header := append([]string{"seed", "epochs"}, f.Keys...)
	var rows [][]float64
	for i := range f.Seeds {
		r := &f.Seeds[i]
		row := []float64{float64(r.Seed), float64(r.Epochs)}
		for _, k := range f.Keys {
			row = append(row, r.Value(k))
		}
		rows = append(rows, row)
	}
	if err := report.WriteCSV(path("-seeds.csv"), header, rows); err != nil {
		return err
	}
	if err := report.WriteCSV(path("-loss.csv"), lossHeader(f), lossTable(f)); err != nil {
		return err
	}
	if f.Experiment.Table {
		t := f.table()
		rows := make([][]float64, len(t.T))
		for k := range t.T {
			rows[k] = []float64{t.T[k], float64(t.Exact[k]), float64(t.Predicted[k])}
		}
		if err := report.WriteCSV(path("-table.csv"), []string{f.Problem.Indep, "exact", "predicted"}, rows); err != nil {
			return err
		}
	}
	sol, err := solutionsPlot(f)
	if err != nil {
		return err
	}
	if err := sol.WritePNG(path("-solution.png")); err != nil {
		return err
	}
	if err := lossesPlot(f).WritePNG(path("-loss.png")); err != nil {
		return err
	}
	if tr := f.trace(); tr != nil {
		if err := tr.WriteCSV(path("-trace.csv")); err != nil {
			return err
		}
		return tr.WritePNG(path("-trace.png"), fmt.Sprintf("%s: seed %d", id, tr.seed))
	}
	return nil
}

// seedTrace is the trace of a finding's seed.
type seedTrace struct {
	*report.Trace
	seed uint64
}

// trace returns the trace of the first seed traced, or nil.
func (f *Finding) trace() *seedTrace {
	for _, r := range f.Seeds {
		if r.Trace != nil {
			return &seedTrace{r.Trace, r.Seed}
		}
	}
	return nil
}

func lossHeader(f *Finding) []string {
	h := []string{"epoch"}
	for _, r := range f.Seeds {
		h = append(h, fmt.Sprintf("seed_%d", r.Seed))
	}
	return h
}

// lossTable has one row per epoch and one column per seed; a seed that
// stopped early (diverged) has NaN after its last epoch.
func lossTable(f *Finding) [][]float64 {
	rows := make([][]float64, f.Experiment.Epochs()+1)
	for k := range rows {
		rows[k] = []float64{float64(k)}
		for _, r := range f.Seeds {
			v := math.NaN()
			if k < len(r.Loss) {
				v = r.Loss[k]
			}
			rows[k] = append(rows[k], v)
		}
	}
	return rows
}

// seedsName names the curves of all seeds: "network, seeds 1-10".
func seedsName(what string, f *Finding) string {
	if len(f.Seeds) == 1 {
		return fmt.Sprintf("%s, seed %d", what, f.Seeds[0].Seed)
	}
	return fmt.Sprintf("%s, seeds %s", what, seedList(f))
}

// solutionsPlot draws every seed's network (one colour) against the exact
// solution (dashed) on a fine grid, with the scheme's points if any.
func solutionsPlot(f *Finding) (report.Plot, error) {
	p := f.Problem
	ts := p.Grid(report.PlotPoints)
	ref, err := p.Reference(ts, nil)
	if err != nil {
		return report.Plot{}, err
	}
	pl := report.Plot{Title: fmt.Sprintf("%s: %s", f.Experiment.Name, p.Equation()), XLabel: p.Indep, YLabel: p.Vars[0]}
	for i := range f.Seeds {
		sol, err := f.Seeds[i].Model.Predict(ts)
		if err != nil {
			return report.Plot{}, err
		}
		c := report.Curve{X: ts, Y: sol.Y[0], Color: report.Color(0)}
		if i == 0 {
			c.Name = seedsName("network", f)
		}
		pl.Curves = append(pl.Curves, c)
	}
	pl.Curves = append(pl.Curves, report.Curve{Name: exactName(p), X: ts, Y: ref.Y[0], Dashed: true, Color: report.Color(1)})
	if f.Scheme != nil {
		pl.Marks = append(pl.Marks, report.Curve{Name: string(f.Scheme.Scheme), X: f.Points, Y: f.Scheme.Y})
	}
	return pl, nil
}

// exactName names the problem's reference: "exact exp(-t)".
func exactName(p *problems.Problem) string {
	if !p.HasExact() {
		return "reference"
	}
	return "exact " + p.Exact[0]
}

// lossesPlot draws every seed's loss history on a log scale.
func lossesPlot(f *Finding) report.Plot {
	var curves []report.Curve
	for i, r := range f.Seeds {
		c := report.LossCurve("", r.Loss)
		c.Color = report.Color(0)
		if i == 0 {
			c.Name = seedsName("loss", f)
		}
		curves = append(curves, c)
	}
	return report.LossPlot(f.Experiment.Name+": training loss", curves)
}
