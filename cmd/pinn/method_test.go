package main

import (
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"
)

// fitJSON is what the tests read of pinn train's and solve's --json.
type fitJSON struct {
	Method          string  `json:"method"`
	FinalLoss       float64 `json:"final_loss"`
	RelL2           float64 `json:"rel_l2"`
	Agrees          bool    `json:"agrees"`
	Tol             float64 `json:"tol"`
	IC              string  `json:"ic"`
	Hidden          []int   `json:"hidden"`
	Epochs          int     `json:"epochs"`
	Optimizer       string  `json:"optimizer"`
	LBFGSIterations int     `json:"lbfgs_iterations"`
	March           *struct {
		Goal    float64 `json:"goal"`
		Windows int     `json:"windows"`
		Tries   int     `json:"tries"`
	} `json:"march"`
}

// runJSON runs pinn with args and --json and reads the report; it fails the
// test unless the status is want.
func runJSON(t *testing.T, want int, args ...string) (fitJSON, string) {
	t.Helper()
	out, errOut, status := runPinn(append(args, "--json")...)
	if status != want {
		t.Fatalf("%v: status %d, want %d; stderr %q", args, status, want, errOut)
	}
	var r fitJSON
	if err := json.Unmarshal([]byte(out), &r); err != nil {
		t.Fatalf("%v: %v:\n%s", args, err, out)
	}
	return r, errOut
}

// savedTraining returns what a saved model holds of its training: the file
// without the problem's exact solution.
func savedTraining(t *testing.T, path string) map[string]any {
	t.Helper()
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	var m map[string]any
	if err := json.Unmarshal(b, &m); err != nil {
		t.Fatal(err)
	}
	delete(m["problem"].(map[string]any), "exact")
	return m
}

// TestWrongExactChangesNothing checks issue 11's rule through the command
// line: solving with a wrong --exact gives the same final loss and the
// same saved weights, bit for bit, marching and on the whole domain; only
// the score, and the verdict, change.
func TestWrongExactChangesNothing(t *testing.T) {
	dir := t.TempDir()
	eq := []string{"solve", "--rhs", "t - y", "--y0", "1", "--t1", "2"}
	for _, method := range [][]string{nil, {"--fast", "--epochs", "300"}} {
		name := strings.Join(method, " ")
		var runs [2]fitJSON
		var saved [2]map[string]any
		for i, exact := range []string{"t - 1 + 2*exp(-t)", "t - 1 + 2*exp(-2*t)"} {
			model := filepath.Join(dir, fmt.Sprintf("model%d.json", i))
			args := append(append(append([]string{}, eq...), method...), "--exact", exact, "--save", model)
			runs[i], _ = runJSON(t, 0, args...)
			saved[i] = savedTraining(t, model)
		}
		right, wrong := runs[0], runs[1]
		if right.FinalLoss != wrong.FinalLoss || !reflect.DeepEqual(saved[0], saved[1]) {
			t.Errorf("%q: final loss %.17g and %.17g, or the saved models differ", name, right.FinalLoss, wrong.FinalLoss)
		}
		// exp(-2t) for exp(-t) is off by 0.1-0.2 of the solution: far
		// above --tol.
		if right.RelL2 == wrong.RelL2 || wrong.Agrees || wrong.RelL2 < 0.01 {
			t.Errorf("%q: rel_l2 %.3g against the right exact solution, %.3g (agrees %t) against the wrong one", name, right.RelL2, wrong.RelL2, wrong.Agrees)
		}
	}
}

