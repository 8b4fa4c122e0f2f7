//go:build linux

// benchpaging measure and quiet: process figures from /proc and waitid.

package main

import (
	"bytes"
	"errors"
	"flag"
	"fmt"
	"os"
	"os/exec"
	"os/signal"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"syscall"
	"time"
	"unsafe"
)

// clockTicks is USER_HZ, the unit of the times in /proc/<pid>/stat. It is
// 100 on every Linux architecture Go supports.
const clockTicks = 100

func runMeasure(args []string) int {
	fs := flag.NewFlagSet("measure", flag.ExitOnError)
	out := fs.String("o", "", "append the figures to this file (required)")
	poll := fs.Duration("poll", 20*time.Millisecond, "sample the command's VmHWM this often (0: never)")
	label := fs.String("label", "", "label written with the figures")
	timeout := fs.Duration("timeout", 0, "interrupt the command (SIGINT, then SIGKILL 30 s later) after this long; 0: never")
	_ = fs.Parse(args)
	argv := fs.Args()
	if *out == "" || len(argv) == 0 {
		usage()
	}

	cmd := exec.Command(argv[0], argv[1:]...)
	// The *os.File values are inherited as they are: the child writes to the
	// very same descriptors (go-plugin reads its handshake line from them).
	cmd.Stdin, cmd.Stdout, cmd.Stderr = os.Stdin, os.Stdout, os.Stderr
	busy0, _ := machineBusy()
	start := time.Now()
	if err := cmd.Start(); err != nil {
		fmt.Fprintln(os.Stderr, "benchpaging measure:", err)
		return 127
	}
	pid := cmd.Process.Pid

	// SIGINT reaches the child from the terminal's process group anyway, and
	// go-plugin's servers count interrupts; pass on the others.
	sigs := make(chan os.Signal, 4)
	signal.Notify(sigs, syscall.SIGINT, syscall.SIGTERM, syscall.SIGHUP, syscall.SIGQUIT)
	go func() {
		for s := range sigs {
			if s != syscall.SIGINT {
				_ = cmd.Process.Signal(s)
			}
		}
	}()

	if *timeout > 0 {
		t := time.AfterFunc(*timeout, func() {
			fmt.Fprintf(os.Stderr, "benchpaging measure: %s still running after %s: interrupting it\n", argv[0], *timeout)
			_ = cmd.Process.Signal(syscall.SIGINT)
			time.AfterFunc(30*time.Second, func() { _ = cmd.Process.Kill() })
		})
		defer t.Stop()
	}

	var hwm atomic.Int64
	stop := make(chan struct{})
	var wg sync.WaitGroup
	if *poll > 0 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			t := time.NewTicker(*poll)
			defer t.Stop()
			for {
				if kb, ok := readHWM(pid); ok && kb > hwm.Load() {
					hwm.Store(kb)
				}
				select {
				case <-stop:
					return
				case <-t.C:
				}
			}
		}()
	}

	// Wait until the child has exited without reaping it: its
	// /proc/<pid>/stat then still holds its final CPU times, its own apart
	// from those of the children it waited for.
	zombieErr := waitExitedNoReap(pid)
	wall := time.Since(start)
	busy1, busyErr := machineBusy()
	close(stop)
	wg.Wait()
	st, statErr := readStat(pid)
	if zombieErr != nil {
		statErr = zombieErr
	}
	waitErr := cmd.Wait()
	signal.Stop(sigs)

	code := 0
	if waitErr != nil {
		var ee *exec.ExitError
		if !errors.As(waitErr, &ee) {
			fmt.Fprintln(os.Stderr, "benchpaging measure:", waitErr)
			return 127
		}
		code = ee.ExitCode()
		if ws, ok := ee.Sys().(syscall.WaitStatus); ok && ws.Signaled() {
			code = 128 + int(ws.Signal())
		}
	}
	ru, _ := cmd.ProcessState.SysUsage().(*syscall.Rusage)
	var self syscall.Rusage
	_ = syscall.Getrusage(syscall.RUSAGE_SELF, &self)

	var b strings.Builder
	if *label != "" {
		fmt.Fprintf(&b, "label=%s ", *label)
	}
	fmt.Fprintf(&b, "pid=%d exit=%d wall_s=%.4f", pid, code, wall.Seconds())
	if ru != nil {
		// wait4: the process and every descendant it waited for; ru_maxrss is
		// the largest of their peaks.
		fmt.Fprintf(&b, " tree_cpu_s=%.4f tree_maxrss_kb=%d", tvSec(ru.Utime)+tvSec(ru.Stime), ru.Maxrss)
	}
	if statErr == nil {
		fmt.Fprintf(&b, " self_cpu_s=%.2f children_cpu_s=%.2f", float64(st.utime+st.stime)/clockTicks, float64(st.cutime+st.cstime)/clockTicks)
	} else {
		fmt.Fprintf(&b, " stat_error=%q", statErr.Error())
	}
	fmt.Fprintf(&b, " hwm_kb=%d wrapper_cpu_s=%.4f wrapper_maxrss_kb=%d", hwm.Load(), tvSec(self.Utime)+tvSec(self.Stime), self.Maxrss)
	if busyErr == nil {
		// Every process's CPU time during the run, to tell a quiet machine
		// from a shared one.
		fmt.Fprintf(&b, " machine_busy_s=%.2f", busy1-busy0)
	}
	b.WriteString("\n")
	if err := appendLine(*out, b.String()); err != nil {
		fmt.Fprintln(os.Stderr, "benchpaging measure:", err)
	}
	return code
}

