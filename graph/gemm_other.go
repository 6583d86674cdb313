//go:build !amd64 || purego

package graph

// haveGemmKernel is false: this build has no assembly micro-kernel (another
// architecture, or the purego build tag).
const haveGemmKernel = false

// gemm4x8 is never called without the assembly kernel.
func gemm4x8(k int, a *float64, arow, astep int, b *float64, ldb int, c *float64, ldc int, accumulate bool) {
	panic("graph: gemm4x8 without the assembly kernel")
}
