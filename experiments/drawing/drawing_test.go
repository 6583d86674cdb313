package drawing_test

import (
	"bytes"
	"encoding/xml"
	"image/png"
	"io"
	"math"
	"os/exec"
	"slices"
	"strings"
	"testing"

	"pinn/experiments/drawing"
	"pinn/graph"
	"pinn/problems"

	"gonum.org/v1/gonum/graph/formats/dot"
	"gonum.org/v1/gonum/graph/formats/dot/ast"
)

// trainingGraph describes the graph of the thread's first problem with a
// network of the given hidden widths and derivative.
func trainingGraph(t testing.TB, hidden []int, d graph.Derivative) *graph.TrainingGraph {
	t.Helper()
	p, err := problems.Builtin("decay")
	if err != nil {
		t.Fatal(err)
	}
	net, err := graph.NewNetwork(graph.Architecture{Hidden: hidden}, 1, graph.NewRand(1))
	if err != nil {
		t.Fatal(err)
	}
	tg, err := graph.DescribeGraph(p, net, graph.Config{Architecture: net.Architecture(), Derivative: d}, p.Grid(p.Points))
	if err != nil {
		t.Fatal(err)
	}
	return tg
}

func draw(t *testing.T, tg *graph.TrainingGraph, f drawing.Format, opts drawing.Options) ([]byte, drawing.Info) {
	t.Helper()
	var buf bytes.Buffer
	info, err := drawing.Draw(&buf, tg, f, opts)
	if err != nil {
		t.Fatal(err)
	}
	return buf.Bytes(), info
}

// svgTexts parses an SVG document as XML, failing on any error, and returns
// the text of its text elements.
func svgTexts(t *testing.T, svg []byte) []string {
	t.Helper()
	dec := xml.NewDecoder(bytes.NewReader(svg))
	var texts []string
	inText, root := false, ""
	for {
		tok, err := dec.Token()
		if err == io.EOF {
			break
		}
		if err != nil {
			t.Fatalf("the SVG is not well-formed XML: %v", err)
		}
		switch tok := tok.(type) {
		case xml.StartElement:
			if root == "" {
				root = tok.Name.Local
			}
			inText = tok.Name.Local == "text"
		case xml.EndElement:
			inText = false
		case xml.CharData:
			if inText {
				texts = append(texts, strings.TrimSpace(string(tok)))
			}
		}
	}
	if root != "svg" {
		t.Fatalf("the document's root is %q, want svg", root)
	}
	return texts
}

// TestDrawSVG draws the whole graph of a 1-2-1 network and checks that the
// SVG is well-formed and names what a reader looks for: each stage, the
// weights, the hidden activation, the transposed products of the first pass,
// dy/dt and the loss.
func TestDrawSVG(t *testing.T) {
	tg := trainingGraph(t, []int{2}, graph.Symbolic)
	svg, info := draw(t, tg, drawing.SVG, drawing.Options{Title: "decay 1-2-1"})
	texts := svgTexts(t, svg)
	for _, want := range []string{"decay 1-2-1", "network", "first pass", "residual and loss", "second pass",
		"W1", "b1", "W2_y", "h1", "tanh", "A × Bᵀ", "Aᵀ × B", "dy/dt", "loss", "y"} {
		if !slices.Contains(texts, want) {
			t.Errorf("the SVG has no text %q", want)
		}
	}
	if info.Collapsed || info.Boxes < info.Nodes {
		t.Errorf("info %+v: want one box per node", info)
	}
}

// TestDrawPNG draws the first pass alone and decodes the PNG: its size in
// pixels is the drawing's in points at 96 dots per inch (Info's
// contract).
func TestDrawPNG(t *testing.T) {
	tg := trainingGraph(t, []int{2}, graph.Symbolic)
	data, info := draw(t, tg, drawing.PNG, drawing.Options{Stage: graph.StageFirstPass})
	cfg, err := png.DecodeConfig(bytes.NewReader(data))
	if err != nil {
		t.Fatalf("the PNG does not decode: %v", err)
	}
	// Within a pixel: the canvas rounds its size in dots.
	if w, h := info.Width*96/72, info.Height*96/72; math.Abs(float64(cfg.Width)-w) > 1 || math.Abs(float64(cfg.Height)-h) > 1 {
		t.Errorf("PNG %dx%d, want %.0fx%.0f", cfg.Width, cfg.Height, w, h)
	}
	if cfg.Width < 200 || cfg.Height < 200 {
		t.Errorf("PNG %dx%d: too small to show a pass", cfg.Width, cfg.Height)
	}
}

