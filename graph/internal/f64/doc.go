// Package f64 holds the float64 kernels of the compiled executor: a matrix
// product (Gemm), pointwise arithmetic and tanh over slices.
//
// Each kernel has up to three implementations, chosen once at start-up:
// AVX-512 assembly where the CPU has AVX-512 (F and DQ, and BMI2 for the
// masks), AVX2 and FMA assembly where it has those, and plain Go elsewhere
// (other CPUs, other architectures, or the purego build tag), with gonum's
// Dgemm for the matrix product. The assembly of Gemm is a micro-kernel for
// blocks of C, 8x16 with AVX-512 (the last block's columns masked) and 6x8
// or 4x8 with AVX2, which reads A as stored or transposed in place; tanh runs
// eight (AVX-512) or four (AVX2) at a time within 2 ulp of math.Tanh, the
// same bits either way; the pointwise operations run eight-wide AVX2 loops
// in both. Each function's doc comment gives the loop it computes, which is
// also the plain-Go path. The pointwise operations do the same IEEE
// operations per element as that loop, so every path gives the same bits;
// Gemm, the dot products inside it and tanh round differently in the last
// bits.
//
// The files follow gonum's internal/asm/f64: stubs_amd64.go declares the
// assembly (the *_amd64.s files), stubs_other.go stands in for it in builds
// without it, and the tests (package f64_test) surround every output with
// NaN guards and run at misaligned offsets, in both builds, with every
// implementation the CPU can run.
//
// The package knows nothing of Gorgonia: it works on flat row-major slices.
package f64
