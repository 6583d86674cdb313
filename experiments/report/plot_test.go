package report

import (
	"image/png"
	"os"
	"path/filepath"
	"testing"
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
