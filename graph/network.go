package graph

import (
	"errors"
	"fmt"
	"math"
	"math/rand/v2"
	"slices"

	"pinn/problems"
)

// Network is a multilayer perceptron: its architecture and weights, kept as
// plain numbers so that they outlive any one graph (a graph is rebuilt when
// the collocation points change) and can be saved.
type Network struct {
	// Widths lists the layer widths from input to output: the inputs (1,
	// t; for a family, t and then each range parameter, see
	// NewFamilyNetwork), the hidden widths, then one output per state
	// variable.
	Widths []int `json:"widths"`
	// Activation follows every hidden layer.
	Activation Activation `json:"activation"`
	// OutputActivation follows the output layer.
	OutputActivation Activation `json:"output_activation"`
	// Weights holds layer l's Widths[l] x Widths[l+1] matrix, row-major.
	Weights [][]float64 `json:"weights"`
	// Biases holds layer l's Widths[l+1] biases.
	Biases [][]float64 `json:"biases"`
	// InputScale and InputShift map t to the first layer's input
	// s = InputScale*t + InputShift (1 and 0 unless the input is scaled).
	InputScale float64 `json:"input_scale"`
	InputShift float64 `json:"input_shift"`
	// ParamScale and ParamShift map each input after t, a family's range
	// parameters in problems.Problem.RangeNames order, onto the first
	// layer's input ParamScale[j]*k_j + ParamShift[j]; empty for a network
	// of t alone.
	ParamScale []float64 `json:"param_scale,omitempty"`
	ParamShift []float64 `json:"param_shift,omitempty"`
}

// Architecture is the shape of a network: its hidden layers and
// activations; the zero value of each field means its default. Config holds
// the one Fit builds its network from; after that the network's own (see
// Network.Architecture) is the only one read.
type Architecture struct {
	// Hidden lists the hidden layer widths; nil means DefaultHidden().
	Hidden []int
	// Activation follows each hidden layer; "" means DefaultActivation.
	Activation Activation
	// OutputActivation follows the output layer; "" means
	// DefaultOutputActivation.
	OutputActivation Activation
}

// DefaultHidden returns the hidden layer widths of an Architecture whose
// Hidden is nil: 16, 16.
func DefaultHidden() []int { return []int{16, 16} }

// withDefaults returns a with every zero field replaced by its default.
func (a Architecture) withDefaults() Architecture {
	if a.Hidden == nil {
		a.Hidden = DefaultHidden()
	}
	if a.Activation == "" {
		a.Activation = DefaultActivation
	}
	if a.OutputActivation == "" {
		a.OutputActivation = DefaultOutputActivation
	}
	return a
}

// NewNetwork returns a network of the given architecture with one input and
// the given number of outputs, weights drawn Glorot-uniform from rng and zero
// biases (Flux's Dense defaults):
//
//	W_ij ~ U(-a, a),  a = sqrt(6 / (fan_in + fan_out))
func NewNetwork(arch Architecture, outputs int, rng *rand.Rand) (*Network, error) {
	return newNetwork(arch, 1, outputs, rng)
}

// NewFamilyNetwork returns a network for the family p (problems.Problem's
// Ranges) drawn as NewNetwork draws one: its inputs are t and each range
// parameter, in RangeNames order, each parameter's range mapped onto
// [-1, 1]; one output per state variable. t is not scaled (see
// ScaleInput). For a problem without range parameters it is NewNetwork.
func NewFamilyNetwork(p *problems.Problem, arch Architecture, rng *rand.Rand) (*Network, error) {
	names := p.RangeNames()
	n, err := newNetwork(arch, 1+len(names), len(p.Vars), rng)
	if err != nil {
		return nil, err
	}
	for _, k := range names {
		r := p.Ranges[k]
		n.ParamScale = append(n.ParamScale, 2/(r.Hi-r.Lo))
		n.ParamShift = append(n.ParamShift, -(r.Hi+r.Lo)/(r.Hi-r.Lo))
	}
	return n, nil
}

// newNetwork returns a network of the given architecture with the given
// numbers of inputs and outputs; see NewNetwork.
func newNetwork(arch Architecture, inputs, outputs int, rng *rand.Rand) (*Network, error) {
	arch = arch.withDefaults()
	if outputs < 1 {
		return nil, errors.New("graph: a network needs at least one output")
	}
	if inputs > 1 && len(arch.Hidden) == 0 {
		return nil, errors.New("graph: a network of several inputs needs a hidden layer")
	}
	widths := append(append([]int{inputs}, arch.Hidden...), outputs)
	for _, w := range arch.Hidden {
		if w < 1 {
			return nil, fmt.Errorf("graph: hidden width %d is not positive", w)
		}
	}
	for _, a := range []Activation{arch.Activation, arch.OutputActivation} {
		if _, err := problems.ParseChoice("activation", string(a), Activations()); err != nil {
			return nil, fmt.Errorf("graph: %w", err)
		}
	}
	n := &Network{Widths: widths, Activation: arch.Activation, OutputActivation: arch.OutputActivation, InputScale: 1}
	for l := 0; l+1 < len(widths); l++ {
		in, out := widths[l], widths[l+1]
		a := math.Sqrt(6 / float64(in+out))
		w := make([]float64, in*out)
		for i := range w {
			w[i] = a * (2*rng.Float64() - 1)
		}
		n.Weights = append(n.Weights, w)
		n.Biases = append(n.Biases, make([]float64, out))
	}
	return n, nil
}

