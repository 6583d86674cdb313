package graph

import G "gorgonia.org/gorgonia"

// Residuals returns the ODE residual D y_i - f_i(t, y, y') of the model at
// the points ts, with symbolic derivatives and the model's parameter
// values: out[i][k] is variable i's at ts[k]. Like Predict, it runs on
// chunks of EvalChunk points.
func (m *Model) Residuals(ts []float64) ([][]float64, error) {
	if m.problem.IsFamily() {
		return nil, errFamily
	}
	if m.windows != nil {
		return m.scatterTimes(ts, len(m.problem.Vars), (*Model).Residuals)
	}
	return m.evaluate("residuals", [][]float64{ts}, residualNodes)
}

// residualNodes builds the ODE residual at a.
func residualNodes(b *builder, a at) (G.Nodes, error) {
	r, err := b.atCollocation(a)
	if err != nil {
		return nil, err
	}
	return b.residuals(r)
}
