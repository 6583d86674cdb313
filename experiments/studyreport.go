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
)

// StudyReport is what a study's directory holds: for each combination, the
// runs finished so far and their numbers over the seeds.
type StudyReport struct {
	Study *Study
	// Rows holds one row per combination, in the study's order.
	Rows []StudyRow
	// Runs is the number of runs of the study; Done how many have finished,
	// Failed how many of those diverged.
	Runs, Done, Failed int
}

// StudyRow is one combination's runs.
type StudyRow struct {
	Combination *Combination
	// Results are the finished runs, in seed order.
	Results []SeedResult
	// Failed counts the finished runs that diverged.
	Failed int
	// RelL2, FinalLoss and Seconds summarise the runs that did not fail:
	// the median and the largest (the worst) of each.
	RelL2, FinalLoss, Seconds Stat
}

// ReadStudyReport reads the study in dir and the results of its finished
// runs. Each row summarises the runs that did not diverge (a diverged run
// keeps its last good weights, whose numbers say little about the
// settings) and counts the others as failed.
func ReadStudyReport(dir string) (*StudyReport, error) {
	s, err := ReadStudyDir(dir)
	if err != nil {
		return nil, err
	}
	r := &StudyReport{Study: s, Rows: make([]StudyRow, len(s.Combinations))}
	for i := range r.Rows {
		r.Rows[i].Combination = &s.Combinations[i]
	}
	for _, run := range s.Runs() {
		r.Runs++
		res, ok, err := readRun(dir, run)
		if err != nil {
			return nil, err
		}
		if !ok {
			continue
		}
		row := &r.Rows[run.Combination]
		row.Results = append(row.Results, res)
		r.Done++
		if res.Diverged != "" {
			row.Failed++
			r.Failed++
		}
	}
	for i := range r.Rows {
		r.Rows[i].summarise()
	}
	return r, nil
}

func (row *StudyRow) summarise() {
	var rel, loss, secs []float64
	for _, res := range row.Results {
		if res.Diverged == "" {
			rel = append(rel, res.Value(keyRelL2))
			loss = append(loss, res.Value(keyFinalLoss))
			secs = append(secs, res.Seconds)
		}
	}
	row.RelL2, row.FinalLoss, row.Seconds = summarise(keyRelL2, rel), summarise(keyFinalLoss, loss), summarise("seconds", secs)
}

// Best returns the row with the smallest median rel_l2, or nil when no row
// has one.
func (r *StudyReport) Best() *StudyRow {
	var best *StudyRow
	for i := range r.Rows {
		row := &r.Rows[i]
		if !math.IsNaN(row.RelL2.Median) && (best == nil || row.RelL2.Median < best.RelL2.Median) {
			best = row
		}
	}
	return best
}

// WriteText writes the report for a terminal: the study, then a table of
// the combinations with the median and worst of rel_l2, the final loss
// and the training time over the seeds that did not fail.
func (r *StudyReport) WriteText(w io.Writer) error {
	s, p := r.Study, r.Study.Problem
	title := s.Name
	if s.Title != "" {
		title += ": " + s.Title
	}
	fmt.Fprintf(w, "study    %s\n", title)
	fmt.Fprintf(w, "problem  %s: %s, %s, %s in [%g, %g]\n", p.Name, p.Equation(), p.InitialConditions(), p.Indep, p.T0, p.T1)
	if fixed := s.Fixed.Canonical(); fixed != "" {
		fmt.Fprintf(w, "settings %s\n", strings.ReplaceAll(strings.TrimSpace(fixed), "\n", " "))
	}
	combos := "1 combination"
	if n := len(s.Combinations); n != 1 {
		combos = fmt.Sprintf("%d combinations", n)
	}
	fmt.Fprintf(w, "runs     %d of %d done (%s x %s), %d failed\n\n", r.Done, r.Runs, combos, seedsText(s.Seeds), r.Failed)
	tw := tabwriter.NewWriter(w, 0, 4, 2, ' ', tabwriter.AlignRight)
	keys := s.Keys()
	for _, k := range keys {
		fmt.Fprintf(tw, "%s\t", k)
	}
	fmt.Fprintln(tw, "done\tfailed\trel_l2 median\tworst\tloss median\tworst\tseconds median\tworst\t")
	best := r.Best()
	for i := range r.Rows {
		row := &r.Rows[i]
		for _, k := range keys {
			fmt.Fprintf(tw, "%s\t", row.Combination.Value(k))
		}
		mark := ""
		if row == best && len(r.Rows) > 1 {
			mark = " *"
		}
		fmt.Fprintf(tw, "%d/%d\t%d\t%s\t%s\t%s\t%s\t%s\t%s\t%s\n", len(row.Results), len(s.Seeds), row.Failed,
			num(row.RelL2.Median), num(row.RelL2.Max), num(row.FinalLoss.Median), num(row.FinalLoss.Max),
			num(row.Seconds.Median), num(row.Seconds.Max), mark)
	}
	if err := tw.Flush(); err != nil {
		return err
	}
	if best != nil && len(r.Rows) > 1 {
		_, err := fmt.Fprintf(w, "\n* the smallest median rel_l2: %s\n", best.Combination.Label())
		return err
	}
	return nil
}

