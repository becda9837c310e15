package sandbox_test

import (
	"context"
	"errors"
	"strings"
	"sync"
	"testing"
	"time"

	"pacer/share/client"
	"pacer/share/protocol"
)

// Eight clients sending 60 MiB frames at once: pacerd takes in what fits
// its budget for requests in flight, tells the rest it is busy, and its
// peak memory stays under 300 MB (it reached 1.1 GB without the budget).
func TestLargeRequestsAtOnceStayWithinMemory(t *testing.T) {
	if testing.Short() {
		t.Skip("sends 480 MiB through the socket")
	}
	c := startCluster(t, 1, false)
	c.oneDC(10*time.Second, "n1")
	pad := strings.Repeat("x", 60<<20)
	var wg sync.WaitGroup
	var mu sync.Mutex
	answered, busy := 0, 0
	for i := 0; i < 8; i++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			cl, err := client.Dial(c.sock("n1"))
			if err != nil {
				t.Error(err)
				return
			}
			defer cl.Close()
			ctx, cancel := context.WithTimeout(context.Background(), 60*time.Second)
			defer cancel()
			_, err = cl.Do(ctx, protocol.Request{Op: protocol.OpHello, Name: pad})
			var perr *protocol.Error
			mu.Lock()
			defer mu.Unlock()
			switch {
			case err == nil:
				answered++
			case errors.As(err, &perr) && perr.Code == protocol.CodeBusy:
				busy++
			default:
				t.Errorf("a 60 MiB request: %v", err)
			}
		}()
	}
	wg.Wait()
	t.Logf("%d answered, %d told pacerd is busy", answered, busy)
	if answered == 0 {
		t.Error("no large request was answered")
	}
	if kb := vmHWM(t, c.dir, "n1"); kb > 300*1000 {
		t.Errorf("pacerd's peak memory %d KiB, want under 300 MB", kb)
	} else {
		t.Logf("pacerd's peak memory %d KiB", kb)
	}
	// And it still answers.
	if _, err := c.dial("n1").Hello(ctx(t, 5*time.Second)); err != nil {
		t.Fatal(err)
	}
}
