package server

import (
	"context"
	"crypto/subtle"
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"net/http"
	"path"
	"slices"
	"strings"
	"time"

	"github.com/prometheus/client_golang/prometheus/promhttp"

	"huddle/exercises"
	"huddle/exercises/packs"
	"huddle/frontend"
	"huddle/rooms"
)

// Handler returns the node's HTTP routes.
func (s *Server) Handler() http.Handler {
	mux := http.NewServeMux()
	mux.HandleFunc("POST /api/rooms", s.needsStore(s.handleCreateRoom))
	mux.HandleFunc("GET /api/rooms/{code}", s.needsStore(s.handleRoomInfo))
	mux.HandleFunc("POST /api/rooms/status", s.needsStore(s.handleRoomStatus))
	mux.HandleFunc("POST /api/join", s.needsStore(s.handleJoin))
	mux.HandleFunc("GET /api/rooms/{room}/results", s.needsStore(s.handleResults))
	s.libraryRoutes(mux)
	mux.HandleFunc("GET /ws", s.handleWS)
	mux.HandleFunc("GET /healthz", s.handleHealthz)
	mux.HandleFunc("GET /readyz", s.handleReadyz)
	mux.Handle("GET /metrics", promhttp.HandlerFor(s.metrics.reg, promhttp.HandlerOpts{}))
	mux.HandleFunc("/api/", func(w http.ResponseWriter, r *http.Request) {
		s.writeError(w, rooms.Errorf(rooms.CodeNotFound, "no such API route: %s %s", r.Method, r.URL.Path))
	})
	mux.Handle("/", s.staticHandler())
	return securityHeaders(s.bodyDeadline(mux))
}

// needsStore guards a route that cannot answer without the store: while
// the node is cut off from it (storeLost), a request is answered at once
// with 503 unavailable and Retry-After: 1, as a WebSocket is refused
// (errCutOff), before anything else is checked or read and without asking
// the store. It would otherwise wait for the store's timeout (2 s: a
// frozen link answers nothing) to be answered unavailable all the same;
// answered at once, a phone's join or a look-up is sent again, through
// the load balancer, to a node that works. The route answers as before
// the moment the store answers a ping again (storeBack). /healthz,
// /readyz (which asks the store itself: that is what it is for), /metrics
// and the web app's files do not need the store and are not guarded; /ws
// refuses on its own (handleWS), after its rate limit.
func (s *Server) needsStore(h http.HandlerFunc) http.HandlerFunc {
	return s.needsStoreIf(nil, h)
}

// needsStoreIf is needsStore for a route that needs the store only for
// some requests: those needs says so of (all of them when needs is nil).
func (s *Server) needsStoreIf(needs func(*http.Request) bool, h http.HandlerFunc) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		if s.isCutOff() && (needs == nil || needs(r)) {
			s.writeError(w, errCutOff)
			return
		}
		h(w, r)
	}
}

// bodyDeadline gives a request's body request-body-timeout to arrive,
// counted from the end of its headers: without it a body sent a byte at
// a time held its handler and its socket for ever, within no limit (the
// server sets no ReadTimeout, which would count the WebSocket upgrade
// too). A handler that refuses before reading (a rate limit, the host
// key) is bounded as well: net/http reads what is left of the body
// before it answers. net/http clears the deadline once the body has been
// read to its end, and sets its own again before the next request on the
// connection, so a handler that works longer after reading its body is
// not cut off. A request without a body gets none: net/http is reading
// the connection already (to see the client go), and a deadline would
// end that read, and the request's context with it. The WebSocket route
// gets none either: its upgrade takes the connection over (net/http
// clears deadlines when it hands it over, today, but the WebSocket must
// not depend on that).
func (s *Server) bodyDeadline(h http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.Body != nil && r.Body != http.NoBody && !(r.Method == http.MethodGet && r.URL.Path == "/ws") {
			_ = http.NewResponseController(w).SetReadDeadline(time.Now().Add(s.cfg.BodyTimeout))
		}
		h.ServeHTTP(w, r)
	})
}

func securityHeaders(h http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		hd := w.Header()
		hd.Set("X-Content-Type-Options", "nosniff")
		hd.Set("Referrer-Policy", "no-referrer")
		hd.Set("X-Frame-Options", "DENY")
		h.ServeHTTP(w, r)
	})
}

