package lrm

import (
	"context"
	"fmt"
	"log/slog"
	"os/exec"
	"sync"
	"sync/atomic"
	"syscall"
	"testing"
	"time"
)

func quietExec(b *testing.B, cfg Config) *Executor {
	b.Helper()
	cfg.OCFRoot = "testdata/ocf"
	cfg.Logger = slog.New(slog.DiscardHandler)
	cfg.Env = map[string]string{"HA_RSCTMP": b.TempDir()}
	e := New(cfg)
	b.Cleanup(e.Close)
	return e
}

// BenchmarkExecOverhead measures what the executor adds to an operation
// beyond the agent's own run time (fork/exec and wait included in the
// latter): queueing, locks, agent lookup, environment, output handling,
// history. Target: under 2 ms. bare-exec-ms is os/exec running the same
// agent with nothing else, for scale.
func BenchmarkExecOverhead(b *testing.B) {
	e := quietExec(b, Config{})
	ctx := context.Background()
	op := Op{Resource: "r", Agent: "ocf:pacertest:True", Action: "monitor", Params: map[string]string{"a": "1", "b": "2"},
		Meta: map[string]string{"clone-max": "2"}}
	var overhead, agent time.Duration
	cpu0 := cpuSelf()
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		t0 := time.Now()
		r := e.Exec(ctx, op)
		total := time.Since(t0)
		if !r.OK() {
			b.Fatalf("%s", r)
		}
		overhead += total - r.ExecTime
		agent += r.ExecTime
	}
	b.StopTimer()
	cpu := cpuSelf() - cpu0
	var bare time.Duration
	const n = 50
	bcpu0 := cpuSelf()
	for i := 0; i < n; i++ {
		t0 := time.Now()
		if err := exec.Command("testdata/ocf/resource.d/pacertest/True", "monitor").Run(); err != nil {
			b.Fatal(err)
		}
		bare += time.Since(t0)
	}
	bcpu := cpuSelf() - bcpu0
	b.ReportMetric(float64(overhead.Microseconds())/float64(b.N)/1000, "overhead-ms/op")
	b.ReportMetric(float64(agent.Microseconds())/float64(b.N)/1000, "agent-ms/op")
	b.ReportMetric(float64(bare.Microseconds())/n/1000, "bare-exec-ms")
	b.ReportMetric(float64(cpu.Microseconds())/float64(b.N)/1000, "cpu-ms/op")
	b.ReportMetric(float64(bcpu.Microseconds())/n/1000, "bare-exec-cpu-ms")
}

// BenchmarkRecurring1000 runs 1000 recurring monitors at a 10 s interval
// (first runs spread over one interval, as resources start at different
// times) and measures the executor's own CPU (this process; the agents'
// CPU is their own) over one full interval once all are running. Target:
// under 5% of one core. cpu%-beyond-spawn subtracts what spawning the same
// number of processes with plain os/exec costs this process (spawn-cpu-ms
// each, measured right after under the same load): that part is the
// kernel's and Go runtime's price of fork/exec/wait, paid by any executor.
func BenchmarkRecurring1000(b *testing.B) {
	const (
		n        = 1000
		interval = 10 * time.Second
	)
	for i := 0; i < b.N; i++ {
		e := quietExec(b, Config{})
		var runs atomic.Int64
		var started sync.WaitGroup
		started.Add(n)
		for j := 0; j < n; j++ {
			var once sync.Once
			op := Op{Resource: fmt.Sprintf("rsc%04d", j), Agent: "ocf:pacertest:True", Action: "monitor",
				Interval: interval, StartDelay: time.Duration(j) * interval / n}
			if err := e.StartRecurring(op, func(r Result) {
				runs.Add(1)
				if !r.OK() {
					b.Errorf("%s", r)
				}
				once.Do(started.Done)
			}); err != nil {
				b.Fatal(err)
			}
		}
		started.Wait()
		u0, t0 := cpuSelf(), time.Now()
		time.Sleep(interval)
		cpu, wall := cpuSelf()-u0, time.Since(t0)
		e.Close()
		// The price of spawning a process from Go at all, measured now
		// under the same load: what any executor pays per agent run.
		spawn := bareSpawnCPU(b, 100)
		ops := float64(n) * wall.Seconds() / interval.Seconds()
		b.ReportMetric(100*cpu.Seconds()/wall.Seconds(), "cpu%-of-core")
		b.ReportMetric(100*(cpu.Seconds()-ops*spawn.Seconds())/wall.Seconds(), "cpu%-beyond-spawn")
		b.ReportMetric(float64(spawn.Microseconds())/1000, "spawn-cpu-ms")
		b.ReportMetric(float64(n)/interval.Seconds(), "monitors/s")
		if runs.Load() != n {
			b.Errorf("%d reports for %d steady monitors: only changes should be reported", runs.Load(), n)
		}
	}
}

// bareSpawnCPU is this process's CPU per plain os/exec run of the
// benchmark agent.
func bareSpawnCPU(b *testing.B, n int) time.Duration {
	c0 := cpuSelf()
	for i := 0; i < n; i++ {
		if err := exec.Command("testdata/ocf/resource.d/pacertest/True", "monitor").Run(); err != nil {
			b.Fatal(err)
		}
	}
	return (cpuSelf() - c0) / time.Duration(n)
}

func cpuSelf() time.Duration {
	var ru syscall.Rusage
	_ = syscall.Getrusage(syscall.RUSAGE_SELF, &ru)
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}

// BenchmarkListAgents is what TAB completion costs: a directory listing.
// Target: under 100 ms even the first time.
func BenchmarkListAgents(b *testing.B) {
	l := DefaultLocator()
	for i := 0; i < b.N; i++ {
		if _, err := l.List("ocf", "heartbeat"); err != nil {
			b.Skip(err)
		}
		if _, err := l.List("stonith", ""); err != nil {
			b.Fatal(err)
		}
	}
}