// TestDrawDOT writes the graph as DOT and parses it back with gonum's DOT
// parser: one node per box, one cluster per stage, one edge per edge the
// picture draws.
func TestDrawDOT(t *testing.T) {
	tg := trainingGraph(t, []int{2}, graph.Symbolic)
	data, info := draw(t, tg, drawing.DOT, drawing.Options{Title: `a "quoted" title`})
	file, err := dot.ParseBytes(data)
	if err != nil {
		t.Fatalf("DOT does not parse: %v\n%s", err, data)
	}
	if len(file.Graphs) != 1 || !file.Graphs[0].Directed {
		t.Fatalf("%d graphs, want one directed graph", len(file.Graphs))
	}
	nodes, clusters, edges := 0, 0, 0
	var walk func(stmts []ast.Stmt)
	walk = func(stmts []ast.Stmt) {
		for _, s := range stmts {
			switch s := s.(type) {
			case *ast.NodeStmt:
				nodes++
			case *ast.EdgeStmt:
				edges++
			case *ast.Subgraph:
				if strings.HasPrefix(strings.Trim(s.ID, `"`), "cluster_") {
					clusters++
				}
				walk(s.Stmts)
			}
		}
	}
	walk(file.Graphs[0].Stmts)
	if nodes != info.Boxes || clusters != 4 || edges < info.Boxes-1 {
		t.Errorf("DOT has %d nodes in %d clusters and %d edges; the drawing has %d boxes in 4 stages", nodes, clusters, edges, info.Boxes)
	}
}

// TestDrawCollapses checks that a graph of more nodes than MaxNodes is
// drawn one box per stage and layer, and that the drawing says so.
func TestDrawCollapses(t *testing.T) {
	tg := trainingGraph(t, []int{3, 3}, graph.Symbolic)
	svg, info := draw(t, tg, drawing.SVG, drawing.Options{MaxNodes: 50})
	if !info.Collapsed || info.Boxes >= info.Nodes/4 {
		t.Errorf("info %+v: want a few boxes for many nodes", info)
	}
	texts := strings.Join(svgTexts(t, svg), "\n")
	for _, want := range []string{"collapsed: each box holds one layer's ops in one stage", "network: layer 1", "first pass: layer 2", "second pass: layer 3"} {
		if !strings.Contains(texts, want) {
			t.Errorf("the collapsed drawing does not say %q", want)
		}
	}
}

// TestDrawStageAlone checks that a stage drawn alone shows its nodes and,
// in grey, only the nodes of other stages they read: the thread's mistake
// reads nothing of the network but the shape of y.
func TestDrawStageAlone(t *testing.T) {
	tg := trainingGraph(t, []int{2}, graph.WRTPrediction)
	svg, info := draw(t, tg, drawing.SVG, drawing.Options{Stage: graph.StageFirstPass})
	texts := svgTexts(t, svg)
	if info.Nodes != 4 || info.Boxes != 5 {
		t.Errorf("info %+v: want the mistake's 4 first-pass nodes and y", info)
	}
	for _, absent := range []string{"W1", "tanh", "second pass"} {
		if slices.Contains(texts, absent) {
			t.Errorf("the first pass of the mistake shows %q", absent)
		}
	}
	if !slices.Contains(texts, "dashed: only the shape is read (through 2 SizeOf nodes, not drawn)") {
		t.Errorf("the drawing does not say that only y's shape is read: %q", texts)
	}
}

// TestDrawDOTGraphviz hands the DOT of a whole graph and of a collapsed one
// to Graphviz's dot where it is installed: it must lay them out without a
// word on stderr.
func TestDrawDOTGraphviz(t *testing.T) {
	path, err := exec.LookPath("dot")
	if err != nil {
		t.Skip("Graphviz's dot is not installed; TestDrawDOT parses the DOT with gonum's parser")
	}
	tg := trainingGraph(t, []int{3, 3}, graph.Symbolic)
	for _, maxNodes := range []int{drawing.DefaultMaxNodes, 20} {
		data, _ := draw(t, tg, drawing.DOT, drawing.Options{Title: "decay 1-3-3-1", MaxNodes: maxNodes})
		cmd := exec.Command(path, "-Tsvg")
		cmd.Stdin = bytes.NewReader(data)
		var stderr bytes.Buffer
		cmd.Stderr = &stderr
		out, err := cmd.Output()
		if err != nil || stderr.Len() > 0 || !bytes.Contains(out, []byte("<svg")) {
			t.Errorf("max nodes %d: dot: %v, stderr %q", maxNodes, err, stderr.String())
		}
	}
}
