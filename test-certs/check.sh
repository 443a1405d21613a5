#!/usr/bin/env bash
# Self-test of the kyso test PKI, using only the openssl CLI.
#
#   bash test-certs/check.sh
#
# Checks chain building, the revoked/expired leaves (CRL), UTF8String DNs, an
# OCSP round trip against a temporary `openssl ocsp` responder (on a free
# port, 39601 if free) and an RFC 3161 timestamp issued with tsa.p12.
set -euo pipefail

DIR="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
PASS="kyso-test"
WORK="$(mktemp -d "${TMPDIR:-/tmp}/kyso-pki-check.XXXXXX")"
OCSP_PID=""
cleanup() {
  if [[ -n $OCSP_PID ]]; then kill "$OCSP_PID" 2>/dev/null || true; wait "$OCSP_PID" 2>/dev/null || true; fi
  rm -rf "$WORK"
}
trap cleanup EXIT

fail() { echo "FAIL: $*" >&2; exit 1; }
ok()   { echo "ok   $*"; }

LEAVES=(signer signer-ec seal tsa ocsp revoked expired)

# Extract PEM cert + key from every .p12.
for n in "${LEAVES[@]}"; do
  openssl pkcs12 -in "$DIR/$n.p12" -passin "pass:$PASS" -nokeys -clcerts \
    | openssl x509 -out "$WORK/$n.pem"
  openssl pkcs12 -in "$DIR/$n.p12" -passin "pass:$PASS" -nocerts -nodes \
    | openssl pkey -out "$WORK/$n.key"
  [[ $(openssl pkcs12 -in "$DIR/$n.p12" -passin "pass:$PASS" -nokeys -cacerts | grep -c 'BEGIN CERT') == 2 ]] \
    || fail "$n.p12 does not carry intermediate + root"
done
ok "all .p12 open with password '$PASS' and carry key + leaf + 2 CA certs"

# (never fails, so that `verify ... | grep` works under pipefail)
verify() { openssl verify -CAfile "$DIR/root-ca.pem" -untrusted "$DIR/intermediate-ca.pem" "$@" 2>&1 || true; }

for n in signer signer-ec seal tsa ocsp revoked; do
  verify "$WORK/$n.pem" | grep -q ': OK$' || fail "verify $n"
done
ok "signer signer-ec seal tsa ocsp revoked chain to root-ca.pem"

verify "$WORK/expired.pem" | grep -q 'certificate has expired' || fail "expired.p12 should be expired"
ok "expired.p12 fails verify with 'certificate has expired'"

CRLS=(-crl_check_all -CRLfile "$DIR/crl.pem" -CRLfile "$DIR/root-crl.pem")
verify "${CRLS[@]}" "$WORK/revoked.pem" | grep -q 'certificate revoked' || fail "revoked.p12 not revoked by CRL"
verify "${CRLS[@]}" "$WORK/signer.pem" | grep -q ': OK$' || fail "signer fails CRL check"
ok "revoked.p12 fails -crl_check_all (certificate revoked); signer passes it"

cn_type=$(openssl asn1parse -in "$WORK/signer.pem" | grep -A1 ':commonName *$' | tail -1)
[[ $cn_type == *UTF8STRING*"Nguyễn Thị Lấp Lánh Ánh"* ]] || fail "signer CN not UTF8String: $cn_type"
subj=$(openssl x509 -in "$WORK/signer.pem" -noout -subject -nameopt utf8,sep_comma_plus)
[[ $subj == "subject=C=VN,ST=Bắc Ninh,L=Phường Kinh Bắc,O=Ủy ban nhân dân phường Kinh Bắc,CN=Nguyễn Thị Lấp Lánh Ánh,UID=CCCD:027190001234" ]] \
  || fail "unexpected signer subject: $subj"
ok "signer subject is UTF8String: ${subj#subject=}"

