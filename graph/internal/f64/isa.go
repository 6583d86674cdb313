package f64

import "fmt"

// isa is one implementation of the kernels: plain Go, or assembly for one
// instruction set.
type isa int

const (
	isaGo     isa = iota // plain Go, and gonum's Dgemm
	isaAVX2              // AVX2 and FMA assembly
	isaAVX512            // AVX-512 assembly for Gemm, TanhTo, Dot, Axpy and AxpyDot, AVX2 for the rest
)

// isaNames are the short names Use takes, isaKernels what Kernels says.
var (
	isaNames   = [...]string{isaGo: "go", isaAVX2: "avx2", isaAVX512: "avx512"}
	isaKernels = [...]string{isaGo: "pure Go (gonum Dgemm)", isaAVX2: "AVX2+FMA assembly", isaAVX512: "AVX-512 assembly"}
)

// available lists the implementations this build can run on this CPU,
// slowest first (hasAVX2 and hasAVX512 are checked once, at start-up).
var available = func() []isa {
	s := []isa{isaGo}
	if hasAVX2 {
		s = append(s, isaAVX2)
	}
	if hasAVX2 && hasAVX512 {
		s = append(s, isaAVX512)
	}
	return s
}()

// use is the implementation the kernels run: the fastest available, unless
// Use chose another.
var use = available[len(available)-1]

// Kernels names the implementation the kernels use in this build on this
// CPU.
func Kernels() string { return isaKernels[use] }

// Implementations lists the short names of the implementations this build
// can run on this CPU, slowest first: "go", then "avx2" and "avx512" where
// the CPU has them.
func Implementations() []string {
	var names []string
	for _, i := range available {
		names = append(names, isaNames[i])
	}
	return names
}

// Use makes the kernels run the implementation Implementations names name,
// and returns the name of the one they ran before. It is for the tests and
// benchmarks that compare the implementations on one CPU, and must not be
// called while a kernel runs.
func Use(name string) (before string, err error) {
	before = isaNames[use]
	for _, i := range available {
		if isaNames[i] == name {
			use = i
			return before, nil
		}
	}
	return before, fmt.Errorf("f64: no kernels %q in this build on this CPU (have %v)", name, Implementations())
}
