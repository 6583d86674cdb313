package graph

import (
	"encoding/json"
	"fmt"
	"io"
	"maps"

	"pinn/problems"
)

// ModelFormat names the layout of a saved model.
const ModelFormat = "pinn-model/1"

// Model is a trained network with all it takes to evaluate it again: the
// problem (equation, domain, initial conditions), how the initial conditions
// were met (the hard trial solution wraps the network), the network with its
// input scaling, and learned parameter values. It is what pinn --save writes
// and pinn eval reads.
type Model struct {
	Format  string              `json:"format"`
	Problem problems.Definition `json:"problem"`
	IC      ICMode              `json:"ic"`
	Network *Network            `json:"network"`
	Unknown map[string]float64  `json:"unknown,omitempty"`
}

// NewModel returns the model of a training result.
func NewModel(res *Result) *Model {
	return &Model{Format: ModelFormat, Problem: res.Problem.Definition, IC: res.Config.IC,
		Network: res.Network.Clone(), Unknown: maps.Clone(res.Unknown)}
}

// ReadModel reads and checks a saved model; a truncated or inconsistent file
// is an error saying what is wrong.
func ReadModel(r io.Reader) (*Model, *problems.Problem, error) {
	dec := json.NewDecoder(r)
	dec.DisallowUnknownFields()
	var m Model
	if err := dec.Decode(&m); err != nil {
		if err == io.EOF || err == io.ErrUnexpectedEOF {
			return nil, nil, fmt.Errorf("model: the file is empty or truncated")
		}
		return nil, nil, fmt.Errorf("model: not a saved model: %w", err)
	}
	if dec.More() {
		return nil, nil, fmt.Errorf("model: unexpected data after the model")
	}
	if m.Format != ModelFormat {
		return nil, nil, fmt.Errorf("model: format %q, want %q", m.Format, ModelFormat)
	}
	p, err := problems.New(m.Problem)
	if err != nil {
		return nil, nil, fmt.Errorf("model: %w", err)
	}
	if _, err := ParseICMode(string(m.IC)); err != nil {
		return nil, nil, fmt.Errorf("model: %w", err)
	}
	if m.Network == nil {
		return nil, nil, fmt.Errorf("model: no network")
	}
	if err := m.Network.Validate(); err != nil {
		return nil, nil, fmt.Errorf("model: %w", err)
	}
	if m.Network.Outputs() != len(p.Vars) {
		return nil, nil, fmt.Errorf("model: network has %d outputs for %d variables", m.Network.Outputs(), len(p.Vars))
	}
	return &m, p, nil
}

// WriteTo writes the model as indented JSON.
func (m *Model) WriteTo(w io.Writer) (int64, error) {
	b, err := json.MarshalIndent(m, "", "  ")
	if err != nil {
		return 0, err
	}
	n, err := w.Write(append(b, '\n'))
	return int64(n), err
}
