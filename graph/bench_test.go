package graph

import (
	"flag"
	"fmt"
	"slices"
	"testing"

	"pinn/graph/internal/f64"
	"pinn/problems"
)

// benchKernels chooses the compiled executor's kernels for the benchmarks
// (go test -bench Epoch -kernels avx2), to time another instruction set's on
// a CPU that has several; empty means the fastest.
var benchKernels = flag.String("kernels", "", "the compiled executor's kernels for the benchmarks: one of "+fmt.Sprint(f64.Implementations())+"; empty for the fastest")

// benchSizes are the sizes of the speed baseline (points x width x hidden
// layers): the thread's final network, and two larger ones.
var benchSizes = []struct{ points, width, layers int }{
	{41, 8, 2},
	{1000, 32, 3},
	{10000, 64, 3},
}

// BenchmarkEpoch times one Adam epoch (forward pass, derivatives, loss,
// gradient, update) of forum-final, y' = -2y on [1, 5], with a tanh network
// (tanh output too, as the anchor scripts), for each size and derivative
// mode, with each executor side by side. The graph is built before the timer
// starts. The compiled executor also reports how many width-by-width matrix
// products an epoch makes and the rate of all its products' floating-point
// operations over the epoch's time (GFLOP/s), to compare with the CPU's
// peak. The -kernels flag chooses the kernels (see benchKernels).
func BenchmarkEpoch(b *testing.B) {
	p, err := problems.Builtin("forum-final")
	if err != nil {
		b.Fatal(err)
	}
	if *benchKernels != "" {
		before, err := f64.Use(*benchKernels)
		if err != nil {
			b.Fatal(err)
		}
		defer f64.Use(before)
	}
	for _, s := range benchSizes {
		for _, mode := range Derivatives() {
			for _, exec := range Executors() {
				b.Run(fmt.Sprintf("size=%dx%dx%d/derivative=%s/executor=%s", s.points, s.width, s.layers, mode, exec), func(b *testing.B) {
					cfg := Config{Architecture: Architecture{Hidden: slices.Repeat([]int{s.width}, s.layers), Activation: Tanh, OutputActivation: Tanh}, Derivative: mode, Executor: exec}
					net, err := NewNetwork(cfg.Architecture, 1, NewRand(1))
					if err != nil {
						b.Fatal(err)
					}
					tr, err := NewTrainer(p, net, cfg, p.Grid(s.points), Options{})
					if err != nil {
						b.Fatal(err)
					}
					if err := tr.Adam(1, nil); err != nil { // the first run allocates
						b.Fatal(err)
					}
					b.ReportAllocs()
					b.ResetTimer()
					if err := tr.Adam(b.N, nil); err != nil {
						b.Fatal(err)
					}
					b.StopTimer()
					if c, ok := tr.lg.exec.(*compiledExecutor); ok {
						wide, flops := c.m.Products()
						b.ReportMetric(float64(wide), "products/op")
						b.ReportMetric(flops*float64(b.N)/b.Elapsed().Seconds()/1e9, "GFLOP/s")
					}
				})
			}
		}
	}
}
