package problems

import (
	"slices"
	"testing"
)

// TestSobolFirstPoints checks points 0 to 7 of the first three dimensions
// against values worked out by hand from the direction numbers:
// dimension 1 has v = 1/2, 1/4, 1/8; dimension 2 (s = 1, a = 0, m = 1)
// has m_3 = 2 m_2 ^ m_2 = 5, so v = 1/2, 3/4, 5/8; dimension 3 (s = 2,
// a = 1, m = 1, 3) has m_3 = 2 m_2 ^ 4 m_1 ^ m_1 = 3, so v = 1/2, 3/4, 3/8.
// The eight points are those of SciPy's unscrambled Sobol sampler, which
// lists them in Gray-code order.
func TestSobolFirstPoints(t *testing.T) {
	want := [][]float64{
		{0, 0, 0}, {0.5, 0.5, 0.5}, {0.25, 0.75, 0.75}, {0.75, 0.25, 0.25},
		{0.125, 0.625, 0.375}, {0.625, 0.125, 0.875}, {0.375, 0.375, 0.625}, {0.875, 0.875, 0.125},
	}
	s := newSobol(3)
	got := make([]float64, 3)
	for i, w := range want {
		s.point(uint64(i), got)
		if !slices.Equal(got, w) {
			t.Errorf("point %d = %v, want %v", i, got, w)
		}
	}
}

// TestSobolNets checks the properties that make the sequence
// low-discrepancy, exactly (points are dyadic fractions):
//   - every dimension's first 2^m points are 0, 1/2^m, ..., 1 - 1/2^m, one
//     in each interval of length 2^-m;
//   - the first two dimensions form a (0, 2)-sequence: each of the first
//     2^m points falls in its own box [i/2^a, (i+1)/2^a) x [j/2^b, (j+1)/2^b)
//     for every a + b = m;
//   - dimension 1 is the van der Corput sequence of the plain sampler.
func TestSobolNets(t *testing.T) {
	const m = 10
	s := newSobol(1 + MaxRanges)
	pts := make([][]float64, 1<<m)
	for i := range pts {
		pts[i] = make([]float64, 1+MaxRanges)
		s.point(uint64(i), pts[i])
		if pts[i][0] != vanDerCorput(uint64(i)) {
			t.Fatalf("point %d: dimension 1 is %g, van der Corput %g", i, pts[i][0], vanDerCorput(uint64(i)))
		}
	}
	for d := range 1 + MaxRanges {
		seen := make([]bool, 1<<m)
		for _, p := range pts {
			seen[int(p[d]*(1<<m))] = true
		}
		if slices.Contains(seen, false) {
			t.Errorf("dimension %d: the first %d points leave an interval of length 2^-%d empty", d+1, 1<<m, m)
		}
	}
	for a := 0; a <= m; a++ {
		b := m - a
		seen := map[[2]int]bool{}
		for _, p := range pts {
			box := [2]int{int(p[0] * float64(int(1)<<a)), int(p[1] * float64(int(1)<<b))}
			if seen[box] {
				t.Errorf("boxes 2^-%d x 2^-%d: two points in box %v", a, b, box)
				break
			}
			seen[box] = true
		}
	}
}

// TestFamilySamplers checks Inputs on a family's product domain
// [0, 2] x [0.5, 2] x [-1, 1], and that it is Points as one column for a
// plain problem.
func TestFamilySamplers(t *testing.T) {
	p := twoRanges(t)
	inside := func(name string, cols [][]float64, n int) {
		t.Helper()
		if len(cols) != 3 || len(cols[0]) != n || len(cols[1]) != n || len(cols[2]) != n {
			t.Fatalf("%s: %d columns of %d points, want 3 of %d", name, len(cols), len(cols[0]), n)
		}
		lo, hi := []float64{0, -1, 0.5}, []float64{2, 1, 2} // t, a, k
		for d, c := range cols {
			for _, x := range c {
				if x < lo[d] || x > hi[d] {
					t.Errorf("%s: input %d = %g outside [%g, %g]", name, d, x, lo[d], hi[d])
				}
			}
		}
		if !slices.IsSorted(cols[0]) {
			t.Errorf("%s: t not ascending", name)
		}
	}

	s := p.NewSampler(SampleSobol, nil)
	first, second := s.Inputs(4), s.Inputs(4)
	inside("sobol", first, 4)
	// Points 1-4 of the sequence, sorted by t; dimension 2 of point 4 is
	// 5/8, that is a = -1 + 2 (5/8) = 0.25 (see TestSobolFirstPoints).
	if want := []float64{0.25, 0.5, 1, 1.5}; !slices.Equal(first[0], want) || first[1][0] != 0.25 {
		t.Errorf("sobol t %v, a %v; want t %v and a = 0.25 first", first[0], first[1], want)
	}
	if slices.Equal(first[0], second[0]) {
		t.Error("sobol: the second call repeated the first")
	}

	g := p.NewSampler(SampleGrid, nil).Inputs(20) // 3^3 = 27 >= 20
	inside("grid", g, 27)
	if g[0][0] != 0 || g[0][26] != 2 || g[1][0] != -1 || g[2][1] != 1.25 || g[2][2] != 2 {
		t.Errorf("grid: %v", g)
	}

	draw := func() [][]float64 { return p.NewSampler(SampleUniform, newRand(7)).Inputs(50) }
	u := draw()
	inside("uniform", u, 50)
	if !slices.Equal(u[2], draw()[2]) {
		t.Error("uniform: not repeatable for a seed")
	}

	plain, _ := Builtin("forum-final")
	for _, kind := range Samplings() {
		got := plain.NewSampler(kind, newRand(3)).Inputs(9)
		want := plain.NewSampler(kind, newRand(3)).Points(9)
		if len(got) != 1 || !slices.Equal(got[0], want) {
			t.Errorf("%s: Inputs %v, Points %v", kind, got, want)
		}
	}
}

// TestJoeKuoTable checks what can be checked of the table without a copy
// of it: each polynomial x^s + a_1 x^(s-1) + ... + a_(s-1) x + 1 is
// primitive over GF(2) (x has order 2^s - 1 modulo it), the degrees never
// fall, no polynomial repeats, and each m_k is odd and below 2^k.
func TestJoeKuoTable(t *testing.T) {
	if len(joeKuo) != MaxRanges {
		t.Errorf("%d rows of direction numbers for t and %d range parameters", len(joeKuo), MaxRanges)
	}
	seen := map[uint64]bool{}
	prev := 0
	for d, row := range joeKuo {
		s := len(row.m)
		poly := uint64(1)<<s | row.a<<1 | 1
		x, order := uint64(1), 0
		for {
			x <<= 1 // multiply by x, then reduce modulo poly
			if x>>s&1 == 1 {
				x ^= poly
			}
			order++
			if x == 1 || order > 1<<s {
				break
			}
		}
		if order != 1<<s-1 || seen[poly] || s < prev {
			t.Errorf("dimension %d: polynomial %b has x of order %d (want %d), repeated %v, degree %d after %d", d+2, poly, order, 1<<s-1, seen[poly], s, prev)
		}
		seen[poly], prev = true, s
		for k, m := range row.m {
			if m%2 == 0 || m >= 1<<(k+1) {
				t.Errorf("dimension %d: m_%d = %d is not odd and below 2^%d", d+2, k+1, m, k+1)
			}
		}
	}
}
