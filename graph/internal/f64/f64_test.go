package f64_test

import (
	"fmt"
	"math"
	"math/rand/v2"
	"testing"

	"pinn/graph/internal/f64"
)

// newRand is the generator graph.NewRand makes, so that the tests draw the
// samples they drew before the kernels had a package of their own.
func newRand(seed uint64) *rand.Rand { return rand.New(rand.NewPCG(seed, 0x9e3779b97f4a7c15)) }

// guard is how many NaN values surround every slice a test hands a kernel:
// as many as the widest block of the assembly (16 with AVX-512).
const guard = 16

// offsets are where a slice starts in its backing array after the front
// guard: 0, and 1 so that the assembly's loads and stores are misaligned.
var offsets = []int{0, 1}

// guards counts the guarded arrays made, to tag each one's NaN values.
var guards uint64

// guardNaN is the NaN at index i of the guarded array tagged tag: the
// payload tells the arrays apart, so that a value a kernel computed from one
// array's guards and wrote past the end of another shows.
func guardNaN(tag uint64, i int) float64 {
	return math.Float64frombits(0x7ff8_0000_0000_0000 | (tag&0xff_ffff)<<24 | uint64(i))
}

// guarded returns a slice holding data that starts off elements after guard
// NaN values and is followed by guard NaN values, and the whole array.
func guarded(data []float64, off int) (v, whole []float64) {
	guards++
	whole = make([]float64, guard+off+len(data)+guard)
	for i := range whole {
		whole[i] = guardNaN(guards, i)
	}
	v = whole[guard+off : guard+off+len(data)]
	copy(v, data)
	return v, whole
}

// nans returns n NaN values.
func nans(n int) []float64 {
	x := make([]float64, n)
	for i := range x {
		x[i] = math.NaN()
	}
	return x
}

// checkGuards fails if a value around v in its array whole is not the guard
// NaN it was, bit for bit: the kernel wrote outside its slice.
func checkGuards(t *testing.T, name string, v, whole []float64, off int) {
	t.Helper()
	tag := math.Float64bits(whole[0]) >> 24
	for i, x := range whole {
		if (i < guard+off || i >= guard+off+len(v)) && math.Float64bits(x) != math.Float64bits(guardNaN(tag, i)) {
			t.Fatalf("%s: wrote %v into the guard at %d (the slice is [%d, %d))", name, x, i, guard+off, guard+off+len(v))
		}
	}
}

// checkUnchanged fails if the input v no longer holds want, bit for bit.
func checkUnchanged(t *testing.T, name string, v, want []float64) {
	t.Helper()
	for i := range want {
		if math.Float64bits(v[i]) != math.Float64bits(want[i]) {
			t.Fatalf("%s: changed its read-only argument at %d from %v to %v", name, i, want[i], v[i])
		}
	}
}

// eachISA runs test once for each implementation of the kernels this build
// can run on this CPU, as a subtest named after it.
func eachISA(t *testing.T, test func(t *testing.T)) {
	for _, name := range f64.Implementations() {
		t.Run(name, func(t *testing.T) {
			use(t, name)
			test(t)
		})
	}
}

// use makes the kernels run the implementation named name until the test
// ends.
func use(tb testing.TB, name string) {
	tb.Helper()
	before, err := f64.Use(name)
	if err != nil {
		tb.Fatal(err)
	}
	tb.Cleanup(func() { f64.Use(before) })
}

// TestUse checks that Use switches to each implementation Implementations
// lists (Kernels says which runs) and refuses a name it does not list.
func TestUse(t *testing.T) {
	kernels := map[string]string{}
	for _, name := range f64.Implementations() {
		t.Run(name, func(t *testing.T) {
			use(t, name)
			kernels[f64.Kernels()] = name
		})
	}
	if len(kernels) != len(f64.Implementations()) {
		t.Errorf("Kernels() said %v for the implementations %v: one each expected", kernels, f64.Implementations())
	}
	before := f64.Kernels()
	if _, err := f64.Use("sse9"); err == nil || f64.Kernels() != before {
		t.Errorf("Use(\"sse9\"): err = %v, and the kernels are now %s (were %s)", err, f64.Kernels(), before)
	}
}

// uniform returns n numbers drawn uniformly from [-1, 1).
func uniform(rng *rand.Rand, n int) []float64 {
	x := make([]float64, n)
	for i := range x {
		x[i] = 2*rng.Float64() - 1
	}
	return x
}

