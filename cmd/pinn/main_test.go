package main

import (
	"bytes"
	"encoding/json"
	"math"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// runPinn runs the program with argv and returns stdout, stderr and the
// exit status.
func runPinn(args ...string) (string, string, int) {
	var out, errOut bytes.Buffer
	status := run(append([]string{"pinn"}, args...), &out, &errOut)
	return out.String(), errOut.String(), status
}

// savedModel trains decay for 3 epochs and saves the model in dir; it
// returns the file's path and its contents.
func savedModel(t *testing.T, dir string) (string, []byte) {
	t.Helper()
	model := filepath.Join(dir, "model.json")
	if _, errOut, status := runPinn("train", "decay", "--epochs", "3", "--save", model); status != 0 {
		t.Fatal(errOut)
	}
	good, err := os.ReadFile(model)
	if err != nil {
		t.Fatal(err)
	}
	return model, good
}

// checkBadInput runs the program with args and checks the answer to bad
// input: status 2, nothing on stdout and one line on stderr saying msg.
func checkBadInput(t *testing.T, msg string, args ...string) {
	t.Helper()
	out, errOut, status := runPinn(args...)
	if status != exitUsage {
		t.Errorf("status %d, want %d (stderr %q)", status, exitUsage, errOut)
	}
	if !strings.Contains(errOut, msg) {
		t.Errorf("stderr %q does not say %q", errOut, msg)
	}
	if lines := strings.Count(errOut, "\n"); lines != 1 {
		t.Errorf("stderr has %d lines, want 1: %q", lines, errOut)
	}
	if out != "" {
		t.Errorf("stdout %q, want nothing", out)
	}
}

// TestBadInput runs each bad input the issue lists: status 2 and a one-line
// message naming what was wrong.
func TestBadInput(t *testing.T) {
	file := filepath.Join(t.TempDir(), "a-file")
	if err := os.WriteFile(file, nil, 0o644); err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		args []string
		msg  string
	}{
		{[]string{"train", "nope"}, `unknown problem "nope"`},
		{[]string{"train"}, "train needs one PROBLEM"},
		{[]string{"train", "decay", "forum-final"}, "train needs one PROBLEM"},
		{[]string{"train", "decay", "--epochs", "0"}, "--epochs must be positive, got 0"},
		{[]string{"train", "decay", "--epochs", "-3"}, "--epochs must be positive, got -3"},
		{[]string{"train", "decay", "--points", "1"}, "--points must be at least 2, got 1"},
		{[]string{"train", "decay", "--points", "0"}, "--points must be at least 2, got 0"},
		{[]string{"train", "decay", "--lr", "NaN"}, "--lr must be a positive finite number, got NaN"},
		{[]string{"train", "decay", "--lr", "Inf"}, "--lr must be a positive finite number, got +Inf"},
		{[]string{"train", "decay", "--lr", "0"}, "--lr must be a positive finite number, got 0"},
		{[]string{"train", "decay", "--activation", "gelu"}, `--activation: unknown activation "gelu"`},
		{[]string{"train", "decay", "--output-activation", "x"}, `--output-activation: unknown activation "x"`},
		{[]string{"train", "decay", "--derivative", "magic"}, `--derivative: unknown derivative "magic"`},
		{[]string{"train", "decay", "--derivative", "wrt-prediction"}, `--derivative: unknown derivative "wrt-prediction"`},
		{[]string{"train", "decay", "--ic", "medium"}, `--ic: unknown initial-condition mode "medium"`},
		{[]string{"train", "decay", "--hidden", "8,x"}, `--hidden: "8,x" is not a list of widths`},
		{[]string{"train", "decay", "--fd-step", "-1"}, "--fd-step must be a positive number, got -1"},
		{[]string{"train", "decay", "--optimizer", "sgd"}, `--optimizer: unknown optimizer "sgd"`},
		{[]string{"train", "decay", "--sampling", "lhs"}, `--sampling: unknown sampling "lhs"`},
		{[]string{"train", "decay", "--executor", "jit"}, `--executor: unknown executor "jit" (want one of compiled, tape)`},
		{[]string{"train", "decay", "--lbfgs-iters", "0"}, "--lbfgs-iters must be positive, got 0"},
		{[]string{"train", "decay", "--lbfgs-tol", "0"}, "--lbfgs-tol must be a positive finite number, got 0"},
		{[]string{"train", "decay", "--stages", "0"}, "--stages must be positive, got 0"},
		{[]string{"train", "decay", "--resample", "-5"}, "--resample must not be negative, got -5"},
		{[]string{"train", "decay", "--save", filepath.Join(file, "m.json")}, "--save"},
		{[]string{"train", "decay", "--out", filepath.Join(file, "sub")}, "is not writable"},
		{[]string{"train", "decay", "--epochs", "ten"}, `invalid value "ten" for flag --epochs`},
		{[]string{"train", "decay", "--bogus"}, "flag provided but not defined: --bogus"},
		{[]string{"frob"}, `unknown command "frob"`},
		{[]string{"list", "extra"}, `list takes no arguments`},
	}
	for _, tt := range tests {
		t.Run(strings.Join(tt.args, " "), func(t *testing.T) {
			checkBadInput(t, tt.msg, tt.args...)
		})
	}
}

