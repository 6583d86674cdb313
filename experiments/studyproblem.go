package experiments

import (
	"fmt"
	"math"
	"slices"
	"strings"

	"pinn/problems"
)

// text reads an optional text key.
func (f *studyFile) text(doc map[string]any, key, def string) (string, error) {
	v, ok := doc[key]
	if !ok {
		return def, nil
	}
	s, ok := v.(string)
	if !ok || strings.TrimSpace(s) == "" || strings.ContainsAny(s, "\n\r") {
		return "", f.errorf([]string{key}, "%s must be one line of text, got %s", key, describe(v))
	}
	return s, nil
}

// problem reads the problem: a built-in's name or a [problem] table.
func (f *studyFile) problem(doc map[string]any, name string) (*problems.Problem, error) {
	path := []string{"problem"}
	switch v := doc["problem"].(type) {
	case nil:
		return nil, &StudyError{File: f.name, Key: "problem", Msg: fmt.Sprintf("no problem: give problem = NAME (one of %s) or a [problem] table", strings.Join(problems.Names(), ", "))}
	case string:
		if !slices.Contains(problems.Names(), v) {
			return nil, f.errorf(path, "unknown problem %q (want one of %s)%s", v, strings.Join(problems.Names(), ", "), suggest(v, problems.Names()))
		}
		return problems.Builtin(v)
	case map[string]any:
		return f.problemTable(path, v, name)
	default:
		return nil, f.errorf(path, "problem must be a built-in problem's name or a table, got %s", describe(v))
	}
}

// problemTable reads a [problem] table: pinn solve's equation flags.
func (f *studyFile) problemTable(path []string, t map[string]any, name string) (*problems.Problem, error) {
	if err := f.known(path, t, "problem key", "rhs", "vars", "order", "t0", "t1", "y0", "dy0", "param", "exact"); err != nil {
		return nil, err
	}
	at := func(k string) []string { return append(slices.Clip(path), k) }
	d := problems.Definition{Name: name, Summary: "the problem of study " + name, Order: 1, T1: 1,
		Vars: []string{"y"}, Points: defaultProblemPoints, ScaleInput: true}
	var err error
	if d.RHS, err = f.texts(at("rhs"), t["rhs"], false); err != nil {
		return nil, err
	}
	if len(d.RHS) == 0 {
		return nil, f.errorf(path, "the problem needs rhs: one right-hand side per variable")
	}
	if v, ok := t["vars"]; ok {
		if d.Vars, err = f.texts(at("vars"), v, true); err != nil {
			return nil, err
		}
	}
	if v, ok := t["order"]; ok {
		n, ok := v.(int64)
		if !ok || (n != 1 && n != 2) {
			return nil, f.errorf(at("order"), "order must be 1 or 2, got %s", describe(v))
		}
		d.Order = int(n)
	}
	for _, k := range []struct {
		key string
		dst *float64
	}{{"t0", &d.T0}, {"t1", &d.T1}} {
		if v, ok := t[k.key]; ok {
			if *k.dst, err = f.number(at(k.key), v); err != nil {
				return nil, err
			}
		}
	}
	if d.Y0, err = f.numbers(at("y0"), t["y0"]); err != nil {
		return nil, err
	}
	if len(d.Y0) == 0 {
		return nil, f.errorf(path, "the problem needs y0: one initial value per variable")
	}
	if v, ok := t["dy0"]; ok {
		if d.DY0, err = f.numbers(at("dy0"), v); err != nil {
			return nil, err
		}
	}
	if d.Exact, err = f.texts(at("exact"), t["exact"], false); err != nil {
		return nil, err
	}
	if v, ok := t["param"]; ok {
		ps, ok := v.(map[string]any)
		if !ok {
			return nil, f.errorf(at("param"), "param must be a table of NAME = VALUE, like param = { a = 1.5, b = 1 }, got %s", describe(v))
		}
		d.Params = map[string]float64{}
		for _, k := range f.keys(at("param"), ps) {
			if d.Params[k], err = f.number(append(at("param"), k), ps[k]); err != nil {
				return nil, err
			}
		}
	}
	p, err := problems.New(d)
	if err != nil {
		// Point at the expression that is wrong when the error names one.
		key := path
		msg := err.Error()
		for _, k := range []struct{ says, key string }{
			{"right-hand side", "rhs"}, {"exact solution", "exact"}, {"initial value", "y0"},
			{"initial slope", "dy0"}, {"domain", "t1"}, {"variable", "vars"}, {"parameter", "param"}, {"order", "order"},
		} {
			if _, given := t[k.key]; given && strings.Contains(msg, k.says) {
				key = at(k.key)
				break
			}
		}
		return nil, f.errorf(key, "%v", err)
	}
	return p, nil
}

