/**
 * PKCS#11 signer: a private key on a token or HSM (a Vietnamese USB token, a network HSM, SoftHSM2), driven
 * through pkcs11js. pkcs11js is a native optional dependency and is imported only when a PKCS#11 signer is opened.
 *
 * One logged-in session per signer; sign calls are serialised on it. Modules are shared per library path inside
 * the process (C_Initialize once, C_Finalize when the last signer on it closes), and so is the login per token
 * (PKCS#11 login state belongs to the application, not the session), so several signers can use one token.
 *
 * The PIN is never put in an error message or its details, and is kept in memory only when the key demands a
 * context-specific login for every signature (CKA_ALWAYS_AUTHENTICATE).
 */
import { ecdsaRawToDer } from '../../cms/ecdsa.js';
import { createHash, createHmac, randomBytes, timingSafeEqual, X509Certificate } from 'node:crypto';
import { KysoError } from '@kyso/pdf';
import { HASH_LENGTH, NODE_HASH } from '../signer.js';
import type { HashAlgorithm, SignatureScheme, Signer, SignerAlgorithm } from '../signer.js';

// ---------------------------------------------------------------------------------------------------------------
// Errors

export const PKCS11_MESSAGES = {
  PKCS11_UNAVAILABLE: [
    'Không dùng được PKCS#11: chưa cài mô-đun pkcs11js (gói tùy chọn) hoặc mô-đun không nạp được.',
    'PKCS#11 is unavailable: the optional pkcs11js module is not installed or could not be loaded.',
  ],
  PKCS11_LIBRARY_LOAD_FAILED: [
    'Không nạp được thư viện PKCS#11 của thiết bị ký số (token/HSM).',
    'The PKCS#11 library of the token/HSM could not be loaded or initialised.',
  ],
  PKCS11_TOKEN_NOT_FOUND: [
    'Không tìm thấy thiết bị ký số (token/HSM) theo khe (slot) hoặc nhãn đã chỉ định.',
    'No token/HSM was found for the given slot or token label.',
  ],
  PKCS11_LOGIN_FAILED: [
    'Đăng nhập thiết bị ký số không thành công: mã PIN sai, bị khóa hoặc không hợp lệ.',
    'Login to the token failed: the PIN is wrong, locked or invalid.',
  ],
  PKCS11_KEY_NOT_FOUND: [
    'Không tìm thấy khóa bí mật phù hợp trên thiết bị ký số.',
    'No matching private key was found on the token.',
  ],
  PKCS11_KEY_AMBIGUOUS: [
    'Có nhiều khóa bí mật phù hợp trên thiết bị ký số; hãy chỉ định nhãn, mã định danh (ID) hoặc chứng thư số.',
    'Several private keys match on the token; select one by label, id or certificate.',
  ],
  PKCS11_CERTIFICATE_NOT_FOUND: [
    'Không tìm thấy chứng thư số tương ứng với khóa bí mật trên thiết bị ký số.',
    'No certificate matching the private key was found on the token, and none was given.',
  ],
  PKCS11_CERTIFICATE_MISMATCH: [
    'Chứng thư số không khớp với khóa bí mật trên thiết bị ký số.',
    'The certificate does not match the private key on the token.',
  ],
  PKCS11_UNSUPPORTED: [
    'Thuật toán hoặc loại khóa không được hỗ trợ cho ký số qua PKCS#11.',
    'The key type or algorithm is not supported for PKCS#11 signing.',
  ],
  PKCS11_SIGN_FAILED: ['Thiết bị ký số không tạo được chữ ký.', 'The token failed to produce the signature.'],
  PKCS11_CLOSED: ['Phiên làm việc với thiết bị ký số đã đóng.', 'The PKCS#11 signer has been closed.'],
} as const satisfies Record<string, readonly [string, string]>;

export type Pkcs11ErrorCode = keyof typeof PKCS11_MESSAGES;

/** A KysoError raised by the PKCS#11 signer. `details` holds facts (slot, label, CKR code), never the PIN. */
export class Pkcs11SignerError extends KysoError {
  constructor(code: Pkcs11ErrorCode, details: Record<string, unknown> = {}, detailEn?: string) {
    const [vi, en] = PKCS11_MESSAGES[code];
    super(code, vi, detailEn ? `${en} (${detailEn})` : en, details);
    this.name = 'Pkcs11SignerError';
  }
}

/** The CKR_* name of a pkcs11js error, or null when it is not a Cryptoki error. */
function ckr(e: unknown): string | null {
  const m = e instanceof Error ? /CKR_[A-Z0-9_]+/.exec(e.message) : null;
  return m ? m[0] : null;
}

/** Safe facts of an underlying error: the CKR code, or the error's class name; never its free text. */
function cause(e: unknown): Record<string, unknown> {
  const code = ckr(e);
  if (code) return { ckr: code };
  return { error: e instanceof Error ? e.name : typeof e };
}

// ---------------------------------------------------------------------------------------------------------------
// The slice of pkcs11js used here (declared locally: the package is optional, so its types may be absent).

