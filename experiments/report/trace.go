package report

import (
	"cmp"
	"fmt"
	"io"
	"strconv"
	"strings"

	"pinn/graph"

	"gonum.org/v1/plot"
	"gonum.org/v1/plot/vg"
	"gonum.org/v1/plot/vg/draw"
	"gonum.org/v1/plot/vg/vgimg"
)

// TraceFiles are the files WriteFiles adds for a traced run.
var TraceFiles = []string{"trace.csv", "trace.png"}

// Trace is the trace of a training run (graph.TraceStep, every so many
// steps): TraceWriter prints it as it comes, Fit.WriteJSON includes it, and
// WriteFiles writes it as trace.csv and draws it as trace.png. Its columns
// follow the run's options: window, its start and network for March, the
// optimiser for Whole, L-BFGS's step and evaluations when L-BFGS runs.
type Trace struct {
	Steps []graph.TraceStep
	// Options are the run's, with their defaults (graph.Options.WithDefaults).
	Options graph.Options
}

// Every says how often the run was traced: "every 10 epochs", "every
// L-BFGS iteration" (a marching run's, across its windows).
func (t Trace) Every() string {
	step := "epoch"
	if t.Options.Method == graph.March {
		step = "L-BFGS iteration"
	}
	if n := t.Options.TraceEvery; n != 1 {
		return fmt.Sprintf("every %d %ss", n, step)
	}
	return "every " + step
}

// traceColumn is a column of a trace: its header and its cell in a step,
// as a reader reads it (short) or as a CSV stores it (every digit).
type traceColumn struct {
	name string
	cell func(s graph.TraceStep, csv bool) string
}

// number writes v for a reader (4 digits, an exact 0 as 0) or a CSV.
func number(v float64, csv bool) string {
	switch {
	case csv:
		return strconv.FormatFloat(v, 'g', -1, 64)
	case v == 0:
		return "0"
	}
	return fmt.Sprintf("%.3e", v)
}

// columns returns the trace's columns; first, a step of the run, gives the
// names of the loss's terms, the layers and the unknown parameters.
func (t Trace) columns(first graph.TraceStep) []traceColumn {
	march := t.Options.Method == graph.March
	count := func(name string, n func(s graph.TraceStep) int) traceColumn {
		return traceColumn{name, func(s graph.TraceStep, _ bool) string { return strconv.Itoa(n(s)) }}
	}
	float := func(name string, v func(s graph.TraceStep) float64) traceColumn {
		return traceColumn{name, func(s graph.TraceStep, csv bool) string { return number(v(s), csv) }}
	}
	step := "epoch"
	if march {
		step = "iteration"
	}
	cols := []traceColumn{count(step, func(s graph.TraceStep) int { return s.Epoch })}
	if march {
		cols = append(cols, count("window", func(s graph.TraceStep) int { return s.Window }),
			traceColumn{"t0", func(s graph.TraceStep, csv bool) string {
				if csv {
					return number(s.Start, true)
				}
				return strconv.FormatFloat(s.Start, 'g', 4, 64)
			}},
			count("network", func(s graph.TraceStep) int { return s.Network }))
	} else {
		cols = append(cols, traceColumn{"optimizer", func(s graph.TraceStep, _ bool) string { return cmp.Or(string(s.Optimizer), "-") }})
	}
	cols = append(cols, float("loss", func(s graph.TraceStep) float64 { return s.Loss }))
	for k, term := range first.Terms {
		cols = append(cols, float(term.Name, func(s graph.TraceStep) float64 { return s.Terms[k].Value }))
	}
	for l := range first.Gradients {
		cols = append(cols, float(gradientName(l, len(first.Gradients)), func(s graph.TraceStep) float64 { return s.Gradients[l] }))
	}
	for k, p := range first.Unknown {
		cols = append(cols, float("grad_"+p.Name, func(s graph.TraceStep) float64 { return s.Unknown[k].Value }))
	}
	cols = append(cols, count("dead_units", func(s graph.TraceStep) int { return s.DeadUnits }),
		count("hidden_units", func(s graph.TraceStep) int { return s.HiddenUnits }))
	if first.Outputs > 0 {
		cols = append(cols, count("dead_outputs", func(s graph.TraceStep) int { return s.DeadOutputs }),
			count("outputs", func(s graph.TraceStep) int { return s.Outputs }))
	}
	if march || t.Options.LBFGSIterations > 0 {
		lbfgs := func(name string, v func(it graph.LBFGSIteration) string) traceColumn {
			return traceColumn{name, func(s graph.TraceStep, csv bool) string {
				switch {
				case s.Optimizer == graph.LBFGS:
					return v(s.LBFGS)
				case csv:
					return ""
				}
				return "-"
			}}
		}
		cols = append(cols,
			lbfgs("lbfgs_step", func(it graph.LBFGSIteration) string { return strconv.FormatFloat(it.Step, 'g', 3, 64) }),
			lbfgs("lbfgs_evals", func(it graph.LBFGSIteration) string { return strconv.Itoa(it.Evaluations) }))
	}
	return cols
}

