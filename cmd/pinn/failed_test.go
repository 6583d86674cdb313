//go:build unix

package main

import (
	"encoding/json"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
)

// TestFailedRunReportsTrueNumbers: a loss that is not finite at the initial
// weights, and one that diverges at the first step, are reported with the
// steps really taken (none), the loss that was not finite, and the reason;
// --out is written whole, its plots drawing what can be drawn.
func TestFailedRunReportsTrueNumbers(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "run")
	out, errOut, status := runPinn("solve", "--rhs", "exp(1000*y)", "--y0", "0", "--exact", "1", "--fast", "--out", dir, "--json")
	if status != exitFailure || errOut != "pinn: the loss at the initial weights is +Inf\n" {
		t.Fatalf("status %d, stderr %q", status, errOut)
	}
	var r map[string]any
	if err := json.Unmarshal([]byte(out), &r); err != nil {
		t.Fatal(err)
	}
	// JSON has no infinity: the loss that never was finite is null.
	if r["epochs"] != 0.0 || r["lbfgs_iterations"] != 0.0 || r["final_loss"] != nil || r["diverged"] != "the loss at the initial weights is +Inf" {
		t.Errorf("epochs %v, lbfgs_iterations %v, final_loss %v, diverged %v", r["epochs"], r["lbfgs_iterations"], r["final_loss"], r["diverged"])
	}
	for _, f := range []string{"solution.csv", "loss.csv", "result.json", "solution.png", "loss.png"} {
		if st, err := os.Stat(filepath.Join(dir, f)); err != nil || st.Size() == 0 {
			t.Errorf("%s: %v", f, err)
		}
	}
	out, _, _ = runPinn("solve", "--rhs", "exp(1000*y)", "--y0", "0", "--exact", "1", "--fast")
	for _, want := range []string{"training     no step; seed 1", "final loss   +Inf"} {
		if !strings.Contains(out, want) {
			t.Errorf("the text report lacks %q:\n%s", want, out)
		}
	}

	out, _, status = runPinn("train", "forum-final", "--lr", "1e300", "--json")
	if err := json.Unmarshal([]byte(out), &r); err != nil || status != exitFailure {
		t.Fatalf("status %d, %v", status, err)
	}
	// The one step diverged: the weights, the loss and the count are those
	// of epoch 0.
	if r["epochs"] != 0.0 || r["lbfgs_iterations"] != 0.0 || !(r["final_loss"].(float64) > 0) {
		t.Errorf("epochs %v, lbfgs_iterations %v, final_loss %v", r["epochs"], r["lbfgs_iterations"], r["final_loss"])
	}
}

// TestDiskFull runs pinn with a file size limit of 4 KiB (ulimit -f 8, in
// 512-byte blocks): the CSVs fit, the first plot does not. The report is
// still printed, the error names the file that failed and those written,
// and no temporary file is left.
func TestDiskFull(t *testing.T) {
	sh, err := exec.LookPath("sh")
	if err != nil {
		t.Skip("no sh")
	}
	dir := t.TempDir()
	cmd := exec.Command(sh, "-c", `ulimit -f 8 && exec "$0" "$@"`, pinnBinary(t), "train", "decay", "--fast", "--epochs", "5", "--out", "run")
	cmd.Dir = dir
	var stdout, stderr strings.Builder
	cmd.Stdout, cmd.Stderr = &stdout, &stderr
	cmd.Run()
	if status := cmd.ProcessState.ExitCode(); status != exitFailure {
		t.Errorf("status %d, want 1", status)
	}
	if !strings.Contains(stdout.String(), "final loss") {
		t.Errorf("no report:\n%s", stdout.String())
	}
	want := "pinn: report: writing " + filepath.Join("run", "solution.png") + ": file too large; solution.csv and loss.csv were written whole\n"
	if stderr.String() != want {
		t.Errorf("stderr %q, want %q", stderr.String(), want)
	}
	if l := leftovers(t, dir); len(l) > 0 {
		t.Errorf("left behind: %v", l)
	}
}

// TestRefineRuns runs the reproducer of --refine running out of
// candidates (forum-final: 41 points, 4 added per refinement from 410
// candidates, used up after 103 refinements), and a short one on
// oscillator (11 points, 3 added from 110 candidates, used up after 37).
func TestRefineRuns(t *testing.T) {
	for _, args := range [][]string{
		{"train", "forum-final", "--epochs", "104", "--refine", "1", "--json"},
		{"train", "oscillator", "--points", "11", "--refine-points", "3", "--epochs", "60", "--refine", "1", "--json"},
	} {
		if _, errOut, status := runPinn(args...); status != 0 {
			t.Errorf("%v: status %d, stderr %q", args, status, errOut)
		}
	}
}
