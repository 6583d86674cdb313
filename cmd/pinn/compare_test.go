package main

import (
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// TestCompareJSON compares the modes briefly and checks the JSON object.
func TestCompareJSON(t *testing.T) {
	out, errOut, status := runPinn("compare", "forum-final", "--epochs", "30", "--steps", "0.1,1e-3", "--json")
	if status != 0 {
		t.Fatalf("status %d, stderr %q", status, errOut)
	}
	var r struct {
		Problem string           `json:"problem"`
		Epochs  int              `json:"epochs"`
		Modes   []map[string]any `json:"modes"`
		Steps   []map[string]any `json:"steps"`
	}
	if err := json.Unmarshal([]byte(out), &r); err != nil {
		t.Fatalf("%v:\n%s", err, out)
	}
	// symbolic, forward, fd-forward and fd-central at the two steps given.
	if r.Problem != "forum-final" || r.Epochs != 30 || len(r.Modes) != 5 || len(r.Steps) != 12 {
		t.Fatalf("problem %q, %d epochs, %d modes, %d steps", r.Problem, r.Epochs, len(r.Modes), len(r.Steps))
	}
	for _, m := range r.Modes {
		for _, k := range []string{"derivative", "final_loss", "rel_l2", "max_abs_deriv_err", "us_per_epoch"} {
			if m[k] == nil {
				t.Errorf("mode %v lacks %s", m["derivative"], k)
			}
		}
	}
	if r.Modes[4]["derivative"] != "fd-central" || r.Modes[4]["fd_step"] != 1e-3 {
		t.Errorf("last mode %v", r.Modes[4])
	}
}

// TestCompareOut writes a comparison's files, with flags after the problem.
func TestCompareOut(t *testing.T) {
	dir := t.TempDir()
	out, errOut, status := runPinn("compare", "decay", "--epochs", "10", "--output-activation", "none", "--out", dir)
	if status != 0 {
		t.Fatalf("status %d, stderr %q", status, errOut)
	}
	for _, want := range []string{"compare decay:", "1-8-8-1 tanh, linear output", "10 epochs", "Step study", "wrote " + filepath.Join(dir, "compare.md")} {
		if !strings.Contains(out, want) {
			t.Errorf("output lacks %q:\n%s", want, out)
		}
	}
	for _, f := range []string{"compare.md", "comparison.json", "modes.csv", "steps.csv", "steps.png", "loss.png"} {
		if st, err := os.Stat(filepath.Join(dir, f)); err != nil || st.Size() == 0 {
			t.Errorf("%s: %v", f, err)
		}
	}
}