type Handle = Buffer;
type AttrValue = number | boolean | string | Buffer;
interface Attribute {
  type: number;
  value?: AttrValue;
}
interface Mechanism {
  mechanism: number;
  parameter?: Buffer | number | { type: number; [k: string]: unknown };
}
interface TokenInfo {
  label: string;
  serialNumber: string;
  flags: number;
}
interface Pkcs11Api {
  load(path: string): void;
  close(): void;
  C_Initialize(options?: { flags?: number }): void;
  C_Finalize(): void;
  C_GetSlotList(tokenPresent?: boolean): Handle[];
  C_GetTokenInfo(slot: Handle): TokenInfo;
  C_GetMechanismList(slot: Handle): number[];
  C_OpenSession(slot: Handle, flags: number): Handle;
  C_CloseSession(session: Handle): void;
  C_Login(session: Handle, userType: number, pin?: string): void;
  C_Logout(session: Handle): void;
  C_FindObjectsInit(session: Handle, template: Attribute[]): void;
  C_FindObjects(session: Handle, max: number): Handle[];
  C_FindObjectsFinal(session: Handle): void;
  C_GetAttributeValue(session: Handle, object: Handle, template: Attribute[]): Attribute[];
  C_SignInit(session: Handle, mechanism: Mechanism, key: Handle): void;
  C_Sign(session: Handle, data: Buffer, out: Buffer, cb: (err: Error | null, sig: Buffer) => void): void;
}
interface Pkcs11Module {
  PKCS11: new () => Pkcs11Api;
  CK_PARAMS_RSA_PSS?: number;
}

// Standard Cryptoki constants (pkcs11t.h).
const CKO_CERTIFICATE = 1;
const CKO_PUBLIC_KEY = 2;
const CKO_PRIVATE_KEY = 3;
const CKA_CLASS = 0x0;
const CKA_LABEL = 0x3;
const CKA_VALUE = 0x11;
const CKA_CERTIFICATE_TYPE = 0x80;
const CKA_KEY_TYPE = 0x100;
const CKA_ID = 0x102;
const CKA_SIGN = 0x108;
const CKA_MODULUS = 0x120;
const CKA_EC_POINT = 0x181;
const CKA_ALWAYS_AUTHENTICATE = 0x202;
const CKK_RSA = 0x0;
const CKK_EC = 0x3;
const CKC_X_509 = 0x0;
const CKU_USER = 1;
const CKU_CONTEXT_SPECIFIC = 2;
const CKF_SERIAL_SESSION = 0x4;
const CKF_OS_LOCKING_OK = 0x2;
const CKF_TOKEN_INITIALIZED = 0x400;
const CKF_USER_PIN_LOCKED = 0x40000;
const CKM_RSA_PKCS = 0x1;
const CKM_RSA_PKCS_PSS = 0xd;
const CKM_ECDSA = 0x1041;
/** pkcs11js's tag for a CK_RSA_PKCS_PSS_PARAMS parameter (read from the module when it has it). */
const CK_PARAMS_RSA_PSS_DEFAULT = 5;

const MECH: Record<HashAlgorithm, { digest: number; pkcs1: number; pss: number; mgf: number }> = {
  'SHA-256': { digest: 0x250, pkcs1: 0x40, pss: 0x43, mgf: 0x2 },
  'SHA-384': { digest: 0x260, pkcs1: 0x41, pss: 0x44, mgf: 0x3 },
  'SHA-512': { digest: 0x270, pkcs1: 0x42, pss: 0x45, mgf: 0x4 },
};

/** DER DigestInfo prefixes (RFC 8017 §9.2 note 1), for tokens that only offer raw CKM_RSA_PKCS. */
const DIGEST_INFO_PREFIX: Record<HashAlgorithm, string> = {
  'SHA-256': '3031300d060960864801650304020105000420',
  'SHA-384': '3041300d060960864801650304020205000430',
  'SHA-512': '3051300d060960864801650304020305000440',
};

// ---------------------------------------------------------------------------------------------------------------
// Loading the module, shared per library path.

/**
 * Imports pkcs11js. A missing or unloadable module is a PKCS11_UNAVAILABLE KysoError. `specifier` exists for
 * tests and for deployments that vendor the module under another name.
 */
export async function loadPkcs11js(specifier = 'pkcs11js'): Promise<Pkcs11Module> {
  let mod: Record<string, unknown>;
  try {
    mod = (await import(specifier)) as Record<string, unknown>;
  } catch (e) {
    const code = (e as { code?: unknown } | null)?.code;
    throw new Pkcs11SignerError('PKCS11_UNAVAILABLE', {
      module: specifier,
      reason: typeof code === 'string' ? code : 'load-failed',
    });
  }
  const lib = ((mod.default as Record<string, unknown> | undefined) ?? mod) as unknown as Pkcs11Module;
  if (typeof lib?.PKCS11 !== 'function') {
    throw new Pkcs11SignerError('PKCS11_UNAVAILABLE', { module: specifier, reason: 'no-PKCS11-export' });
  }
  return lib;
}

interface LoadedModule {
  api: Pkcs11Api;
  lib: Pkcs11Module;
  /** Whether this process's C_Initialize succeeded (false when someone else in-process had initialised it). */
  ownsInit: boolean;
  /** Login state per slot: PKCS#11 login is per application and token, shared by every session on it. */
  logins: Map<string, { refs: number; pinTag: Buffer }>;
}

/** One loaded library; `refs` counts signers holding or awaiting it, and is changed synchronously only. */
interface ModuleEntry {
  refs: number;
  ready: Promise<LoadedModule>;
}

