package problems

import (
	"fmt"
	"strings"
)

// ParseChoice returns the element of choices called name. It parses every
// enumeration of this module whose values are their own names (Sampling
// here; graph's Derivative, Activation, ICMode, Optimizer and Executor),
// with one error format, what naming the kind of value:
//
//	unknown sampling "lhs" (want one of grid, uniform, sobol)
//
// The message has no package prefix: it is about the caller's value, and the
// caller puts in front where that value came from (a flag, a file).
func ParseChoice[T ~string](what, name string, choices []T) (T, error) {
	for _, c := range choices {
		if string(c) == name {
			return c, nil
		}
	}
	return "", fmt.Errorf("unknown %s %q (want one of %s)", what, name, ChoiceList(choices))
}

// ChoiceList joins the names of choices with ", ", as ParseChoice's error
// and help texts show them.
func ChoiceList[T ~string](choices []T) string {
	s := make([]string, len(choices))
	for i, c := range choices {
		s[i] = string(c)
	}
	return strings.Join(s, ", ")
}
