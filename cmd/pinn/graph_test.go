package main

import (
	"bytes"
	"encoding/xml"
	"image/png"
	"io"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// TestGraphDraws runs pinn graph with --out in each format and checks the
// file: SVG is well-formed XML that names dy/dt, PNG decodes to a picture
// of some size, DOT is a digraph; stdout has the summary and says what was
// written.
func TestGraphDraws(t *testing.T) {
	dir := t.TempDir()
	for _, c := range []struct {
		file  string
		args  []string
		check func(t *testing.T, data []byte)
	}{
		{"g.svg", nil, func(t *testing.T, data []byte) {
			dec := xml.NewDecoder(bytes.NewReader(data))
			for {
				_, err := dec.Token()
				if err == io.EOF {
					break
				}
				if err != nil {
					t.Fatalf("not well-formed XML: %v", err)
				}
			}
			if !bytes.Contains(data, []byte("dy/dt")) {
				t.Error("the SVG does not name dy/dt")
			}
		}},
		{"g.png", []string{"--stage", "first-pass"}, func(t *testing.T, data []byte) {
			cfg, err := png.DecodeConfig(bytes.NewReader(data))
			if err != nil {
				t.Fatalf("the PNG does not decode: %v", err)
			}
			if cfg.Width < 200 || cfg.Height < 200 {
				t.Errorf("PNG %dx%d: too small to show a pass", cfg.Width, cfg.Height)
			}
		}},
		{"g.txt", []string{"--format", "dot"}, func(t *testing.T, data []byte) {
			if !bytes.HasPrefix(data, []byte("digraph training {")) || !bytes.Contains(data, []byte(`"cluster_first pass"`)) {
				t.Errorf("not the DOT of the training graph:\n%.200s", data)
			}
		}},
	} {
		t.Run(c.file, func(t *testing.T) {
			path := filepath.Join(dir, c.file)
			out, errOut, status := runPinn(append([]string{"graph", "decay", "--hidden", "2", "--out", path}, c.args...)...)
			if status != exitOK {
				t.Fatalf("status %d: %s", status, errOut)
			}
			for _, want := range []string{"decay: 1-2-1 network (tanh, output none), derivative symbolic", "first pass", "second pass", "wrote " + path} {
				if !strings.Contains(out, want) {
					t.Errorf("stdout does not say %q:\n%s", want, out)
				}
			}
			data, err := os.ReadFile(path)
			if err != nil {
				t.Fatal(err)
			}
			c.check(t, data)
		})
	}
}

// TestGraphMath checks the formulas pinn graph --math prints: the one the
// issue gives for a 1-H-1 tanh network, and exactly 1 for the thread's
// mistake.
func TestGraphMath(t *testing.T) {
	for _, c := range []struct {
		args []string
		want string
	}{
		{[]string{"--activation", "tanh"}, "dy/dt = v_1*w_1*(1 - tanh(w_1*t + b_1)^2) + v_2*w_2*(1 - tanh(w_2*t + b_2)^2)\n"},
		{[]string{"--activation", "relu", "--output-activation", "relu", "--derivative", "wrt-prediction"}, "dy/dt = 1\n"},
	} {
		out, errOut, status := runPinn(append([]string{"graph", "decay", "--hidden", "2", "--math"}, c.args...)...)
		if status != exitOK {
			t.Fatalf("%v: status %d: %s", c.args, status, errOut)
		}
		if !strings.Contains(out, "\n"+c.want) || !strings.Contains(out, "names: w_j, b_j: layer 1") {
			t.Errorf("%v: stdout does not have %q and the names:\n%s", c.args, c.want, out)
		}
	}
}

// TestGraphBadInput checks pinn graph's answers to bad input: status 2 and
// one line naming what was wrong.
func TestGraphBadInput(t *testing.T) {
	dir := t.TempDir()
	for _, c := range []struct {
		args []string
		msg  string
	}{
		{[]string{"graph", "decay", "--stage", "third-pass"}, `--stage: unknown stage "third-pass" (want one of all, network, first-pass, loss, second-pass)`},
		{[]string{"graph", "decay", "--format", "gif", "--out", filepath.Join(dir, "g.gif")}, `--format: unknown format "gif" (want one of svg, png, dot)`},
		{[]string{"graph", "decay", "--out", filepath.Join(dir, "g.gif")}, `cannot tell the format from the extension "gif"`},
		{[]string{"graph", "decay", "--format", "svg"}, "--format needs --out FILE"},
		{[]string{"graph", "decay", "--max-nodes", "0"}, "--max-nodes must be positive, got 0"},
		{[]string{"graph"}, "graph needs a PROBLEM"},
		{[]string{"graph", "decay", "--rhs", "-y"}, "graph takes a PROBLEM or --rhs, not both"},
		{[]string{"graph", "decay", "--derivative", "magic"}, `--derivative: unknown derivative "magic"`},
		{[]string{"graph", "decay", "--derivative", "fd-forward", "--math"}, "no formula for dy/dt with derivative fd-forward"},
	} {
		checkBadInput(t, c.msg, c.args...)
	}
	if _, err := os.Stat(filepath.Join(dir, "g.gif")); err == nil {
		t.Error("a refused --out was written")
	}
}
