package graph

import (
	"fmt"
	"math"
	"testing"
)

// TestGemm compares gemm with a plain triple loop for shapes around the
// kernel's 4x8 blocks (edges in both directions, k from 0 to 70, leading
// dimensions wider than the matrices), A as stored or transposed, and both
// write modes.
//
// Tolerance: each element is a sum of k products of numbers in [-1, 1]; the
// fused multiply-adds and the loop round differently, by at most k eps per
// element, so 1e-15 k (with k <= 70: 7e-14) bounds a correct kernel, while a
// wrong index or a missed row gives errors of order 0.1.
func TestGemm(t *testing.T) {
	rng := NewRand(5)
	fill := func(n int) []float64 {
		x := make([]float64, n)
		for i := range x {
			x[i] = 2*rng.Float64() - 1
		}
		return x
	}
	for _, m := range []int{1, 3, 4, 7, 8, 13, 128} {
		for _, n := range []int{1, 5, 8, 9, 16, 33, 64} {
			for _, k := range []int{0, 1, 2, 8, 31, 70} {
				for _, mode := range [][2]bool{{false, false}, {false, true}, {true, false}, {true, true}} {
					transA, accumulate := mode[0], mode[1]
					lda, ldb, ldc := k+1, n+2, n+3
					a := fill(m * lda)
					at := func(i, p int) float64 { return a[i*lda+p] }
					if transA {
						lda = m + 1
						a = fill(max(k, 1) * lda)
						at = func(i, p int) float64 { return a[p*lda+i] }
					}
					b, c := fill(max(k, 1)*ldb), fill(m*ldc)
					want := append([]float64(nil), c...)
					for i := 0; i < m; i++ {
						for j := 0; j < n; j++ {
							s := 0.0
							for p := 0; p < k; p++ {
								s += at(i, p) * b[p*ldb+j]
							}
							if accumulate {
								want[i*ldc+j] += s
							} else {
								want[i*ldc+j] = s
							}
						}
					}
					gemm(transA, m, n, k, a, lda, b, ldb, c, ldc, accumulate)
					name := fmt.Sprintf("m=%d n=%d k=%d transA=%t accumulate=%t", m, n, k, transA, accumulate)
					for i := range c {
						if math.Abs(c[i]-want[i]) > 1e-15*float64(k+1) {
							t.Fatalf("%s: element %d is %.17g, want %.17g", name, i, c[i], want[i])
						}
					}
				}
			}
		}
	}
}

// TestPointwise checks the pointwise loops (assembly where the CPU has it)
// against plain Go for lengths around their eight-wide steps. They do one
// IEEE operation per element, so the results must be the same bits.
func TestPointwise(t *testing.T) {
	rng := NewRand(6)
	for _, n := range []int{0, 1, 7, 8, 9, 16, 31, 100} {
		a, b := make([]float64, n+3), make([]float64, n+3)
		for i := range a {
			a[i], b[i] = 2*rng.Float64()-1, 2*rng.Float64()-1
		}
		s := rng.Float64()
		ops := []struct {
			name string
			run  func(out []float64)
			want func(i int) float64
		}{
			{"mul", func(out []float64) { mulTo(out, a, b) }, func(i int) float64 { return a[i] * b[i] }},
			{"add", func(out []float64) { addTo(out, a, b) }, func(i int) float64 { return a[i] + b[i] }},
			{"sub", func(out []float64) { subTo(out, a, b) }, func(i int) float64 { return a[i] - b[i] }},
			{"scale", func(out []float64) { scaleTo(out, a, s) }, func(i int) float64 { return a[i] * s }},
			{"shift", func(out []float64) { shiftTo(out, a, -s) }, func(i int) float64 { return a[i] - s }},
		}
		for _, op := range ops {
			out := make([]float64, n+1)
			out[n] = 42 // past the end: must stay
			op.run(out[:n])
			for i := 0; i < n; i++ {
				if out[i] != op.want(i) {
					t.Fatalf("%s n=%d: element %d is %v, want %v", op.name, n, i, out[i], op.want(i))
				}
			}
			if out[n] != 42 {
				t.Fatalf("%s n=%d wrote past the end", op.name, n)
			}
		}
	}
}

// TestTanh compares tanhTo with math.Tanh on a fine grid over [-40, 40],
// random points at several scales, and the special values.
//
// Tolerance: 2 ulp of the result. The vector path evaluates math.Tanh's own
// formulas with fused multiply-adds and its own exp (Taylor degree 13,
// truncation 4e-18), so it may round differently in the last bit or two;
// a wrong coefficient or branch gives errors of 1e-3 and more.
func TestTanh(t *testing.T) {
	var xs []float64
	for x := -40.0; x <= 40; x += 1.0 / 1024 {
		xs = append(xs, x)
	}
	rng := NewRand(8)
	for _, scale := range []float64{1e-300, 1e-8, 1e-3, 0.3, 0.625, 1, 3, 20, 400, 1e300} {
		for range 1000 {
			xs = append(xs, scale*rng.NormFloat64())
		}
	}
	xs = append(xs, 0, math.Copysign(0, -1), 0.625, -0.625, math.Nextafter(0.625, 0), 354, 355, 1e308,
		math.Inf(1), math.Inf(-1), math.NaN(), math.SmallestNonzeroFloat64)
	got := make([]float64, len(xs))
	tanhTo(got, xs)
	worst := 0.0
	for i, x := range xs {
		want := math.Tanh(x)
		if math.IsNaN(want) != math.IsNaN(got[i]) || math.Signbit(want) != math.Signbit(got[i]) {
			t.Fatalf("tanh(%v) = %v, want %v", x, got[i], want)
		}
		if want == 0 || math.IsNaN(want) {
			if got[i] != want && !math.IsNaN(want) {
				t.Fatalf("tanh(%v) = %v, want %v", x, got[i], want)
			}
			continue
		}
		ulp := math.Abs(math.Nextafter(want, 0) - want)
		err := math.Abs(got[i]-want) / ulp
		worst = max(worst, err)
		if err > 2 {
			t.Fatalf("tanh(%.17g) = %.17g, want %.17g: %.1f ulp apart", x, got[i], want, err)
		}
	}
	t.Logf("%d values, worst %.1f ulp from math.Tanh (kernels: %s)", len(xs), worst, Kernels())
}

// TestAxpyDot checks axpyTo and dot against plain loops for lengths around
// their eight-wide steps. Tolerance: fused multiply-adds and the dot
// product's partial sums round differently from the loops, by at most n
// eps for n terms in [-1, 1]; 1e-15 n allows that.
func TestAxpyDot(t *testing.T) {
	rng := NewRand(9)
	for _, n := range []int{0, 1, 7, 8, 9, 16, 31, 100} {
		a, b := make([]float64, n), make([]float64, n+1)
		for i := range a {
			a[i], b[i] = 2*rng.Float64()-1, 2*rng.Float64()-1
		}
		want := 0.0
		for i := range a {
			want += a[i] * b[i]
		}
		if got := dot(a, b); math.Abs(got-want) > 1e-15*float64(n+1) {
			t.Errorf("dot n=%d: %.17g, want %.17g", n, got, want)
		}
		out := append([]float64(nil), b...)
		axpyTo(out[:n], a, 0.7)
		for i := range n {
			if w := b[i] + 0.7*a[i]; math.Abs(out[i]-w) > 1e-15 {
				t.Errorf("axpy n=%d: element %d is %.17g, want %.17g", n, i, out[i], w)
			}
		}
		if out[n] != b[n] {
			t.Errorf("axpy n=%d wrote past the end", n)
		}
	}
}
