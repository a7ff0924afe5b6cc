#!/bin/sh
# make-debtags.sh - regenerate the "packages and their debtags" sample data set.
#
# Usage: samples/data/make-debtags.sh [PACKAGES_INDEX]
#
#   PACKAGES_INDEX  a Debian "Packages" index, plain or compressed (.lz4, .xz, .gz).
#                   Default: the bookworm main amd64 index in /var/lib/apt/lists
#                   (present after `apt-get update` on a Debian 12 machine).
#
# Writes (paths relative to the samples module):
#   src/main/resources/org/stableloss/dl4j/samples/debtags.tsv.gz  full snapshot (gzip -n)
#   src/test/resources/debtags-small.tsv                            small test fixture
# and prints statistics for README.md on stderr.
#
# Line format (UTF-8, LF, no header), sorted by package name (byte order):
#   package<TAB>tag1,tag2,...<TAB>one-line description
# Tags inside a line are sorted and unique. No field contains a tab or newline.
#
# Filtering (see README.md for the reasons):
#   1. packages without a Tag: field are dropped;
#   2. tags of the role:: facet and the "need an extra tag" markers (*::TODO,
#      devel::lang:TODO, ...) are dropped; so is anything in special::;
#   3. a package listed twice in the index keeps its first entry;
#   4. repeated until nothing changes: drop tags used by fewer than MIN_TAG_USES
#      packages, drop packages left with fewer than MIN_TAGS tags.
# The fixture takes every FIXTURE_STEP-th line of the snapshot and applies rule 4
# again with FIXTURE_MIN_TAG_USES, so its tag vocabulary is closed too.
#
# Needs only POSIX sh, awk, sort, gzip (plus lz4cat/xz for compressed indexes).
set -eu
export LC_ALL=C            # byte-order sorting and comparisons, whatever the caller's locale

MIN_TAG_USES=${MIN_TAG_USES:-5}
MIN_TAGS=${MIN_TAGS:-2}
FIXTURE_STEP=${FIXTURE_STEP:-30}
FIXTURE_MIN_TAG_USES=${FIXTURE_MIN_TAG_USES:-3}

HERE=$(cd "$(dirname "$0")" && pwd)
MODULE=$(dirname "$HERE")
OUT=${OUT:-$MODULE/src/main/resources/org/stableloss/dl4j/samples/debtags.tsv.gz}
FIXTURE=${FIXTURE:-$MODULE/src/test/resources/debtags-small.tsv}