// seedsText writes seeds compactly: "5 seeds (1-5)".
func seedsText(seeds []uint64) string {
	f := Finding{Seeds: make([]SeedResult, len(seeds))}
	for i, s := range seeds {
		f.Seeds[i].Seed = s
	}
	if len(seeds) == 1 {
		return "1 seed (" + seedList(&f) + ")"
	}
	return fmt.Sprintf("%d seeds (%s)", len(seeds), seedList(&f))
}

// MarshalJSON writes the report as one object: the study, then one object
// per combination with its settings, its runs done and failed, and the
// median and worst of rel_l2, final_loss and seconds.
func (r *StudyReport) MarshalJSON() ([]byte, error) {
	s := r.Study
	stat := func(st Stat) object {
		return object{{"median", report.Number(st.Median)}, {"worst", report.Number(st.Max)}}
	}
	var rows []object
	for i := range r.Rows {
		row := &r.Rows[i]
		settings := object{}
		for _, kv := range row.Combination.Varied {
			settings = append(settings, field{kv.Key, kv.Value})
		}
		rows = append(rows, object{{"settings", settings}, {"done", len(row.Results)}, {"failed", row.Failed},
			{keyRelL2, stat(row.RelL2)}, {keyFinalLoss, stat(row.FinalLoss)}, {"seconds", stat(row.Seconds)}})
	}
	fixed := object{}
	for _, st := range settingTable {
		if s.Fixed.Given(st.Key) {
			fixed = append(fixed, field{st.Key, st.Text(&s.Fixed)})
		}
	}
	return json.Marshal(object{
		{"study", s.Name}, {"title", s.Title}, {"problem", s.Problem.Name}, {"equation", s.Problem.Equation()},
		{"settings", fixed}, {"seeds", s.Seeds}, {"runs", r.Runs}, {"done", r.Done}, {"failed", r.Failed},
		{"combinations", rows},
	})
}

// StudyReportFiles names the files WriteFiles writes.
const StudyReportFiles = "{report.json,report.csv,runs.csv,rel_l2.png}"

// WriteFiles writes the report into dir (which must exist): report.json;
// report.csv, one row per combination (its settings, runs done and failed,
// median and worst of rel_l2, final loss and seconds); runs.csv, one row per
// finished run with every metric; and rel_l2.png, each run's rel_l2 per
// combination on a log scale, the median marked.
func (r *StudyReport) WriteFiles(dir string) error {
	if err := report.WriteJSON(filepath.Join(dir, "report.json"), r); err != nil {
		return err
	}
	keys := r.Study.Keys()
	header := append(append([]string(nil), keys...), "done", "failed",
		"rel_l2_median", "rel_l2_worst", "final_loss_median", "final_loss_worst", "seconds_median", "seconds_worst")
	var rows [][]string
	for i := range r.Rows {
		row := &r.Rows[i]
		var rec []string
		for _, k := range keys {
			rec = append(rec, row.Combination.Value(k))
		}
		rec = append(rec, fmt.Sprint(len(row.Results)), fmt.Sprint(row.Failed))
		for _, v := range []float64{row.RelL2.Median, row.RelL2.Max, row.FinalLoss.Median, row.FinalLoss.Max, row.Seconds.Median, row.Seconds.Max} {
			rec = append(rec, csvNumber(v))
		}
		rows = append(rows, rec)
	}
	if err := report.WriteRecords(filepath.Join(dir, "report.csv"), header, rows); err != nil {
		return err
	}
	if err := r.writeRuns(filepath.Join(dir, "runs.csv"), keys); err != nil {
		return err
	}
	return r.relL2Plot().WritePNG(filepath.Join(dir, "rel_l2.png"))
}

// writeRuns writes one row per finished run: its combination, seed,
// epochs, whether it diverged, seconds and every metric.
func (r *StudyReport) writeRuns(path string, keys []string) error {
	metricKeys := r.Study.Measure.keys()
	header := append(append(append([]string(nil), keys...), "seed", "epochs", "diverged", "seconds"), metricKeys...)
	var rows [][]string
	for i := range r.Rows {
		row := &r.Rows[i]
		for _, res := range row.Results {
			var rec []string
			for _, k := range keys {
				rec = append(rec, row.Combination.Value(k))
			}
			rec = append(rec, fmt.Sprint(res.Seed), fmt.Sprint(res.Epochs), fmt.Sprint(res.Diverged != ""), csvNumber(res.Seconds))
			for _, k := range metricKeys {
				rec = append(rec, csvNumber(res.Value(k)))
			}
			rows = append(rows, rec)
		}
	}
	return report.WriteRecords(path, header, rows)
}

// csvNumber writes a number in full, "" when there is none.
func csvNumber(v float64) string {
	if math.IsNaN(v) {
		return ""
	}
	return fmt.Sprint(v)
}

// relL2Plot is each combination's rel_l2 over its seeds, failed runs left
// out.
func (r *StudyReport) relL2Plot() report.StripPlot {
	pl := report.StripPlot{Title: r.Study.Name + ": rel_l2 over the seeds", ValueLabel: "rel_l2", LogScale: true}
	for i := range r.Rows {
		row := &r.Rows[i]
		var values []float64
		for _, res := range row.Results {
			if res.Diverged == "" {
				values = append(values, res.Value(keyRelL2))
			}
		}
		pl.Categories = append(pl.Categories, row.Combination.Label())
		pl.Values, pl.Medians = append(pl.Values, values), append(pl.Medians, row.RelL2.Median)
	}
	return pl
}
