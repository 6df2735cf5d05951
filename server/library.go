package server

import (
	"context"
	"crypto/subtle"
	"encoding/json"
	"errors"
	"io"
	"mime"
	"net"
	"net/http"
	"net/netip"
	"net/url"
	"os"
	"path"
	"strings"
	"time"

	"huddle/exercises"
	"huddle/exercises/packs"
	"huddle/rooms"
)

// The trainer's library (docs/protocol.md 2.9): packs kept by the store,
// the sessions kept when rooms end, and comparisons of two sessions.

func (s *Server) libraryRoutes(mux *http.ServeMux) {
	// Every route needs the store (needsStore) but a built-in pack's,
	// which is in every copy of Huddle.
	mux.HandleFunc("GET /api/packs", s.needsStore(s.trainer(s.handleListPacks)))
	mux.HandleFunc("POST /api/packs", s.needsStore(s.trainer(s.handleCreatePack)))
	mux.HandleFunc("GET /api/packs/{id}", s.needsStoreIf(libraryPack, s.trainer(s.handleGetPack)))
	mux.HandleFunc("PUT /api/packs/{id}", s.needsStore(s.trainer(s.handleUpdatePack)))
	mux.HandleFunc("DELETE /api/packs/{id}", s.needsStore(s.trainer(s.handleDeletePack)))
	mux.HandleFunc("POST /api/packs/{id}/duplicate", s.needsStore(s.trainer(s.handleDuplicatePack)))
	mux.HandleFunc("POST /api/rooms/{room}/pack", s.needsStore(s.handleSaveAgenda))
	mux.HandleFunc("POST /api/rooms/{room}/session", s.needsStore(s.handleKeepSession))
	mux.HandleFunc("GET /api/sessions", s.needsStore(s.trainer(s.handleListSessions)))
	mux.HandleFunc("GET /api/sessions/{id}", s.needsStore(s.trainer(s.handleGetSession)))
	mux.HandleFunc("DELETE /api/sessions/{id}", s.needsStore(s.trainer(s.handleDeleteSession)))
	mux.HandleFunc("GET /api/compare", s.needsStore(s.trainer(s.handleCompare)))
}

// libraryPack reports whether a pack route names a pack of the library,
// which the store keeps, rather than a built-in one.
func libraryPack(r *http.Request) bool { return !packs.IsBuiltin(r.PathValue("id")) }

// hostKeyOK reports whether the request shows the server's host key
// (Authorization: Bearer, or X-Host-Key), or the server has none.
func (s *Server) hostKeyOK(r *http.Request) bool {
	if s.cfg.HostKey == "" {
		return true
	}
	key := strings.TrimSpace(r.Header.Get("X-Host-Key"))
	if key == "" {
		scheme, k, _ := strings.Cut(r.Header.Get("Authorization"), " ")
		if strings.EqualFold(scheme, "Bearer") {
			key = strings.TrimSpace(k)
		}
	}
	return subtle.ConstantTimeCompare([]byte(key), []byte(s.cfg.HostKey)) == 1
}

// trainer guards a library route with the rate limiter and the host key,
// and refuses changes asked for by another site's page.
func (s *Server) trainer(h http.HandlerFunc) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		if !s.allowHTTP(w) {
			return
		}
		if r.Method != http.MethodGet && !s.sameOrigin(r) {
			s.writeError(w, rooms.Errorf(rooms.CodeForbidden, "a page of another site may not change this server's library"))
			return
		}
		if !s.hostKeyOK(r) {
			s.writeError(w, rooms.Errorf(rooms.CodeHostKey, "the pack library and kept sessions of this server need its host key"))
			return
		}
		if err := s.libraryOpen(r); err != nil {
			s.writeError(w, err)
			return
		}
		h(w, r)
	}
}

// libraryOpen refuses, without a host key, a request that reads or adds
// to the library or the kept sessions from anywhere but this machine:
// kept sessions hold results the room was never shown and the
// facilitator's notes, packs hold a trainer's notes, and the participants
// on a workshop's network could otherwise read the one and fill the other.
// With a host key, the routes that need it check it.
func (s *Server) libraryOpen(r *http.Request) error {
	if s.cfg.HostKey == "" && !s.fromThisMachine(r) {
		return rooms.Errorf(rooms.CodeLocalOnly, "this server has no host key, so its pack library and kept sessions answer only on the computer it runs on; set HUDDLE_HOST_KEY to use them from elsewhere")
	}
	return nil
}

