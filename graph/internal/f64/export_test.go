package f64

// The kernels Gemm uses inside, exported for the black-box tests.
var (
	AxpyTo = axpyTo
	Dot    = dot
)
