package graph

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"strings"
	"testing"

	"pinn/problems"
)

// TestUnsupportedProblems: problems the graph side cannot build yet
// (boundary conditions away from t0) are refused with ErrUnsupported by Fit and by a model
// read from a file, not met by an index out of range.
func TestUnsupportedProblems(t *testing.T) {
	defs := map[string]problems.Definition{
		"boundary": {Name: "bvp", Vars: []string{"y"}, Order: 2, RHS: []string{"-y"},
			BC: []string{"y(0) = 0", "y(1) = 1"}, T0: 0, T1: 1, Points: 11},
	}
	for name, d := range defs {
		p, err := problems.New(d)
		if err != nil {
			t.Fatalf("%s: %v", name, err)
		}
		_, err = Fit(context.Background(), p, Config{}, Options{Method: Whole, Epochs: 1})
		if !errors.Is(err, ErrUnsupported) {
			t.Errorf("%s: Fit: err = %v, want ErrUnsupported", name, err)
		}
	}
	// A saved model whose problem a hand edit turned into a boundary-value
	// problem.
	var saved strings.Builder
	p := mustBuiltin(t, "oscillator")
	res, err := Fit(context.Background(), p, Config{}, Options{Method: Whole, Epochs: 1})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := res.Model.WriteTo(&saved); err != nil {
		t.Fatal(err)
	}
	var file map[string]any
	if err := json.Unmarshal([]byte(saved.String()), &file); err != nil {
		t.Fatal(err)
	}
	def := file["problem"].(map[string]any)
	delete(def, "y0")
	delete(def, "dy0")
	def["bc"] = []string{"y(0) = 1", "y(3) = 0"}
	edited, err := json.Marshal(file)
	if err != nil {
		t.Fatal(err)
	}
	m, err := ReadModel(bytes.NewReader(edited))
	if err != nil {
		t.Fatalf("ReadModel: %v", err)
	}
	if _, err := m.Predict([]float64{0, 1}); !errors.Is(err, ErrUnsupported) {
		t.Errorf("Predict on the edited model: err = %v, want ErrUnsupported", err)
	}
}
