package main

import (
	"encoding/json"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"pinn/experiments"

	"github.com/urfave/cli/v2"
)

// tinyStudy is a study of 4 runs of 20 epochs.
const tinyStudy = `title = "tiny"
problem = "decay"
seeds = 2

[settings]
epochs = 20

[grid]
activation = ["tanh", "sin"]
`

// writeStudy writes a study file into a fresh directory and returns its path.
func writeStudy(t *testing.T, name, src string) string {
	t.Helper()
	path := filepath.Join(t.TempDir(), name)
	if err := os.WriteFile(path, []byte(src), 0o644); err != nil {
		t.Fatal(err)
	}
	return path
}

// noArrayEnv clears the job array variables the tests' own environment
// might hold.
func noArrayEnv(t *testing.T) {
	for _, k := range []string{"SLURM_ARRAY_TASK_ID", "SLURM_ARRAY_TASK_MIN", "SLURM_ARRAY_TASK_MAX", "SLURM_ARRAY_TASK_COUNT", "JOB_COMPLETION_INDEX"} {
		t.Setenv(k, "")
	}
}

// TestStudyBadInput checks that the study commands refuse bad input with
// status 2 and one line naming what is wrong, a bad file's line and key
// among it.
func TestStudyBadInput(t *testing.T) {
	noArrayEnv(t)
	good := writeStudy(t, "tiny.toml", tinyStudy)
	bad := writeStudy(t, "bad.toml", "problem = \"decay\"\n[settings]\nepochs = 0\n")
	misspelt := writeStudy(t, "typo.toml", "problem = \"decay\"\n[grid]\nactivaton = [\"tanh\"]\n")
	out := t.TempDir()
	tests := []struct {
		args []string
		msg  string
	}{
		{[]string{"study", "run", bad, "--out", out}, "bad.toml:3: epochs must be positive, got 0"},
		{[]string{"study", "run", misspelt, "--out", out}, `typo.toml:3: unknown setting "activaton" (did you mean "activation"?)`},
		{[]string{"study", "run", filepath.Join(out, "none.toml"), "--out", out}, "no such file"},
		{[]string{"study", "run", "--out", out}, "study run needs one study FILE, got 0 arguments"},
		{[]string{"study", "run", good}, "study run needs --out DIR"},
		{[]string{"study", "run", good, "--out", out, "--workers", "0"}, "--workers must be at least 1, got 0"},
		{[]string{"study", "run", good, "--out", out, "--shard", "4/4"}, `--shard: "4/4" is not a shard I/N`},
		{[]string{"study", "run", good, "--out", out, "--shard", "0/2", "--shards", "2"}, "give --shard I/N or --shards N, not both"},
		{[]string{"study", "run", good, "--out", out, "--shards", "0"}, "--shards must be at least 1, got 0"},
		{[]string{"study", "run", good, "--out", out, "--shards", "3"}, "--shards 3 needs JOB_COMPLETION_INDEX"},
		{[]string{"study", "run", good, "--out", filepath.Join(good, "sub")}, "is not writable"},
		{[]string{"study", "report", t.TempDir()}, "not a study's directory"},
		{[]string{"study", "report"}, "study report needs one DIR"},
		{[]string{"study", "slurm", good, "--out", out}, "study slurm needs --tasks N"},
		{[]string{"study", "slurm", good, "--tasks", "4"}, "study slurm needs --out DIR"},
		{[]string{"study", "slurm", good, "--out", out, "--tasks", "4", "--time", "an hour"}, `--time "an hour" is not a Slurm time`},
		{[]string{"study", "slurm", good, "--out", out, "--tasks", "4", "--cpus", "0"}, "--cpus must be at least 1"},
		{[]string{"study", "slurm", good, "--out", filepath.Join(out, "my dir"), "--tasks", "4"}, "may not hold spaces"},
		{[]string{"study", "slurm", bad, "--out", out, "--tasks", "4"}, "bad.toml:3: epochs must be positive"},
		{[]string{"study", "show", "nope"}, `unknown experiment "nope"`},
		{[]string{"study", "frob"}, `unknown study command "frob"`},
	}
	for _, tt := range tests {
		t.Run(strings.Join(tt.args[1:], " "), func(t *testing.T) {
			checkBadInput(t, tt.msg, tt.args...)
		})
	}
}

