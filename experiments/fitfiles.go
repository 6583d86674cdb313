package experiments

import (
	"fmt"
	"math"
	"path/filepath"

	"pinn/experiments/report"
	"pinn/graph"
)

// plotPoints is the number of points the solution plots are drawn with.
const plotPoints = 401

// WriteFit writes a training run's files into dir: solution.csv (t, then per
// variable predicted, exact and abs_err on the collocation grid), loss.csv
// (epoch, loss), solution.png and loss.png.
func WriteFit(dir string, res *graph.Result) error {
	p, s := res.Problem, res.Score
	header := []string{p.Indep}
	for _, v := range p.Vars {
		if len(p.Vars) == 1 {
			header = append(header, "predicted", "exact", "abs_err")
		} else {
			header = append(header, v+"_predicted", v+"_exact", v+"_abs_err")
		}
	}
	rows := make([][]float64, len(s.Solution.T))
	for k, t := range s.Solution.T {
		row := []float64{t}
		for i := range p.Vars {
			y, ref := s.Solution.Y[i][k], s.Reference.Y[i][k]
			row = append(row, y, ref, math.Abs(y-ref))
		}
		rows[k] = row
	}
	if err := report.WriteCSV(filepath.Join(dir, "solution.csv"), header, rows); err != nil {
		return err
	}
	if err := report.WriteCSV(filepath.Join(dir, "loss.csv"), []string{"epoch", "loss"}, lossRows(res.Loss)); err != nil {
		return err
	}
	sol, err := SolutionPlot(res, fmt.Sprintf("%s: %s", p.Name, p.Equation()))
	if err != nil {
		return err
	}
	if err := sol.WritePNG(filepath.Join(dir, "solution.png")); err != nil {
		return err
	}
	return LossPlot(p.Name+": training loss", []report.Curve{LossCurve("loss", res.Loss)}).
		WritePNG(filepath.Join(dir, "loss.png"))
}

func lossRows(loss []float64) [][]float64 {
	rows := make([][]float64, len(loss))
	for k, l := range loss {
		rows[k] = []float64{float64(k), l}
	}
	return rows
}

// SolutionPlot draws a trained solution (solid) against the reference
// (dashed) on a fine grid.
func SolutionPlot(res *graph.Result, title string) (report.Plot, error) {
	p := res.Problem
	ts := p.Grid(plotPoints)
	sol, err := graph.Predict(p, res.Network, res.Config.IC, ts)
	if err != nil {
		return report.Plot{}, err
	}
	ref, err := p.Reference(ts, nil)
	if err != nil {
		return report.Plot{}, err
	}
	pl := report.Plot{Title: title, XLabel: p.Indep, YLabel: "solution"}
	refName := " exact"
	if !p.HasExact() {
		refName = " reference"
	}
	for i, v := range p.Vars {
		pl.Curves = append(pl.Curves,
			report.Curve{Name: v + " network", X: ts, Y: sol.Y[i]},
			report.Curve{Name: v + refName, X: ts, Y: ref.Y[i], Dashed: true})
	}
	return pl, nil
}

// LossCurve is a loss history as a plot curve over epochs.
func LossCurve(name string, loss []float64) report.Curve {
	c := report.Curve{Name: name, X: make([]float64, len(loss)), Y: loss}
	for k := range loss {
		c.X[k] = float64(k)
	}
	return c
}

// LossPlot draws loss histories on a log scale.
func LossPlot(title string, curves []report.Curve) report.Plot {
	return report.Plot{Title: title, XLabel: "epoch", YLabel: "loss", LogY: true, Curves: curves}
}