func tvSec(tv syscall.Timeval) float64 { return float64(tv.Sec) + float64(tv.Usec)/1e6 }

func appendLine(path, line string) error {
	f, err := os.OpenFile(path, os.O_WRONLY|os.O_APPEND|os.O_CREATE, 0o644)
	if err != nil {
		return err
	}
	_, err = f.WriteString(line) // one write: lines of concurrent writers do not mix
	if cerr := f.Close(); err == nil {
		err = cerr
	}
	return err
}

// waitExitedNoReap blocks until pid has exited, leaving it a zombie:
// waitid(P_PID, pid, WEXITED|WNOWAIT), as os/exec itself does before wait4.
func waitExitedNoReap(pid int) error {
	const (
		pPID    = 1
		wEXITED = 0x4
		wNOWAIT = 0x1000000
	)
	var info [128]byte // siginfo_t
	for {
		_, _, errno := syscall.Syscall6(syscall.SYS_WAITID, pPID, uintptr(pid), uintptr(unsafe.Pointer(&info[0])), wEXITED|wNOWAIT, 0, 0)
		if errno == syscall.EINTR {
			continue
		}
		if errno != 0 {
			return fmt.Errorf("waitid: %w", errno)
		}
		return nil
	}
}

// machineBusy is the CPU time, in seconds, the machine's CPUs have spent
// running processes since boot (/proc/stat: user, nice and system; not
// interrupts, which serve everyone's network traffic, nor steal).
func machineBusy() (float64, error) {
	b, err := os.ReadFile("/proc/stat")
	if err != nil {
		return 0, err
	}
	line, _, _ := strings.Cut(string(b), "\n")
	f := strings.Fields(line)
	if len(f) < 8 || f[0] != "cpu" {
		return 0, errors.New("malformed /proc/stat")
	}
	var busy int64
	for _, v := range f[1:4] { // guest time is already part of user
		n, err := strconv.ParseInt(v, 10, 64)
		if err != nil {
			return 0, err
		}
		busy += n
	}
	return float64(busy) / clockTicks, nil
}

// runQuiet waits for a quiet machine.
func runQuiet(args []string) error {
	fs := flag.NewFlagSet("quiet", flag.ExitOnError)
	below := fs.Float64("below", 0.25, "busy CPUs (averaged over one second) considered quiet")
	maxWait := fs.Duration("max-wait", time.Minute, "give up waiting after this long")
	_ = fs.Parse(args)
	start := time.Now()
	for {
		b0, err := machineBusy()
		if err != nil {
			return err
		}
		time.Sleep(time.Second)
		b1, err := machineBusy()
		if err != nil {
			return err
		}
		load := b1 - b0
		waited := time.Since(start).Round(time.Second)
		if load < *below {
			if waited > 2*time.Second {
				fmt.Fprintf(os.Stderr, "    (waited %s for other processes to leave the CPUs)\n", waited)
			}
			return nil
		}
		if waited >= *maxWait {
			fmt.Fprintf(os.Stderr, "    (the machine is busy: %.1f CPUs used by other processes; measuring anyway after waiting %s)\n", load, waited)
			return nil
		}
	}
}

type procStat struct{ utime, stime, cutime, cstime int64 }

// readStat reads the CPU times of /proc/<pid>/stat, in clock ticks.
func readStat(pid int) (procStat, error) {
	b, err := os.ReadFile(fmt.Sprintf("/proc/%d/stat", pid))
	if err != nil {
		return procStat{}, err
	}
	i := bytes.LastIndexByte(b, ')')
	if i < 0 {
		return procStat{}, errors.New("malformed /proc stat")
	}
	f := strings.Fields(string(b[i+1:])) // f[0] is field 3 (state)
	if len(f) < 15 {
		return procStat{}, errors.New("short /proc stat")
	}
	var st procStat
	for j, p := range []*int64{&st.utime, &st.stime, &st.cutime, &st.cstime} {
		v, err := strconv.ParseInt(f[11+j], 10, 64) // fields 14 to 17
		if err != nil {
			return procStat{}, err
		}
		*p = v
	}
	return st, nil
}

// readHWM reads VmHWM, the peak RSS of the process itself, in KiB.
func readHWM(pid int) (int64, bool) {
	b, err := os.ReadFile(fmt.Sprintf("/proc/%d/status", pid))
	if err != nil {
		return 0, false
	}
	for _, line := range strings.Split(string(b), "\n") {
		if rest, ok := strings.CutPrefix(line, "VmHWM:"); ok {
			f := strings.Fields(rest)
			if len(f) > 0 {
				v, err := strconv.ParseInt(f[0], 10, 64)
				return v, err == nil
			}
		}
	}
	return 0, false
}
