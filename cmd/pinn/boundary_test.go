package main

import (
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// TestSolveBoundaryValue solves Bratu's problem typed with --bc, with
// nothing else given: the recipe for boundary-value problems (stderr says
// so) reaches 1e-6 against the shooting reference, and the report says how
// the conditions are met.
func TestSolveBoundaryValue(t *testing.T) {
	out, errOut, status := runPinn("solve", "--order", "2", "--rhs", "-exp(y)", "--bc", "y(0) = 0", "--bc", "y(1) = 0", "--json")
	if status != 0 {
		t.Fatalf("status %d: %s", status, errOut)
	}
	if !strings.Contains(errOut, "training on the whole domain") {
		t.Errorf("stderr %q does not say how it trains", errOut)
	}
	var r struct {
		RelL2       float64 `json:"rel_l2"`
		Method      string  `json:"method"`
		Corrections int     `json:"corrections"`
		Conditions  struct {
			Hard        []string `json:"hard"`
			MaxResidual float64  `json:"max_residual"`
		} `json:"conditions"`
		Reference string `json:"reference"`
	}
	if err := json.Unmarshal([]byte(out), &r); err != nil {
		t.Fatalf("%v: %s", err, out)
	}
	// The recipe's worst over seeds 1-5 is 1e-9 on bratu (README); the
	// goal is 1e-6.
	if !(r.RelL2 <= 1e-6) || r.Method != "whole" || len(r.Conditions.Hard) != 2 || r.Conditions.MaxResidual > 1e-12 || !strings.Contains(r.Reference, "Dormand-Prince") {
		t.Errorf("report %+v", r)
	}
}

// TestSolveBoundaryValueMixed gives a condition at t0 with --y0 and a Robin
// condition at t1 with --bc (the built-in robin, typed), and a first-order
// system with a condition at each end; both solve to 1e-6 by default.
func TestSolveBoundaryValueMixed(t *testing.T) {
	if testing.Short() {
		t.Skip("two fits of about a second")
	}
	for _, args := range [][]string{
		{"--order", "2", "--rhs", "-k^2*y", "--param", "k=1.5", "--y0", "1", "--bc", "y(1) + dy(1) = 0"},
		{"--vars", "x,y", "--rhs", "y", "--rhs", "4*x", "--bc", "x(0) = 1", "--bc", "y(1) = 0"},
	} {
		out, errOut, status := runPinn(append([]string{"solve", "--json"}, args...)...)
		if status != 0 {
			t.Fatalf("%v: status %d: %s", args, status, errOut)
		}
		var r struct {
			RelL2 float64 `json:"rel_l2"`
		}
		if err := json.Unmarshal([]byte(out), &r); err != nil {
			t.Fatal(err)
		}
		if !(r.RelL2 <= 1e-6) {
			t.Errorf("%v: rel_l2 %g", args, r.RelL2)
		}
	}
}

// TestSolveBadConditions: every bad condition of issue 12 exits 2 with a
// one-line message that names the condition and, where there is one, the
// column; so does a problem the shooting reference cannot solve, before
// training, and march asked for a boundary-value problem.
func TestSolveBadConditions(t *testing.T) {
	bvp := []string{"--order", "2", "--rhs", "-y", "--bc", "y(0) = 0"}
	tests := []struct {
		args []string
		msg  string
	}{
		{append(bvp[:4:4], "--bc", "y(0) = 0"), "needs 2 conditions, have 1: 1 boundary condition"},
		{append(bvp, "--bc", "y(1) = 1", "--y0", "1"), "needs 2 conditions, have 3: 1 initial value and 2 boundary conditions"},
		{append(bvp, "--bc", "y(2) = 1"), "boundary condition 2: column 3: the point 2 of y(...) is outside the domain [0, 1]"},
		{append(bvp, "--bc", "y(-0.5) = 1"), "boundary condition 2: column 3: the point -0.5 of y(...) is outside the domain [0, 1]"},
		{append(bvp, "--bc", "y(1) = q"), `boundary condition 2: column 8: unknown name "q"`},
		{append(bvp, "--bc", "z(1) = 1"), `boundary condition 2: column 1: unknown function "z"`},
		{append(bvp, "--bc", "d2y(1) = 0"), `boundary condition 2: column 1: "d2y" is a second derivative`},
		{[]string{"--rhs", "-y", "--bc", "dy(1) = 0"}, `boundary condition 1: column 1: "dy" is a derivative: the conditions of a first-order problem use values only`},
		{append(bvp, "--bc", "1 = 2"), "boundary condition 2: the condition involves no variable"},
		{append(bvp, "--bc", "y = 1"), `boundary condition 2: column 1: variable "y" needs a point`},
		{append(bvp, "--bc", "y(t) = 1"), "boundary condition 2: column 3: the point of y(...) must be a constant"},
		{append(bvp, "--bc", "y(1)"), `boundary condition 2: no "="`},
		{append(bvp, "--bc", "y(3.141592653589793) = 1", "--t1", "3.141592653589793"), "shooting did not converge"},
		{append(bvp, "--bc", "y(1) = 1", "--method", "march"), "--method march needs the whole state at the start"},
		{append(bvp, "--bc", "y(1) = 1", "--goal", "1e-7"), "--goal applies to marching, but the problem's conditions are met on the whole domain"},
	}
	for _, tt := range tests {
		t.Run(strings.Join(tt.args, " "), func(t *testing.T) {
			checkBadInput(t, tt.msg, append([]string{"solve"}, tt.args...)...)
		})
	}
}

// TestTrainBoundaryBuiltinSaveEval trains the built-in bratu, saves it and
// checks that pinn eval gives back the solution of the run, bit for bit,
// and that the model file holds the conditions.
func TestTrainBoundaryBuiltinSaveEval(t *testing.T) {
	dir := t.TempDir()
	model := filepath.Join(dir, "bratu.json")
	out, errOut, status := runPinn("train", "bratu", "--save", model, "--out", dir)
	if status != 0 {
		t.Fatalf("status %d: %s", status, errOut)
	}
	if !strings.Contains(out, "conditions   built in: y(0) = 0, y(1) = 0") {
		t.Errorf("the report does not say how the conditions are met:\n%s", out)
	}
	checkEvalMatchesRun(t, model, dir)
	saved, err := os.ReadFile(model)
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(string(saved), `"bc": [`) || !strings.Contains(string(saved), `"y(1) = 0"`) {
		t.Errorf("the model file does not hold the conditions:\n%.500s", saved)
	}
}
