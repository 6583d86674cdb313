package problems

import (
	"errors"
	"fmt"
	"slices"
	"strconv"
	"strings"
)

// Range is the interval [Lo, Hi] of a range parameter, Lo < Hi.
type Range struct {
	Lo float64 `json:"lo"`
	Hi float64 `json:"hi"`
}

// String writes the range as ParseRange reads it: "0.5:2".
func (r Range) String() string { return formatFloat(r.Lo) + ":" + formatFloat(r.Hi) }

// MaxRanges is the most range parameters a family may have: each is an
// input of the network, the scoring set has DefaultScoreValues^r members,
// and the Sobol sequence here has 1 + MaxRanges dimensions.
const MaxRanges = 8

// DefaultScoreValues is how many values of each range parameter a family
// is scored at by default.
const DefaultScoreValues = 9

// maxScoreMembers bounds the scoring set, which needs one reference
// solution per member.
const maxScoreMembers = 100_000

// ErrMember means values that do not name a member of a family.
var ErrMember = errors.New("problems: not a member of the family")

// ParseRange reads a range written "lo:hi", such as "0.5:2".
func ParseRange(s string) (Range, error) {
	lo, hi, ok := strings.Cut(s, ":")
	if !ok {
		return Range{}, fmt.Errorf("%q is not a range lo:hi", s)
	}
	var r Range
	for _, b := range []struct {
		text string
		x    *float64
	}{{lo, &r.Lo}, {hi, &r.Hi}} {
		x, err := strconv.ParseFloat(strings.TrimSpace(b.text), 64)
		if err != nil || !finite(x) {
			return Range{}, fmt.Errorf("range %q: %q is not a finite number", s, strings.TrimSpace(b.text))
		}
		*b.x = x
	}
	if r.Lo >= r.Hi {
		return Range{}, fmt.Errorf("range %q is empty: want lo < hi", s)
	}
	return r, nil
}

// IsFamily reports whether the problem has range parameters.
func (p *Problem) IsFamily() bool { return len(p.Ranges) > 0 }

// RangeNames returns the range parameters, sorted: the order of the inputs
// after t, of the columns of Sampler.Inputs and of ScoreMembers.
func (p *Problem) RangeNames() []string { return sortedKeys(p.Ranges) }

// CheckMember checks that values gives every range parameter a value inside
// its range, and names nothing else: the members at which a trained family
// may be evaluated. Errors wrap ErrMember.
func (p *Problem) CheckMember(values map[string]float64) error {
	for _, k := range sortedKeys(values) {
		r, ok := p.Ranges[k]
		switch {
		case !ok && len(p.Ranges) == 0:
			return fmt.Errorf("%w: %s is not a range parameter: the problem has none", ErrMember, k)
		case !ok:
			return fmt.Errorf("%w: %s is not a range parameter (the range parameters are %s)", ErrMember, k, strings.Join(p.RangeNames(), ", "))
		case !(values[k] >= r.Lo && values[k] <= r.Hi):
			return fmt.Errorf("%w: %s = %g is outside the trained range [%g, %g]", ErrMember, k, values[k], r.Lo, r.Hi)
		}
	}
	return p.rangeValuesGiven(values)
}

// rangeValuesGiven checks that values has a value for every range
// parameter.
func (p *Problem) rangeValuesGiven(values map[string]float64) error {
	for _, k := range p.RangeNames() {
		if _, ok := values[k]; !ok {
			return fmt.Errorf("%w: range parameter %s needs a value in [%g, %g]", ErrMember, k, p.Ranges[k].Lo, p.Ranges[k].Hi)
		}
	}
	return nil
}

// ScoreMembers returns the members a family is scored at: n evenly spaced
// values of each range parameter, both ends included (its midpoint when
// n = 1), in every combination, the last range parameter varying fastest
// (MemberColumns' members, in its order). A problem without range
// parameters has one member, an empty map.
func (p *Problem) ScoreMembers(n int) ([]map[string]float64, error) {
	names := p.RangeNames()
	if n < 1 {
		return nil, fmt.Errorf("problems: %d values per range parameter: need at least 1", n)
	}
	total := 1
	for range names {
		if total *= n; total > maxScoreMembers {
			return nil, fmt.Errorf("problems: %d values for each of %d range parameters make more than %d members to score: use fewer values", n, len(names), maxScoreMembers)
		}
	}
	cols := p.MemberColumns(n)
	members := make([]map[string]float64, total)
	for i := range members {
		members[i] = make(map[string]float64, len(names))
		for j, k := range names {
			members[i][k] = cols[j][i]
		}
	}
	return members, nil
}

// MemberColumns returns every combination of n evenly spaced values
// (Spaced) of each range parameter, as columns in RangeNames order (the
// layout of Sampler.Inputs' columns after t), the last range parameter
// varying fastest. n must be at least 1.
func (p *Problem) MemberColumns(n int) [][]float64 {
	names := p.RangeNames()
	total := 1
	for range names {
		total *= n
	}
	cols := make([][]float64, len(names))
	stride := total
	for j, k := range names {
		values := Spaced(p.Ranges[k].Lo, p.Ranges[k].Hi, n)
		stride /= n
		cols[j] = make([]float64, total)
		for i := range total {
			cols[j][i] = values[(i/stride)%n]
		}
	}
	return cols
}

// Spaced returns n evenly spaced values from lo to hi, both ends
// included (the midpoint when n is 1).
func Spaced(lo, hi float64, n int) []float64 {
	if n == 1 {
		return []float64{(lo + hi) / 2}
	}
	v := make([]float64, n)
	for i := range v {
		f := float64(i) / float64(n-1)
		v[i] = lo*(1-f) + hi*f
	}
	return v
}

// checkRanges checks the range parameters, after the parameters have
// claimed their names.
func (d *Definition) checkRanges(claim func(name, what string) error) error {
	if len(d.Ranges) > MaxRanges {
		return fmt.Errorf("%d range parameters: at most %d", len(d.Ranges), MaxRanges)
	}
	for _, k := range sortedKeys(d.Ranges) {
		r := d.Ranges[k]
		if _, ok := d.Params[k]; ok {
			if slices.Contains(d.Unknown, k) {
				return fmt.Errorf("parameter %s cannot be both unknown and a range: a family is trained for known values", k)
			}
			return fmt.Errorf("parameter %s has both a value and a range: give one", k)
		}
		if err := claim(k, "range parameter"); err != nil {
			return err
		}
		if !finite(r.Lo) || !finite(r.Hi) || r.Lo >= r.Hi {
			return fmt.Errorf("range parameter %s: [%g, %g] is not an interval", k, r.Lo, r.Hi)
		}
	}
	return nil
}
