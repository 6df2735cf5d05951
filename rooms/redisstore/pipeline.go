package redisstore

import (
	"context"
	"sync/atomic"

	"github.com/redis/go-redis/v9"
)

// commander is what the store sends its commands through: the scripts,
// and the few plain commands it uses besides them.
type commander interface {
	redis.Scripter
	Get(ctx context.Context, key string) *redis.StringCmd
	HMGet(ctx context.Context, key string, fields ...string) *redis.SliceCmd
	Exists(ctx context.Context, keys ...string) *redis.IntCmd
	ZAddGT(ctx context.Context, key string, members ...redis.Z) *redis.IntCmd
	ZRange(ctx context.Context, key string, start, stop int64) *redis.StringSliceCmd
	Ping(ctx context.Context) *redis.StatusCmd
}

var (
	_ commander = (*redis.Client)(nil)
	_ commander = (*redis.AutoPipeliner)(nil)
	_ commander = (*pipelining)(nil)
)

// pipelining sends a command straight on a pooled connection when it is
// the only one the node has in flight, and through go-redis's
// AutoPipeliner when others are: under load, the commands issued while a
// batch is out go together in the next one, so Redis and the node make
// one read and one write system call per batch rather than per command.
// A lone command skips the pipeliner's hand-offs between goroutines
// (about 50 µs a command here: BenchmarkApplyVote 183 → 232 µs with every
// command pipelined).
//
// Both calls block until the command has run, so a caller's commands stay
// in its order; commands of different callers had no order before either
// (a pool of connections).
type pipelining struct {
	direct   *redis.Client
	batched  *redis.AutoPipeliner
	inFlight atomic.Int64
}

// pick returns where the next command goes; done must follow it.
func (p *pipelining) pick() commander {
	if p.inFlight.Add(1) == 1 {
		return p.direct
	}
	return p.batched
}

func (p *pipelining) done() { p.inFlight.Add(-1) }

func (p *pipelining) Eval(ctx context.Context, script string, keys []string, args ...any) *redis.Cmd {
	defer p.done()
	return p.pick().Eval(ctx, script, keys, args...)
}

func (p *pipelining) EvalSha(ctx context.Context, sha1 string, keys []string, args ...any) *redis.Cmd {
	defer p.done()
	return p.pick().EvalSha(ctx, sha1, keys, args...)
}

func (p *pipelining) EvalRO(ctx context.Context, script string, keys []string, args ...any) *redis.Cmd {
	defer p.done()
	return p.pick().EvalRO(ctx, script, keys, args...)
}

func (p *pipelining) EvalShaRO(ctx context.Context, sha1 string, keys []string, args ...any) *redis.Cmd {
	defer p.done()
	return p.pick().EvalShaRO(ctx, sha1, keys, args...)
}

func (p *pipelining) ScriptExists(ctx context.Context, hashes ...string) *redis.BoolSliceCmd {
	defer p.done()
	return p.pick().ScriptExists(ctx, hashes...)
}

func (p *pipelining) ScriptLoad(ctx context.Context, script string) *redis.StringCmd {
	defer p.done()
	return p.pick().ScriptLoad(ctx, script)
}

func (p *pipelining) Get(ctx context.Context, key string) *redis.StringCmd {
	defer p.done()
	return p.pick().Get(ctx, key)
}

func (p *pipelining) HMGet(ctx context.Context, key string, fields ...string) *redis.SliceCmd {
	defer p.done()
	return p.pick().HMGet(ctx, key, fields...)
}

func (p *pipelining) Exists(ctx context.Context, keys ...string) *redis.IntCmd {
	defer p.done()
	return p.pick().Exists(ctx, keys...)
}

func (p *pipelining) ZAddGT(ctx context.Context, key string, members ...redis.Z) *redis.IntCmd {
	defer p.done()
	return p.pick().ZAddGT(ctx, key, members...)
}

func (p *pipelining) ZRange(ctx context.Context, key string, start, stop int64) *redis.StringSliceCmd {
	defer p.done()
	return p.pick().ZRange(ctx, key, start, stop)
}

func (p *pipelining) Ping(ctx context.Context) *redis.StatusCmd {
	defer p.done()
	return p.pick().Ping(ctx)
}

// pipelineOptions are the pipeliner's: go-redis's defaults for the
// blocking face (one ordered stream, batches of up to 300 commands or
// 128 KiB), full duplex. Half duplex sends a batch only once the one
// before is answered, and holds a few stragglers for up to a few
// milliseconds to make deeper batches: at 2,000 votes a second over two
// nodes its acks were slower than with no pipeline at all (vote-2000 ack
// p99 60–93 ms against 40–45 ms). Full duplex writes what is queued at
// once on one connection while a reader takes the replies in order: no
// hold, and the same saving under load (rooms-1000x10: node CPU 8.8–9.2
// s against 9.1–10.5 s half duplex, Redis the same).
func pipelineOptions() *redis.AutoPipelineOptions {
	o := redis.DefaultBlockingAutoPipelineOptions()
	o.FullDuplex = true
	return o
}
