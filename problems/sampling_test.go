package problems

import (
	"fmt"
	"math/rand/v2"
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

// TestSamplerStateResumes stops a sampler of each kind after some draws of
// Points and Fresh and continues from its State in a new sampler, whose
// random source is restored to where the old one's was: what follows is
// the old sampler's, bit for bit, as a resumed run needs.
func TestSamplerStateResumes(t *testing.T) {
	p, _ := Builtin("forum-final")
	for _, kind := range Samplings() {
		t.Run(fmt.Sprint(kind), func(t *testing.T) {
			draw := func(s *Sampler) []float64 {
				return slices.Concat(s.Points(7), s.Fresh(5, 1, 3), s.Fresh(5, 2, 4), s.Points(3))
			}
			src := rand.NewPCG(3, 1)
			old := p.NewSampler(kind, rand.New(src))
			draw(old)
			saved, err := src.MarshalBinary()
			if err != nil {
				t.Fatal(err)
			}
			st := old.State()
			want := draw(old)

			restored := rand.NewPCG(0, 0)
			if err := restored.UnmarshalBinary(saved); err != nil {
				t.Fatal(err)
			}
			resumed := p.NewSampler(kind, rand.New(restored))
			resumed.SetState(st)
			if got := draw(resumed); !slices.Equal(got, want) {
				t.Errorf("resumed draws %v, want %v", got, want)
			}
			if slices.Equal(draw(p.NewSampler(kind, rand.New(rand.NewPCG(3, 1)))), want) {
				t.Error("a sampler from the start draws what the resumed one does: the test does not test the state")
			}
		})
	}
}