// ScaleInput makes the network see [t0, t1] mapped onto [-1, 1].
func (n *Network) ScaleInput(t0, t1 float64) {
	n.InputScale = 2 / (t1 - t0)
	n.InputShift = -(t1 + t0) / (t1 - t0)
}

// NewRand returns the random source every seeded choice of this module uses.
func NewRand(seed uint64) *rand.Rand { return rand.New(newSource(seed)) }

// newSource is NewRand's generator, which Fit keeps so that a checkpoint
// can save where it is (rand.PCG marshals its state; rand.Rand holds
// nothing else).
func newSource(seed uint64) *rand.PCG { return rand.NewPCG(seed, 0x9e3779b97f4a7c15) }

// Architecture returns the network's hidden widths and activations.
func (n *Network) Architecture() Architecture {
	return Architecture{Hidden: slices.Clone(n.Widths[1 : len(n.Widths)-1]), Activation: n.Activation, OutputActivation: n.OutputActivation}
}

// Inputs is the number of inputs: 1 (t), or for a family 1 plus the
// number of range parameters.
func (n *Network) Inputs() int { return n.Widths[0] }

// Layers is the number of dense layers (hidden layers plus the output layer).
func (n *Network) Layers() int { return len(n.Widths) - 1 }

// Outputs is the number of outputs, one per state variable.
func (n *Network) Outputs() int { return n.Widths[len(n.Widths)-1] }

// NumParams is the number of weights and biases.
func (n *Network) NumParams() int {
	c := 0
	for l := range n.Weights {
		c += len(n.Weights[l]) + len(n.Biases[l])
	}
	return c
}

// Clone returns a deep copy.
func (n *Network) Clone() *Network {
	c := *n
	c.Widths = append([]int(nil), n.Widths...)
	c.Weights = cloneRows(n.Weights)
	c.Biases = cloneRows(n.Biases)
	c.ParamScale, c.ParamShift = slices.Clone(n.ParamScale), slices.Clone(n.ParamShift)
	return &c
}

func cloneRows(rows [][]float64) [][]float64 {
	c := make([][]float64, len(rows))
	for i, r := range rows {
		c[i] = append([]float64(nil), r...)
	}
	return c
}

// Validate reports whether the shapes of the weights match the widths; a
// network read from a file must pass it before use.
func (n *Network) Validate() error {
	if len(n.Widths) < 2 || n.Widths[0] < 1 {
		return errors.New("graph: network: widths must start with the number of inputs and name at least one more layer")
	}
	if n.Inputs() > 1 && len(n.Widths) < 3 {
		return errors.New("graph: network: a network of several inputs needs a hidden layer")
	}
	if len(n.Weights) != n.Layers() || len(n.Biases) != n.Layers() {
		return fmt.Errorf("graph: network: %d widths need %d weight matrices and bias vectors, have %d and %d",
			len(n.Widths), n.Layers(), len(n.Weights), len(n.Biases))
	}
	for l := 0; l < n.Layers(); l++ {
		in, out := n.Widths[l], n.Widths[l+1]
		if in < 1 || out < 1 {
			return fmt.Errorf("graph: network: layer %d has width %d", l+1, out)
		}
		if len(n.Weights[l]) != in*out || len(n.Biases[l]) != out {
			return fmt.Errorf("graph: network: layer %d needs %dx%d weights and %d biases, has %d and %d",
				l+1, in, out, out, len(n.Weights[l]), len(n.Biases[l]))
		}
		for _, v := range append(append([]float64(nil), n.Weights[l]...), n.Biases[l]...) {
			if math.IsNaN(v) || math.IsInf(v, 0) {
				return fmt.Errorf("graph: network: layer %d holds a non-finite weight", l+1)
			}
		}
	}
	for _, a := range []Activation{n.Activation, n.OutputActivation} {
		if _, err := problems.ParseChoice("activation", string(a), Activations()); err != nil {
			return fmt.Errorf("graph: network: %w", err)
		}
	}
	if n.InputScale == 0 || math.IsNaN(n.InputScale+n.InputShift) || math.IsInf(n.InputScale+n.InputShift, 0) {
		return fmt.Errorf("graph: network: input scaling %g*t%+g is not usable", n.InputScale, n.InputShift)
	}
	if len(n.ParamScale) != n.Inputs()-1 || len(n.ParamShift) != n.Inputs()-1 {
		return fmt.Errorf("graph: network: %d inputs need %d parameter scalings, have %d and %d shifts", n.Inputs(), n.Inputs()-1, len(n.ParamScale), len(n.ParamShift))
	}
	for j, s := range n.ParamScale {
		if s == 0 || math.IsNaN(s+n.ParamShift[j]) || math.IsInf(s+n.ParamShift[j], 0) {
			return fmt.Errorf("graph: network: input %d's scaling %g*k%+g is not usable", j+2, s, n.ParamShift[j])
		}
	}
	return nil
}
