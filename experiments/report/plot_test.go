package report

import (
	"image/png"
	"math"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"gonum.org/v1/plot/plotter"
)

// TestLogAxisOfOneValue draws a loss stuck at 1 from the start on a log
// axis: gonum would widen the axis to [0, 2], which a log scale cannot show.
func TestLogAxisOfOneValue(t *testing.T) {
	path := filepath.Join(t.TempDir(), "stuck.png")
	pl := Plot{Title: "stuck", LogY: true, Curves: []Curve{{Name: "loss", X: []float64{0, 1, 2}, Y: []float64{1, 1, 1}}}}
	if err := pl.WritePNG(path); err != nil {
		t.Fatal(err)
	}
	f, err := os.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	if _, err := png.Decode(f); err != nil {
		t.Fatal(err)
	}
}

// TestLogTicksLabelShortRanges checks that an axis spanning less than two
// decades gets labels inside its range, not only at powers of ten.
func TestLogTicksLabelShortRanges(t *testing.T) {
	tests := []struct {
		min, max float64
		labels   int // at least this many labelled ticks inside [min, max]
	}{
		{2, 3.8, 2},       // under a decade: evenly spaced values
		{1.1, 50, 3},      // under two decades: 2, 3, ..., 9, 10, 20, ...
		{1e-12, 1e-1, 11}, // the step study: every power of ten
	}
	for _, tt := range tests {
		n := 0
		for _, tk := range (logTicks{}).Ticks(tt.min, tt.max) {
			if tk.Label != "" && tk.Value >= tt.min && tk.Value <= tt.max {
				n++
			}
		}
		if n < tt.labels {
			t.Errorf("[%g, %g]: %d labelled ticks, want at least %d", tt.min, tt.max, n, tt.labels)
		}
	}
}

// TestNothingToDraw draws a loss that was never finite on a log axis, and
// marks with no finite point: gonum would panic on the empty log axis; the
// plot is drawn, empty, and its title says why.
func TestNothingToDraw(t *testing.T) {
	path := filepath.Join(t.TempDir(), "loss.png")
	pl := LossPlot("never finite", []Curve{LossCurve("loss", []float64{math.Inf(1)})})
	pl.Marks = []Curve{{Name: "best", X: []float64{math.NaN()}, Y: []float64{1}}}
	if err := pl.WritePNG(path); err != nil {
		t.Fatal(err)
	}
	if st, err := os.Stat(path); err != nil || st.Size() == 0 {
		t.Errorf("%s: %v", path, err)
	}
}

// TestLegendCorner places the legend of two entries off the curves: a decay
// leaves the top right free; curves that fill the top right (Lotka-Volterra's
// peaks at the end of the domain, say) push it to the top left; curves in
// every corner but the bottom left put it there.
func TestLegendCorner(t *testing.T) {
	ts := make([]float64, 101)
	for k := range ts {
		ts[k] = float64(k) / 100
	}
	curve := func(f func(t float64) float64) Curve {
		c := Curve{Name: "y network", X: ts, Y: make([]float64, len(ts))}
		for k, t := range ts {
			c.Y[k] = f(t)
		}
		return c
	}
	decay := curve(func(t float64) float64 { return math.Exp(-3 * t) })
	rising := curve(func(t float64) float64 { return t * t })
	valley := curve(func(t float64) float64 { return (2*t - 1) * (2*t - 1) })
	low := curve(func(t float64) float64 { return 0 * t })
	for _, tt := range []struct {
		name         string
		curves       []Curve
		bottom, left bool
	}{
		{"decay", []Curve{decay, decay}, false, false},
		{"rising", []Curve{rising, rising}, false, true},
		{"valley and a low line from the right", []Curve{valley, {Name: "right", X: ts[50:], Y: low.Y[50:]}}, true, true},
	} {
		all := plotter.XYs{}
		for _, c := range tt.curves {
			all = append(all, Plot{}.points(c)...)
		}
		if bottom, left := (Plot{}).legendCorner(all, len(tt.curves), len("y network")); bottom != tt.bottom || left != tt.left {
			t.Errorf("%s: legend at bottom %v, left %v; want %v, %v", tt.name, bottom, left, tt.bottom, tt.left)
		}
	}
}

// TestThinKeepsTheEnvelope thins a curve of 100 001 points with one spike:
// at most 4000 points remain, in order, with both ends, the spike and the
// lowest point.
func TestThinKeepsTheEnvelope(t *testing.T) {
	xys := make(plotter.XYs, 100001)
	for i := range xys {
		xys[i] = plotter.XY{X: float64(i), Y: math.Exp(-float64(i) / 1e4)}
	}
	xys[31415].Y = 5
	th := thin(xys)
	if len(th) > 4000 || th[0] != xys[0] || th[len(th)-1] != xys[len(xys)-1] {
		t.Fatalf("%d points, from %v to %v", len(th), th[0], th[len(th)-1])
	}
	spike := false
	for i, p := range th {
		if i > 0 && p.X <= th[i-1].X {
			t.Fatalf("out of order at %d: %v after %v", i, p, th[i-1])
		}
		spike = spike || p == xys[31415]
	}
	if !spike {
		t.Error("the spike was thinned away")
	}
	if short := xys[:4000]; len(thin(short)) != 4000 {
		t.Error("a curve of 4000 points was thinned")
	}
}

// TestZeroLine draws exact zeros on a log axis (a gradient that
// vanished): on a line labelled 0 a decade below the smallest positive
// value, the powers of ten labelled above it; with every value 0, the line
// alone; with no zero, no line; over 17 decades, 6 labels; under a decade
// the values 1, 2 and 5 times a power of ten.
func TestZeroLine(t *testing.T) {
	labels := func(ys ...float64) (string, float64) {
		t.Helper()
		pl := Plot{LogY: true, ZeroLine: true, Curves: []Curve{{X: []float64{0, 1, 2}, Y: ys}}}
		p, err := pl.plot()
		if err != nil {
			t.Fatal(err)
		}
		var ls []string
		for _, tk := range p.Y.Tick.Marker.Ticks(p.Y.Min, p.Y.Max) {
			if tk.Label != "" && tk.Value >= p.Y.Min && tk.Value <= p.Y.Max {
				ls = append(ls, tk.Label)
			}
		}
		return strings.Join(ls, " "), p.Y.Min
	}
	tests := []struct {
		ys     []float64
		labels string
		min    float64
	}{
		{[]float64{2, 3e-3, 0}, "0 0.001 0.01 0.1 1", 1e-4},
		{[]float64{0, 0, 0}, "0", 0.5},
		{[]float64{2, 3e-3, 1}, "0.01 0.1 1", 3e-3},
		{[]float64{2, 3e-16, 1}, "1e-15 1e-12 1e-09 1e-06 0.001 1", 3e-16},
		{[]float64{3.84, 2, 1}, "1 2", 1},
		{[]float64{3.8, 2.5, 2.1}, "2.25 3.00 3.75", 2.1}, // one nice value: logTicks'
	}
	for _, tt := range tests {
		if got, min := labels(tt.ys...); got != tt.labels || min != tt.min {
			t.Errorf("%v: labels %q from %g, want %q from %g", tt.ys, got, min, tt.labels, tt.min)
		}
	}
}
