package experiments

import (
	"fmt"
	"slices"
	"strings"
)

// findingSpec is how a built-in experiment's finding is shown and
// explained: the [finding] table.
type findingSpec struct {
	quote, claim string
	columns      []string
	table        bool
	explain      func(f *Finding) (verdict, explanation string)
}

// comparisonSpec is a built-in comparison's [comparison] table: the steps of
// the step study.
type comparisonSpec struct {
	steps []float64
}

// finding reads a built-in study's [finding] table.
func (f *studyFile) finding(doc map[string]any, s *Study) (*findingSpec, error) {
	path := []string{"finding"}
	t, err := f.table(doc, path, "finding key", "quote", "claim", "columns", "table", "explain")
	if t == nil || err != nil {
		return nil, err
	}
	at := func(k string) []string { return append(slices.Clip(path), k) }
	spec := &findingSpec{}
	if spec.quote, err = f.text(t, "quote", ""); err != nil {
		return nil, err
	}
	if spec.claim, err = f.text(t, "claim", ""); err != nil {
		return nil, err
	}
	if v, ok := t["table"]; ok {
		if spec.table, ok = v.(bool); !ok {
			return nil, f.errorf(at("table"), "table must be true or false")
		}
	}
	if v, ok := t["columns"]; ok {
		if spec.columns, err = f.texts(at("columns"), v, false); err != nil {
			return nil, err
		}
		keys := s.Measure.keys()
		for i, k := range spec.columns {
			if !slices.Contains(keys, k) {
				return nil, f.errorf(append(at("columns"), fmt.Sprintf("[%d]", i)), "column %q is not measured (the runs measure %s)", k, strings.Join(keys, ", "))
			}
		}
	}
	if v, ok := t["explain"]; ok {
		name, _ := v.(string)
		if spec.explain = explainers[name]; spec.explain == nil {
			return nil, f.errorf(at("explain"), "no explanation called %s", describe(v))
		}
	}
	return spec, nil
}

// comparison reads a built-in study's [comparison] table.
func (f *studyFile) comparison(doc map[string]any, s *Study) (*comparisonSpec, error) {
	path := []string{"comparison"}
	t, err := f.table(doc, path, "comparison key", "steps")
	if t == nil || err != nil {
		return nil, err
	}
	if len(s.Seeds) != 1 {
		return nil, f.errorf([]string{"seeds"}, "a comparison trains every mode from one seed")
	}
	steps, err := f.numbers(append(path, "steps"), t["steps"])
	if err != nil {
		return nil, err
	}
	if len(steps) == 0 || slices.ContainsFunc(steps, func(h float64) bool { return !(h > 0) }) {
		return nil, f.errorf(append(path, "steps"), "steps must be a list of positive steps")
	}
	return &comparisonSpec{steps: steps}, nil
}
