package graph

import (
	"fmt"
	"slices"
	"testing"

	"pinn/problems"
)

// TestRefineNeverRunsOut refines after every epoch, more often than a fixed
// set of 10 x Points candidates allows (decay: 21 points, 2 added per
// refinement, 210 candidates used up after 105 refinements): each
// refinement must still add 2 fresh points, in every sampling and with
// marching windows, where only the window's candidates count.
func TestRefineNeverRunsOut(t *testing.T) {
	p, err := problems.Builtin("decay")
	if err != nil {
		t.Fatal(err)
	}
	for _, s := range problems.Samplings() {
		for _, stages := range []int{1, 2} {
			t.Run(fmt.Sprintf("sampling=%s/stages=%d", s, stages), func(t *testing.T) {
				const epochs = 120
				res, err := Fit(t.Context(), p, Config{}, Options{Method: Whole, Seed: 1, Epochs: epochs, Sampling: s, Stages: stages, RefineEvery: 1, RefinePoints: 2})
				if err != nil {
					t.Fatal(err)
				}
				// A refinement after every epoch but the last of each stage:
				// 2 fresh points each time.
				if want := 21 + 2*(epochs-stages); len(res.Points) != want || !slices.IsSorted(res.Points) {
					t.Errorf("%d points, want %d, ascending", len(res.Points), want)
				}
				if res.Points[0] < p.T0 || res.Points[len(res.Points)-1] > p.T1 {
					t.Errorf("points outside [%g, %g]: %g ... %g", p.T0, p.T1, res.Points[0], res.Points[len(res.Points)-1])
				}
			})
		}
	}
}
