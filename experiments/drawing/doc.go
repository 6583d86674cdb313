// Package drawing draws a PINN's training graph (graph.TrainingGraph) as SVG
// or PNG, or writes it in Graphviz's DOT language, with the nodes grouped
// and coloured by the stage that added them: the network, the first pass
// (dy/dt), the residual and loss, and the second pass (the gradient with
// respect to the weights). A drawing of more than Options.MaxNodes nodes
// draws one box per stage and layer instead, and says so.
//
// The layout and both image formats are pure Go, drawn with gonum/plot's
// vg canvases, so the pinn binary needs nothing else to draw: layout.go
// lays the graph out in rows, as Graphviz's dot would, one band of rows per
// stage.
package drawing
