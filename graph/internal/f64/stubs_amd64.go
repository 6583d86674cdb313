//go:build !purego

package f64

import "golang.org/x/sys/cpu"

// hasAVX2 says the AVX2 and FMA assembly can run here, hasAVX512 the
// AVX-512 assembly (which also uses BMI2 to build its masks). x/sys/cpu
// also checks that the operating system saves the registers.
var (
	hasAVX2   = cpu.X86.HasAVX2 && cpu.X86.HasFMA
	hasAVX512 = cpu.X86.HasAVX512F && cpu.X86.HasAVX512DQ && cpu.X86.HasBMI2
)

// gemm4x8 computes C[0:4][0:8*blocks] = A[0:4][0:k] B[0:k][0:8*blocks] (or
// adds it to C with accumulate), where A(i, p) is a[i*arow + p*astep] and B
// and C are row-major with leading dimensions ldb and ldc, 4x8 block by
// block with AVX2 fused multiply-adds (gemm_amd64.s). blocks must be > 0.
//
//go:noescape
func gemm4x8(k int, a *float64, arow, astep int, b *float64, ldb int, c *float64, ldc int, blocks int, accumulate bool)

// gemm6x8 is gemm4x8 for six rows of A and C (gemm_amd64.s).
//
//go:noescape
func gemm6x8(k int, a *float64, arow, astep int, b *float64, ldb int, c *float64, ldc int, blocks int, accumulate bool)

// gemm8x16 computes C[0:8][0:n] = A[0:8][0:k] B[0:k][0:n] (or adds it to C
// with accumulate), where A(i, p) is a[i*arow + p*astep] and B and C are
// row-major with leading dimensions ldb and ldc, in 8x16 blocks with AVX-512
// fused multiply-adds, the last block masked to the columns left
// (gemm_avx512_amd64.s). k and n must be > 0.
//
//go:noescape
func gemm8x16(k int, a *float64, arow, astep int, b *float64, ldb int, c *float64, ldc int, n int, accumulate bool)

// gemm1x16 is gemm8x16 for one row of A and C.
//
//go:noescape
func gemm1x16(k int, a *float64, arow, astep int, b *float64, ldb int, c *float64, ldc int, n int, accumulate bool)

// The pointwise loops of vec_amd64.s, for len(a), len(b) >= len(out) (the
// callers slice to make sure): out[i] = a[i] * b[i], a[i] + b[i], a[i] -
// b[i], a[i] * s and a[i] + s.

//go:noescape
func vecMul(out, a, b []float64)

//go:noescape
func vecAdd(out, a, b []float64)

//go:noescape
func vecSub(out, a, b []float64)

//go:noescape
func vecMulScalar(out, a []float64, s float64)

//go:noescape
func vecAddScalar(out, a []float64, s float64)

// vecSubFrom sets out[i] = s - b[i], vecNeg out[i] = -a[i] (vec_amd64.s),
// for len(a), len(b) >= len(out).
//
//go:noescape
func vecSubFrom(out []float64, s float64, b []float64)

//go:noescape
func vecNeg(out, a []float64)

// vecMulScale sets out[i] = (a[i] * b[i]) * s, vecSubSquare out[i] = s -
// a[i] * a[i] (vec_amd64.s), for len(a), len(b) >= len(out).
//
//go:noescape
func vecMulScale(out, a, b []float64, s float64)

//go:noescape
func vecSubSquare(out []float64, s float64, a []float64)

// vecAddRow sets out[i] = a[i] + row[i%len(row)] (vec_amd64.s), for
// len(out) a multiple of len(row) > 0 and len(a) >= len(out).
//
//go:noescape
func vecAddRow(out, a, row []float64)

// vecAddRows adds each of the first rows rows of a, len(out) wide, to out,
// in order (vec_amd64.s), for len(out) > 0 and len(a) >= rows*len(out).
//
//go:noescape
func vecAddRows(out, a []float64, rows int)

// tanhVec sets out[i] = tanh(a[i]) for the first len(out) &^ 3 elements
// (tanh_amd64.s), for len(a) >= len(out).
//
//go:noescape
func tanhVec(out, a []float64, c *[29][4]float64)

// tanh8 sets out[i] = tanh(a[i]) for every i < len(out), eight at a time
// with AVX-512, the same bits as tanhVec (tanh_amd64.s), for len(a) >=
// len(out).
//
//go:noescape
func tanh8(out, a []float64, c *[29][4]float64)

// vecAxpy sets out[i] += s * a[i] (vec_amd64.s), for len(a) >= len(out).
//
//go:noescape
func vecAxpy(out, a []float64, s float64)

// vecAxpy512 is vecAxpy with AVX-512 (vec_avx512_amd64.s).
//
//go:noescape
func vecAxpy512(out, a []float64, s float64)

// vecAxpyDot512 sets out[i] += s * a[i] and returns the sum of the new
// out[i] * b[i], in one pass with AVX-512 (vec_avx512_amd64.s), for len(a),
// len(b) >= len(out).
//
//go:noescape
func vecAxpyDot512(out, a []float64, s float64, b []float64) float64

// vecDot returns the sum of a[i] * b[i] (vec_amd64.s), for len(b) >= len(a).
//
//go:noescape
func vecDot(a, b []float64) float64

// vecDot512 is vecDot with AVX-512 and four partial sums of eight lanes
// (vec_avx512_amd64.s).
//
//go:noescape
func vecDot512(a, b []float64) float64
