package problems

import (
	"slices"
	"strings"
	"testing"
)

// TestObservationsRefused: observations outside the domain [0, 2], a column
// named twice, and values whose squares add up past the largest float64
// are refused, naming the line; a byte-order mark is skipped.
func TestObservationsRefused(t *testing.T) {
	p, err := New(Definition{Name: "decay", Vars: []string{"y"}, Order: 1, RHS: []string{"-y"}, T0: 0, T1: 2, Y0: []float64{1}, Points: 3})
	if err != nil {
		t.Fatal(err)
	}
	obs, err := p.ReadObservations(strings.NewReader("\uFEFFt,y\n0,1\n2,0.135\n"))
	if err != nil || !slices.Equal(obs.T, []float64{0, 2}) {
		t.Errorf("with a byte-order mark: %v, %v", obs, err)
	}
	for _, tt := range []struct{ csv, msg string }{
		{"t,y\n1,0.3\n5,0.1\n", "line 3: t = 5 is outside the domain [0, 2]"},
		{"t,y\n-1,2.7\n", "line 2: t = -1 is outside the domain [0, 2]"},
		{"t,y,y\n1,2,3\n", `the header names the column "y" twice`},
		{"t,t,y\n1,1,3\n", `the header names the column "t" twice`},
		{"t,y\n1,1e308\n", "line 2, column y: 1e308 is too large"},
		// 1e154 squared is 1e308, finite; two of them are not.
		{"t,y\n0.5,1e154\n1,-1e154\n", "line 3, column y: -1e154 is too large"},
	} {
		if _, err := p.ReadObservations(strings.NewReader(tt.csv)); err == nil || !strings.Contains(err.Error(), tt.msg) {
			t.Errorf("%q: err = %v, want one saying %q", tt.csv, err, tt.msg)
		}
	}
}
