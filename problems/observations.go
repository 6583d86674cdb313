package problems

import (
	"bufio"
	"encoding/csv"
	"errors"
	"fmt"
	"io"
	"slices"
	"strconv"
	"strings"
)

// Observations are measured values of the state variables, the data of an
// inverse problem.
type Observations struct {
	// T holds the observation times.
	T []float64
	// Y[i][k] is variable i at T[k].
	Y [][]float64
	// Ranges[a][k] is range parameter a at T[k], for a family: which
	// member observation k comes from.
	Ranges map[string][]float64
}

// ReadObservations reads a CSV table with a header row naming the
// independent variable, every state variable and, for a family, every range
// parameter (in any order, each once; other columns are refused) and one row
// per observation, at a time in the domain. A range parameter's values must
// lie in its range. A UTF-8 byte-order mark (which spreadsheets write) is
// skipped. Values so large that the misfit to them, a sum of squares in the
// loss, would not be finite are refused.
func (p *Problem) ReadObservations(r io.Reader) (*Observations, error) {
	obs, err := p.readObservations(r)
	if err != nil {
		return nil, fmt.Errorf("problems: observations: %w", err)
	}
	return obs, nil
}

func (p *Problem) readObservations(r io.Reader) (*Observations, error) {
	br := bufio.NewReader(r)
	if bom, err := br.Peek(3); err == nil && string(bom) == "\uFEFF" {
		br.Discard(3)
	}
	cr := csv.NewReader(br)
	cr.TrimLeadingSpace = true
	header, err := cr.Read()
	if err == io.EOF {
		return nil, errors.New("the file is empty: want a header row naming " + strings.Join(append([]string{p.Indep}, p.Vars...), ", "))
	}
	if err != nil {
		return nil, err
	}
	// The columns of t, of each variable and of each range parameter.
	names := append(append([]string{p.Indep}, p.Vars...), p.RangeNames()...)
	cols := make([]int, len(names))
	for i, name := range names {
		cols[i] = slices.Index(header, name)
		switch {
		case cols[i] < 0 && i > len(p.Vars):
			return nil, fmt.Errorf("the header %q has no column %q: a family's observations say which member each comes from", strings.Join(header, ","), name)
		case cols[i] < 0:
			return nil, fmt.Errorf("the header %q has no column %q", strings.Join(header, ","), name)
		}
	}
	for i, h := range header {
		if !slices.Contains(names, h) {
			if p.IsFamily() {
				return nil, fmt.Errorf("the header has a column %q that is neither %s, a variable nor a range parameter", h, p.Indep)
			}
			return nil, fmt.Errorf("the header has a column %q that is neither %s nor a variable", h, p.Indep)
		}
		if slices.Contains(header[:i], h) {
			return nil, fmt.Errorf("the header names the column %q twice", h)
		}
	}
	obs := &Observations{Y: make([][]float64, len(p.Vars))}
	squares := make([]float64, len(p.Vars)) // the sum of each variable's squares
	for {
		rec, err := cr.Read()
		if err == io.EOF {
			break
		}
		if err != nil {
			return nil, err
		}
		line, _ := cr.FieldPos(0)
		vals := make([]float64, len(cols))
		for i, c := range cols {
			v, err := strconv.ParseFloat(strings.TrimSpace(rec[c]), 64)
			if err != nil || !finite(v) {
				return nil, fmt.Errorf("line %d, column %s: %q is not a finite number", line, header[c], rec[c])
			}
			vals[i] = v
			if i > 0 && i <= len(p.Vars) {
				if squares[i-1] += v * v; !finite(squares[i-1]) {
					return nil, fmt.Errorf("line %d, column %s: %s is too large: the sum of the squares of the observations, in the loss, is not finite", line, header[c], rec[c])
				}
			}
		}
		if t := vals[0]; t < p.T0 || t > p.T1 {
			return nil, fmt.Errorf("line %d: %s = %g is outside the domain [%g, %g]", line, p.Indep, t, p.T0, p.T1)
		}
		obs.T = append(obs.T, vals[0])
		for i := range p.Vars {
			obs.Y[i] = append(obs.Y[i], vals[1+i])
		}
		for j, k := range p.RangeNames() {
			v, r := vals[1+len(p.Vars)+j], p.Ranges[k]
			if v < r.Lo || v > r.Hi {
				return nil, fmt.Errorf("line %d, column %s: %g is outside the range [%g, %g]", line, k, v, r.Lo, r.Hi)
			}
			if obs.Ranges == nil {
				obs.Ranges = map[string][]float64{}
			}
			obs.Ranges[k] = append(obs.Ranges[k], v)
		}
	}
	if len(obs.T) == 0 {
		return nil, errors.New("the file has a header but no observations")
	}
	return obs, nil
}
