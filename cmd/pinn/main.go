// Command pinn solves ordinary differential equations with physics-informed
// neural networks built as Gorgonia graphs.
package main

import "os"

func main() { os.Exit(run(os.Args, os.Stdout, os.Stderr)) }
