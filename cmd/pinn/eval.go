package main

import (
	"encoding/json"
	"errors"
	"math"
	"os"
	"strconv"
	"strings"

	"pinn/graph"
	"pinn/problems"

	"github.com/urfave/cli/v2"
)

// evalFlags say where pinn eval evaluates and how it prints.
type evalFlags struct {
	t, grid         string
	param           cli.StringSlice
	json            bool
	tFlag, gridFlag cli.Flag
	mem             *memoryFlag
}

// evalCommand returns pinn eval, bound to fresh options.
func evalCommand() *cli.Command {
	f := &evalFlags{mem: newMemoryFlag()}
	f.tFlag = &cli.StringFlag{Name: "t", Usage: "times, comma-separated, or `a:b:n` as --grid", Destination: &f.t}
	f.gridFlag = &cli.StringFlag{Name: "grid", Usage: "`a:b:n`: n equally spaced times from a to b", Destination: &f.grid}
	return &cli.Command{
		Name:      "eval",
		Usage:     "evaluate a saved model",
		ArgsUsage: "FILE.json",
		Description: "Prints the solution a model saved with --save gives at the times asked for (by default the\n" +
			"problem's grid), and with --json its first derivative too. A marched model (the default) answers\n" +
			"inside its domain only. A family's model (trained with --param NAME=LO:HI) answers for the member\n" +
			"--param gives a value of each range parameter inside its trained range.\n\n" +
			"Examples:\n" +
			"   pinn eval model.json --t 0.5,1,2\n" +
			"   pinn eval model.json --grid 0:2:5 --json\n" +
			"   pinn eval family.json --t 0:2:101 --param k=1.3",
		Flags: []cli.Flag{
			f.tFlag,
			f.gridFlag,
			&cli.StringSliceFlag{Name: "param", Usage: "`NAME=VALUE`: a family's member, a value of each range parameter (repeatable, or comma-separated)", Destination: &f.param},
			&cli.BoolFlag{Name: "json", Usage: "print one JSON object with the solution and its derivative", Destination: &f.json},
			f.mem.flag,
		},
		Action: func(c *cli.Context) error { return runEval(c, f) },
	}
}

// evalReport is what pinn eval --json prints.
type evalReport struct {
	T          []float64            `json:"t"`
	Solution   map[string][]float64 `json:"solution"`
	Derivative map[string][]float64 `json:"derivative"`
}

func runEval(c *cli.Context, f *evalFlags) error {
	if c.NArg() != 1 {
		return badInput("eval needs one FILE.json saved with --save, got %d arguments", c.NArg())
	}
	path := c.Args().First()
	file, err := os.Open(path)
	if err != nil {
		return badInput("%v", err)
	}
	defer file.Close()
	m, err := graph.ReadModel(file)
	if err != nil {
		return badInput("%s: %v", path, err)
	}
	p := m.Problem()
	ts, err := f.times(c)
	if err != nil {
		return err
	}
	n := len(ts)
	if ts == nil {
		n = p.Points // the file's, which may have been edited: checked before the grid is made
	}
	need, err := m.EstimateMemory(n)
	if err != nil {
		return err
	}
	// The times, the solution and its derivative, as numbers and as text.
	if err := f.mem.check(c, need+float64(n)*float64(1+2*len(p.Vars))*(8+24), false, "ask for fewer times (--t, --grid)"); err != nil {
		return err
	}
	if ts == nil {
		ts = p.Grid(n)
	}
	member, err := f.member(p)
	if err != nil {
		return err
	}
	var sol *problems.Solution
	if member != nil {
		sol, err = m.PredictMember(ts, member)
	} else {
		sol, err = m.Predict(ts)
	}
	if errors.Is(err, graph.ErrOutsideDomain) || errors.Is(err, problems.ErrMember) {
		return badInput("%v", err)
	}
	if err != nil {
		return err
	}
	if f.json {
		r := evalReport{T: ts, Solution: map[string][]float64{}, Derivative: map[string][]float64{}}
		for i, v := range p.Vars {
			r.Solution[v], r.Derivative[v] = sol.Y[i], sol.DY[i]
		}
		return json.NewEncoder(c.App.Writer).Encode(r)
	}
	header, precs := []string{p.Indep}, []int{6}
	for _, v := range p.Vars {
		header, precs = append(header, v), append(precs, 10)
	}
	return writeColumns(c.App.Writer, header, append([][]float64{ts}, sol.Y...), precs)
}

// member reads --param: the member of the family p to evaluate, nil for a
// problem without range parameters.
func (f *evalFlags) member(p *problems.Problem) (map[string]float64, error) {
	member := map[string]float64{}
	for _, s := range f.param.Value() {
		values, unknown, ranges, err := parseParams(s)
		switch {
		case err != nil:
			return nil, badInput("--param: %v", err)
		case len(unknown) > 0 || len(ranges) > 0:
			return nil, badInput("--param: %q: eval takes a value of a range parameter, NAME=VALUE", s)
		}
		for k, v := range values {
			if _, dup := member[k]; dup {
				return nil, badInput("--param: %s is given twice", k)
			}
			member[k] = v
		}
	}
	switch {
	case !p.IsFamily() && len(member) > 0:
		return nil, badInput("--param: the model is not a family (it was trained without --param NAME=LO:HI): it takes no parameter values")
	case !p.IsFamily():
		return nil, nil
	}
	if len(member) == 0 {
		k := p.RangeNames()[0]
		r := p.Ranges[k]
		return nil, badInput("the model is a family: give --param %s=VALUE, a value in its trained range [%g, %g]", k, r.Lo, r.Hi)
	}
	if err := p.CheckMember(member); err != nil {
		return nil, badInput("--param: %v", err)
	}
	return member, nil
}

// maxGrid is the most points --grid gives.
const maxGrid = 1_000_000

// times reads --t or --grid; nil means neither was given.
func (f *evalFlags) times(c *cli.Context) ([]float64, error) {
	switch {
	case given(c, f.tFlag) && given(c, f.gridFlag):
		return nil, badInput("give --t or --grid, not both")
	case given(c, f.tFlag) && strings.Contains(f.t, ":"):
		return gridTimes("--t", f.t)
	case given(c, f.tFlag):
		if strings.TrimSpace(f.t) == "" {
			return nil, badInput("--t needs at least one time, like --t 0.5 or --t 0,1,2")
		}
		return floatList("t", f.t)
	case given(c, f.gridFlag):
		return gridTimes("--grid", f.grid)
	}
	return nil, nil
}

// gridTimes reads the value s of flag, a:b:n: n equally spaced times from
// a to b.
func gridTimes(flag, s string) ([]float64, error) {
	parts := strings.Split(s, ":")
	bad := badInput("%s %q is not a:b:n (n points from a to b, n from 2 to %d)", flag, s, maxGrid)
	if len(parts) != 3 {
		return nil, bad
	}
	a, errA := strconv.ParseFloat(parts[0], 64)
	b, errB := strconv.ParseFloat(parts[1], 64)
	n, errN := strconv.Atoi(parts[2])
	if errA != nil || errB != nil || errN != nil || n < 2 || n > maxGrid || math.IsNaN(a+b) || math.IsInf(a+b, 0) {
		return nil, bad
	}
	ts := make([]float64, n)
	for i := range ts {
		f := float64(i) / float64(n-1)
		ts[i] = a*(1-f) + b*f
	}
	return ts, nil
}
