package packs

import (
	"errors"
	"fmt"
	"io"
	"os"
	"slices"
	"text/tabwriter"
)

// usage is the command line's help, prog the words that run it ("huddle
// packs"), so that it gives the commands as they are typed.
func usage(prog string) string {
	return "Usage:\n" +
		"  " + prog + " validate FILE...   check pack files; prints FILE: ok or FILE:LINE: field: problem\n" +
		"  " + prog + " list               list the built-in packs (id, title, exercises)\n" +
		"  " + prog + " export ID          print a built-in pack's YAML\n"
}

// Main runs the packs command line with args (after prog, the words that
// run it, such as "huddle packs") and returns the exit status: 0 ok, 1
// invalid pack or unknown id, 2 usage error. -h (or help) anywhere prints
// the usage.
func Main(prog string, args []string, stdout, stderr io.Writer) int {
	if len(args) == 0 {
		fmt.Fprint(stderr, usage(prog))
		return 2
	}
	helpFlag := func(a string) bool { return a == "-h" || a == "-help" || a == "--help" }
	if args[0] == "help" || slices.ContainsFunc(args, helpFlag) {
		fmt.Fprint(stdout, usage(prog))
		return 0
	}
	// want checks the count of arguments after the command: at least
	// least, at most most (-1: any).
	want := func(least, most int) bool {
		n := len(args) - 1
		switch {
		case n < least:
			fmt.Fprint(stderr, usage(prog))
			return false
		case most >= 0 && n > most:
			fmt.Fprintf(stderr, "%s %s: unexpected argument %q\n", prog, args[0], args[1+most])
			return false
		}
		return true
	}
	switch args[0] {
	case "validate":
		if !want(1, -1) {
			return 2
		}
		status := 0
		for _, name := range args[1:] {
			data, err := os.ReadFile(name)
			if err != nil {
				fmt.Fprintf(stdout, "%s: %v\n", name, err)
				status = 1
				continue
			}
			if _, err := Parse(name, data); err != nil {
				var ve *ValidationError
				if errors.As(err, &ve) {
					fmt.Fprintln(stdout, ve.Error())
				} else {
					fmt.Fprintf(stdout, "%s: %v\n", name, err)
				}
				status = 1
				continue
			}
			fmt.Fprintf(stdout, "%s: ok\n", name)
		}
		return status
	case "list":
		if !want(0, 0) {
			return 2
		}
		tw := tabwriter.NewWriter(stdout, 0, 4, 2, ' ', 0)
		fmt.Fprintln(tw, "ID\tTITLE\tEXERCISES")
		for _, p := range Builtin() {
			fmt.Fprintf(tw, "%s\t%s\t%d\n", p.ID, p.Title, len(p.Exercises))
		}
		tw.Flush()
		return 0
	case "export":
		if !want(1, 1) {
			return 2
		}
		p := Find(args[1])
		if p == nil {
			fmt.Fprintf(stderr, "%s: no built-in pack %q (see %s list)\n", prog, args[1], prog)
			return 1
		}
		b, err := Encode(p)
		if err != nil {
			fmt.Fprintf(stderr, "%s: %v\n", prog, err)
			return 1
		}
		stdout.Write(b)
		return 0
	}
	fmt.Fprintf(stderr, "%s: unknown command %q\n\n%s", prog, args[0], usage(prog))
	return 2
}
