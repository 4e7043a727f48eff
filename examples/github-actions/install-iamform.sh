#!/usr/bin/env bash
# Installs the pinned iamform release, checksum verified, before any AWS credentials exist.
#
# Copy to .github/install-iamform.sh. The workflow sets:
#   IAMFORM_VERSION   the release, e.g. 0.1.0 (tag v0.1.0)
#   IAMFORM_SHA256    the SHA-256 of its Linux x86_64 archive, from the release's .sha256 file,
#                     reviewed once when the version is bumped
#   IAMFORM_CACHE     where actions/cache keeps the archive (default ~/.cache/iamform)
#   IAMFORM_REPOSITORY  where releases are downloaded from (default iamform/iamform)
# The archive is checked on every run, downloaded or restored from the cache alike: a mismatch
# removes it and fails; nothing is installed and nothing falls back to building from source.
set -euo pipefail

version="${IAMFORM_VERSION:?set IAMFORM_VERSION to the iamform release to install}"
sum="${IAMFORM_SHA256:?set IAMFORM_SHA256 to the SHA-256 of the release archive}"
cache="${IAMFORM_CACHE:-$HOME/.cache/iamform}"
repository="${IAMFORM_REPOSITORY:-iamform/iamform}"
target="${IAMFORM_TARGET:-x86_64-unknown-linux-gnu}"
archive="iamform-v$version-$target.tar.gz"

case "$sum" in
*[!0-9a-f]* | "")
    echo "IAMFORM_SHA256 is not a SHA-256 (64 lowercase hex digits): $sum" >&2
    exit 1
    ;;
esac
if [ "${#sum}" -ne 64 ]; then
    echo "IAMFORM_SHA256 is not a SHA-256 (64 lowercase hex digits): $sum" >&2
    exit 1
fi

mkdir -p "$cache"
cd "$cache"
if [ -f "$archive" ]; then
    echo "iamform $version: from the cache"
else
    url="https://github.com/$repository/releases/download/v$version/$archive"
    echo "iamform $version: downloading $url"
    curl --proto '=https' --tlsv1.2 -fsSL --retry 3 -o "$archive.part" "$url"
    mv "$archive.part" "$archive"
fi
if ! echo "$sum  $archive" | sha256sum -c -; then
    rm -f "$archive"
    echo "iamform $version: $archive does not have the pinned SHA-256 $sum: not installed" >&2
    exit 1
fi
rm -rf bin
mkdir bin
tar -xzf "$archive" -C bin iamform
bin/iamform --version
if [ -n "${GITHUB_PATH:-}" ]; then
    echo "$cache/bin" >>"$GITHUB_PATH"
fi