func TestList(t *testing.T) {
	out, errOut, status := runPinn("list")
	if status != 0 || errOut != "" {
		t.Fatalf("status %d, stderr %q", status, errOut)
	}
	for _, want := range []string{"decay", "dy/dt = -y", "forum-final", "dy/dx = -2*y", "x in [1, 5]", "y(1) = 0.135335"} {
		if !strings.Contains(out, want) {
			t.Errorf("list does not show %q:\n%s", want, out)
		}
	}
	out, _, status = runPinn("list", "--json")
	var infos []problemInfo
	if err := json.Unmarshal([]byte(out), &infos); err != nil || status != 0 {
		t.Fatalf("list --json: status %d, %v:\n%s", status, err, out)
	}
	if len(infos) < 2 || infos[0].Name != "decay" || infos[0].T1 != 2 || infos[0].Points != 21 {
		t.Errorf("list --json: %+v", infos)
	}
}

// TestTrainJSON trains decay briefly and checks the JSON object's keys and
// that flags after the problem name are read.
func TestTrainJSON(t *testing.T) {
	out, errOut, status := runPinn("train", "decay", "--epochs", "40", "--seed", "7", "--json", "--derivative", "forward")
	if status != 0 {
		t.Fatalf("status %d, stderr %q", status, errOut)
	}
	var r map[string]any
	if err := json.Unmarshal([]byte(out), &r); err != nil {
		t.Fatalf("%v:\n%s", err, out)
	}
	for _, k := range []string{"problem", "derivative", "activation", "hidden", "points", "epochs", "seed", "final_loss", "rel_l2", "max_abs_err", "seconds", "us_per_epoch"} {
		if _, ok := r[k]; !ok {
			t.Errorf("JSON lacks %q: %s", k, out)
		}
	}
	if r["problem"] != "decay" || r["derivative"] != "forward" || r["epochs"] != 40.0 || r["seed"] != 7.0 || r["points"] != 21.0 {
		t.Errorf("JSON does not reflect the flags: %s", out)
	}
	// After 40 epochs at lr 0.01 the network is still far from exp(-t), but
	// it has moved: the loss is finite and the error below 100%.
	if l, ok := r["rel_l2"].(float64); !ok || !(l > 0 && l < 1) {
		t.Errorf("rel_l2 = %v", r["rel_l2"])
	}
}

// TestTrainExecutors checks that --executor reaches the run and that the
// compiled executor ends where the tape, the reference, does.
func TestTrainExecutors(t *testing.T) {
	loss := map[string]float64{}
	for _, exec := range []string{"tape", "compiled"} {
		out, errOut, status := runPinn("train", "forum-final", "--epochs", "20", "--executor", exec, "--json")
		if status != 0 {
			t.Fatalf("--executor %s: status %d, stderr %q", exec, status, errOut)
		}
		var r struct {
			FinalLoss float64 `json:"final_loss"`
		}
		if err := json.Unmarshal([]byte(out), &r); err != nil || !(r.FinalLoss > 0) {
			t.Fatalf("--executor %s: final loss %v, %v:\n%s", exec, r.FinalLoss, err, out)
		}
		loss[exec] = r.FinalLoss
	}
	if d := math.Abs(loss["compiled"]-loss["tape"]) / loss["tape"]; !(d <= 1e-10) {
		t.Errorf("final loss: compiled %.17g, tape %.17g (relative difference %.3g)", loss["compiled"], loss["tape"], d)
	}
}