// TestStudySlurmArrayEnv runs a task of a Slurm job array whose task ids
// are not consecutive: refused, since its shard would be wrong.
func TestStudySlurmArrayEnv(t *testing.T) {
	noArrayEnv(t)
	for k, v := range map[string]string{"SLURM_ARRAY_TASK_ID": "2", "SLURM_ARRAY_TASK_MIN": "0", "SLURM_ARRAY_TASK_MAX": "6", "SLURM_ARRAY_TASK_COUNT": "4"} {
		t.Setenv(k, v)
	}
	checkBadInput(t, "the shards need consecutive task ids", "study", "run", writeStudy(t, "tiny.toml", tinyStudy), "--out", t.TempDir())
}

// TestStudyRunAndReport runs a study through the command line in two
// shards, the second from a Slurm array task's environment, then again
// whole (nothing left to run), and reports it as text, JSON and files.
func TestStudyRunAndReport(t *testing.T) {
	noArrayEnv(t)
	file := writeStudy(t, "tiny.toml", tinyStudy)
	dir := filepath.Join(t.TempDir(), "out")
	out, errOut, status := runPinn("study", "run", file, "--out", dir, "--shard", "0/2")
	if status != 0 || !strings.Contains(errOut, "study tiny shard 0/2: 2 of 2 runs done, 0 failed, 0 left") {
		t.Fatalf("shard 0/2: status %d, stderr %q", status, errOut)
	}
	if !strings.Contains(out, "runs     2 of 4 done") {
		t.Errorf("shard 0/2 reports:\n%s", out)
	}
	for k, v := range map[string]string{"SLURM_ARRAY_TASK_ID": "8", "SLURM_ARRAY_TASK_MIN": "7", "SLURM_ARRAY_TASK_MAX": "8", "SLURM_ARRAY_TASK_COUNT": "2"} {
		t.Setenv(k, v)
	}
	if _, errOut, status = runPinn("study", "run", file, "--out", dir); status != 0 || !strings.Contains(errOut, "from SLURM_ARRAY_TASK_ID=8 of 7-8") {
		t.Fatalf("task 8 of 7-8: status %d, stderr %q", status, errOut)
	}
	noArrayEnv(t)
	out, errOut, status = runPinn("study", "run", file, "--out", dir, "--workers", "1")
	if status != 0 || !strings.Contains(errOut, "4 of 4 runs done (4 before this run), 0 failed, 0 left") {
		t.Fatalf("again: status %d, stderr %q", status, errOut)
	}
	for _, want := range []string{"study    tiny: tiny", "runs     4 of 4 done (2 combinations x 2 seeds (1-2)), 0 failed", "activation", "sin", "tanh", "settings epochs=20"} {
		if !strings.Contains(out, want) {
			t.Errorf("the report lacks %q:\n%s", want, out)
		}
	}
	files, err := os.ReadDir(filepath.Join(dir, "runs"))
	if err != nil || len(files) != 4 {
		t.Errorf("%d run files, %v", len(files), err)
	}

	out, _, status = runPinn("study", "report", dir, "--json")
	var r struct {
		Study        string `json:"study"`
		Runs, Done   int
		Combinations []struct {
			Settings map[string]string               `json:"settings"`
			Done     int                             `json:"done"`
			RelL2    struct{ Median, Worst float64 } `json:"rel_l2"`
		} `json:"combinations"`
	}
	if err := json.Unmarshal([]byte(out), &r); err != nil || status != 0 {
		t.Fatalf("report --json: status %d, %v:\n%s", status, err, out)
	}
	if r.Study != "tiny" || r.Runs != 4 || r.Done != 4 || len(r.Combinations) != 2 || r.Combinations[1].Settings["activation"] != "sin" ||
		!(r.Combinations[0].RelL2.Median > 0 && r.Combinations[0].RelL2.Median <= r.Combinations[0].RelL2.Worst) {
		t.Errorf("report --json: %+v", r)
	}
	rep := filepath.Join(t.TempDir(), "report")
	out, errOut, status = runPinn("study", "report", dir, "--out", rep)
	if status != 0 || !strings.Contains(out, "wrote "+filepath.Join(rep, experiments.StudyReportFiles)) {
		t.Fatalf("report --out: status %d, stderr %q:\n%s", status, errOut, out)
	}
	for _, f := range []string{"report.json", "report.csv", "runs.csv", "rel_l2.png"} {
		if st, err := os.Stat(filepath.Join(rep, f)); err != nil || st.Size() == 0 {
			t.Errorf("%s: %v", f, err)
		}
	}

	// Another study into the same directory is refused.
	other := writeStudy(t, "tiny.toml", strings.Replace(tinyStudy, "seeds = 2", "seeds = 3", 1))
	checkBadInput(t, "the directory holds another study", "study", "run", other, "--out", dir)
}

