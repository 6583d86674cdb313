package problems

import (
	"slices"
	"testing"
)

// TestParseChoice checks the one error format every enumeration shares and
// that a known name comes back as its value.
func TestParseChoice(t *testing.T) {
	got, err := ParseChoice("sampling", "sobol", Samplings())
	if err != nil || got != SampleSobol {
		t.Errorf("ParseChoice(sobol) = %q, %v; want %q", got, err, SampleSobol)
	}
	for _, tt := range []struct{ name, want string }{
		{"lhs", `unknown sampling "lhs" (want one of grid, uniform, sobol)`},
		{"", `unknown sampling "" (want one of grid, uniform, sobol)`},
		{"Grid", `unknown sampling "Grid" (want one of grid, uniform, sobol)`}, // names are case-sensitive
	} {
		got, err := ParseChoice("sampling", tt.name, Samplings())
		if err == nil || err.Error() != tt.want || got != "" {
			t.Errorf("ParseChoice(%q) = %q, %v; want the error %s", tt.name, got, err, tt.want)
		}
	}
}

// TestSamplingsIsACopy changes the returned slice: the next call must not
// see it.
func TestSamplingsIsACopy(t *testing.T) {
	s := Samplings()
	s[0] = "changed"
	if got := Samplings(); !slices.Equal(got, []Sampling{SampleGrid, SampleUniform, SampleSobol}) {
		t.Errorf("after changing a returned slice, Samplings() = %v", got)
	}
}
