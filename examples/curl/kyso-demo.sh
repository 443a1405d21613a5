#!/bin/sh
# The kyso HTTP service from the shell: health, a fee quote, signing a PDF, verifying it.
#
#   KYSO_API_KEY=kyso_... sh examples/curl/kyso-demo.sh IN.pdf OUT_DIR
#
# KYSO_URL defaults to http://127.0.0.1:8080 (what `pnpm serve` prints); KYSO_KEY_ALIAS to "seal" (the
# development setup's organisation seal). Every error is RFC 9457 problem+json; --fail-with-body shows it and
# makes the script stop.
set -eu
URL=${KYSO_URL:-http://127.0.0.1:8080}
ALIAS=${KYSO_KEY_ALIAS:-seal}
IN=${1:?usage: kyso-demo.sh IN.pdf OUT_DIR}
OUT=${2:?usage: kyso-demo.sh IN.pdf OUT_DIR}
: "${KYSO_API_KEY:?set KYSO_API_KEY (the development setup prints one at start)}"
mkdir -p "$OUT"

echo "== health"
curl -sS --fail-with-body "$URL/healthz"; echo

echo "== fee: 2 paper copies and 1 e-copy of a 10-page original (open, no API key)"
curl -sS --fail-with-body -X POST "$URL/v1/fees/quote" \
  -H 'Content-Type: application/json' \
  -d '{"originals":[{"pages":10,"paperCopies":2,"electronicCopy":true}]}' | tee "$OUT/fee.json"; echo

echo "== sign with the key \"$ALIAS\""
if ! curl -sS --fail-with-body -X POST "$URL/v1/sign?key=$ALIAS&reason=Ph%C3%AA%20duy%E1%BB%87t&location=B%E1%BA%AFc%20Ninh" \
  -H "Authorization: Bearer $KYSO_API_KEY" \
  -H 'Content-Type: application/pdf' \
  --data-binary @"$IN" -o "$OUT/signed.pdf"; then
  # On an error the file holds the problem+json, not a PDF: show it and leave no half result.
  cat "$OUT/signed.pdf" >&2; echo >&2
  rm -f "$OUT/signed.pdf"
  exit 1
fi
echo "wrote $OUT/signed.pdf"

echo "== verify it (open, no API key)"
curl -sS --fail-with-body -X POST "$URL/v1/verify" \
  -H 'Content-Type: application/pdf' \
  --data-binary @"$OUT/signed.pdf" | tee "$OUT/report.json"; echo