const modules = new Map<string, ModuleEntry>();
/** Key for remembering which PIN logged a token in, so a second signer with a different PIN is refused. */
const pinTagKey = randomBytes(32);
const pinTag = (slotKey: string, pin: string): Buffer =>
  createHmac('sha256', pinTagKey).update(slotKey).update('\0').update(pin).digest();

async function initModule(library: string, specifier: string | undefined): Promise<LoadedModule> {
  const lib = await loadPkcs11js(specifier);
  const api = new lib.PKCS11();
  try {
    api.load(library);
  } catch (e) {
    // dlopen's own message (no secrets in it) says why: missing file, wrong architecture, missing dependency.
    const why = e instanceof Error ? e.message.split('\n')[0] : String(e);
    throw new Pkcs11SignerError('PKCS11_LIBRARY_LOAD_FAILED', { library, reason: why });
  }
  let ownsInit = true;
  try {
    api.C_Initialize({ flags: CKF_OS_LOCKING_OK });
  } catch (e) {
    if (ckr(e) === 'CKR_CRYPTOKI_ALREADY_INITIALIZED') ownsInit = false;
    else {
      try {
        api.close();
      } catch {
        /* ignore */
      }
      throw new Pkcs11SignerError('PKCS11_LIBRARY_LOAD_FAILED', { library, ...cause(e) });
    }
  }
  return { api, lib, ownsInit, logins: new Map() };
}

async function acquireModule(library: string, specifier: string | undefined): Promise<LoadedModule> {
  let entry = modules.get(library);
  if (!entry) {
    entry = { refs: 0, ready: initModule(library, specifier) };
    modules.set(library, entry);
  }
  entry.refs++;
  try {
    return await entry.ready;
  } catch (e) {
    entry.refs--;
    if (modules.get(library) === entry) modules.delete(library);
    throw e;
  }
}

function releaseModule(library: string, m: LoadedModule): void {
  const entry = modules.get(library);
  if (entry) {
    entry.refs--;
    if (entry.refs > 0) return;
    modules.delete(library);
  }
  try {
    if (m.ownsInit) m.api.C_Finalize();
  } catch {
    /* already finalised */
  }
  try {
    m.api.close();
  } catch {
    /* ignore */
  }
}

// ---------------------------------------------------------------------------------------------------------------
// Small helpers

const trimPadded = (s: string): string => s.replace(/[\s\0]+$/, '');

/** A CK_SLOT_ID from pkcs11js's handle (a little-endian CK_ULONG buffer). */
function slotId(h: Handle): number {
  if (h.length >= 8) return Number(h.readBigUInt64LE(0));
  return h.readUInt32LE(0);
}

function ulong(b: Buffer | undefined): number {
  if (!b || b.length === 0) return -1;
  if (b.length >= 8) return Number(b.readBigUInt64LE(0));
  if (b.length >= 4) return b.readUInt32LE(0);
  return b.readUInt8(0);
}

function toBuffer(v: Uint8Array | string): Buffer {
  if (typeof v !== 'string') return Buffer.from(v.buffer, v.byteOffset, v.byteLength);
  const hex = v.replace(/[\s:]/g, '');
  if (!/^([0-9a-fA-F]{2})*$/.test(hex)) {
    throw new Pkcs11SignerError('PKCS11_KEY_NOT_FOUND', { id: v }, 'the key id is not a hex string');
  }
  return Buffer.from(hex, 'hex');
}

function findObjects(api: Pkcs11Api, session: Handle, template: Attribute[]): Handle[] {
  const out: Handle[] = [];
  api.C_FindObjectsInit(session, template);
  try {
    for (;;) {
      const batch = api.C_FindObjects(session, 64);
      if (!batch || batch.length === 0) break;
      out.push(...batch);
    }
  } finally {
    api.C_FindObjectsFinal(session);
  }
  return out;
}

/** One attribute's bytes, or undefined when the token does not have it / will not reveal it. */
function attr(api: Pkcs11Api, session: Handle, obj: Handle, type: number): Buffer | undefined {
  try {
    const [a] = api.C_GetAttributeValue(session, obj, [{ type }]);
    const v = a?.value;
    if (v === undefined) return undefined;
    return Buffer.isBuffer(v) ? v : Buffer.from(String(v));
  } catch {
    return undefined;
  }
}

/** Strips leading zero bytes of an unsigned big-endian integer. */
function unsigned(b: Uint8Array): Buffer {
  let i = 0;
  while (i < b.length - 1 && b[i] === 0) i++;
  return Buffer.from(b.subarray(i));
}

const CURVES: Record<string, 'P-256' | 'P-384' | 'P-521'> = {
  prime256v1: 'P-256',
  secp256r1: 'P-256',
  secp384r1: 'P-384',
  secp521r1: 'P-521',
};
const CURVE_BYTES = { 'P-256': 32, 'P-384': 48, 'P-521': 66 } as const;
const CURVE_DEFAULT_HASH: Record<'P-256' | 'P-384' | 'P-521', HashAlgorithm> = {
  'P-256': 'SHA-256',
  'P-384': 'SHA-384',
  'P-521': 'SHA-512',
};

