package graph_test

import (
	"context"
	"errors"
	"fmt"
	"log"
	"math"

	"pinn/graph"
	"pinn/problems"
)

// Solve dy/dt = -y, y(0) = 1 on [0, 2] with the initial condition built into
// the trial solution, and score the network against exp(-t).
func ExampleFit() {
	p, err := problems.Builtin("decay")
	if err != nil {
		log.Fatal(err)
	}
	res, err := graph.Fit(context.Background(), p, graph.Config{IC: graph.HardIC}, graph.Options{Method: graph.Whole, Seed: 1, Epochs: 2000})
	if err != nil {
		log.Fatal(err)
	}
	fmt.Printf("%d epochs of Adam: loss %.4g, rel_l2 %.4g\n", res.AdamEpochs, res.Loss[len(res.Loss)-1], res.Score.RelL2)
	// Output:
	// 2000 epochs of Adam: loss 1.961e-05, rel_l2 0.001403
}

// A progress callback sees the loss after every epoch; returning an error
// stops training there, and Fit returns the best model so far with that
// error (cancelling the context does the same).
func ExampleFit_progress() {
	p, err := problems.Builtin("decay")
	if err != nil {
		log.Fatal(err)
	}
	errGoodEnough := errors.New("good enough")
	res, err := graph.Fit(context.Background(), p, graph.Config{IC: graph.HardIC}, graph.Options{Method: graph.Whole, Seed: 1, Epochs: 2000,
		Progress: func(epoch int, loss float64) error {
			if loss < 1e-4 {
				return errGoodEnough
			}
			return nil
		}})
	if !errors.Is(err, errGoodEnough) {
		log.Fatal(err)
	}
	fmt.Printf("stopped after %d epochs: loss %.4g, rel_l2 %.4g\n", res.AdamEpochs, res.Loss[len(res.Loss)-1], res.Score.RelL2)
	// Output:
	// stopped after 933 epochs: loss 9.996e-05, rel_l2 0.003129
}

// A trained model gives the solution and its derivative anywhere, with the
// initial conditions met the way it was trained.
func ExampleModel_Predict() {
	p, err := problems.Builtin("decay")
	if err != nil {
		log.Fatal(err)
	}
	res, err := graph.Fit(context.Background(), p, graph.Config{IC: graph.HardIC}, graph.Options{Method: graph.Whole, Seed: 1, Epochs: 2000})
	if err != nil {
		log.Fatal(err)
	}
	sol, err := res.Model.Predict([]float64{0, 0.5, 1.5})
	if err != nil {
		log.Fatal(err)
	}
	for k, t := range sol.T {
		fmt.Printf("t = %g: y = %.4g (exp(-t) = %.4g), dy/dt = %.4g\n", t, sol.Y[0][k], math.Exp(-t), sol.DY[0][k])
	}
	// Output:
	// t = 0: y = 1 (exp(-t) = 1), dy/dt = -0.989
	// t = 0.5: y = 0.6052 (exp(-t) = 0.6065), dy/dt = -0.6045
	// t = 1.5: y = 0.2227 (exp(-t) = 0.2231), dy/dt = -0.2268
}
