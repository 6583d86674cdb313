// Package compiled runs a differentiated Gorgonia loss graph faster than
// Gorgonia's TapeMachine, giving the same numbers up to rounding.
//
// Compile walks the nodes the loss and the requested outputs (the loss's
// gradient) need and turns each into a kernel writing into a buffer
// allocated once; Machine.Run then runs the program. The kernels' arithmetic
// is in package f64; this package decides what runs where:
//
//   - Ops that act row by row on the collocation points (everything from t
//     to the residual and back, except the sums over the points) run on
//     tiles of 128 rows, and the tiles run on Machine.Workers goroutines.
//     Within a tile they run strip by strip (a few rows, about 512 numbers
//     for the widest node): a value read only by such ops lives in a
//     strip-sized buffer and is read from the core's first-level cache soon
//     after it is written. The weight gradients Aᵀ B, products summed over
//     the rows, run after the strips on the whole tile, from tile-sized
//     buffers of their arguments.
//   - Sums over the points (the mean of the residual, the weight gradients
//     Aᵀ B) are added per tile into at most 16 chunk sums, chosen by the
//     number of points alone, then added in order: the results are the same
//     bits for any number of workers.
//   - The program runs in stages, alternately whole nodes and tiles. A tiled
//     node read by rows is computed in the same tile as its reader; one read
//     whole (by a node that is not row-aligned with it) is completed in an
//     earlier stage and kept in full.
//   - Nodes whose arguments are all constants are computed once, by Compile.
//   - Before scheduling, Compile folds a few chains of pointwise nodes into
//     one pass each, bit for bit (fold.go): a bias repeated down the rows
//     and added, 1 - y² (tanh's derivative), and products negated or
//     doubled; a copy run whole (a Reshape) shares its argument's buffer.
//   - After the first run, a run allocates nothing. With more than one
//     chunk of tiles and more than one worker, the chunks run on the
//     goroutine that called Run and on helper goroutines the machine starts
//     on the first run that needs them (and when Workers grows) and keeps.
//
// A machine needs no Close: its helpers hold it only while a stage runs,
// and a cleanup (runtime.AddCleanup) ends them once the machine is
// unreachable. Whoever keeps a machine keeps its helpers, idle, until then.
//
// ops.go recognises Gorgonia's ops by their type names and String() forms,
// since Gorgonia exports neither; ops_test.go holds a canary test for each.
// An op without a kernel of its own runs through its own Do (the generic
// kernel) and is listed by Machine.Fallbacks.
//
// Errors: the generic kernel is the only one that can fail, and it reports
// its error in a field of the Machine. That field is race-free because
// generic kernels only ever run whole, in the goroutine that called Run,
// never on tiles: Compile refuses a program that would break this rule.
package compiled
