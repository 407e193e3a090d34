# The two commands a newcomer needs are `make run` and `make test`.
# Every target installs what it needs first (scripts/setup.sh, idempotent).

SHELL := /bin/bash
export PATH := $(CURDIR)/www/node_modules/.bin:$(HOME)/.cargo/bin:$(PATH)

.PHONY: setup run test pkg dist bench fuzz fmt lint fresh-check sim-server clean

setup:
	@bash scripts/setup.sh

## The app on http://127.0.0.1:8080 (Demo works with no credentials).
## The first build runs on its own so that a failure stops here, loudly,
## instead of leaving a dev server that answers 404.
run: setup
	trunk build
	trunk serve

## Every test tier: lint, native, real browser, Node package, end-to-end.
test: setup
	@bash scripts/test.sh

## The npm package in pkg/ (release build, wasm-opt -Oz).
pkg: setup
	@bash scripts/pkg.sh

## The release build of the app in dist/.
dist: setup
	@bash scripts/dist.sh

## Benchmarks that print numbers.
bench: setup
	@bash scripts/bench.sh

## Long property-based run of every decoder and parser (the CLI's on the packed package).
fuzz: setup
	PROPTEST_CASES=$${PROPTEST_CASES:-200000} cargo test --release --test fuzz -- --nocapture
	@bash scripts/test.sh cli-fuzz

## The simulator on 127.0.0.1:8787, for trying the app against a "real" server.
sim-server:
	cargo run --features sim-server --bin sim-server -- --port 8787

fmt:
	cargo fmt --all

lint: setup
	@bash scripts/test.sh lint

## A new machine, reproduced here: a clean clone and an empty crate cache.
fresh-check:
	@bash scripts/fresh-check.sh

clean:
	cargo clean
	rm -rf dist pkg
