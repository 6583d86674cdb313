package main

import (
	"encoding/json"
	"math"
	"strings"
	"testing"
)

// benchArgs is a short bench of two cases.
var benchArgs = []string{"bench", "--sizes", "41x8x2", "--derivative", "symbolic,forward", "--time", "20ms"}

// TestBenchTable checks the table: the header, then one row per case.
func TestBenchTable(t *testing.T) {
	out, errOut, status := runPinn(benchArgs...)
	if status != 0 || errOut != "" {
		t.Fatalf("status %d, stderr %q", status, errOut)
	}
	lines := strings.Split(strings.TrimSuffix(out, "\n"), "\n")
	if len(lines) != 6 || !strings.HasPrefix(lines[0], "pinn bench: one Adam epoch of forum-final") ||
		!strings.Contains(lines[1], "kernels: ") || !strings.HasPrefix(lines[3], "size (points x width x layers)") {
		t.Fatalf("table:\n%s", out)
	}
	for i, mode := range []string{"symbolic", "forward"} {
		f := strings.Fields(lines[4+i])
		if len(f) != 7 || f[0] != "41x8x2" || f[1] != mode || !strings.HasSuffix(f[6], "x") {
			t.Errorf("row %d: %q", i, lines[4+i])
		}
	}
}

// TestBenchJSON checks the numbers: both times positive, and the speed-up
// their ratio.
func TestBenchJSON(t *testing.T) {
	out, errOut, status := runPinn(append(benchArgs, "--json")...)
	if status != 0 || errOut != "" {
		t.Fatalf("status %d, stderr %q", status, errOut)
	}
	var rs []benchResult
	if err := json.Unmarshal([]byte(out), &rs); err != nil {
		t.Fatalf("%v:\n%s", err, out)
	}
	if len(rs) != 2 {
		t.Fatalf("%d results, want 2:\n%s", len(rs), out)
	}
	for i, r := range rs {
		if r.Size != "41x8x2" || r.Points != 41 || r.Width != 8 || r.Layers != 2 || r.Derivative != []string{"symbolic", "forward"}[i] {
			t.Errorf("result %d: %+v", i, r)
		}
		if !(r.TapeNS > 0 && r.CompiledNS > 0) || !(math.Abs(r.Speedup-r.TapeNS/r.CompiledNS) <= 1e-9*r.Speedup) {
			t.Errorf("result %d: tape %v ns, compiled %v ns, speed-up %v", i, r.TapeNS, r.CompiledNS, r.Speedup)
		}
	}
}

// TestBenchBadInput checks that each bad flag is named in a one-line error,
// with status 2.
func TestBenchBadInput(t *testing.T) {
	tests := []struct {
		args []string
		msg  string
	}{
		{[]string{"--sizes", "41x8"}, `--sizes: "41x8" is not PxWxL`},
		{[]string{"--sizes", "41x8x2,ax8x2"}, `--sizes: "ax8x2" is not PxWxL`},
		{[]string{"--sizes", "41x0x2"}, `--sizes: "41x0x2" is not PxWxL`},
		{[]string{"--sizes", "41x8x-1"}, `--sizes: "41x8x-1" is not PxWxL`},
		{[]string{"--sizes", ""}, `--sizes: "" is not PxWxL`},
		{[]string{"--sizes", "1x8x2"}, `--sizes: "1x8x2" has 1 collocation point, want at least 2`},
		{[]string{"--derivative", "symbolic,magic"}, `--derivative: unknown derivative "magic"`},
		{[]string{"--derivative", "wrt-prediction"}, `--derivative: unknown derivative "wrt-prediction"`},
		{[]string{"--time", "0s"}, "--time must be positive, got 0s"},
		{[]string{"--time", "-1s"}, "--time must be positive, got -1s"},
		{[]string{"--time", "soon"}, `invalid value "soon" for flag --time`},
		{[]string{"extra"}, "bench takes no arguments"},
	}
	for _, tt := range tests {
		t.Run(strings.Join(tt.args, " "), func(t *testing.T) {
			checkBadInput(t, tt.msg, append([]string{"bench"}, tt.args...)...)
		})
	}
}
