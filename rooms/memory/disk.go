package memory

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"log/slog"
	"maps"
	"os"
	"path/filepath"
	"runtime"
	"slices"
	"strconv"
	"strings"
	"syscall"
	"time"
)

// A data directory keeps the library of the embedded store, one file per
// document, so that a restart loses none of it:
//
//	<data-dir>/huddle.lock                      held while a store has the directory open
//	<data-dir>/library/<collection>/<id>.json   one document (a pack, a session's summary, its results)
//
// A file name is the document's id with every byte but a-z, 0-9 and '-'
// written as '_' and two hex digits (an empty id is "_"): ids never reach
// outside their directory, and two ids never share a file, on a file
// system that ignores case too. A file is JSON (fileDoc): what the
// document is, its version and expiry, and its value as the library was
// given it.
//
// Each change is written whole to a temporary file in the same directory
// (".<name>.tmp-…"), synced, renamed over the document's file and the
// directory synced: a crash leaves the old file or the new one, never
// half of one, and a temporary file left by a crash is removed at the
// next start. A file that does not read as a document (damaged, written
// by a newer Huddle, unreadable) is logged at start and left as it is;
// should a document of its name be written later, it is first renamed
// aside (<name>.damaged), never deleted.
const (
	libraryDir    = "library"
	lockName      = "huddle.lock"
	tmpMark       = ".tmp-"
	damagedSuffix = ".damaged"
	// fileForm is the form of the files written now; a file of a later
	// form is a newer Huddle's, skipped.
	fileForm = 1
	// maxFileName bounds a document's file name (most file systems take
	// 255 bytes, and its temporary file's is longer).
	maxFileName = 200
)

// fileDoc is a library document as its file holds it.
type fileDoc struct {
	Form       int    `json:"form"`
	Collection string `json:"collection"`
	ID         string `json:"id"`
	// Version is a decimal string: a JSON number this large is not exact
	// in every reader.
	Version   string          `json:"version"`
	ExpiresAt *time.Time      `json:"expiresAt,omitempty"`
	Value     json.RawMessage `json:"value"`
}

// disk is a data directory's library, open; its methods run with the
// library's lock held.
type disk struct {
	dir  string // <data-dir>/library
	log  *slog.Logger
	lock *os.File
	made map[string]bool // collections whose directory exists
	// damaged holds the files that did not load: set aside before a
	// document of the same name is written.
	damaged map[string]bool
	closed  bool
}

var errClosed = errors.New("memory: the store is closed")

// openDisk opens (creating what is missing) and locks data directory
// dataDir, and loads its library: every document live at now, by
// collection. Expired documents' files are removed.
func openDisk(dataDir string, log *slog.Logger, now time.Time) (*disk, map[string]map[string]libDoc, error) {
	if err := os.MkdirAll(dataDir, 0o700); err != nil {
		return nil, nil, err
	}
	abs, err := filepath.Abs(dataDir)
	if err != nil {
		abs = dataDir
	}
	lock, err := lockDir(filepath.Join(dataDir, lockName), log)
	if err != nil {
		return nil, nil, err
	}
	d := &disk{dir: filepath.Join(dataDir, libraryDir), log: log, lock: lock, made: map[string]bool{}, damaged: map[string]bool{}}
	colls, err := d.load(now)
	if err != nil {
		d.close()
		return nil, nil, err
	}
	counts := []any{"dir", abs}
	for _, c := range slices.Sorted(maps.Keys(colls)) {
		counts = append(counts, c, len(colls[c]))
	}
	if len(d.damaged) > 0 {
		counts = append(counts, "skipped", len(d.damaged))
	}
	log.Info("library kept on disk", counts...)
	return d, colls, nil
}

// load reads every collection's directory.
func (d *disk) load(now time.Time) (map[string]map[string]libDoc, error) {
	if err := os.Mkdir(d.dir, 0o700); err == nil {
		if err := syncDir(filepath.Dir(d.dir)); err != nil {
			return nil, err
		}
	} else if !errors.Is(err, fs.ErrExist) {
		return nil, err
	}
	entries, err := os.ReadDir(d.dir)
	if err != nil {
		return nil, err
	}
	colls := map[string]map[string]libDoc{}
	for _, e := range entries {
		if !e.IsDir() || !validColl(e.Name()) {
			continue // not the library's
		}
		coll := e.Name()
		d.made[coll] = true
		docs, err := d.loadColl(coll, now)
		if err != nil {
			return nil, err
		}
		colls[coll] = docs
	}
	return colls, nil
}

