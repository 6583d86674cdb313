package main

import (
	"bytes"
	"crypto/sha256"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"pinn/experiments"
	"pinn/graph"
)

// checkpointOf runs decay for 30 epochs with a checkpoint written every
// nanosecond into dir and returns the checkpoint's path and contents (of
// epoch 30, or close before: the last one written).
func checkpointOf(t *testing.T, dir string, args ...string) (string, []byte) {
	t.Helper()
	ck := filepath.Join(dir, "run.ckpt")
	args = append([]string{"train", "decay", "--hidden", "4", "--epochs", "30", "--checkpoint", ck, "--checkpoint-every", "1ns", "--json"}, args...)
	if _, errOut, status := runPinn(args...); status != 0 {
		t.Fatal(errOut)
	}
	b, err := os.ReadFile(ck)
	if err != nil {
		t.Fatal(err)
	}
	return ck, b
}

// TestCheckpointRefusals: checkpoints of another run, damaged or cut
// short, files that are not checkpoints, a --resume file that is not
// there, and checkpoint flags that make no sense are refused with status 2
// and one line, before any training, leaving the files as they were.
func TestCheckpointRefusals(t *testing.T) {
	dir := t.TempDir()
	ck, good := checkpointOf(t, dir)
	write := func(name string, b []byte) string {
		path := filepath.Join(dir, name)
		if err := os.WriteFile(path, b, 0o644); err != nil {
			t.Fatal(err)
		}
		return path
	}
	damaged := bytes.Clone(good)
	damaged[len(damaged)/2] ^= 1
	model, modelFile := savedModel(t, dir)
	files := map[string][]byte{
		write("damaged.ckpt", damaged):           damaged,
		write("short.ckpt", good[:len(good)-10]): good[:len(good)-10],
		write("empty.ckpt", nil):                 nil,
		model:                                    modelFile,
		ck:                                       good,
		write("header.ckpt", []byte("pinn-checkpoint/1 12 abc\n")): []byte("pinn-checkpoint/1 12 abc\n"),
	}
	decay := func(args ...string) []string {
		return append([]string{"train", "decay", "--hidden", "4", "--epochs", "30"}, args...)
	}
	for _, tt := range []struct {
		args []string
		msg  string
	}{
		{decay("--hidden", "8", "--checkpoint", ck), "--checkpoint " + ck + ": the checkpoint is of --hidden 4, this run has 8"},
		{decay("--seed", "2", "--resume", ck), "--resume " + ck + ": the checkpoint is of --seed 1, this run has 2"},
		{decay("--epochs", "31", "--resume", ck), "the checkpoint is of --epochs 30, this run has 31"},
		{[]string{"train", "decay", "--resume", ck}, "the checkpoint is of --method whole, this run has march"},
		{decay("--resume", filepath.Join(dir, "damaged.ckpt")), "is not a checkpoint pinn can go on from (the file is damaged (its checksum does not match))"},
		{decay("--checkpoint", filepath.Join(dir, "short.ckpt")), "is not a checkpoint pinn can go on from (the file is truncated"},
		{decay("--checkpoint", filepath.Join(dir, "empty.ckpt")), "(the file is empty): remove it, or name another file"},
		{decay("--checkpoint", filepath.Join(dir, "header.ckpt")), "(its pinn-checkpoint/1 line is damaged)"},
		{decay("--checkpoint", model), model + " is not a checkpoint pinn can go on from (it does not begin with a pinn-checkpoint/1 line)"},
		{decay("--resume", filepath.Join(dir, "missing.ckpt")), "--resume: open " + filepath.Join(dir, "missing.ckpt") + ": no such file or directory"},
		{decay("--checkpoint-every", "5m"), "--checkpoint-every needs --checkpoint FILE"},
		{decay("--checkpoint", filepath.Join(dir, "new.ckpt"), "--checkpoint-every", "0s"), "--checkpoint-every must be a positive duration, like 30s or 5m, got 0s"},
		{decay("--checkpoint", filepath.Join(dir, "m.json"), "--save", filepath.Join(dir, "m.json")), "is the model that --save writes"},
		{decay("--checkpoint", filepath.Join(dir, "out", "loss.csv"), "--out", filepath.Join(dir, "out")), "is the loss.csv that --out " + filepath.Join(dir, "out") + " writes"},
		{decay("--checkpoint", dir), "is a directory"},
	} {
		t.Run(strings.Join(tt.args, " "), func(t *testing.T) {
			checkBadInput(t, tt.msg, tt.args...)
		})
	}
	for path, want := range files {
		if got, err := os.ReadFile(path); err != nil || !bytes.Equal(got, want) {
			t.Errorf("%s changed: %v", path, err)
		}
	}
	for _, name := range []string{"new.ckpt", "m.json", "out", "missing.ckpt"} {
		if _, err := os.Stat(filepath.Join(dir, name)); err == nil {
			t.Errorf("a refused run left %s", name)
		}
	}
}

