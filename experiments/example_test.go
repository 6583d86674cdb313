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
