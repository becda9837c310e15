# Pacer build. `make demo` and `make test` are the two set-up commands.
GO       ?= go
VERSION  ?= $(shell git describe --always --dirty 2>/dev/null || echo dev)
LDFLAGS  := -X pacer/share/version.Version=$(VERSION)
GOFLAGS_BUILD := -trimpath -ldflags "$(LDFLAGS)"

.PHONY: all build test bench demo clean man compat fuzz install FORCE

all: build

build: bin/pacerd bin/pacer

bin/pacerd: FORCE
	$(GO) build $(GOFLAGS_BUILD) -o $@ ./daemon/cmd/pacerd

bin/pacer: FORCE
	$(GO) build $(GOFLAGS_BUILD) -o $@ ./shell/cmd/pacer

# Tests use the binaries (end-to-end), real agents and ../shared cases.
test: build
	$(GO) vet ./...
	PACER_BIN=$(CURDIR)/bin $(GO) test -count=1 -timeout 25m ./...

bench: build
	PACER_BIN=$(CURDIR)/bin $(GO) test -run '^$$' -bench . -benchmem -timeout 30m ./...

# Every fuzz target of the tree, one at a time; FUZZTIME=1m for acceptance runs.
FUZZTIME ?= 20s
fuzz:
	FUZZTIME=$(FUZZTIME) ./scripts/fuzz

demo: build
	@./scripts/demo

compat: build
	PACER_COMPAT=all PACER_BIN=$(CURDIR)/bin $(GO) test -count=1 -timeout 60m -run Compat ./shell/...

# Install for a real node: binaries, the systemd unit, man pages, shell
# completion (bash, zsh, fish). Then
# write /etc/pacer/pacer.conf and the key (man pacerd) and
# `systemctl enable --now pacerd`.
DESTDIR ?=
PREFIX  ?= /usr
UNITDIR ?= $(PREFIX)/lib/systemd/system
install: build
	install -D -m 0755 bin/pacerd $(DESTDIR)$(PREFIX)/sbin/pacerd
	install -D -m 0755 bin/pacer $(DESTDIR)$(PREFIX)/bin/pacer
	install -D -m 0644 daemon/dist/pacerd.service $(DESTDIR)$(UNITDIR)/pacerd.service
	install -d -m 0755 $(DESTDIR)$(PREFIX)/share/man/man8
	install -m 0644 man/*.8 $(DESTDIR)$(PREFIX)/share/man/man8/
	install -d -m 0750 $(DESTDIR)/etc/pacer
	install -d -m 0755 $(DESTDIR)$(PREFIX)/share/bash-completion/completions \
		$(DESTDIR)$(PREFIX)/share/zsh/vendor-completions $(DESTDIR)$(PREFIX)/share/fish/vendor_completions.d
	bin/pacer completion bash > $(DESTDIR)$(PREFIX)/share/bash-completion/completions/pacer
	bin/pacer completion zsh > $(DESTDIR)$(PREFIX)/share/zsh/vendor-completions/_pacer
	bin/pacer completion fish > $(DESTDIR)$(PREFIX)/share/fish/vendor_completions.d/pacer.fish

man: build
	./bin/pacer help --man > man/pacer.8

clean:
	rm -rf bin
	$(GO) clean -testcache

FORCE:
