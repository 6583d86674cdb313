package drawing

import (
	"bufio"
	"fmt"
	"image/color"
	"io"
	"strings"

	"pinn/graph"
)

// writeDOT writes the scene in Graphviz's DOT language: one cluster per
// stage, the boxes as nodes with the drawing's colours, the title and notes
// as the graph's label.
func writeDOT(w io.Writer, s *scene, title string, notes []string) error {
	bw := bufio.NewWriter(w)
	fmt.Fprintf(bw, "digraph training {\n")
	fmt.Fprintf(bw, "\tgraph [label=%s, labelloc=t, labeljust=l, fontname=\"Helvetica\", fontsize=10];\n",
		quote(strings.Join(append([]string{title}, notes...), "\n")))
	fmt.Fprintf(bw, "\tnode [shape=box, style=filled, fontname=\"Helvetica\", fontsize=9];\n")
	fmt.Fprintf(bw, "\tedge [color=%q, arrowsize=0.6];\n", hex(edgeColor))
	for _, st := range graph.Stages() {
		var ids []int
		for i, b := range s.boxes {
			if b.stage == st {
				ids = append(ids, i)
			}
		}
		if len(ids) == 0 {
			continue
		}
		fmt.Fprintf(bw, "\tsubgraph %s {\n", quote("cluster_"+string(st)))
		fmt.Fprintf(bw, "\t\tlabel=%s; style=filled; color=%q;\n", quote(string(st)), hex(stageBand[st]))
		for _, i := range ids {
			b := s.boxes[i]
			fill := stageFill[b.stage]
			if b.context {
				fill = contextFill
			}
			pen := 0.6
			if b.strong {
				pen = 1.8
			}
			fmt.Fprintf(bw, "\t\tn%d [label=%s, fillcolor=%q, penwidth=%g];\n", i, quote(strings.Join(b.label, "\n")), hex(fill), pen)
		}
		fmt.Fprintf(bw, "\t}\n")
	}
	for _, e := range s.edges {
		style := ""
		if e.shape {
			style = " [style=dashed]"
		}
		fmt.Fprintf(bw, "\tn%d -> n%d%s;\n", e.from, e.to, style)
	}
	fmt.Fprintf(bw, "}\n")
	return bw.Flush()
}

// quote writes s as a DOT string: double quotes, with quotes and
// backslashes escaped and line breaks as \n.
func quote(s string) string {
	r := strings.NewReplacer(`\`, `\\`, `"`, `\"`, "\n", `\n`)
	return `"` + r.Replace(s) + `"`
}

// hex writes an opaque colour as #rrggbb.
func hex(c color.Color) string {
	r, g, b, _ := c.RGBA()
	return fmt.Sprintf("#%02x%02x%02x", r>>8, g>>8, b>>8)
}