// TestTrainOut checks the files --out writes and that a text run reports.
func TestTrainOut(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "run")
	out, errOut, status := runPinn("train", "forum-final", "--epochs", "20", "--out", dir)
	if status != 0 {
		t.Fatalf("status %d, stderr %q", status, errOut)
	}
	for _, want := range []string{"problem      forum-final", "final loss", "rel_l2"} {
		if !strings.Contains(out, want) {
			t.Errorf("output lacks %q:\n%s", want, out)
		}
	}
	for _, f := range []string{"solution.csv", "loss.csv", "result.json", "solution.png", "loss.png"} {
		if st, err := os.Stat(filepath.Join(dir, f)); err != nil || st.Size() == 0 {
			t.Errorf("%s: %v", f, err)
		}
	}
	loss, err := os.ReadFile(filepath.Join(dir, "loss.csv"))
	if err != nil {
		t.Fatal(err)
	}
	if lines := strings.Count(string(loss), "\n"); lines != 22 { // header, epochs 0..20
		t.Errorf("loss.csv has %d lines, want 22", lines)
	}
	sol, _ := os.ReadFile(filepath.Join(dir, "solution.csv"))
	if !strings.HasPrefix(string(sol), "x,predicted,exact,abs_err\n1,") || strings.Count(string(sol), "\n") != 42 {
		t.Errorf("solution.csv starts %q", string(sol)[:min(len(sol), 60)])
	}
	entries, _ := os.ReadDir(dir)
	for _, e := range entries {
		if strings.HasSuffix(e.Name(), ".tmp") {
			t.Errorf("temporary file %s left behind", e.Name())
		}
	}
}

// TestTrainDiverges checks a failed run: status 1, the epoch named, and the
// good part kept in --out.
func TestTrainDiverges(t *testing.T) {
	dir := t.TempDir()
	out, errOut, status := runPinn("train", "decay", "--activation", "none", "--lr", "1e100", "--epochs", "50", "--out", dir, "--json")
	if status != exitFailure {
		t.Fatalf("status %d, want %d; stderr %q", status, exitFailure, errOut)
	}
	// --lr and --epochs choose training on the whole domain, which one
	// line says before the failure's.
	note := "pinn: --epochs given: training one network on the whole domain (--method whole)\n"
	if !strings.HasPrefix(errOut, note) || !strings.Contains(errOut, "training diverged at epoch") || strings.Count(errOut, "\n") != 2 {
		t.Errorf("stderr %q", errOut)
	}
	var r map[string]any
	if err := json.Unmarshal([]byte(out), &r); err != nil {
		t.Fatalf("%v:\n%s", err, out)
	}
	if r["diverged"] == nil {
		t.Errorf("JSON does not say it diverged: %s", out)
	}
	if _, err := os.Stat(filepath.Join(dir, "loss.csv")); err != nil {
		t.Errorf("kept nothing: %v", err)
	}
}

// TestTrainOptimizerFlags checks that the optimiser and collocation flags
// reach the run: L-BFGS iterations follow the Adam epochs, and the points
// are Sobol points.
func TestTrainOptimizerFlags(t *testing.T) {
	out, errOut, status := runPinn("train", "oscillator", "--optimizer", "adam+lbfgs", "--epochs", "30", "--lbfgs-iters", "20",
		"--sampling", "sobol", "--points", "40", "--ic", "hard", "--stages", "2", "--json")
	if status != 0 {
		t.Fatalf("status %d: %s", status, errOut)
	}
	var r map[string]any
	if err := json.Unmarshal([]byte(out), &r); err != nil {
		t.Fatal(err)
	}
	if r["optimizer"] != "adam+lbfgs" || r["epochs"] != 30.0 || r["sampling"] != "sobol" || r["points"] != 40.0 || r["ic"] != "hard" {
		t.Errorf("JSON does not reflect the flags: %s", out)
	}
	if it, _ := r["lbfgs_iterations"].(float64); it < 1 || it > 20 {
		t.Errorf("lbfgs_iterations = %v, want 1 to 20", r["lbfgs_iterations"])
	}
}