src=${1:-}
if [ -z "$src" ]; then
    for f in /var/lib/apt/lists/*_dists_bookworm_main_binary-amd64_Packages \
             /var/lib/apt/lists/*_dists_bookworm_main_binary-amd64_Packages.lz4 \
             /var/lib/apt/lists/*_dists_bookworm_main_binary-amd64_Packages.xz \
             /var/lib/apt/lists/*_dists_bookworm_main_binary-amd64_Packages.gz; do
        if [ -f "$f" ]; then src=$f; break; fi
    done
fi
if [ -z "$src" ] || [ ! -f "$src" ]; then
    echo "make-debtags: no Packages index found (run apt-get update, or pass a path)" >&2
    exit 1
fi
echo "make-debtags: reading $src" >&2

decompress() {
    case $1 in
        *.lz4) lz4cat "$1" ;;
        *.xz)  xz -dc "$1" ;;
        *.gz)  gzip -dc "$1" ;;
        *)     cat "$1" ;;
    esac
}

# Rule 4, shared by the snapshot and the fixture: $1 = min uses per tag, $2 = min tags per line.
close_vocabulary() {
    awk -F '\t' -v minuses="$1" -v mintags="$2" '
    { pkg[NR] = $1; tags[NR] = $2; desc[NR] = $3; alive[NR] = 1 }
    END {
        do {
            changed = 0
            for (t in uses) delete uses[t]
            for (i = 1; i <= NR; i++) if (alive[i]) {
                n = split(tags[i], a, ",")
                for (j = 1; j <= n; j++) uses[a[j]]++
            }
            for (i = 1; i <= NR; i++) if (alive[i]) {
                n = split(tags[i], a, ","); kept = 0
                for (j = 1; j <= n; j++) if (uses[a[j]] >= minuses) kept++
                if (kept < mintags) { alive[i] = 0; changed = 1 }
            }
            # a tag that falls below the threshold only because packages went away
            # is caught by the next round: the loop stops at a fixed point
        } while (changed)
        for (i = 1; i <= NR; i++) if (alive[i]) {
            n = split(tags[i], a, ","); out = ""
            for (j = 1; j <= n; j++) if (uses[a[j]] >= minuses) out = out (out == "" ? "" : ",") a[j]
            print pkg[i] "\t" out "\t" desc[i]
        }
    }'
}

stats() {
    awk -F '\t' '
    { n = split($2, a, ","); pairs += n; for (j = 1; j <= n; j++) uses[a[j]]++ }
    END {
        for (t in uses) tags++
        printf "samples=%d distinct_tags=%d pairs=%d mean_tags=%.2f\ntop 10 tags:\n", NR, tags, pairs, (NR ? pairs / NR : 0)
        fflush()
        cmd = "sort -k1,1nr -k2,2 | head -10"
        for (t in uses) printf "%d\t%s\n", uses[t], t | cmd
        close(cmd)
    }' >&2
}

tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

# Rules 1-2: one "package<TAB>tags<TAB>description" line per index stanza.
decompress "$src" | awk '
    function flush(   n, a, i, j, t, k, cnt, out, seen) {
        if (pkg != "" && tagfield != "") {
            n = split(tagfield, a, ","); cnt = 0
            for (i = 1; i <= n; i++) {
                t = a[i]; gsub(/[ \t]+/, "", t)
                if (t == "" || t ~ /^role::/ || t ~ /^special::/ || t ~ /TODO$/ || (t in seen)) continue
                seen[t] = 1
                # insertion sort: tags in a line come out in byte order
                for (k = cnt; k > 0 && keep[k] > t; k--) keep[k + 1] = keep[k]
                keep[k + 1] = t; cnt++
            }
            out = ""
            for (i = 1; i <= cnt; i++) out = out (i > 1 ? "," : "") keep[i]
            if (cnt > 0) print pkg "\t" out "\t" desc
        }
        pkg = ""; desc = ""; tagfield = ""; intag = 0
    }
    /^$/          { flush(); next }
    /^[ \t]/      { if (intag) tagfield = tagfield " " $0; next }   # continuation line
                  { intag = 0 }
    /^Package:/   { pkg = $2; next }
    /^Description:/ {
        desc = substr($0, 13)
        gsub(/[\t\r]/, " ", desc); gsub(/  +/, " ", desc)
        sub(/^ +/, "", desc); sub(/ +$/, "", desc)
        next
    }
    /^Tag:/       { tagfield = substr($0, 5); intag = 1; next }
    END           { flush() }
' > "$tmp/all.tsv"

# Rule 3 and the sort: stable sort on the package name, then keep the first line per package.
sort -s -t "$(printf '\t')" -k1,1 "$tmp/all.tsv" | awk -F '\t' '$1 != last { print; last = $1 }' > "$tmp/uniq.tsv"

# Rule 4.
close_vocabulary "$MIN_TAG_USES" "$MIN_TAGS" < "$tmp/uniq.tsv" > "$tmp/snapshot.tsv"

mkdir -p "$(dirname "$OUT")" "$(dirname "$FIXTURE")"
gzip -n -9 < "$tmp/snapshot.tsv" > "$OUT"

# Fixture: every FIXTURE_STEP-th line (the 1st, the (1+STEP)th, ...), vocabulary closed again.
awk -v step="$FIXTURE_STEP" '(NR - 1) % step == 0' "$tmp/snapshot.tsv" \
    | close_vocabulary "$FIXTURE_MIN_TAG_USES" "$MIN_TAGS" > "$FIXTURE"

echo "input stanzas with a Tag field (after rules 1-2, before dedup): $(wc -l < "$tmp/all.tsv")" >&2
echo "== snapshot $OUT ($(wc -c < "$OUT") bytes gzipped, $(wc -c < "$tmp/snapshot.tsv") plain)" >&2
stats < "$tmp/snapshot.tsv"
echo "== fixture $FIXTURE ($(wc -c < "$FIXTURE") bytes)" >&2
stats < "$FIXTURE"
