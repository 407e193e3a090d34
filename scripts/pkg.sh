#!/usr/bin/env bash
# Builds the npm package in pkg/: the release wasm (opt-level z, LTO), the
# wasm-bindgen ES module for browsers and Node (--target web), wasm-opt -Oz,
# and a package.json whose version comes from Cargo.toml.
set -euo pipefail
ROOT=$(cd "$(dirname "$0")/.." && pwd)
cd "$ROOT"
export PATH="$ROOT/www/node_modules/.bin:$HOME/.cargo/bin:$PATH"

cargo build --quiet --lib --release --target wasm32-unknown-unknown --features js
rm -rf pkg
wasm-bindgen --target web --out-dir pkg --out-name usage_lens \
  target/wasm32-unknown-unknown/release/usage_lens.wasm
# The generated classes declare `[Symbol.dispose]()`, which TypeScript knows
# only with its `esnext.disposable` library. Say so in the types themselves, so
# a consumer with an ordinary `"lib": ["ES2022", "DOM"]` compiles unchanged.
{ printf '/// <reference lib="esnext.disposable" />\n'; cat pkg/usage_lens.d.ts; } > pkg/usage_lens.d.ts.tmp
mv pkg/usage_lens.d.ts.tmp pkg/usage_lens.d.ts
# Rust 1.95 emits these post-MVP features by default; wasm-opt must accept them.
wasm-opt -Oz --converge --enable-bulk-memory --enable-nontrapping-float-to-int --enable-sign-ext \
  --enable-reference-types --enable-multivalue --enable-mutable-globals \
  pkg/usage_lens_bg.wasm -o pkg/usage_lens_bg.wasm

version=$(sed -n 's/^version = "\(.*\)"/\1/p' Cargo.toml | head -1)
cat > pkg/package.json <<JSON
{
  "name": "usage-lens",
  "version": "$version",
  "description": "Genesys Cloud and ThousandEyes usage APIs for JavaScript: submit, poll, page, retry and cancel, in a small WebAssembly module.",
  "license": "MIT",
  "type": "module",
  "main": "./usage_lens.js",
  "module": "./usage_lens.js",
  "types": "./usage_lens.d.ts",
  "bin": {
    "usage-lens": "./cli/usage-lens.mjs"
  },
  "dependencies": {
    "yaml": "2.9.1"
  },
  "exports": {
    ".": {
      "types": "./usage_lens.d.ts",
      "default": "./usage_lens.js"
    },
    "./usage_lens_bg.wasm": "./usage_lens_bg.wasm"
  },
  "files": [
    "usage_lens.js",
    "usage_lens.d.ts",
    "usage_lens_bg.wasm",
    "usage_lens_bg.wasm.d.ts",
    "cli/usage-lens.mjs",
    "cli/serve.mjs",
    "cli/env.mjs",
    "README.md",
    "LICENSE"
  ],
  "sideEffects": false,
  "keywords": ["genesys", "genesys-cloud", "thousandeyes", "usage", "api", "wasm"]
}
JSON
# The command-line check (`npx usage-lens check`) and the exporter
# (`usage-lens serve`, which reads its YAML config with the `yaml` package),
# scripts over the package; neither is part of the size budget's files.
mkdir -p pkg/cli
install -m 755 www/cli/usage-lens.mjs pkg/cli/usage-lens.mjs
install -m 644 www/cli/serve.mjs pkg/cli/serve.mjs
install -m 644 www/cli/env.mjs pkg/cli/env.mjs
cp www/README.npm.md pkg/README.md
cp LICENSE pkg/LICENSE
ls -l pkg | awk 'NR>1 {print "pkg/" $NF ": " $5 " bytes"}'
printf 'pkg/usage_lens_bg.wasm gzip: %s bytes\n' "$(gzip -9 -c pkg/usage_lens_bg.wasm | wc -c)"
