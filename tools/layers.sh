#!/bin/sh
# The data flows one way (docs/architecture.md): each stage folder of lib/src
# may include only the folders listed for it.  Above all, nothing downstream
# of the model includes an ooxml/ header: later stages never re-read XML.
# Exit 1 naming every include that points the wrong way.
cd "$(dirname "$0")/.." || exit 2
allowed() {
    case "$1" in
    base) echo "base" ;;
    model) echo "base model" ;;
    ooxml) echo "base model ooxml" ;;
    extract) echo "base model extract" ;;
    rules) echo "base model extract rules" ;;
    dossier) echo "base model extract rules dossier" ;;
    fill) echo "base model extract rules ooxml fill" ;;
    annotate) echo "base model extract rules ooxml annotate" ;;
    batch) echo "base model extract rules dossier fill annotate batch" ;;
    *) echo "" ;;
    esac
}
bad=0
for dir in lib/src/*/; do
    stage=$(basename "$dir")
    ok=$(allowed "$stage")
    if [ -z "$ok" ]; then
        echo "layers: lib/src/$stage/ is not a known stage (add it to tools/layers.sh and docs/architecture.md)"
        bad=1
        continue
    fi
    for f in "$dir"*.c "$dir"*.h; do
        [ -f "$f" ] || continue
        for inc in $(sed -n 's@^[[:space:]]*#[[:space:]]*include[[:space:]]*"\([a-z]*\)/.*@\1@p' "$f"); do
            [ "$inc" = tcpl ] && continue
            case " $ok " in
            *" $inc "*) ;;
            *)
                echo "layers: $f includes $inc/, but $stage/ may include only: $ok"
                bad=1
                ;;
            esac
        done
    done
done
# The CLI uses the public headers only.
if grep -n '#include "\(base\|ooxml\|model\|extract\|rules\|dossier\|fill\|annotate\|batch\)/' cmd/tcpl/*.c cmd/tcpl/*.h; then
    echo "layers: cmd/ must include only tcpl/ public headers"
    bad=1
fi
[ $bad -eq 0 ] && echo "layers: every include points downstream"
exit $bad
