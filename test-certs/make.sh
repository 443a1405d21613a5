#!/usr/bin/env bash
# Regenerates the kyso test PKI in the directory this script lives in.
#
#   bash test-certs/make.sh
#
# Needs only the OpenSSL 3.x command-line tool (and bash + date). Every run
# starts from scratch: new keys, new random serial numbers, new CRLs. The CA
# databases live in a temporary directory that is deleted on exit; only the
# files listed in README.md are kept.
set -euo pipefail

OUT="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
PASS="kyso-test"

# Fixed endpoints baked into the certificates (see README.md).
OCSP_URL="http://127.0.0.1:39601"
HTTP_BASE="http://127.0.0.1:39602"

command -v openssl >/dev/null || { echo "make.sh: openssl not found" >&2; exit 1; }
case "$(openssl version)" in
  "OpenSSL 3."*) ;;
  *) echo "make.sh: needs OpenSSL 3.x, found: $(openssl version)" >&2; exit 1 ;;
esac

WORK="$(mktemp -d "${TMPDIR:-/tmp}/kyso-pki.XXXXXX")"
trap 'rm -rf "$WORK"' EXIT

# ---------------------------------------------------------------------------
# Dates. Everything (except the deliberately expired leaf) starts one day in
# the past so that small clock skew never makes a certificate "not yet valid".
# Works with both GNU date (-d @epoch) and BSD date (-r epoch).
# ---------------------------------------------------------------------------
fmt_epoch() { date -u -d "@$1" "+$2" 2>/dev/null || date -u -r "$1" "+$2"; }

START_EPOCH=$(( $(date -u +%s) - 86400 ))
START_YEAR=$(fmt_epoch "$START_EPOCH" %Y)
START_REST=$(fmt_epoch "$START_EPOCH" %m%d%H%M%S)   # MMDDhhmmss
NOT_BEFORE="${START_YEAR}${START_REST}Z"

# not_after YEARS -> START + YEARS years, as an openssl -enddate string.
not_after() {
  local y=$(( START_YEAR + $1 )) rest="$START_REST"
  if [[ $rest == 0229* ]] && ! (( (y % 4 == 0 && y % 100 != 0) || y % 400 == 0 )); then
    rest="0228${rest:4}"
  fi
  echo "${y}${rest}Z"
}

# ---------------------------------------------------------------------------
# OpenSSL configuration: two CAs (root, intermediate) and one extension
# section per kind of certificate.
# ---------------------------------------------------------------------------
write_config() {
  mkdir -p "$WORK/root/newcerts" "$WORK/int/newcerts" "$WORK/keys" "$WORK/certs"
  for ca in root int; do
    : > "$WORK/$ca/index.txt"
    echo "unique_subject = no" > "$WORK/$ca/index.txt.attr"
    echo "01" > "$WORK/$ca/crlnumber"
  done

  # Common to every end-entity certificate (openssl has no section inheritance).
  local LEAF_COMMON
  LEAF_COMMON=$(cat <<EOF
basicConstraints       = critical, CA:FALSE
subjectKeyIdentifier   = hash
authorityKeyIdentifier = keyid:always
crlDistributionPoints  = URI:$HTTP_BASE/intermediate.crl
authorityInfoAccess    = OCSP;URI:$OCSP_URL, caIssuers;URI:$HTTP_BASE/intermediate-ca.cer
EOF
)

  cat > "$WORK/openssl.cnf" <<EOF
[ req ]
prompt             = no
utf8               = yes
string_mask        = utf8only
default_md         = sha256
distinguished_name = req_dn

[ req_dn ]
CN = placeholder (always overridden by -subj)

[ ca ]
default_ca = CA_int

[ CA_root ]
dir              = $WORK/root
database         = \$dir/index.txt
new_certs_dir    = \$dir/newcerts
serial           = \$dir/serial
crlnumber        = \$dir/crlnumber
certificate      = $WORK/certs/root-ca.pem
private_key      = $WORK/keys/root-ca.key
default_md       = sha256
string_mask      = utf8only
preserve         = yes
email_in_dn      = no
unique_subject   = no
copy_extensions  = none
policy           = policy_any
crl_extensions   = crl_ext

[ CA_int ]
dir              = $WORK/int
database         = \$dir/index.txt
new_certs_dir    = \$dir/newcerts
serial           = \$dir/serial
crlnumber        = \$dir/crlnumber
certificate      = $WORK/certs/intermediate-ca.pem
private_key      = $WORK/keys/intermediate-ca.key
default_md       = sha256
string_mask      = utf8only
preserve         = yes
email_in_dn      = no
unique_subject   = no
copy_extensions  = none
policy           = policy_any
crl_extensions   = crl_ext

# Every attribute we use must be listed, or 'openssl ca' silently drops it.
[ policy_any ]
countryName            = optional
stateOrProvinceName    = optional
localityName           = optional
organizationName       = optional
organizationalUnitName = optional
commonName             = supplied
userId                 = optional

[ crl_ext ]
authorityKeyIdentifier = keyid:always

[ v3_root ]
basicConstraints     = critical, CA:TRUE
keyUsage             = critical, keyCertSign, cRLSign
subjectKeyIdentifier = hash

[ v3_intermediate ]
basicConstraints       = critical, CA:TRUE, pathlen:0
keyUsage               = critical, keyCertSign, cRLSign
subjectKeyIdentifier   = hash
authorityKeyIdentifier = keyid:always
crlDistributionPoints  = URI:$HTTP_BASE/root.crl
authorityInfoAccess    = caIssuers;URI:$HTTP_BASE/root-ca.cer

# Natural persons and the organisation seal. Deliberately NO extendedKeyUsage.
[ v3_signing ]
$LEAF_COMMON
keyUsage               = critical, digitalSignature, nonRepudiation

[ v3_tsa ]
$LEAF_COMMON
keyUsage               = critical, digitalSignature, nonRepudiation
extendedKeyUsage       = critical, timeStamping

[ v3_ocsp ]
$LEAF_COMMON
keyUsage               = critical, digitalSignature
extendedKeyUsage       = OCSPSigning
noCheck                = ignored
EOF
}

