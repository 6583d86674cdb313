package problems

import (
	"fmt"
	"slices"
	"testing"
)

// TestFreshNeverRepeats draws 200 sets of 20 fresh points in the window
// [1, 3] of forum-final's [1, 5] with each sampling: every point lies in the
// window, each set is ascending, and no point comes twice. The first grid
// is the plain grid of the window.
func TestFreshNeverRepeats(t *testing.T) {
	p, _ := Builtin("forum-final")
	for _, kind := range Samplings() {
		t.Run(fmt.Sprint(kind), func(t *testing.T) {
			s := p.NewSampler(kind, newRand(3))
			seen := map[float64]bool{}
			for call := range 200 {
				ts := s.Fresh(20, 1, 3)
				if call == 0 && kind == SampleGrid && !slices.Equal(ts, (&Sampler{kind: SampleGrid, lo: []float64{1}, hi: []float64{3}}).Points(20)) {
					t.Errorf("first grid %v is not the grid of [1, 3]", ts)
				}
				// A shifted grid loses the point past t1; the others keep 20.
				if len(ts) < 19 || !slices.IsSorted(ts) || ts[0] < 1 || ts[len(ts)-1] > 3 {
					t.Fatalf("call %d: %d points, want 19 or 20, ascending in [1, 3]: %v", call, len(ts), ts)
				}
				for _, x := range ts {
					if seen[x] {
						t.Fatalf("call %d: %g came before", call, x)
					}
					seen[x] = true
				}
			}
		})
	}
}