// gradientName names the gradient norm of layer l (from 0) of n: the
// hidden layers' by number, the last the output layer's.
func gradientName(l, n int) string {
	if l == n-1 {
		return "grad_output"
	}
	return fmt.Sprintf("grad_layer%d", l+1)
}

// TraceWriter prints a trace as its steps come, one line each under a
// caption and a header that the first step writes: the columns of Trace,
// the counts of dead units and outputs as fractions ("3/32"),
// right-aligned.
type TraceWriter struct {
	w      io.Writer
	trace  Trace
	cols   []traceColumn
	widths []int
}

// NewTraceWriter returns a writer of the trace of a run of opts (with
// their defaults) to w.
func NewTraceWriter(w io.Writer, opts graph.Options) *TraceWriter {
	return &TraceWriter{w: w, trace: Trace{Options: opts}}
}

// Write prints the step s, after the header if it is the first.
func (tw *TraceWriter) Write(s graph.TraceStep) {
	if tw.cols == nil {
		fmt.Fprintf(tw.w, "trace        %s: the loss and its terms, the gradient's norm per layer, the units whose\n"+
			"             activation derivative is 0 at every collocation point (dead)\n", tw.trace.Every())
		tw.cols = printed(tw.trace.columns(s))
		tw.widths = make([]int, len(tw.cols))
		header := make([]string, len(tw.cols))
		for i, c := range tw.cols {
			tw.widths[i] = max(len(c.name), 9)
			header[i] = c.name
		}
		tw.line(header)
	}
	cells := make([]string, len(tw.cols))
	for i, c := range tw.cols {
		cells[i] = c.cell(s, false)
	}
	tw.line(cells)
}

// Finish ends the trace with an empty line, if it printed any step.
func (tw *TraceWriter) Finish() {
	if tw.cols != nil {
		io.WriteString(tw.w, "\n")
	}
}

func (tw *TraceWriter) line(cells []string) {
	for i, c := range cells {
		if i > 0 {
			io.WriteString(tw.w, "  ")
		}
		fmt.Fprintf(tw.w, "%*s", tw.widths[i], c)
	}
	io.WriteString(tw.w, "\n")
}

// printed merges the CSV's count columns of dead units and outputs into
// one fraction each, as a reader reads them.
func printed(cols []traceColumn) []traceColumn {
	var out []traceColumn
	for i := 0; i < len(cols); i++ {
		c := cols[i]
		if name, ok := map[string]string{"dead_units": "dead", "dead_outputs": "dead_out"}[c.name]; ok {
			dead, of := c, cols[i+1]
			c = traceColumn{name, func(s graph.TraceStep, _ bool) string {
				return dead.cell(s, false) + "/" + of.cell(s, false)
			}}
			i++
		}
		out = append(out, c)
	}
	return out
}

// WriteCSV writes the trace as a table: a row per step, every digit.
func (t Trace) WriteCSV(path string) error {
	var header []string
	var rows [][]string
	if len(t.Steps) > 0 {
		cols := t.columns(t.Steps[0])
		for _, c := range cols {
			header = append(header, c.name)
		}
		for _, s := range t.Steps {
			row := make([]string, len(cols))
			for i, c := range cols {
				row[i] = c.cell(s, true)
			}
			rows = append(rows, row)
		}
	}
	return WriteRecords(path, header, rows)
}

