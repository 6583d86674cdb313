package main

import (
	"encoding/json"
	"fmt"
	"text/tabwriter"

	"pinn/problems"

	"github.com/urfave/cli/v2"
)

// listCommand returns pinn list, bound to fresh options.
func listCommand() *cli.Command {
	var asJSON bool
	return &cli.Command{
		Name:  "list",
		Usage: "list the built-in problems",
		Description: "Shows each built-in problem with its equation, domain, conditions (initial or boundary)\n" +
			"and the reference its runs are scored against.\n\n" +
			"Example:\n   pinn list --json",
		Flags: []cli.Flag{
			&cli.BoolFlag{Name: "json", Usage: "print one JSON array", Destination: &asJSON},
		},
		Action: func(c *cli.Context) error { return runList(c, asJSON) },
	}
}

// problemInfo is how list shows a problem.
type problemInfo struct {
	Name     string             `json:"name"`
	Summary  string             `json:"summary"`
	Equation string             `json:"equation"`
	Indep    string             `json:"indep"`
	Vars     []string           `json:"vars"`
	Order    int                `json:"order"`
	T0       float64            `json:"t0"`
	T1       float64            `json:"t1"`
	Initial  string             `json:"initial_conditions"`
	Y0       []float64          `json:"y0"`
	DY0      []float64          `json:"dy0,omitempty"`
	BC       []string           `json:"bc,omitempty"`
	Params   map[string]float64 `json:"params,omitempty"`
	Points   int                `json:"points"`
	Exact    []string           `json:"exact,omitempty"`
}

func runList(c *cli.Context, asJSON bool) error {
	if c.NArg() > 0 {
		return badInput("list takes no arguments, got %q", c.Args().First())
	}
	var infos []problemInfo
	for _, name := range problems.Names() {
		p, err := problems.Builtin(name)
		if err != nil {
			return err
		}
		infos = append(infos, problemInfo{Name: p.Name, Summary: p.Summary, Equation: p.Equation(),
			Indep: p.Indep, Vars: p.Vars, Order: p.Order, T0: p.T0, T1: p.T1, Initial: p.InitialConditions(),
			Y0: p.Y0, DY0: p.DY0, BC: p.BC, Params: p.Params, Points: p.Points, Exact: p.Exact})
	}
	if asJSON {
		enc := json.NewEncoder(c.App.Writer)
		enc.SetIndent("", "  ")
		return enc.Encode(infos)
	}
	w := tabwriter.NewWriter(c.App.Writer, 0, 4, 2, ' ', 0)
	fmt.Fprintln(w, "NAME\tEQUATION\tDOMAIN\tCONDITIONS\tSCORED AGAINST")
	for _, p := range infos {
		ref := "reference integrator"
		if len(p.Exact) > 0 {
			ref = "exact solution"
		}
		fmt.Fprintf(w, "%s\t%s\t%s in [%.4g, %.4g]\t%s\t%s\n", p.Name, p.Equation, p.Indep, p.T0, p.T1, p.Initial, ref)
	}
	return w.Flush()
}