// TestGemm compares Gemm with a plain triple loop, with each implementation,
// for shapes around the AVX2 kernels' 4x8 and 6x8 blocks and the AVX-512
// kernel's 8x16 blocks (edges in both directions, k from 0 to 70, leading
// dimensions wider than the matrices), A as stored or transposed, both write
// modes, and each matrix at offsets 0 and 1. The columns between a row's end
// and the leading dimension hold NaN: reading one would make C NaN, writing
// one shows (C's hold a NaN of their own). Without accumulate C starts as
// NaN, so every element must be written, not added to.
//
// Tolerance: each element is a sum of k products of numbers in [-1, 1]; the
// fused multiply-adds and the loop round differently, by at most k eps per
// element, so 1e-15 k (with k <= 70: 7e-14) bounds a correct kernel, while a
// wrong index or a missed row gives errors of order 0.1.
func TestGemm(t *testing.T) { eachISA(t, testGemm) }

func testGemm(t *testing.T) {
	rng := newRand(5)
	// gap fills C between a row's end and the leading dimension: a NaN
	// whose payload differs from those of A and B, so that a value computed
	// from their gaps and written there shows.
	gap := guardNaN(1<<23, 0)
	// matrix returns rows x cols numbers in [-1, 1) stored with leading
	// dimension ld, NaN between cols and ld.
	matrix := func(rows, cols, ld int) []float64 {
		x := nans(rows * ld)
		for i := range rows {
			copy(x[i*ld:i*ld+cols], uniform(rng, cols))
		}
		return x
	}
	for _, m := range []int{1, 3, 4, 7, 8, 9, 12, 13, 14, 16, 17, 128} {
		for _, n := range []int{1, 5, 8, 9, 15, 16, 17, 24, 33, 64} {
			for _, k := range []int{0, 1, 2, 8, 31, 70} {
				for _, mode := range [][2]bool{{false, false}, {false, true}, {true, false}, {true, true}} {
					for _, off := range offsets {
						transA, accumulate := mode[0], mode[1]
						lda, ldb, ldc := k+1, n+2, n+3
						a0 := matrix(m, k, lda)
						at := func(i, p int) float64 { return a0[i*lda+p] }
						if transA {
							lda = m + 1
							a0 = matrix(max(k, 1), m, lda)
							at = func(i, p int) float64 { return a0[p*lda+i] }
						}
						b0 := matrix(max(k, 1), n, ldb)
						c0 := nans(m * ldc)
						if accumulate {
							c0 = matrix(m, n, ldc)
						}
						for i := range m {
							for j := n; j < ldc; j++ {
								c0[i*ldc+j] = gap
							}
						}
						want := append([]float64(nil), c0...)
						for i := range m {
							for j := range n {
								s := 0.0
								for p := range k {
									s += at(i, p) * b0[p*ldb+j]
								}
								if accumulate {
									want[i*ldc+j] += s
								} else {
									want[i*ldc+j] = s
								}
							}
						}
						a, aw := guarded(a0, off)
						b, bw := guarded(b0, off)
						c, cw := guarded(c0, off)
						f64.Gemm(transA, m, n, k, a, lda, b, ldb, c, ldc, accumulate)
						name := fmt.Sprintf("m=%d n=%d k=%d transA=%t accumulate=%t offset=%d", m, n, k, transA, accumulate, off)
						checkGuards(t, name, c, cw, off)
						checkGuards(t, name+" (A)", a, aw, off)
						checkGuards(t, name+" (B)", b, bw, off)
						checkUnchanged(t, name+" (A)", a, a0)
						checkUnchanged(t, name+" (B)", b, b0)
						for i := range m {
							for j := range ldc {
								got, w := c[i*ldc+j], want[i*ldc+j]
								if j >= n { // between rows: must stay as it was
									if math.Float64bits(got) != math.Float64bits(gap) {
										t.Fatalf("%s: wrote %v at row %d column %d, past the row's %d columns", name, got, i, j, n)
									}
									continue
								}
								if !(math.Abs(got-w) <= 1e-15*float64(k+1)) {
									t.Fatalf("%s: C(%d, %d) is %.17g, want %.17g", name, i, j, got, w)
								}
							}
						}
					}
				}
			}
		}
	}
}

