package main

import (
	"encoding/csv"
	"encoding/json"
	"image/png"
	"math"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"testing"
)

// TestTraceBadInput: --trace must be a positive number of steps, on every
// command that takes it.
func TestTraceBadInput(t *testing.T) {
	for _, args := range [][]string{
		{"train", "decay"}, {"solve", "--rhs", "-y", "--y0", "1", "--t1", "1"}, {"reproduce", "original-bug"}, {"experiments", "run", "original-bug"},
	} {
		for _, n := range []string{"0", "-1"} {
			t.Run(strings.Join(args, " ")+" --trace "+n, func(t *testing.T) {
				checkBadInput(t, "--trace must be a positive number of steps, got "+n, append(slices.Clone(args), "--trace", n)...)
			})
		}
	}
}

// readCSV reads a CSV file whole.
func readCSV(t *testing.T, path string) [][]string {
	t.Helper()
	f, err := os.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	rows, err := csv.NewReader(f).ReadAll()
	if err != nil {
		t.Fatal(err)
	}
	return rows
}

// checkPNG decodes the PNG at path and checks its size: 6 inches wide at
// gonum/plot's 96 dpi, three panels of 2.6 inches.
func checkPNG(t *testing.T, path string) {
	t.Helper()
	f, err := os.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	img, err := png.Decode(f)
	if err != nil {
		t.Fatalf("%s: %v", path, err)
	}
	if b := img.Bounds(); b.Dx() != 576 || b.Dy() != 749 {
		t.Errorf("%s is %d x %d pixels, want 576 x 749", path, b.Dx(), b.Dy())
	}
}

// TestTrainTrace trains the first post's relu network (with the right
// derivative) for 60 epochs traced every 20, with --out, and checks the
// printed trace, trace.csv (its terms add up to its loss, which is the
// loss.csv of the same epoch) and trace.png; that the run's files are
// those of the run without --trace, byte for byte but the timings; and
// that --json carries the trace instead of printing it.
func TestTrainTrace(t *testing.T) {
	args := []string{"train", "decay", "--hidden", "16,16", "--activation", "relu", "--output-activation", "relu", "--ic", "soft", "--epochs", "60"}
	plainDir, dir := t.TempDir(), t.TempDir()
	if _, errOut, status := runPinn(append(slices.Clone(args), "--out", plainDir)...); status != 0 {
		t.Fatalf("status %d: %s", status, errOut)
	}
	out, errOut, status := runPinn(append(slices.Clone(args), "--out", dir, "--trace", "20")...)
	if status != 0 {
		t.Fatalf("status %d: %s", status, errOut)
	}
	lines := strings.Split(out, "\n")
	header := strings.Fields(lines[2])
	if want := "epoch optimizer loss residual_y ic grad_layer1 grad_layer2 grad_output dead dead_out"; strings.Join(header, " ") != want {
		t.Fatalf("trace header %q, want %q:\n%s", lines[2], want, out)
	}
	// Epochs 0, 20, 40, 60: the relu output dies within the first 20
	// epochs of seed 1 (as the thread's), and every gradient with it.
	for i, epoch := range []string{"0", "20", "40", "60"} {
		f := strings.Fields(lines[3+i])
		if len(f) != len(header) || f[0] != epoch {
			t.Fatalf("trace line %d %q, want epoch %s", i, lines[3+i], epoch)
		}
		if i > 0 && (f[5] != "0" || f[6] != "0" || f[7] != "0" || f[9] != "1/1") {
			t.Errorf("epoch %s: gradients %v and dead outputs %s, want 0 and 1/1", epoch, f[5:8], f[9])
		}
	}
	if lines[7] != "" || !strings.HasPrefix(lines[8], "problem ") {
		t.Errorf("the report does not follow the trace after an empty line:\n%s", out)
	}

	rows := readCSV(t, filepath.Join(dir, "trace.csv"))
	loss := readCSV(t, filepath.Join(dir, "loss.csv"))
	if len(rows) != 5 || strings.Join(rows[0], ",") != "epoch,optimizer,loss,residual_y,ic,grad_layer1,grad_layer2,grad_output,dead_units,hidden_units,dead_outputs,outputs" {
		t.Fatalf("trace.csv: %q", rows)
	}
	for _, r := range rows[1:] {
		epoch, _ := strconv.Atoi(r[0])
		v := make([]float64, 3)
		for k := range v {
			v[k], _ = strconv.ParseFloat(r[2+k], 64)
		}
		// The loss node adds the two terms: the same addition, the same
		// bits; and the trace's loss is the loss recorded at that epoch.
		if v[1]+v[2] != v[0] || r[2] != loss[1+epoch][1] {
			t.Errorf("epoch %d: terms %v + %v, loss %v, loss.csv %s", epoch, v[1], v[2], v[0], loss[1+epoch][1])
		}
	}
	checkPNG(t, filepath.Join(dir, "trace.png"))
	for _, name := range []string{"loss.csv", "solution.csv"} {
		a, _ := os.ReadFile(filepath.Join(plainDir, name))
		b, _ := os.ReadFile(filepath.Join(dir, name))
		if len(a) == 0 || string(a) != string(b) {
			t.Errorf("%s differs with --trace", name)
		}
	}

	out, _, _ = runPinn(append(slices.Clone(args), "--trace", "20", "--json")...)
	var r struct {
		FinalLoss float64 `json:"final_loss"`
		Trace     []struct {
			Epoch     int                `json:"epoch"`
			Loss      float64            `json:"loss"`
			Terms     map[string]float64 `json:"terms"`
			Gradients []float64          `json:"gradient_norms"`
			Dead      int                `json:"dead_units"`
		} `json:"trace"`
	}
	if err := json.Unmarshal([]byte(out), &r); err != nil {
		t.Fatalf("--json: %v:\n%s", err, out)
	}
	if n := len(r.Trace); n != 4 || r.Trace[3].Epoch != 60 || r.Trace[3].Loss != r.FinalLoss || len(r.Trace[3].Gradients) != 3 || len(r.Trace[3].Terms) != 2 {
		t.Errorf("--json trace: %+v", r.Trace)
	}
}