# --- OCSP ------------------------------------------------------------------
# Start the responder on 39601, or the next free port. No TCP probing: with
# OpenSSL 3.0 an `openssl ocsp -port` responder that receives a connection
# which closes without a request spins at 100% CPU and stops answering. So we
# just try to bind and wait for the "waiting for OCSP client connections" line.
start_responder() { # PORT -> 0 if listening
  openssl ocsp -index "$DIR/ocsp-index.txt" -CA "$DIR/intermediate-ca.pem" \
    -rsigner "$WORK/ocsp.pem" -rkey "$WORK/ocsp.key" -port "$1" -ndays 1 \
    >"$WORK/ocsp-server.log" 2>&1 &
  OCSP_PID=$!
  for _ in $(seq 100); do
    grep -q 'waiting for OCSP client connections' "$WORK/ocsp-server.log" && return 0
    kill -0 "$OCSP_PID" 2>/dev/null || { OCSP_PID=""; return 1; }
    sleep 0.1
  done
  fail "OCSP responder did not start: $(cat "$WORK/ocsp-server.log")"
}
PORT=39601
until start_responder "$PORT"; do
  PORT=$((PORT + 17))
  (( PORT < 39601 + 17 * 20 )) || fail "no free port for the OCSP responder"
done

ocsp_status() {
  openssl ocsp -issuer "$DIR/intermediate-ca.pem" -cert "$WORK/$1.pem" \
    -url "http://127.0.0.1:$PORT" -CAfile "$DIR/ca-chain.pem" 2>&1 || true
}
for n in signer signer-ec seal tsa; do
  out=$(ocsp_status "$n")
  grep -q 'Response verify OK' <<<"$out" && grep -q ": good$" <<<"$out" || fail "OCSP $n: $out"
done
out=$(ocsp_status revoked)
grep -q 'Response verify OK' <<<"$out" && grep -q ": revoked$" <<<"$out" \
  && grep -q 'Reason: keyCompromise' <<<"$out" || fail "OCSP revoked: $out"
ok "OCSP on port $PORT: signer/signer-ec/seal/tsa good, revoked revoked (keyCompromise)"
kill "$OCSP_PID"; wait "$OCSP_PID" 2>/dev/null || true; OCSP_PID=""

# --- RFC 3161 timestamp ----------------------------------------------------
cat > "$WORK/ts.cnf" <<EOF
[ tsa ]
default_tsa = tsa_config
[ tsa_config ]
serial               = $WORK/tsaserial
signer_digest        = sha256
default_policy       = 1.3.6.1.4.1.99999.1.1
digests              = sha256
accuracy             = secs:1
ess_cert_id_alg      = sha256
ess_cert_id_chain    = no
EOF
echo "Giấy xác nhận" > "$WORK/data.txt"
openssl ts -query -data "$WORK/data.txt" -sha256 -cert -out "$WORK/req.tsq" 2>/dev/null
openssl ts -reply -config "$WORK/ts.cnf" -queryfile "$WORK/req.tsq" -inkey "$WORK/tsa.key" \
  -signer "$WORK/tsa.pem" -chain "$DIR/ca-chain.pem" -out "$WORK/resp.tsr" 2>/dev/null
openssl ts -verify -queryfile "$WORK/req.tsq" -in "$WORK/resp.tsr" \
  -CAfile "$DIR/root-ca.pem" -untrusted "$DIR/intermediate-ca.pem" >"$WORK/ts-verify.log" 2>&1 \
  && grep -q '^Verification: OK' "$WORK/ts-verify.log" || fail "openssl ts -verify: $(cat "$WORK/ts-verify.log")"
ok "timestamp signed with tsa.p12 verifies (critical EKU timeStamping accepted)"

# The signer cert (no EKU) must be refused as a TSA.
openssl ts -reply -config "$WORK/ts.cnf" -queryfile "$WORK/req.tsq" -inkey "$WORK/signer.key" \
  -signer "$WORK/signer.pem" -out "$WORK/bad.tsr" >/dev/null 2>&1 \
  && fail "signer.p12 was accepted as a TSA"
ok "signer.p12 is refused as a TSA signer"

echo "all checks passed"
