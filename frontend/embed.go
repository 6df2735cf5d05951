// Package frontend holds the web app. Its sources build into dist/ (see
// the Makefile), which is embedded in the binary. dist/ is never committed
// except for a placeholder file, so `go build` works on a fresh clone with
// no Node installed; the server then serves placeholder.html.
package frontend

import (
	"embed"
	"io/fs"
)

//go:embed all:dist placeholder.html
var files embed.FS

// Dist returns the built web app, rooted at dist/.
func Dist() fs.FS {
	sub, err := fs.Sub(files, "dist")
	if err != nil {
		panic(err)
	}
	return sub
}

// Placeholder is the page served when the web app was not built.
func Placeholder() []byte {
	b, err := files.ReadFile("placeholder.html")
	if err != nil {
		panic(err)
	}
	return b
}