# ---------------------------------------------------------------------------
# Building blocks
# ---------------------------------------------------------------------------
ossl() { OPENSSL_CONF="$WORK/openssl.cnf" openssl "$@"; }

rsa_key() { # NAME BITS
  ossl genpkey -quiet -algorithm RSA -pkeyopt "rsa_keygen_bits:$2" -out "$WORK/keys/$1.key"
}

ec_key() { # NAME  (NIST P-256, named curve)
  ossl genpkey -quiet -algorithm EC -pkeyopt ec_paramgen_curve:P-256 \
    -pkeyopt ec_param_enc:named_curve -out "$WORK/keys/$1.key"
}

csr() { # NAME SUBJECT
  ossl req -new -utf8 -config "$WORK/openssl.cnf" -key "$WORK/keys/$1.key" \
    -subj "$2" -out "$WORK/$1.csr"
}

issue() { # CA(CA_root|CA_int) NAME EXTENSIONS STARTDATE ENDDATE [extra openssl ca args]
  local ca=$1 name=$2 ext=$3 start=$4 end=$5
  shift 5
  ossl ca -batch -notext -utf8 -config "$WORK/openssl.cnf" -name "$ca" -rand_serial \
    -extensions "$ext" -startdate "$start" -enddate "$end" \
    -in "$WORK/$name.csr" -out "$WORK/certs/$name.pem" "$@" 2>"$WORK/$name.ca.log" \
    || { cat "$WORK/$name.ca.log" >&2; return 1; }
}

export_p12() { # NAME FRIENDLY_NAME  -> $OUT/NAME.p12 (key + leaf + intermediate + root)
  # OpenSSL 3 defaults: PBES2 / PBKDF2-HMAC-SHA256 / AES-256-CBC for both the
  # key bag and the certificate bags, HMAC-SHA256 MAC.
  ossl pkcs12 -export -inkey "$WORK/keys/$1.key" -in "$WORK/certs/$1.pem" \
    -certfile "$OUT/ca-chain.pem" -name "$2" -passout "pass:$PASS" -out "$OUT/$1.p12"
  chmod 644 "$OUT/$1.p12"   # openssl creates it 0600; these are public test fixtures
}

# ---------------------------------------------------------------------------
# One function per kind of certificate
# ---------------------------------------------------------------------------
CA_O="Kyso Thử Nghiệm"
UBND_DN="/C=VN/ST=Bắc Ninh/L=Phường Kinh Bắc/O=Ủy ban nhân dân phường Kinh Bắc"

make_root_ca() {
  rsa_key root-ca 3072
  csr root-ca "/C=VN/O=$CA_O/CN=Kyso Test Root CA"
  issue CA_root root-ca v3_root "$NOT_BEFORE" "$(not_after 30)" \
    -selfsign -keyfile "$WORK/keys/root-ca.key"
}

make_intermediate_ca() {
  rsa_key intermediate-ca 3072
  csr intermediate-ca "/C=VN/O=$CA_O/CN=Kyso Test Intermediate CA"
  issue CA_root intermediate-ca v3_intermediate "$NOT_BEFORE" "$(not_after 25)"
}

# person NAME KEYTYPE(rsa|ec) CN UID [STARTDATE ENDDATE]
make_person() {
  local name=$1 kt=$2 cn=$3 uid=$4
  local start=${5:-$NOT_BEFORE} end=${6:-$(not_after 20)}
  if [[ $kt == ec ]]; then ec_key "$name"; else rsa_key "$name" 2048; fi
  csr "$name" "$UBND_DN/CN=$cn/UID=$uid"
  issue CA_int "$name" v3_signing "$start" "$end"
}

