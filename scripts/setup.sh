#!/usr/bin/env bash
# Installs every tool the build and the tests need, and only what is missing
# or at the wrong version. Safe to run again and again; `make run` and
# `make test` both start with it.
set -euo pipefail

TRUNK_VERSION=0.21.14
WASM_BINDGEN_VERSION=0.2.130
ROOT=$(cd "$(dirname "$0")/.." && pwd)
export PATH="$HOME/.cargo/bin:$PATH"

say() { printf 'setup: %s\n' "$*"; }
# Debian's package lists are read once per setup, and only when something is missing.
apt_updated=""
apt_update_once() {
  [ -n "$apt_updated" ] && return 0
  ${sudo_cmd:-} apt-get update -qq
  apt_updated=1
}

# 1. The wasm32 target for the pinned toolchain (rust-toolchain.toml).
toolchain=$(sed -n 's/^channel *= *"\(.*\)"/\1/p' "$ROOT/rust-toolchain.toml")
if rustup "+$toolchain" target list --installed | grep -qx wasm32-unknown-unknown; then
  say "wasm32-unknown-unknown for $toolchain: present"
else
  say "adding wasm32-unknown-unknown to $toolchain"
  rustup "+$toolchain" target add wasm32-unknown-unknown
fi

# 2. Cargo-installed tools at exact versions.
cargo_tool() { # binary version crate [extra cargo install flags...]
  local bin=$1 version=$2 crate=$3; shift 3
  if command -v "$bin" >/dev/null 2>&1 && "$bin" --version 2>/dev/null | grep " $version\b" >/dev/null; then
    say "$bin $version: present"
  else
    say "installing $crate $version (this takes several minutes, once)"
    cargo "+$toolchain" install "$crate" --version "$version" "$@"
  fi
}
cargo_tool trunk "$TRUNK_VERSION" trunk --locked
# wasm-bindgen-cli's lockfile names a crate version the registry lacks, so
# it is installed without --locked.
cargo_tool wasm-bindgen "$WASM_BINDGEN_VERSION" wasm-bindgen-cli

# 3. Headless Chromium and its driver from Debian.
if command -v chromium >/dev/null 2>&1 && command -v chromedriver >/dev/null 2>&1; then
  say "chromium + chromedriver: present"
else
  say "installing chromium and chromium-driver from Debian"
  sudo_cmd=""
  [ "$(id -u)" -eq 0 ] || sudo_cmd="sudo"
  apt_update_once
  DEBIAN_FRONTEND=noninteractive $sudo_cmd apt-get install -y -qq chromium chromium-driver
fi

# 3b. The other engines' tiers (scripts/test.sh firefox, webkit): Firefox ESR
#     and WebKitGTK's WebKitWebDriver (it opens MiniBrowser) from Debian, with
#     Xvfb for MiniBrowser's display; geckodriver from crates.io.
engine_pkgs=()
for pkg in firefox-esr webkit2gtk-driver xvfb; do
  dpkg-query -W -f='${Status}' "$pkg" 2>/dev/null | grep -q 'install ok installed' || engine_pkgs+=("$pkg")
done
if [ ${#engine_pkgs[@]} -eq 0 ]; then
  say "firefox-esr + webkit2gtk-driver + xvfb: present"
else
  say "installing ${engine_pkgs[*]} from Debian"
  sudo_cmd=""
  [ "$(id -u)" -eq 0 ] || sudo_cmd="sudo"
  apt_update_once
  DEBIAN_FRONTEND=noninteractive $sudo_cmd apt-get install -y -qq "${engine_pkgs[@]}"
fi
cargo_tool geckodriver 0.37.1 geckodriver --locked

# 3c. Prometheus and promtool from Debian, for the `prometheus` test stage
#     (the exporter scraped by a real Prometheus, the alert rules' unit
#     tests). The tests start their own; no service is left running.
if command -v prometheus >/dev/null 2>&1 && command -v promtool >/dev/null 2>&1; then
  say "prometheus + promtool: present"
else
  say "installing prometheus (server and promtool) from Debian"
  sudo_cmd=""
  [ "$(id -u)" -eq 0 ] || sudo_cmd="sudo"
  apt_update_once
  DEBIAN_FRONTEND=noninteractive $sudo_cmd apt-get install -y -qq --no-install-recommends prometheus
  if command -v systemctl >/dev/null 2>&1 && systemctl is-active --quiet prometheus 2>/dev/null; then
    $sudo_cmd systemctl disable --now prometheus
  fi
fi

# 4. Every crate the build and the tests use, at the versions of Cargo.lock,
#    downloaded into cargo's cache. Trunk builds with `--offline` (so that it
#    never downloads tools), so the crates must be here before `make run`.
say "crates of Cargo.lock: fetching what is missing"
cargo "+$toolchain" fetch --locked --manifest-path "$ROOT/Cargo.toml" --quiet

# 5. Node packages for the tests and wasm-opt (npm binaryen), from the lockfile.
stamp="$ROOT/www/node_modules/.setup-stamp"
if [ -f "$stamp" ] && [ "$stamp" -nt "$ROOT/www/package-lock.json" ] && [ "$stamp" -nt "$ROOT/www/package.json" ]; then
  say "www/node_modules: up to date"
else
  say "installing Node packages in www/ (npm ci)"
  (cd "$ROOT/www" && npm ci --no-audit --no-fund --loglevel=error)
  touch "$stamp"
fi
say "wasm-opt: $("$ROOT/www/node_modules/.bin/wasm-opt" --version)"
say "ready"
