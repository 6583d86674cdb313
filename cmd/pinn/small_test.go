package main

import (
	"runtime/debug"
	"strings"
	"testing"
)

// TestSmallRefusals: the smaller faults of the issue, each with status 2 and
// a message that says what is right.
func TestSmallRefusals(t *testing.T) {
	model, _ := savedModel(t, t.TempDir())
	tests := []struct {
		args []string
		msg  string
	}{
		{[]string{"help", "nosuch"}, "No help topic for 'nosuch'"},
		{[]string{"experiments", "help", "nosuch"}, "No help topic for 'nosuch'"},
		{[]string{"train", "decay", "-points", "x"}, `invalid value "x" for flag --points`},
		{[]string{"train", "decay", "--points"}, "flag needs an argument: --points"},
		{[]string{"eval", model, "--t", ""}, "--t needs at least one time, like --t 0.5 or --t 0,1,2"},
		{[]string{"eval", model, "--t", " "}, "--t needs at least one time"},
		{[]string{"eval", model, "--grid", "0:1:2000000"}, "n from 2 to 1000000"},
		{[]string{"solve", "--rhs", "-y", "--y0", "1,2"}, "1 variable needs 1 initial value, have 2"},
		{[]string{"train", "forum-final", "--derivative", "fd-central", "--fd-step", "1e-320"}, "--fd-step 1e-320 is lost to rounding: x + h == x at x = 5"},
	}
	for _, tt := range tests {
		t.Run(strings.Join(tt.args, " "), func(t *testing.T) {
			checkBadInput(t, tt.msg, tt.args...)
		})
	}
}

// TestFDStepIgnored: --fd-step with a derivative that takes no step is
// ignored, and stderr says so; where fd-forward takes one (a second-order
// problem's initial slope) nothing is said.
func TestFDStepIgnored(t *testing.T) {
	_, errOut, status := runPinn("train", "decay", "--fast", "--epochs", "2", "--fd-step", "1e-3", "--json")
	if status != 0 || errOut != "pinn: --fd-step 0.001 is ignored: --derivative symbolic takes no step (fd-central does)\n" {
		t.Errorf("status %d, stderr %q", status, errOut)
	}
	_, errOut, status = runPinn("train", "oscillator", "--fast", "--epochs", "2", "--derivative", "fd-forward", "--fd-step", "1e-3", "--json")
	if status != 0 || errOut != "" {
		t.Errorf("fd-forward, second order: status %d, stderr %q", status, errOut)
	}
}

// TestVersion: pinn --version prints the module version and, where the
// toolchain recorded them, the revision and time of the source.
func TestVersion(t *testing.T) {
	info, ok := debug.ReadBuildInfo()
	if !ok {
		t.Skip("no build information")
	}
	out, errOut, status := runPinn("--version")
	if want := "pinn version " + versionText(info) + "\n"; status != 0 || out != want || errOut != "" {
		t.Errorf("status %d, stdout %q, stderr %q; want %q", status, out, errOut, want)
	}
	info = &debug.BuildInfo{GoVersion: "go1.26.8", Main: debug.Module{Path: "pinn", Version: "(devel)"}, Settings: []debug.BuildSetting{
		{Key: "vcs.revision", Value: "c2637e78a12f84fa77610c1212e59bc0a72af59f"}, {Key: "vcs.time", Value: "2026-11-30T22:27:01Z"}, {Key: "vcs.modified", Value: "true"}}}
	if got, want := versionText(info), "(devel), revision c2637e78a12f84fa77610c1212e59bc0a72af59f of 2026-11-30T22:27:01Z with uncommitted changes, built with go1.26.8"; got != want {
		t.Errorf("versionText = %q, want %q", got, want)
	}
}