// TestDisagreementIsReported checks that a wrong solution is never
// reported as a success: a short whole-domain run of Lotka-Volterra
// (rel_l2 near 1) ends its text report with a line saying so and what to
// try, says "agrees": false in JSON, and exits 1 with --strict; a marched
// run of decay (rel_l2 2e-8) agrees, with or without --strict, and a --tol
// below its error turns it into a disagreement.
func TestDisagreementIsReported(t *testing.T) {
	wrong := []string{"train", "lotka-volterra", "--epochs", "50"}
	out, _, status := runPinn(wrong...)
	lines := strings.Split(strings.TrimSpace(out), "\n")
	last := lines[len(lines)-1]
	if status != 0 || !strings.HasPrefix(last, "the network disagrees with the reference: rel_l2 0.") ||
		!strings.Contains(last, " > 1e-04; try the default method, marching") {
		t.Errorf("status %d, last line %q", status, last)
	}
	if r, _ := runJSON(t, 0, wrong...); r.Agrees || r.Tol != 1e-4 || !(r.RelL2 > 0.1) {
		t.Errorf("JSON: agrees %t, tol %g, rel_l2 %g", r.Agrees, r.Tol, r.RelL2)
	}
	out, errOut, status := runPinn(append(wrong, "--strict")...)
	if status != exitFailure || !strings.Contains(out, "the network disagrees") || !strings.HasSuffix(errOut, "pinn: the solution disagrees with the reference (--strict)\n") {
		t.Errorf("--strict: status %d, stderr %q", status, errOut)
	}

	out, errOut, status = runPinn("train", "decay", "--strict")
	if status != 0 || errOut != "" || strings.Contains(out, "disagrees") {
		t.Errorf("decay --strict: status %d, stderr %q:\n%s", status, errOut, out)
	}
	if r, _ := runJSON(t, 0, "train", "decay"); !r.Agrees || r.Method != "march" || !(r.RelL2 < 1e-6) {
		t.Errorf("decay: agrees %t, method %s, rel_l2 %g", r.Agrees, r.Method, r.RelL2)
	}
	out, _, status = runPinn("train", "decay", "--tol", "1e-10", "--strict")
	if status != exitFailure || !strings.Contains(out, "> 1e-10; try a smaller --goal (1e-08)") {
		t.Errorf("decay --tol 1e-10 --strict: status %d:\n%s", status, out)
	}
}

