//go:build unix

package main

import (
	"bytes"
	"encoding/json"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"pinn/graph"
)

// The tests here run the real pinn binary, built once into binDir, to send
// it real signals and run two at once.
var (
	binDir   string
	binOnce  sync.Once
	binPath  string
	binError error
)

func TestMain(m *testing.M) {
	var err error
	if binDir, err = os.MkdirTemp("", "pinn-test-bin-"); err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
	status := m.Run()
	os.RemoveAll(binDir)
	os.Exit(status)
}

// pinnBinary returns the path of the pinn binary, building it on first use.
func pinnBinary(t testing.TB) string {
	t.Helper()
	binOnce.Do(func() {
		gobin, err := exec.LookPath("go")
		if err != nil {
			binError = err
			return
		}
		path := filepath.Join(binDir, "pinn")
		if out, err := exec.Command(gobin, "build", "-o", path, ".").CombinedOutput(); err != nil {
			binError = fmt.Errorf("go build: %v\n%s", err, out)
			return
		}
		binPath = path
	})
	if binError != nil {
		t.Fatal(binError)
	}
	return binPath
}

// process is a pinn process a test started.
type process struct {
	cmd            *exec.Cmd
	stdout, stderr bytes.Buffer
}

// startPinn starts pinn with args in dir.
func startPinn(t testing.TB, dir string, args ...string) *process {
	t.Helper()
	p := &process{cmd: exec.Command(pinnBinary(t), args...)}
	p.cmd.Dir = dir
	p.cmd.Stdout, p.cmd.Stderr = &p.stdout, &p.stderr
	if err := p.cmd.Start(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		if p.cmd.ProcessState == nil {
			p.cmd.Process.Kill()
			p.cmd.Wait()
		}
	})
	return p
}

// wait waits for the process to end and returns its exit status.
func (p *process) wait(t testing.TB) int {
	t.Helper()
	err := p.cmd.Wait()
	if _, ok := err.(*exec.ExitError); err != nil && !ok {
		t.Fatal(err)
	}
	return p.cmd.ProcessState.ExitCode()
}

// waitFile waits until a file matching pattern exists.
func waitFile(t testing.TB, pattern string) string {
	t.Helper()
	for start := time.Now(); time.Since(start) < time.Minute; time.Sleep(time.Millisecond) {
		if m, _ := filepath.Glob(pattern); len(m) > 0 {
			return m[0]
		}
	}
	t.Fatalf("no file %s after a minute", pattern)
	return ""
}

// waitTraining waits until a run has taken its lock, then lets it train for
// a while: output piped from pinn holds no progress to wait for. A run
// trains a few milliseconds after it takes its lock (it checks the
// reference and builds its graph), so the margin of 1.5 s is wide.
func waitTraining(t testing.TB, lock string) {
	t.Helper()
	waitFile(t, lock)
	time.Sleep(1500 * time.Millisecond)
}

// leftovers lists the temporary and lock files under dir.
func leftovers(t *testing.T, dir string) []string {
	t.Helper()
	var found []string
	filepath.WalkDir(dir, func(path string, d os.DirEntry, err error) error {
		if err == nil && (strings.HasSuffix(path, ".tmp") || strings.HasSuffix(path, ".lock") || strings.Contains(path, ".pinn-write-check-")) {
			found = append(found, path)
		}
		return nil
	})
	return found
}

// checkWhole checks the files of a fit in dir and a saved model, where
// present: result.json parses, loss.csv has a row for every epoch
// result.json counts, the model loads. It returns the report.
func checkWhole(t testing.TB, dir, model string) map[string]any {
	t.Helper()
	var r map[string]any
	if b, err := os.ReadFile(filepath.Join(dir, "result.json")); err == nil {
		if err := json.Unmarshal(b, &r); err != nil {
			t.Errorf("result.json: %v", err)
		}
		loss, err := os.ReadFile(filepath.Join(dir, "loss.csv"))
		if err != nil {
			t.Fatal(err)
		}
		steps := int(r["epochs"].(float64) + r["lbfgs_iterations"].(float64))
		if rows := strings.Count(string(loss), "\n") - 1; rows != steps+1 || !strings.HasSuffix(string(loss), "\n") {
			t.Errorf("loss.csv has %d rows for %d steps", rows, steps)
		}
	}
	if f, err := os.Open(model); err == nil {
		defer f.Close()
		if _, err := graph.ReadModel(f); err != nil {
			t.Errorf("%s: %v", model, err)
		}
	}
	return r
}