// TestStudySlurm checks the sbatch script: the array, the shared paths made
// absolute, this binary, and the output directory made.
func TestStudySlurm(t *testing.T) {
	file := writeStudy(t, "tiny.toml", tinyStudy)
	dir := filepath.Join(t.TempDir(), "shared")
	out, errOut, status := runPinn("study", "slurm", file, "--out", dir, "--tasks", "3", "--cpus", "2", "--time", "0-02:00:00")
	if status != 0 {
		t.Fatalf("status %d, stderr %q", status, errOut)
	}
	bin, _ := os.Executable()
	bin, _ = filepath.EvalSymlinks(bin)
	for _, want := range []string{
		"#!/bin/bash\n", "#SBATCH --job-name=pinn-tiny\n", "#SBATCH --array=0-2\n", "#SBATCH --cpus-per-task=2\n",
		"#SBATCH --time=0-02:00:00\n", "#SBATCH --output=" + filepath.Join(dir, "slurm", "%A_%a.out") + "\n",
		"exec " + shellQuote(bin) + " study run " + shellQuote(file) + " --out " + dir + ` --workers "$SLURM_CPUS_PER_TASK"` + "\n",
	} {
		if !strings.Contains(out, want) {
			t.Errorf("script lacks %q:\n%s", want, out)
		}
	}
	if st, err := os.Stat(filepath.Join(dir, "slurm")); err != nil || !st.IsDir() {
		t.Errorf("%s/slurm not made: %v", dir, err)
	}
	if strings.Contains(out, "nothing to run") {
		t.Errorf("a note about idle tasks for 3 tasks of 4 runs:\n%s", out)
	}
	if out, _, _ = runPinn("study", "slurm", file, "--out", dir, "--tasks", "6"); !strings.Contains(out, "(6 tasks for 4 runs: 2 tasks have nothing to run)") {
		t.Errorf("no note about idle tasks for 6 tasks of 4 runs:\n%s", out)
	}
}

func TestShellQuote(t *testing.T) {
	for in, want := range map[string]string{"/a/b-c_d.toml": "/a/b-c_d.toml", "a b": "'a b'", "it's": `'it'\''s'`, "": "''", "$x": "'$x'"} {
		if got := shellQuote(in); got != want {
			t.Errorf("shellQuote(%q) = %s, want %s", in, got, want)
		}
	}
}

// TestStudyListShow lists the built-in studies and prints one, which runs
// as a study file.
func TestStudyListShow(t *testing.T) {
	out, _, status := runPinn("study", "list")
	if status != 0 || !strings.Contains(out, "example") || !strings.Contains(out, "final-code") || !strings.Contains(out, "derivatives-decay") {
		t.Errorf("study list: status %d:\n%s", status, out)
	}
	out, _, status = runPinn("study", "show", "example")
	src, _ := experiments.BuiltinSource("example")
	if status != 0 || out != string(src) {
		t.Errorf("study show example: status %d:\n%s", status, out)
	}
}

// TestTrainFlagsAreSettings checks that every flag of pinn train and solve
// that sets the training is a setting of the table study files read, so
// that a study can vary it; the others say where results go, how a run is
// judged, what it prints (--trace, which changes no number), (--max-memory)
// what the machine allows, or where its checkpoint is kept (which changes
// nothing in it).
func TestTrainFlagsAreSettings(t *testing.T) {
	notSettings := []string{"seed", "out", "save", "json", "tol", "strict", "trace", "max-memory", "checkpoint", "checkpoint-every", "resume"}
	for _, cmd := range []*cli.Command{trainCommand(), solveCommand()} {
		keys := map[string]bool{}
		for _, f := range cmd.Flags {
			name := f.Names()[0]
			if _, ok := experiments.LookupSetting(name); ok {
				keys[name] = true
				continue
			}
			if cmd.Name == "train" && !slices.Contains(notSettings, name) {
				t.Errorf("pinn train --%s is not a setting", name)
			}
		}
		for _, k := range experiments.SettingKeys() {
			if !keys[k] {
				t.Errorf("the setting %s is not a flag of pinn %s", k, cmd.Name)
			}
		}
	}
}