/** A serial promise queue: each task starts when the previous one has settled. */
class Queue {
  private tail: Promise<unknown> = Promise.resolve();
  run<T>(task: () => Promise<T>): Promise<T> {
    const next = this.tail.then(task, task);
    this.tail = next.catch(() => undefined);
    return next;
  }
  idle(): Promise<void> {
    return this.tail.then(() => undefined);
  }
}

// ---------------------------------------------------------------------------------------------------------------
// The signer

export interface Pkcs11KeySelector {
  /** CKA_LABEL of the private key. */
  label?: string;
  /** CKA_ID of the private key (bytes, or hex with optional ':' separators). */
  id?: Uint8Array | string;
  /**
   * A certificate (DER): selects the private key whose CKA_ID is that of the certificate object on the token
   * equal to it, or, when the token holds no such object, the private key whose public key matches it.
   */
  certificate?: Uint8Array;
}

export interface Pkcs11SignerOptions {
  /** Path to the token's PKCS#11 library (.so / .dll / .dylib). */
  library: string;
  /** The CK_SLOT_ID of the token's slot (as `pkcs11-tool -L` / `softhsm2-util --show-slots` print it). */
  slot?: number;
  /** The token label (trailing padding ignored). */
  tokenLabel?: string;
  /** The token's user PIN. */
  pin: string;
  key: Pkcs11KeySelector;
  /** Defaults to SHA-256 for RSA keys and to the curve's size for EC keys (P-384 → SHA-384, P-521 → SHA-512). */
  hash?: HashAlgorithm;
  /** RSA keys only; default 'rsa-pkcs1'. PSS uses MGF1 with the same hash and a salt as long as the hash. */
  scheme?: 'rsa-pkcs1' | 'rsa-pss';
  /** Certificates above the signer's (intermediates, optionally the root), DER, nearest first. */
  chain?: readonly Uint8Array[];
  /**
   * Hash in Node and send only the digest to the token (CKM_RSA_PKCS with a DigestInfo, CKM_RSA_PKCS_PSS).
   * Default false: RSA uses the token's hash-and-sign mechanisms (CKM_SHA256_RSA_PKCS, …) when it has them, and
   * falls back to this by itself when it does not. ECDSA always hashes in Node (CKM_ECDSA).
   */
  prehash?: boolean;
  /** Module specifier to import instead of 'pkcs11js' (tests, vendored builds). */
  moduleSpecifier?: string;
}

interface Resolved {
  slot: Handle;
  slotKey: string;
  tokenLabel: string;
}

export class Pkcs11Signer implements Signer {
  readonly certificate: Uint8Array;
  readonly chain: readonly Uint8Array[];
  readonly algorithm: SignerAlgorithm;
  /** Facts about the key in use (no secrets). */
  readonly info: {
    tokenLabel: string;
    slot: number;
    keyLabel: string | null;
    keyId: string | null;
    keyType: 'RSA' | 'EC';
  };

  private readonly queue = new Queue();
  private closed = false;
  private closing: Promise<void> | null = null;
  /** Only for keys with CKA_ALWAYS_AUTHENTICATE; a true private field, so it never shows in JSON or inspect. */
  readonly #contextPin: string | null;

  private constructor(
    private readonly library: string,
    private readonly mod: LoadedModule,
    private readonly session: Handle,
    private readonly slotKey: string,
    private readonly key: Handle,
    private readonly mechanism: Mechanism,
    private readonly prehash: 'none' | 'digest' | 'digest-info',
    private readonly signatureLength: number,
    contextPin: string | null,
    init: {
      certificate: Uint8Array;
      chain: readonly Uint8Array[];
      algorithm: SignerAlgorithm;
      info: Pkcs11Signer['info'];
    },
  ) {
    this.certificate = init.certificate;
    this.chain = init.chain;
    this.algorithm = init.algorithm;
    this.info = init.info;
    this.#contextPin = contextPin;
  }

  /** What JSON.stringify shows: public facts only. */
  toJSON(): Record<string, unknown> {
    return { type: 'pkcs11', library: this.library, algorithm: this.algorithm, ...this.info };
  }