// Panels returns the plots trace.png stacks, over the steps traced: the
// loss and its terms, the gradient norm per layer (an exact 0 on a line
// of its own, see Plot.ZeroLine), and the fraction of dead hidden units
// (and outputs).
func (t Trace) Panels(title string) []Plot {
	step := "epoch"
	if t.Options.Method == graph.March {
		step = "L-BFGS iteration (every window's networks in turn)"
	}
	x := make([]float64, len(t.Steps))
	for i, s := range t.Steps {
		x[i] = float64(s.Epoch)
	}
	series := func(v func(s graph.TraceStep) float64) []float64 {
		y := make([]float64, len(t.Steps))
		for i, s := range t.Steps {
			y[i] = v(s)
		}
		return y
	}
	terms := Plot{Title: title, XLabel: step, YLabel: "loss and its terms", LogY: true, ZeroLine: true}
	grads := Plot{XLabel: step, YLabel: "gradient norm", LogY: true, ZeroLine: true}
	dead := Plot{XLabel: step, YLabel: "dead fraction", YRange: [2]float64{0, 1}}
	if len(t.Steps) > 0 {
		first := t.Steps[0]
		terms.Curves = append(terms.Curves, Curve{Name: "loss", X: x, Y: series(func(s graph.TraceStep) float64 { return s.Loss }), Dashed: true})
		for k, term := range first.Terms {
			terms.Curves = append(terms.Curves, Curve{Name: term.Name, X: x, Y: series(func(s graph.TraceStep) float64 { return s.Terms[k].Value })})
		}
		for l := range first.Gradients {
			name := strings.TrimPrefix(gradientName(l, len(first.Gradients)), "grad_")
			grads.Curves = append(grads.Curves, Curve{Name: name, X: x, Y: series(func(s graph.TraceStep) float64 { return s.Gradients[l] })})
		}
		for k, p := range first.Unknown {
			grads.Curves = append(grads.Curves, Curve{Name: p.Name, X: x, Y: series(func(s graph.TraceStep) float64 { return s.Unknown[k].Value })})
		}
		dead.Curves = append(dead.Curves, Curve{Name: "hidden units", X: x, Y: series(graph.TraceStep.DeadFraction)})
		if first.Outputs > 0 {
			dead.Curves = append(dead.Curves, Curve{Name: "outputs", X: x, Y: series(func(s graph.TraceStep) float64 {
				return float64(s.DeadOutputs) / float64(s.Outputs)
			}), Dashed: true})
		}
	}
	return []Plot{terms, grads, dead}
}

// WritePNG draws the trace's panels (see Panels) one above the other into
// a PNG at path.
func (t Trace) WritePNG(path, title string) error {
	return WritePanels(path, t.Panels(title))
}

// WritePanels draws plots one above the other, 6 inches wide and 2.6 tall
// each, their data areas aligned, into a PNG at path.
func WritePanels(path string, panels []Plot) error {
	rows := make([][]*plot.Plot, len(panels))
	for i, pl := range panels {
		p, err := pl.plot()
		if err != nil {
			return err
		}
		rows[i] = []*plot.Plot{p}
	}
	w, h := 6*vg.Inch, vg.Length(2.6*float64(len(panels)))*vg.Inch
	img := vgimg.New(w, h)
	dc := draw.New(img)
	tiles := draw.Tiles{Rows: len(panels), Cols: 1, PadTop: vg.Points(4), PadBottom: vg.Points(4), PadY: vg.Points(8)}
	for i, cs := range plot.Align(rows, tiles, dc) {
		rows[i][0].Draw(cs[0])
	}
	return WriteFile(path, func(f io.Writer) error {
		_, err := vgimg.PngCanvas{Canvas: img}.WriteTo(f)
		return err
	})
}

// TraceRow is a step of a trace as JSON (Fit.Trace).
type TraceRow struct {
	Epoch     int     `json:"epoch"`
	Window    int     `json:"window,omitempty"`
	Start     *Number `json:"t0,omitempty"`
	Network   int     `json:"network,omitempty"`
	Optimizer string  `json:"optimizer,omitempty"`
	Loss      Number  `json:"loss"`
	// Terms and Unknown are by name; Gradients by layer, the output
	// layer's last.
	Terms            map[string]Number `json:"terms"`
	Gradients        []Number          `json:"gradient_norms"`
	Unknown          map[string]Number `json:"unknown_gradients,omitempty"`
	DeadUnits        int               `json:"dead_units"`
	HiddenUnits      int               `json:"hidden_units"`
	DeadOutputs      int               `json:"dead_outputs"`
	Outputs          int               `json:"outputs"`
	LBFGSStep        *Number           `json:"lbfgs_step,omitempty"`
	LBFGSEvaluations int               `json:"lbfgs_evaluations,omitempty"`
}

// Rows returns the trace's steps as JSON rows.
func (t Trace) Rows() []TraceRow {
	rows := make([]TraceRow, len(t.Steps))
	for i, s := range t.Steps {
		r := TraceRow{Epoch: s.Epoch, Window: s.Window, Network: s.Network, Optimizer: string(s.Optimizer), Loss: Number(s.Loss),
			Terms: map[string]Number{}, DeadUnits: s.DeadUnits, HiddenUnits: s.HiddenUnits, DeadOutputs: s.DeadOutputs, Outputs: s.Outputs}
		if s.Window > 0 {
			t0 := Number(s.Start)
			r.Start = &t0
		}
		for _, term := range s.Terms {
			r.Terms[term.Name] = Number(term.Value)
		}
		for _, g := range s.Gradients {
			r.Gradients = append(r.Gradients, Number(g))
		}
		for _, p := range s.Unknown {
			if r.Unknown == nil {
				r.Unknown = map[string]Number{}
			}
			r.Unknown[p.Name] = Number(p.Value)
		}
		if s.Optimizer == graph.LBFGS {
			step := Number(s.LBFGS.Step)
			r.LBFGSStep, r.LBFGSEvaluations = &step, s.LBFGS.Evaluations
		}
		rows[i] = r
	}
	return rows
}
