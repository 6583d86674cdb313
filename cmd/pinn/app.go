package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"regexp"
	"runtime/debug"
	"strconv"
	"strings"

	"github.com/urfave/cli/v2"
	"golang.org/x/term"
)

// Exit statuses.
const (
	exitOK      = 0
	exitFailure = 1 // a run failed (diverged, could not write, ...)
	exitUsage   = 2 // bad usage or bad input
)

// usageError marks an error as the user's: bad usage or bad input, exit
// status 2.
type usageError struct{ err error }

func (e usageError) Error() string { return e.err.Error() }
func (e usageError) Unwrap() error { return e.err }

// badInput returns a usage error with a formatted message.
func badInput(format string, args ...any) error {
	return usageError{fmt.Errorf(format, args...)}
}

// run is the whole program: it parses args, runs the command, writes to
// stdout and stderr and returns the exit status. No panic escapes it.
func run(args []string, stdout, stderr io.Writer) int {
	return runContext(context.Background(), args, stdout, stderr)
}

// runContext is run with a context that signals cancel (see
// notifyInterrupts): a run a signal stopped exits with the signal's status.
func runContext(ctx context.Context, args []string, stdout, stderr io.Writer) (status int) {
	defer func() {
		if r := recover(); r != nil {
			fmt.Fprintf(stderr, "pinn: internal error: %v\n", r)
			if os.Getenv("PINN_TRACE") != "" {
				stderr.Write(debug.Stack())
			}
			status = exitFailure
		}
	}()
	app := newApp(stdout, stderr)
	args, err := normalizeArgs(app, args)
	if err == nil {
		err = app.RunContext(ctx, args)
	}
	var stop interrupted
	if errors.As(context.Cause(ctx), &stop) {
		if err == nil {
			fmt.Fprintf(stderr, "pinn: %s came as the command finished: its results are complete\n", stop)
		} else {
			fmt.Fprintf(stderr, "pinn: %s\n", oneLine(err.Error()))
		}
		return stop.status()
	}
	if err == nil {
		return exitOK
	}
	fmt.Fprintf(stderr, "pinn: %s\n", oneLine(err.Error()))
	// urfave/cli's own errors (cli.Exit: a help topic that does not
	// exist) are the user's too; pinn's commands never return them.
	if errors.As(err, new(usageError)) || errors.As(err, new(cli.ExitCoder)) {
		return exitUsage
	}
	return exitFailure
}

// oneLine keeps an error message on one line.
func oneLine(s string) string {
	return strings.Join(strings.Fields(s), " ")
}

func newApp(stdout, stderr io.Writer) *cli.App {
	app := &cli.App{
		Name:  "pinn",
		Usage: "solve ordinary differential equations with physics-informed neural networks",
		Description: "pinn trains a small neural network y(t) so that it satisfies an ODE and its initial\n" +
			"conditions. The network and the equation are Gorgonia graphs; dy/dt comes from symbolic\n" +
			"differentiation (or, to compare, forward tangents and finite differences).",
		Version:        version(),
		Writer:         stdout,
		ErrWriter:      stderr,
		ExitErrHandler: func(*cli.Context, error) {}, // run maps errors to exit statuses
		OnUsageError:   onUsageError,
		Commands:       []*cli.Command{listCommand(), trainCommand(), solveCommand(), evalCommand(), reproduceCommand(), compareCommand(), experimentsCommand(), studyCommand(), benchCommand(), graphCommand()},
		Action: func(c *cli.Context) error {
			if c.NArg() > 0 {
				return badInput("unknown command %q (run pinn help)", c.Args().First())
			}
			return cli.ShowAppHelp(c)
		},
		DisableSliceFlagSeparator: true, // --rhs "pow(y, 2)" must reach the parser whole
	}
	for _, c := range app.Commands {
		setUsageErrors(c)
	}
	return app
}

// setUsageErrors makes flag errors of c and its subcommands usage errors
// with a one-line message instead of the full help text.
func setUsageErrors(c *cli.Command) {
	c.OnUsageError = onUsageError
	for _, s := range c.Subcommands {
		setUsageErrors(s)
	}
}

