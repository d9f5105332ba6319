#!/usr/bin/env bash
# Copies the packed cache entries committed under outputs/in-progress/<figure>/ (a figure whose
# computation spans several sittings: what earlier sittings finished) into OUTPUTS/cache/packs/, so
# that a run computes only the samples still missing.
#
# Each pack is a `gc` pack (`<name>.pack` and its sorted index `<name>.index`). Nothing is trusted
# for being committed: every entry read from a pack is verified like any cache entry (header,
# checksum, key), and an entry's key binds its spec and the code fingerprints it was computed with,
# so after a code change the carried entries are simply not hits. A pack is copied to a temporary
# name, synced and renamed, its index last (as `gc` writes them), so a reader sees a whole pack or
# none. A pack whose every entry the cache's packs already hold is left alone: the copy made by an
# earlier run, or its entries after `gc` merged that copy into the cache's own pack.
#
# usage: tools/carry-packs.sh OUTPUTS [IN_PROGRESS]   (IN_PROGRESS: default outputs/in-progress)
set -euo pipefail
outputs=${1:?usage: carry-packs.sh OUTPUTS [IN_PROGRESS]}
source=${2:-$(dirname "$0")/../outputs/in-progress}
dest="$outputs/cache/packs"
shopt -s nullglob
copied=0 entries=0
# The keys of pack indexes, one hex line each: an index is an 8-byte tag, then 48 bytes per entry
# (its 32-byte key, offset, length).
keys_of() {
  for file in "$@"; do tail -c +9 "$file"; done | od -An -v -tx1 -w48 \
    | awk '{ key = ""; for (i = 1; i <= 32; i++) key = key $i; print key }' | LC_ALL=C sort -u
}
for index in "$source"/*/*.index; do
  name=$(basename "$index" .index)
  pack="${index%.index}.pack"
  if [ ! -f "$pack" ]; then
    echo "carry-packs: $index has no $(basename "$pack") beside it" >&2
    exit 1
  fi
  held=("$dest"/*.index)
  if [ ${#held[@]} -gt 0 ] && [ -z "$(LC_ALL=C comm -23 <(keys_of "$index") <(keys_of "${held[@]}") | head -1)" ]; then
    continue
  fi
  mkdir -p "$dest"
  cp "$pack" "$dest/.$name.pack.tmp"
  cp "$index" "$dest/.$name.index.tmp"
  sync "$dest/.$name.pack.tmp" "$dest/.$name.index.tmp"
  mv "$dest/.$name.pack.tmp" "$dest/$name.pack"
  mv "$dest/.$name.index.tmp" "$dest/$name.index"
  copied=$((copied + 1))
  # The index: an 8-byte tag, then 48 bytes per entry.
  entries=$((entries + ($(stat -c %s "$index") - 8) / 48))
done
if [ "$copied" -gt 0 ]; then
  echo "carried $entries cache entries of figures in progress ($copied packs from $source)"
fi
