package drawing

import (
	"fmt"
	"image/color"
	"io"
	"math"

	"pinn/graph"

	"gonum.org/v1/plot/font"
	"gonum.org/v1/plot/font/liberation"
	"gonum.org/v1/plot/vg"
	"gonum.org/v1/plot/vg/vgimg"
	"gonum.org/v1/plot/vg/vgsvg"
)

// Format is a file format Draw writes.
type Format string

// The formats.
const (
	SVG Format = "svg"
	PNG Format = "png"
	// DOT is Graphviz's language, for those who lay graphs out with it.
	DOT Format = "dot"
)

// Formats returns the formats, a fresh slice on every call.
func Formats() []Format { return []Format{SVG, PNG, DOT} }

// DefaultMaxNodes is Options.MaxNodes's default: the whole graph of a
// network of two hidden layers (about 115 nodes whatever their widths, as
// each node is a whole matrix) gets a box per node; one of three or more
// hidden layers is collapsed.
const DefaultMaxNodes = 150

// pngDPI is the resolution of PNG drawings: 96 dots per inch, a screen's.
const pngDPI = 96

// Options say what a drawing shows.
type Options struct {
	// Stage, if not "", draws that stage's nodes alone, with the nodes of
	// other stages they read in grey.
	Stage graph.Stage
	// MaxNodes is the most nodes drawn one box each; a drawing of more
	// draws one box per stage and layer instead. 0 means DefaultMaxNodes.
	MaxNodes int
	// Title heads the drawing.
	Title string
}

// Info says what a drawing shows.
type Info struct {
	// Boxes is the number of boxes drawn, Nodes the number of graph nodes
	// they stand for (arguments from other stages not counted).
	Boxes, Nodes int
	// Collapsed says each box holds one layer's ops in one stage.
	Collapsed bool
	// Width and Height are the drawing's size in points (1/72 inch); a
	// PNG has Width*96/72 by Height*96/72 pixels.
	Width, Height float64
}

// Draw draws the training graph tg in format f to w and says what it drew.
func Draw(w io.Writer, tg *graph.TrainingGraph, f Format, opts Options) (Info, error) {
	if opts.MaxNodes == 0 {
		opts.MaxNodes = DefaultMaxNodes
	}
	s := newScene(tg, opts.Stage, opts.MaxNodes)
	if len(s.boxes) == 0 {
		return Info{}, fmt.Errorf("drawing: stage %q has no nodes", opts.Stage)
	}
	d := newDrawer()
	notes := s.notes()
	sizes := make([]point, len(s.boxes))
	for i, b := range s.boxes {
		wd := 0.0
		for _, line := range b.label {
			wd = max(wd, d.width(line))
		}
		sizes[i] = point{wd + 2*textPad, d.boxHeight(len(b.label))}
	}
	boxHeight := d.boxHeight(maxLines(s))
	l := layOut(s, sizes, boxHeight)
	width := max(l.width, d.width(opts.Title)+2*margin)
	for _, n := range notes {
		width = max(width, d.width(n)+2*margin)
	}
	head := margin + d.lineHeight()*1.4
	foot := margin + float64(len(notes))*d.lineHeight()
	height := head + l.height + foot
	info := Info{Boxes: len(s.boxes), Nodes: s.nodes, Collapsed: s.collapsed, Width: width, Height: height}
	if f == DOT {
		return info, writeDOT(w, s, opts.Title, notes)
	}
	var c vg.CanvasWriterTo
	switch f {
	case SVG:
		c = vgsvg.New(vg.Length(width), vg.Length(height))
	case PNG:
		img := vgimg.NewWith(vgimg.UseWH(vg.Length(width), vg.Length(height)), vgimg.UseDPI(pngDPI), vgimg.UseBackgroundColor(color.White))
		c = vgimg.PngCanvas{Canvas: img}
	default:
		return Info{}, fmt.Errorf("drawing: unknown format %q", f)
	}
	d.canvas, d.height = c, height
	d.text(margin, margin, opts.Title, color.Black)
	d.scene(s, l, head)
	for i, n := range notes {
		d.text(margin, head+l.height+float64(i)*d.lineHeight(), n, noteColor)
	}
	if _, err := c.WriteTo(w); err != nil {
		return Info{}, fmt.Errorf("drawing: %w", err)
	}
	return info, nil
}

// notes are the lines under a drawing that say how to read it.
func (s *scene) notes() []string {
	ns := []string{"× matrix product · pointwise product; bold: weights, dy/dt and the loss; shapes are rows×columns"}
	var context, copied bool
	for _, b := range s.boxes {
		context = context || (b.context && !b.copied)
		copied = copied || b.copied
	}
	if context {
		ns = append(ns, "grey: nodes of other stages that this stage reads")
	}
	if copied {
		ns = append(ns, "grey ↑: a node of an earlier stage, drawn again where a later stage reads it")
	}
	if s.hidden > 0 {
		ns = append(ns, fmt.Sprintf("dashed: only the shape is read (through %d SizeOf nodes, not drawn)", s.hidden))
	}
	if s.collapsed {
		ns = append(ns, fmt.Sprintf("collapsed: each box holds one layer's ops in one stage (%d nodes in %d boxes)", s.nodes, len(s.boxes)))
	}
	return ns
}

func maxLines(s *scene) int {
	n := 1
	for _, b := range s.boxes {
		n = max(n, len(b.label))
	}
	return n
}

