#!/usr/bin/env bash
# Installs what paperfeed needs to build, test and serve on Debian 12. Idempotent: installs only
# what is missing, so a second run takes a second.
set -euo pipefail

PACKAGES=(
  # build
  build-essential cmake ninja-build pkg-config clang libclang-rt-14-dev
  # libraries, one per job
  libsqlite3-dev sqlite3 libpq-dev nlohmann-json3-dev libsimdjson-dev libpugixml-dev libcurl4-openssl-dev
  libcli11-dev libsodium-dev libhnswlib-dev libcpp-httplib-dev zlib1g-dev
  libstemmer-dev libtomlplusplus-dev libhowardhinnant-date-dev tzdata libcmark-dev
  # new passwords against a dictionary of common and breached words (web/password_quality)
  libpwquality-dev cracklib-runtime
  # the PostgreSQL server the tests start themselves (initdb into a temporary folder)
  postgresql
  # tests and benchmarks: GoogleTest, a real SMTP server, a real browser, HTTP load, peers
  libgtest-dev libgmock-dev python3 python3-aiosmtpd chromium nodejs npm
  wrk nginx hyperfine libxapian-dev
  # pretrained sentence-embedding models: BLAS, Unicode NFD/categories, the numpy reference in tests
  libopenblas-dev libutf8proc-dev python3-numpy
)

missing=()
for p in "${PACKAGES[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
# nodejs/npm may come from elsewhere on a developer machine: accept any working node + npm.
if command -v node >/dev/null && command -v npm >/dev/null; then
  missing=("${missing[@]/nodejs}"); missing=("${missing[@]/npm}")
fi
read -r -a missing <<< "${missing[*]:-}"
if ((${#missing[@]})); then
  echo "install-deps: installing ${missing[*]}"
  SUDO=""; [ "$(id -u)" -ne 0 ] && SUDO="sudo"
  $SUDO apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq "${missing[@]}"
else
  echo "install-deps: all ${#PACKAGES[@]} packages present"
fi
