//go:build linux

package loadgen

import (
	"os/exec"
	"slices"
	"strings"
	"testing"
	"time"
)

// A run reports the CPU each other process named took over the measured
// time, by name, and the deployment's total with the server's; a process
// gone by the end is reported as gone, its CPU unknown and not counted.
func TestProcReportsOtherProcesses(t *testing.T) {
	busy := exec.Command("sh", "-c", "while :; do :; done")
	if err := busy.Start(); err != nil {
		t.Skip("no sh:", err)
	}
	defer func() {
		_ = busy.Process.Kill()
		_ = busy.Wait()
	}()
	short := exec.Command("sleep", "0.05")
	if err := short.Start(); err != nil {
		t.Skip("no sleep:", err)
	}
	p := StartProc(0, busy.Process.Pid, short.Process.Pid)
	_ = short.Wait() // reaped: its /proc entry is gone before Stop
	time.Sleep(400 * time.Millisecond)
	r := p.Stop()
	if len(r.Others) != 2 {
		t.Fatalf("others %+v, want the busy shell and the ended sleep", r.Others)
	}
	o, gone := r.Others[0], r.Others[1]
	if o.PID != busy.Process.Pid || o.Gone || !strings.HasSuffix(o.Name, "sh") {
		t.Errorf("reported %+v, want pid %d (sh)", o, busy.Process.Pid)
	}
	if gone.PID != short.Process.Pid || !gone.Gone || gone.CPU != 0 {
		t.Errorf("reported %+v, want pid %d gone", gone, short.Process.Pid)
	}
	// A spinning shell for 400 ms: some of it on a CPU (the machine may
	// be busy), never more than the time.
	if o.CPU < 20*time.Millisecond || o.CPU > r.Wall+20*time.Millisecond {
		t.Errorf("busy shell CPU %s in %s", o.CPU, r.Wall)
	}
	if r.DeploymentCPU() != r.CPU+o.CPU {
		t.Errorf("deployment CPU %s, want the server's %s and the shell's %s", r.DeploymentCPU(), r.CPU, o.CPU)
	}
	// The spinning shell alone keeps the machine busy part of the time.
	if r.Cores < 1 || r.Busy <= 0 || r.Busy > 1 {
		t.Errorf("machine %d cores %.2f busy, want a share of a spinning shell", r.Cores, r.Busy)
	}
}

// The machine's busy share counts every field of /proc/stat's cpu line
// but idle and iowait, and its cores are the cpuN lines.
func TestMachineBusy(t *testing.T) {
	was, err := parseMachine("cpu  100 0 50 800 50 0 0 0 0 0\ncpu0 50 0 25 400 25 0 0 0 0 0\ncpu1 50 0 25 400 25 0 0 0 0 0\nintr 1 2\n")
	if err != nil {
		t.Fatal(err)
	}
	// 300 jiffies later: 225 busy (user 150, system 40, softirq 20,
	// steal 15), 75 idle (idle 70, iowait 5).
	now, err := parseMachine("cpu  250 0 90 870 55 0 20 15 0 0\ncpu0 125 0 45 435 28 0 10 8 0 0\ncpu1 125 0 45 435 27 0 10 7 0 0\n")
	if err != nil {
		t.Fatal(err)
	}
	if now.cores != 2 {
		t.Errorf("cores %d, want 2", now.cores)
	}
	if got := now.busySince(was); got != 0.75 {
		t.Errorf("busy %.3f, want 0.75", got)
	}
	if _, err := parseMachine("intr 1 2\n"); err == nil {
		t.Error("no cpu lines: no error")
	}
}

// No process's CPU is counted twice: the server's pid, repeats and
// unknown ones are dropped from the others.
func TestOthersDropsRepeats(t *testing.T) {
	if got := others(7, []int{8, 7, 0, 9, 8}); !slices.Equal(got, []int{8, 9}) {
		t.Errorf("others = %v, want [8 9]", got)
	}
}

// The network counters: each CPU's packets dropped by a full input queue
// (softnet_stat's second column, hex) summed, and TCP's RetransSegs.
func TestNetCounts(t *testing.T) {
	got, err := parseSoftnetDrops("006a58bb 000042ee 00000000 00000000\n006cc2c8 0000240a 00000000 00000001\n")
	if err != nil || got != 0x42ee+0x240a {
		t.Errorf("softnet drops %d, %v; want %d", got, err, 0x42ee+0x240a)
	}
	if _, err := parseSoftnetDrops(""); err == nil {
		t.Error("empty softnet_stat: no error")
	}
	snmp := "Ip: Forwarding DefaultTTL\nIp: 1 64\n" +
		"Tcp: RtoAlgorithm RtoMin RtoMax MaxConn ActiveOpens PassiveOpens AttemptFails EstabResets CurrEstab InSegs OutSegs RetransSegs InErrs OutRsts InCsumErrors\n" +
		"Tcp: 1 200 120000 -1 50123 50110 3 7 12 9876543 9988776 27324 0 11 0\n" +
		"Udp: InDatagrams NoPorts\nUdp: 5 0\n"
	if got, err := parseRetransSegs(snmp); err != nil || got != 27324 {
		t.Errorf("RetransSegs %d, %v; want 27324", got, err)
	}
	if _, err := parseRetransSegs("Ip: Forwarding\nIp: 1\n"); err == nil {
		t.Error("no Tcp lines: no error")
	}
	// This machine's, over a moment: read, and never negative.
	p := StartProc(0)
	r := p.Stop()
	if r.Network == nil || r.Network.Dropped < 0 || r.Network.Resent < 0 || r.Network.Backlog <= 0 {
		t.Errorf("network %+v, want this machine's counters", r.Network)
	}
}
