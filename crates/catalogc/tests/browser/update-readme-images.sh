#!/usr/bin/env bash
# Refreshes the README's screenshots of the site: builds catalog-example, runs the browser
# test (which saves target/e2e/screenshots/*.png) and copies the home and service pages to
# docs/images/. Run it by hand after a visible change to the site; CI does not.
set -euo pipefail
cd "$(dirname "$0")/../../../.."

cargo run --release --locked -- build --root catalog-example --out target/e2e/dist
(cd crates/catalogc/tests/browser && npm ci --no-audit --no-fund)
node crates/catalogc/tests/browser/site.test.mjs target/e2e/dist/site

mkdir -p docs/images
cp target/e2e/screenshots/home.png docs/images/site-home.png
cp target/e2e/screenshots/service.png docs/images/site-service.png
echo "updated docs/images/site-home.png and docs/images/site-service.png"