  /** Opens a logged-in session on the token, finds the key and its certificate, and returns a ready Signer. */
  static async open(options: Pkcs11SignerOptions): Promise<Pkcs11Signer> {
    const { library, pin } = options;
    if (typeof pin !== 'string')
      throw new Pkcs11SignerError('PKCS11_LOGIN_FAILED', { reason: 'no-pin' }, 'no PIN was given');
    const mod = await acquireModule(library, options.moduleSpecifier);
    const { api } = mod;
    let session: Handle | null = null;
    let login: { slotKey: string } | null = null;
    try {
      const token = resolveToken(api, options);
      try {
        session = api.C_OpenSession(token.slot, CKF_SERIAL_SESSION);
      } catch (e) {
        throw new Pkcs11SignerError(
          'PKCS11_TOKEN_NOT_FOUND',
          { slot: slotId(token.slot), tokenLabel: token.tokenLabel, ...cause(e) },
          'could not open a session',
        );
      }
      doLogin(mod, session, token, pin);
      login = { slotKey: token.slotKey };

      const key = selectKey(api, session, options.key);
      const keyType = ulong(attr(api, session, key.handle, CKA_KEY_TYPE));
      if (keyType !== CKK_RSA && keyType !== CKK_EC) {
        throw new Pkcs11SignerError('PKCS11_UNSUPPORTED', { keyType }, 'only RSA and EC keys can sign');
      }
      const certificate = options.key.certificate
        ? new Uint8Array(options.key.certificate)
        : findCertificate(api, session, key);
      let x509: X509Certificate;
      try {
        x509 = new X509Certificate(Buffer.from(certificate));
      } catch {
        throw new Pkcs11SignerError(
          'PKCS11_CERTIFICATE_NOT_FOUND',
          { keyLabel: key.label, keyId: key.idHex },
          'the certificate cannot be parsed',
        );
      }
      checkKeyMatchesCertificate(api, session, key, keyType, x509);

      let mechanisms: Set<number> | null = null;
      try {
        mechanisms = new Set(api.C_GetMechanismList(token.slot));
      } catch {
        /* unknown: try the combined hash-and-sign mechanisms */
      }
      /** The combined mechanism when the token has it, else the raw one (we hash in Node), else unsupported. */
      const pick = (combined: number, raw: number): 'combined' | 'raw' => {
        if (options.prehash) {
          if (!mechanisms || mechanisms.has(raw)) return 'raw';
          throw new Pkcs11SignerError(
            'PKCS11_UNSUPPORTED',
            { mechanism: raw, tokenLabel: token.tokenLabel },
            'the token offers no raw mechanism for this algorithm',
          );
        }
        if (!mechanisms || mechanisms.has(combined)) return 'combined';
        if (mechanisms.has(raw)) return 'raw';
        throw new Pkcs11SignerError(
          'PKCS11_UNSUPPORTED',
          { mechanism: combined, tokenLabel: token.tokenLabel },
          'the token offers no mechanism for this algorithm',
        );
      };

      let algorithm: SignerAlgorithm;
      let mechanism: Mechanism;
      let prehash: 'none' | 'digest' | 'digest-info';
      let signatureLength: number;
      if (keyType === CKK_RSA) {
        const hash = options.hash ?? 'SHA-256';
        const m = MECH[hash];
        if (!m) throw new Pkcs11SignerError('PKCS11_UNSUPPORTED', { hash }, `unknown hash ${String(hash)}`);
        signatureLength = Math.ceil((x509.publicKey.asymmetricKeyDetails?.modulusLength ?? 8192) / 8);
        if (options.scheme === 'rsa-pss') {
          const saltLength = HASH_LENGTH[hash];
          const parameter = {
            type: mod.lib.CK_PARAMS_RSA_PSS ?? CK_PARAMS_RSA_PSS_DEFAULT,
            hashAlg: m.digest,
            mgf: m.mgf,
            saltLen: saltLength,
          };
          algorithm = { hash, scheme: { kind: 'rsa-pss', saltLength } };
          const how = pick(m.pss, CKM_RSA_PKCS_PSS);
          mechanism = { mechanism: how === 'combined' ? m.pss : CKM_RSA_PKCS_PSS, parameter };
          prehash = how === 'combined' ? 'none' : 'digest';
        } else if (options.scheme === undefined || options.scheme === 'rsa-pkcs1') {
          algorithm = { hash, scheme: { kind: 'rsa-pkcs1' } };
          const how = pick(m.pkcs1, CKM_RSA_PKCS);
          mechanism = { mechanism: how === 'combined' ? m.pkcs1 : CKM_RSA_PKCS };
          prehash = how === 'combined' ? 'none' : 'digest-info';
        } else {
          throw new Pkcs11SignerError(
            'PKCS11_UNSUPPORTED',
            { scheme: options.scheme },
            `unknown scheme ${String(options.scheme)}`,
          );
        }
      } else {
        if (options.scheme) {
          throw new Pkcs11SignerError(
            'PKCS11_UNSUPPORTED',
            { scheme: options.scheme, keyType: 'EC' },
            `scheme ${options.scheme} needs an RSA key`,
          );
        }
        const curveName = x509.publicKey.asymmetricKeyDetails?.namedCurve;
        const namedCurve = curveName ? CURVES[curveName] : undefined;
        if (!namedCurve) {
          throw new Pkcs11SignerError(
            'PKCS11_UNSUPPORTED',
            { curve: curveName ?? null },
            'the certificate key is not on P-256, P-384 or P-521',
          );
        }
        const hash = options.hash ?? CURVE_DEFAULT_HASH[namedCurve];
        if (!MECH[hash]) throw new Pkcs11SignerError('PKCS11_UNSUPPORTED', { hash }, `unknown hash ${String(hash)}`);
        const scheme: SignatureScheme = { kind: 'ecdsa', namedCurve };
        algorithm = { hash, scheme };
        if (mechanisms && !mechanisms.has(CKM_ECDSA)) {
          throw new Pkcs11SignerError(
            'PKCS11_UNSUPPORTED',
            { mechanism: CKM_ECDSA, tokenLabel: token.tokenLabel },
            'the token offers no CKM_ECDSA',
          );
        }
        mechanism = { mechanism: CKM_ECDSA };
        prehash = 'digest';
        signatureLength = 2 * CURVE_BYTES[namedCurve];
      }

      const alwaysAuth = attr(api, session, key.handle, CKA_ALWAYS_AUTHENTICATE);
      const contextPin = alwaysAuth?.[0] ? pin : null;

      return new Pkcs11Signer(
        library,
        mod,
        session,
        token.slotKey,
        key.handle,
        mechanism,
        prehash,
        signatureLength,
        contextPin,
        {
          certificate,
          chain: (options.chain ?? []).map((c) => new Uint8Array(c)),
          algorithm,
          info: {
            tokenLabel: token.tokenLabel,
            slot: slotId(token.slot),
            keyLabel: key.label,
            keyId: key.idHex,
            keyType: keyType === CKK_RSA ? 'RSA' : 'EC',
          },
        },
      );
    } catch (e) {
      if (session) {
        if (login) releaseLogin(mod, session, login.slotKey);
        try {
          api.C_CloseSession(session);
        } catch {
          /* ignore */
        }
      }
      releaseModule(library, mod);
      if (e instanceof KysoError) throw e;
      throw new Pkcs11SignerError('PKCS11_KEY_NOT_FOUND', cause(e), 'the token could not be searched');
    }
  }