// TestMarchTrace traces the default method on decay every 50 L-BFGS
// iterations: the rows carry the window, its start and the network, and
// L-BFGS's step and evaluations.
func TestMarchTrace(t *testing.T) {
	out, errOut, status := runPinn("train", "decay", "--trace", "50")
	if status != 0 {
		t.Fatalf("status %d: %s", status, errOut)
	}
	lines := strings.Split(out, "\n")
	if want := "iteration window t0 network loss residual_y grad_layer1 grad_output dead lbfgs_step lbfgs_evals"; strings.Join(strings.Fields(lines[2]), " ") != want {
		t.Fatalf("trace header %q, want %q", lines[2], want)
	}
	f := strings.Fields(lines[3])
	if f[0] != "50" || f[1] != "1" || f[2] != "0" || f[3] != "1" || f[8] != "0/16" {
		t.Errorf("first row %q: want iteration 50 of window 1 at t0 = 0, network 1, no dead unit", lines[3])
	}
	if step, err := strconv.ParseFloat(f[9], 64); err != nil || !(step > 0) || math.IsInf(step, 0) {
		t.Errorf("first row %q: L-BFGS step %q", lines[3], f[9])
	}
}

// TestReproduceTrace traces the original bug: the thread's loss of 2
// (residual 1, initial condition 1), every gradient exactly 0 and the
// output relu dead; --out draws it.
func TestReproduceTrace(t *testing.T) {
	dir := t.TempDir()
	out, errOut, status := runPinn("reproduce", "original-bug", "--seeds", "1", "--trace", "500", "--out", dir)
	if status != 0 {
		t.Fatalf("status %d: %s", status, errOut)
	}
	_, trace, ok := strings.Cut(out, "== original-bug: seed 1 traced\n")
	if !ok {
		t.Fatalf("no trace printed:\n%s", out)
	}
	lines := strings.Split(trace, "\n")
	if got := strings.Fields(lines[5]); strings.Join(got, " ") != "1000 adam 2.000e+00 1.000e+00 1.000e+00 0 0 0 17/32 1/1" {
		t.Errorf("epoch 1000 traced as %q", lines[5])
	}
	checkPNG(t, filepath.Join(dir, "original-bug-trace.png"))
	report, err := os.ReadFile(filepath.Join(dir, "report.md"))
	if err != nil || !strings.Contains(string(report), "![original-bug: trace of seed 1](original-bug-trace.png)") {
		t.Errorf("report.md does not show the trace: %v", err)
	}
}