// fromThisMachine reports whether r came from a browser on the machine
// the server runs on: from a loopback address or one of its own
// interfaces' (a browser on the laptop that opened the console at the
// laptop's network address), addressed to one of those (or to localhost,
// or to public-url's host), and not through a proxy. A proxy on this
// machine connects from loopback for everyone (it says so with
// X-Forwarded-For and the like); a page of another site whose name now
// points at 127.0.0.1 (DNS rebinding) is addressed to that name.
func (s *Server) fromThisMachine(r *http.Request) bool {
	for _, h := range []string{"X-Forwarded-For", "X-Real-Ip", "Forwarded"} {
		if r.Header.Get(h) != "" {
			return false
		}
	}
	host, _, err := net.SplitHostPort(r.RemoteAddr)
	if err != nil || !ownAddress(host) {
		return false
	}
	to := r.Host
	if h, _, err := net.SplitHostPort(to); err == nil {
		to = h
	}
	to = strings.Trim(to, "[]")
	if strings.EqualFold(to, "localhost") || ownAddress(to) {
		return true
	}
	if u, err := url.Parse(s.cfg.PublicURL); err == nil && s.cfg.PublicURL != "" {
		return strings.EqualFold(u.Hostname(), to)
	}
	return false
}

// ownAddress reports whether host is a loopback address or one of this
// machine's interfaces' addresses.
func ownAddress(host string) bool {
	ip, err := netip.ParseAddr(host)
	if err != nil {
		return false
	}
	ip = ip.Unmap()
	if ip.IsLoopback() {
		return true
	}
	addrs, err := net.InterfaceAddrs()
	if err != nil {
		return false
	}
	for _, a := range addrs {
		if n, ok := a.(*net.IPNet); ok {
			if own, ok := netip.AddrFromSlice(n.IP); ok && own.Unmap() == ip {
				return true
			}
		}
	}
	return false
}

// sameOrigin reports whether a browser sent r from this server's own
// pages (or an allowed origin). Without a host key the library has no
// credentials that a cross-site form could not send, so its changes need
// this. Requests without an Origin header (not from a browser's
// cross-site form or fetch) pass.
func (s *Server) sameOrigin(r *http.Request) bool {
	o := r.Header.Get("Origin")
	if o == "" {
		return true
	}
	u, err := url.Parse(o)
	if err != nil || u.Host == "" {
		return false
	}
	if strings.EqualFold(u.Host, r.Host) {
		return true
	}
	for _, p := range s.cfg.AllowedOrigins {
		if ok, _ := path.Match(strings.ToLower(p), strings.ToLower(u.Host)); ok {
			return true
		}
	}
	return false
}

// readBody reads a request body of at most limit bytes.
func readBody(w http.ResponseWriter, r *http.Request, limit int64) ([]byte, error) {
	b, err := io.ReadAll(http.MaxBytesReader(w, r.Body, limit))
	var mbe *http.MaxBytesError
	if errors.As(err, &mbe) {
		return nil, rooms.Errorf(rooms.CodeTooLong, "the request body is over %d bytes", limit)
	}
	if errors.Is(err, os.ErrDeadlineExceeded) {
		// bodyDeadline's: the body came too slowly.
		return nil, rooms.Errorf(rooms.CodeBodyTimeout, "the request body did not arrive in the time allowed for it")
	}
	if err != nil {
		return nil, rooms.Errorf(rooms.CodeBadJSON, "could not read the request body")
	}
	return b, nil
}

// decodeBody decodes a JSON body already read, with the same typed errors
// as readJSON.
func decodeBody(b []byte, v any) error {
	if len(strings.TrimSpace(string(b))) == 0 {
		return nil
	}
	if err := json.Unmarshal(b, v); err != nil {
		var te *json.UnmarshalTypeError
		if errors.As(err, &te) {
			if te.Field == "" {
				return rooms.Errorf(rooms.CodeBadMessage, "the request body should be %s", rooms.JSONKind(te.Type))
			}
			return rooms.FieldError(rooms.CodeBadMessage, te.Field, "%s should be %s", te.Field, rooms.JSONKind(te.Type))
		}
		return rooms.Errorf(rooms.CodeBadJSON, "the request body is not valid JSON")
	}
	return nil
}