// TestCheckpointSolve: pinn solve keeps checkpoints as pinn train does,
// and a checkpoint of another equation is refused naming the flag.
func TestCheckpointSolve(t *testing.T) {
	ck := filepath.Join(t.TempDir(), "solve.ckpt")
	args := []string{"solve", "--rhs", "t - y", "--y0", "1", "--t1", "2", "--checkpoint", ck, "--checkpoint-every", "1ms", "--json"}
	if _, errOut, status := runPinn(args...); status != 0 {
		t.Fatal(errOut)
	}
	args[2] = "t + y"
	checkBadInput(t, `--checkpoint `+ck+`: the checkpoint is of --rhs "t - y", this run has "t + y"`, args...)
}

// TestCheckpointKeysAreFlags: every flag a checkpoint mismatch names is
// one of pinn train's or pinn solve's.
func TestCheckpointKeysAreFlags(t *testing.T) {
	solve := map[string]bool{"vars": true, "order": true, "rhs": true, "param": true, "t0": true, "t1": true, "y0": true, "dy0": true, "exact": true, "bc": true, "data": true, "seed": true, "trace": true}
	for field, key := range checkpointKeys {
		if _, ok := experiments.LookupSetting(key); !ok && !solve[key] {
			t.Errorf("%s: --%s is not a flag", field, key)
		}
	}
}

// TestCheckpointOtherKernels resumes a checkpoint written with other
// kernels (as on a CPU with other instructions): the run goes on, and
// stderr says it rounds differently from a run never stopped.
func TestCheckpointOtherKernels(t *testing.T) {
	dir := t.TempDir()
	_, good := checkpointOf(t, dir)
	kernels := graph.Kernels()
	other := strings.Repeat("x", len(kernels)) // the same length: the encoding stays valid
	_, body, _ := bytes.Cut(good, []byte("\n"))
	if !bytes.Contains(body, []byte(kernels)) {
		t.Fatalf("the checkpoint does not name the kernels %q", kernels)
	}
	body = bytes.Replace(body, []byte(kernels), []byte(other), 1)
	ck := filepath.Join(dir, "other.ckpt")
	file := append(fmt.Appendf(nil, "%s %d %x\n", graph.CheckpointFormat, len(body), sha256.Sum256(body)), body...)
	if err := os.WriteFile(ck, file, 0o644); err != nil {
		t.Fatal(err)
	}
	_, errOut, status := runPinn("train", "decay", "--hidden", "4", "--epochs", "30", "--resume", ck, "--json")
	want := fmt.Sprintf("pinn: --resume %s was written with the %s kernels, this run has %s: it goes on from there, but rounds differently from a run never stopped\n", ck, other, kernels)
	if status != 0 || !strings.HasPrefix(errOut, want) {
		t.Errorf("status %d, stderr %q; want it to begin %q", status, errOut, want)
	}
}
