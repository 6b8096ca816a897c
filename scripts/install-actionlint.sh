#!/usr/bin/env bash
# Installs actionlint (the GitHub Actions workflow linter the CI tests run) into .services/bin/.
# Needs Go 1.22 or later. Skipped when the pinned version is already there.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
VERSION=v1.7.12
BIN="$PWD/.services/bin"
if [ -x "$BIN/actionlint" ] && [ "$("$BIN/actionlint" -version | head -n1)" = "$VERSION" ]; then
  echo "actionlint $VERSION already in $BIN"
  exit 0
fi
# The machine image keeps Go in /usr/local/go/bin, which a non-login shell may not have on PATH.
[ -x /usr/local/go/bin/go ] && PATH="$PATH:/usr/local/go/bin"
command -v go >/dev/null || { echo "error: actionlint needs Go (https://go.dev/dl/) to install" >&2; exit 1; }
mkdir -p "$BIN"
GOBIN="$BIN" go install "github.com/rhysd/actionlint/cmd/actionlint@$VERSION"
echo "installed actionlint $("$BIN/actionlint" -version | head -n1) in $BIN"