func isYAML(r *http.Request) bool {
	mt, _, _ := mime.ParseMediaType(r.Header.Get("Content-Type"))
	switch mt {
	case "application/yaml", "application/x-yaml", "text/yaml", "text/x-yaml":
		return true
	}
	return false
}

// packBody is the JSON body of pack creation and edits.
type packBody struct {
	Pack    json.RawMessage `json:"pack"`
	Version string          `json:"version"`
}

// readPack reads a pack from a request: a YAML file, or JSON {"pack": …}.
func (s *Server) readPack(w http.ResponseWriter, r *http.Request) (*packs.Pack, string, error) {
	b, err := readBody(w, r, packs.MaxFileSize)
	if err != nil {
		return nil, "", err
	}
	if isYAML(r) {
		p, err := packs.ParseDraft("pack.yaml", b)
		return p, "", packs.AsError(err)
	}
	var body packBody
	if err := decodeBody(b, &body); err != nil {
		return nil, "", err
	}
	if len(body.Pack) == 0 || string(body.Pack) == "null" {
		return nil, "", rooms.FieldError(rooms.CodeBadMessage, "pack", "send the pack as {\"pack\": {…}}, or a YAML file with Content-Type: application/yaml")
	}
	p, err := packs.ParseDraft("pack", body.Pack)
	if err != nil {
		// JSON input has no useful line numbers: fields say where.
		if e, ok := packs.AsError(err).(*rooms.Error); ok {
			for i := range e.Problems {
				e.Problems[i].Line = 0
			}
			return nil, "", e
		}
		return nil, "", err
	}
	return p, body.Version, nil
}

// listedPack is a pack as GET /api/packs lists it: its summary, and
// whether it lasts only until the server stops.
type listedPack struct {
	packs.Summary
	// UntilRestart: a library pack of a server that keeps its library in
	// memory only (docs/protocol.md 2.9.1).
	UntilRestart bool `json:"untilRestart,omitempty"`
}

func (s *Server) handleListPacks(w http.ResponseWriter, r *http.Request) {
	list, err := s.packs.List(r.Context())
	if err != nil {
		s.writeError(w, err)
		return
	}
	out := make([]listedPack, len(list))
	for i, p := range list {
		out[i] = listedPack{Summary: p, UntilRestart: !p.Builtin && !s.libDurable}
	}
	writeJSON(w, http.StatusOK, out)
}

// served is a session's summary as the server tells it: with
// UntilRestart when its library lasts only until it stops.
func (s *Server) served(sum *exercises.SessionSummary) {
	sum.UntilRestart = !s.libDurable
}

func (s *Server) handleGetPack(w http.ResponseWriter, r *http.Request) {
	e, err := s.packs.Get(r.Context(), r.PathValue("id"))
	if err != nil {
		s.writeError(w, err)
		return
	}
	switch r.URL.Query().Get("format") {
	case "", "json":
		writeJSON(w, http.StatusOK, e)
	case "yaml", "yml":
		b, err := packs.Encode(e.Pack)
		if err != nil {
			// Encode reads back what it wrote: a pack it cannot write as
			// it is would be a bug, said as one, by the field, rather
			// than a file that reads otherwise.
			s.writeError(w, rooms.Errorf(rooms.CodeInternal, "%s", strings.TrimPrefix(err.Error(), "packs: ")))
			return
		}
		w.Header().Set("Content-Type", "application/yaml; charset=utf-8")
		w.Header().Set("Cache-Control", "no-store")
		w.Header().Set("Content-Disposition", `attachment; filename="`+e.Pack.ID+`.yaml"`)
		_, _ = w.Write(b)
	default:
		s.writeError(w, rooms.FieldError(rooms.CodeInvalid, "format", "format is json or yaml"))
	}
}

func (s *Server) handleCreatePack(w http.ResponseWriter, r *http.Request) {
	p, _, err := s.readPack(w, r)
	if err != nil {
		s.writeError(w, err)
		return
	}
	e, err := s.packs.Create(r.Context(), p, packs.SourceLibrary, r.URL.Query().Get("replace") == "1")
	if err != nil {
		s.writeError(w, err)
		return
	}
	s.log.Info("pack saved", "pack", e.Pack.ID)
	writeJSON(w, http.StatusCreated, e)
}

