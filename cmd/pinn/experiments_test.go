package main

import (
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

func TestExperimentsList(t *testing.T) {
	out, errOut, status := runPinn("experiments", "list")
	if status != 0 || errOut != "" {
		t.Fatalf("status %d, stderr %q", status, errOut)
	}
	for _, want := range []string{"original-bug ", "original-bug-rectify", "relu-zero-gradients", "finite-difference-fix", "final-code", "derivatives-forum-final", "1-16-16-1 relu, relu output", "lr 0.1, 100 epochs"} {
		if !strings.Contains(out, want) {
			t.Errorf("list lacks %q:\n%s", want, out)
		}
	}
	out, _, status = runPinn("experiments", "list", "--json")
	var infos []experimentInfo
	if err := json.Unmarshal([]byte(out), &infos); err != nil || status != 0 {
		t.Fatalf("status %d, %v:\n%s", status, err, out)
	}
	if infos[0].Name != "original-bug" || infos[0].Derivative != "wrt-prediction" || !infos[0].Reproduce || infos[len(infos)-1].Kind != "comparison" {
		t.Errorf("list --json: %+v", infos)
	}
}

// TestExperimentsRun runs one experiment on one seed, on one worker.
func TestExperimentsRun(t *testing.T) {
	out, errOut, status := runPinn("experiments", "run", "final-code", "--seeds", "1", "--workers", "1", "--json")
	if status != 0 {
		t.Fatalf("status %d, stderr %q", status, errOut)
	}
	var r map[string][]map[string]any
	if err := json.Unmarshal([]byte(out), &r); err != nil || len(r["findings"]) != 1 || r["findings"][0]["id"] != "final-code" {
		t.Fatalf("%v:\n%s", err, out)
	}
}

// TestStudiesBadInput runs the new commands' bad inputs: status 2, one line
// naming what was wrong, nothing on stdout.
func TestStudiesBadInput(t *testing.T) {
	file := filepath.Join(t.TempDir(), "a-file")
	if err := os.WriteFile(file, nil, 0o644); err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		args []string
		msg  string
	}{
		{[]string{"reproduce", "nope"}, `unknown finding "nope"`},
		{[]string{"reproduce", "--seeds", "0"}, "--seeds must be at least 1, got 0"},
		{[]string{"reproduce", "--seeds", "-2"}, "--seeds must be at least 1, got -2"},
		{[]string{"reproduce", "--workers", "0"}, "--workers must be at least 1, got 0"},
		{[]string{"reproduce", "--out", filepath.Join(file, "sub")}, "is not writable"},
		{[]string{"experiments", "run"}, "experiments run needs at least one NAME"},
		{[]string{"experiments", "run", "nope"}, `unknown experiment "nope"`},
		{[]string{"experiments", "run", "final-code", "nope"}, `unknown experiment "nope"`},
		{[]string{"experiments", "run", "final-code", "--seeds", "0"}, "--seeds must be at least 1, got 0"},
		{[]string{"experiments", "run", "derivatives-decay", "--seeds", "2"}, "--seeds does not apply to the comparison derivatives-decay"},
		{[]string{"experiments", "run", "derivatives-decay", "--workers", "2"}, "--workers does not apply to the comparison derivatives-decay"},
		{[]string{"experiments", "run", "derivatives-decay", "final-code"}, "the comparison derivatives-decay runs alone"},
		{[]string{"experiments", "run", "final-code", "derivatives-decay"}, "the comparison derivatives-decay runs alone"},
		{[]string{"experiments", "frob"}, `unknown experiments command "frob"`},
		{[]string{"experiments", "list", "extra"}, "experiments list takes no arguments"},
		{[]string{"compare"}, "compare needs one PROBLEM"},
		{[]string{"compare", "nope"}, `unknown problem "nope"`},
		{[]string{"compare", "decay", "--steps", "0"}, `--steps: "0" is not a list of positive steps`},
		{[]string{"compare", "decay", "--steps", "1e-3,x"}, `--steps: "1e-3,x" is not a list`},
		{[]string{"compare", "decay", "--epochs", "0"}, "--epochs must be positive, got 0"},
		{[]string{"compare", "decay", "--points", "1"}, "--points must be at least 2, got 1"},
		{[]string{"compare", "decay", "--lr", "0"}, "--lr must be a positive finite number, got 0"},
		{[]string{"compare", "decay", "--ic", "medium"}, `--ic: unknown initial-condition mode "medium"`},
		{[]string{"compare", "decay", "--activation", "gelu"}, `--activation: unknown activation "gelu"`},
		{[]string{"compare", "decay", "--hidden", "0"}, `--hidden: "0" is not a list of widths`},
		{[]string{"compare", "decay", "--derivative", "symbolic"}, "flag provided but not defined: --derivative"},
	}
	for _, tt := range tests {
		t.Run(strings.Join(tt.args, " "), func(t *testing.T) {
			checkBadInput(t, tt.msg, tt.args...)
		})
	}
}
