# Pacer build. `make demo` and `make test` are the two set-up commands.
GO       ?= go
VERSION  ?= $(shell git describe --always --dirty 2>/dev/null || echo dev)
LDFLAGS  := -X pacer/share/version.Version=$(VERSION)
GOFLAGS_BUILD := -trimpath -ldflags "$(LDFLAGS)"

.PHONY: all build test bench demo clean man compat fuzz FORCE

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

# Each fuzz target for a while; FUZZTIME=1m for the foundation's acceptance run.
FUZZTIME ?= 20s
# Every package with fuzz targets, one target at a time (go test -fuzz takes one).
FUZZ_TARGETS ?= ./share/xmltree:FuzzParse ./share/iso8601:FuzzParse ./share/rule:FuzzEvaluate ./share/score:FuzzParse ./shell/crm:FuzzParse
fuzz:
	@for t in $(FUZZ_TARGETS); do \
		pkg=$${t%%:*}; fn=$${t##*:}; \
		echo "== $$pkg $$fn ($(FUZZTIME))"; \
		$(GO) test $$pkg -run '^$$' -fuzz "^$$fn$$" -fuzztime $(FUZZTIME) || exit 1; \
	done

demo: build
	@./scripts/demo

compat: build
	PACER_COMPAT=all PACER_BIN=$(CURDIR)/bin $(GO) test -count=1 -timeout 60m -run Compat ./shell/...

man: build
	./bin/pacer help --man > man/pacer.8

clean:
	rm -rf bin
	$(GO) clean -testcache

FORCE:
