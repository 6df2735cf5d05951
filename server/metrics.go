package server

import (
	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/collectors"
)

// metrics are the node's Prometheus metrics. They carry command types and
// results, never a room, member, token or answer.
type metrics struct {
	reg          *prometheus.Registry
	connections  prometheus.Gauge
	roomsCreated prometheus.Counter
	sessionsKept prometheus.Counter
	joins        prometheus.Counter
	commands     *prometheus.CounterVec
	evictions    prometheus.Counter
	closes       *prometheus.CounterVec
	frames       prometheus.Counter
	batched      prometheus.Counter
	fanout       prometheus.Histogram
	rejected     *prometheus.CounterVec
}

func newMetrics(liveRooms func() float64) *metrics {
	reg := prometheus.NewRegistry()
	m := &metrics{
		reg: reg,
		connections: prometheus.NewGauge(prometheus.GaugeOpts{
			Name: "huddle_connections", Help: "Open WebSocket connections on this node.",
		}),
		roomsCreated: prometheus.NewCounter(prometheus.CounterOpts{
			Name: "huddle_rooms_created_total", Help: "Rooms created through this node.",
		}),
		sessionsKept: prometheus.NewCounter(prometheus.CounterOpts{
			Name: "huddle_sessions_kept_total", Help: "Ended rooms whose results this node kept as sessions.",
		}),
		joins: prometheus.NewCounter(prometheus.CounterOpts{
			Name: "huddle_joins_total", Help: "Participants admitted through this node.",
		}),
		commands: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "huddle_commands_total", Help: "Client commands by type and result (ok or an error code).",
		}, []string{"type", "result"}),
		evictions: prometheus.NewCounter(prometheus.CounterOpts{
			Name: "huddle_send_queue_evictions_total", Help: "Connections given up as slow clients, once each, closed with 4000: their send queue went over send-queue-bytes, its oldest message or a write waited longer than send-queue-age, or more than 1 MiB waited for them while they attached.",
		}),
		closes: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "huddle_ws_closes_total", Help: "WebSocket connections that ended, once each, by the first reason given: peer_closed when the client closed or the connection broke, else the reason the server closed it for.",
		}, []string{"reason"}),
		frames: prometheus.NewCounter(prometheus.CounterOpts{
			Name: "huddle_ws_frames_sent_total", Help: "WebSocket frames written (each packs one or more messages).",
		}),
		batched: prometheus.NewCounter(prometheus.CounterOpts{
			Name: "huddle_ws_writes_batched_total", Help: "Writes to phones' sockets made together, one io_uring submission per up to 64 (batch-writes), that the socket took bytes of; 0 where the kernel refuses io_uring.",
		}),
		fanout: prometheus.NewHistogram(prometheus.HistogramOpts{
			Name:    "huddle_fanout_latency_seconds",
			Help:    "Time from an event's publication by the store to its being queued for every recipient on this node.",
			Buckets: []float64{.0001, .00025, .0005, .001, .0025, .005, .01, .025, .05, .1, .25, .5, 1, 2.5},
		}),
		rejected: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "huddle_http_rejected_total", Help: "HTTP requests and WebSocket upgrades refused, by error code.",
		}, []string{"code"}),
	}
	reg.MustRegister(m.connections, m.roomsCreated, m.sessionsKept, m.joins, m.commands, m.evictions, m.closes, m.frames, m.batched, m.fanout, m.rejected,
		prometheus.NewGaugeFunc(prometheus.GaugeOpts{
			Name: "huddle_rooms_live", Help: "Rooms with members connected to this node.",
		}, liveRooms),
		collectors.NewGoCollector(),
		collectors.NewProcessCollector(collectors.ProcessCollectorOpts{}),
	)
	return m
}
