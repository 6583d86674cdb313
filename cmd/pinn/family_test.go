package main

import (
	"encoding/json"
	"math"
	"os"
	"path/filepath"
	"testing"
)

// smallFamily are the flags of a short family training of y' = -k y,
// k in [0.5, 2]: two windows, 300 BFGS iterations a network, 8 values of k
// on a window's grid, scored at 3 values of k. It takes about 0.3 s.
var smallFamily = []string{"solve", "--rhs", "-k*y", "--param", "k=0.5:2", "--y0", "1", "--t1", "2",
	"--windows", "2", "--window-iters", "300", "--window-params", "8", "--score-params", "3"}

// TestFamilySolveAndEval trains a small family, reads its report and
// evaluates a member of the saved model with pinn eval.
//
// Tolerances: this short training measured a worst rel_l2 of 1.1e-3 over
// the members and |y - exp(-1.3 t)| up to 1.2e-3 at k = 1.3; 1e-2 allows
// for other machines' rounding, while a member evaluated at the wrong k
// (k = 0.5 or 2 instead of 1.3) is off by 0.2 or more at t = 1.
func TestFamilySolveAndEval(t *testing.T) {
	dir := t.TempDir()
	model := filepath.Join(dir, "family.json")
	out, errOut, status := runPinn(append(smallFamily, "--json", "--save", model)...)
	if status != 0 {
		t.Fatalf("status %d: %s", status, errOut)
	}
	var r struct {
		RelL2  float64 `json:"rel_l2"`
		Family struct {
			Values  int `json:"values_per_parameter"`
			Members []struct {
				Params map[string]float64 `json:"params"`
				RelL2  float64            `json:"rel_l2"`
			} `json:"members"`
			Worst map[string]float64 `json:"worst_member"`
		} `json:"family"`
	}
	if err := json.Unmarshal([]byte(out), &r); err != nil {
		t.Fatalf("%v: %s", err, out)
	}
	if f := r.Family; f.Values != 3 || len(f.Members) != 3 || f.Members[0].Params["k"] != 0.5 || f.Members[1].Params["k"] != 1.25 || f.Members[2].Params["k"] != 2 {
		t.Fatalf("members %+v, want k = 0.5, 1.25, 2", f)
	}
	worst := 0.0
	for _, m := range r.Family.Members {
		worst = max(worst, m.RelL2)
	}
	if r.RelL2 != worst || !(worst < 1e-2) {
		t.Errorf("rel_l2 %g, worst member's %g: want the worst, below 1e-2", r.RelL2, worst)
	}

	out, errOut, status = runPinn("eval", model, "--t", "0:2:5", "--param", "k=1.3", "--json")
	if status != 0 {
		t.Fatalf("eval: status %d: %s", status, errOut)
	}
	var e evalReport
	if err := json.Unmarshal([]byte(out), &e); err != nil {
		t.Fatalf("%v: %s", err, out)
	}
	if len(e.T) != 5 || len(e.Solution["y"]) != 5 {
		t.Fatalf("eval: %s", out)
	}
	for k, tk := range e.T {
		if want := math.Exp(-1.3 * tk); math.Abs(e.Solution["y"][k]-want) > 1e-2 {
			t.Errorf("eval: y(%g) = %.6g at k = 1.3, want %.6g", tk, e.Solution["y"][k], want)
		}
	}
}

// TestFamilyBadInput: a family's bad input exits 2 with one line naming
// what was wrong.
func TestFamilyBadInput(t *testing.T) {
	dir := t.TempDir()
	family := filepath.Join(dir, "family.json")
	if _, errOut, status := runPinn(append(smallFamily, "--save", family)...); status != 0 {
		t.Fatal(errOut)
	}
	plain, _ := savedModel(t, dir)
	data := filepath.Join(dir, "data.csv")
	if err := os.WriteFile(data, []byte("t,k,y\n0,1,1\n1,1,0.4\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	solve := func(args ...string) []string {
		return append([]string{"solve", "--rhs", "-k*y", "--t1", "2"}, args...)
	}
	tests := []struct {
		msg  string
		args []string
	}{
		{`range "2:0.5" is empty: want lo < hi`, solve("--param", "k=2:0.5", "--y0", "1")},
		{`range "1:1" is empty`, solve("--param", "k=1:1", "--y0", "1")},
		{`"x" is not a finite number`, solve("--param", "k=x:2", "--y0", "1")},
		{"k has both a value and a range", solve("--param", "k=0.5:2", "--param", "k=1", "--y0", "1")},
		{`--y0: column 1: unknown name "b"`, solve("--param", "k=0.5:2", "--y0", "b")},
		{`--y0: column 3: syntax error`, solve("--param", "k=0.5:2", "--y0", "k*")},
		{`--y0: "k" is not a finite number`, solve("--param", "k=1", "--y0", "k")},
		{"unknown parameters (c=?) and ranges (k=LO:HI) do not combine", []string{"solve", "--rhs", "-c*k*y", "--t1", "2", "--param", "k=0.5:2,c=?", "--y0", "1", "--data", data}},
		{"families of boundary-value problems are not supported", []string{"solve", "--order", "2", "--rhs", "-k*y", "--param", "k=0.5:2", "--bc", "y(0) = 0", "--bc", "y(1) = 1"}},
		{"--trace: a family's training is not traced", solve("--param", "k=0.5:2", "--y0", "1", "--trace", "10")},
		{"a family's training is not checkpointed", solve("--param", "k=0.5:2", "--y0", "1", "--checkpoint", filepath.Join(dir, "ck"))},
		{"a family's training is not checkpointed", solve("--param", "k=0.5:2", "--y0", "1", "--resume", filepath.Join(dir, "ck"))},
		{"--score-params applies to families", solve("--param", "k=1", "--y0", "1", "--score-params", "3")},
		{"--windows applies to families", solve("--param", "k=1", "--y0", "1", "--windows", "3")},
		{"--score-params must be positive", solve("--param", "k=0.5:2", "--y0", "1", "--score-params", "0")},
		{"more than 100000 members to score", []string{"solve", "--rhs", "-k*y + a*b", "--t1", "2", "--param", "k=0.5:2,a=0:1,b=0:1", "--y0", "1", "--score-params", "50"}},
		{"k = 2.5 is outside the trained range [0.5, 2]", []string{"eval", family, "--t", "1", "--param", "k=2.5"}},
		{"k = 0.25 is outside the trained range [0.5, 2]", []string{"eval", family, "--t", "1", "--param", "k=0.25"}},
		{"the model is a family: give --param k=VALUE, a value in its trained range [0.5, 2]", []string{"eval", family, "--t", "1"}},
		{"a is not a range parameter (the range parameters are k)", []string{"eval", family, "--t", "1", "--param", "a=1"}},
		{"k is given twice", []string{"eval", family, "--t", "1", "--param", "k=1", "--param", "k=1.5"}},
		{"eval takes a value of a range parameter", []string{"eval", family, "--t", "1", "--param", "k=1:2"}},
		{"t = 3 is not in [0, 2]", []string{"eval", family, "--t", "3", "--param", "k=1"}},
		{`--t "0:2" is not a:b:n`, []string{"eval", family, "--t", "0:2", "--param", "k=1"}},
		{"the model is not a family", []string{"eval", plain, "--t", "1", "--param", "k=1"}},
	}
	for _, tc := range tests {
		t.Run(tc.msg, func(t *testing.T) { checkBadInput(t, tc.msg, tc.args...) })
	}
}