// pointwiseLengths are lengths around the kernels' eight-, sixteen- and
// 32-wide steps, and 321 (forum-final's parameters, which L-BFGS's
// vectors hold).
var pointwiseLengths = []int{0, 1, 7, 8, 9, 16, 31, 32, 33, 100, 321}

// TestPointwise checks the pointwise kernels against their reference loops
// for lengths around their eight-wide steps, with the output and the inputs
// each at offsets 0 and 1. They do one IEEE operation per element, so the
// results must be the same bits, with each implementation.
func TestPointwise(t *testing.T) { eachISA(t, testPointwise) }

func testPointwise(t *testing.T) {
	rng := newRand(6)
	for _, n := range pointwiseLengths {
		a0, b0 := uniform(rng, n), uniform(rng, n)
		s := rng.Float64()
		ops := []struct {
			name string
			run  func(out, a, b []float64)
			want func(i int) float64
		}{
			{"MulTo", f64.MulTo, func(i int) float64 { return a0[i] * b0[i] }},
			{"AddTo", f64.AddTo, func(i int) float64 { return a0[i] + b0[i] }},
			{"SubTo", f64.SubTo, func(i int) float64 { return a0[i] - b0[i] }},
			{"ScaleTo", func(out, a, _ []float64) { f64.ScaleTo(out, a, s) }, func(i int) float64 { return a0[i] * s }},
			{"ShiftTo", func(out, a, _ []float64) { f64.ShiftTo(out, a, -s) }, func(i int) float64 { return a0[i] - s }},
			{"SubFromTo", func(out, _, b []float64) { f64.SubFromTo(out, s, b) }, func(i int) float64 { return s - b0[i] }},
			{"NegTo", func(out, a, _ []float64) { f64.NegTo(out, a) }, func(i int) float64 { return -a0[i] }},
			{"MulScaleTo", func(out, a, b []float64) { f64.MulScaleTo(out, a, b, -2) }, func(i int) float64 { return float64(a0[i]*b0[i]) * -2 }},
			{"SubSquareTo", func(out, a, _ []float64) { f64.SubSquareTo(out, s, a) }, func(i int) float64 { return s - float64(a0[i]*a0[i]) }},
		}
		for _, op := range ops {
			for _, outOff := range offsets {
				for _, inOff := range offsets {
					name := fmt.Sprintf("%s n=%d out offset %d, input offset %d", op.name, n, outOff, inOff)
					a, _ := guarded(a0, inOff)
					b, _ := guarded(b0, inOff)
					out, whole := guarded(nans(n), outOff)
					op.run(out, a, b)
					checkGuards(t, name, out, whole, outOff)
					checkUnchanged(t, name, a, a0)
					checkUnchanged(t, name, b, b0)
					for i := range n {
						if w := op.want(i); math.Float64bits(out[i]) != math.Float64bits(w) {
							t.Fatalf("%s: element %d is %v, want %v", name, i, out[i], w)
						}
					}
				}
			}
		}
	}
}

// TestTanh compares TanhTo with math.Tanh on a fine grid over [-40, 40],
// random points at several scales, and the special values, with the output
// and the input each at offsets 0 and 1, with each implementation; and the
// first 0 to 17 of those values alone, around the four- and eight-wide
// steps of the assembly.
//
// Tolerance: 2 ulp of the result. The vector path evaluates math.Tanh's own
// formulas with fused multiply-adds and its own exp (Taylor degree 13,
// truncation 4e-18), so it may round differently in the last bit or two;
// a wrong coefficient or branch gives errors of 1e-3 and more.
func TestTanh(t *testing.T) { eachISA(t, testTanh) }

func testTanh(t *testing.T) {
	var xs []float64
	for x := -40.0; x <= 40; x += 1.0 / 1024 {
		xs = append(xs, x)
	}
	rng := newRand(8)
	for _, scale := range []float64{1e-300, 1e-8, 1e-3, 0.3, 0.625, 1, 3, 20, 400, 1e300} {
		for range 1000 {
			xs = append(xs, scale*rng.NormFloat64())
		}
	}
	xs = append(xs, 0, math.Copysign(0, -1), 0.625, -0.625, math.Nextafter(0.625, 0), 354, 355, 1e308,
		math.Inf(1), math.Inf(-1), math.NaN(), math.SmallestNonzeroFloat64)
	worst := 0.0
	lengths := []int{len(xs)}
	for n := range 18 {
		lengths = append(lengths, n)
	}
	for _, n := range lengths {
		for _, outOff := range offsets {
			for _, inOff := range offsets {
				worst = max(worst, checkTanh(t, xs[:n], outOff, inOff))
			}
		}
	}
	t.Logf("%d values, worst %.1f ulp from math.Tanh (kernels: %s)", len(xs), worst, f64.Kernels())
}