// httpStatus maps error codes to HTTP statuses.
func httpStatus(c rooms.Code) int {
	switch c {
	case rooms.CodeNotFound:
		return http.StatusNotFound
	case rooms.CodeHostKey, rooms.CodeBadToken:
		return http.StatusUnauthorized
	case rooms.CodeForbidden, rooms.CodeRemoved, rooms.CodeLocalOnly:
		return http.StatusForbidden
	case rooms.CodeRoomEnded:
		return http.StatusGone
	case rooms.CodeRoomLocked, rooms.CodeRoomFull, rooms.CodeConflict:
		return http.StatusConflict
	case rooms.CodeRateLimited:
		return http.StatusTooManyRequests
	case rooms.CodeTooManyRooms, rooms.CodeUnavailable, rooms.CodeTooManyClients:
		return http.StatusServiceUnavailable
	case rooms.CodeInternal:
		return http.StatusInternalServerError
	case rooms.CodeTooLong:
		return http.StatusRequestEntityTooLarge
	case rooms.CodeBodyTimeout:
		return http.StatusRequestTimeout
	}
	return http.StatusBadRequest
}

type errorBody struct {
	Error *rooms.Error `json:"error"`
}

func (s *Server) writeError(w http.ResponseWriter, err error) {
	e := rooms.AsError(err)
	if e.Code == rooms.CodeInternal {
		s.log.Error("request failed", "err", err)
	}
	if e.Code.Retryable() {
		w.Header().Set("Retry-After", "1")
	}
	if e.Code == rooms.CodeBodyTimeout {
		// What is left of the body on the wire must not be read as the
		// next request: the connection ends with this answer.
		w.Header().Set("Connection", "close")
	}
	s.metrics.rejected.WithLabelValues(string(e.Code)).Inc()
	writeJSON(w, httpStatus(e.Code), errorBody{Error: e})
}

func writeJSON(w http.ResponseWriter, status int, v any) {
	w.Header().Set("Content-Type", "application/json")
	w.Header().Set("Cache-Control", "no-store")
	w.WriteHeader(status)
	_ = json.NewEncoder(w).Encode(v)
}

// readJSON decodes a request body bounded by the message size limit.
func (s *Server) readJSON(w http.ResponseWriter, r *http.Request, v any) error {
	b, err := readBody(w, r, int64(s.cfg.MaxMessageBytes))
	if err != nil {
		return err
	}
	return decodeBody(b, v)
}

func (s *Server) allowHTTP(w http.ResponseWriter) bool {
	if s.httpLimiter.Allow() {
		return true
	}
	s.writeError(w, rooms.Errorf(rooms.CodeRateLimited, "too many requests; try again in a moment"))
	return false
}

// baseURL is where people reach this server: the configured public URL,
// or the scheme and host of the request.
func (s *Server) baseURL(r *http.Request) string {
	if s.cfg.PublicURL != "" {
		return strings.TrimSuffix(s.cfg.PublicURL, "/")
	}
	scheme := "http"
	if r.TLS != nil || r.Header.Get("X-Forwarded-Proto") == "https" {
		scheme = "https"
	}
	return scheme + "://" + r.Host
}

// RoomInfo is a room as anyone with its code may see it.
type RoomInfo struct {
	ID        string `json:"id"`
	Code      string `json:"code"`
	Title     string `json:"title"`
	Locked    bool   `json:"locked"`
	Ended     bool   `json:"ended"`
	ShowNames bool   `json:"showNames"`
	JoinURL   string `json:"joinUrl"`
	// Full is said by the look-up alone (handleRoomInfo), for a phone
	// refused as room_full to see when there is room again.
	Full bool `json:"full,omitempty"`
}

func (s *Server) roomInfo(r *http.Request, room rooms.Room) RoomInfo {
	return RoomInfo{ID: room.ID, Code: room.Code, Title: room.Title, Locked: room.Locked, Ended: room.Ended,
		ShowNames: room.ShowNames, JoinURL: s.baseURL(r) + "/j/" + room.Code}
}

// CreateRoomRequest is the body of POST /api/rooms.
type CreateRoomRequest struct {
	Title     string `json:"title"`
	ShowNames bool   `json:"showNames"`
	// Pack, when set, starts the room with a pack's exercises on its
	// agenda (and its title, when Title is empty): built-in or library.
	Pack string `json:"pack,omitempty"`
}

// CreateRoomResponse is the answer to POST /api/rooms.
type CreateRoomResponse struct {
	Room        RoomInfo `json:"room"`
	Facilitator struct {
		ID     string `json:"id"`
		Secret string `json:"secret"`
	} `json:"facilitator"`
}