func (s *Server) handleUpdatePack(w http.ResponseWriter, r *http.Request) {
	p, version, err := s.readPack(w, r)
	if err != nil {
		s.writeError(w, err)
		return
	}
	if v := r.Header.Get("If-Match"); v != "" && version == "" {
		version = strings.Trim(v, `"`)
	}
	e, err := s.packs.Update(r.Context(), r.PathValue("id"), p, version)
	if err != nil {
		s.writeError(w, err)
		return
	}
	s.log.Info("pack changed", "pack", e.Pack.ID)
	writeJSON(w, http.StatusOK, e)
}

// DuplicateRequest is the body of POST /api/packs/{id}/duplicate.
type DuplicateRequest struct {
	ID    string `json:"id"`
	Title string `json:"title"`
}

func (s *Server) handleDuplicatePack(w http.ResponseWriter, r *http.Request) {
	var req DuplicateRequest
	if err := s.readJSON(w, r, &req); err != nil {
		s.writeError(w, err)
		return
	}
	e, err := s.packs.Duplicate(r.Context(), r.PathValue("id"), req.ID, req.Title)
	if err != nil {
		s.writeError(w, err)
		return
	}
	writeJSON(w, http.StatusCreated, e)
}

func (s *Server) handleDeletePack(w http.ResponseWriter, r *http.Request) {
	if err := s.packs.Delete(r.Context(), r.PathValue("id"), r.URL.Query().Get("version")); err != nil {
		s.writeError(w, err)
		return
	}
	s.log.Info("pack deleted", "pack", r.PathValue("id"))
	w.WriteHeader(http.StatusNoContent)
}

// facilitatorOf authenticates the room's facilitator by the bearer secret
// (also once the room ended) and returns the room.
func (s *Server) facilitatorOf(r *http.Request) (*rooms.Room, error) {
	return s.facilitatorIn(r, r.PathValue("room"))
}

// facilitatorIn checks that r shows the facilitator secret of the room
// ref names (its id or its join code) and returns the room.
func (s *Server) facilitatorIn(r *http.Request, ref string) (*rooms.Room, error) {
	scheme, secret, _ := strings.Cut(r.Header.Get("Authorization"), " ")
	if !strings.EqualFold(scheme, "Bearer") || strings.TrimSpace(secret) == "" {
		return nil, rooms.Errorf(rooms.CodeBadToken, "send the facilitator secret as Authorization: Bearer <secret>")
	}
	return s.facilitatorRoom(r.Context(), ref, strings.TrimSpace(secret))
}

// facilitatorRoom checks that secret is the facilitator secret of the
// room ref names (its id or its join code) and returns the room, ended
// or not.
func (s *Server) facilitatorRoom(ctx context.Context, ref, secret string) (*rooms.Room, error) {
	id := ref
	if code, ok := rooms.NormalizeCode(id); ok {
		if rid, err := s.store.RoomByCode(ctx, code); err == nil {
			id = rid
		}
	}
	m, room, err := s.svc.Authenticate(ctx, id, rooms.Secret(secret))
	if err != nil && rooms.ErrorCode(err) != rooms.CodeRoomEnded {
		return nil, err
	}
	if !m.IsFacilitator() {
		return nil, rooms.Errorf(rooms.CodeForbidden, "only the room's facilitator can do this")
	}
	return room, nil
}

// SaveAgendaRequest is the body of POST /api/rooms/{room}/pack.
type SaveAgendaRequest struct {
	ID          string `json:"id"`
	Title       string `json:"title"`
	Description string `json:"description"`
	Author      string `json:"author"`
}

