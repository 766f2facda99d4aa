# Thin wrappers; the real build is Meson (meson.build) and the real test
# driver is scripts/test-all.  `make run` and `make test` first run
# scripts/setup, which installs what is missing on Debian 12.

BUILD     ?= build
ASAN      ?= build-asan
DB        ?= sqlite:var/firewarden.db
LISTEN    ?= 127.0.0.1:8080

.PHONY: all build run test test-quick bench clean setup

all: build

setup:
	@scripts/setup

$(BUILD)/build.ninja:
	meson setup $(BUILD) --buildtype=debugoptimized

# The console: rebuilt only when its sources or lockfile change.
WEB_SRC := $(shell find web/src web/public web/index.html web/vite.config.ts \
		web/tsconfig.json web/package.json -type f 2>/dev/null)

web/node_modules/.package-lock.json: web/package-lock.json
	cd web && npm ci --no-audit --no-fund

web/dist/index.html: web/node_modules/.package-lock.json $(WEB_SRC)
	cd web && npm run build

build: $(BUILD)/build.ninja $(if $(wildcard web/package.json),web/dist/index.html)
	ninja -C $(BUILD)

run: setup build
	$(BUILD)/firewarden serve --db $(DB) --listen $(LISTEN) --seed-demo-if-empty 20000

test: setup
	scripts/test-all

# Unit tests of the normal build only (no PostgreSQL, browser or ASan).
test-quick: build
	meson test -C $(BUILD) --print-errorlogs

bench: setup build
	bench/run

clean:
	rm -rf $(BUILD) $(ASAN) build-*/