// Colours of the stages' boxes and bands.
var (
	stageFill = map[graph.Stage]color.Color{
		graph.StageNetwork:    color.RGBA{R: 0xc6, G: 0xdb, B: 0xef, A: 0xff},
		graph.StageFirstPass:  color.RGBA{R: 0xfd, G: 0xd0, B: 0xa2, A: 0xff},
		graph.StageLoss:       color.RGBA{R: 0xc7, G: 0xe9, B: 0xc0, A: 0xff},
		graph.StageSecondPass: color.RGBA{R: 0xda, G: 0xda, B: 0xeb, A: 0xff},
	}
	stageBand = map[graph.Stage]color.Color{
		graph.StageNetwork:    color.RGBA{R: 0xf0, G: 0xf6, B: 0xfc, A: 0xff},
		graph.StageFirstPass:  color.RGBA{R: 0xff, G: 0xf3, B: 0xe8, A: 0xff},
		graph.StageLoss:       color.RGBA{R: 0xf0, G: 0xf9, B: 0xee, A: 0xff},
		graph.StageSecondPass: color.RGBA{R: 0xf4, G: 0xf4, B: 0xf9, A: 0xff},
	}
	contextFill = color.RGBA{R: 0xee, G: 0xee, B: 0xee, A: 0xff}
	edgeColor   = color.RGBA{R: 0x55, G: 0x55, B: 0x55, A: 0xff}
	noteColor   = color.RGBA{R: 0x44, G: 0x44, B: 0x44, A: 0xff}
)

// Text sizes, in points.
const (
	fontSize = 9.0
	textPad  = 6.0 // around a box's text
)

// drawer draws on a canvas in top-down coordinates.
type drawer struct {
	canvas vg.Canvas
	height float64 // of the canvas, to turn y over
	face   font.Face
}

func newDrawer() *drawer {
	cache := font.NewCache(liberation.Collection())
	return &drawer{face: cache.Lookup(font.Font{Typeface: "Liberation", Variant: "Sans"}, fontSize)}
}

func (d *drawer) width(s string) float64 { return float64(d.face.Width(s)) }

func (d *drawer) lineHeight() float64 { return fontSize * 1.3 }

func (d *drawer) boxHeight(lines int) float64 { return float64(lines)*d.lineHeight() + textPad }

// pt turns top-down coordinates into the canvas's.
func (d *drawer) pt(x, y float64) vg.Point {
	return vg.Point{X: vg.Length(x), Y: vg.Length(d.height - y)}
}

// text writes s with its top left corner at x, y.
func (d *drawer) text(x, y float64, s string, c color.Color) {
	d.canvas.SetColor(c)
	d.canvas.FillString(d.face, d.pt(x, y+fontSize), s)
}

// scene draws the bands, the edges and the boxes, top at y0.
func (d *drawer) scene(s *scene, l *layout, y0 float64) {
	for _, b := range l.bands {
		var p vg.Path
		p.Move(d.pt(margin/2, y0+b.y0))
		p.Line(d.pt(l.width-margin/2, y0+b.y0))
		p.Line(d.pt(l.width-margin/2, y0+b.y1))
		p.Line(d.pt(margin/2, y0+b.y1))
		p.Close()
		d.canvas.SetColor(stageBand[b.stage])
		d.canvas.Fill(p)
		d.text(margin, y0+b.y0+4, string(b.stage), noteColor)
	}
	d.canvas.SetLineWidth(0.7)
	for k, r := range l.routes {
		if s.edges[k].shape {
			d.canvas.SetLineDash([]vg.Length{3, 2}, 0)
		}
		d.edge(r, y0)
		d.canvas.SetLineDash(nil, 0)
	}
	for i, b := range s.boxes {
		d.box(b, l.centre[i], l.size[i], y0)
	}
}

// edge draws a route with an arrowhead at its end.
func (d *drawer) edge(r []point, y0 float64) {
	var p vg.Path
	p.Move(d.pt(r[0].x, y0+r[0].y))
	for _, q := range r[1:] {
		p.Line(d.pt(q.x, y0+q.y))
	}
	d.canvas.SetColor(edgeColor)
	d.canvas.Stroke(p)
	a, b := r[len(r)-2], r[len(r)-1]
	angle := math.Atan2(b.y-a.y, b.x-a.x)
	const size, spread = 6.0, 0.4
	var head vg.Path
	head.Move(d.pt(b.x, y0+b.y))
	head.Line(d.pt(b.x-size*math.Cos(angle-spread), y0+b.y-size*math.Sin(angle-spread)))
	head.Line(d.pt(b.x-size*math.Cos(angle+spread), y0+b.y-size*math.Sin(angle+spread)))
	head.Close()
	d.canvas.Fill(head)
}

// box draws one box centred at c.
func (d *drawer) box(b box, c, size point, y0 float64) {
	x0, x1 := c.x-size.x/2, c.x+size.x/2
	top, bottom := y0+c.y-size.y/2, y0+c.y+size.y/2
	var p vg.Path
	p.Move(d.pt(x0, top))
	p.Line(d.pt(x1, top))
	p.Line(d.pt(x1, bottom))
	p.Line(d.pt(x0, bottom))
	p.Close()
	fill := stageFill[b.stage]
	if b.context {
		fill = contextFill
	}
	d.canvas.SetColor(fill)
	d.canvas.Fill(p)
	d.canvas.SetColor(edgeColor)
	width := 0.6
	if b.strong {
		width = 1.8
	}
	d.canvas.SetLineWidth(vg.Length(width))
	d.canvas.Stroke(p)
	d.canvas.SetLineWidth(0.7)
	for i, line := range b.label {
		x := c.x - d.width(line)/2
		y := top + textPad/2 + float64(i)*d.lineHeight() + fontSize
		d.canvas.SetColor(color.Black)
		d.canvas.FillString(d.face, d.pt(x, y), line)
	}
}
