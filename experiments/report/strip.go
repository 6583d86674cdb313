package report

import (
	"fmt"
	"math"

	"gonum.org/v1/plot"
	"gonum.org/v1/plot/plotter"
	"gonum.org/v1/plot/vg"
	"gonum.org/v1/plot/vg/draw"
)

// StripPlot draws a value of many runs per category: a ring per run on the
// category's row, and a bar at their median. The first category is the top
// row.
type StripPlot struct {
	Title, ValueLabel string
	Categories        []string
	// Values holds each category's values, one per run, and Medians their
	// medians (NaN draws no bar).
	Values  [][]float64
	Medians []float64
	// LogScale puts the values on a log scale; non-positive values are left
	// out.
	LogScale bool
}

// WritePNG draws the plot into a PNG at path, 7 inches wide, its height
// growing with the number of categories.
func (sp StripPlot) WritePNG(path string) error {
	p := plot.New()
	p.Title.Text = sp.Title + " (bar: median)"
	p.X.Label.Text = sp.ValueLabel
	p.Add(plotter.NewGrid())
	n := len(sp.Categories)
	drawn := false
	for i, values := range sp.Values {
		row := float64(n - 1 - i)
		var xys plotter.XYs
		for _, v := range values {
			if math.IsNaN(v) || math.IsInf(v, 0) || (sp.LogScale && v <= 0) {
				continue
			}
			xys = append(xys, plotter.XY{X: v, Y: row})
		}
		if len(xys) == 0 {
			continue
		}
		drawn = true
		s, err := plotter.NewScatter(xys)
		if err != nil {
			return fmt.Errorf("report: plot %q: %s: %w", sp.Title, sp.Categories[i], err)
		}
		s.Shape, s.Radius, s.Color = draw.RingGlyph{}, vg.Points(3), Color(0)
		p.Add(s)
		if med := sp.Medians[i]; !math.IsNaN(med) && !(sp.LogScale && med <= 0) {
			bar, err := plotter.NewLine(plotter.XYs{{X: med, Y: row - 0.3}, {X: med, Y: row + 0.3}})
			if err != nil {
				return fmt.Errorf("report: plot %q: %s: %w", sp.Title, sp.Categories[i], err)
			}
			bar.Color, bar.Width = Color(1), vg.Points(2)
			p.Add(bar)
		}
	}
	if sp.LogScale && drawn {
		// A margin of a fifth of a decade keeps the rings off the edges.
		p.X.Scale, p.X.Tick.Marker = plot.LogScale{}, logTicks{}
		p.X.Min, p.X.Max = p.X.Min/1.6, p.X.Max*1.6
	}
	names := make([]string, n)
	for i, c := range sp.Categories {
		names[n-1-i] = c
	}
	if n > 0 {
		p.NominalY(names...)
	}
	p.Y.Min, p.Y.Max = -0.5, float64(n)-0.5
	return writePNG(p, path, 7*vg.Inch, vg.Length(1.5+0.3*float64(n))*vg.Inch)
}
