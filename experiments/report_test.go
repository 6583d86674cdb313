package experiments

import (
	"bytes"
	"image/png"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
)

// TestWriteReport writes the report of a short run and checks every file:
// present, whole (no temporary files left), PNGs that decode, CSVs with a
// row per seed and per epoch, and the Markdown with its tables and plots.
func TestWriteReport(t *testing.T) {
	fs, err := RunAll([]Experiment{short(t, "final-code", 20), short(t, "finite-difference-fix", 20)}, Options{Seeds: SeedRange(2)})
	if err != nil {
		t.Fatal(err)
	}
	dir := t.TempDir()
	if err := WriteReport(dir, "Test report", fs); err != nil {
		t.Fatal(err)
	}
	for _, id := range []string{"final-code", "finite-difference-fix"} {
		for _, suffix := range []string{"-seeds.csv", "-loss.csv", "-solution.png", "-loss.png"} {
			b, err := os.ReadFile(filepath.Join(dir, id+suffix))
			if err != nil {
				t.Fatal(err)
			}
			if strings.HasSuffix(suffix, ".png") {
				img, err := png.Decode(bytes.NewReader(b))
				if err != nil || img.Bounds().Dx() < 400 {
					t.Errorf("%s%s: %v", id, suffix, err)
				}
			}
		}
	}
	seeds, _ := os.ReadFile(filepath.Join(dir, "final-code-seeds.csv"))
	if lines := strings.Split(strings.TrimSpace(string(seeds)), "\n"); len(lines) != 3 || !strings.HasPrefix(lines[0], "seed,epochs,initial_loss,final_loss,rel_l2") || !strings.Contains(lines[0], "loss_at_10") {
		t.Errorf("final-code-seeds.csv:\n%s", seeds)
	}
	loss, _ := os.ReadFile(filepath.Join(dir, "final-code-loss.csv"))
	if lines := strings.Split(strings.TrimSpace(string(loss)), "\n"); len(lines) != 22 || lines[0] != "epoch,seed_1,seed_2" {
		t.Errorf("final-code-loss.csv has %d lines, starting %q", len(lines), lines[0])
	}
	table, _ := os.ReadFile(filepath.Join(dir, "final-code-table.csv"))
	if !strings.HasPrefix(string(table), "x,exact,predicted\n1,") {
		t.Errorf("final-code-table.csv starts %q", string(table)[:min(40, len(table))])
	}
	md, _ := os.ReadFile(filepath.Join(dir, "report.md"))
	for _, want := range []string{"# Test report", "| finding | the thread says | measured over 2 seeds |",
		"![final-code: solutions](final-code-solution.png)", "| seed | loss@10 |", "**Why:**", "| x | exact | predicted |"} {
		if !strings.Contains(string(md), want) {
			t.Errorf("report.md lacks %q", want)
		}
	}
	entries, _ := os.ReadDir(dir)
	for _, e := range entries {
		if strings.HasSuffix(e.Name(), ".tmp") {
			t.Errorf("temporary file %s left behind", e.Name())
		}
	}
	if _, err := os.Stat(filepath.Join(dir, "findings.json")); err != nil {
		t.Error(err)
	}
}

// TestWriteText checks the terminal report: the summary, a section per
// finding with its seed table and explanation, and the thread's table.
func TestWriteText(t *testing.T) {
	f, err := Run(short(t, "final-code", 12), Options{Seeds: SeedRange(2)})
	if err != nil {
		t.Fatal(err)
	}
	var b bytes.Buffer
	if err := WriteText(&b, []*Finding{f}); err != nil {
		t.Fatal(err)
	}
	out := b.String()
	for _, want := range []string{"over 2 seeds", "final-code\n  thread says  fantastic results in 10 epochs\n  measured     epoch 10:",
		"== final-code:", "training     Adam lr 0.1, 12 epochs, seeds 1-2", "loss@10", "median", "why: ", "the thread's final table"} {
		if !strings.Contains(out, want) {
			t.Errorf("text lacks %q:\n%s", want, out)
		}
	}
	if !regexp.MustCompile(`\n\s+x\s+exact\s+predicted\s*\n\s+1\s+0.135335\s`).MatchString(out) {
		t.Errorf("no table of x, exact, predicted:\n%s", out)
	}
}

// TestWriteComparisonReport checks the comparison's files and text.
func TestWriteComparisonReport(t *testing.T) {
	c, _ := LookupComparison("derivatives-decay")
	c.Settings.Options.Epochs, c.FDSteps, c.StudySteps = 10, []float64{1e-3}, []float64{1e-2, 1e-5, 1e-10}
	r, err := Compare(c, nil)
	if err != nil {
		t.Fatal(err)
	}
	dir := t.TempDir()
	if err := WriteComparisonReport(dir, r); err != nil {
		t.Fatal(err)
	}
	for _, name := range []string{"compare.md", "comparison.json", "modes.csv", "steps.csv", "steps.png", "loss.png"} {
		if st, err := os.Stat(filepath.Join(dir, name)); err != nil || st.Size() == 0 {
			t.Errorf("%s: %v", name, err)
		}
	}
	modes, _ := os.ReadFile(filepath.Join(dir, "modes.csv"))
	if lines := strings.Split(strings.TrimSpace(string(modes)), "\n"); len(lines) != 5 || !strings.HasPrefix(lines[4], "fd-central,0.001,") || !strings.HasPrefix(lines[3], "fd-forward,0.1,") {
		t.Errorf("modes.csv:\n%s", modes)
	}
	var b bytes.Buffer
	if err := WriteComparisonText(&b, r); err != nil {
		t.Fatal(err)
	}
	for _, want := range []string{"compare decay:", "MAX |DY/DT - EXACT|", "fd-forward  0.1 (grid)", "1e-05", " *", "why: "} {
		if !strings.Contains(b.String(), want) {
			t.Errorf("text lacks %q:\n%s", want, b.String())
		}
	}
}
