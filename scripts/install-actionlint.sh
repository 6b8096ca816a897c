#!/usr/bin/env bash
# Installs actionlint (the GitHub Actions workflow linter the CI tests run) into .services/bin/.
# Builds it with Go 1.22+: the machine's, or one scripts/go-toolchain.mjs fetches from the Go module proxy. Skipped
# when the pinned version is already there.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
VERSION=v1.7.12
BIN="$PWD/.services/bin"
if [ -x "$BIN/actionlint" ] && [ "$("$BIN/actionlint" -version | head -n1)" = "$VERSION" ]; then
  echo "actionlint $VERSION already in $BIN"
  exit 0
fi
GO="$(node scripts/go-toolchain.mjs)"
mkdir -p "$BIN"
# GOTOOLCHAIN=local: build with this go, never switch to another release behind our back.
GOTOOLCHAIN=local GOBIN="$BIN" "$GO" install "github.com/rhysd/actionlint/cmd/actionlint@$VERSION"
echo "installed actionlint $("$BIN/actionlint" -version | head -n1) in $BIN"
