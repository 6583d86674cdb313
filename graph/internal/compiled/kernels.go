package compiled

import "pinn/graph/internal/f64"

// kernel computes one node from its arguments' numbers. Every buffer is a
// flat row-major slice; a kernel that runs on tiles sees only the rows of the
// tile, so it derives row counts from the lengths it is given. Reductions
// (kernels made by the reduce* functions) add into out; the machine zeroes
// out before the first call. scratch is the calling worker's own buffer,
// which a kernel may grow and overwrite.
type kernel func(out []float64, args [][]float64, scratch *[]float64)

// mapKernel returns the kernel that applies f to each element.
func mapKernel(f func(float64) float64) kernel {
	return func(out []float64, args [][]float64, _ *[]float64) {
		a := args[0][:len(out)]
		for i := range out {
			out[i] = f(a[i])
		}
	}
}

// The commonest pointwise functions get loops of their own (neg and tanh
// the assembly of package f64).

func negKernel(out []float64, args [][]float64, _ *[]float64) { f64.NegTo(out, args[0]) }

func squareKernel(out []float64, args [][]float64, _ *[]float64) {
	a := args[0][:len(out)]
	for i := range out {
		out[i] = a[i] * a[i]
	}
}

func tanhKernel(out []float64, args [][]float64, _ *[]float64) { f64.TanhTo(out, args[0]) }

// The kernels of the four arithmetic operators. Either argument may hold a
// single number, which then stands for every element.
var (
	addKernel = pointwise(f64.AddTo, func(out []float64, s float64, b []float64) { f64.ShiftTo(out, b, s) }, f64.ShiftTo)
	subKernel = pointwise(f64.SubTo, f64.SubFromTo, func(out, a []float64, s float64) { f64.ShiftTo(out, a, -s) })
	mulKernel = pointwise(f64.MulTo, func(out []float64, s float64, b []float64) { f64.ScaleTo(out, b, s) }, f64.ScaleTo)
	divKernel = pointwise(func(out, a, b []float64) {
		a, b = a[:len(out)], b[:len(out)]
		for i := range out {
			out[i] = a[i] / b[i]
		}
	}, func(out []float64, s float64, b []float64) {
		for i, y := range b[:len(out)] {
			out[i] = s / y
		}
	}, func(out, a []float64, s float64) {
		for i, x := range a[:len(out)] {
			out[i] = x / s
		}
	})
)

// zipKernel returns the kernel that applies f to each pair of elements;
// either argument may hold a single number, which then stands for every
// element.
func zipKernel(f func(a, b float64) float64) kernel {
	return func(out []float64, args [][]float64, _ *[]float64) {
		a, b := args[0], args[1]
		for i := range out {
			out[i] = f(a[min(i, len(a)-1)], b[min(i, len(b)-1)])
		}
	}
}

// pointwise returns the kernel of a binary operator from its loops for
// two whole arguments, a single number on the left and one on the right.
func pointwise(both func(out, a, b []float64), left func(out []float64, s float64, b []float64), right func(out, a []float64, s float64)) kernel {
	return func(out []float64, args [][]float64, _ *[]float64) {
		a, b := args[0], args[1]
		switch {
		case len(a) == 1 && len(out) > 1:
			left(out, a[0], b)
		case len(b) == 1 && len(out) > 1:
			right(out, a, b[0])
		default:
			both(out, a, b)
		}
	}
}

// addRowKernel returns the kernel of an addition of args[a] and a single
// row args[row] added to each of its rows (see Machine.fold).
func addRowKernel(a, row int) kernel {
	return func(out []float64, args [][]float64, _ *[]float64) { f64.AddRowTo(out, args[a], args[row]) }
}

// scaledProductKernel returns the kernel of args[0] ⊙ args[1] times s, the
// product rounded first (see Machine.fold).
func scaledProductKernel(s float64) kernel {
	return func(out []float64, args [][]float64, _ *[]float64) { f64.MulScaleTo(out, args[0], args[1], s) }
}

// subSquareKernel is args[0] - args[1] ⊙ args[1] for a single number
// args[0], the square rounded first (see Machine.fold).
func subSquareKernel(out []float64, args [][]float64, _ *[]float64) {
	f64.SubSquareTo(out, args[0][0], args[1])
}

