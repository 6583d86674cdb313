package problems

import (
	"cmp"
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
	// SampleSobol takes the next n points of the Sobol sequence, which
	// fills the domain more evenly than random points: in one dimension
	// the base-2 van der Corput sequence, and on a family's product
	// domain one dimension more per range parameter.
	SampleSobol Sampling = "sobol"
)

// DefaultSampling is what an empty Sampling means: a grid.
const DefaultSampling = SampleGrid

// Samplings returns the samplings, a fresh slice on every call.
func Samplings() []Sampling { return []Sampling{SampleGrid, SampleUniform, SampleSobol} }

// PreferredSampling is the sampling that suits the problem: SampleSobol for
// a family, whose product domain a grid covers with few distinct values
// per axis, and DefaultSampling otherwise.
func (p *Problem) PreferredSampling() Sampling {
	if p.IsFamily() {
		return SampleSobol
	}
	return DefaultSampling
}

// Sampler draws collocation points in [T0, T1], or for a family in the
// product of [T0, T1] and the ranges; each call of Points or Inputs gives a
// fresh set (the same grid every time for SampleGrid).
type Sampler struct {
	kind Sampling
	// lo and hi bound each input: t, then the range parameters.
	lo, hi []float64
	rng    *rand.Rand
	next   uint64 // index of the next Sobol point
	sobol  *sobol // for more than one input
	fresh  uint64 // calls of Fresh so far
}

// NewSampler returns a sampler of the problem's domain; rng drives
// SampleUniform.
func (p *Problem) NewSampler(kind Sampling, rng *rand.Rand) *Sampler {
	s := &Sampler{kind: kind, lo: []float64{p.T0}, hi: []float64{p.T1}, rng: rng, next: 1}
	for _, k := range p.RangeNames() {
		s.lo, s.hi = append(s.lo, p.Ranges[k].Lo), append(s.hi, p.Ranges[k].Hi)
	}
	if len(s.lo) > 1 && kind == SampleSobol {
		s.sobol = newSobol(len(s.lo))
	}
	return s
}

// SamplerState is where a Sampler is in its sequences, apart from its
// random source (the caller's, see NewSampler): what a checkpoint of a run
// keeps so that the run, resumed, draws the points it would have drawn.
type SamplerState struct {
	// Next is the index of the next Sobol point, Fresh the number of calls
	// of Fresh so far.
	Next, Fresh uint64
}

// State returns where s is in its sequences.
func (s *Sampler) State() SamplerState { return SamplerState{Next: s.next, Fresh: s.fresh} }

// SetState puts s where State found a sampler of the same problem and kind.
func (s *Sampler) SetState(st SamplerState) { s.next, s.fresh = st.Next, st.Fresh }

// Points returns n values of t in ascending order.
func (s *Sampler) Points(n int) []float64 {
	ts := make([]float64, n)
	switch s.kind {
	case SampleUniform:
		for i := range ts {
			ts[i] = s.at(0, s.rng.Float64())
		}
		slices.Sort(ts)
	case SampleSobol:
		for i := range ts {
			ts[i] = s.at(0, vanDerCorput(s.next))
			s.next++
		}
		slices.Sort(ts)
	default:
		for i := range ts {
			ts[i] = s.gridAt(0, i, n)
		}
	}
	return ts
}

// Fresh returns about n values of t in [t0, t1] (a window of the domain,
// say) in ascending order, none of which an earlier call returned, however
// many calls there are: the candidates refinement chooses from never run
// out. SampleUniform draws them at random and SampleSobol takes the next
// points of the sequence, mapped onto [t0, t1]. SampleGrid takes the grid of
// n points from t0 to t1 shifted by a fraction of its spacing that is new
// with each call, the van der Corput sequence 0, 1/2, 1/4, 3/4, ... (so the
// first call gives the grid itself, and later ones one point fewer where
// the shifted grid passes t1).
func (s *Sampler) Fresh(n int, t0, t1 float64) []float64 {
	w := Sampler{kind: s.kind, lo: []float64{t0}, hi: []float64{t1}, rng: s.rng, next: s.next}
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

// Inputs returns points of the whole input domain as columns: the values
// of t, then of each range parameter in RangeNames order, with points in
// ascending order of t. It returns n points, except for SampleGrid on a
// family, which returns a product grid of m values per input, m >= 2 the
// smallest with m^inputs >= n. Without range parameters it is Points(n) as
// one column.
func (s *Sampler) Inputs(n int) [][]float64 {
	dims := len(s.lo)
	if dims == 1 {
		return [][]float64{s.Points(n)}
	}
	var rows [][]float64
	switch s.kind {
	case SampleUniform, SampleSobol:
		rows = make([][]float64, n)
		for i := range rows {
			rows[i] = make([]float64, dims)
			if s.kind == SampleUniform {
				for d := range rows[i] {
					rows[i][d] = s.rng.Float64()
				}
			} else {
				s.sobol.point(s.next, rows[i])
				s.next++
			}
			for d, u := range rows[i] {
				rows[i][d] = s.at(d, u)
			}
		}
		slices.SortStableFunc(rows, func(a, b []float64) int { return cmp.Compare(a[0], b[0]) })
	default:
		m := 2
		for pow(m, dims) < n {
			m++
		}
		rows = make([][]float64, pow(m, dims))
		for i := range rows {
			rows[i] = make([]float64, dims)
			for d, k := dims-1, i; d >= 0; d, k = d-1, k/m { // t is the slowest digit of i
				rows[i][d] = s.gridAt(d, k%m, m)
			}
		}
	}
	cols := make([][]float64, dims)
	for d := range cols {
		cols[d] = make([]float64, len(rows))
		for i, r := range rows {
			cols[d][i] = r[d]
		}
	}
	return cols
}

// pow returns m^d, which the callers keep small.
func pow(m, d int) int {
	p := 1
	for range d {
		p *= m
	}
	return p
}

// at maps u in [0, 1) onto input d's interval.
func (s *Sampler) at(d int, u float64) float64 { return s.lo[d] + (s.hi[d]-s.lo[d])*u }

// gridAt returns point i of n equally spaced points of input d's
// interval, both ends included.
func (s *Sampler) gridAt(d, i, n int) float64 {
	// lo + i h drifts; interpolating from both ends keeps hi exact.
	f := float64(i) / float64(n-1)
	return s.lo[d]*(1-f) + s.hi[d]*f
}

// vanDerCorput returns the i-th point of the base-2 van der Corput sequence:
// the binary digits of i mirrored about the binary point,
//
//	i = sum_k b_k 2^k  ->  x_i = sum_k b_k 2^(-k-1)
//
// which is also the first dimension of the Sobol sequence.
func vanDerCorput(i uint64) float64 {
	return float64(bits.Reverse64(i)>>11) / (1 << 53)
}
