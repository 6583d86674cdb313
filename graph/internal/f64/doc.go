// Package f64 holds the float64 kernels of the compiled executor: a matrix
// product (Gemm), pointwise arithmetic and tanh over slices.
//
// Each kernel has two implementations. Where the CPU has AVX2 and FMA
// (checked once at start-up) it runs Go assembly: a 4x8 micro-kernel for the
// blocks of a matrix product, which reads A as stored or transposed in place,
// eight-wide loops for the pointwise operations, and tanh four at a time
// within 2 ulp of math.Tanh. Elsewhere (other CPUs, other architectures, or
// the purego build tag) it runs plain Go, and gonum's Dgemm for the matrix
// product; each function's doc comment gives the loop it computes, which is
// also that plain-Go path. The pointwise operations do one IEEE operation per
// element, so both paths give the same bits; Gemm, the dot products inside it
// and tanh round differently in the last bits.
//
// The files follow gonum's internal/asm/f64: stubs_amd64.go declares the
// assembly (the *_amd64.s files), stubs_other.go stands in for it in builds
// without it, and the tests (package f64_test) surround every output with
// NaN guards and run at misaligned offsets, in both builds.
//
// The package knows nothing of Gorgonia: it works on flat row-major slices.
package f64
