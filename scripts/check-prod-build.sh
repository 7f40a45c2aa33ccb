#!/usr/bin/env bash
# Checks the production artefact the way a server gets it: builds dist/ (`npm run build`),
# copies it with package.json and the lockfile into a clean temporary folder, installs
# production dependencies only (`npm ci --omit=dev`: no tsx, no Vite, no TypeScript), starts
# `node dist/scripts/start.js` in local mode on a free port with a temporary data folder, and
# checks that it answers: /api/health, /api/ready, the tab at /, and
# the /privacy and /terms pages the app manifest links to. Then it stops the server and
# removes the folder. Nothing is written in the repository but dist/ (git-ignored).
#
#   bash scripts/check-prod-build.sh          (npm run check:prod-build)
#
# The build skips tsc's type check (--no-check) because CI runs `npm run typecheck` first;
# CHECK_PROD_BUILD_TYPECHECK=1 makes it check types too.
set -euo pipefail
cd "$(dirname "$0")/.."
ROOT="$(pwd)"
STARTED=$SECONDS

WORK="$(mktemp -d "${TMPDIR:-/tmp}/trellis-prod-build-XXXXXX")"
APP="$WORK/app"
SERVER_PID=""
cleanup() {
  if [[ -n "$SERVER_PID" ]] && kill -0 "$SERVER_PID" 2>/dev/null; then
    kill -TERM "$SERVER_PID" 2>/dev/null || true
    for _ in $(seq 1 50); do kill -0 "$SERVER_PID" 2>/dev/null || break; sleep 0.2; done
    kill -KILL "$SERVER_PID" 2>/dev/null || true
  fi
  rm -rf "$WORK"
}
trap cleanup EXIT

fail() {
  echo "check-prod-build: FAILED: $1" >&2
  if [[ -f "$WORK/server.log" ]]; then
    echo "---- server log (last 40 lines) ----" >&2
    tail -n 40 "$WORK/server.log" >&2
  fi
  exit 1
}

echo "== building dist/"
if [[ "${CHECK_PROD_BUILD_TYPECHECK:-0}" == "1" ]]; then npm run --silent build; else npm run --silent build -- --no-check; fi

echo "== installing production dependencies in a clean folder ($APP)"
mkdir -p "$APP"
cp package.json package-lock.json "$APP/"
[[ -f .npmrc ]] && cp .npmrc "$APP/"
cp -R dist "$APP/dist"
(cd "$APP" && npm ci --omit=dev --prefer-offline --no-audit --no-fund --loglevel=error)
for dev in tsx vite typescript vitest; do
  [[ ! -e "$APP/node_modules/$dev" ]] || fail "the production install has the devDependency $dev"
done

PORT="$(node -e "const s=require('node:net').createServer().listen(0,'127.0.0.1',()=>{console.log(s.address().port);s.close()})")"
echo "== starting node dist/scripts/start.js in local mode on port $PORT"
# Local mode: no tenant variables, whatever the calling environment has.
(
  cd "$APP"
  exec env -u GRAPH_TENANT_ID -u GRAPH_CLIENT_ID -u GRAPH_CLIENT_SECRET -u GRAPH_SITE_ID \
    NODE_ENV=production PORT="$PORT" TRELLIS_DATA_DIR="$WORK/data" node dist/scripts/start.js
) >"$WORK/server.log" 2>&1 &
SERVER_PID=$!

# One HTTP request with Node's fetch (no curl needed): prints "<status> <content-type>" then the body.
request() {
  node -e '
    const [url, accept] = process.argv.slice(1);
    process.stdout.on("error", () => process.exit(0)); // a reader that stops early (head) is fine
    fetch(url, { headers: { accept }, signal: AbortSignal.timeout(10000) }).then(
      async (r) => { process.stdout.write(`${r.status} ${r.headers.get("content-type") ?? ""}\n${await r.text()}`); },
      () => { process.stdout.write("000 \n"); },
    );' "http://127.0.0.1:$PORT$1" "${2:-application/json}"
}

echo "== waiting for /api/health"
deadline=$((SECONDS + 120))
until [[ "$(request /api/health | head -n 1)" == 200* ]]; do
  kill -0 "$SERVER_PID" 2>/dev/null || fail "the server exited before answering /api/health"
  ((SECONDS < deadline)) || fail "/api/health did not answer 200 within 120 s"
  sleep 1
done
health="$(request /api/health)"
grep -q '"status":"ok"' <<<"$health" || fail "/api/health did not say ok: $health"
grep -q '"mode":"local"' <<<"$health" || fail "/api/health is not in local mode: $health"
echo "   /api/health: $(tail -n +2 <<<"$health" | head -c 200)"

# /api/ready (readiness: Graph reachable, lists provisioned) is public: 200 once the emulator
# answers; 503 before that, and anything else is a failure.
ready_status="$(request /api/ready | head -n 1 | cut -d' ' -f1)"
until [[ "$ready_status" == "200" ]]; do
  [[ "$ready_status" == "503" ]] || fail "/api/ready answered $ready_status (200 or 503 expected)"
  ((SECONDS < deadline)) || fail "/api/ready answered $ready_status, not 200, within 120 s"
  sleep 1
  ready_status="$(request /api/ready | head -n 1 | cut -d' ' -f1)"
done
echo "   /api/ready: 200"

tab="$(request / text/html)"
[[ "$(head -n 1 <<<"$tab")" == "200 text/html"* ]] || fail "/ did not answer 200 text/html: $(head -n 1 <<<"$tab")"
grep -q '<script type="module"' <<<"$tab" || fail "/ is not the built tab (no module script in the page)"
asset="$(grep -oE '/assets/[^"]+\.js' <<<"$tab" | head -n 1)"
[[ -n "$asset" ]] || fail "the tab page names no /assets/*.js"
[[ "$(request "$asset" '*/*' | head -n 1)" == 200* ]] || fail "the tab's script $asset is not served"
echo "   /: the built tab from dist/tab ($asset served)"

for page in /privacy /terms; do
  answer="$(request "$page" text/html)"
  [[ "$(head -n 1 <<<"$answer")" == "200 text/html"* ]] || fail "$page did not answer 200 text/html"
  echo "   $page: 200 text/html"
done

kill -TERM "$SERVER_PID"
for _ in $(seq 1 50); do kill -0 "$SERVER_PID" 2>/dev/null || break; sleep 0.2; done
kill -0 "$SERVER_PID" 2>/dev/null && fail "the server did not stop within 10 s of SIGTERM"
SERVER_PID=""

echo "== production build OK in $((SECONDS - STARTED)) s"
cd "$ROOT"
