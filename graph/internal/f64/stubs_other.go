//go:build !amd64 || purego

package f64

// hasAVX2 and hasAVX512 are false: this build has no assembly (another
// architecture, or the purego build tag), so every kernel takes its plain-Go
// path and the functions below, which stand in for the assembly of
// stubs_amd64.go so that the package compiles, are never called.
const hasAVX2, hasAVX512 = false, false

const noAsm = "f64: assembly kernel called in a build without assembly"

func gemm4x8(k int, a *float64, arow, astep int, b *float64, ldb int, c *float64, ldc int, blocks int, accumulate bool) {
	panic(noAsm)
}

func gemm6x8(k int, a *float64, arow, astep int, b *float64, ldb int, c *float64, ldc int, blocks int, accumulate bool) {
	panic(noAsm)
}

func gemm8x16(k int, a *float64, arow, astep int, b *float64, ldb int, c *float64, ldc int, n int, accumulate bool) {
	panic(noAsm)
}
func gemm1x16(k int, a *float64, arow, astep int, b *float64, ldb int, c *float64, ldc int, n int, accumulate bool) {
	panic(noAsm)
}
func vecMul(out, a, b []float64)                                     { panic(noAsm) }
func vecAdd(out, a, b []float64)                                     { panic(noAsm) }
func vecSub(out, a, b []float64)                                     { panic(noAsm) }
func vecMulScalar(out, a []float64, s float64)                       { panic(noAsm) }
func vecAddScalar(out, a []float64, s float64)                       { panic(noAsm) }
func vecSubFrom(out []float64, s float64, b []float64)               { panic(noAsm) }
func vecNeg(out, a []float64)                                        { panic(noAsm) }
func vecMulScale(out, a, b []float64, s float64)                     { panic(noAsm) }
func vecSubSquare(out []float64, s float64, a []float64)             { panic(noAsm) }
func vecAddRow(out, a, row []float64)                                { panic(noAsm) }
func vecAddRows(out, a []float64, rows int)                          { panic(noAsm) }
func tanhVec(out, a []float64, c *[29][4]float64)                    { panic(noAsm) }
func tanh8(out, a []float64, c *[29][4]float64)                      { panic(noAsm) }
func vecAxpy(out, a []float64, s float64)                            { panic(noAsm) }
func vecAxpy512(out, a []float64, s float64)                         { panic(noAsm) }
func vecAxpyDot512(out, a []float64, s float64, b []float64) float64 { panic(noAsm) }
func vecDot(a, b []float64) float64                                  { panic(noAsm) }
func vecDot512(a, b []float64) float64                               { panic(noAsm) }
