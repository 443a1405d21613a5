/**
 * The kyso command's exit codes: sysexits where one fits, one family per kind of failure, chosen from the typed
 * error's code (policy as data: the table below is the whole rule). `kyso verify` keeps its own 0/1/2/3 for verdicts
 * (commands/verify.ts).
 */
export const EXIT = {
  OK: 0,
  /** The command was used wrongly: unknown command or option, a missing or malformed argument, bad numbers. */
  USAGE: 64,
  /** The input's content is wrong: not a readable PDF, a bad scan or image, a keystore that cannot be parsed. */
  DATA: 65,
  /** An input file cannot be opened. */
  NO_INPUT: 66,
  /** A service kyso needed did not answer or failed: TSA, OCSP/CRL responder, PKCS#11 library or token. */
  UNAVAILABLE: 69,
  /** A defect in kyso. */
  SOFTWARE: 70,
  /** The output cannot be created. */
  CANT_CREATE: 73,
  /** Reading or writing storage failed (the register's database). */
  IO_ERROR: 74,
  /** Try again later: the register is busy. */
  TEMP_FAIL: 75,
  /** Credentials refused: a wrong password or PIN, or a certificate that may not sign (expired, revoked, unfit). */
  NO_PERMISSION: 77,
  /** The configuration is wrong: service configuration, tariffs, PKCS#11 key selection, a newer register schema. */
  CONFIG: 78,
  /** The register refuses because of its state: idempotency conflict, book closed, entry not pending, voided. */
  CONFLICT: 79,
} as const;

export type ExitCode = (typeof EXIT)[keyof typeof EXIT];

/** First match wins: exact codes, then prefixes. Anything else typed is a data error. */
const FAMILIES: readonly [RegExp, ExitCode][] = [
  [/^PDF_WRITE$|^CERTIFY_ISSUED_NOT_STORED$/, EXIT.CANT_CREATE],
  [/^PDF_/, EXIT.DATA],
  [
    /^(SIGN_BAD_OPTIONS|SIGN_BAD_RECT|SIGN_PAGE_OUT_OF_RANGE|APPEARANCE_BAD_SPEC|APPEARANCE_BAD_TIME|LTV_BAD_OPTIONS|LTV_NEEDS_TIMESTAMP)$/,
    EXIT.USAGE,
  ],
  [/^FEE_(NO_TARIFF|BAD_TARIFF|BAD_POLICY)$/, EXIT.CONFIG],
  [/^FEE_/, EXIT.USAGE],
  [
    /^(SIGN_BAD_PASSWORD|SIGN_KEY_MISMATCH|SIGN_CERT_EXPIRED|SIGN_CERT_REVOKED|SIGN_CERT_NOT_YET_VALID|SIGN_CERT_KEY_USAGE|LTV_CERT_REVOKED|PKCS11_LOGIN_FAILED|CKR_PIN_INCORRECT|CKR_PIN_LOCKED)$/,
    EXIT.NO_PERMISSION,
  ],
  [
    /^(SIGN_CERT_STATUS_UNKNOWN|LTV_REVOCATION_UNAVAILABLE|PKCS11_UNAVAILABLE|PKCS11_LIBRARY_LOAD_FAILED|PKCS11_TOKEN_NOT_FOUND|SERVICE_TSA_NOT_CONFIGURED)$/,
    EXIT.UNAVAILABLE,
  ],
  [/^(TSA|REVOCATION|OCSP|CRL|AIA|FETCH)_/, EXIT.UNAVAILABLE],
  [/^PKCS11_(KEY|CERTIFICATE)_/, EXIT.CONFIG],
  [
    /^(SERVICE_CONFIG_INVALID|SERVICE_DATABASE_SCHEMA_TOO_NEW|REGISTER_SCHEMA_TOO_NEW|REGISTER_UNKNOWN_AUTHORITY|REGISTER_UNKNOWN_BOOK)$/,
    EXIT.CONFIG,
  ],
  [/^SERVICE_DATABASE_UNAVAILABLE$/, EXIT.UNAVAILABLE],
  [/^(REGISTER_BUSY|SQLITE_BUSY|SQLITE_LOCKED|REGISTER_UNAVAILABLE|SERVICE_BUSY)$/, EXIT.TEMP_FAIL],
  [
    /^(REGISTER_OPEN_FAILED|REGISTER_STORAGE|REGISTER_MIGRATION_FAILED|JOURNAL_UNAVAILABLE|JOURNAL_STORAGE)$/,
    EXIT.IO_ERROR,
  ],
  [/^(REGISTER_BAD_INPUT|REGISTER_BAD_CURSOR|JOURNAL_BAD_INPUT|JOURNAL_BAD_CURSOR)$/, EXIT.USAGE],
  [
    /^(REGISTER_IDEMPOTENCY_CONFLICT|REGISTER_BOOK_CLOSED|REGISTER_BOOK_PENDING|REGISTER_CLOSED|REGISTER_NOT_PENDING|REGISTER_NOT_FOUND|REGISTER_ECOPY_MISMATCH|CERTIFY_VOIDED|CERTIFY_STORED_COPY_MISMATCH)$/,
    EXIT.CONFLICT,
  ],
  [/^(REGISTER_NOT_ISSUED|CERTIFY_NO_DUE_TIME|DEADLINE_NOT_EXTENSIBLE|DEADLINE_PASSED)$/, EXIT.CONFLICT],
  [/^(DEADLINE_BAD_INPUT|DEADLINE_EXTENSION_TOO_LONG|DEADLINE_EXTENSION_NO_REASON|REPORT_BAD_INPUT)$/, EXIT.USAGE],
  [/^DEADLINE_/, EXIT.CONFIG],
  [/^SIGN_PLACEHOLDER_TOO_SMALL$/, EXIT.SOFTWARE],
];

/** The exit code for a typed error's code. */
export function exitCodeFor(code: string): ExitCode {
  for (const [pattern, exit] of FAMILIES) if (pattern.test(code)) return exit;
  return EXIT.DATA;
}
