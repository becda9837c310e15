package tui

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"unsafe"

	"golang.org/x/sys/unix"
)

// WatchFile reports changes of the file at path (for StaticSource.Changed
// with CIB_file), using inotify rather than polling. It watches the
// directory, so a file replaced by rename (how careful writers save) is
// seen as well as one rewritten in place. Notifications are coalesced: a
// burst of writes gives one pending signal. The channel is closed when ctx
// ends.
func WatchFile(ctx context.Context, path string) (<-chan struct{}, error) {
	abs, err := filepath.Abs(path)
	if err != nil {
		return nil, fmt.Errorf("watch %s: %w", path, err)
	}
	dir, name := filepath.Split(abs)
	fd, err := unix.InotifyInit1(unix.IN_CLOEXEC | unix.IN_NONBLOCK)
	if err != nil {
		return nil, fmt.Errorf("watch %s: inotify: %w", path, err)
	}
	if _, err := unix.InotifyAddWatch(fd, dir, unix.IN_CLOSE_WRITE|unix.IN_MOVED_TO|unix.IN_DELETE_SELF); err != nil {
		unix.Close(fd)
		return nil, fmt.Errorf("watch %s: %w", dir, err)
	}
	// A non-blocking fd in an *os.File goes through the runtime poller, so
	// Close wakes the reader up when ctx ends.
	f := os.NewFile(uintptr(fd), "inotify")
	ch := make(chan struct{}, 1)
	stop := context.AfterFunc(ctx, func() { f.Close() })
	go func() {
		defer close(ch)
		defer stop()
		defer f.Close()
		buf := make([]byte, 64*(unix.SizeofInotifyEvent+unix.NAME_MAX+1))
		for {
			n, err := f.Read(buf)
			if err != nil {
				return
			}
			hit := false
			for off := 0; off+unix.SizeofInotifyEvent <= n; {
				ev := (*unix.InotifyEvent)(unsafe.Pointer(&buf[off]))
				nameBytes := buf[off+unix.SizeofInotifyEvent : off+unix.SizeofInotifyEvent+int(ev.Len)]
				if cstring(nameBytes) == name || ev.Mask&unix.IN_DELETE_SELF != 0 {
					hit = true
				}
				off += unix.SizeofInotifyEvent + int(ev.Len)
			}
			if hit {
				select {
				case ch <- struct{}{}:
				default: // one pending signal is enough
				}
			}
		}
	}()
	return ch, nil
}

func cstring(b []byte) string {
	for i, c := range b {
		if c == 0 {
			return string(b[:i])
		}
	}
	return string(b)
}
