# Pacer build. `make demo` and `make test` are the two set-up commands.
GO       ?= go
VERSION  ?= $(shell git describe --always --dirty 2>/dev/null || echo dev)
LDFLAGS  := -X pacer/share/version.Version=$(VERSION)
GOFLAGS_BUILD := -trimpath -ldflags "$(LDFLAGS)"

.PHONY: all build test bench demo clean man compat fuzz install cts differential FORCE

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

# The fault campaign (daemon/cts, as root): FAULTS faults on each cluster
# size in NODES; SEED=N replays a run (default: a new seed per size);
# reports in cts-reports/. CTSFLAGS=-known=today tolerates the checks
# cts.KnownToday lists (none at present).
FAULTS ?= 200
NODES  ?= 3 5
cts: build
	@rc=0; for n in $(NODES); do \
		$(GO) run ./daemon/cts/cmd/pacer-cts -pacerd bin/pacerd -out cts-reports -nodes $$n -faults $(FAULTS) \
			$(if $(SEED),-seed $(SEED)) $(CTSFLAGS) || rc=1; \
	done; exit $$rc

demo: build
	@./scripts/demo

compat: build
	PACER_COMPAT=all PACER_BIN=$(CURDIR)/bin $(GO) test -count=1 -timeout 60m -run Compat ./shell/...

# Random clusters compared with Pacemaker 3.0 (../shared/pacemaker-oracle):
# figures per stratum; SHRINK=DIR writes each decision disagreement, shrunk.
N ?= 2000

differential:
	PACER_DIFF_N=$(N) PACER_DIFF_SEED=$(or $(SEED),1) PACER_DIFF_SHRINK=$(SHRINK) $(GO) test -count=1 -timeout 300m -v \
		-run '^TestDifferential$$' ./daemon/scheduler/differential | grep -v '^=== RUN\|^--- \|^PASS\|^ok'

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
	install -D -m 0644 daemon/dist/pacerd-remote.service $(DESTDIR)$(UNITDIR)/pacerd-remote.service
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
