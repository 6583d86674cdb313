package graph

import (
	"context"
	"errors"
	"testing"

	"pinn/problems"
)

// TestUnsupportedProblems: problems the graph side cannot build yet
// (a family of boundary-value problems) are refused with ErrUnsupported by
// Fit, not met by an index out of range.
func TestUnsupportedProblems(t *testing.T) {
	defs := map[string]problems.Definition{
		"boundary family": {Name: "bvp", Vars: []string{"y"}, Order: 2, RHS: []string{"-k*y"},
			Ranges: map[string]problems.Range{"k": {Lo: 0.5, Hi: 2}}, BC: []string{"y(0) = 0", "y(1) = 1"}, T0: 0, T1: 1, Points: 11},
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
}
