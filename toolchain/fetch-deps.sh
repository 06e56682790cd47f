#!/bin/bash
# Fetch moor's third-party sources, BearSSL 0.6 and lwIP 2.1.3, from
# Debian's source packages and unpack them into a cache directory.
#
#   toolchain/fetch-deps.sh CACHE_DIR
#
# Result: CACHE_DIR/bearssl-0.6 and CACHE_DIR/lwip-2.1.3.
#
# Where the tarballs come from:
#   - MOOR_DEPS_TARBALLS=DIR set: DIR/<orig tarball> (no network, no apt);
#   - otherwise a tarball already downloaded into CACHE_DIR/dl;
#   - otherwise `apt-get source --download-only` with a PRIVATE apt
#     configuration under CACHE_DIR/apt: a deb-src copy of the system's
#     sources, its own lists and caches. The system's apt sources, lists
#     and caches are not touched.
# Every tarball is checked against the sha256 pinned below before it is
# unpacked; a mismatch stops the script. A stamp file per dependency
# records the verified hash, so a second run does nothing (and is fast).
# Concurrent runs on the same CACHE_DIR are serialized with flock.
set -eu

BEARSSL_TARBALL="bearssl_0.6+dfsg.1.orig.tar.xz"
BEARSSL_SHA256="102a625bd8f6155260867a50c508df8d8c3f796985dd744df1a68e5cd1a79004"
LWIP_TARBALL="lwip_2.1.3+dfsg1.orig.tar.xz"
LWIP_SHA256="0a8276d09fc4e97bbba2f953d74af2388fc2195ea156be9d7589e297a68fde24"

die() {
	echo "fetch-deps: error: $*" >&2
	exit 1
}
note() {
	echo "fetch-deps: $*" >&2
}

[ $# -eq 1 ] || die "usage: $0 CACHE_DIR"
mkdir -p "$1" || die "cannot create cache directory $1"
CACHE=$(cd "$1" && pwd)

for tool in sha256sum flock; do
	command -v "$tool" >/dev/null 2>&1 || die "'$tool' is required (apt-get install -y coreutils util-linux)"
done
# Unpacking .tar.xz: tar + xz, or CMake's built-in tar (libarchive) when
# xz-utils is not installed (cmake passes its own path in MOOR_CMAKE).
CMAKE_BIN=${MOOR_CMAKE:-$(command -v cmake || true)}
if ! { command -v tar >/dev/null 2>&1 && command -v xz >/dev/null 2>&1; } && [ -z "$CMAKE_BIN" ]; then
	die "need tar and xz (apt-get install -y tar xz-utils) or cmake to unpack .tar.xz"
fi

# unpack FILE DIR
unpack() {
	if command -v tar >/dev/null 2>&1 && command -v xz >/dev/null 2>&1; then
		tar --no-same-owner -xJf "$1" -C "$2"
	else
		(cd "$2" && "$CMAKE_BIN" -E tar xf "$1")
	fi
}

# One fetch at a time per cache (two cmake configures may run us at once).
exec 9>"$CACHE/.fetch.lock"
flock 9

# is_done DIR SHA256 CHECKFILE: the stamp says DIR was unpacked from the
# tarball with this hash, and the tree is still there.
is_done() {
	[ -f "$CACHE/.stamp-$1" ] && [ "$(cat "$CACHE/.stamp-$1")" = "$2" ] &&
		[ -f "$CACHE/$1/$3" ]
}

# The private apt setup: deb-src twins of the system's deb sources.
APT_OPTS=()
apt_setup() {
	[ ${#APT_OPTS[@]} -eq 0 ] || return 0
	command -v apt-get >/dev/null 2>&1 ||
		die "apt-get not found; set MOOR_DEPS_TARBALLS=DIR to a directory holding $BEARSSL_TARBALL and $LWIP_TARBALL"
	A="$CACHE/apt"
	mkdir -p "$A/lists/partial" "$A/cache/archives/partial" "$CACHE/dl"
	if [ -f /etc/apt/sources.list.d/debian.sources ]; then
		src="$A/src.sources"
		sed 's/^Types:.*$/Types: deb-src/' /etc/apt/sources.list.d/debian.sources >"$src.tmp"
	elif [ -f /etc/apt/sources.list ]; then
		src="$A/src.list"
		sed -n 's/^[[:space:]]*deb[[:space:]]/deb-src /p' /etc/apt/sources.list >"$src.tmp"
	else
		die "no Debian apt sources found (/etc/apt/sources.list.d/debian.sources or /etc/apt/sources.list); set MOOR_DEPS_TARBALLS=DIR"
	fi
	mv "$src.tmp" "$src"
	APT_OPTS=(-o "Dir::Etc::SourceList=$src" -o Dir::Etc::SourceParts=/dev/null
		-o "Dir::State::Lists=$A/lists" -o "Dir::Cache=$A/cache" -q)
	# Refresh the private lists at most once a day.
	if [ -z "$(find "$A/lists/.updated" -mtime -1 2>/dev/null)" ]; then
		note "apt-get update (private deb-src lists in $A)"
		apt-get "${APT_OPTS[@]}" update >&2 ||
			die "apt-get update failed with the private deb-src configuration ($src)"
		touch "$A/lists/.updated"
	fi
}

# fetch_one PKG TARBALL SHA256 DIR CHECKFILE
fetch_one() {
	pkg=$1 tarball=$2 want=$3 dir=$4 check=$5
	if is_done "$dir" "$want" "$check"; then
		return 0
	fi
	if [ -n "${MOOR_DEPS_TARBALLS:-}" ]; then
		file="$MOOR_DEPS_TARBALLS/$tarball"
		case $file in /*) ;; *) file="$PWD/$file" ;; esac
		[ -f "$file" ] || die "missing tarball $file (MOOR_DEPS_TARBALLS=$MOOR_DEPS_TARBALLS); expected sha256 $want"
	else
		file="$CACHE/dl/$tarball"
		if [ ! -f "$file" ]; then
			apt_setup
			note "apt-get source --download-only $pkg"
			(cd "$CACHE/dl" && apt-get "${APT_OPTS[@]}" source --download-only "$pkg" >&2) ||
				die "apt-get source --download-only $pkg failed"
			[ -f "$file" ] || die "apt-get source $pkg did not produce $tarball in $CACHE/dl (expected sha256 $want)"
		fi
	fi
	got=$(sha256sum "$file" | cut -d' ' -f1)
	if [ "$got" != "$want" ]; then
		die "checksum mismatch for $file
  expected sha256: $want
  actual sha256:   $got
  (delete the file to download it again, or fix MOOR_DEPS_TARBALLS)"
	fi
	note "unpacking $tarball into $CACHE/$dir"
	tmp=$(mktemp -d "$CACHE/.unpack.XXXXXX")
	if ! unpack "$file" "$tmp"; then
		rm -rf "$tmp"
		die "cannot unpack $file"
	fi
	if [ ! -f "$tmp/$dir/$check" ]; then
		rm -rf "$tmp"
		die "$file does not contain $dir/$check"
	fi
	rm -rf "${CACHE:?}/$dir" "$CACHE/.stamp-$dir"
	mv "$tmp/$dir" "$CACHE/$dir"
	rm -rf "$tmp"
	echo "$want" >"$CACHE/.stamp-$dir"
}

fetch_one bearssl "$BEARSSL_TARBALL" "$BEARSSL_SHA256" bearssl-0.6 src/ssl/ssl_engine.c
fetch_one lwip "$LWIP_TARBALL" "$LWIP_SHA256" lwip-2.1.3 src/include/lwip/opt.h
exit 0
