package experiments_test

import (
	"fmt"

	"pinn/experiments"
)

// The forum thread's findings are rows of a table.
func ExampleLookup() {
	for _, name := range experiments.Thread()[:3] {
		e, err := experiments.Lookup(name)
		if err != nil {
			panic(err)
		}
		fmt.Printf("%s: %s on %s, %s, lr %g, %d epochs\n", e.Name, e.Network(1), e.Problem, e.Config().Derivative, e.LearningRate(), e.Epochs())
	}
	// Output:
	// original-bug: 1-16-16-1 relu, relu output on decay, wrt-prediction, lr 0.01, 1000 epochs
	// original-bug-rectify: 1-16-16-1 rectify, rectify output on decay, wrt-prediction, lr 0.01, 1000 epochs
	// relu-zero-gradients: 1-16-16-1 relu, relu output on decay, symbolic, lr 0.01, 1000 epochs
}

// A study file varies settings over seeds; each combination and seed is a
// run with an id of its own.
func ExampleLoadStudy() {
	s, err := experiments.LoadStudy("widths.toml", []byte(`
problem = "decay"
seeds = 2

[settings]
epochs = 500

[grid]
hidden = ["8", [16, 16]]
activation = ["tanh", "sin"]
`))
	if err != nil {
		panic(err)
	}
	for _, c := range s.Combinations {
		fmt.Println(c.Label())
	}
	fmt.Println(len(s.Runs()), "runs")
	// Output:
	// hidden=8 activation=tanh
	// hidden=8 activation=sin
	// hidden=16,16 activation=tanh
	// hidden=16,16 activation=sin
	// 8 runs
}