func (s *Server) handleSaveAgenda(w http.ResponseWriter, r *http.Request) {
	if !s.allowHTTP(w) {
		return
	}
	if err := s.libraryOpen(r); err != nil {
		s.writeError(w, err)
		return
	}
	room, err := s.facilitatorOf(r)
	if err != nil {
		s.writeError(w, err)
		return
	}
	var req SaveAgendaRequest
	if err := s.readJSON(w, r, &req); err != nil {
		s.writeError(w, err)
		return
	}
	st, err := s.store.Load(r.Context(), room.ID, "tok:", "member:")
	if err != nil {
		s.writeError(w, err)
		return
	}
	specs, err := exercises.AgendaSpecs(st)
	if err != nil {
		s.writeError(w, err)
		return
	}
	if len(specs) == 0 {
		s.writeError(w, rooms.Errorf(rooms.CodeInvalid, "the room's agenda is empty: add exercises first"))
		return
	}
	p := &packs.Pack{Schema: packs.Schema, ID: req.ID, Title: strings.TrimSpace(req.Title),
		Description: req.Description, Author: req.Author, Exercises: specs}
	if p.Title == "" {
		p.Title = room.Title
	}
	e, err := s.packs.Create(r.Context(), p, packs.SourceLibrary, false)
	if err != nil {
		s.writeError(w, err)
		return
	}
	s.log.Info("agenda saved as a pack", "room", room.ID, "pack", e.Pack.ID)
	writeJSON(w, http.StatusCreated, e)
}

// keepSession keeps an ended room's results (Service.After room.end).
// When the store fails it tries again in the background for about a
// minute; the console also asks for it (POST /api/rooms/{room}/session),
// in case this node dies first.
func (s *Server) keepSession(ctx context.Context, roomID string) {
	if s.cfg.ResultsTTL <= 0 {
		return
	}
	kctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), 5*time.Second)
	err := s.keepSessionNow(kctx, roomID)
	cancel()
	if err == nil {
		return
	}
	if keepFailedForGood(err) {
		s.log.Warn("an ended room's results were not kept", "room", roomID, "err", err)
		return
	}
	s.log.Warn("keeping an ended room's results; trying again", "room", roomID, "err", err)
	s.keepers.Add(1)
	go func() {
		defer s.keepers.Done()
		for wait := time.Second; wait <= 32*time.Second; wait *= 2 {
			select {
			case <-s.baseCtx.Done():
				return
			case <-time.After(wait):
			}
			kctx, cancel := context.WithTimeout(s.baseCtx, 5*time.Second)
			err = s.keepSessionNow(kctx, roomID)
			cancel()
			if err == nil {
				s.log.Info("kept an ended room's results", "room", roomID)
				return
			}
			if keepFailedForGood(err) {
				break
			}
		}
		s.log.Error("an ended room's results were not kept", "room", roomID, "err", err)
	}()
}

// keepFailedForGood reports whether keeping a session failed for good:
// the room is gone, or the keep was refused (the server holds its limit
// of sessions).
func keepFailedForGood(err error) bool {
	return errors.Is(err, rooms.ErrRoomNotFound) || rooms.ErrorCode(err) == rooms.CodeInvalid
}

func (s *Server) keepSessionNow(ctx context.Context, roomID string) error {
	_, err := s.keepSessionAt(ctx, roomID)
	return err
}

// keepSessionAt keeps the room's results as they are now. Keeping the
// results of a room that still runs can race its end: loaded before the
// end and written after the end's own keep (keepSession), it would leave
// the session as it was before (an open exercise "open"). So when the
// room it kept still ran, it looks at the room again after writing, and
// if the room has ended meanwhile keeps the ended room's results: any
// end before this write is seen, and an end after it keeps its own.
func (s *Server) keepSessionAt(ctx context.Context, roomID string) (*exercises.Session, error) {
	sess, ended, err := s.keepSessionOnce(ctx, roomID)
	if err != nil || ended {
		return sess, err
	}
	docs, err := s.store.Get(ctx, roomID, rooms.KeyRoom)
	if err != nil {
		// What was written may be older than an end it cannot see: a
		// failure, so the console (or keepSession) keeps again.
		return nil, err
	}
	if len(docs) == 0 {
		return sess, nil // the room is gone; what was kept stays
	}
	var room rooms.Room
	if json.Unmarshal(docs[0].Value, &room) != nil || !room.Ended {
		return sess, nil
	}
	sess, _, err = s.keepSessionOnce(ctx, roomID)
	return sess, err
}