// copyKernel copies its first argument (Reshape, and Repeat once).
func copyKernel(out []float64, args [][]float64, _ *[]float64) { copy(out, args[0]) }

// repeatRowsKernel fills every row of out with the single row args[0].
func repeatRowsKernel(out []float64, args [][]float64, _ *[]float64) {
	row := args[0]
	for i := 0; i < len(out); i += len(row) {
		copy(out[i:i+len(row)], row)
	}
}

// repeatColsKernel repeats each element of args[0] reps times along a row.
func repeatColsKernel(reps int) kernel {
	return func(out []float64, args [][]float64, _ *[]float64) {
		for i, x := range args[0][:len(out)/reps] {
			o := out[i*reps : (i+1)*reps]
			for j := range o {
				o[j] = x
			}
		}
	}
}

// reduceAll adds the sum of every element of args[0] to out[0].
func reduceAll(out []float64, args [][]float64, _ *[]float64) {
	s := 0.0
	for _, x := range args[0] {
		s += x
	}
	out[0] += s
}

// reduceRows adds the column sums of the matrix args[0], as wide as out, to
// out.
func reduceRows(out []float64, args [][]float64, _ *[]float64) { f64.AddRowsTo(out, args[0]) }

// sumCols sums each row of the cols-wide matrix args[0] (Σ along axis 1).
func sumCols(cols int) kernel {
	return func(out []float64, args [][]float64, _ *[]float64) {
		a := args[0]
		for i := range out {
			s := 0.0
			for _, x := range a[i*cols : (i+1)*cols] {
				s += x
			}
			out[i] = s
		}
	}
}

// matMul returns the kernel of out = op(A) op(B) for the Gorgonia matrix
// product with the given transposes; A is k columns wide as stored, B is
// ldb wide. With accumulate it adds into out (a reduction over A's rows, for
// Aᵀ B). f64.Gemm reads a transposed A in place; a transposed B is copied
// transposed into scratch first.
func matMul(transA, transB bool, k, ldb int, accumulate bool) kernel {
	return func(out []float64, args [][]float64, scratch *[]float64) {
		a, b, n := args[0], args[1], ldb // op(B) is kk x n
		rowsA, rowsB := len(a)/k, len(b)/ldb
		m, kk := rowsA, k // op(A) is m x kk
		if transA {
			m, kk = k, rowsA
		}
		if transB {
			*scratch = transpose(*scratch, b, rowsB, ldb)
			b, n = *scratch, rowsB
		}
		f64.Gemm(transA, m, n, kk, a, k, b, n, out, n, accumulate)
	}
}

// matMulTransB is matMul's A Bᵀ with Bᵀ transposed once per run by the
// prepare function it returns (B being the same for every tile).
func matMulTransB(k, rowsB int) (fn kernel, prepare func(b []float64)) {
	var bt []float64
	fn = func(out []float64, args [][]float64, _ *[]float64) {
		a := args[0]
		f64.Gemm(false, len(a)/k, rowsB, k, a, k, bt, rowsB, out, rowsB, false)
	}
	prepare = func(b []float64) { bt = transpose(bt, b, rowsB, k) }
	return fn, prepare
}

// transpose writes the transpose of the rows x cols matrix src into dst
// (cols x rows), growing dst as needed, and returns it.
func transpose(dst []float64, src []float64, rows, cols int) []float64 {
	if cap(dst) < rows*cols {
		dst = make([]float64, rows*cols)
	}
	dst = dst[:rows*cols]
	for i := 0; i < rows; i++ {
		for j, x := range src[i*cols : (i+1)*cols] {
			dst[j*rows+i] = x
		}
	}
	return dst
}

// sliceRowsKernel copies elements [lo, hi) of its argument: a range of rows.
func sliceRowsKernel(lo, hi int) kernel {
	return func(out []float64, args [][]float64, _ *[]float64) { copy(out, args[0][lo:hi]) }
}

// sliceIncrKernel is the derivative of sliceRowsKernel: zeros, with
// elements [lo, hi) taken from its second argument (a single number standing
// for all of them).
func sliceIncrKernel(lo, hi int) kernel {
	return func(out []float64, args [][]float64, _ *[]float64) {
		clear(out)
		incr := args[1]
		dst := out[lo:hi]
		for j := range dst {
			dst[j] = incr[min(j, len(incr)-1)]
		}
	}
}