// checkTanh runs TanhTo on xs with the output and the input at the given
// offsets, checks the guards and every value, and returns the largest
// distance from math.Tanh in ulp.
func checkTanh(t *testing.T, xs []float64, outOff, inOff int) (worst float64) {
	t.Helper()
	name := fmt.Sprintf("%d values, out offset %d, input offset %d", len(xs), outOff, inOff)
	in, _ := guarded(xs, inOff)
	got, whole := guarded(nans(len(xs)), outOff)
	f64.TanhTo(got, in)
	checkGuards(t, name, got, whole, outOff)
	checkUnchanged(t, name, in, xs)
	for i, x := range xs {
		want := math.Tanh(x)
		if math.IsNaN(want) != math.IsNaN(got[i]) || math.Signbit(want) != math.Signbit(got[i]) {
			t.Fatalf("%s: tanh(%v) = %v, want %v", name, x, got[i], want)
		}
		if want == 0 || math.IsNaN(want) {
			if got[i] != want && !math.IsNaN(want) {
				t.Fatalf("%s: tanh(%v) = %v, want %v", name, x, got[i], want)
			}
			continue
		}
		ulp := math.Abs(math.Nextafter(want, 0) - want)
		err := math.Abs(got[i]-want) / ulp
		worst = max(worst, err)
		if err > 2 {
			t.Fatalf("%s: tanh(%.17g) = %.17g, want %.17g: %.1f ulp apart", name, x, got[i], want, err)
		}
	}
	return worst
}

// TestAddRows checks AddRowsTo against its reference loop for widths
// around its sixteen- and four-wide steps and 0 to 5 rows, with out and a
// each at offsets 0 and 1, with each implementation. It adds the rows in
// order, one IEEE addition per element and row, so the results must be the
// same bits.
func TestAddRows(t *testing.T) { eachISA(t, testAddRows) }

func testAddRows(t *testing.T) {
	rng := newRand(7)
	for _, cols := range []int{1, 3, 4, 5, 15, 16, 17, 21, 32, 64} {
		for rows := range 6 {
			a0, out0 := uniform(rng, rows*cols), uniform(rng, cols)
			want := append([]float64(nil), out0...)
			for r := range rows {
				for j := range cols {
					want[j] += a0[r*cols+j]
				}
			}
			for _, outOff := range offsets {
				for _, inOff := range offsets {
					name := fmt.Sprintf("%d rows of %d, out offset %d, input offset %d", rows, cols, outOff, inOff)
					a, _ := guarded(a0, inOff)
					out, whole := guarded(out0, outOff)
					f64.AddRowsTo(out, a)
					checkGuards(t, name, out, whole, outOff)
					checkUnchanged(t, name, a, a0)
					for j := range cols {
						if math.Float64bits(out[j]) != math.Float64bits(want[j]) {
							t.Fatalf("%s: column %d is %v, want %v", name, j, out[j], want[j])
						}
					}
				}
			}
		}
	}
}

// TestAddRow checks AddRowTo against its reference loop for row widths
// around its eight-wide steps and 0 to 3 rows, with each slice at offsets 0
// and 1, with each implementation: one IEEE addition per element, so the
// same bits.
func TestAddRow(t *testing.T) { eachISA(t, testAddRow) }

func testAddRow(t *testing.T) {
	rng := newRand(11)
	for _, cols := range []int{1, 3, 7, 8, 9, 16, 21, 32} {
		for rows := range 4 {
			a0, row0 := uniform(rng, rows*cols), uniform(rng, cols)
			for _, outOff := range offsets {
				for _, inOff := range offsets {
					name := fmt.Sprintf("%d rows of %d, out offset %d, input offset %d", rows, cols, outOff, inOff)
					a, _ := guarded(a0, inOff)
					row, _ := guarded(row0, inOff)
					out, whole := guarded(nans(rows*cols), outOff)
					f64.AddRowTo(out, a, row)
					checkGuards(t, name, out, whole, outOff)
					checkUnchanged(t, name, a, a0)
					checkUnchanged(t, name, row, row0)
					for i := range out {
						if w := a0[i] + row0[i%cols]; math.Float64bits(out[i]) != math.Float64bits(w) {
							t.Fatalf("%s: element %d is %v, want %v", name, i, out[i], w)
						}
					}
				}
			}
		}
	}
}

