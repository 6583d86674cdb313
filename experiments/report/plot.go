package report

import (
	"fmt"
	"image/color"
	"io"
	"math"
	"strconv"

	"gonum.org/v1/plot"
	"gonum.org/v1/plot/plotter"
	"gonum.org/v1/plot/vg"
	"gonum.org/v1/plot/vg/draw"
)

// Curve is one named line of a plot.
type Curve struct {
	Name string
	X, Y []float64
	// Dashed draws the line dashed (exact solutions, references).
	Dashed bool
	// Color, if not nil, replaces the palette's colour, so that many curves
	// (one per seed) can share one colour and one legend entry.
	Color color.Color
}

// Plot describes a line plot.
type Plot struct {
	Title, XLabel, YLabel string
	// LogX and LogY put that axis on a log scale; non-positive values are
	// left out of log-scaled curves.
	LogX, LogY bool
	Curves     []Curve
	// Marks are points drawn as circles (a best step, say).
	Marks []Curve
	// LegendBottom and LegendLeft move the legend from the top right
	// corner, off curves that pass there.
	LegendBottom, LegendLeft bool
}

// palette is the colour of each curve in turn.
var palette = []color.Color{
	color.RGBA{R: 0x1f, G: 0x77, B: 0xb4, A: 0xff},
	color.RGBA{R: 0xd6, G: 0x27, B: 0x28, A: 0xff},
	color.RGBA{R: 0x2c, G: 0xa0, B: 0x2c, A: 0xff},
	color.RGBA{R: 0xff, G: 0x7f, B: 0x0e, A: 0xff},
	color.RGBA{R: 0x94, G: 0x67, B: 0xbd, A: 0xff},
	color.RGBA{R: 0x8c, G: 0x56, B: 0x4b, A: 0xff},
	color.RGBA{R: 0xe3, G: 0x77, B: 0xc2, A: 0xff},
	color.RGBA{R: 0x7f, G: 0x7f, B: 0x7f, A: 0xff},
}

// Color returns the colour the palette gives the i-th curve.
func Color(i int) color.Color { return palette[i%len(palette)] }

// WritePNG draws the plot into a 6 x 4 inch PNG at path.
func (pl Plot) WritePNG(path string) error {
	p := plot.New()
	p.Title.Text = pl.Title
	p.X.Label.Text, p.Y.Label.Text = pl.XLabel, pl.YLabel
	if pl.LogX {
		p.X.Scale, p.X.Tick.Marker = plot.LogScale{}, logTicks{}
	}
	if pl.LogY {
		p.Y.Scale, p.Y.Tick.Marker = plot.LogScale{}, logTicks{}
	}
	p.Add(plotter.NewGrid())
	p.Legend.Top, p.Legend.Left = !pl.LegendBottom, pl.LegendLeft
	for i, c := range pl.Curves {
		xys := pl.points(c)
		if len(xys) == 0 {
			continue
		}
		l, err := plotter.NewLine(xys)
		if err != nil {
			return fmt.Errorf("report: plot %q: %s: %w", pl.Title, c.Name, err)
		}
		l.Color = palette[i%len(palette)]
		if c.Color != nil {
			l.Color = c.Color
		}
		l.Width = vg.Points(1.5)
		if c.Dashed {
			l.Dashes = []vg.Length{vg.Points(5), vg.Points(3)}
		}
		p.Add(l)
		if c.Name != "" {
			p.Legend.Add(c.Name, l)
		}
	}
	for _, c := range pl.Marks {
		s, err := plotter.NewScatter(pl.points(c))
		if err != nil {
			return fmt.Errorf("report: plot %q: %s: %w", pl.Title, c.Name, err)
		}
		s.Shape = draw.CircleGlyph{}
		s.Radius = vg.Points(4)
		s.Color = color.Black
		if c.Color != nil {
			s.Color = c.Color
		}
		p.Add(s)
		if c.Name != "" {
			p.Legend.Add(c.Name, s)
		}
	}
	if pl.LogX {
		widenLog(&p.X)
	}
	if pl.LogY {
		widenLog(&p.Y)
	}
	return writePNG(p, path, 6*vg.Inch, 4*vg.Inch)
}

// widenLog widens a log axis over a single value (a loss stuck at 1 from the
// start), which plot would widen to [v-1, v+1], which can reach 0, by a
// factor instead.
func widenLog(a *plot.Axis) {
	if a.Min == a.Max && a.Min > 0 {
		a.Min, a.Max = a.Min/2, a.Max*2
	}
}

// writePNG draws p into a w x h PNG at path, whole.
func writePNG(p *plot.Plot, path string, w, h vg.Length) error {
	wt, err := p.WriterTo(w, h, "png")
	if err != nil {
		return err
	}
	return WriteFile(path, func(f io.Writer) error {
		_, err := wt.WriteTo(f)
		return err
	})
}

// points returns the curve's finite points, and only positive ones on a log
// axis.
func (pl Plot) points(c Curve) plotter.XYs {
	var xys plotter.XYs
	for i := range c.X {
		x, y := c.X[i], c.Y[i]
		if math.IsNaN(x) || math.IsNaN(y) || math.IsInf(x, 0) || math.IsInf(y, 0) ||
			(pl.LogX && x <= 0) || (pl.LogY && y <= 0) {
			continue
		}
		xys = append(xys, plotter.XY{X: x, Y: y})
	}
	return xys
}

// logTicks labels the powers of ten, as plot.LogTicks does; within a range
// under two decades every tick inside it, and under one decade (a loss stuck
// at 2, say) evenly spaced values, where powers of ten alone would leave the
// axis bare.
type logTicks struct{}

// Ticks implements plot.Ticker.
func (logTicks) Ticks(min, max float64) []plot.Tick {
	if max/min < 10 {
		return plot.DefaultTicks{}.Ticks(min, max)
	}
	ticks := plot.LogTicks{Prec: 1}.Ticks(min, max)
	if max/min >= 100 {
		return ticks
	}
	for i, t := range ticks {
		if t.Value >= min && t.Value <= max {
			ticks[i].Label = strconv.FormatFloat(t.Value, 'g', 3, 64)
		}
	}
	return ticks
}
