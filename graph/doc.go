// Package graph builds physics-informed neural networks as Gorgonia graphs.
package graph
