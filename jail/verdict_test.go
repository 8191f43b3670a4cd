package jail

import (
	"strconv"
	"strings"
	"syscall"
	"testing"
)

// Wait statuses as the kernel encodes them.
func exitedWith(code int) syscall.WaitStatus         { return syscall.WaitStatus(code << 8) }
func killedBy(sig syscall.Signal) syscall.WaitStatus { return syscall.WaitStatus(sig) }

func TestDecideOrder(t *testing.T) {
	okReport := parseReport(frameBytes(`{"status":"ok","value":1}`))
	memReport := parseReport(frameBytes(`{"status":"error","error":{"type":"MemoryError","message":""}}`))
	started := report{Started: true}
	cases := []struct {
		name string
		o    outcome
		want Status
		also string // Limit, Stream, Syscall or Signal, whichever applies
	}{
		{"ok", outcome{Report: okReport}, StatusOK, ""},
		{"setup failure beats everything", outcome{SetupErr: "rootfs: x", Report: okReport, OOMKills: 1}, StatusInternal, ""},
		{"a timeout is never ok", outcome{Killed: &killReason{Status: StatusTimeout, Limit: "wall"}, Report: okReport}, StatusTimeout, "wall"},
		{"cpu timeout", outcome{Killed: &killReason{Status: StatusTimeout, Limit: "cpu"}, Status: killedBy(syscall.SIGKILL), Report: started}, StatusTimeout, "cpu"},
		{"violation after start", outcome{Killed: &killReason{Status: StatusViolation, Syscall: "socket"}, Report: okReport}, StatusViolation, "socket"},
		{"violation before start is ours", outcome{Killed: &killReason{Status: StatusViolation, Syscall: "socket"}}, StatusInternal, ""},
		{"OOM kill beats a forged ok", outcome{OOMKills: 1, Status: killedBy(syscall.SIGKILL), Report: okReport}, StatusMemory, ""},
		{"MemoryError", outcome{Report: memReport}, StatusMemory, ""},
		{"output flood", outcome{Killed: &killReason{Status: StatusOutput, Stream: "stdout"}, Status: killedBy(syscall.SIGKILL), Report: started}, StatusOutput, "stdout"},
		{"segfault", outcome{Status: killedBy(syscall.SIGSEGV), Report: okReport}, StatusCrash, "SIGSEGV"},
		{"ok then died", outcome{Status: killedBy(syscall.SIGABRT), Report: okReport}, StatusCrash, "SIGABRT"},
		{"SIGSYS from the filter", outcome{Status: killedBy(syscall.SIGSYS), Report: started}, StatusViolation, "unknown (non-native system call ABI)"},
		{"RLIMIT_CPU's SIGKILL", outcome{Status: killedBy(syscall.SIGKILL), CPUOver: true, Report: started}, StatusTimeout, "cpu"},
		{"CPU over, exited between samples", outcome{CPUOver: true, Report: okReport}, StatusTimeout, "cpu"},
		{"peak over the limit (no cgroup)", outcome{MemoryPeak: 300 << 20, MemoryLimit: 256 << 20, Report: okReport}, StatusMemory, ""},
		{"peak at the limit (cgroup)", outcome{MemoryPeak: 256 << 20, MemoryLimit: 256 << 20, Report: okReport}, StatusOK, ""},
		{"exit without result", outcome{Status: exitedWith(0), Report: started}, StatusError, ""},
		{"frame then exit 3", outcome{Status: exitedWith(3), Report: okReport}, StatusError, ""},
		{"python never started", outcome{Status: exitedWith(1)}, StatusInternal, ""},
		{"tampered channel", outcome{Report: report{Started: true, Problem: "data follows the frame"}}, StatusError, ""},
		{"value over the cap", outcome{Report: parseReport(frameBytes(`{"status":"ok","value":"0123456789"}`)), ResultCap: 5}, StatusOutput, "result"},
	}
	for _, c := range cases {
		r := decide(c.o)
		also := r.Limit + r.Stream + r.Syscall + r.Signal
		if r.Status != c.want || also != c.also {
			t.Errorf("%s: got %s %q, want %s %q", c.name, r.Status, also, c.want, c.also)
		}
	}
}

func TestExitCodes(t *testing.T) {
	want := map[Status]int{
		StatusOK: 0, StatusError: 1, StatusPolicy: 1, StatusTimeout: 3, StatusMemory: 3,
		StatusOutput: 3, StatusViolation: 4, StatusCrash: 4, StatusInternal: 125,
	}
	for s, code := range want {
		if got := s.ExitCode(); got != code {
			t.Errorf("%s: exit %d, want %d", s, got, code)
		}
	}
}

// TestResultCapHoldsAfterCleaning: a value that fits the cap as written
// but grows past it when cleaned (invalid bytes become U+FFFD) is over
// the cap; found by FuzzCleanValue's size bound.
func TestResultCapHoldsAfterCleaning(t *testing.T) {
	raw := []byte("\"" + strings.Repeat("\xff", 90) + "\"")
	body := []byte(`{"status":"ok","value":` + string(raw) + `}`)
	rep := parseReport([]byte("S" + strconv.Itoa(len(body)) + "\n" + string(body)))
	if rep.Frame == nil || rep.Frame.RawLen != len(raw) || len(rep.Frame.Value) <= 100 {
		t.Fatalf("setup: want a frame whose value grows past 100 bytes when cleaned: %+v", rep)
	}
	for _, c := range []struct {
		cap  int64
		want Status
	}{{100, StatusOutput}, {int64(len(rep.Frame.Value)), StatusOK}} {
		res := decide(outcome{Report: rep, ResultCap: c.cap})
		if res.Status != c.want {
			t.Errorf("cap %d: status %s, want %s", c.cap, res.Status, c.want)
		}
	}
}
