//go:build linux

package loadgen

import (
	"os/exec"
	"strings"
	"testing"
	"time"
)

// A run reports the CPU each other process named took over the measured
// time, by name, and the deployment's total with the server's; a process
// that is gone by the end is left out rather than reported as nothing.
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
	if len(r.Others) != 1 {
		t.Fatalf("others %+v, want only the busy shell", r.Others)
	}
	o := r.Others[0]
	if o.PID != busy.Process.Pid || !strings.HasSuffix(o.Name, "sh") {
		t.Errorf("reported pid %d (%s), want %d (sh)", o.PID, o.Name, busy.Process.Pid)
	}
	// 400 ms of a spinning shell: most of it on a CPU, never more.
	if o.CPU < 100*time.Millisecond || o.CPU > r.Wall+20*time.Millisecond {
		t.Errorf("busy shell CPU %s in %s", o.CPU, r.Wall)
	}
	if r.DeploymentCPU() != r.CPU+o.CPU {
		t.Errorf("deployment CPU %s, want the server's %s and the shell's %s", r.DeploymentCPU(), r.CPU, o.CPU)
	}
}
