//go:build unix

package main

import (
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
)

// TestOutputsRefusedUpFront gives --save and --out paths that cannot be
// written as asked: each is refused with status 2 before any training (the
// runs ask for 10^8 epochs, which would take minutes, and whose loss
// history, about 2 GiB, the memory check allows on any machine that runs
// the tests), the fifo stays a fifo, and no directory a refused run made is
// left behind.
func TestOutputsRefusedUpFront(t *testing.T) {
	dir := t.TempDir()
	fifo := filepath.Join(dir, "fifo")
	if err := syscall.Mkfifo(fifo, 0o644); err != nil {
		t.Skip("no fifos here:", err)
	}
	models := filepath.Join(dir, "models")
	if err := os.Mkdir(models, 0o755); err != nil {
		t.Fatal(err)
	}
	out := filepath.Join(dir, "new", "run")
	tests := []struct {
		args []string
		msg  string
	}{
		{[]string{"--save", fifo}, "is not a regular file (a fifo)"},
		{[]string{"--save", models}, "is a directory"},
		{[]string{"--save", filepath.Join(dir, "newdir") + "/"}, "names a directory"},
		{[]string{"--out", out, "--save", fifo}, "is not a regular file"},
		{[]string{"--out", out, "--save", models}, "is a directory"},
		{[]string{"--out", out, "--save", filepath.Join(out, "result.json")}, "is the result.json that --out " + out + " writes"},
		{[]string{"--out", out, "--save", filepath.Join(dir, "new", "run", "..", "run", "loss.csv")}, "is the loss.csv that --out"},
		{[]string{"--out", fifo}, "is not writable"},
		{[]string{"--out", out, "--save", filepath.Join(dir, "m.json"), "--points", "3", "--hidden", "5000,5000,5000"}, "--hidden"},
	}
	for _, tt := range tests {
		t.Run(strings.Join(tt.args, " "), func(t *testing.T) {
			checkBadInput(t, tt.msg, append([]string{"train", "decay", "--epochs", "100000000"}, tt.args...)...)
			if _, err := os.Stat(filepath.Join(dir, "new")); err == nil {
				t.Errorf("the refused run left %s behind", filepath.Join(dir, "new"))
			}
		})
	}
	if st, err := os.Lstat(fifo); err != nil || st.Mode()&fs.ModeNamedPipe == 0 {
		t.Errorf("the fifo is no longer one: %v, %v", st.Mode(), err)
	}
	if entries, _ := os.ReadDir(dir); len(entries) != 2 {
		t.Errorf("the directory holds %v, want the fifo and models only", entries)
	}
}

// TestRefusedAfterClaimLeavesNothing: an equation whose reference cannot
// be computed is found after --out and --save were made ready, and is
// refused; the directories made for them go again.
func TestRefusedAfterClaimLeavesNothing(t *testing.T) {
	dir := t.TempDir()
	checkBadInput(t, "step size underflow", "solve", "--rhs", "2^y", "--y0", "1",
		"--out", filepath.Join(dir, "a", "b"), "--save", filepath.Join(dir, "c", "m.json"))
	if entries, _ := os.ReadDir(dir); len(entries) > 0 {
		t.Errorf("left behind: %v", entries)
	}
}
