package expr

import (
	"fmt"
	"math"
)

// Eval evaluates e with the given values of its names. pi is always
// math.Pi, whatever env says, as Names and Check treat it as a constant.
// A name missing from env is an *Error.
func Eval(e Expr, env map[string]float64) (float64, error) {
	switch e := e.(type) {
	case *Number:
		return e.Value, nil
	case *Name:
		if e.Name == "pi" {
			return math.Pi, nil
		}
		if v, ok := env[e.Name]; ok {
			return v, nil
		}
		return 0, unknownName(e)
	case *Neg:
		x, err := Eval(e.X, env)
		return -x, err
	case *Binary:
		x, err := Eval(e.X, env)
		if err != nil {
			return 0, err
		}
		y, err := Eval(e.Y, env)
		if err != nil {
			return 0, err
		}
		switch e.Op {
		case '+':
			return x + y, nil
		case '-':
			return x - y, nil
		case '*':
			return x * y, nil
		case '/':
			return x / y, nil
		case '^':
			return math.Pow(x, y), nil
		}
		return 0, badNode(e)
	case *Call:
		if err := checkCall(e); err != nil {
			return 0, err
		}
		x, err := Eval(e.Args[0], env)
		if err != nil {
			return 0, err
		}
		if e.Func != "pow" {
			return funcs1[e.Func](x), nil
		}
		y, err := Eval(e.Args[1], env)
		return math.Pow(x, y), err
	}
	return 0, badNode(e)
}

// Compile returns a closure that evaluates e; vars maps each name of e
// to its index in the slice passed to the closure. Names are resolved
// once, here, so the closure does no map lookups; it panics if the slice
// is too short for vars. pi is always math.Pi. The closure computes
// exactly what Eval computes.
func Compile(e Expr, vars map[string]int) (func(x []float64) float64, error) {
	switch e := e.(type) {
	case *Number:
		v := e.Value
		return func([]float64) float64 { return v }, nil
	case *Name:
		if e.Name == "pi" {
			return func([]float64) float64 { return math.Pi }, nil
		}
		i, ok := vars[e.Name]
		if !ok {
			return nil, unknownName(e)
		}
		return func(x []float64) float64 { return x[i] }, nil
	case *Neg:
		f, err := Compile(e.X, vars)
		if err != nil {
			return nil, err
		}
		return func(x []float64) float64 { return -f(x) }, nil
	case *Binary:
		return compileBinary(e, vars)
	case *Call:
		if err := checkCall(e); err != nil {
			return nil, err
		}
		f, err := Compile(e.Args[0], vars)
		if err != nil {
			return nil, err
		}
		if e.Func != "pow" {
			fn := funcs1[e.Func]
			return func(x []float64) float64 { return fn(f(x)) }, nil
		}
		g, err := Compile(e.Args[1], vars)
		if err != nil {
			return nil, err
		}
		return func(x []float64) float64 { return math.Pow(f(x), g(x)) }, nil
	}
	return nil, badNode(e)
}

// compileBinary picks the operator once, so the closure does not switch.
func compileBinary(e *Binary, vars map[string]int) (func([]float64) float64, error) {
	f, err := Compile(e.X, vars)
	if err != nil {
		return nil, err
	}
	g, err := Compile(e.Y, vars)
	if err != nil {
		return nil, err
	}
	switch e.Op {
	case '+':
		return func(x []float64) float64 { return f(x) + g(x) }, nil
	case '-':
		return func(x []float64) float64 { return f(x) - g(x) }, nil
	case '*':
		return func(x []float64) float64 { return f(x) * g(x) }, nil
	case '/':
		return func(x []float64) float64 { return f(x) / g(x) }, nil
	case '^':
		return func(x []float64) float64 { return math.Pow(f(x), g(x)) }, nil
	}
	return nil, badNode(e)
}

// checkCall guards against trees built by hand: Parse only makes valid calls.
func checkCall(e *Call) error {
	if n, ok := arity(e.Func); !ok || n != len(e.Args) {
		return &Error{Col: e.At, Text: e.Func, Msg: fmt.Sprintf("invalid call of %q with %d arguments", e.Func, len(e.Args))}
	}
	return nil
}

func unknownName(n *Name) error {
	return &Error{Col: n.At, Text: n.Name, Msg: fmt.Sprintf("unknown name %q", n.Name)}
}

func badNode(e Expr) error {
	return &Error{Msg: fmt.Sprintf("invalid expression node %#v", e)}
}