  /** Hashes `data` with `algorithm.hash` and signs it on the token. Calls on one signer run one at a time. */
  sign(data: Uint8Array): Promise<Uint8Array> {
    if (this.closed || this.closing) return Promise.reject(new Pkcs11SignerError('PKCS11_CLOSED'));
    const input = Buffer.from(data); // a copy: the caller may reuse its buffer while we wait in the queue
    return this.queue.run(() => this.signNow(input));
  }

  private async signNow(data: Buffer): Promise<Uint8Array> {
    if (this.closed) throw new Pkcs11SignerError('PKCS11_CLOSED');
    const { api } = this.mod;
    const hash = this.algorithm.hash;
    let input = data;
    if (this.prehash !== 'none') {
      const digest = createHash(NODE_HASH[hash]).update(data).digest();
      input =
        this.prehash === 'digest-info' ? Buffer.concat([Buffer.from(DIGEST_INFO_PREFIX[hash], 'hex'), digest]) : digest;
    }
    let raw: Buffer;
    try {
      api.C_SignInit(this.session, this.mechanism, this.key);
      if (this.#contextPin !== null) api.C_Login(this.session, CKU_CONTEXT_SPECIFIC, this.#contextPin);
      const out = Buffer.alloc(Math.max(this.signatureLength, 512) + 16);
      raw = await new Promise<Buffer>((resolve, reject) => {
        api.C_Sign(this.session, input, out, (err, sig) => (err ? reject(err) : resolve(Buffer.from(sig))));
      });
    } catch (e) {
      const code = ckr(e);
      if (code === 'CKR_PIN_INCORRECT' || code === 'CKR_PIN_LOCKED') {
        throw new Pkcs11SignerError('PKCS11_LOGIN_FAILED', { ckr: code, context: 'sign' });
      }
      throw new Pkcs11SignerError('PKCS11_SIGN_FAILED', {
        mechanism: this.mechanism.mechanism,
        keyLabel: this.info.keyLabel,
        keyId: this.info.keyId,
        ...cause(e),
      });
    }
    if (this.algorithm.scheme.kind !== 'ecdsa') return new Uint8Array(raw);
    // Tokens return r‖s; a few return DER already.
    if (raw.length === this.signatureLength) return ecdsaRawToDer(raw);
    if (raw[0] === 0x30) return new Uint8Array(raw);
    throw new Pkcs11SignerError(
      'PKCS11_SIGN_FAILED',
      { mechanism: CKM_ECDSA, length: raw.length },
      'unexpected ECDSA signature length',
    );
  }

  /** Waits for pending signatures, then logs out (when no other signer uses the token), closes the session and
   *  finalises the module (when no other signer uses it). Idempotent. */
  close(): Promise<void> {
    if (this.closing) return this.closing;
    this.closing = (async () => {
      await this.queue.idle();
      this.closed = true;
      releaseLogin(this.mod, this.session, this.slotKey);
      try {
        this.mod.api.C_CloseSession(this.session);
      } catch {
        /* ignore */
      }
      releaseModule(this.library, this.mod);
    })();
    return this.closing;
  }
}

/** Opens a PKCS#11 signer (same as `Pkcs11Signer.open`). */
export const openPkcs11Signer = (options: Pkcs11SignerOptions): Promise<Pkcs11Signer> => Pkcs11Signer.open(options);

// ---------------------------------------------------------------------------------------------------------------
// Steps of open()

function resolveToken(api: Pkcs11Api, options: Pkcs11SignerOptions): Resolved {
  let slots: Handle[];
  try {
    slots = api.C_GetSlotList(true);
  } catch (e) {
    throw new Pkcs11SignerError('PKCS11_TOKEN_NOT_FOUND', cause(e), 'the slot list could not be read');
  }
  const tokens: { slot: Handle; info: TokenInfo }[] = [];
  for (const slot of slots) {
    try {
      tokens.push({ slot, info: api.C_GetTokenInfo(slot) });
    } catch {
      /* a slot whose token vanished */
    }
  }
  const describe = () => tokens.map((t) => ({ slot: slotId(t.slot), label: trimPadded(t.info.label) }));
  let match = tokens;
  if (options.slot !== undefined) match = match.filter((t) => slotId(t.slot) === options.slot);
  if (options.tokenLabel !== undefined)
    match = match.filter((t) => trimPadded(t.info.label) === trimPadded(options.tokenLabel!));
  if (options.slot === undefined && options.tokenLabel === undefined) {
    match = match.filter((t) => t.info.flags & CKF_TOKEN_INITIALIZED);
    if (match.length > 1) {
      throw new Pkcs11SignerError(
        'PKCS11_TOKEN_NOT_FOUND',
        { reason: 'ambiguous', tokens: describe() },
        'several tokens are present; give slot or tokenLabel',
      );
    }
  }
  const t = match[0];
  if (!t) {
    throw new Pkcs11SignerError('PKCS11_TOKEN_NOT_FOUND', {
      slot: options.slot ?? null,
      tokenLabel: options.tokenLabel ?? null,
      tokens: describe(),
    });
  }
  const tokenLabel = trimPadded(t.info.label);
  return { slot: t.slot, slotKey: `${slotId(t.slot)}/${tokenLabel}/${trimPadded(t.info.serialNumber)}`, tokenLabel };
}

function doLogin(mod: LoadedModule, session: Handle, token: Resolved, pin: string): void {
  const { api } = mod;
  const tag = pinTag(token.slotKey, pin);
  const existing = mod.logins.get(token.slotKey);
  if (existing) {
    // The token is already logged in for this process; C_Login would not check the PIN, so we do.
    if (!timingSafeEqual(existing.pinTag, tag)) {
      throw new Pkcs11SignerError('PKCS11_LOGIN_FAILED', { tokenLabel: token.tokenLabel, ckr: 'CKR_PIN_INCORRECT' });
    }
    existing.refs++;
    return;
  }
  try {
    api.C_Login(session, CKU_USER, pin);
  } catch (e) {
    const code = ckr(e);
    if (code !== 'CKR_USER_ALREADY_LOGGED_IN') {
      let locked = false;
      try {
        locked = (api.C_GetTokenInfo(token.slot).flags & CKF_USER_PIN_LOCKED) !== 0;
      } catch {
        /* ignore */
      }
      throw new Pkcs11SignerError('PKCS11_LOGIN_FAILED', {
        tokenLabel: token.tokenLabel,
        ckr: code,
        ...(locked ? { pinLocked: true } : {}),
      });
    }
    // Logged in by someone else in this process (not through kyso): we cannot check the PIN, and we must not
    // log it out behind their back. Refuse rather than sign on a login we did not verify.
    throw new Pkcs11SignerError('PKCS11_LOGIN_FAILED', {
      tokenLabel: token.tokenLabel,
      ckr: code,
      reason: 'already-logged-in-elsewhere',
    });
  }
  mod.logins.set(token.slotKey, { refs: 1, pinTag: tag });
}

function releaseLogin(mod: LoadedModule, session: Handle, slotKey: string): void {
  const l = mod.logins.get(slotKey);
  if (!l) return;
  l.refs--;
  if (l.refs > 0) return;
  mod.logins.delete(slotKey);
  try {
    mod.api.C_Logout(session);
  } catch {
    /* ignore */
  }
}

interface KeyRef {
  handle: Handle;
  id: Buffer | undefined;
  idHex: string | null;
  label: string | null;
}

function keyRef(api: Pkcs11Api, session: Handle, handle: Handle): KeyRef {
  const id = attr(api, session, handle, CKA_ID);
  const label = attr(api, session, handle, CKA_LABEL);
  return { handle, id, idHex: id?.length ? id.toString('hex') : null, label: label ? label.toString('utf8') : null };
}

function selectKey(api: Pkcs11Api, session: Handle, sel: Pkcs11KeySelector): KeyRef {
  const base: Attribute[] = [
    { type: CKA_CLASS, value: CKO_PRIVATE_KEY },
    { type: CKA_SIGN, value: true },
  ];
  const asked = {
    label: sel.label ?? null,
    id: sel.id === undefined ? null : typeof sel.id === 'string' ? sel.id : Buffer.from(sel.id).toString('hex'),
  };
  const template = [...base];
  if (sel.label !== undefined) template.push({ type: CKA_LABEL, value: sel.label });
  if (sel.id !== undefined) template.push({ type: CKA_ID, value: toBuffer(sel.id) });

  if (sel.certificate) {
    const der = Buffer.from(sel.certificate);
    const certIds = findObjects(api, session, [
      { type: CKA_CLASS, value: CKO_CERTIFICATE },
      { type: CKA_CERTIFICATE_TYPE, value: CKC_X_509 },
    ])
      .filter((h) => {
        const v = attr(api, session, h, CKA_VALUE);
        return v?.equals(der) === true;
      })
      .map((h) => attr(api, session, h, CKA_ID))
      .filter((id): id is Buffer => id !== undefined && id.length > 0);
    const candidates = new Map<string, KeyRef>();
    for (const id of certIds) {
      for (const h of findObjects(api, session, [...template, { type: CKA_ID, value: id }])) {
        const k = keyRef(api, session, h);
        candidates.set(k.idHex + '/' + h.toString('hex'), k);
      }
    }
    if (candidates.size === 0) {
      // No certificate object on the token: match the key by its public key.
      let x509: X509Certificate;
      try {
        x509 = new X509Certificate(der);
      } catch {
        throw new Pkcs11SignerError(
          'PKCS11_KEY_NOT_FOUND',
          { ...asked, certificate: 'unparseable' },
          'the given certificate cannot be parsed',
        );
      }
      for (const h of findObjects(api, session, template)) {
        const k = keyRef(api, session, h);
        if (publicKeyMatches(api, session, k, x509) === true) candidates.set(h.toString('hex'), k);
      }
    }
    let subject = 'unparseable';
    try {
      subject = new X509Certificate(der).subject;
    } catch {
      /* reported as unparseable */
    }
    return one([...candidates.values()], { ...asked, certificate: subject });
  }

  const keys = findObjects(api, session, template).map((h) => keyRef(api, session, h));
  return one(keys, asked);
}

function one(keys: KeyRef[], asked: Record<string, unknown>): KeyRef {
  const [key] = keys;
  if (!key) throw new Pkcs11SignerError('PKCS11_KEY_NOT_FOUND', asked);
  if (keys.length > 1) {
    throw new Pkcs11SignerError('PKCS11_KEY_AMBIGUOUS', {
      ...asked,
      candidates: keys.map((k) => ({ label: k.label, id: k.idHex })),
    });
  }
  return key;
}

/** The certificate object with the key's CKA_ID (else its label). */
function findCertificate(api: Pkcs11Api, session: Handle, key: KeyRef): Uint8Array {
  const base: Attribute[] = [
    { type: CKA_CLASS, value: CKO_CERTIFICATE },
    { type: CKA_CERTIFICATE_TYPE, value: CKC_X_509 },
  ];
  const attempts: Attribute[][] = [];
  if (key.id?.length) attempts.push([...base, { type: CKA_ID, value: key.id }]);
  if (key.label) attempts.push([...base, { type: CKA_LABEL, value: key.label }]);
  for (const t of attempts) {
    const values = findObjects(api, session, t)
      .map((h) => attr(api, session, h, CKA_VALUE))
      .filter((v): v is Buffer => v !== undefined && v.length > 0);
    const distinct = [...new Map(values.map((v) => [v.toString('hex'), v])).values()];
    if (distinct.length === 1 && distinct[0]) return new Uint8Array(distinct[0]);
    if (distinct.length > 1) {
      // Several certificates (e.g. a renewed one with the same key): take the one whose validity is latest.
      const best = distinct
        .map((v) => {
          try {
            return { v, to: Date.parse(new X509Certificate(v).validTo) };
          } catch {
            return { v, to: -Infinity };
          }
        })
        .sort((a, b) => b.to - a.to)[0]!; // distinct.length > 1
      return new Uint8Array(best.v);
    }
  }
  throw new Pkcs11SignerError('PKCS11_CERTIFICATE_NOT_FOUND', { keyLabel: key.label, keyId: key.idHex });
}

/**
 * Whether the token key is the certificate's: RSA by CKA_MODULUS of the private key, EC by CKA_EC_POINT of the
 * public key object with the same CKA_ID. Null when the token does not tell.
 */
function publicKeyMatches(api: Pkcs11Api, session: Handle, key: KeyRef, x509: X509Certificate): boolean | null {
  const pub = x509.publicKey;
  const type = ulong(attr(api, session, key.handle, CKA_KEY_TYPE));
  if (type === CKK_RSA) {
    if (pub.asymmetricKeyType !== 'rsa') return false;
    const modulus = attr(api, session, key.handle, CKA_MODULUS);
    if (!modulus) return null;
    const jwk = pub.export({ format: 'jwk' });
    return typeof jwk.n === 'string' && unsigned(Buffer.from(jwk.n, 'base64url')).equals(unsigned(modulus));
  }
  if (type === CKK_EC) {
    if (pub.asymmetricKeyType !== 'ec') return false;
    if (!key.id?.length) return null;
    const pubs = findObjects(api, session, [
      { type: CKA_CLASS, value: CKO_PUBLIC_KEY },
      { type: CKA_ID, value: key.id },
    ]);
    if (pubs.length === 0) return null;
    const jwk = pub.export({ format: 'jwk' });
    if (typeof jwk.x !== 'string' || typeof jwk.y !== 'string') return null;
    const point = Buffer.concat([
      Buffer.from([0x04]),
      Buffer.from(jwk.x, 'base64url'),
      Buffer.from(jwk.y, 'base64url'),
    ]);
    for (const h of pubs) {
      const ecPoint = attr(api, session, h, CKA_EC_POINT);
      if (!ecPoint) continue;
      // CKA_EC_POINT is DER OCTET STRING-wrapped on conforming tokens, raw on some.
      if (
        ecPoint.equals(point) ||
        (ecPoint.length > point.length && ecPoint.subarray(ecPoint.length - point.length).equals(point))
      )
        return true;
    }
    return false;
  }
  return null;
}

function checkKeyMatchesCertificate(
  api: Pkcs11Api,
  session: Handle,
  key: KeyRef,
  keyType: number,
  x509: X509Certificate,
): void {
  const expected = keyType === CKK_RSA ? 'rsa' : 'ec';
  if (x509.publicKey.asymmetricKeyType !== expected) {
    throw new Pkcs11SignerError('PKCS11_CERTIFICATE_MISMATCH', {
      keyLabel: key.label,
      keyId: key.idHex,
      keyType: expected,
      certificateKeyType: x509.publicKey.asymmetricKeyType ?? null,
    });
  }
  if (publicKeyMatches(api, session, key, x509) === false) {
    throw new Pkcs11SignerError('PKCS11_CERTIFICATE_MISMATCH', {
      keyLabel: key.label,
      keyId: key.idHex,
      subject: x509.subject,
    });
  }
}
