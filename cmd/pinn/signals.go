package main

import (
	"context"
	"fmt"
	"io"
	"os"
	"os/signal"
	"sync"
	"syscall"

	"pinn/experiments/report"

	"github.com/urfave/cli/v2"
)

// interrupted is the cause of a command's context being cancelled by a
// signal.
type interrupted struct{ sig os.Signal }

func (e interrupted) Error() string { return signalName(e.sig) }

// status is the exit status of a run a signal stopped: 128 plus the signal's
// number, as a shell reports a process the signal killed (130 for SIGINT,
// 143 for SIGTERM), so that a scheduler sees the run was stopped.
func (e interrupted) status() int {
	if s, ok := e.sig.(syscall.Signal); ok {
		return 128 + int(s)
	}
	return exitFailure
}

// signalName is the name a user knows the signal by.
func signalName(s os.Signal) string {
	switch s {
	case os.Interrupt:
		return "SIGINT"
	case syscall.SIGTERM:
		return "SIGTERM"
	}
	return s.String()
}

// interrupts turns SIGINT and SIGTERM into a way out that loses nothing.
// Once a command has said it finishes on a signal (finishOnSignal), the
// first signal cancels its context with an interrupted cause: training
// stops at the end of its epoch and the command writes what was asked for.
// Before that, and on any later signal, the process exits at once, with the
// status of the signal, after removing the temporary files of the writes in
// progress (report.AbandonWrites): the files already written stay whole,
// and no file is left half-written.
type interrupts struct {
	stderr  io.Writer
	cancel  context.CancelCauseFunc
	signals chan os.Signal

	mu        sync.Mutex
	finishing bool // a command finishes on the first signal
	got       bool // a signal came
}

type interruptsKey struct{}

// notifyInterrupts catches SIGINT and SIGTERM for the rest of the process's
// life and returns the context a signal cancels, for runContext.
func notifyInterrupts(stderr io.Writer) context.Context {
	ctx, cancel := context.WithCancelCause(context.Background())
	in := &interrupts{stderr: stderr, cancel: cancel, signals: make(chan os.Signal, 2)}
	signal.Notify(in.signals, os.Interrupt, syscall.SIGTERM)
	go in.watch()
	return context.WithValue(ctx, interruptsKey{}, in)
}

func (in *interrupts) watch() {
	for s := range in.signals {
		name := signalName(s)
		in.mu.Lock()
		finish := in.finishing && !in.got
		in.got = true
		in.mu.Unlock()
		if finish {
			fmt.Fprintf(in.stderr, "pinn: %s: stopping at the end of this epoch or iteration and writing the results (%s again stops at once)\n", name, name)
			in.cancel(interrupted{s})
			continue
		}
		report.AbandonWrites()
		fmt.Fprintf(in.stderr, "pinn: %s: stopped at once\n", name)
		os.Exit(interrupted{s}.status())
	}
}

// finishOnSignal says that c's command, from now on, stops cleanly when its
// context is cancelled and finishes writing its results: the first SIGINT
// or SIGTERM then cancels the context instead of ending the process. It
// does nothing where no signals are caught (tests that call run).
func finishOnSignal(c *cli.Context) {
	if in, ok := c.Context.Value(interruptsKey{}).(*interrupts); ok {
		in.mu.Lock()
		in.finishing = true
		in.mu.Unlock()
	}
}
