#!/bin/sh
# Installs the Debian packages tcpl builds with, only when pkg-config misses one.
# Idempotent: a machine that has everything is left alone.
set -e
missing=""
for p in libxml-2.0:libxml2-dev libzip:libzip-dev zlib:zlib1g-dev libpcre2-8:libpcre2-dev \
         cmocka:libcmocka-dev libutf8proc:libutf8proc-dev yaml-0.1:libyaml-dev \
         jansson:libjansson-dev hunspell:libhunspell-dev; do
  pc=${p%%:*}; deb=${p#*:}
  if ! command -v pkg-config >/dev/null 2>&1 || ! pkg-config --exists "$pc"; then
    missing="$missing $deb"
  fi
done
command -v pkg-config >/dev/null 2>&1 || missing="$missing pkg-config"
# The Vietnamese dictionary the spelling rules use (docs/rules.md).
[ -f /usr/share/hunspell/vi_VN.dic ] || missing="$missing hunspell-vi"
command -v cc >/dev/null 2>&1 || missing="$missing gcc"
command -v make >/dev/null 2>&1 || missing="$missing make"
[ -z "$missing" ] && exit 0
if [ "$(id -u)" != 0 ]; then
  echo "tcpl: thiếu gói:$missing — chạy lại với quyền root (sudo make ...)" >&2
  echo "tcpl: missing packages:$missing — run again as root" >&2
  exit 1
fi
echo "tcpl: cài đặt / installing:$missing"
export DEBIAN_FRONTEND=noninteractive
apt-get update -qq
apt-get install -y -qq --no-install-recommends $missing pkg-config
