// Command pinn solves ordinary differential equations with physics-informed
// neural networks built as Gorgonia graphs.
package main

import "os"

func main() { os.Exit(runContext(notifyInterrupts(os.Stderr), os.Args, os.Stdout, os.Stderr)) }
