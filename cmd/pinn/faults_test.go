//go:build unix

package main

import (
	"fmt"
	"math/rand/v2"
	"os"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"
)

// TestRefusedBeforeWork: inputs that would fail only after long work, or
// take all the memory, are refused at once with status 2 and one line. The
// runs ask for 10^9 epochs where training would start, so a refusal that
// came late would not finish.
func TestRefusedBeforeWork(t *testing.T) {
	dir := t.TempDir()
	model, good := savedModel(t, dir)
	edited := filepath.Join(dir, "edited.json")
	if err := os.WriteFile(edited, []byte(strings.Replace(string(good), `"points": 21`, `"points": 1000000000000`, 1)), 0o644); err != nil {
		t.Fatal(err)
	}
	data := func(name, text string) string {
		path := filepath.Join(dir, name)
		if err := os.WriteFile(path, []byte(text), 0o644); err != nil {
			t.Fatal(err)
		}
		return path
	}
	inverse := []string{"solve", "--rhs", "-k*y", "--param", "k=?", "--y0", "1", "--t1", "2", "--epochs", "1000000000", "--data"}
	long := []string{"--epochs", "1000000000"}
	tests := []struct {
		args []string
		msg  string
	}{
		{append([]string{"train", "forum-final", "--points", "1000000000", "--out", filepath.Join(dir, "big")}, long...), "GiB of memory (an estimate), more than the"},
		{append([]string{"train", "forum-final", "--points", "9223372036854775807"}, long...), "EiB of memory (an estimate)"},
		{append([]string{"train", "forum-final", "--hidden", "4096,4096,4096,4096", "--max-memory", "2G"}, long...), "needs at least 3.02 GiB of memory (for its parameters alone), more than the 2 GiB --max-memory allows"},
		{append([]string{"train", "forum-final", "--points", "100000", "--max-memory", "100M"}, long...), "more than the 100 MiB --max-memory allows: use fewer --points"},
		{append([]string{"solve", "--rhs", "-y", "--y0", "1", "--points", "100000000"}, long...), "of memory (an estimate)"},
		{append([]string{"train", "decay", "--max-memory", "lots"}, long...), `--max-memory: "lots" is not a size`},
		{[]string{"compare", "forum-final", "--points", "100000000"}, "of memory (an estimate)"},
		{[]string{"eval", edited}, "TiB of memory (an estimate), more than the"},
		{[]string{"eval", model, "--grid", "0:1:1000000", "--max-memory", "10M"}, "ask for fewer times (--t, --grid)"},
		{append(inverse, data("outside.csv", "t,y\n1,0.37\n5,0.007\n")), "line 3: t = 5 is outside the domain [0, 2]"},
		{append(inverse, data("before.csv", "t,y\n-1,2.7\n")), "line 2: t = -1 is outside the domain [0, 2]"},
		{append(inverse, data("twice.csv", "t,y,y\n1,0.37,0.37\n")), `the header names the column "y" twice`},
		{append(inverse, data("huge.csv", "t,y\n1,1e308\n")), "line 2, column y: 1e308 is too large"},
	}
	for _, tt := range tests {
		t.Run(strings.Join(tt.args, " "), func(t *testing.T) {
			checkBadInput(t, tt.msg, tt.args...)
		})
	}
	if _, err := os.Stat(filepath.Join(dir, "big")); err == nil {
		t.Error("a refused run left its --out directory behind")
	}
	// A byte-order mark is no fault.
	out, errOut, status := runPinn("solve", "--rhs", "-k*y", "--param", "k=?", "--y0", "1", "--t1", "2", "--epochs", "5", "--json",
		"--data", data("bom.csv", "\uFEFFt,y\n1,0.37\n2,0.135\n"))
	if status != 0 || !strings.Contains(out, `"learned"`) {
		t.Errorf("data with a byte-order mark: status %d, stderr %q", status, errOut)
	}
}

// TestSignalsAtRandomMoments sends SIGINT or SIGTERM to 20 runs at random
// moments, from start-up to the last write, and to some a second signal
// soon after: each ends with status 0 (it had finished), 130 or 143 (or is
// killed by the signal, having written nothing, when it comes before pinn
// catches signals), never a panic, and leaves no temporary or lock file;
// whatever it wrote is whole, and a run that says it wrote its files wrote
// them all.
func TestSignalsAtRandomMoments(t *testing.T) {
	if testing.Short() {
		t.Skip("20 runs")
	}
	rng := rand.New(rand.NewPCG(10, 0))
	outcomes := map[string]int{}
	for run := range 20 {
		sig, status := syscall.SIGINT, 130
		if rng.IntN(2) == 1 {
			sig, status = syscall.SIGTERM, 143
		}
		delay := time.Duration(rng.IntN(400)) * time.Millisecond
		second := rng.IntN(3) == 0
		t.Run(fmt.Sprintf("run=%d/%v/after=%v/second=%v", run, sig, delay, second), func(t *testing.T) {
			dir := t.TempDir()
			p := startPinn(t, dir, "train", "decay", "--hidden", "8", "--epochs", "20000", "--out", "run", "--save", "m.json")
			time.Sleep(delay)
			p.cmd.Process.Signal(sig)
			if second {
				time.Sleep(time.Duration(rng.IntN(20)) * time.Millisecond)
				p.cmd.Process.Signal(sig)
			}
			got := p.wait(t)
			stderr := p.stderr.String()
			// A signal that comes before the Go runtime and the packages'
			// initialisation are done, and pinn catches signals, kills it
			// as it would any program, before it has written anything.
			ws, _ := p.cmd.ProcessState.Sys().(syscall.WaitStatus)
			early := ws.Signaled() && ws.Signal() == sig && stderr == ""
			if (got != 0 && got != status && !early) || strings.Contains(stderr, "internal error") || strings.Contains(stderr, "goroutine") {
				t.Errorf("status %d, want 0 or %d; stderr %q", got, status, stderr)
			}
			if entries, _ := os.ReadDir(dir); early && len(entries) > 0 {
				t.Errorf("killed before pinn caught signals, yet it wrote %v", entries)
			}
			checkWhole(t, filepath.Join(dir, "run"), filepath.Join(dir, "m.json"))
			if l := leftovers(t, dir); len(l) > 0 {
				t.Errorf("left behind: %v", l)
			}
			if strings.Contains(stderr, "wrote run and m.json") || got == 0 {
				for _, f := range []string{"run/solution.csv", "run/loss.csv", "run/result.json", "run/solution.png", "run/loss.png", "m.json"} {
					if _, err := os.Stat(filepath.Join(dir, f)); err != nil {
						t.Errorf("said it wrote its files, but %v", err)
					}
				}
			}
			lines := strings.Split(strings.TrimSpace(stderr), "\n")
			switch last := lines[len(lines)-1]; {
			case early:
				outcomes["killed before pinn caught signals"]++
			case got == 0:
				outcomes["finished before the signal"]++
			case strings.HasSuffix(last, "stopped at once"):
				outcomes["stopped at once"]++
			case strings.Contains(last, "interrupted at epoch"):
				outcomes["stopped at an epoch, files written"]++
			case strings.Contains(last, "its results are complete"):
				outcomes["signalled as it finished writing"]++
			default:
				outcomes[last]++
			}
		})
	}
	for what, n := range outcomes {
		t.Logf("%2d runs: %s", n, what)
	}
}
