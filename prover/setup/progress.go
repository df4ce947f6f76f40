package setup

import (
	"fmt"
	"io"
	"os"
	"sync"
	"time"
)

// progress reports a long step that has no progress callback (gnark's
// Setup, a ceremony contribution). It prints a start and a finish line;
// when interactive (a terminal) it also redraws one line every second
// with the elapsed time and, given an estimate, the time left.
type progress struct {
	w           io.Writer
	interactive bool
	label       string
	estimate    time.Duration
	start       time.Time
	stop        chan struct{}
	wg          sync.WaitGroup
}

func startProgress(w io.Writer, interactive bool, label string, estimate time.Duration) *progress {
	if w == nil {
		w = io.Discard
	}
	p := &progress{w: w, interactive: interactive, label: label, estimate: estimate, start: time.Now(), stop: make(chan struct{})}
	if estimate > 0 {
		fmt.Fprintf(w, "%s: started, estimated %s\n", label, roundDuration(estimate))
	} else {
		fmt.Fprintf(w, "%s: started\n", label)
	}
	if interactive {
		p.wg.Add(1)
		go p.loop()
	}
	return p
}

func (p *progress) loop() {
	defer p.wg.Done()
	t := time.NewTicker(time.Second)
	defer t.Stop()
	for {
		select {
		case <-p.stop:
			fmt.Fprint(p.w, "\r\033[K")
			return
		case <-t.C:
			fmt.Fprintf(p.w, "\r\033[K%s", p.status(time.Since(p.start)))
		}
	}
}

// status is the redrawn line: elapsed and, while within the estimate, an
// ETA; past it, an honest "longer than estimated".
func (p *progress) status(elapsed time.Duration) string {
	s := fmt.Sprintf("%s: %s elapsed", p.label, roundDuration(elapsed))
	switch {
	case p.estimate <= 0:
	case elapsed < p.estimate:
		pct := int(100 * elapsed / p.estimate)
		s += fmt.Sprintf(", about %s left (~%d%%)", roundDuration(p.estimate-elapsed), pct)
	default:
		s += ", taking longer than estimated"
	}
	return s
}

// finish stops the redraw and prints the final line; it returns the
// elapsed time.
func (p *progress) finish(err error) time.Duration {
	elapsed := time.Since(p.start)
	close(p.stop)
	p.wg.Wait()
	if err != nil {
		fmt.Fprintf(p.w, "%s: failed after %s: %v\n", p.label, roundDuration(elapsed), err)
	} else {
		fmt.Fprintf(p.w, "%s: done in %s\n", p.label, roundDuration(elapsed))
	}
	return elapsed
}

func roundDuration(d time.Duration) time.Duration {
	if d < 10*time.Second {
		return d.Round(100 * time.Millisecond)
	}
	return d.Round(time.Second)
}

// IsTerminal reports whether w is a character device (a terminal), so
// that progress redraws only go to people, never to logs.
func IsTerminal(w io.Writer) bool {
	f, ok := w.(*os.File)
	if !ok {
		return false
	}
	st, err := f.Stat()
	return err == nil && st.Mode()&os.ModeCharDevice != 0
}
