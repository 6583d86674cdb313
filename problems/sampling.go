package problems

import (
	"math/bits"
	"math/rand/v2"
	"slices"
)

// Sampling says how collocation points are placed in the domain.
type Sampling string

// The samplings.
const (
	// SampleGrid places n equally spaced points, both ends included.
	SampleGrid Sampling = "grid"
	// SampleUniform draws n points uniformly at random.
	SampleUniform Sampling = "uniform"
	// SampleSobol takes the next n points of the one-dimensional Sobol
	// sequence (the base-2 van der Corput sequence), which fills the domain
	// more evenly than random points.
	SampleSobol Sampling = "sobol"
)

// DefaultSampling is what an empty Sampling means: a grid.
const DefaultSampling = SampleGrid

// Samplings returns the samplings, a fresh slice on every call.
func Samplings() []Sampling { return []Sampling{SampleGrid, SampleUniform, SampleSobol} }

// Sampler draws collocation points in [T0, T1]; each call of Points gives a
// fresh set (the same grid every time for SampleGrid).
type Sampler struct {
	kind   Sampling
	t0, t1 float64
	rng    *rand.Rand
	next   uint64 // index of the next Sobol point
	fresh  uint64 // calls of Fresh so far
}

// NewSampler returns a sampler of the problem's domain; rng drives
// SampleUniform.
func (p *Problem) NewSampler(kind Sampling, rng *rand.Rand) *Sampler {
	return &Sampler{kind: kind, t0: p.T0, t1: p.T1, rng: rng, next: 1}
}

// Points returns n points in ascending order.
func (s *Sampler) Points(n int) []float64 {
	ts := make([]float64, n)
	switch s.kind {
	case SampleUniform:
		for i := range ts {
			ts[i] = s.at(s.rng.Float64())
		}
		slices.Sort(ts)
	case SampleSobol:
		for i := range ts {
			ts[i] = s.at(vanDerCorput(s.next))
			s.next++
		}
		slices.Sort(ts)
	default:
		for i := range ts {
			// t0 + i h drifts; interpolating from both ends keeps t1 exact.
			f := float64(i) / float64(n-1)
			ts[i] = s.t0*(1-f) + s.t1*f
		}
	}
	return ts
}

// Fresh returns about n points in [t0, t1] (a window of the domain, say) in
// ascending order, none of which an earlier call returned, however many
// calls there are: the candidates refinement chooses from never run out.
// SampleUniform draws them at random and SampleSobol takes the next points of
// the sequence, mapped onto [t0, t1]. SampleGrid takes the grid of n points
// from t0 to t1 shifted by a fraction of its spacing that is new with each
// call, the van der Corput sequence 0, 1/2, 1/4, 3/4, ... (so the first call
// gives the grid itself, and later ones one point fewer where the shifted
// grid passes t1).
func (s *Sampler) Fresh(n int, t0, t1 float64) []float64 {
	w := Sampler{kind: s.kind, t0: t0, t1: t1, rng: s.rng, next: s.next}
	if s.kind != SampleGrid {
		ts := w.Points(n)
		s.next = w.next
		return ts
	}
	shift := vanDerCorput(s.fresh)
	s.fresh++
	ts := make([]float64, 0, n)
	for i := range n {
		f := (float64(i) + shift) / float64(n-1)
		if f > 1 {
			break
		}
		ts = append(ts, t0*(1-f)+t1*f)
	}
	return ts
}

// at maps u in [0, 1) onto the domain.
func (s *Sampler) at(u float64) float64 { return s.t0 + (s.t1-s.t0)*u }

// vanDerCorput returns the i-th point of the base-2 van der Corput sequence:
// the binary digits of i mirrored about the binary point,
//
//	i = sum_k b_k 2^k  ->  x_i = sum_k b_k 2^(-k-1)
//
// which is also the first dimension of the Sobol sequence.
func vanDerCorput(i uint64) float64 {
	return float64(bits.Reverse64(i)>>11) / (1 << 53)
}