// texts reads text or a list of text; split splits text at commas, as pinn
// solve's --vars does.
func (f *studyFile) texts(path []string, v any, split bool) ([]string, error) {
	key := keyOf(path)
	switch x := v.(type) {
	case nil:
		return nil, nil
	case string:
		if !split {
			return []string{x}, nil
		}
		var out []string
		for _, s := range strings.Split(x, ",") {
			out = append(out, strings.TrimSpace(s))
		}
		return out, nil
	case []any:
		out := make([]string, len(x))
		for i, e := range x {
			s, ok := e.(string)
			if !ok {
				return nil, f.errorf(append(slices.Clip(path), fmt.Sprintf("[%d]", i)), "%s must be a list of text, got %s", key, describe(e))
			}
			out[i] = s
		}
		return out, nil
	}
	return nil, f.errorf(path, "%s must be text or a list of text, got %s", key, describe(v))
}

// number reads a finite number.
func (f *studyFile) number(path []string, v any) (float64, error) {
	var x float64
	switch n := v.(type) {
	case int64:
		x = float64(n)
	case float64:
		x = n
	default:
		return 0, f.errorf(path, "%s must be a number, got %s", keyOf(path), describe(v))
	}
	if math.IsNaN(x) || math.IsInf(x, 0) {
		return 0, f.errorf(path, "%s must be a finite number, got %v", keyOf(path), x)
	}
	return x, nil
}

// numbers reads a number or a list of numbers.
func (f *studyFile) numbers(path []string, v any) ([]float64, error) {
	switch x := v.(type) {
	case nil:
		return nil, nil
	case []any:
		out := make([]float64, len(x))
		for i, e := range x {
			var err error
			if out[i], err = f.number(append(slices.Clip(path), fmt.Sprintf("[%d]", i)), e); err != nil {
				return nil, err
			}
		}
		return out, nil
	}
	x, err := f.number(path, v)
	return []float64{x}, err
}

// seeds reads seeds: a count N (seeds 1 to N) or a list; default seed 1.
func (f *studyFile) seeds(doc map[string]any) ([]uint64, error) {
	path := []string{"seeds"}
	switch v := doc["seeds"].(type) {
	case nil:
		return []uint64{1}, nil
	case int64:
		if v < 1 || v > maxSeeds {
			return nil, f.errorf(path, "seeds must be a count from 1 to %d or a list of seeds, got %d", maxSeeds, v)
		}
		return SeedRange(int(v)), nil
	case []any:
		if len(v) == 0 || len(v) > maxSeeds {
			return nil, f.errorf(path, "seeds must list from 1 to %d seeds, got %d", maxSeeds, len(v))
		}
		seeds := make([]uint64, len(v))
		for i, e := range v {
			n, ok := e.(int64)
			at := append(slices.Clip(path), fmt.Sprintf("[%d]", i))
			if !ok || n < 0 {
				return nil, f.errorf(at, "a seed must be an integer from 0 up, got %s", describe(e))
			}
			if slices.Contains(seeds[:i], uint64(n)) {
				return nil, f.errorf(at, "seed %d is listed twice", n)
			}
			seeds[i] = uint64(n)
		}
		return seeds, nil
	default:
		return nil, f.errorf(path, "seeds must be a count or a list of seeds, got %s", describe(v))
	}
}