make_seal() { # the organisation's own seal key
  rsa_key seal 3072
  csr seal "$UBND_DN/OU=Văn phòng/CN=Ủy ban nhân dân phường Kinh Bắc"
  issue CA_int seal v3_signing "$NOT_BEFORE" "$(not_after 20)"
}

make_tsa() {
  rsa_key tsa 2048
  csr tsa "/C=VN/O=$CA_O/CN=Kyso Test TSA"
  issue CA_int tsa v3_tsa "$NOT_BEFORE" "$(not_after 20)"
}

make_ocsp_responder() {
  rsa_key ocsp 2048
  csr ocsp "/C=VN/O=$CA_O/CN=Kyso Test OCSP Responder"
  issue CA_int ocsp v3_ocsp "$NOT_BEFORE" "$(not_after 20)"
}

revoke() { # NAME REASON
  ossl ca -batch -config "$WORK/openssl.cnf" -name CA_int \
    -revoke "$WORK/certs/$1.pem" -crl_reason "$2" 2>"$WORK/$1.revoke.log" \
    || { cat "$WORK/$1.revoke.log" >&2; return 1; }
}

make_crl() { # CA OUTFILE
  ossl ca -batch -config "$WORK/openssl.cnf" -name "$1" -gencrl -crldays 7300 \
    -out "$2" 2>"$WORK/crl.log" || { cat "$WORK/crl.log" >&2; return 1; }
}

# ---------------------------------------------------------------------------
# Main
# ---------------------------------------------------------------------------
OUTPUTS=(root-ca.pem intermediate-ca.pem ca-chain.pem crl.pem root-crl.pem ocsp-index.txt
         signer.p12 signer-ec.p12 seal.p12 tsa.p12 ocsp.p12 revoked.p12 expired.p12)
for f in "${OUTPUTS[@]}"; do rm -f "$OUT/$f"; done
rm -rf "$OUT/http"

write_config

make_root_ca
make_intermediate_ca
cp "$WORK/certs/root-ca.pem"         "$OUT/root-ca.pem"
cp "$WORK/certs/intermediate-ca.pem" "$OUT/intermediate-ca.pem"
cat "$OUT/intermediate-ca.pem" "$OUT/root-ca.pem" > "$OUT/ca-chain.pem"

make_person signer    rsa "Nguyễn Thị Lấp Lánh Ánh" "CCCD:027190001234"
make_person signer-ec ec  "Trần Văn Đức"            "CCCD:027089005678"
make_seal
make_tsa
make_ocsp_responder
make_person revoked   rsa "Lê Thị Bị Thu Hồi"       "CCCD:027195009999"
make_person expired   rsa "Phạm Văn Hết Hạn"        "CCCD:027180004321" \
  20200101000000Z 20210101000000Z

revoke revoked keyCompromise
# Mark the expired leaf 'E' in the index.
ossl ca -config "$WORK/openssl.cnf" -name CA_int -updatedb 2>"$WORK/updatedb.log" \
  || { cat "$WORK/updatedb.log" >&2; exit 1; }

make_crl CA_int  "$OUT/crl.pem"
make_crl CA_root "$OUT/root-crl.pem"
cp "$WORK/int/index.txt" "$OUT/ocsp-index.txt"

export_p12 signer    "kyso-test signer"
export_p12 signer-ec "kyso-test signer-ec"
export_p12 seal      "kyso-test seal"
export_p12 tsa       "kyso-test tsa"
export_p12 ocsp      "kyso-test ocsp"
export_p12 revoked   "kyso-test revoked"
export_p12 expired   "kyso-test expired"

# DER copies laid out exactly as served on $HTTP_BASE, so the test HTTP server
# can simply serve this directory.
mkdir -p "$OUT/http"
openssl x509 -in "$OUT/root-ca.pem"         -outform DER -out "$OUT/http/root-ca.cer"
openssl x509 -in "$OUT/intermediate-ca.pem" -outform DER -out "$OUT/http/intermediate-ca.cer"
openssl crl  -in "$OUT/root-crl.pem"        -outform DER -out "$OUT/http/root.crl"
openssl crl  -in "$OUT/crl.pem"             -outform DER -out "$OUT/http/intermediate.crl"

# Sanity check: every non-expired leaf chains to the root.
for n in signer signer-ec seal tsa ocsp revoked; do
  openssl verify -CAfile "$OUT/root-ca.pem" -untrusted "$OUT/intermediate-ca.pem" \
    "$WORK/certs/$n.pem" >/dev/null
done

echo "kyso test PKI written to $OUT"
