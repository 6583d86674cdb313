package experiments

import "pinn/graph"

// threadSeeds is how many seeds each finding runs over by default. The
// thread's own loops set the epochs: 1000 at lr 0.01 in the first post and
// the finite-difference answer, 100 at lr 0.1 in the final code.
const threadSeeds = 10

// firstPost returns the network of the thread's first post: 1-16-16-1 with
// relu on every layer, the output included.
func firstPost() graph.Config {
	return graph.Config{Architecture: graph.Architecture{Hidden: []int{16, 16}, Activation: graph.ReLU, OutputActivation: graph.ReLU}}
}

func with(c graph.Config, change func(*graph.Config)) graph.Config {
	c.Hidden = append([]int(nil), c.Hidden...)
	change(&c)
	return c
}

// Experiments returns the table of named experiments: the forum thread's
// findings (see Thread), each with the thread's own settings, and variants
// that explain them. Every call builds it afresh, so a caller may change
// what it gets.
func Experiments() []Experiment {
	return []Experiment{
		{
			Name:  "original-bug",
			Title: "the first post's code: the derivative taken with respect to the prediction",
			Quote: "The following code runs but the loss remains at 2.0 and I get a output of zero.",
			Claim: "loss stays at 2.0, output zero",
			// derivative = gradient(prediction -> sum(prediction), prediction)
			Problem: "decay",
			Config:  with(firstPost(), func(c *graph.Config) { c.Derivative = graph.WRTPrediction }),
			Epochs:  1000, LearningRate: 0.01, Seeds: threadSeeds,
			Columns: []string{keyInitialLoss, keyFinalLoss, keyMaxAbsOutput, keyYAtT0},
			Explain: explainOriginalBug,
		},
		{
			Name:    "original-bug-rectify",
			Title:   "the first post's code with Gorgonia's Rectify (derivative 1 at 0) in place of relu",
			Claim:   "(not in the thread: relu's derivative at 0 set to 1)",
			Problem: "decay",
			Config: with(firstPost(), func(c *graph.Config) {
				c.Activation, c.OutputActivation, c.Derivative = graph.Rectify, graph.Rectify, graph.WRTPrediction
			}),
			Epochs: 1000, LearningRate: 0.01, Seeds: threadSeeds,
			Columns: []string{keyInitialLoss, keyFinalLoss, keyMaxAbsOutput, keyYAtT0},
			Explain: explainRectify,
		},
		{
			Name:    "relu-zero-gradients",
			Title:   "the first post's relu network with the correct symbolic derivative",
			Quote:   "relu reliably produces zero gradients.",
			Claim:   "relu reliably gives zero gradients",
			Problem: "decay",
			Config:  with(firstPost(), func(c *graph.Config) { c.Derivative = graph.Symbolic }),
			Epochs:  1000, LearningRate: 0.01, Seeds: threadSeeds,
			Activity: true,
			Columns:  []string{keyZeroGradInit, keyZeroGradFinal, keyDeadInit, keyDeadFinal, keyFinalLoss, keyRelL2, keyMaxAbsOutput},
			Explain:  explainReluZeroGradients,
		},
		{
			Name:    "relu-zero-gradients-linear-output",
			Title:   "the same relu network without the relu on its output",
			Claim:   "(not in the thread: separates the output relu's effect)",
			Problem: "decay",
			Config: with(firstPost(), func(c *graph.Config) {
				c.OutputActivation, c.Derivative = graph.Identity, graph.Symbolic
			}),
			Epochs: 1000, LearningRate: 0.01, Seeds: threadSeeds,
			Activity: true,
			Columns:  []string{keyZeroGradInit, keyZeroGradFinal, keyDeadInit, keyDeadFinal, keyFinalLoss, keyRelL2, keyMaxAbsErr},
			Explain:  explainReluLinearOutput,
		},
		{
			Name:  "finite-difference-fix",
			Title: "the answer's finite-difference loss on a 1-8-1 tanh network (tanh output)",
			Quote: "This trains well for me with 1=>8=>1 layers and tanh activations.",
			Claim: "finite differences on 1=>8=>1 tanh train well",
			// sum((diff(y) ./ diff(t) .+ y[2:end]).^2) + (y(0) - 1)^2
			Problem: "decay",
			Config: graph.Config{Architecture: graph.Architecture{Hidden: []int{8}, Activation: graph.Tanh, OutputActivation: graph.Tanh},
				Derivative: graph.FDForward, SumResidual: true},
			Epochs: 1000, LearningRate: 0.01, Seeds: threadSeeds,
			Scheme:  BackwardEuler,
			Columns: []string{keyFinalLoss, keyRelL2, keySchemeRelL2, keyMaxAbsErr},
			Explain: explainFiniteDifference,
		},
		{
			Name:    "finite-difference-fix-linear-output",
			Title:   "the finite-difference loss on a 1-8-1 tanh network with a linear output",
			Claim:   "(not in the thread: the other reading of 1=>8=>1 tanh)",
			Problem: "decay",
			Config: graph.Config{Architecture: graph.Architecture{Hidden: []int{8}, Activation: graph.Tanh, OutputActivation: graph.Identity},
				Derivative: graph.FDForward, SumResidual: true},
			Epochs: 1000, LearningRate: 0.01, Seeds: threadSeeds,
			Scheme:  BackwardEuler,
			Columns: []string{keyFinalLoss, keyRelL2, keySchemeRelL2, keyMaxAbsErr},
			Explain: explainFiniteDifference,
		},
		{
			Name:  "final-code",
			Title: "the learner's final code: 1-8-8-1 tanh, symbolic derivative, Adam 0.1",
			Quote: "The following code gives fantastic results in 10 epochs!",
			Claim: "fantastic results in 10 epochs",
			// mse(-2 .* predict(x), grads) + mean(abs2.(predict(initial) .- actual.(initial)))
			Problem: "forum-final",
			Config:  with(threadFinal(), func(c *graph.Config) { c.Derivative = graph.Symbolic }),
			Epochs:  100, LearningRate: 0.1, Seeds: threadSeeds,
			Checkpoints: []int{10},
			Columns:     []string{checkpointLoss(10), checkpointRelL2(10), keyFinalLoss, keyRelL2, keyMaxAbsErr},
			Table:       true,
			Explain:     explainFinalCode,
		},
	}
}

// Thread returns, in the thread's order, the names of the experiments pinn
// reproduce runs: the four findings and the variants that explain them. The
// slice is the caller's.
func Thread() []string {
	return []string{
		"original-bug", "original-bug-rectify",
		"relu-zero-gradients", "relu-zero-gradients-linear-output",
		"finite-difference-fix", "finite-difference-fix-linear-output",
		"final-code",
	}
}
