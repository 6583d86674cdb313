package ode_test

import (
	"fmt"
	"math"

	"pinn/problems/ode"
)

// Exponential decay y' = -y, y(0) = 1, against its solution exp(-t).
func ExampleSolve() {
	f := func(t float64, y, dydt []float64) { dydt[0] = -y[0] }
	ts := []float64{0, 0.5, 1, 2}
	ys, err := ode.Solve(f, 0, []float64{1}, ts, nil)
	if err != nil {
		fmt.Println(err)
		return
	}
	for i, y := range ys {
		fmt.Printf("t=%.4g y=%.4g exp(-t)=%.4g\n", ts[i], y[0], math.Exp(-ts[i]))
	}
	// Output:
	// t=0 y=1 exp(-t)=1
	// t=0.5 y=0.6065 exp(-t)=0.6065
	// t=1 y=0.3679 exp(-t)=0.3679
	// t=2 y=0.1353 exp(-t)=0.1353
}

// Bratu's problem y” + e^y = 0, y(0) = y(1) = 0, by shooting on y'(0) from
// 0, which finds the lower of its two solutions.
func ExampleShoot() {
	f := func(t float64, y, dydt []float64) { dydt[0], dydt[1] = y[1], -math.Exp(y[0]) }
	bc := func(ys [][]float64, res []float64) {
		res[0] = ys[0][0] // y(0) = 0
		res[1] = ys[1][0] // y(1) = 0
	}
	y0, err := ode.Shoot(f, 0, []float64{0, 0}, []float64{0, 1}, bc, nil)
	if err != nil {
		fmt.Println(err)
		return
	}
	fmt.Printf("y(0)=%.4g y'(0)=%.4g\n", y0[0], y0[1])
	// Output:
	// y(0)=0 y'(0)=0.5494
}
