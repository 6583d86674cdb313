package main

import (
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// TestReproduceJSON runs two findings on two seeds and checks the JSON: one
// entry per finding with the keys, per seed and in the summary, and
// the measured numbers of the first post's code.
func TestReproduceJSON(t *testing.T) {
	out, errOut, status := runPinn("reproduce", "original-bug", "final-code", "--seeds", "2", "--json")
	if status != 0 {
		t.Fatalf("status %d, stderr %q", status, errOut)
	}
	var r struct {
		Findings []struct {
			ID      string                         `json:"id"`
			Seeds   []map[string]any               `json:"seeds"`
			Summary map[string]any                 `json:"summary"`
			Table   *struct{ Predicted []float64 } `json:"table"`
			Verdict string                         `json:"verdict"`
		} `json:"findings"`
	}
	if err := json.Unmarshal([]byte(out), &r); err != nil {
		t.Fatalf("%v:\n%s", err, out)
	}
	if len(r.Findings) != 2 || r.Findings[0].ID != "original-bug" || r.Findings[1].ID != "final-code" {
		t.Fatalf("findings %+v", r.Findings)
	}
	for _, f := range r.Findings {
		keys := []string{"final_loss", "rel_l2", "max_abs_output"}
		if f.ID == "final-code" {
			keys = append(keys, "loss_at_10", "rel_l2_at_10")
		}
		if len(f.Seeds) != 2 || f.Verdict == "" {
			t.Errorf("%s: %d seeds, verdict %q", f.ID, len(f.Seeds), f.Verdict)
			continue
		}
		for _, k := range keys {
			if _, ok := f.Seeds[0][k]; !ok {
				t.Errorf("%s: seeds lack %s", f.ID, k)
			}
			if _, ok := f.Summary[k].(map[string]any)["median"]; !ok {
				t.Errorf("%s: summary lacks %s", f.ID, k)
			}
		}
	}
	for _, s := range r.Findings[0].Seeds {
		// The first post's code stops at exactly 2 with every output 0.
		if s["final_loss"] != 2.0 || s["max_abs_output"] != 0.0 {
			t.Errorf("original-bug seed %v: final loss %v, max |y| %v", s["seed"], s["final_loss"], s["max_abs_output"])
		}
	}
	if tab := r.Findings[1].Table; tab == nil || len(tab.Predicted) != 41 {
		t.Errorf("final-code has no table of 41 points")
	}
}

// TestReproduceOut writes the report of one finding and checks the text.
func TestReproduceOut(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "thread")
	out, errOut, status := runPinn("reproduce", "final-code", "--seeds", "1", "--out", dir)
	if status != 0 {
		t.Fatalf("status %d, stderr %q", status, errOut)
	}
	for _, want := range []string{"final-code\n  thread says  fantastic results in 10 epochs", "== final-code:", "why: ", "wrote " + filepath.Join(dir, "report.md")} {
		if !strings.Contains(out, want) {
			t.Errorf("output lacks %q:\n%s", want, out)
		}
	}
	for _, f := range []string{"report.md", "findings.json", "final-code-seeds.csv", "final-code-loss.csv", "final-code-table.csv", "final-code-solution.png", "final-code-loss.png"} {
		if st, err := os.Stat(filepath.Join(dir, f)); err != nil || st.Size() == 0 {
			t.Errorf("%s: %v", f, err)
		}
	}
}
