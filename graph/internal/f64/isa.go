package f64

// isa is one implementation of the kernels: plain Go, or assembly for one
// instruction set.
type isa int

const (
	isaGo     isa = iota // plain Go, and gonum's Dgemm
	isaAVX2              // AVX2 and FMA assembly
	isaAVX512            // AVX-512 assembly for Gemm and TanhTo, AVX2 for the rest
)

// isaNames are the names Kernels and the tests give the implementations.
var isaNames = [...]string{isaGo: "pure Go (gonum Dgemm)", isaAVX2: "AVX2+FMA assembly", isaAVX512: "AVX-512 assembly"}

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

// use is the implementation the kernels run: the fastest available. Only
// the tests change it, to check each implementation on this CPU.
var use = available[len(available)-1]

// Kernels names the implementation the kernels use in this build on this
// CPU.
func Kernels() string { return isaNames[use] }
