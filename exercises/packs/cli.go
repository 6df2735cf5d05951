package packs

import (
	"errors"
	"fmt"
	"io"
	"os"
	"text/tabwriter"
)

const usage = `usage:
  packs validate FILE...   check pack files; prints FILE: ok or FILE:LINE: field: problem
  packs list               list the built-in packs (id, title, exercises)
  packs export ID          print a built-in pack's YAML
`

// Main runs the packs command line with args (after "packs") and returns
// the exit status: 0 ok, 1 invalid pack or unknown id, 2 usage error.
func Main(args []string, stdout, stderr io.Writer) int {
	if len(args) == 0 {
		fmt.Fprint(stderr, usage)
		return 2
	}
	switch args[0] {
	case "validate":
		if len(args) < 2 {
			fmt.Fprint(stderr, usage)
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
		if len(args) != 1 {
			fmt.Fprint(stderr, usage)
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
		if len(args) != 2 {
			fmt.Fprint(stderr, usage)
			return 2
		}
		p := Find(args[1])
		if p == nil {
			fmt.Fprintf(stderr, "packs: no built-in pack %q (see packs list)\n", args[1])
			return 1
		}
		b, err := Encode(p)
		if err != nil {
			fmt.Fprintf(stderr, "packs: %v\n", err)
			return 1
		}
		stdout.Write(b)
		return 0
	case "help", "-h", "--help":
		fmt.Fprint(stdout, usage)
		return 0
	}
	fmt.Fprintf(stderr, "packs: unknown command %q\n%s", args[0], usage)
	return 2
}