func (s *Server) handleCreateRoom(w http.ResponseWriter, r *http.Request) {
	if !s.allowHTTP(w) {
		return
	}
	if s.cfg.HostKey != "" {
		scheme, key, _ := strings.Cut(r.Header.Get("Authorization"), " ")
		if !strings.EqualFold(scheme, "Bearer") || subtle.ConstantTimeCompare([]byte(strings.TrimSpace(key)), []byte(s.cfg.HostKey)) != 1 {
			s.writeError(w, rooms.Errorf(rooms.CodeHostKey, "creating a room on this server needs its host key"))
			return
		}
	}
	var req CreateRoomRequest
	if err := s.readJSON(w, r, &req); err != nil {
		s.writeError(w, err)
		return
	}
	opts := rooms.RoomOptions{Title: req.Title, ShowNames: req.ShowNames}
	var pack *packs.Pack
	if req.Pack != "" {
		// A library pack is the trainer's, notes and all; a built-in one
		// is in every copy of Huddle.
		if !packs.IsBuiltin(req.Pack) {
			if err := s.libraryOpen(r); err != nil {
				s.writeError(w, err)
				return
			}
		}
		e, err := s.packs.Get(r.Context(), req.Pack)
		if err != nil {
			if rooms.ErrorCode(err) == rooms.CodeNotFound {
				err = rooms.FieldError(rooms.CodeNotFound, "pack", "there is no pack %s", exercises.Quote(req.Pack))
			}
			s.writeError(w, err)
			return
		}
		// Packs are checked against the default limits; this server's may
		// be stricter. Check first, so no room is left half made.
		lim := s.cfg.ExerciseLimits()
		pack = atFloor(e.Pack, lim)
		if len(pack.Exercises) > lim.MaxItems {
			s.writeError(w, rooms.FieldError(rooms.CodeInvalid, "pack", "pack %s has %d exercises; an agenda on this server holds at most %d", exercises.Quote(pack.ID), len(pack.Exercises), lim.MaxItems))
			return
		}
		for i, spec := range pack.Exercises {
			if _, err := exercises.Validate(spec, lim); err != nil {
				s.writeError(w, rooms.FieldError(rooms.CodeInvalid, "pack", "exercise %d of pack %s does not fit this server's limits: %s", i+1, exercises.Quote(pack.ID), rooms.AsError(err).Message))
				return
			}
		}
		if strings.TrimSpace(opts.Title) == "" {
			opts.Title = pack.Title
		}
		opts.Pack, opts.PackTitle = pack.ID, pack.Title
	}
	created, err := s.svc.CreateRoomWith(r.Context(), opts)
	if err != nil {
		s.writeError(w, err)
		return
	}
	if pack != nil {
		if err := s.addPack(r.Context(), created, pack); err != nil {
			s.writeError(w, err)
			return
		}
	}
	s.metrics.roomsCreated.Inc()
	s.log.Info("room created", "room", created.Room.ID)
	var resp CreateRoomResponse
	resp.Room = s.roomInfo(r, created.Room)
	resp.Facilitator.ID = created.FacilitatorID
	resp.Facilitator.Secret = created.Secret.Reveal()
	writeJSON(w, http.StatusCreated, resp)
}

// atFloor is a copy of p in which each anonymous vote that asks for
// fewer responses than this server's floor (min-responses) asks for the
// floor: packs are made for the default floor, and an operator who
// raised it, so that a small group's answers stay theirs, should not lose
// the packs that kept to it; their results only stay hidden longer, as
// agenda.update raises an older vote's (exercises' raisedToFloor). Any
// other limit a pack breaks still refuses it. The library's pack is left
// as it is.
func atFloor(p *packs.Pack, lim exercises.Limits) *packs.Pack {
	cp := *p
	cp.Exercises = slices.Clone(p.Exercises)
	for i := range cp.Exercises {
		s := &cp.Exercises[i]
		if s.Kind.IsVote() && s.IsAnonymous() && s.MinResponses >= 1 && s.MinResponses < lim.MinAnonymous {
			s.MinResponses = lim.MinAnonymous
		}
	}
	return &cp
}

