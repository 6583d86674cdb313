package experiments

import (
	"slices"
	"testing"
)

// TestTraceMeasure runs the original bug, whose study traces every 10
// epochs, over seeds 1 and 2, and again without the trace: only seed 1 is
// traced, at epochs 0, 10, ..., 1000, its last step the thread's loss of 2
// with every gradient 0; and the findings' numbers are the same bits.
func TestTraceMeasure(t *testing.T) {
	e, err := Lookup("original-bug")
	if err != nil {
		t.Fatal(err)
	}
	if e.Measure.Trace != 10 {
		t.Fatalf("original-bug traces every %d epochs, want 10", e.Measure.Trace)
	}
	opts := Options{Seeds: []uint64{1, 2}, Workers: 1}
	traced, err := Run(e, opts)
	if err != nil {
		t.Fatal(err)
	}
	e.Measure.Trace = 0
	plain, err := Run(e, opts)
	if err != nil {
		t.Fatal(err)
	}
	for i := range plain.Seeds {
		if !slices.Equal(plain.Seeds[i].Metrics, traced.Seeds[i].Metrics) || !slices.Equal(plain.Seeds[i].Loss, traced.Seeds[i].Loss) {
			t.Errorf("seed %d: the trace changed the numbers", plain.Seeds[i].Seed)
		}
		if plain.Seeds[i].Trace != nil {
			t.Errorf("seed %d traced without the measure", plain.Seeds[i].Seed)
		}
	}
	tr := traced.trace()
	if tr == nil || tr.seed != 1 || traced.Seeds[1].Trace != nil {
		t.Fatal("want seed 1 traced, and seed 2 not")
	}
	steps := tr.Steps
	if len(steps) != 101 || steps[100].Epoch != 1000 || tr.Options.TraceEvery != 10 {
		t.Fatalf("%d steps traced every %d epochs, want 101 every 10 up to 1000", len(steps), tr.Options.TraceEvery)
	}
	last := steps[100]
	if last.Loss != 2 || last.DeadOutputs != 1 || slices.ContainsFunc(last.Gradients, func(g float64) bool { return g != 0 }) {
		t.Errorf("epoch 1000: loss %v, %d dead outputs, gradient norms %v; want 2, 1 and zeros", last.Loss, last.DeadOutputs, last.Gradients)
	}
}
