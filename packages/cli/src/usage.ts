/** The exit codes of the kyso command (sysexits where they apply) and its usage errors. */
export const EXIT = {
  OK: 0,
  USAGE: 64,
  DATA: 65,
  NO_INPUT: 66,
  SOFTWARE: 70,
} as const;

export class UsageError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'UsageError';
  }
}

export const HELP = `kyso — ký số: sign, certify and verify Vietnamese administrative PDFs

Usage:
  kyso <command> [options]

Commands:
  inspect FILE.pdf [--json]   List a PDF's revisions (incremental updates), their byte spans and the objects
                              each defines; report encryption, recovery, bytes after the last %%EOF and
                              objects no cross-reference section points to.
  sign IN.pdf -o OUT.pdf --p12 FILE --password-env VAR [options]
                              Append a PAdES signature (B-B; B-T, B-LT or B-LTA with --tsa URL). Options:
                              --level B-B|B-T|B-LT|B-LTA  --tsa URL  --visible --page N --rect x,y,w,h
                              --signature-image PNG  --seal-image PNG  --certify 1|2|3  --field NAME (an existing empty field)
                              --new-field NAME
                              --reason TEXT  --location TEXT  --hash SHA-256|SHA-384|SHA-512  --pss
                              --password-file FILE  --revocation require|if-available|off
                              --revocation-data ocsp-then-crl|ocsp|crl|ocsp-and-crl  --trust PEM (B-LT/B-LTA)
                              Passwords are read from the environment or a file, never from arguments.
  extend FILE.pdf -o OUT.pdf --level B-T|B-LT|B-LTA [--tsa URL] [--trust PEM ...]
                              Augment every signature of a signed PDF, appending updates only (earlier signatures
                              stay valid). B-T: a signature without a timestamp gets a document timestamp (its CMS
                              cannot change). B-LT: also the DSS (chains, OCSP/CRL). B-LTA: the DSS, then a new
                              archive timestamp (renews an LTA file). Options: --revocation-data (as sign)
                              --revocation require|if-available  --timeout MS  --allow-host HOST:PORT (as verify)
  verify FILE.pdf [--trust ROOT.pem ...] [--at ISO-TIME] [--online] [--json] [--lang vi|en]
                              Validate every signature and document timestamp (ETSI EN 319 102-1 verdicts: integrity,
                              coverage, changes after signing, path to the given roots, timestamps, revocation from
                              the file or, with --online, OCSP/CRL). Nothing is trusted without --trust. Options:
                              --intermediate PEM  --timeout MS  --require-revocation (unknown status: INDETERMINATE)
                              --xml (the ETSI TS 119 102-2 XML validation report instead; not with --json)
                              --allow-host HOST:PORT (also KYSO_FETCH_ALLOW_HOSTS): fetch from this host although it
                              is internal or on another port (online fetches reach public addresses on 80/443 only)
                              Exit: 0 all valid, 1 any invalid, 2 any indeterminate, 3 no signature.
  fee --pages N [--copies N] [--electronic] [--json]
                              The certification fee (Circular 226/2016/TT-BTC Art. 4) with its line items; repeat
                              --pages for several originals. Options: --card  --contract-copy  --service ITEM[:N]
                              --charge-parallel-ecopy  --date YYYY-MM-DD
  certify --scan FILE [--scan FILE ...] --paper-copies N -o ECOPY.pdf --db FILE --certifier-p12 FILE
          --authority-p12 FILE --password-env VAR [--json]
                              Certify an electronic copy of a scanned paper original: number it in the register
                              (SQLite file), add the conversion mark and statement, sign as certifier then authority,
                              write the file atomically. Options: --requester NAME --document NAME --certifier-title T
                              --idempotency-key KEY --tsa URL --book TYPE; --refuse CODE (Decree 23 Art. 22, recorded,
                              no number, no fee); --void-pending KEY --reason TEXT. 'kyso certify --help' for all.
  serve [--port N] [--host ADDRESS] [--config FILE]
                              Run the HTTP service (default 127.0.0.1:8080; without a configuration: the development
                              setup on test-certs/ with a throwaway API key). 'kyso serve create-key --id ID --unit UNIT
                              --aliases a,b' makes an API key and prints its configuration entry.
  help                        Show this help.
  version                     Print the version.

Exit codes: 0 success, 64 usage error, 65 the input is not a readable PDF, 66 the input file cannot be opened.
`;
