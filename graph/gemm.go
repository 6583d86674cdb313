package graph

import (
	"gonum.org/v1/gonum/blas"
	"gonum.org/v1/gonum/blas/blas64"
)

// gemm computes C = op(A) B, or C += op(A) B with accumulate, for C (m x n,
// row-major, leading dimension ldc), B (k x n, ldb) and op(A) (m x k): A
// itself (row-major, lda), or with transA the transpose of the k x m
// row-major A. Where the CPU has AVX2 and FMA, 4x8 blocks of C go to the
// assembly micro-kernel (which reads A in either layout, so nothing is
// copied) and the edges to a plain loop; elsewhere gonum's Dgemm does it all.
func gemm(transA bool, m, n, k int, a []float64, lda int, b []float64, ldb int, c []float64, ldc int, accumulate bool) {
	if m == 0 || n == 0 {
		return
	}
	arow, astep := lda, 1 // A(i, p) = a[i*arow + p*astep]
	if transA {
		arow, astep = 1, lda
	}
	if !haveAVX2FMA || k == 0 {
		beta, tA := 0.0, blas.NoTrans
		if accumulate {
			beta = 1
		}
		if transA {
			tA = blas.Trans
		}
		blas64.Implementation().Dgemm(tA, blas.NoTrans, m, n, k, 1, a, max(lda, 1), b, max(ldb, 1), beta, c, max(ldc, 1))
		return
	}
	m4, n8 := m&^3, n&^7
	for i := 0; i < m4; i += 4 {
		for j := 0; j < n8; j += 8 {
			gemm4x8(k, &a[i*arow], arow, astep, &b[j], ldb, &c[i*ldc+j], ldc, accumulate)
		}
	}
	gemmEdge(0, m4, n8, n, k, a, arow, astep, b, ldb, c, ldc, accumulate)
	gemmEdge(m4, m, 0, n, k, a, arow, astep, b, ldb, c, ldc, accumulate)
}

// gemmEdge computes rows [i0, i1) and columns [j0, j1) of gemm's C with
// one dot product per element.
func gemmEdge(i0, i1, j0, j1, k int, a []float64, arow, astep int, b []float64, ldb int, c []float64, ldc int, accumulate bool) {
	for i := i0; i < i1; i++ {
		for j := j0; j < j1; j++ {
			s := 0.0
			for p := range k {
				s += a[i*arow+p*astep] * b[p*ldb+j]
			}
			if accumulate {
				c[i*ldc+j] += s
			} else {
				c[i*ldc+j] = s
			}
		}
	}
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

// Kernels names the matrix and pointwise kernels the Compiled executor uses
// in this build on this CPU.
func Kernels() string {
	if haveAVX2FMA {
		return "AVX2+FMA assembly"
	}
	return "pure Go (gonum Dgemm)"
}