// TestSignalWritesResults interrupts a run with SIGINT and with SIGTERM as
// it trains: it stops at the end of an epoch, writes --out and --save from
// the best weights so far, says where it stopped, and exits with 128 plus
// the signal's number. Nothing temporary is left.
func TestSignalWritesResults(t *testing.T) {
	for _, tt := range []struct {
		sig    syscall.Signal
		name   string
		status int
	}{{syscall.SIGINT, "SIGINT", 130}, {syscall.SIGTERM, "SIGTERM", 143}} {
		t.Run(tt.name, func(t *testing.T) {
			dir := t.TempDir()
			p := startPinn(t, dir, "train", "decay", "--hidden", "4", "--epochs", "10000000", "--out", "run", "--save", "m.json")
			waitTraining(t, filepath.Join(dir, "run", ".pinn.lock"))
			p.cmd.Process.Signal(tt.sig)
			if status := p.wait(t); status != tt.status {
				t.Errorf("status %d, want %d; stderr %q", status, tt.status, p.stderr.String())
			}
			stderr := strings.Split(strings.TrimSpace(p.stderr.String()), "\n")
			last := stderr[len(stderr)-1]
			var epoch int
			if _, err := fmt.Sscanf(last, "pinn: interrupted at epoch %d of 10000000 ("+tt.name+"); wrote run and m.json", &epoch); err != nil || epoch < 1 || epoch >= 10000000 {
				t.Errorf("last line of stderr %q, want it to say interrupted at epoch N of 10000000 (%s)", last, tt.name)
			}
			if want := fmt.Sprintf("interrupted  at epoch %d of 10000000", epoch); !strings.Contains(p.stdout.String(), want) {
				t.Errorf("the report does not say %q:\n%s", want, p.stdout.String())
			}
			r := checkWhole(t, filepath.Join(dir, "run"), filepath.Join(dir, "m.json"))
			if r["interrupted"] != fmt.Sprintf("at epoch %d of 10000000", epoch) || r["epochs"] != float64(epoch) {
				t.Errorf("result.json: interrupted %v, epochs %v; want epoch %d", r["interrupted"], r["epochs"], epoch)
			}
			if _, err := os.Stat(filepath.Join(dir, "m.json")); err != nil {
				t.Error(err)
			}
			if l := leftovers(t, dir); len(l) > 0 {
				t.Errorf("left behind: %v", l)
			}
		})
	}
}

// TestSecondSignalStopsAtOnce sends a second SIGINT while the model, 15 MB
// of JSON, is being saved: the process exits at once with status 130, the
// temporary file is removed, and no model file appears.
func TestSecondSignalStopsAtOnce(t *testing.T) {
	if testing.Short() {
		t.Skip("a 1-700-700-1 network")
	}
	dir := t.TempDir()
	p := startPinn(t, dir, "train", "decay", "--hidden", "700,700", "--epochs", "100", "--save", "big.json")
	waitTraining(t, filepath.Join(dir, ".big.json.lock"))
	p.cmd.Process.Signal(syscall.SIGINT)
	waitFile(t, filepath.Join(dir, ".big.json.*.tmp"))
	p.cmd.Process.Signal(syscall.SIGINT)
	if status := p.wait(t); status != 130 {
		t.Errorf("status %d, want 130; stderr %q", status, p.stderr.String())
	}
	if !strings.HasSuffix(p.stderr.String(), "pinn: SIGINT: stopped at once\n") {
		t.Errorf("stderr %q", p.stderr.String())
	}
	entries, _ := os.ReadDir(dir)
	if len(entries) > 0 {
		t.Errorf("left in the directory: %v", entries)
	}
}

// TestLockRefusesSecondRun runs a second pinn into the --out directory, and
// then onto the --save file, of one that is running: each is refused with
// status 2, naming the place; a run elsewhere goes ahead; once the first
// has stopped, the second runs.
func TestLockRefusesSecondRun(t *testing.T) {
	dir := t.TempDir()
	first := startPinn(t, dir, "train", "decay", "--hidden", "4", "--epochs", "100000000", "--out", "run", "--save", "m.json")
	waitFile(t, filepath.Join(dir, ".m.json.lock"))
	second := func(args ...string) (int, string) {
		p := startPinn(t, dir, append([]string{"train", "decay", "--epochs", "5"}, args...)...)
		return p.wait(t), p.stderr.String()
	}
	for _, tt := range []struct{ args []string }{
		{[]string{"--out", "run"}},
		{[]string{"--out", "./run/"}},
		{[]string{"--save", "m.json"}},
		{[]string{"--out", "other", "--save", "m.json"}},
	} {
		status, stderr := second(tt.args...)
		if status != exitUsage || !strings.Contains(stderr, tt.args[len(tt.args)-1]+": in use by another pinn run") || strings.Count(stderr, "\n") != 1 {
			t.Errorf("%v: status %d, stderr %q; want 2 and the place named", tt.args, status, stderr)
		}
	}
	if _, err := os.Stat(filepath.Join(dir, "other")); err == nil {
		t.Error("a refused run left its --out directory behind")
	}
	if status, stderr := second("--out", "elsewhere", "--save", "n.json"); status != 0 {
		t.Errorf("a run elsewhere: status %d, stderr %q", status, stderr)
	}
	first.cmd.Process.Signal(syscall.SIGTERM)
	if status := first.wait(t); status != 143 {
		t.Errorf("first run: status %d, want 143; stderr %q", status, first.stderr.String())
	}
	if status, stderr := second("--out", "run", "--save", "m.json"); status != 0 {
		t.Errorf("after the first: status %d, stderr %q", status, stderr)
	}
	checkWhole(t, filepath.Join(dir, "run"), filepath.Join(dir, "m.json"))
	if l := leftovers(t, dir); len(l) > 0 {
		t.Errorf("left behind: %v", l)
	}
}

