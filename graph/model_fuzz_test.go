package graph_test

import (
	"bytes"
	"context"
	"errors"
	"strings"
	"testing"

	"pinn/graph"
	"pinn/problems"
)

// FuzzReadModel checks, for any file, that ReadModel (what pinn eval reads)
// does not panic and refuses with a one-line error, and that a model it
// accepts writes back to a file it reads again unchanged and can be
// evaluated (or is refused as not supported yet) without a panic. Seeds
// are models saved by Fit, in testdata/fuzz/FuzzReadModel and here.
func FuzzReadModel(f *testing.F) {
	whole := graph.Options{Method: graph.Whole, Epochs: 1}
	for _, seed := range []struct {
		problem string
		cfg     graph.Config
		opts    graph.Options
	}{
		{"decay", graph.Config{}, whole},
		{"oscillator", graph.Config{IC: graph.HardIC, Architecture: graph.Architecture{Hidden: []int{3}, Activation: graph.Sin}}, whole},
		{"lotka-volterra", graph.Config{ScaleInput: true, Architecture: graph.Architecture{Hidden: []int{2, 2}, OutputActivation: graph.Tanh}}, whole},
		// A marched model (pinn-model/2): windows of networks.
		{"oscillator", graph.Config{}, graph.Options{March: graph.MarchOptions{Goal: 1e-3}}},
	} {
		p, err := problems.Builtin(seed.problem)
		if err != nil {
			f.Fatal(err)
		}
		res, err := graph.Fit(context.Background(), p, seed.cfg, seed.opts)
		if err != nil {
			f.Fatal(err)
		}
		var b bytes.Buffer
		if _, err := res.Model.WriteTo(&b); err != nil {
			f.Fatal(err)
		}
		f.Add(b.Bytes())
	}
	f.Fuzz(func(t *testing.T, file []byte) {
		m, err := graph.ReadModel(bytes.NewReader(file))
		if err != nil {
			if strings.Contains(err.Error(), "\n") {
				t.Fatalf("error on more than one line: %q", err)
			}
			return
		}
		var once, twice bytes.Buffer
		if _, err := m.WriteTo(&once); err != nil {
			t.Fatal(err)
		}
		back, err := graph.ReadModel(bytes.NewReader(once.Bytes()))
		if err != nil {
			t.Fatalf("the model written back does not read: %v\n%s", err, once.Bytes())
		}
		if _, err := back.WriteTo(&twice); err != nil || !bytes.Equal(once.Bytes(), twice.Bytes()) {
			t.Fatalf("written twice, the model differs: %v\n%s\n%s", err, once.Bytes(), twice.Bytes())
		}
		p := m.Problem()
		if _, err := m.Predict([]float64{p.T0, (p.T0 + p.T1) / 2, p.T1}); err != nil && !errors.Is(err, graph.ErrUnsupported) {
			t.Fatalf("Predict: %v", err)
		}
	})
}
