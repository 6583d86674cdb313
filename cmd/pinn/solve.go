package main

import (
	"fmt"
	"maps"
	"math"
	"os"
	"slices"
	"strconv"
	"strings"

	"pinn/graph"
	"pinn/problems"
	"pinn/problems/expr"

	"github.com/urfave/cli/v2"
)

// solveCommand returns pinn solve, bound to fresh options.
func solveCommand() *cli.Command {
	eq, f, out := &equationFlags{}, newFitFlags(fitDefaults{}), &outputFlags{}
	return &cli.Command{
		Name:  "solve",
		Usage: "solve an ODE typed on the command line",
		Description: "Reads the equation as text and trains a network to solve it. One --rhs per variable gives\n" +
			"its derivative (its second derivative with --order 2) in terms of t, the variables, their first\n" +
			"derivatives d<name> (order 2), and the --param names. Expressions use + - * / ^ (power),\n" +
			"parentheses, pow(a, b), sin cos tan exp log sqrt tanh abs, and pi. --y0 and --dy0 give the values\n" +
			"and slopes at t0; --bc gives conditions anywhere in the domain, on the variables and (order 2) their\n" +
			"first derivatives at points; a boundary-value problem trains on the whole domain. Runs are scored\n" +
			fmt.Sprintf("against --exact, or else a Dormand-Prince 5(4) integrator at tolerance %g (with shooting for\n", problems.ReferenceTolerance) +
			"a boundary-value problem).\n\n" +
			"Examples:\n" +
			"   pinn solve --rhs \"t - y\" --t0 0 --t1 2 --y0 1 --exact \"t - 1 + 2*exp(-t)\"\n" +
			"   pinn solve --order 2 --rhs \"-9*y\" --t0 0 --t1 2 --y0 0 --dy0 3 --exact \"sin(3*t)\"\n" +
			"   pinn solve --vars x,y --rhs \"a*x - b*x*y\" --rhs \"-c*y + d*x*y\" --param a=1.5,b=1,c=3,d=1 --y0 1,1 --t1 5\n" +
			"   pinn solve --order 2 --rhs \"-exp(y)\" --bc \"y(0) = 0\" --bc \"y(1) = 0\"\n" +
			"   pinn solve --rhs \"-k*y\" --param k=? --data decay.csv --true k=2 --y0 1 --t1 2",
		Flags: concatFlags(eq.flags(), f.methodFlags(), f.networkFlags(), f.trainFlags(), out.fitFlags()),
		Action: func(c *cli.Context) error {
			return runSolve(c, eq, f, out)
		},
	}
}

// equationFlags describe the problem of pinn solve.
type equationFlags struct {
	rhs, param, exact, bc   cli.StringSlice
	vars, y0, dy0, data, tr string
	order                   int
	t0, t1                  float64
	dy0Flag                 cli.Flag
}

func (e *equationFlags) flags() []cli.Flag {
	e.dy0Flag = &cli.StringFlag{Name: "dy0", Usage: "initial slopes for --order 2, comma-separated", Destination: &e.dy0}
	return []cli.Flag{
		&cli.StringSliceFlag{Name: "rhs", Usage: "right-hand side of one variable's equation, once per variable (commas inside are kept)", Destination: &e.rhs},
		&cli.StringFlag{Name: "vars", Value: "y", Usage: "state variable names, comma-separated", Destination: &e.vars},
		&cli.IntFlag{Name: "order", Value: 1, Usage: "1: --rhs gives dy/dt; 2: --rhs gives d2y/dt2", Destination: &e.order},
		&cli.Float64Flag{Name: "t0", Value: 0, Usage: "start of the domain (where --y0 and --dy0 hold)", Destination: &e.t0},
		&cli.Float64Flag{Name: "t1", Value: 1, Usage: "end of the domain", Destination: &e.t1},
		&cli.StringFlag{Name: "y0", Usage: "initial values, comma-separated, one per variable", Destination: &e.y0},
		e.dy0Flag,
		&cli.StringSliceFlag{Name: "bc", Usage: "a condition, such as \"y(0) = 0\", \"dy(1) = 0\" or \"y(1) + 2*dy(1) = 3\", once per condition; with --y0 and --dy0, order x variables in all", Destination: &e.bc},
		&cli.StringSliceFlag{Name: "param", Usage: "parameters NAME=VALUE, comma-separated or repeated; NAME=? (or NAME=?START) marks an unknown to learn from --data; NAME=LO:HI a range: one network solves the whole family (pinn eval --param picks a member)", Destination: &e.param},
		&cli.StringSliceFlag{Name: "exact", Usage: "exact solution of one variable, once per variable", Destination: &e.exact},
		&cli.StringFlag{Name: "data", Usage: "observations for unknown parameters: a CSV `FILE` with columns t and one per variable", Destination: &e.data},
		&cli.StringFlag{Name: "true", Usage: "true values NAME=VALUE of unknown parameters, to report the error of the learned ones", Destination: &e.tr},
	}
}

