package graph

import (
	"gonum.org/v1/gonum/blas"
	"gonum.org/v1/gonum/blas/blas64"
)

// gemm computes C = A B, or C += A B with accumulate, for row-major A (m x
// k, leading dimension lda), B (k x n, ldb) and C (m x n, ldc). Where the
// CPU has AVX2 and FMA, 4x8 blocks of C go to the assembly micro-kernel and
// the edges to a plain loop; elsewhere gonum's Dgemm does it all.
func gemm(m, n, k int, a []float64, lda int, b []float64, ldb int, c []float64, ldc int, accumulate bool) {
	if m == 0 || n == 0 {
		return
	}
	if !haveGemmKernel || k == 0 {
		beta := 0.0
		if accumulate {
			beta = 1
		}
		blas64.Implementation().Dgemm(blas.NoTrans, blas.NoTrans, m, n, k, 1, a, max(lda, 1), b, max(ldb, 1), beta, c, max(ldc, 1))
		return
	}
	m4, n8 := m&^3, n&^7
	for i := 0; i < m4; i += 4 {
		for j := 0; j < n8; j += 8 {
			gemm4x8(k, &a[i*lda], lda, &b[j], ldb, &c[i*ldc+j], ldc, accumulate)
		}
	}
	gemmEdge(0, m4, n8, n, k, a, lda, b, ldb, c, ldc, accumulate)
	gemmEdge(m4, m, 0, n, k, a, lda, b, ldb, c, ldc, accumulate)
}

// gemmEdge computes rows [i0, i1) and columns [j0, j1) of gemm's C with
// one dot product per element.
func gemmEdge(i0, i1, j0, j1, k int, a []float64, lda int, b []float64, ldb int, c []float64, ldc int, accumulate bool) {
	for i := i0; i < i1; i++ {
		row := a[i*lda : i*lda+k]
		for j := j0; j < j1; j++ {
			s := 0.0
			for p, x := range row {
				s += x * b[p*ldb+j]
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
