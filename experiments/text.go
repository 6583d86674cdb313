package experiments

import (
	"fmt"
	"io"
	"strings"
	"text/tabwriter"

	"pinn/experiments/report"
)

// textWidth is where explanations wrap.
const textWidth = 100

// WriteText writes findings for a terminal: a summary of what the thread
// says against what was measured, then one section per finding with its
// settings, a table of seeds and the explanation.
func WriteText(w io.Writer, fs []*Finding) error {
	fmt.Fprintf(w, "What the thread says against what was measured over %s:\n", seedsPhrase(fs))
	for _, f := range fs {
		fmt.Fprintf(w, "\n%s\n  thread says  %s\n  measured     %s\n", f.Experiment.Name, f.Experiment.Claim, f.Verdict)
	}
	for _, f := range fs {
		if err := writeFindingText(w, f); err != nil {
			return err
		}
	}
	return nil
}

// WriteTraces writes, for a terminal, the trace of each finding that has
// one (its seed 1, see Measure.Trace), as pinn train --trace prints one.
func WriteTraces(w io.Writer, fs []*Finding) {
	for _, f := range fs {
		tr := f.trace()
		if tr == nil {
			continue
		}
		fmt.Fprintf(w, "\n== %s: seed %d traced\n", f.Experiment.Name, tr.seed)
		tw := report.NewTraceWriter(w, tr.Options)
		for _, s := range tr.Steps {
			tw.Write(s)
		}
	}
}

// seedsPhrase says how many seeds the findings ran: "10 seeds" when all
// ran the same number.
func seedsPhrase(fs []*Finding) string {
	n := len(fs[0].Seeds)
	for _, f := range fs {
		if len(f.Seeds) != n {
			return "their seeds"
		}
	}
	if n == 1 {
		return "1 seed"
	}
	return fmt.Sprintf("%d seeds", n)
}

func writeFindingText(w io.Writer, f *Finding) error {
	e, p := &f.Experiment, f.Problem
	fmt.Fprintf(w, "\n== %s: %s\n", e.Name, e.Title)
	tw := tabwriter.NewWriter(w, 0, 4, 2, ' ', 0)
	if e.Quote != "" {
		fmt.Fprintf(tw, "thread says\t%q\n", e.Quote)
	}
	fmt.Fprintf(tw, "problem\t%s: %s, %s, %s in [%g, %g], %d points\n", p.Name, p.Equation(), p.InitialConditions(), p.Indep, p.T0, p.T1, len(f.Points))
	fmt.Fprintf(tw, "network\t%s\n", e.Network(len(p.Vars)))
	fmt.Fprintf(tw, "derivative\t%s\n", e.DerivativeName(p.Indep))
	fmt.Fprintf(tw, "loss\t%s\n", e.Loss(p.Indep))
	fmt.Fprintf(tw, "training\tAdam lr %g, %d epochs, seeds %s\n", e.LearningRate(), e.Epochs(), seedList(f))
	if err := tw.Flush(); err != nil {
		return err
	}
	fmt.Fprintln(w)
	if err := writeSeedTable(w, f); err != nil {
		return err
	}
	fmt.Fprintf(w, "\nmeasured: %s\n", f.Verdict)
	fmt.Fprintln(w, wrap("why: "+f.Explanation, textWidth))
	if e.Table {
		return writeSolutionTable(w, f)
	}
	return nil
}

// writeSeedTable writes one row per seed and min, median and max rows, with
// the experiment's columns.
func writeSeedTable(w io.Writer, f *Finding) error {
	tw := tabwriter.NewWriter(w, 0, 4, 2, ' ', tabwriter.AlignRight)
	cols := f.columns()
	fmt.Fprint(tw, "seed\t")
	for _, k := range cols {
		fmt.Fprintf(tw, "%s\t", label(k))
	}
	fmt.Fprintln(tw)
	for i := range f.Seeds {
		r := &f.Seeds[i]
		fmt.Fprintf(tw, "%d\t", r.Seed)
		for _, k := range cols {
			fmt.Fprintf(tw, "%s\t", num(r.Value(k)))
		}
		if r.Diverged != "" {
			fmt.Fprintf(tw, "diverged\t")
		}
		fmt.Fprintln(tw)
	}
	for _, row := range []struct {
		name string
		get  func(Stat) float64
	}{{"min", func(s Stat) float64 { return s.Min }}, {"median", func(s Stat) float64 { return s.Median }}, {"max", func(s Stat) float64 { return s.Max }}} {
		fmt.Fprintf(tw, "%s\t", row.name)
		for _, k := range cols {
			fmt.Fprintf(tw, "%s\t", num(row.get(f.Stat(k))))
		}
		fmt.Fprintln(tw)
	}
	return tw.Flush()
}

// columns returns the metric keys the tables show.
func (f *Finding) columns() []string {
	if len(f.Experiment.Columns) > 0 {
		return f.Experiment.Columns
	}
	return []string{keyFinalLoss, keyRelL2, keyMaxAbsErr}
}

// writeSolutionTable prints the first seed's solution as the thread's final
// code does: t, exact, predicted.
func writeSolutionTable(w io.Writer, f *Finding) error {
	t := f.table()
	fmt.Fprintf(w, "\nseed %d at the collocation points (the thread's final table):\n", t.Seed)
	tw := tabwriter.NewWriter(w, 0, 4, 2, ' ', tabwriter.AlignRight)
	fmt.Fprintf(tw, "%s\texact\tpredicted\t\n", f.Problem.Indep)
	for k := range t.T {
		fmt.Fprintf(tw, "%.4g\t%.6g\t%.6g\t\n", t.T[k], float64(t.Exact[k]), float64(t.Predicted[k]))
	}
	return tw.Flush()
}

// seedList writes the seeds compactly: "1-10" for a run of consecutive seeds.
func seedList(f *Finding) string {
	s := f.Seeds
	consecutive := true
	for i := 1; i < len(s); i++ {
		consecutive = consecutive && s[i].Seed == s[i-1].Seed+1
	}
	if consecutive && len(s) > 1 {
		return fmt.Sprintf("%d-%d", s[0].Seed, s[len(s)-1].Seed)
	}
	parts := make([]string, len(s))
	for i := range s {
		parts[i] = fmt.Sprint(s[i].Seed)
	}
	return strings.Join(parts, ", ")
}

// wrap breaks text into lines of at most width characters, indenting the
// lines after the first to line up after its first word.
func wrap(text string, width int) string {
	words := strings.Fields(text)
	if len(words) == 0 {
		return ""
	}
	indent := strings.Repeat(" ", len(words[0])+1)
	var b strings.Builder
	line := words[0]
	for _, word := range words[1:] {
		if len(line)+1+len(word) > width {
			b.WriteString(line + "\n")
			line = indent + word
			continue
		}
		line += " " + word
	}
	b.WriteString(line)
	return b.String()
}