// addPack puts a pack's exercises on a new room's agenda, in order, as its
// facilitator would one by one.
func (s *Server) addPack(ctx context.Context, created *rooms.Created, p *packs.Pack) error {
	fac, _, err := s.svc.Authenticate(ctx, created.Room.ID, created.Secret)
	if err != nil {
		return err
	}
	for i, spec := range p.Exercises {
		data, err := json.Marshal(map[string]any{"spec": spec})
		if err != nil {
			return err
		}
		cmd := rooms.Command{ID: fmt.Sprintf("pack-%d", i), Type: exercises.CmdAgendaAdd, Data: data}
		out := s.svc.Execute(ctx, created.Room.ID, fac, cmd)
		// The room exists already: a store that failed for a moment
		// would leave it made and its maker without its secret. The
		// same command id is applied once however often it is sent.
		for wait := 50 * time.Millisecond; out.Code.Retryable() && wait <= 800*time.Millisecond; wait *= 2 {
			select {
			case <-ctx.Done():
				return rooms.Errorf(rooms.CodeUnavailable, "exercise %d of pack %s could not be added", i+1, exercises.Quote(p.ID))
			case <-time.After(wait):
			}
			out = s.svc.Execute(ctx, created.Room.ID, fac, cmd)
		}
		if out.Code != "" {
			return rooms.Errorf(out.Code, "exercise %d of pack %s could not be added", i+1, exercises.Quote(p.ID))
		}
	}
	return nil
}

// handleResults exports a room's results for its facilitator, who shows
// the room's secret as a bearer token: ?format=json (default), csv or md.
func (s *Server) handleResults(w http.ResponseWriter, r *http.Request) {
	if !s.allowHTTP(w) {
		return
	}
	room, err := s.facilitatorOf(r)
	if err != nil {
		s.writeError(w, err)
		return
	}
	st, err := s.store.Load(r.Context(), room.ID, "tok:")
	if err != nil {
		s.writeError(w, err)
		return
	}
	res, err := exercises.ExportResults(*room, st)
	if err != nil {
		s.writeError(w, err)
		return
	}
	s.writeResults(w, r, res, room.Code, nil)
}

// writeResults answers with results in the requested format; asJSON, when
// not nil, is the JSON form instead of res itself.
func (s *Server) writeResults(w http.ResponseWriter, r *http.Request, res *exercises.RoomResults, code string, asJSON any) {
	var body []byte
	var err error
	var ctype, ext string
	switch r.URL.Query().Get("format") {
	case "", "json":
		if asJSON != nil {
			body, err = json.MarshalIndent(asJSON, "", "  ")
		} else {
			body, err = res.JSON()
		}
		ctype, ext = "application/json", "json"
	case "csv":
		body, err = res.CSV()
		ctype, ext = "text/csv; charset=utf-8", "csv"
	case "md", "markdown":
		body, err = res.Markdown()
		ctype, ext = "text/markdown; charset=utf-8", "md"
	default:
		s.writeError(w, rooms.FieldError(rooms.CodeInvalid, "format", "format is json, csv or md"))
		return
	}
	if err != nil {
		s.writeError(w, err)
		return
	}
	w.Header().Set("Content-Type", ctype)
	w.Header().Set("Cache-Control", "no-store")
	w.Header().Set("Content-Disposition", fmt.Sprintf(`attachment; filename="huddle-%s-results.%s"`, code, ext))
	_, _ = w.Write(body)
}

func (s *Server) handleRoomInfo(w http.ResponseWriter, r *http.Request) {
	if !s.allowHTTP(w) {
		return
	}
	code, ok := rooms.NormalizeCode(r.PathValue("code"))
	if !ok {
		s.writeError(w, rooms.FieldError(rooms.CodeNotFound, "code", "there is no room with that code"))
		return
	}
	id, err := s.store.RoomByCode(r.Context(), code)
	if err != nil {
		if errors.Is(err, rooms.ErrRoomNotFound) {
			err = rooms.FieldError(rooms.CodeNotFound, "code", "there is no room with that code")
		}
		s.writeError(w, err)
		return
	}
	// The room and its participants in one read (one round trip on
	// Redis): through the service's store, as the wrapper Server.store
	// would hide its rooms.ViewReader.
	v, err := rooms.ReadView(r.Context(), s.svc.Store(), id, rooms.ViewQuery{
		Keys: []string{rooms.KeyRoom}, CounterKeys: []string{rooms.CounterParticipants}})
	if err != nil {
		s.writeError(w, err)
		return
	}
	var room rooms.Room
	if err := json.Unmarshal(v.Docs[0].Value, &room); err != nil {
		s.writeError(w, err)
		return
	}
	info := s.roomInfo(r, room)
	// Full only where a join would answer room_full: a locked or ended
	// room refuses a join for that first, and saying it is full too would
	// tell more than joining does (docs/protocol.md 2.5).
	info.Full = !room.Locked && !room.Ended && s.svc.Full(v.Counters[rooms.CounterParticipants])
	writeJSON(w, http.StatusOK, info)
}

