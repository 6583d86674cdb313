package f64

import (
	"gonum.org/v1/gonum/blas"
	"gonum.org/v1/gonum/blas/blas64"
)

// Gemm is
//
//	for i := 0; i < m; i++ {
//		for j := 0; j < n; j++ {
//			sum := 0.0
//			for p := 0; p < k; p++ {
//				sum += A(i, p) * b[p*ldb+j]
//			}
//			if accumulate {
//				c[i*ldc+j] += sum
//			} else {
//				c[i*ldc+j] = sum
//			}
//		}
//	}
//
// where A(i, p) is a[i*lda+p], or a[p*lda+i] with transA (A stored
// transposed, k x m). That is C = op(A) B, or C += op(A) B, for row-major C
// (m x n) and B (k x n). Nothing is copied: the assembly micro-kernels read A
// in either layout. With AVX-512, 8x16 blocks of C go to one micro-kernel,
// which masks the columns of the last block, and the rows left over go to
// its one-row form; with AVX2 and FMA, 6x8 and 4x8 blocks go to the AVX2
// micro-kernels and the edges to plain loops; elsewhere gonum's Dgemm does
// it all. Each adds in another order than the loop above, so the last bits can
// differ.
func Gemm(transA bool, m, n, k int, a []float64, lda int, b []float64, ldb int, c []float64, ldc int, accumulate bool) {
	if m == 0 || n == 0 {
		return
	}
	arow, astep := lda, 1 // A(i, p) = a[i*arow + p*astep]
	if transA {
		arow, astep = 1, lda
	}
	switch {
	case use < isaAVX2 || k == 0:
		beta, tA := 0.0, blas.NoTrans
		if accumulate {
			beta = 1
		}
		if transA {
			tA = blas.Trans
		}
		blas64.Implementation().Dgemm(tA, blas.NoTrans, m, n, k, 1, a, max(lda, 1), b, max(ldb, 1), beta, c, max(ldc, 1))
	case use == isaAVX512:
		m8 := m &^ 7
		for i := 0; i < m8; i += 8 {
			gemm8x16(k, &a[i*arow], arow, astep, &b[0], ldb, &c[i*ldc], ldc, n, accumulate)
		}
		for i := m8; i < m; i++ {
			gemm1x16(k, &a[i*arow], arow, astep, &b[0], ldb, &c[i*ldc], ldc, n, accumulate)
		}
	default:
		// Blocks of six rows, then of four: as many of six as leave the
		// fewest rows to the edge.
		m6 := m / 6
		if m6 > 0 && (m-6*m6)%4 > (m-6*(m6-1))%4 {
			m6--
		}
		m6 *= 6
		m4, n8 := m6+(m-m6)&^3, n&^7
		if n8 > 0 {
			for i := 0; i < m6; i += 6 {
				gemm6x8(k, &a[i*arow], arow, astep, &b[0], ldb, &c[i*ldc], ldc, n8/8, accumulate)
			}
			for i := m6; i < m4; i += 4 {
				gemm4x8(k, &a[i*arow], arow, astep, &b[0], ldb, &c[i*ldc], ldc, n8/8, accumulate)
			}
		}
		gemmEdge(0, m4, n8, n, k, a, arow, astep, b, ldb, c, ldc, accumulate)
		gemmEdge(m4, m, 0, n, k, a, arow, astep, b, ldb, c, ldc, accumulate)
	}
}

// gemmEdge computes rows [i0, i1) and columns [j0, j1) of Gemm's C, with
// loops chosen to read memory in order: a single column takes one dot product per row of A as stored, or
// runs down the rows of a transposed A; wider blocks add a multiple of each
// row of B into the rows of C.
func gemmEdge(i0, i1, j0, j1, k int, a []float64, arow, astep int, b []float64, ldb int, c []float64, ldc int, accumulate bool) {
	if i0 >= i1 || j0 >= j1 {
		return
	}
	if !accumulate {
		for i := i0; i < i1; i++ {
			clear(c[i*ldc+j0 : i*ldc+j1])
		}
	}
	switch {
	case j1-j0 == 1 && astep == 1 && ldb == 1:
		for i := i0; i < i1; i++ {
			c[i*ldc+j0] += Dot(a[i*arow:i*arow+k], b[j0:])
		}
	case j1-j0 == 1 && astep == 1:
		for i := i0; i < i1; i++ {
			s := 0.0
			for p, x := range a[i*arow : i*arow+k] {
				s += x * b[p*ldb+j0]
			}
			c[i*ldc+j0] += s
		}
	case j1-j0 == 1 && ldc == 1:
		for p := range k {
			Axpy(c[i0:i1], a[p*astep+i0:p*astep+i1], b[p*ldb+j0])
		}
	case j1-j0 == 1:
		for p := range k {
			y := b[p*ldb+j0]
			for i, x := range a[p*astep+i0 : p*astep+i1] {
				c[(i0+i)*ldc+j0] += x * y
			}
		}
	default:
		for p := range k {
			brow := b[p*ldb+j0 : p*ldb+j1]
			for i := i0; i < i1; i++ {
				Axpy(c[i*ldc+j0:i*ldc+j1], brow, a[i*arow+p*astep])
			}
		}
	}
}
