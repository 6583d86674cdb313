package main

import (
	"bufio"
	"fmt"
	"math"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"

	"pinn/graph"
	"pinn/problems"

	"github.com/urfave/cli/v2"
)

// processBase is what a pinn process holds before it builds a graph: the
// Go runtime, the program and its data (pinn list peaks at 17 MiB
// resident).
const processBase = 24 << 20

// memoryFlag is --max-memory, the limit a run's estimate is held to.
type memoryFlag struct {
	text string
	flag *cli.StringFlag
}

func newMemoryFlag() *memoryFlag {
	m := &memoryFlag{}
	m.flag = &cli.StringFlag{Name: "max-memory", Usage: "refuse a run that needs more memory than `SIZE` (bytes, or with K, M, G or T: powers of 1024)",
		DefaultText: "the memory available: MemAvailable, or a smaller cgroup limit", Destination: &m.text}
	return m
}

// check refuses, as bad input, a run that needs about need bytes (above
// processBase; at least need, with atLeast) when that is more than the
// limit: --max-memory, or else the memory available, where the system says
// (Linux); elsewhere nothing is checked without --max-memory. hint says
// what would need less.
func (m *memoryFlag) check(c *cli.Context, need float64, atLeast bool, hint string) error {
	need += processBase
	limit, source := 0.0, "--max-memory"
	if given(c, m.flag) {
		var err error
		if limit, err = parseBytes(m.text); err != nil {
			return badInput("--max-memory: %v", err)
		}
	} else {
		var ok bool
		if limit, source, ok = availableMemory(); !ok {
			return nil
		}
	}
	if need > limit {
		estimate := "about %s of memory (an estimate)"
		if atLeast {
			estimate = "at least %s of memory (for its parameters alone)"
		}
		return badInput("this run needs "+estimate+", more than the %s %s allows: %s, or set --max-memory",
			formatBytes(need), formatBytes(limit), source, hint)
	}
	return nil
}

// fitHint says what makes a fit need less memory.
const fitHint = "use fewer --points or narrower --hidden layers"

// checkFit checks the memory a Fit of p takes: first the lower bound its
// parameter count sets (which needs nothing built), then the estimate.
func (m *memoryFlag) checkFit(c *cli.Context, p *problems.Problem, cfg graph.Config, opts graph.Options) error {
	if err := m.check(c, graph.MinimumMemory(cfg.Architecture, len(p.Vars)), true, fitHint); err != nil {
		return err
	}
	need, err := graph.EstimateMemory(p, cfg, opts)
	if err != nil {
		return err
	}
	return m.check(c, need+reportMemory(opts.Points, len(p.Vars)), false, fitHint)
}

// reportMemory is what the report of a fit on n points of vars variables
// takes beyond the graphs: the reference and the scored solution, and the
// rows of solution.csv as numbers and as text (about 24 bytes a field).
func reportMemory(n, vars int) float64 {
	fields := float64(1 + 3*vars)
	return float64(n) * (8*4*float64(vars) + fields*(8+24+16))
}

// availableMemory returns the memory this process may still take: the
// system's MemAvailable, or less where the process's cgroup (v2) limits it,
// with where the number comes from; ok is false where neither is known.
func availableMemory() (bytes float64, source string, ok bool) {
	avail, ok := memInfo("/proc/meminfo", "MemAvailable")
	if !ok {
		return 0, "", false
	}
	bytes, source = avail, "memory available (MemAvailable)"
	if limit, ok := cgroupRoom("/proc/self/cgroup", "/sys/fs/cgroup"); ok && limit < bytes {
		bytes, source = limit, "cgroup's memory limit"
	}
	return bytes, source, true
}

// memInfo reads a field of /proc/meminfo, in bytes.
func memInfo(path, field string) (float64, bool) {
	f, err := os.Open(path)
	if err != nil {
		return 0, false
	}
	defer f.Close()
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		name, rest, ok := strings.Cut(sc.Text(), ":")
		if !ok || name != field {
			continue
		}
		kb, err := strconv.ParseFloat(strings.TrimSuffix(strings.TrimSpace(rest), " kB"), 64)
		return 1024 * kb, err == nil
	}
	return 0, false
}

// cgroupRoom returns the limit less the usage of the memory cgroup the
// process is in, as the file self (/proc/self/cgroup) names it under root
// (/sys/fs/cgroup): memory.max and memory.current in cgroup v2, the memory
// controller's memory.limit_in_bytes and memory.usage_in_bytes in v1
// (where Slurm and container runtimes put limits).
func cgroupRoom(self, root string) (float64, bool) {
	b, err := os.ReadFile(self)
	if err != nil {
		return 0, false
	}
	for _, line := range strings.Split(strings.TrimSpace(string(b)), "\n") {
		parts := strings.SplitN(line, ":", 3)
		if len(parts) != 3 {
			continue
		}
		var dir, limitFile, usageFile string
		switch {
		case parts[0] == "0" && parts[1] == "":
			dir, limitFile, usageFile = filepath.Join(root, parts[2]), "memory.max", "memory.current"
		case slices.Contains(strings.Split(parts[1], ","), "memory"):
			dir, limitFile, usageFile = filepath.Join(root, "memory", parts[2]), "memory.limit_in_bytes", "memory.usage_in_bytes"
		default:
			continue
		}
		limit, err1 := readNumber(filepath.Join(dir, limitFile)) // v2's "max", no limit, is no number
		used, err2 := readNumber(filepath.Join(dir, usageFile))
		if err1 == nil && err2 == nil {
			return limit - used, true
		}
	}
	return 0, false
}

// readNumber reads a file holding one number.
func readNumber(path string) (float64, error) {
	b, err := os.ReadFile(path)
	if err != nil {
		return 0, err
	}
	return strconv.ParseFloat(strings.TrimSpace(string(b)), 64)
}

// parseBytes reads a size: a number of bytes, or one with the suffix K, M,
// G or T (powers of 1024; "KiB", "KB" and "k" read the same).
func parseBytes(s string) (float64, error) {
	t := strings.TrimRight(strings.TrimSpace(s), "bB")
	t = strings.TrimRight(t, "iI")
	scale := 1.0
	if n := len(t); n > 0 {
		if k := strings.IndexByte("KMGT", t[n-1]&^0x20); k >= 0 {
			scale, t = math.Pow(1024, float64(k+1)), t[:n-1]
		}
	}
	v, err := strconv.ParseFloat(strings.TrimSpace(t), 64)
	if err != nil || !(v > 0) || math.IsInf(v, 0) {
		return 0, fmt.Errorf("%q is not a size, like 8G, 500M or 1000000000", s)
	}
	return v * scale, nil
}

// formatBytes writes a size with a binary unit.
func formatBytes(b float64) string {
	units := []string{"bytes", "KiB", "MiB", "GiB", "TiB", "PiB", "EiB"}
	u := 0
	for b >= 1024 && u < len(units)-1 {
		b, u = b/1024, u+1
	}
	if u == 0 {
		return fmt.Sprintf("%.0f bytes", b)
	}
	return fmt.Sprintf("%.3g %s", b, units[u])
}
