package expr_test

import (
	"fmt"

	"pinn/problems/expr"
)

func ExampleParse() {
	e, err := expr.Parse("-t^2 + 2*exp(-t)")
	if err != nil {
		fmt.Println(err)
		return
	}
	fmt.Println(e, expr.Names(e))
	v, err := expr.Eval(e, map[string]float64{"t": 1})
	fmt.Printf("%.4g %v\n", v, err)

	_, err = expr.Parse("t % 2")
	fmt.Println(err)
	// Output:
	// -t^2 + 2*exp(-t) [t]
	// -0.2642 <nil>
	// column 3: "%" is not allowed in "t % 2"
}