// keepSessionOnce loads the room and keeps its results, and says whether
// the room had ended.
func (s *Server) keepSessionOnce(ctx context.Context, roomID string) (*exercises.Session, bool, error) {
	st, err := s.store.Load(ctx, roomID, "tok:")
	if err != nil {
		return nil, false, err
	}
	var room rooms.Room
	if d, ok := st.Docs[rooms.KeyRoom]; !ok || json.Unmarshal(d.Value, &room) != nil {
		return nil, false, errors.New("the room has no settings document")
	}
	if s.keptLoaded != nil {
		s.keptLoaded()
	}
	sess, err := exercises.KeepSession(ctx, s.store, room, st, time.Now(), s.cfg.ResultsTTL, s.cfg.MaxSessions)
	if err == nil {
		s.metrics.sessionsKept.Inc()
	}
	return sess, room.Ended, err
}

// handleKeepSession keeps a room's results as a session now, for its
// facilitator.
func (s *Server) handleKeepSession(w http.ResponseWriter, r *http.Request) {
	if !s.allowHTTP(w) {
		return
	}
	// Not local-only: a room's own facilitator keeps its results, as
	// ending it does anyway (keepSession), from wherever the console is.
	room, err := s.facilitatorOf(r)
	if err != nil {
		s.writeError(w, err)
		return
	}
	if s.cfg.ResultsTTL <= 0 {
		s.writeError(w, rooms.Errorf(rooms.CodeInvalid, "this server keeps no results (its results-ttl is 0): download them instead"))
		return
	}
	sess, err := s.keepSessionAt(r.Context(), room.ID)
	if err != nil {
		s.writeError(w, err)
		return
	}
	s.served(&sess.Session)
	writeJSON(w, http.StatusCreated, sess.Session)
}

func (s *Server) handleListSessions(w http.ResponseWriter, r *http.Request) {
	list, err := exercises.ListSessions(r.Context(), s.store, r.URL.Query().Get("pack"))
	if err != nil {
		s.writeError(w, err)
		return
	}
	for i := range list {
		s.served(&list[i])
	}
	writeJSON(w, http.StatusOK, list)
}

func (s *Server) handleGetSession(w http.ResponseWriter, r *http.Request) {
	sess, err := exercises.GetSession(r.Context(), s.store, r.PathValue("id"), "id")
	if err != nil {
		s.writeError(w, err)
		return
	}
	s.writeResults(w, r, sess.Results, sess.Session.Code, sess)
}

func (s *Server) handleDeleteSession(w http.ResponseWriter, r *http.Request) {
	if err := exercises.DeleteSession(r.Context(), s.store, r.PathValue("id")); err != nil {
		s.writeError(w, err)
		return
	}
	w.WriteHeader(http.StatusNoContent)
}

func (s *Server) handleCompare(w http.ResponseWriter, r *http.Request) {
	q := r.URL.Query()
	a, err := exercises.GetSession(r.Context(), s.store, q.Get("a"), "a")
	if err != nil {
		s.writeError(w, err)
		return
	}
	b, err := exercises.GetSession(r.Context(), s.store, q.Get("b"), "b")
	if err != nil {
		s.writeError(w, err)
		return
	}
	c := exercises.Compare(a, b)
	switch q.Get("format") {
	case "", "json":
		writeJSON(w, http.StatusOK, c)
	case "md", "markdown":
		w.Header().Set("Content-Type", "text/markdown; charset=utf-8")
		w.Header().Set("Cache-Control", "no-store")
		w.Header().Set("Content-Disposition", `attachment; filename="huddle-compare-`+a.Session.Code+`-`+b.Session.Code+`.md"`)
		_, _ = w.Write(c.Markdown())
	default:
		s.writeError(w, rooms.FieldError(rooms.CodeInvalid, "format", "format is json or md"))
	}
}

// loadPacksDir puts the packs directory into the library, at start.
func (s *Server) loadPacksDir() {
	ctx, cancel := context.WithTimeout(s.baseCtx, 10*time.Second)
	defer cancel()
	n, err := s.packs.LoadDir(ctx, s.cfg.PacksDir)
	if err != nil {
		s.log.Error("loading the packs directory", "dir", s.cfg.PacksDir, "loaded", n, "err", err)
		return
	}
	s.log.Info("packs directory loaded", "dir", s.cfg.PacksDir, "packs", n)
}