// JoinRequest is the body of POST /api/join.
type JoinRequest struct {
	Code  string `json:"code"`
	Name  string `json:"name"`
	Token string `json:"token"`
	// Preview asks for the facilitator's test participant, whose answers
	// to votes are not counted; it needs the room's facilitator secret as
	// Authorization: Bearer.
	Preview bool `json:"preview,omitempty"`
}

// JoinResponse is the answer to POST /api/join.
type JoinResponse struct {
	Room   RoomInfo         `json:"room"`
	Member rooms.MemberView `json:"member"`
	Token  string           `json:"token"`
}

func (s *Server) handleJoin(w http.ResponseWriter, r *http.Request) {
	if !s.allowHTTP(w) {
		return
	}
	var req JoinRequest
	if err := s.readJSON(w, r, &req); err != nil {
		s.writeError(w, err)
		return
	}
	if req.Preview {
		if _, err := s.facilitatorIn(r, req.Code); err != nil {
			s.writeError(w, err)
			return
		}
	}
	j, err := s.svc.JoinAs(r.Context(), req.Code, req.Name, rooms.Secret(req.Token), req.Preview)
	if err != nil {
		s.writeError(w, err)
		return
	}
	s.metrics.joins.Inc()
	writeJSON(w, http.StatusOK, JoinResponse{
		Room:   s.roomInfo(r, j.Room),
		Member: j.Member.View(false),
		Token:  j.Token.Reveal(),
	})
}

func (s *Server) handleHealthz(w http.ResponseWriter, r *http.Request) {
	writeJSON(w, http.StatusOK, map[string]string{"status": "ok"})
}

func (s *Server) handleReadyz(w http.ResponseWriter, r *http.Request) {
	s.mu.Lock()
	draining := s.draining
	s.mu.Unlock()
	if draining {
		writeJSON(w, http.StatusServiceUnavailable, map[string]string{"status": "draining"})
		return
	}
	ctx, cancel := contextTimeout(r, 2*time.Second)
	defer cancel()
	if err := s.store.Ping(ctx); err != nil {
		writeJSON(w, http.StatusServiceUnavailable, map[string]string{"status": "store unavailable"})
		return
	}
	writeJSON(w, http.StatusOK, map[string]string{"status": "ready"})
}

// staticHandler serves the embedded web app, with index.html for app
// routes such as /j/CODE, or the placeholder page when it was not built.
func (s *Server) staticHandler() http.Handler {
	dist := frontend.Dist()
	index, err := fs.ReadFile(dist, "index.html")
	if err != nil {
		index = frontend.Placeholder()
	}
	files := http.FileServerFS(dist)
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.Method != http.MethodGet && r.Method != http.MethodHead {
			w.Header().Set("Allow", "GET, HEAD")
			http.Error(w, "method not allowed", http.StatusMethodNotAllowed)
			return
		}
		p := strings.TrimPrefix(path.Clean(r.URL.Path), "/")
		if p != "" && p != "index.html" {
			if st, err := fs.Stat(dist, p); err == nil && !st.IsDir() {
				if strings.HasPrefix(p, "assets/") {
					w.Header().Set("Cache-Control", "public, max-age=31536000, immutable")
				}
				files.ServeHTTP(w, r)
				return
			}
		}
		w.Header().Set("Content-Type", "text/html; charset=utf-8")
		w.Header().Set("Cache-Control", "no-cache")
		// A second guard, after the app's own rule of never rendering user
		// text as HTML: only the app's own scripts run.
		// WebSockets to this same host are named outright: older Safari
		// does not count ws: under 'self'.
		ws := ""
		if plainHost(r.Host) {
			ws = "ws://" + r.Host + " wss://" + r.Host
		}
		w.Header().Set("Content-Security-Policy", "default-src 'self'; img-src 'self' data:; style-src 'self' 'unsafe-inline'; connect-src 'self' "+ws+"; frame-ancestors 'none'; base-uri 'none'; form-action 'self'")
		_, _ = w.Write(index)
	})
}

// plainHost reports whether h is only a host name or address and port,
// safe to repeat inside a header.
func plainHost(h string) bool {
	if h == "" || len(h) > 255 {
		return false
	}
	for _, c := range h {
		if !(c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || strings.ContainsRune(".-:[]", c)) {
			return false
		}
	}
	return true
}