// loadColl reads one collection's directory. Only reading the directory
// itself fails it; a file that does not load is skipped.
func (d *disk) loadColl(coll string, now time.Time) (map[string]libDoc, error) {
	dir := filepath.Join(d.dir, coll)
	entries, err := os.ReadDir(dir)
	if err != nil {
		return nil, err
	}
	docs := map[string]libDoc{}
	for _, e := range entries {
		name := e.Name()
		path := filepath.Join(dir, name)
		switch {
		case e.IsDir():
			continue
		case strings.HasPrefix(name, ".") && strings.Contains(name, tmpMark):
			// A write that a crash cut short: its document's file is
			// whole, as it was before.
			if err := os.Remove(path); err != nil && !errors.Is(err, fs.ErrNotExist) {
				d.log.Warn("library: an unfinished write could not be removed", "file", path, "err", err)
			} else {
				d.log.Info("library: removed an unfinished write", "file", path)
			}
			continue
		case !strings.HasSuffix(name, ".json") || strings.HasPrefix(name, "."):
			continue // set aside, or not the library's
		}
		b, err := os.ReadFile(path)
		if err != nil {
			d.skip(path, err)
			continue
		}
		id, doc, err := decodeFile(b, coll, name)
		if err != nil {
			d.skip(path, err)
			continue
		}
		if !doc.live(now) {
			if err := os.Remove(path); err != nil && !errors.Is(err, fs.ErrNotExist) {
				d.log.Warn("library: an expired document's file could not be removed", "file", path, "err", err)
			}
			continue
		}
		docs[id] = doc
	}
	return docs, nil
}

// skip logs a file that did not load, and remembers it.
func (d *disk) skip(path string, err error) {
	d.damaged[path] = true
	d.log.Error("library file skipped: it is left as it is, and the rest of the library loads", "file", path, "err", err)
}

// decodeFile reads the file name of collection coll.
func decodeFile(b []byte, coll, name string) (string, libDoc, error) {
	var f fileDoc
	if err := json.Unmarshal(b, &f); err != nil {
		return "", libDoc{}, fmt.Errorf("not a library document: %v", err)
	}
	switch {
	case f.Form < 1:
		return "", libDoc{}, errors.New("not a library document: it has no form")
	case f.Form > fileForm:
		return "", libDoc{}, fmt.Errorf("written by a newer Huddle (form %d; this one reads form %d)", f.Form, fileForm)
	case f.Collection != coll:
		return "", libDoc{}, fmt.Errorf("a document of collection %q, in the directory of %q", f.Collection, coll)
	case fileName(f.ID) != name:
		return "", libDoc{}, fmt.Errorf("the file of id %q is named %q", f.ID, fileName(f.ID))
	case len(f.Value) == 0:
		return "", libDoc{}, errors.New("a document without a value")
	}
	v, err := strconv.ParseUint(f.Version, 10, 64)
	if err != nil || v == 0 {
		return "", libDoc{}, fmt.Errorf("a document without a version (%q)", f.Version)
	}
	doc := libDoc{value: f.Value, version: v}
	if f.ExpiresAt != nil {
		doc.expires = *f.ExpiresAt
	}
	return f.ID, doc, nil
}

// encodeFile is the file of document id of coll.
func encodeFile(coll, id string, doc libDoc) ([]byte, error) {
	f := fileDoc{Form: fileForm, Collection: coll, ID: id, Version: strconv.FormatUint(doc.version, 10), Value: doc.value}
	if !doc.expires.IsZero() {
		at := doc.expires.UTC()
		f.ExpiresAt = &at
	}
	var buf bytes.Buffer
	enc := json.NewEncoder(&buf)
	enc.SetEscapeHTML(false)
	if err := enc.Encode(f); err != nil {
		return nil, fmt.Errorf("memory: library %s %q: its value is not JSON, which the data directory keeps: %w", coll, id, err)
	}
	return buf.Bytes(), nil
}

// fileName is the name of the file of document id.
func fileName(id string) string {
	var b strings.Builder
	if id == "" {
		b.WriteByte('_')
	}
	for i := 0; i < len(id); i++ {
		c := id[i]
		if 'a' <= c && c <= 'z' || '0' <= c && c <= '9' || c == '-' {
			b.WriteByte(c)
		} else {
			fmt.Fprintf(&b, "_%02x", c)
		}
	}
	return b.String() + ".json"
}

// validColl reports whether coll can be a directory of the library.
func validColl(coll string) bool {
	if coll == "" || len(coll) > 64 {
		return false
	}
	for i := 0; i < len(coll); i++ {
		c := coll[i]
		if !('a' <= c && c <= 'z' || '0' <= c && c <= '9' || c == '-' || c == '_') {
			return false
		}
	}
	return true
}

