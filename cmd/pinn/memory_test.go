//go:build unix

package main

import (
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"syscall"
	"testing"

	"pinn/graph"
	"pinn/problems"
)

// TestMemoryEstimate runs pinn at a few sizes and compares the estimate
// with the peak resident memory the kernel measured (getrusage's maxrss).
// The estimate counts the bytes of the graphs' values and buffers; the peak
// also holds what the garbage collector has not yet reclaimed (Go lets the
// heap grow to twice what is live), and the final scoring on Gorgonia's
// TapeMachine, which dominates at many points, reuses the memory of about
// half its nodes where the estimate counts them all. So the estimate may be
// high by up to a factor of 2 (and low by up to one, in principle), which
// is what the test allows. Measured on this project's 2-core machine, 2
// epochs, with --out:
//
//	forum-final, 64-64-64, compiled,  10000 points: estimate 148 MiB, peak 92 MiB
//	                                   40000 points: estimate 508 MiB, peak 279 MiB
//	                       tape,       10000 points: estimate 396 MiB, peak 399 MiB
//	lotka-volterra, 16-16, --refine 1,  2000 points: estimate 77 MiB, peak 76 MiB
func TestMemoryEstimate(t *testing.T) {
	if testing.Short() {
		t.Skip("runs of up to 40000 points")
	}
	if runtime.GOOS != "linux" {
		t.Skip("maxrss is in kilobytes on Linux only")
	}
	for _, tt := range []struct {
		problem string
		hidden  []int
		exec    graph.Executor
		points  int
		refine  int
	}{
		{"forum-final", []int{64, 64, 64}, graph.Compiled, 10000, 0},
		{"forum-final", []int{64, 64, 64}, graph.Compiled, 40000, 0},
		{"forum-final", []int{64, 64, 64}, graph.Tape, 10000, 0},
		{"lotka-volterra", []int{16, 16}, graph.Compiled, 2000, 1},
	} {
		name := fmt.Sprintf("%s/%v/%s/points=%d/refine=%d", tt.problem, tt.hidden, tt.exec, tt.points, tt.refine)
		t.Run(name, func(t *testing.T) {
			p, err := problems.Builtin(tt.problem)
			if err != nil {
				t.Fatal(err)
			}
			cfg := graph.Config{Architecture: graph.Architecture{Hidden: tt.hidden}, Executor: tt.exec, ScaleInput: p.ScaleInput}
			opts := graph.Options{Points: tt.points, Epochs: 2, RefineEvery: tt.refine}
			need, err := graph.EstimateMemory(p, cfg, opts)
			if err != nil {
				t.Fatal(err)
			}
			estimate := need + reportMemory(tt.points, len(p.Vars)) + processBase
			hidden := fmt.Sprint(tt.hidden[0])
			for _, w := range tt.hidden[1:] {
				hidden += fmt.Sprint(",", w)
			}
			args := []string{"train", tt.problem, "--hidden", hidden, "--executor", string(tt.exec), "--points", fmt.Sprint(tt.points),
				"--epochs", "2", "--out", filepath.Join(t.TempDir(), "run"), "--json"}
			if tt.refine > 0 {
				args = append(args, "--refine", fmt.Sprint(tt.refine))
			}
			cmd := exec.Command(pinnBinary(t), args...)
			cmd.Stderr = os.Stderr
			if err := cmd.Run(); err != nil {
				t.Fatal(err)
			}
			peak := float64(cmd.ProcessState.SysUsage().(*syscall.Rusage).Maxrss) * 1024
			t.Logf("estimate %s, peak %s", formatBytes(estimate), formatBytes(peak))
			if !(estimate > peak/2 && estimate < 2*peak) {
				t.Errorf("estimate %s, peak %s: not within a factor of 2", formatBytes(estimate), formatBytes(peak))
			}
		})
	}
}

// TestParseBytes reads the sizes --max-memory takes.
func TestParseBytes(t *testing.T) {
	for _, tt := range []struct {
		in   string
		want float64
	}{
		{"1000", 1000}, {"8G", 8 << 30}, {"8GiB", 8 << 30}, {"8gb", 8 << 30}, {"500M", 500 << 20}, {"1.5K", 1536}, {"2T", 2 << 40}, {" 3 G", 3 << 30},
	} {
		if got, err := parseBytes(tt.in); err != nil || got != tt.want {
			t.Errorf("parseBytes(%q) = %v, %v; want %v", tt.in, got, err, tt.want)
		}
	}
	for _, in := range []string{"", "G", "-1G", "0", "8X", "NaN", "Inf", "1e400"} {
		if _, err := parseBytes(in); err == nil {
			t.Errorf("parseBytes(%q): no error", in)
		}
	}
}

// TestAvailableMemory reads MemAvailable and the cgroup limits of both
// cgroup versions from files laid out as Linux lays them out.
func TestAvailableMemory(t *testing.T) {
	dir := t.TempDir()
	write := func(name, text string) string {
		path := filepath.Join(dir, name)
		if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(path, []byte(text), 0o644); err != nil {
			t.Fatal(err)
		}
		return path
	}
	meminfo := write("meminfo", "MemTotal:       32000000 kB\nMemFree:         1000000 kB\nMemAvailable:   24152964 kB\n")
	if got, ok := memInfo(meminfo, "MemAvailable"); !ok || got != 24152964*1024 {
		t.Errorf("MemAvailable = %v, %v", got, ok)
	}
	write("v2/job/memory.max", "4294967296\n")
	write("v2/job/memory.current", "1073741824\n")
	if got, ok := cgroupRoom(write("self-v2", "0::/job\n"), filepath.Join(dir, "v2")); !ok || got != 3<<30 {
		t.Errorf("cgroup v2 room = %v, %v; want 3 GiB", got, ok)
	}
	write("v2/free/memory.max", "max\n")
	write("v2/free/memory.current", "1073741824\n")
	if _, ok := cgroupRoom(write("self-free", "0::/free\n"), filepath.Join(dir, "v2")); ok {
		t.Error(`memory.max "max" taken for a limit`)
	}
	write("v1/memory/slurm/job_1/memory.limit_in_bytes", "2147483648\n")
	write("v1/memory/slurm/job_1/memory.usage_in_bytes", "536870912\n")
	self := write("self-v1", "12:pids:/slurm/job_1\n4:memory:/slurm/job_1\n0::/\n")
	if got, ok := cgroupRoom(self, filepath.Join(dir, "v1")); !ok || got != 1.5*(1<<30) {
		t.Errorf("cgroup v1 room = %v, %v; want 1.5 GiB", got, ok)
	}
}
