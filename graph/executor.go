package graph

import "pinn/graph/internal/f64"

// Kernels names the matrix and pointwise kernels the Compiled executor uses
// in this build on this CPU.
func Kernels() string { return f64.Kernels() }
