// Command huddle is a self-hosted server for live team workshops.
package main

import (
	"os"

	"huddle/server"
)

func main() { os.Exit(server.Main(os.Args[1:], os.Stdout, os.Stderr)) }