// TestAxpyDot checks Axpy, Dot and AxpyDot (the kernels inside Gemm's
// edges, and L-BFGS's) against their reference loops, with each implementation, for
// lengths around their eight- and 32-wide steps and 321 (forum-final's
// parameters), each slice at offsets 0 and 1. Tolerance: fused
// multiply-adds and the dot product's partial sums round differently from
// the loops, by at most n eps for n terms in [-1, 1]; 1e-15 n allows that,
// and 2e-15 n for AxpyDot's terms in [-1.7, 1.7].
func TestAxpyDot(t *testing.T) { eachISA(t, testAxpyDot) }

func testAxpyDot(t *testing.T) {
	rng := newRand(9)
	for _, n := range pointwiseLengths {
		a0, b0 := uniform(rng, n), uniform(rng, n)
		want := 0.0
		for i := range a0 {
			want += a0[i] * b0[i]
		}
		for _, outOff := range offsets {
			for _, inOff := range offsets {
				name := fmt.Sprintf("n=%d out offset %d, input offset %d", n, outOff, inOff)
				a, _ := guarded(a0, inOff)
				b, _ := guarded(b0, outOff)
				if got := f64.Dot(a, b); !(math.Abs(got-want) <= 1e-15*float64(n+1)) {
					t.Errorf("Dot %s: %.17g, want %.17g", name, got, want)
				}
				checkUnchanged(t, "Dot "+name, a, a0)
				checkUnchanged(t, "Dot "+name, b, b0)
				out, whole := guarded(b0, outOff)
				f64.Axpy(out, a, 0.7)
				checkGuards(t, "Axpy "+name, out, whole, outOff)
				checkUnchanged(t, "Axpy "+name, a, a0)
				for i := range n {
					if w := b0[i] + 0.7*a0[i]; !(math.Abs(out[i]-w) <= 1e-15) {
						t.Errorf("Axpy %s: element %d is %.17g, want %.17g", name, i, out[i], w)
					}
				}
				out, whole = guarded(b0, outOff)
				sum, wantSum := f64.AxpyDot(out, a, 0.7, a), 0.0
				checkGuards(t, "AxpyDot "+name, out, whole, outOff)
				checkUnchanged(t, "AxpyDot "+name, a, a0)
				for i := range n {
					w := b0[i] + 0.7*a0[i]
					wantSum += w * a0[i]
					if !(math.Abs(out[i]-w) <= 1e-15) {
						t.Errorf("AxpyDot %s: element %d is %.17g, want %.17g", name, i, out[i], w)
					}
				}
				if !(math.Abs(sum-wantSum) <= 2e-15*float64(n+1)) {
					t.Errorf("AxpyDot %s: the sum is %.17g, want %.17g", name, sum, wantSum)
				}
			}
		}
	}
}

// BenchmarkGemm times the products a tile of the compiled executor makes,
// with each implementation: a tile of 128 rows times a width-by-width weight
// matrix (A B, as the forward pass and the reverse passes make them) and
// the weight gradient over the tile's rows (Aᵀ B), for widths 32 and 64. It
// reports GFLOP/s (2 m n k per product) to compare with the CPU's peak.
func BenchmarkGemm(b *testing.B) {
	rng := newRand(10)
	for _, w := range []int{32, 64} {
		for _, transA := range []bool{false, true} {
			m, n, k := 128, w, w
			form := "AB"
			if transA {
				m, k, form = w, 128, "AtB"
			}
			a, bm, c := uniform(rng, m*k), uniform(rng, k*n), make([]float64, m*n)
			lda := k
			if transA {
				lda = m
			}
			for _, name := range f64.Implementations() {
				b.Run(fmt.Sprintf("form=%s/width=%d/kernels=%s", form, w, name), func(b *testing.B) {
					use(b, name)
					for b.Loop() {
						f64.Gemm(transA, m, n, k, a, lda, bm, n, c, n, transA)
					}
					b.ReportMetric(2*float64(m*n*k)*float64(b.N)/b.Elapsed().Seconds()/1e9, "GFLOP/s")
				})
			}
		}
	}
}
