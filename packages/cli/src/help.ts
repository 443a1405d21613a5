/**
 * Every command's help, in one module that imports nothing, so `kyso CMD --help` and `kyso help CMD` answer at once
 * without loading the command's code.
 */
export interface CommandHelp {
  /** One line for the general help. */
  summary: string;
  /** The whole help of the command. */
  text: string;
}

const EXIT_LINE = `Exit codes: 0 success, 64 usage, 65 bad input data (not a readable PDF, a bad scan), 66 an input cannot be opened,
69 a service did not answer (TSA, OCSP/CRL, PKCS#11), 70 internal error, 73 the output cannot be written, 74 storage
I/O, 75 busy (try again), 77 credentials refused (password, PIN, a certificate that may not sign), 78 configuration,
79 the register's state refuses (conflict, book closed).`;

const JOURNAL_HELP = `  --journal FILE|URL            record the signature in the signing journal (a SQLite file: the register's, or its own;
                               or postgres://… : the shared register's database)
  --unit UNIT                  the unit journaled (default: the certificate's organisation, else its holder)
  --procedure CODE  --dossier ID   the procedure code and dossier id journaled with it`;

export const COMMANDS = {
  inspect: {
    summary: 'the revisions, byte spans and anomalies of a PDF',
    text: `kyso inspect FILE.pdf [--json]
  List a PDF's revisions (incremental updates), their byte spans and the objects each defines; report encryption,
  recovery, bytes after the last %%EOF and objects no cross-reference section points to.`,
  },
  verify: {
    summary: 'validate every signature and document timestamp of a PDF',
    text: `kyso verify FILE.pdf [--trust ROOT.pem ...] [--at ISO-TIME] [--online] [--json | --xml] [--lang vi|en]
kyso verify FILE|DIR ... [--jobs N] [--json] [options as above]
  Validate every signature and document timestamp (ETSI EN 319 102-1 verdicts: integrity, coverage, changes after
  signing, path to the trusted roots, timestamps, revocation from the file or, with --online, OCSP/CRL).
  Trusts the bundled Vietnamese roots (profile vn) and their intermediates by default ('kyso trust list').
  --trust ROOT.pem      also trust this root (PEM with one or more certificates, or DER; repeatable)
  --trust-dir DIR       also trust every .pem/.crt/.cer/.der file in DIR (repeatable)
  --trust-profile vn|vn-all|none   the bundled profile (vn-all: every bundled root, to confirm against
                        rootca.gov.vn / ca.gov.vn before production use)
  --no-default-trust    no bundled profile: only the roots given
  --intermediate PEM    an intermediate CA certificate offered for path building (repeatable)
  --at ISO-TIME         validate as of this time (default now)
  --online              also ask OCSP responders and CRL servers (and AIA for missing issuers), only for
                        certificates authenticated from a trusted root, on public addresses and ports 80/443
  --allow-host HOST:PORT  fetch from this host although it is internal or on another port (repeatable; also
                        KYSO_FETCH_ALLOW_HOSTS=h1:p1,h2:p2)
  --timeout MS          per network request
  --require-revocation  an unknown revocation status is INDETERMINATE, not a warning
  --json                the report as JSON, signatures in the order applied
  --xml                 the ETSI TS 119 102-2 XML validation report (not with --json)
  --lang vi|en          the language of the human report (default vi)
  --jobs N              a batch's files validated at once: this thread and N-1 worker threads
                        (default the core count)
Several files or a folder (its *.pdf files, sorted, recursively): one line per file in that order (--json: one
JSON object per line, with the file's own exit code, or its error if it could not be read), then a count.
Exit: 0 every signature TOTAL-PASSED, 1 any TOTAL-FAILED, 2 any INDETERMINATE (none failed), 3 the file never held
a signature, 64 usage, 65 not a readable PDF, 66 the file cannot be opened. A batch exits with its worst file:
1 any failed or unreadable file, else 2 any INDETERMINATE, else 3 any unsigned, else 0.`,
  },
  sign: {
    summary: 'append a PAdES signature (B-B, B-T, B-LT, B-LTA)',
    text: `kyso sign IN.pdf -o OUT.pdf --p12 FILE (--password-env VAR | --password-file FILE) [options]
  Append a PAdES signature; the input's bytes are never changed (earlier signatures stay valid).
  --level B-B|B-T|B-LT|B-LTA   B-T and above need --tsa URL
  --tsa URL                    an RFC 3161 timestamp server
  --visible --page N --rect x,y,w,h   a visible signature (points from the page's lower left corner)
  --signature-image PNG  --seal-image PNG
  --certify 1|2|3              a certification signature (DocMDP: 1 no changes, 2 form filling, 3 also annotations)
  --field NAME                 sign this existing empty signature field
  --new-field NAME             the name of the new signature field
  --reason TEXT  --location TEXT
  --hash SHA-256|SHA-384|SHA-512  --pss (RSASSA-PSS instead of PKCS#1 v1.5)
  --revocation require|if-available|off   the signer's certificate status check before signing
  --revocation-data ocsp-then-crl|ocsp|crl|ocsp-and-crl   what B-LT/B-LTA embed
  --trust PEM                  roots for the chains B-LT/B-LTA embed (repeatable)
  --allow-host HOST:PORT       your own OCSP/CRL/TSA host on an internal address or another port (repeatable)
${JOURNAL_HELP}
Passwords are read from the environment or a file, never from arguments. Warnings (the signer's status not
checked, validation data not embedded, a box too small for its text) go to standard error, Vietnamese then English
with the code; the signature is still made (exit 0).`,
  },
  extend: {
    summary: 'augment the signatures of a signed PDF to B-T, B-LT or B-LTA',
    text: `kyso extend FILE.pdf -o OUT.pdf --level B-T|B-LT|B-LTA [--tsa URL] [--trust PEM ...]
  [--revocation-data ocsp-then-crl|ocsp|crl|ocsp-and-crl] [--revocation require|if-available] [--timeout MS]
  [--allow-host HOST:PORT ...]
  Augment every signature of a signed PDF (kyso's or anyone's), appending updates only. B-T: a signature without a
  timestamp gets a document timestamp (its CMS cannot change). B-LT: also the DSS (chains, OCSP/CRL). B-LTA: the
  DSS, then a new archive timestamp (renews an LTA file).
${JOURNAL_HELP} (a document timestamp is journaled as the TSA's signature; DSS data alone is not a signature)`,
  },
  fee: {
    summary: 'the certification fee (Circular 226/2016/TT-BTC Art. 4) with its line items',
    text: `kyso fee --pages N [--copies N] [--electronic] [--card] [--json]
  Several originals: repeat --pages (and --copies, once per original or once for all).
  --copies N         paper copies of each original (default 1, or 0 with --electronic)
  --electronic       an electronic copy of each original too (collected once when paper copies are issued in parallel)
  --card             the original of the --pages just before is a card (1 page whatever its sides);
                     before any --pages, a card original of its own
  --contract-copy    copies of a certified contract (item 3d) instead of item 1
  --service ITEM[:N] SIGNATURE, CONTRACT, CONTRACT_AMENDMENT or CONTRACT_CORRECTION, N cases (default 1)
  --charge-parallel-ecopy   charge the e-copy even when issued with paper copies
  --date YYYY-MM-DD  the day whose tariff applies (default today)`,
  },
  certify: {
    summary: 'certify an electronic copy of a paper original (register, mark, statement, two signatures)',
    text: `kyso certify --scan FILE [--scan FILE ...] --paper-copies N -o ECOPY.pdf --db FILE|URL [--authority-id CODE]
  --certifier-p12 FILE --authority-p12 FILE (--password-env VAR | --password-file FILE) [--json]
  Number the copy in the register (SQLite file), add the conversion mark and statement, sign as certifier then as
  authority, add the long-term evidence (DSS; with --tsa a document timestamp), write the file atomically.
  --scan FILE        one scanned PDF, or one JPEG/PNG per page in order
  --card             the original is a card (CCCD, driving licence): the fee counts one page whatever its sides
  --statement-placement auto|last-page|new-page  the statement under the last page's scan or on an added page
                     (never over the scan; auto: under it when the scan keeps its size there, as a card does)
  --mark-placement first-page|statement-page  the conversion mark above the first page's scan or with the statement
  --authority-id CODE  the authority's unit code, which numbers the book (or KYSO_AUTHORITY_ID, or the register's
                     only authority); never the seal's name, so a new seal keeps the year's numbering
  --authority-name NAME  the name printed on the mark and statement (registers or renames the authority)
  --requester NAME  --document NAME  --certifier-title TEXT (or KYSO_CERTIFIER_TITLE; default by basis)
  --certifier-basis own-competence|authorised|assigned  --basis-ref TEXT (the authorising decision)
  --idempotency-key KEY (a retry with the same key resumes; default: a new key, printed)
  --book TYPE  --electronic-book TYPE (a separate e-copy book, set when the authority is first registered)
  --tsa URL  --level auto|B-B|B-T|B-LT|B-LTA (auto: B-LTA with --tsa, else B-B with the DSS; one step lower, with
                     a warning, when OCSP/CRL cannot be had)  --revocation require|if-available|off
  --allow-host HOST:PORT  your own OCSP/CRL/TSA host on an internal address or another port
  --rsa-scheme rsa-pkcs1|rsa-pss, --pss (or KYSO_RSA_SCHEME; default PKCS#1 v1.5: Circular 15/2025 Annex I names
                     PSS, Vietnamese tokens still sign v1.5)  --authority-password-env VAR
  --signature-image PNG  --seal-image PNG  --seal-size-mm N (or KYSO_SEAL_SIZE_MM; default 36, UNCONFIRMED)
  --verification-url URL ({seq}, {year}, {book} filled in)
  --delivery KHO_DVCQG|EMAIL|IN_PERSON  --email ADDRESS  --fee-receipt NO  --payment cash|online
  --received-at TIME  when the complete request was received (ISO 8601 with offset; default now): due the same
                     working day, or the next when received after 15:00 (Decree 23/2015 Art. 7)
  --extension-days N --extension-reason TEXT [--written-agreement]   an extension (Art. 21: up to 2 working days,
                     more only by written agreement)
  --slip FILE.pdf    also write the appointment slip (phiếu hẹn) with the due time
kyso certify --deliver KEY [--at TIME] --db FILE|URL --authority-p12 FILE --password-env VAR
  Record that the e-copy was delivered (its return time, for the deadline and the monthly figures).
kyso certify --extend KEY --extension-days N --extension-reason TEXT [--written-agreement] [--at TIME] [--slip FILE.pdf]
  --db FILE --authority-p12 FILE --password-env VAR
  Record an extension agreed after receipt (Art. 21): before the due time and the return; all extensions together
  up to 2 working days, more only by written agreement. The due time moves; --slip writes the new appointment slip.
kyso certify --refuse ALTERED|DAMAGED|SECRET_OR_NO_COPY|UNLAWFUL_CONTENT|NOT_LEGALISED|SELF_MADE_UNCERTIFIED
  --db FILE|URL --certifier-p12 FILE --authority-p12 FILE --password-env VAR [--note TEXT] [--requester NAME] [--document NAME]
  Record a refusal (Decree 23/2015 Art. 22): no number, no fee.
kyso certify --void-pending KEY --reason TEXT --db FILE|URL --authority-p12 FILE --password-env VAR
  Void a number left pending by a failed certification (the register keeps it, marked void).
${JOURNAL_HELP} (both signatures, the unit being the authority)`,
  },
  'certify-paper': {
    summary: 'book paper copies only (no e-copy): one number per original, one fee',
    text: `kyso certify-paper --db FILE|URL --certifier NAME [--authority-id CODE]
  --original NAME --pages N [--copies N] [--card] [--original NAME ...] [--json]
  Record a paper-only certification (Decree 23/2015 Art. 20): each original gets its own number in the same book
  sequence as kyso certify; the fee is collected once. Nothing is signed here: the certifier signs and seals paper.
  --original NAME    opens an original; the --pages, --copies (default 1) and --card after it belong to it
  --card             a card (CCCD, driving licence): one page for the fee whatever its sides
  --certifier-title TEXT (or KYSO_CERTIFIER_TITLE)  --certifier-basis own-competence|authorised|assigned
  --basis-ref TEXT  --requester NAME  --authority-name NAME  --book TYPE  --note TEXT  --fee-receipt NO
  --idempotency-key KEY (a retry with the same key gives back the same numbers)`,
  },
  report: {
    summary: 'the monthly figures per unit (certifications, refusals, fees, on-time rate) as text, JSON, CSV or HTML',
    text: `kyso report monthly --db FILE|URL --month YYYY-MM [--unit ID] [--json | --csv | --html] [-o FILE]
  The month's figures from the register, per unit and in total: certifications (paper, electronic, both), refusals
  by Decree 23/2015 Art. 22 ground, fees by payment channel, the on-time rate and average processing time
  (Art. 7 and 21), electronic results signed, and the month-over-month trend.
  --unit ID                 one unit (default: every unit in the register)
  --results-returned N  --dossiers-received N  --dossiers-digitised N   totals from the one-stop software (with
                            --unit): the e-result and digitisation rates are computed from them
  --trend-months N          months in the trend (default 6)
  --json | --csv | --html   the report as JSON, CSV (UTF-8 with BOM) or a self-contained HTML page with SVG charts
  -o FILE                   write it to FILE (atomically) instead of standard output`,
  },
  serve: {
    summary: 'run the HTTP service',
    text: `kyso serve [--port N] [--host ADDRESS] [--config FILE]
  Run the HTTP service (default 127.0.0.1:8080). Without a configuration: the development setup on test-certs/
  with a throwaway API key. See packages/server/README.md for the configuration.
kyso serve create-key --id ID --unit UNIT [--aliases ALIAS,...] [--external-certificates] [--scopes register:read,journal:read]
  Make an API key; prints it once, with the configuration entry (its SHA-256) to add to "apiKeys".`,
  },
  trust: {
    summary: "'kyso trust list': the roots kyso verify trusts (bundled Vietnamese profile, your files)",
    text: `kyso trust list [options]
  The certificates kyso verify trusts with the same trust options: each anchor with its SHA-256 fingerprint,
  validity and origin.

Options:
  --trust-profile vn|vn-all|none   the bundled profile (default vn: the Vietnamese roots corroborated in at least
                                   two independent public copies; vn-all: every bundled root, to confirm against
                                   rootca.gov.vn / ca.gov.vn before production use; none: no bundled root)
  --profile NAME                   the same as --trust-profile
  --no-default-trust               no bundled profile (only the files given below)
  --trust FILE                     also trust the roots in FILE (PEM, one or more, or DER); repeatable
  --trust-dir DIR                  also trust every .pem/.crt/.cer/.der file in DIR; repeatable
  --intermediate FILE              offer FILE's certificates for path building (never trusted)
  --all                            also list the intermediate and TSA certificates offered for path building
  --json                           JSON instead of text
  --lang vi|en                     language of the text (default vi)

Replace the bundled list with your own: --no-default-trust --trust-dir DIR.`,
  },
  register: {
    summary: 'read the certification register: list, show, export (CSV/JSON), print the book, close a year',
    text: `kyso register list --db FILE|URL [filters] [--limit N] [--json]
kyso register export --db FILE|URL [filters] [--format csv|json] [-o FILE]
kyso register show --db FILE|URL --authority ID [--book TYPE] --year N --number N [--json]
kyso register print --db FILE|URL --authority ID [--book TYPE] (--year N | --from DATE --to DATE) -o BOOK.pdf
kyso register close --db FILE|URL --authority ID [--book TYPE] --year N [--json]
  --db: the register's SQLite file, or postgres://user@host:port/db (the database the service instances share;
  the password from PGPASSWORD or ~/.pgpass).
  Entries come in the book's order (authority, book, year, number). print: the book of a year or a period as a
  PDF laid out like the paper book (landscape A4, the form's columns, page numbers). close: refused while an entry
  of that book is pending (void or complete it first); records the count of numbers used (Decree 23/2015 Art. 13.1).
Filters:
  --authority ID  --book TYPE (e.g. SCT/BS)  --year N  --from-number N  --to-number N
  --from YYYY-MM-DD  --to YYYY-MM-DD   certification days in Vietnam time, both inclusive
  --requester TEXT     part of the requester's name, any case
  --state pending|issued|void[,...]  --channel KHO_DVCQG|EMAIL|IN_PERSON
  --deadline open|overdue|returned-on-time|returned-late[,...]   against the request's due time now`,
  },
  journal: {
    summary: 'list the signing journal (who signed what, when)',
    text: `kyso journal list --journal FILE|URL [--unit UNIT] [--key ALIAS] [--procedure CODE] [--dossier ID]
  [--document SHA256] [--from YYYY-MM-DD] [--to YYYY-MM-DD] [--json]
  The records kyso sign/extend/certify --journal FILE (or the service) wrote, oldest first: time, unit, key alias,
  signer (certificate CN and SHA-256), level, the signed output's SHA-256, procedure code and dossier id.`,
  },
  help: {
    summary: "this help; 'kyso help CMD' for one command",
    text: `kyso help [COMMAND]
  The general help, or one command's (the same as 'kyso COMMAND --help').`,
  },
  version: {
    summary: 'print the version',
    text: `kyso version
  Print the version of kyso.`,
  },
} as const satisfies Record<string, CommandHelp>;

export type CommandName = keyof typeof COMMANDS;

/** The commands that take a subcommand, and those subcommands: each answers --help with its command's help. */
export const SUBCOMMANDS = {
  register: ['list', 'export', 'show', 'print', 'close'],
  report: ['monthly'],
  trust: ['list'],
  journal: ['list'],
  serve: ['create-key'],
} as const satisfies Partial<Record<CommandName, readonly string[]>>;

export function isCommand(name: string): name is CommandName {
  return Object.hasOwn(COMMANDS, name);
}

export function commandHelp(name: CommandName): string {
  return `${COMMANDS[name].text}\n\n${EXIT_LINE}`;
}

export function generalHelp(): string {
  const width = Math.max(...Object.keys(COMMANDS).map((n) => n.length)) + 2;
  const lines = Object.entries(COMMANDS).map(([name, c]) => `  ${name.padEnd(width)}${c.summary}`);
  return `kyso — ký số: sign, certify and verify Vietnamese administrative PDFs

Usage:
  kyso <command> [options]        'kyso <command> --help' or 'kyso help <command>' for one command

Commands:
${lines.join('\n')}

${EXIT_LINE}
`;
}