// solvePoints is the default number of collocation points of pinn solve.
const solvePoints = 101

func runSolve(c *cli.Context, eq *equationFlags, f *fitFlags, out *outputFlags) error {
	if c.NArg() > 0 {
		return badInput("solve takes no arguments, got %q (quote each expression: --rhs \"t - y\")", c.Args().First())
	}
	d, err := eq.definition(c)
	if err != nil {
		return err
	}
	p, err := problems.New(d)
	if err != nil {
		return usageError{err}
	}
	trueParams, _, trueRanges, err := parseParams(eq.tr)
	if err != nil {
		return usageError{fmt.Errorf("--true: %w", err)}
	}
	for k := range trueRanges {
		return badInput("--true: %s is given a range: a true value is one number", k)
	}
	for k := range trueParams {
		if !slices.Contains(p.Unknown, k) {
			return badInput("--true: %q is not an unknown parameter (mark it --param %s=?)", k, k)
		}
	}
	if p.IsFamily() && graph.CanMarch(p) != nil {
		return badInput("families of boundary-value problems are not supported: a family's conditions must set each value at %s = %g by itself (--y0, --dy0)", p.Indep, p.T0)
	}
	if p.IsFamily() && len(p.Unknown) > 0 {
		return badInput("--param: unknown parameters (%s=?) and ranges (%s=LO:HI) do not combine: learn the unknowns from --data with each range parameter given a value", p.Unknown[0], p.RangeNames()[0])
	}
	obs, err := readData(eq.data, p)
	if err != nil {
		return err
	}
	return fitAndReport(c, f, out, p, obs, trueParams)
}

// definition builds the problem the equation flags describe.
func (e *equationFlags) definition(c *cli.Context) (problems.Definition, error) {
	d := problems.Definition{Name: "solve", Summary: "an equation from the command line",
		Order: e.order, RHS: e.rhs.Value(), Exact: e.exact.Value(),
		T0: e.t0, T1: e.t1, Points: solvePoints, ScaleInput: true}
	if len(d.RHS) == 0 {
		return d, badInput("solve needs the equation: --rhs EXPR, once per variable")
	}
	for _, v := range strings.Split(e.vars, ",") {
		d.Vars = append(d.Vars, strings.TrimSpace(v))
	}
	d.BC = e.bc.Value()
	var params map[string]float64
	for _, s := range e.param.Value() {
		ps, unknown, ranges, err := parseParams(s)
		if err != nil {
			return d, usageError{fmt.Errorf("--param: %w", err)}
		}
		for k, v := range ps {
			if _, dup := params[k]; dup {
				return d, badInput("--param: %s is given twice", k)
			}
			if params == nil {
				params = map[string]float64{}
			}
			params[k] = v
		}
		for k, r := range ranges {
			if _, dup := params[k]; dup {
				return d, badInput("--param: %s is given twice", k)
			}
			if _, dup := d.Ranges[k]; dup {
				return d, badInput("--param: %s is given twice", k)
			}
			if d.Ranges == nil {
				d.Ranges = map[string]problems.Range{}
			}
			d.Ranges[k] = r
		}
		d.Unknown = append(d.Unknown, unknown...)
	}
	d.Params = params
	if err := e.initialValues(c, &d); err != nil {
		return d, err
	}
	return d, nil
}

