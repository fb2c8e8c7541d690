#!/usr/bin/env bash
# Refreshes the front-end libraries under xuncha/static/vendor/ from the npm registry.
# The files are committed: the application serves them itself and needs no network at run time.
set -euo pipefail

BOOTSTRAP=5.3.8
BOOTSTRAP_ICONS=1.13.2
ECHARTS=6.1.0

root=$(cd "$(dirname "$0")/.." && pwd)
dest="$root/xuncha/static/vendor"
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

cd "$work"
npm pack --silent "bootstrap@$BOOTSTRAP" "bootstrap-icons@$BOOTSTRAP_ICONS" "echarts@$ECHARTS" >/dev/null
mkdir bootstrap bootstrap-icons echarts
tar xzf "bootstrap-$BOOTSTRAP.tgz" -C bootstrap --strip-components=1
tar xzf "bootstrap-icons-$BOOTSTRAP_ICONS.tgz" -C bootstrap-icons --strip-components=1
tar xzf "echarts-$ECHARTS.tgz" -C echarts --strip-components=1

rm -rf "$dest/bootstrap" "$dest/bootstrap-icons" "$dest/echarts"
mkdir -p "$dest/bootstrap/css" "$dest/bootstrap/js" "$dest/bootstrap-icons/fonts" "$dest/echarts"
cp bootstrap/dist/css/bootstrap.min.css bootstrap/dist/css/bootstrap.min.css.map "$dest/bootstrap/css/"
cp bootstrap/dist/js/bootstrap.bundle.min.js bootstrap/dist/js/bootstrap.bundle.min.js.map "$dest/bootstrap/js/"
cp bootstrap/LICENSE "$dest/bootstrap/LICENSE"
cp bootstrap-icons/font/bootstrap-icons.min.css "$dest/bootstrap-icons/"
cp bootstrap-icons/font/fonts/bootstrap-icons.woff2 bootstrap-icons/font/fonts/bootstrap-icons.woff "$dest/bootstrap-icons/fonts/"
cp bootstrap-icons/LICENSE "$dest/bootstrap-icons/LICENSE"
cp echarts/dist/echarts.min.js "$dest/echarts/"
cp echarts/LICENSE echarts/NOTICE "$dest/echarts/"

cat > "$dest/VERSIONS" <<TXT
Vendored from the npm registry by scripts/vendor.sh (make vendor); served locally, no CDN.
bootstrap $BOOTSTRAP (MIT, see bootstrap/LICENSE)
bootstrap-icons $BOOTSTRAP_ICONS (MIT, see bootstrap-icons/LICENSE)
echarts $ECHARTS (Apache-2.0, see echarts/LICENSE and echarts/NOTICE)
htmx 2.x is served by the django-htmx package ({% htmx_script %}).
TXT
echo "vendored into $dest"
