package main

import (
	"slices"
	"testing"
)

// TestIsNumber checks what normalizeArgs takes for a number rather than a
// flag: the whole argument must be one, so "-1abc" is not.
func TestIsNumber(t *testing.T) {
	for _, tt := range []struct {
		arg  string
		want bool
	}{
		{"-1", true}, {"-1.5e-3", true}, {"2", true}, {"-.5", true},
		{"-1abc", false}, {"-1 2", false}, {"1e", false}, {"-", false}, {"-x", false}, {"--epochs", false},
	} {
		if got := isNumber(tt.arg); got != tt.want {
			t.Errorf("isNumber(%q) = %v, want %v", tt.arg, got, tt.want)
		}
	}
}

// TestNormalizeArgs checks that flags after a command's argument move in
// front of it, and that "-1abc" counts as a flag there, not as an argument.
func TestNormalizeArgs(t *testing.T) {
	app := newApp(nil, nil)
	for _, tt := range []struct{ args, want []string }{
		{[]string{"pinn", "train", "decay", "--epochs", "10"}, []string{"pinn", "train", "--epochs", "10", "--", "decay"}},
		{[]string{"pinn", "eval", "m.json", "-1"}, []string{"pinn", "eval", "--", "m.json", "-1"}},
		{[]string{"pinn", "eval", "m.json", "-1abc"}, []string{"pinn", "eval", "-1abc", "--", "m.json"}},
	} {
		if got, err := normalizeArgs(app, tt.args); err != nil || !slices.Equal(got, tt.want) {
			t.Errorf("normalizeArgs(%q) = %q, %v; want %q", tt.args, got, err, tt.want)
		}
	}
}
