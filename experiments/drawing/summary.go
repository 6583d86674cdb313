package drawing

import (
	"fmt"
	"io"
	"text/tabwriter"

	"pinn/graph"
)

// StageCount counts the nodes of one stage of a training graph and what
// the Compiled executor makes of them.
type StageCount struct {
	Stage graph.Stage
	// Nodes and MatMuls count the nodes and the matrix products among them.
	Nodes, MatMuls int
	// Kinds counts the nodes by executor kind (input, constant, whole,
	// tiled, reduction); InTile counts the tiled ones that never leave
	// the tile buffers.
	Kinds  map[string]int
	InTile int
	// Fallbacks lists the ops that run through Gorgonia's own code.
	Fallbacks []string
}

// CountStages counts each stage's nodes, in build order, and then all of
// them (with Stage "total").
func CountStages(tg *graph.TrainingGraph) []StageCount {
	total := StageCount{Stage: "total", Kinds: map[string]int{}}
	var counts []StageCount
	for _, st := range graph.Stages() {
		c := StageCount{Stage: st, Kinds: map[string]int{}}
		for _, n := range tg.Nodes {
			if n.Stage != st {
				continue
			}
			for _, t := range []*StageCount{&c, &total} {
				t.Nodes++
				t.Kinds[n.Executor.Kind]++
				if n.MatMul {
					t.MatMuls++
				}
				if n.Executor.InTile {
					t.InTile++
				}
				if n.Executor.Fallback {
					t.Fallbacks = append(t.Fallbacks, n.Op)
				}
			}
		}
		counts = append(counts, c)
	}
	return append(counts, total)
}

// WriteSummary writes CountStages as a table, then the executor's stages
// and fallbacks.
func WriteSummary(w io.Writer, tg *graph.TrainingGraph) error {
	tw := tabwriter.NewWriter(w, 0, 0, 2, ' ', tabwriter.AlignRight)
	fmt.Fprintf(tw, "stage\tnodes\tmatrix products\t\ttiled (in tile)\treductions\twhole\tfolded\tshared\tconstants\tinputs\t\n")
	counts := CountStages(tg)
	for _, c := range counts {
		fmt.Fprintf(tw, "%s\t%d\t%d\t\t%d (%d)\t%d\t%d\t%d\t%d\t%d\t%d\t\n", c.Stage, c.Nodes, c.MatMuls,
			c.Kinds["tiled"], c.InTile, c.Kinds["reduction"], c.Kinds["whole"], c.Kinds["folded"], c.Kinds["shared"], c.Kinds["constant"], c.Kinds["input"])
	}
	if err := tw.Flush(); err != nil {
		return err
	}
	fallbacks := "none"
	if fb := counts[len(counts)-1].Fallbacks; len(fb) > 0 {
		fallbacks = fmt.Sprint(fb)
	}
	_, err := fmt.Fprintf(w, "compiled executor: %d program stages (whole nodes and tiles of points in turn); ops run by Gorgonia's own code: %s\n",
		tg.ExecutorStages, fallbacks)
	return err
}