func onUsageError(c *cli.Context, err error, _ bool) error {
	return usageError{errors.New(doubleDash(err.Error()))}
}

// flagName is a flag's name as the standard flag package's errors write
// it, with one dash.
var flagName = regexp.MustCompile(`(flag|defined:|argument:|for) -([A-Za-z])`)

// doubleDash rewrites the flag names in an error of the flag package with
// two dashes, as pinn's help and messages write them.
func doubleDash(msg string) string {
	return flagName.ReplaceAllString(msg, "$1 --$2")
}

// version says which pinn this is: the module version and the revision of
// the source it was built from, as the Go toolchain recorded them.
func version() string {
	info, ok := debug.ReadBuildInfo()
	if !ok {
		return "unknown (built without module support)"
	}
	return versionText(info)
}

// versionText renders build information as pinn --version prints it.
func versionText(info *debug.BuildInfo) string {
	v := info.Main.Version
	if v == "" {
		v = "(devel)"
	}
	settings := map[string]string{}
	for _, s := range info.Settings {
		settings[s.Key] = s.Value
	}
	if rev := settings["vcs.revision"]; rev != "" {
		v += ", revision " + rev
		if t := settings["vcs.time"]; t != "" {
			v += " of " + t
		}
		if settings["vcs.modified"] == "true" {
			v += " with uncommitted changes"
		}
	}
	return v + ", built with " + info.GoVersion
}

// normalizeArgs moves a command's flags in front of its positional
// arguments: urfave/cli v2 stops reading flags at the first argument, so
// "pinn train decay --epochs 10" would silently ignore --epochs. Boolean flags
// take no value; "--" ends the flags. A flag that takes a value but ends the
// line is an error (moved, it would take "--" for its value).
func normalizeArgs(app *cli.App, args []string) ([]string, error) {
	if len(args) < 2 {
		return args, nil
	}
	out := []string{args[0]}
	rest := args[1:]
	var cmd *cli.Command
	cmds := app.Commands
	for len(rest) > 0 {
		next := findCommand(cmds, rest[0])
		if next == nil {
			break
		}
		cmd, cmds = next, next.Subcommands
		out, rest = append(out, rest[0]), rest[1:]
	}
	if cmd == nil {
		return args, nil
	}
	var flags, positional []string
	for i := 0; i < len(rest); i++ {
		a := rest[i]
		switch {
		case a == "--":
			positional = append(positional, rest[i+1:]...)
			i = len(rest)
		case strings.HasPrefix(a, "-") && len(a) > 1 && !isNumber(a):
			flags = append(flags, a)
			name := strings.TrimLeft(a, "-")
			if !strings.Contains(name, "=") && takesValue(cmd, name) {
				if i+1 == len(rest) {
					return nil, badInput("flag needs an argument: --%s", name)
				}
				i++
				flags = append(flags, rest[i])
			}
		default:
			positional = append(positional, a)
		}
	}
	out = append(out, flags...)
	if len(positional) > 0 {
		out = append(append(out, "--"), positional...)
	}
	return out, nil
}

func findCommand(cmds []*cli.Command, name string) *cli.Command {
	for _, c := range cmds {
		if c.HasName(name) {
			return c
		}
	}
	return nil
}

// takesValue reports whether the command's flag called name reads a value.
func takesValue(cmd *cli.Command, name string) bool {
	for _, f := range cmd.Flags {
		for _, n := range f.Names() {
			if n == name {
				_, isBool := f.(*cli.BoolFlag)
				return !isBool
			}
		}
	}
	return false
}

// isNumber reports whether a is a number (a negative one, say), an
// argument rather than a flag. The whole of a must be the number:
// fmt.Sscan would take "-1abc" for -1.
func isNumber(a string) bool {
	_, err := strconv.ParseFloat(a, 64)
	return err == nil
}

// isTerminal reports whether w is a terminal.
func isTerminal(w io.Writer) bool {
	f, ok := w.(*os.File)
	return ok && term.IsTerminal(int(f.Fd()))
}
