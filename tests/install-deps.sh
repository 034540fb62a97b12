#!/usr/bin/env bash
# Installs, with apt-get, the Debian 12 packages tombstone needs to build and test. Only what is
# missing is installed; running it again is quick. Needs root (or sudo) when anything is missing.
# Usage: tests/install-deps.sh [--fuzz]    --fuzz: also clang-15 and libFuzzer, for tests/fuzz/run.sh
# only (the normal build and its tests need neither).
set -euo pipefail

packages=(
  build-essential cmake pkg-config git
  librocksdb-dev libzstd-dev zstd libsodium-dev libicu-dev
  libpqxx-dev libpq-dev libcxxopts-dev libfmt-dev catch2
  libtomlplusplus-dev nlohmann-json3-dev rapidjson-dev
  postgresql-15 postgresql-client-15 pgbackrest barman python3 shellcheck
  # the Patroni recipe (tests/restore-hooks/patroni_pgtest.cpp starts its own etcd and Patroni on
  # random loopback ports; under systemd, Debian also starts etcd on 127.0.0.1:2379, unused by it)
  patroni etcd-server curl
  help2man man-db file dpkg-dev
  chromium  # headless: a screenshot of the pending HTML report (tests/src/commands/pending_html_test.cpp)
)
if [ "${1:-}" = "--fuzz" ]; then packages+=(clang-15 libfuzzer-15-dev); fi

missing=()
for p in "${packages[@]}"; do
  if ! dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed"; then
    missing+=("$p")
  fi
done
if [ ${#missing[@]} -eq 0 ]; then
  exit 0
fi

echo "install-deps: installing ${missing[*]}" >&2
sudo=""
if [ "$(id -u)" -ne 0 ]; then sudo="sudo"; fi
export DEBIAN_FRONTEND=noninteractive
$sudo apt-get update -qq
$sudo apt-get install -y -qq --no-install-recommends "${missing[@]}"