// initialValues reads --y0 and --dy0 into d: numbers, or for a family
// expressions that may name range parameters (--y0 a), which become
// conditions (problems.Definition.SetInitialValues).
func (e *equationFlags) initialValues(c *cli.Context, d *problems.Definition) error {
	for _, f := range []struct {
		name, text string
		given      bool
		slopes     bool
	}{{"y0", e.y0, len(d.BC) == 0 || e.y0 != "", false}, {"dy0", e.dy0, given(c, e.dy0Flag), true}} {
		if !f.given {
			continue
		}
		xs, err := floatList(f.name, f.text)
		if err != nil && (len(d.Ranges) == 0 || strings.TrimSpace(f.text) == "") {
			return err
		}
		if err == nil {
			if f.slopes {
				d.DY0 = xs
			} else {
				d.Y0 = xs
			}
			continue
		}
		known := slices.Concat(slices.Collect(maps.Keys(d.Params)), slices.Collect(maps.Keys(d.Ranges)))
		for _, text := range strings.Split(f.text, ",") {
			e, err := expr.Parse(text)
			if err == nil {
				err = expr.Check(e, text, known...)
			}
			if err != nil {
				return badInput("--%s: %v", f.name, err)
			}
		}
		if err := d.SetInitialValues(strings.Split(f.text, ","), f.slopes); err != nil {
			return badInput("--%s: %v", f.name, err)
		}
	}
	return nil
}

// floatList reads the value s of --flag, a comma-separated list of finite
// numbers.
func floatList(flag, s string) ([]float64, error) {
	if strings.TrimSpace(s) == "" {
		return nil, badInput("--%s needs a value per variable, like --%s 1 or --%s 1,0", flag, flag, flag)
	}
	var xs []float64
	for _, f := range strings.Split(s, ",") {
		x, err := strconv.ParseFloat(strings.TrimSpace(f), 64)
		if err != nil || math.IsNaN(x) || math.IsInf(x, 0) {
			return nil, badInput("--%s: %q is not a finite number", flag, strings.TrimSpace(f))
		}
		xs = append(xs, x)
	}
	return xs, nil
}

// parseParams reads "a=1.5,b=1,k=?,c=0.5:2": known values, the names
// marked unknown ("?" starts them at 1, "?0.5" at 0.5), in the order given,
// and ranges LO:HI, which make the problem a family.
func parseParams(s string) (map[string]float64, []string, map[string]problems.Range, error) {
	if strings.TrimSpace(s) == "" {
		return nil, nil, nil, nil
	}
	params := map[string]float64{}
	var unknown []string
	var ranges map[string]problems.Range
	for _, f := range strings.Split(s, ",") {
		name, value, ok := strings.Cut(strings.TrimSpace(f), "=")
		name, value = strings.TrimSpace(name), strings.TrimSpace(value)
		if !ok || name == "" {
			return nil, nil, nil, fmt.Errorf("%q is not NAME=VALUE", f)
		}
		_, dup := params[name]
		if _, isRange := ranges[name]; dup || isRange {
			return nil, nil, nil, fmt.Errorf("%s is given twice", name)
		}
		if strings.Contains(value, ":") {
			r, err := problems.ParseRange(value)
			if err != nil {
				return nil, nil, nil, fmt.Errorf("%s: %w", name, err)
			}
			if ranges == nil {
				ranges = map[string]problems.Range{}
			}
			ranges[name] = r
			continue
		}
		if rest, isUnknown := strings.CutPrefix(value, "?"); isUnknown {
			unknown = append(unknown, name)
			value = rest
			if value == "" {
				value = "1"
			}
		}
		x, err := strconv.ParseFloat(value, 64)
		if err != nil || math.IsNaN(x) || math.IsInf(x, 0) {
			return nil, nil, nil, fmt.Errorf("%s=%s: %q is not a finite number", name, value, value)
		}
		params[name] = x
	}
	return params, unknown, ranges, nil
}

// readData reads --data, the file at path, which an inverse problem needs.
func readData(path string, p *problems.Problem) (*problems.Observations, error) {
	switch {
	case path == "" && len(p.Unknown) > 0:
		return nil, badInput("unknown parameters %s need observations: --data FILE.csv", strings.Join(p.Unknown, ", "))
	case path == "":
		return nil, nil
	}
	f, err := os.Open(path)
	if err != nil {
		return nil, badInput("--data: %v", err)
	}
	defer f.Close()
	obs, err := p.ReadObservations(f)
	if err != nil {
		return nil, badInput("--data %s: %v", path, err)
	}
	return obs, nil
}
