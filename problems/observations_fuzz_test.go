package problems

import (
	"math"
	"strings"
	"testing"
)

// FuzzReadObservations checks, for any file, that ReadObservations (what
// pinn solve --data reads) does not panic and refuses with a one-line
// error, and that what it accepts is whole: a time in the domain and a
// finite value of every variable for each observation, with squares that
// add up to a finite number. Two problems read each input: y on [0, 2] and
// x, y on [0, 5]. Seeds are in testdata/fuzz/FuzzReadObservations and
// here.
func FuzzReadObservations(f *testing.F) {
	for _, seed := range []string{
		"t,y\n0.2,0.818\n0.4,0.67\n2,0.135\n",
		"\uFEFFt,x,y\n0,1,1\n2.5,0.3,4.1\n",
		"y, t\n1, 0\n",
		"t,y\n1,\"2\"\n",
		"t,y\n1,1e154\n2,1e154\n",
		"t,y,y\n1,2,3\n",
		"t,y\n5,1\n",
		"",
	} {
		f.Add(seed)
	}
	decay, err := New(Definition{Name: "decay", Vars: []string{"y"}, Order: 1, RHS: []string{"-y"}, T0: 0, T1: 2, Y0: []float64{1}, Points: 3})
	if err != nil {
		f.Fatal(err)
	}
	lv, err := New(Definition{Name: "lv", Vars: []string{"x", "y"}, Order: 1, RHS: []string{"x", "y"}, T0: 0, T1: 5, Y0: []float64{1, 1}, Points: 3})
	if err != nil {
		f.Fatal(err)
	}
	f.Fuzz(func(t *testing.T, file string) {
		for _, p := range []*Problem{decay, lv} {
			obs, err := p.ReadObservations(strings.NewReader(file))
			if err != nil {
				if strings.Contains(err.Error(), "\n") {
					t.Fatalf("error on more than one line: %q", err)
				}
				continue
			}
			if len(obs.T) == 0 || len(obs.Y) != len(p.Vars) {
				t.Fatalf("%d observations of %d variables", len(obs.T), len(obs.Y))
			}
			for i, ys := range obs.Y {
				if len(ys) != len(obs.T) {
					t.Fatalf("variable %d has %d values for %d times", i, len(ys), len(obs.T))
				}
				squares := 0.0
				for k, y := range ys {
					squares += y * y
					if tk := obs.T[k]; !(tk >= p.T0 && tk <= p.T1) || math.IsNaN(y) || math.IsInf(y, 0) {
						t.Fatalf("accepted %s = %g, variable %d = %g", p.Indep, tk, i, y)
					}
				}
				if math.IsInf(squares, 0) {
					t.Fatalf("variable %d: the squares add up to %g", i, squares)
				}
			}
		}
	})
}
