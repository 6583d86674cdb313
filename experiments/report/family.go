package report

import (
	"fmt"
	"math"
	"strings"

	"pinn/graph"
	"pinn/problems"
)

// FamilyFiles are the files WriteFiles writes for a family besides
// FitFiles: members.csv (each member scored) and error.png (the error over
// t of several members). A family's solution.csv holds its worst member,
// and its solution.png several members against their references.
var FamilyFiles = []string{"members.csv", "error.png"}

// plotMembers is how many members a family's plots draw.
const plotMembers = 5

// PlotMembers returns the members a family's plots draw: plotMembers
// evenly spaced values of the first range parameter (RangeNames order),
// the others at the middle of their ranges.
func PlotMembers(p *problems.Problem) []map[string]float64 {
	names := p.RangeNames()
	values := make([][]float64, len(names))
	for j, k := range names {
		n := 1
		if j == 0 {
			n = plotMembers
		}
		values[j] = problems.Spaced(p.Ranges[k].Lo, p.Ranges[k].Hi, n)
	}
	members := make([]map[string]float64, plotMembers)
	for i := range members {
		members[i] = map[string]float64{}
		for j, k := range names {
			members[i][k] = values[j][min(i, len(values[j])-1)]
		}
	}
	return members
}

// MemberName writes a member of the family p as "k=0.5" or "a=0, k=0.5",
// the range parameters in RangeNames order.
func MemberName(p *problems.Problem, member map[string]float64) string {
	var parts []string
	for _, k := range p.RangeNames() {
		parts = append(parts, fmt.Sprintf("%s=%g", k, member[k]))
	}
	return strings.Join(parts, ", ")
}

// FamilyPlots draws a family's model: the solution of each of
// PlotMembers (solid) against its reference (dashed, same colour), and
// the error |y - reference| of each over t on a log scale, on a grid of
// PlotPoints points.
func FamilyPlots(m *graph.Model, title string) (solution, errs Plot, err error) {
	p := m.Problem()
	ts := p.Grid(PlotPoints)
	refName := "exact"
	if !p.HasExact() {
		refName = "reference"
	}
	solution = Plot{Title: title, XLabel: p.Indep, YLabel: "solution (dashed: " + refName + ")"}
	errs = Plot{Title: title + ": error", XLabel: p.Indep, YLabel: "|y - " + refName + "|", LogY: true, ZeroLine: true}
	for c, member := range PlotMembers(p) {
		sol, err := m.PredictMember(ts, member)
		if err != nil {
			return Plot{}, Plot{}, err
		}
		ref, err := p.Reference(ts, member)
		if err != nil {
			return Plot{}, Plot{}, err
		}
		name := MemberName(p, member)
		for i, v := range p.Vars {
			if len(p.Vars) > 1 {
				name = v + " " + MemberName(p, member)
			}
			col := Color(c*len(p.Vars) + i)
			e := make([]float64, len(ts))
			for k := range ts {
				e[k] = math.Abs(sol.Y[i][k] - ref.Y[i][k])
			}
			solution.Curves = append(solution.Curves,
				Curve{Name: name, X: ts, Y: sol.Y[i], Color: col},
				Curve{X: ts, Y: ref.Y[i], Dashed: true, Color: col})
			errs.Curves = append(errs.Curves, Curve{Name: name, X: ts, Y: e, Color: col})
		}
	}
	return solution, errs, nil
}

// membersRows returns members.csv's header and rows: each range
// parameter's value, then rel_l2, max_abs_err and max_abs_deriv_err.
func (f *FamilyFit) membersRows(p *problems.Problem) ([]string, [][]float64) {
	header := append(p.RangeNames(), "rel_l2", "max_abs_err", "max_abs_deriv_err")
	rows := make([][]float64, len(f.Members))
	for i, m := range f.Members {
		for _, k := range p.RangeNames() {
			rows[i] = append(rows[i], float64(m.Params[k]))
		}
		rows[i] = append(rows[i], float64(m.RelL2), float64(m.MaxAbsErr), float64(m.MaxAbsDerivErr))
	}
	return header, rows
}