// TestMethodFlags checks how the flags choose the method: none marches; a
// whole-domain flag trains one network with the old defaults and says so
// on stderr; --fast and --method whole do so silently; and a flag the
// chosen method does not read exits 2 naming it.
func TestMethodFlags(t *testing.T) {
	r, errOut := runJSON(t, 0, "train", "decay")
	if r.Method != "march" || r.March == nil || r.March.Goal != 1e-6 || r.March.Windows < 1 || r.IC != "hard" || errOut != "" {
		t.Errorf("no flags: %+v, stderr %q", r, errOut)
	}
	r, errOut = runJSON(t, 0, "train", "decay", "--goal", "1e-4", "--corrections", "0", "--hidden", "8")
	if r.Method != "march" || r.March.Goal != 1e-4 || !reflect.DeepEqual(r.Hidden, []int{8}) || errOut != "" {
		t.Errorf("march flags: %+v, stderr %q", r, errOut)
	}
	// The old defaults: 16-16, soft initial conditions, 3000 Adam epochs.
	fast, errOut := runJSON(t, 0, "train", "decay", "--fast")
	if fast.Method != "whole" || fast.Epochs != 3000 || fast.IC != "soft" || !reflect.DeepEqual(fast.Hidden, []int{16, 16}) || fast.Optimizer != "adam" || errOut != "" {
		t.Errorf("--fast: %+v, stderr %q", fast, errOut)
	}
	whole, errOut := runJSON(t, 0, "train", "decay", "--method", "whole")
	if whole.FinalLoss != fast.FinalLoss || errOut != "" {
		t.Errorf("--method whole: final loss %.17g, --fast's %.17g; stderr %q", whole.FinalLoss, fast.FinalLoss, errOut)
	}
	epochs, errOut := runJSON(t, 0, "train", "decay", "--epochs", "3000")
	if epochs.FinalLoss != fast.FinalLoss || errOut != "pinn: --epochs given: training one network on the whole domain (--method whole)\n" {
		t.Errorf("--epochs 3000: final loss %.17g, --fast's %.17g; stderr %q", epochs.FinalLoss, fast.FinalLoss, errOut)
	}
	if _, errOut = runJSON(t, 0, "train", "decay", "--ic", "soft", "--epochs", "10"); !strings.HasPrefix(errOut, "pinn: --ic given") {
		t.Errorf("--ic soft: stderr %q", errOut)
	}

	for _, tt := range []struct {
		args []string
		msg  string
	}{
		{[]string{"--method", "march", "--epochs", "10"}, "--epochs applies to whole-domain training, not to --method march"},
		{[]string{"--method", "march", "--ic", "soft"}, "--ic applies to whole-domain training, not to --method march"},
		{[]string{"--method", "march", "--fast"}, "--fast applies to whole-domain training, not to --method march"},
		{[]string{"--epochs", "10", "--goal", "1e-8"}, "--goal applies to marching, but --epochs chooses whole-domain training"},
		{[]string{"--fast", "--corrections", "2"}, "--corrections applies to marching, but --fast chooses whole-domain training"},
		{[]string{"--method", "whole", "--window-points", "16"}, "--window-points applies to marching, not to --method whole"},
		{[]string{"--method", "sideways"}, `--method: unknown method "sideways"`},
		{[]string{"--goal", "0"}, "--goal must be a positive finite number, got 0"},
		{[]string{"--corrections", "-1"}, "--corrections must not be negative, got -1"},
		{[]string{"--window-points", "1"}, "--window-points must be at least 2, got 1"},
		{[]string{"--window-iters", "0"}, "--window-iters must be positive, got 0"},
		{[]string{"--tol", "0"}, "--tol must be a positive finite number, got 0"},
		{[]string{"--tol", "NaN"}, "--tol must be a positive finite number, got NaN"},
	} {
		t.Run(strings.Join(tt.args, " "), func(t *testing.T) {
			checkBadInput(t, tt.msg, append([]string{"train", "decay"}, tt.args...)...)
		})
	}
	data := filepath.Join(t.TempDir(), "decay.csv")
	if err := os.WriteFile(data, []byte("t,y\n1,0.135\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	inverse := []string{"solve", "--rhs", "-k*y", "--param", "k=?", "--data", data, "--y0", "1", "--t1", "2"}
	checkBadInput(t, "--method march cannot learn unknown parameters", append(inverse, "--method", "march")...)
	checkBadInput(t, "--goal applies to marching, but the problem's unknown parameters are learned on the whole domain", append(inverse, "--goal", "1e-8")...)
}

// TestMarchedSaveEval saves a marched model and evaluates it with pinn
// eval: the solution is the one the training run wrote, bit for bit, the
// file is a pinn-model/2, and a time outside the domain exits 2.
func TestMarchedSaveEval(t *testing.T) {
	dir := t.TempDir()
	model := filepath.Join(dir, "model.json")
	out, errOut, status := runPinn("train", "oscillator", "--save", model, "--out", dir)
	if status != 0 {
		t.Fatalf("status %d: %s", status, errOut)
	}
	for _, want := range []string{"training     march to goal 1e-06: ", " accepted of ", "estimate     error estimate ", "saved        " + model} {
		if !strings.Contains(out, want) {
			t.Errorf("the report lacks %q:\n%s", want, out)
		}
	}
	file, err := os.ReadFile(model)
	if err != nil || !strings.Contains(string(file), `"format": "pinn-model/2"`) || !strings.Contains(string(file), `"windows": [`) {
		t.Fatalf("%v: the saved model is not a pinn-model/2 with windows", err)
	}
	checkEvalMatchesRun(t, model, dir)
	checkBadInput(t, "outside the domain of a marched model: t = 7 is not in [0, 6.28", "eval", model, "--t", "1,7")
}
