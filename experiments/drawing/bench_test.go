package drawing_test

import (
	"io"
	"testing"

	"pinn/experiments/drawing"
	"pinn/graph"
)

// BenchmarkDraw times drawing the whole graph of a 1-2-1 network (about 100
// boxes) and its first pass alone (13 boxes) in each format: layout and
// rendering, not building the graph.
func BenchmarkDraw(b *testing.B) {
	tg := trainingGraph(b, []int{2}, graph.Symbolic)
	for _, c := range []struct {
		name  string
		stage graph.Stage
	}{{"graph=whole", ""}, {"graph=first-pass", graph.StageFirstPass}} {
		for _, f := range drawing.Formats() {
			b.Run(c.name+"/format="+string(f), func(b *testing.B) {
				b.ReportAllocs()
				for b.Loop() {
					if _, err := drawing.Draw(io.Discard, tg, f, drawing.Options{Stage: c.stage}); err != nil {
						b.Fatal(err)
					}
				}
			})
		}
	}
}
