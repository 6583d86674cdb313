//go:build !amd64 || purego

package graph

// haveAVX2FMA is false: this build has no assembly (another architecture,
// or the purego build tag).
const haveAVX2FMA = false

// gemm4x8 is never called without the assembly kernel.
func gemm4x8(k int, a *float64, arow, astep int, b *float64, ldb int, c *float64, ldc int, blocks int, accumulate bool) {
	panic("graph: gemm4x8 without the assembly kernel")
}

// The pointwise loops of vec_amd64.s are never called without assembly.

func vecMul(out, a, b []float64)               { panic("graph: no assembly") }
func vecAdd(out, a, b []float64)               { panic("graph: no assembly") }
func vecSub(out, a, b []float64)               { panic("graph: no assembly") }
func vecMulScalar(out, a []float64, s float64) { panic("graph: no assembly") }
func vecAddScalar(out, a []float64, s float64) { panic("graph: no assembly") }

func tanhVec(out, a []float64, c *[29][4]float64) { panic("graph: no assembly") }
func vecAxpy(out, a []float64, s float64)         { panic("graph: no assembly") }
func vecDot(a, b []float64) float64               { panic("graph: no assembly") }
