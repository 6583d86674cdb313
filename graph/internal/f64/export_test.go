package f64

// The kernels Gemm uses inside, exported for the black-box tests.
var (
	AxpyTo = axpyTo
	Dot    = dot
)

// ISAs names the implementations this build can run on this CPU, for the
// tests to check each.
func ISAs() []string {
	var names []string
	for _, i := range available {
		names = append(names, isaNames[i])
	}
	return names
}

// UseISA makes the kernels run the implementation ISAs named name, until the
// function it returns restores the one before.
func UseISA(name string) (restore func()) {
	before := use
	for _, i := range available {
		if isaNames[i] == name {
			use = i
		}
	}
	return func() { use = before }
}