// BenchmarkPreemption measures how long a run takes from SIGTERM to its
// exit with --out and --save written (a scheduler such as Slurm sends
// SIGKILL 30 s after SIGTERM by default), and --checkpoint where given. At
// 10000 points x 64 x 3 layers the signal comes 3 s into training; with a small network, whose epochs
// take microseconds, it comes 6 s into training,
// several hundred thousand epochs, so that the loss table and plot are long:
//
//	go test ./cmd/pinn -run '^$' -bench Preemption -benchtime 3x
func BenchmarkPreemption(b *testing.B) {
	for _, bb := range []struct {
		name string
		args []string
		wait func(b *testing.B, p *process, dir string)
	}{
		{"size=10000x64x3", []string{"train", "forum-final", "--points", "10000", "--hidden", "64,64,64", "--epochs", "1000000"},
			func(b *testing.B, p *process, dir string) {
				waitFile(b, filepath.Join(dir, ".m.json.lock"))
				time.Sleep(3 * time.Second)
			}},
		{"size=10000x64x3/checkpoint", []string{"train", "forum-final", "--points", "10000", "--hidden", "64,64,64", "--epochs", "1000000", "--checkpoint", "run.ckpt"},
			func(b *testing.B, p *process, dir string) {
				waitFile(b, filepath.Join(dir, ".m.json.lock"))
				time.Sleep(3 * time.Second)
			}},
		{"history=900000", []string{"train", "decay", "--hidden", "4", "--epochs", "1000000"},
			func(b *testing.B, p *process, dir string) {
				waitFile(b, filepath.Join(dir, ".m.json.lock"))
				time.Sleep(6 * time.Second) // several hundred thousand epochs
			}},
	} {
		b.Run(bb.name, func(b *testing.B) {
			var total time.Duration
			for range b.N {
				dir := b.TempDir()
				p := startPinn(b, dir, append(bb.args, "--out", "run", "--save", "m.json")...)
				bb.wait(b, p, dir)
				start := time.Now()
				p.cmd.Process.Signal(syscall.SIGTERM)
				if status := p.wait(b); status != 143 {
					b.Fatalf("status %d, stderr %q", status, p.stderr.String())
				}
				total += time.Since(start)
				checkWhole(b, filepath.Join(dir, "run"), filepath.Join(dir, "m.json"))
				if slices.Contains(bb.args, "--checkpoint") && checkpointEpoch(filepath.Join(dir, "run.ckpt")) < 1 {
					b.Fatal("no checkpoint written")
				}
			}
			b.ReportMetric(total.Seconds()/float64(b.N), "s/sigterm")
			b.ReportMetric(0, "ns/op")
		})
	}
}

// TestStudyInterrupted stops a study of 4 runs with SIGTERM once a run has
// finished: the runs under way stop at an epoch's end and are not written,
// those finished are, the status is 143, and running the study again
// carries on to all 4.
func TestStudyInterrupted(t *testing.T) {
	if testing.Short() {
		t.Skip("a study of 4 runs of 100000 epochs")
	}
	noArrayEnv(t)
	study := writeStudy(t, "long.toml", `title = "long"
problem = "decay"
seeds = 2

[settings]
epochs = 100000
hidden = "4"

[grid]
activation = ["tanh", "sin"]
`)
	dir := t.TempDir()
	p := startPinn(t, dir, "study", "run", study, "--out", "runs", "--workers", "1")
	waitFile(t, filepath.Join(dir, "runs", "runs", "*.json"))
	p.cmd.Process.Signal(syscall.SIGTERM)
	if status := p.wait(t); status != 143 {
		t.Fatalf("status %d, want 143; stderr %q", status, p.stderr.String())
	}
	written, _ := filepath.Glob(filepath.Join(dir, "runs", "runs", "*.json"))
	want := fmt.Sprintf("pinn: interrupted (SIGTERM): the %d runs finished are written; pinn study run again carries on\n", len(written))
	if !strings.HasSuffix(p.stderr.String(), want) || len(written) == 0 || len(written) == 4 {
		t.Errorf("%d runs written; stderr %q, want it to end %q", len(written), p.stderr.String(), want)
	}
	if l := leftovers(t, dir); len(l) > 0 {
		t.Errorf("left behind: %v", l)
	}
	again := startPinn(t, dir, "study", "run", study, "--out", "runs", "--workers", "1")
	if status := again.wait(t); status != 0 {
		t.Fatalf("run again: status %d, stderr %q", status, again.stderr.String())
	}
	if all, _ := filepath.Glob(filepath.Join(dir, "runs", "runs", "*.json")); len(all) != 4 {
		t.Errorf("%d runs after running again, want 4", len(all))
	}
}
