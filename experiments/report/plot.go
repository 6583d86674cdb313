package report

import (
	"fmt"
	"image/color"
	"io"
	"math"
	"slices"
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
	// YRange, when its second value is the larger, is the Y axis's range
	// (0 to 1 for a fraction, say) whatever the values.
	YRange [2]float64
	// ZeroLine, with LogY, draws exact zeros (a gradient that vanished),
	// if there are any, on a line labelled 0 a decade below the smallest
	// positive value, where a log axis has no place for them; and labels
	// at most 6 powers of ten, so that a short plot spanning many decades
	// stays legible.
	ZeroLine bool
	// LegendBottom and LegendLeft put the legend in that corner. When
	// neither is set the legend goes where it covers the fewest points of
	// the curves: the top right corner unless they pass there (see
	// legendCorner).
	LegendBottom, LegendLeft bool

	// zeroAt is where ZeroLine draws zeros; 0 when it does not.
	zeroAt float64
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
	p, err := pl.plot()
	if err != nil {
		return err
	}
	return writePNG(p, path, 6*vg.Inch, 4*vg.Inch)
}

// plot builds the plot.
func (pl Plot) plot() (*plot.Plot, error) {
	p := plot.New()
	p.Title.Text = pl.Title
	p.X.Label.Text, p.Y.Label.Text = pl.XLabel, pl.YLabel
	if pl.LogX {
		p.X.Scale, p.X.Tick.Marker = plot.LogScale{}, logTicks{}
	}
	if pl.LogY {
		p.Y.Scale, p.Y.Tick.Marker = plot.LogScale{}, logTicks{}
		if pl.ZeroLine {
			at, zero, positive := pl.zeroLine()
			if zero {
				pl.zeroAt = at
			}
			p.Y.Tick.Marker = zeroTicks{at: pl.zeroAt, alone: !positive}
		}
	}
	p.Add(plotter.NewGrid())
	var all plotter.XYs // every point drawn, to place the legend
	entries, longest := 0, 0
	for _, c := range append(slices.Clone(pl.Curves), pl.Marks...) {
		all = append(all, pl.points(c)...)
		if c.Name != "" {
			entries, longest = entries+1, max(longest, len(c.Name))
		}
	}
	p.Legend.Top, p.Legend.Left = !pl.LegendBottom, pl.LegendLeft
	if !pl.LegendBottom && !pl.LegendLeft {
		bottom, left := pl.legendCorner(all, entries, longest)
		p.Legend.Top, p.Legend.Left = !bottom, left
	}
	if len(all) == 0 && len(pl.Curves)+len(pl.Marks) > 0 {
		p.Title.Text += " (nothing to draw: no finite value)"
	}
	for i, c := range pl.Curves {
		xys := thin(pl.points(c))
		if len(xys) == 0 {
			continue
		}
		l, err := plotter.NewLine(xys)
		if err != nil {
			return nil, fmt.Errorf("report: plot %q: %s: %w", pl.Title, c.Name, err)
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
		xys := pl.points(c)
		if len(xys) == 0 {
			continue
		}
		s, err := plotter.NewScatter(xys)
		if err != nil {
			return nil, fmt.Errorf("report: plot %q: %s: %w", pl.Title, c.Name, err)
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
	if r := pl.YRange; r[1] > r[0] {
		p.Y.Min, p.Y.Max = r[0], r[1]
	}
	return p, nil
}

// widenLog widens a log axis over a single value (a loss stuck at 1 from the
// start), which plot would widen to [v-1, v+1], which can reach 0, by a
// factor instead; and gives one with no value at all (a loss that was never
// finite) a range of its own, where plot's would be [0, 0], which no log
// scale shows.
func widenLog(a *plot.Axis) {
	switch {
	case !(a.Min > 0 && a.Min <= a.Max):
		a.Min, a.Max = 1, 10
	case a.Min == a.Max:
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

// thinBuckets is how many stretches of x a long curve is thinned to: more
// than the 6-inch plot's pixels across.
const thinBuckets = 1000

// thin returns a curve of many points (a loss history of a million epochs)
// as at most 4 per bucket of equal length along the points: the first, the
// lowest, the highest and the last, in order, which draws the same line at
// the plot's resolution in a fraction of the time (drawing every point of a
// million-epoch history took seconds, and a stopped run must write fast).
func thin(xys plotter.XYs) plotter.XYs {
	if len(xys) <= 4*thinBuckets {
		return xys
	}
	out := make(plotter.XYs, 0, 4*thinBuckets)
	for b := range thinBuckets {
		lo, hi := b*len(xys)/thinBuckets, (b+1)*len(xys)/thinBuckets
		keep := []int{lo, lo, lo, hi - 1}
		for i := lo; i < hi; i++ {
			if xys[i].Y < xys[keep[1]].Y {
				keep[1] = i
			}
			if xys[i].Y > xys[keep[2]].Y {
				keep[2] = i
			}
		}
		slices.Sort(keep)
		for k, i := range keep {
			if k == 0 || i != keep[k-1] {
				out = append(out, xys[i])
			}
		}
	}
	return out
}

// points returns the curve's finite points, and only positive ones on a log
// axis (zeros at the zero line, if there is one).
func (pl Plot) points(c Curve) plotter.XYs {
	var xys plotter.XYs
	for i := range c.X {
		x, y := c.X[i], c.Y[i]
		if y == 0 && pl.zeroAt > 0 {
			y = pl.zeroAt
		}
		if math.IsNaN(x) || math.IsNaN(y) || math.IsInf(x, 0) || math.IsInf(y, 0) ||
			(pl.LogX && x <= 0) || (pl.LogY && y <= 0) {
			continue
		}
		xys = append(xys, plotter.XY{X: x, Y: y})
	}
	return xys
}

// zeroLine returns where ZeroLine draws zeros: the power of ten a decade
// below the smallest positive value of the curves and marks; 1 if none is
// (positive is false). zero says whether any value is 0.
func (pl Plot) zeroLine() (at float64, zero, positive bool) {
	low := math.Inf(1)
	for _, c := range append(slices.Clone(pl.Curves), pl.Marks...) {
		for _, y := range c.Y {
			zero = zero || y == 0
			if y > 0 && y < low {
				low = y
			}
		}
	}
	if math.IsInf(low, 1) {
		return 1, zero, false
	}
	return math.Pow(10, math.Floor(math.Log10(low))-1), zero, true
}

// zeroTicks are the ticks of a log axis with ZeroLine: the zero line at
// at (if at is positive) labelled 0, alone if every value is 0; above it
// the powers of ten, at most 6 of them labelled (the largest among them).
// A range under two decades without a zero line gets the values 1, 2 and 5
// times a power of ten in it (a loss stuck at 2 with terms of 1: the
// numbers to read), or logTicks' where fewer than two are.
type zeroTicks struct {
	at    float64
	alone bool
}

// Ticks implements plot.Ticker.
func (z zeroTicks) Ticks(min, max float64) []plot.Tick {
	var ticks []plot.Tick
	switch {
	case z.at > 0 && z.alone:
		return []plot.Tick{{Value: z.at, Label: "0"}}
	case z.at > 0:
		ticks = append(ticks, plot.Tick{Value: z.at, Label: "0"})
		min = z.at * 1.5
	case max/min < 100:
		var nice []plot.Tick
		for e := math.Floor(math.Log10(min)); e <= math.Log10(max); e++ {
			for _, m := range []float64{1, 2, 5} {
				if v := m * math.Pow(10, e); v >= min && v <= max {
					nice = append(nice, plot.Tick{Value: v, Label: strconv.FormatFloat(v, 'g', -1, 64)})
				}
			}
		}
		if len(nice) >= 2 {
			return nice
		}
		return logTicks{}.Ticks(min, max)
	}
	lo, hi := math.Ceil(math.Log10(min)), math.Floor(math.Log10(max))
	if hi-lo < 6 {
		for _, t := range (plot.LogTicks{Prec: 1}).Ticks(min, max) {
			if t.Value >= min {
				ticks = append(ticks, t)
			}
		}
		return ticks
	}
	every := math.Ceil((hi - lo + 1) / 6)
	for e := lo; e <= hi; e++ {
		t := plot.Tick{Value: math.Pow(10, e)}
		if math.Mod(hi-e, every) == 0 {
			t.Label = strconv.FormatFloat(t.Value, 'g', 1, 64)
		}
		ticks = append(ticks, t)
	}
	return ticks
}

// legendCorner returns the corner for a legend of the given number of
// entries, the longest name so many characters long: the one whose box,
// the legend's size as a share of a 6 x 4 inch plot's data area, holds the
// fewest of the points drawn, all being drawn on a plot spanning them. The
// top right wins a tie, then the top left, the bottom right and the bottom
// left.
func (pl Plot) legendCorner(all plotter.XYs, entries, longest int) (bottom, left bool) {
	if len(all) == 0 || entries == 0 {
		return false, false
	}
	// The data area of a 6 x 4 inch plot is about 380 x 230 points; an
	// entry is a line of 12-point text, about 6 points a character, after
	// a 20-point sample of the line.
	w := min(0.6, (6*float64(longest)+35)/380)
	h := min(0.8, (15*float64(entries)+8)/230)
	scale := func(v float64, log bool) float64 {
		if log {
			return math.Log10(v)
		}
		return v
	}
	lo, hi := [2]float64{math.Inf(1), math.Inf(1)}, [2]float64{math.Inf(-1), math.Inf(-1)}
	for _, xy := range all {
		for k, v := range [2]float64{scale(xy.X, pl.LogX), scale(xy.Y, pl.LogY)} {
			lo[k], hi[k] = math.Min(lo[k], v), math.Max(hi[k], v)
		}
	}
	// frac places v in [lo, hi] as a share of the range; a range of one
	// value puts everything in the middle.
	frac := func(v float64, k int) float64 {
		if hi[k] == lo[k] {
			return 0.5
		}
		return (v - lo[k]) / (hi[k] - lo[k])
	}
	corners := []struct{ bottom, left bool }{{false, false}, {false, true}, {true, false}, {true, true}}
	count := make([]int, len(corners))
	for _, xy := range all {
		u, v := frac(scale(xy.X, pl.LogX), 0), frac(scale(xy.Y, pl.LogY), 1)
		for i, c := range corners {
			inX := (c.left && u <= w) || (!c.left && u >= 1-w)
			inY := (c.bottom && v <= h) || (!c.bottom && v >= 1-h)
			if inX && inY {
				count[i]++
			}
		}
	}
	best := 0
	for i := range corners {
		if count[i] < count[best] {
			best = i
		}
	}
	return corners[best].bottom, corners[best].left
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