// path is the file of document id of coll, checked.
func (d *disk) path(coll, id string) (string, error) {
	if d.closed {
		return "", errClosed
	}
	if !validColl(coll) {
		return "", fmt.Errorf("memory: library collection %q cannot be kept in a data directory (a-z, 0-9, '-' and '_' only)", coll)
	}
	name := fileName(id)
	if len(name) > maxFileName {
		return "", fmt.Errorf("memory: library %s id of %d bytes is too long to keep in a data directory", coll, len(id))
	}
	return filepath.Join(d.dir, coll, name), nil
}

// write keeps document id of coll: on disk, whole and synced, when it
// returns nil; as it was before otherwise.
func (d *disk) write(coll, id string, doc libDoc) error {
	path, err := d.path(coll, id)
	if err != nil {
		return err
	}
	b, err := encodeFile(coll, id, doc)
	if err != nil {
		return err
	}
	dir := filepath.Dir(path)
	if !d.made[coll] {
		if err := os.Mkdir(dir, 0o700); err != nil && !errors.Is(err, fs.ErrExist) {
			return fmt.Errorf("memory: library: %w", err)
		}
		if err := syncDir(d.dir); err != nil {
			return fmt.Errorf("memory: library: %w", err)
		}
		d.made[coll] = true
	}
	if d.damaged[path] {
		if err := d.setAside(path); err != nil {
			return err
		}
	}
	if err := writeAtomic(dir, filepath.Base(path), b); err != nil {
		return fmt.Errorf("memory: library: writing %s: %w", path, err)
	}
	return nil
}

// writeAtomic puts b in dir/name: a temporary file, synced, renamed over
// it, and the directory synced. What dir/name held stays until the
// rename, and a failure removes the temporary file.
func writeAtomic(dir, name string, b []byte) (err error) {
	f, err := os.CreateTemp(dir, "."+name+tmpMark+"*")
	if err != nil {
		return err
	}
	tmp := f.Name()
	defer func() {
		if err != nil {
			f.Close()
			os.Remove(tmp)
		}
	}()
	if _, err = f.Write(b); err != nil {
		return err
	}
	if err = f.Sync(); err != nil {
		return err
	}
	if err = f.Close(); err != nil {
		return err
	}
	if err = os.Rename(tmp, filepath.Join(dir, name)); err != nil {
		return err
	}
	// Renamed: the new file is in place, and stays should the sync fail
	// (which is told, and the document in memory left as it was).
	if err := syncDir(dir); err != nil {
		return err
	}
	return nil
}

// remove deletes document id of coll from disk: gone when it returns nil.
func (d *disk) remove(coll, id string) error {
	path, err := d.path(coll, id)
	if err != nil {
		return err
	}
	if err := os.Remove(path); err != nil && !errors.Is(err, fs.ErrNotExist) {
		return fmt.Errorf("memory: library: %w", err)
	}
	if err := syncDir(filepath.Dir(path)); err != nil {
		return fmt.Errorf("memory: library: %w", err)
	}
	return nil
}

// expire deletes the file of document id of coll, which expired. A
// failure is logged: the file is of an expired document, which the next
// start drops (and removes) again.
func (d *disk) expire(coll, id string) {
	if d.closed {
		return
	}
	if err := d.remove(coll, id); err != nil {
		d.log.Warn("library: an expired document's file could not be removed", "collection", coll, "err", err)
	}
}

// setAside renames a file that did not load out of the way of a new
// document of its name: <path>.damaged (-2, -3, … when taken).
func (d *disk) setAside(path string) error {
	to := path + damagedSuffix
	for i := 2; ; i++ {
		if _, err := os.Lstat(to); errors.Is(err, fs.ErrNotExist) {
			break
		}
		to = fmt.Sprintf("%s%s-%d", path, damagedSuffix, i)
	}
	if err := os.Rename(path, to); err != nil && !errors.Is(err, fs.ErrNotExist) {
		return fmt.Errorf("memory: library: setting aside %s: %w", path, err)
	}
	delete(d.damaged, path)
	d.log.Warn("library file set aside: a new document takes its name", "file", path, "to", to)
	return nil
}

// close lets the directory go.
func (d *disk) close() error {
	if d.closed {
		return nil
	}
	d.closed = true
	if d.lock == nil {
		return nil
	}
	return d.lock.Close()
}

// syncDir makes a directory's entries (a file renamed into it, one
// removed) durable. Windows cannot sync a directory, and some file
// systems refuse to (EINVAL): their renames are as durable as they get.
func syncDir(dir string) error {
	if runtime.GOOS == "windows" {
		return nil
	}
	f, err := os.Open(dir)
	if err != nil {
		return err
	}
	defer f.Close()
	if err := f.Sync(); err != nil && !errors.Is(err, syscall.EINVAL) {
		return err
	}
	return nil
}
