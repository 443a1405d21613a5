/**
 * `kyso certify --scan FILE [--scan FILE ...] --paper-copies N -o ECOPY.pdf --db FILE --certifier-p12 FILE
 * --authority-p12 FILE --password-env VAR [--json]`: certifies an electronic copy of a scanned paper original,
 * numbers it in the register (a SQLite file) and writes the e-copy atomically (a temporary file renamed into place).
 *
 * Also `--refuse CODE` (a refusal on a Decree 23/2015 Art. 22 ground: recorded, no number, no fee),
 * `--void-pending KEY --reason TEXT` (an abandoned pending request voided; its number stays in the book) and
 * `--deliver KEY [--at TIME]` (the e-copy's delivery recorded: its return time for the deadline) and
 * `--extend KEY --extension-days N --extension-reason TEXT [--written-agreement] [--at TIME] [--slip FILE.pdf]` (an
 * extension agreed after receipt, Art. 21: the due time moves, a new appointment slip gives it).
 *
 * The receipt time (`--received-at`, default now), an extension (`--extension-days N --extension-reason TEXT
 * [--written-agreement]`) and the payment channel (`--payment cash|online`) are recorded with the request; the due
 * time follows Decree 23/2015 Art. 7 and 21, and `--slip FILE.pdf` writes the appointment slip (phiếu hẹn).
 *
 * The authority is its unit code (--authority-id, KYSO_AUTHORITY_ID, or the register's only authority: desk.ts),
 * never the seal certificate's name, so a new seal keeps the year's numbering; it is registered on first use under
 * --authority-name (else the seal's O, else CN). The certifier is the personal certificate's CN. Without --idempotency-key a new key is made and printed first, so
 * that a run that dies can be resumed (same key, same number) by running it again with that key.
 */
import { createHash, randomUUID } from 'node:crypto';
import { accessSync, constants, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import {
  Pkcs12Signer,
  appointmentSlip,
  REFUSAL_GROUNDS,
  certifyElectronicCopy,
  formatVnd,
  formatVietnamDisplayTime,
  isRefusalCode,
  refuseCertification,
  type CertificationRegister,
  type CertifiedElectronicCopy,
  type CopyLevel,
  type Certifier,
  type DeliveryChannel,
  type Extension,
  type PaymentChannel,
  type ScanSource,
  type StatementPlacement,
  type MarkPlacement,
  type SigningWarning,
} from '@kyso/core';
import { openRegisterAt } from '../register-location.js';
import { deskAuthority, deskCertifierTitle, deskRsaScheme, deskSealSizeMm } from '../desk.js';
import { JOURNAL_OPTIONS, openCliJournal } from '../journal-support.js';
import { readPassword } from '../secrets.js';
import { cliGuardedFetch, cliRevocationPolicy, cliTimestamper, cliWarningPrinter } from '../signing-support.js';
import { parseCommandArgs, UsageError } from '../usage.js';

const BASES = new Set(['own-competence', 'authorised', 'assigned']);
const LEVELS = new Set(['auto', 'B-B', 'B-T', 'B-LT', 'B-LTA']);
const CHANNELS = new Set(['KHO_DVCQG', 'EMAIL', 'IN_PERSON']);
const PLACEMENTS = new Set<string>(['auto', 'last-page', 'new-page'] satisfies StatementPlacement[]);
const MARK_PLACEMENTS = new Set<string>(['first-page', 'statement-page'] satisfies MarkPlacement[]);

export async function certify(argv: string[], out: (s: string) => void, err: (s: string) => void): Promise<number> {
  const { values, positionals } = parseCommandArgs('certify', {
    args: argv,
    allowPositionals: true,
    options: {
      scan: { type: 'string', multiple: true },
      'paper-copies': { type: 'string' },
      card: { type: 'boolean' },
      'statement-placement': { type: 'string' },
      'mark-placement': { type: 'string' },
      output: { type: 'string', short: 'o' },
      db: { type: 'string' },
      'certifier-p12': { type: 'string' },
      'authority-p12': { type: 'string' },
      'password-env': { type: 'string' },
      'password-file': { type: 'string' },
      'authority-password-env': { type: 'string' },
      password: { type: 'string' },
      json: { type: 'boolean' },
      requester: { type: 'string' },
      document: { type: 'string' },
      'certifier-title': { type: 'string' },
      'certifier-basis': { type: 'string' },
      'basis-ref': { type: 'string' },
      'idempotency-key': { type: 'string' },
      'authority-id': { type: 'string' },
      'authority-name': { type: 'string' },
      'seal-size-mm': { type: 'string' },
      'rsa-scheme': { type: 'string' },
      pss: { type: 'boolean' },
      book: { type: 'string' },
      'electronic-book': { type: 'string' },
      tsa: { type: 'string' },
      'allow-host': { type: 'string', multiple: true },
      level: { type: 'string' },
      revocation: { type: 'string' },
      'signature-image': { type: 'string' },
      'seal-image': { type: 'string' },
      'verification-url': { type: 'string' },
      delivery: { type: 'string' },
      email: { type: 'string' },
      'fee-receipt': { type: 'string' },
      refuse: { type: 'string' },
      note: { type: 'string' },
      'void-pending': { type: 'string' },
      reason: { type: 'string' },
      ...JOURNAL_OPTIONS,
      'received-at': { type: 'string' },
      'extension-days': { type: 'string' },
      'extension-reason': { type: 'string' },
      'written-agreement': { type: 'boolean' },
      payment: { type: 'string' },
      slip: { type: 'string' },
      deliver: { type: 'string' },
      extend: { type: 'string' },
      at: { type: 'string' },
    },
  });
  if (values.password !== undefined)
    throw new UsageError('passwords are not accepted on the command line; use --password-env or --password-file');
  if (positionals.length) throw new UsageError(`certify takes no positional arguments (got '${positionals[0]}')`);
  if (!values.db) throw new UsageError('--db FILE|postgres://… (the certification register) is required');
  if (!values['authority-p12']) throw new UsageError('--authority-p12 FILE (the seal) is required');

  const password = readPassword({ passwordEnv: values['password-env'], passwordFile: values['password-file'] });
  const authorityPassword = values['authority-password-env']
    ? readPassword({ passwordEnv: values['authority-password-env'] })
    : password;
  const rsaScheme = deskRsaScheme(values['rsa-scheme'], values.pss);
  const sealSizeMm = deskSealSizeMm(values['seal-size-mm']);
  const seal = Pkcs12Signer.open(
    readFileSync(values['authority-p12']),
    authorityPassword,
    { rsaScheme } /* an EC key keeps ECDSA */,
  );
  const sealSubject = seal.info.subjectAttributes;

  const register = await openRegisterAt(values.db);
  try {
    const authority = await deskAuthority(register, {
      id: values['authority-id'],
      name: values['authority-name'],
      sealName: sealSubject.O ?? sealSubject.CN,
      electronicBook: values['electronic-book'],
    });
    const authorityId = authority.id;
    if (values['void-pending'] !== undefined)
      return await voidPending(register, authorityId, values['void-pending'], values.reason, values.json, out);
    if (values.deliver !== undefined)
      return await deliver(register, authorityId, values.deliver, values.at, values.json, out);
    if (values.extend !== undefined) {
      const extension = extensionOf(values['extension-days'], values['extension-reason'], values['written-agreement']);
      if (!extension)
        throw new UsageError(
          '--extend KEY needs --extension-days N and --extension-reason TEXT',
          'Tùy chọn --extend cần --extension-days N và --extension-reason.',
        );
      if (values.slip) checkWritable(values.slip);
      return await extendLater(register, authority, values.extend, extension, values.at, values.slip, values.json, out);
    }
    const receivedAt = instantOption(values['received-at'], '--received-at');
    const extension = extensionOf(values['extension-days'], values['extension-reason'], values['written-agreement']);
    const paymentChannel = paymentOf(values.payment);

    if (!values['certifier-p12']) throw new UsageError('--certifier-p12 FILE (the certifier) is required');
    const personal = Pkcs12Signer.open(readFileSync(values['certifier-p12']), password, { rsaScheme });
    const basis = values['certifier-basis'] ?? 'own-competence';
    if (!BASES.has(basis)) throw new UsageError('--certifier-basis must be own-competence, authorised or assigned');
    const title = deskCertifierTitle(values['certifier-title']);
    const certifier: Certifier = {
      name: personal.info.subjectAttributes.CN ?? '',
      ...(title ? { title } : {}),
      basis: basis as Certifier['basis'],
      ...(values['basis-ref'] ? { basisReference: values['basis-ref'] } : {}),
    };
    const key = values['idempotency-key'] ?? randomUUID();
    if (!values['idempotency-key']) err(`kyso: mã yêu cầu / idempotency key: ${key}`);
    const requester = { name: values.requester ?? '(không ghi tên)' };
    const documentName = values.document ?? 'Giấy tờ, văn bản';

    if (values.refuse !== undefined) {
      if (!isRefusalCode(values.refuse))
        throw new UsageError(`--refuse must be one of ${Object.keys(REFUSAL_GROUNDS).join(', ')}`);
      const r = await refuseCertification({
        register,
        idempotencyKey: key,
        authority: authorityId,
        certifier,
        requester,
        documentName,
        reason: values.refuse,
        text: values.note,
        receivedAt,
      });
      out(
        values.json
          ? JSON.stringify(
              {
                idempotencyKey: key,
                requestId: r.request.id,
                state: r.request.state,
                refusal: r.request.refusal,
                resumed: r.resumed,
              },
              null,
              2,
            )
          : r.slip.join('\n'),
      );
      return 0;
    }

    if (!values.scan?.length) throw new UsageError('--scan FILE is required');
    if (!values.output) throw new UsageError('-o ECOPY.pdf is required');
    if (values['paper-copies'] === undefined)
      throw new UsageError('--paper-copies N is required (0 for an electronic copy only)');
    if (!/^\d{1,9}$/.test(values['paper-copies']))
      throw new UsageError('--paper-copies must be a whole number, 0 or more');
    const level = (values.level ?? 'auto') as CopyLevel;
    if (!LEVELS.has(level)) throw new UsageError('--level must be auto, B-B, B-T, B-LT or B-LTA');
    if (level !== 'auto' && level !== 'B-B' && !values.tsa) throw new UsageError(`--level ${level} needs --tsa URL`);
    const placement = values['statement-placement'];
    if (placement !== undefined && !PLACEMENTS.has(placement))
      throw new UsageError('--statement-placement must be auto, last-page or new-page');
    const markPlacement = values['mark-placement'];
    if (markPlacement !== undefined && !MARK_PLACEMENTS.has(markPlacement))
      throw new UsageError('--mark-placement must be first-page or statement-page');
    const delivery = deliveryOf(values.delivery, values.email);
    checkWritable(values.output);
    if (values.slip) checkWritable(values.slip);
    const template = values['verification-url'];
    // The signers' CAs and the TSA through the guarded fetch (the --tsa host allowed by naming it).
    const fetch = cliGuardedFetch(values['allow-host'], [values.tsa]);
    // Printed as they come, and kept for the JSON answer.
    const warnings: SigningWarning[] = [];
    const printWarning = cliWarningPrinter(err);

    const journal = await openCliJournal(values);
    try {
      const result = await certifyElectronicCopy({
        register,
        idempotencyKey: key,
        authority: authorityId,
        book: values.book,
        certifier,
        requester,
        documentName,
        scan: readScans(values.scan),
        paperCopies: Number(values['paper-copies']),
        originalIsCard: values.card === true,
        statementPlacement: placement as StatementPlacement | undefined,
        markPlacement: markPlacement as MarkPlacement | undefined,
        signers: {
          certifier: {
            signer: personal,
            signatureImage: values['signature-image'] ? readFileSync(values['signature-image']) : undefined,
          },
          authority: {
            signer: seal,
            sealImage: values['seal-image'] ? readFileSync(values['seal-image']) : undefined,
            ...(sealSizeMm ? { sealSizeMm } : {}),
          },
        },
        tsa: values.tsa ? cliTimestamper(values.tsa, undefined, fetch) : undefined,
        level,
        certificateCheck: cliRevocationPolicy(values.revocation, fetch),
        ltv: { fetch }, // the long-term evidence (the signers' chains' OCSP/CRL) through the same guarded fetch
        delivery,
        feeReceiptNo: values['fee-receipt'],
        receivedAt,
        extension,
        paymentChannel,
        verificationRef: template
          ? (e) =>
              template
                .replaceAll('{seq}', String(e.seqNo))
                .replaceAll('{year}', String(e.year))
                .replaceAll('{book}', encodeURIComponent(e.bookType))
          : undefined,
        onWarning: (w) => {
          warnings.push(w);
          printWarning(w);
        },
      });
      // Both signatures are over the e-copy as delivered: the journal names the final file's hash for each. They are
      // journaled before the file is written, so a journal that fails (exit 74) leaves no unjournaled copy; the
      // register keeps the issued copy, and a retry with the same key replays it and journals what is missing.
      const outputSha256 = createHash('sha256').update(result.pdf).digest('hex');
      const madeLevel = result.entry.signingEvidence?.level ?? 'B-B'; // as made: auto picks one
      await journal?.record({
        operation: 'certify',
        keyFile: values['certifier-p12'],
        certificate: personal.certificate,
        level: madeLevel,
        outputSha256,
        unit: authorityId,
        once: result.replayed,
      });
      await journal?.record({
        operation: 'certify',
        keyFile: values['authority-p12'],
        certificate: seal.certificate,
        level: madeLevel,
        outputSha256,
        unit: authorityId,
        once: result.replayed,
      });
      writeAtomically(values.output, result.pdf);
      if (values.slip)
        writeAtomically(values.slip, appointmentSlip({ request: result.request, authorityName: authority.name }).pdf);
      out(
        values.json
          ? JSON.stringify(
              {
                ...report(result, key, values.output),
                ...(values.slip ? { appointmentSlip: values.slip } : {}),
                warnings,
              },
              null,
              2,
            )
          : human(result, values.output),
      );
      return 0;
    } finally {
      await journal?.close();
    }
  } finally {
    await register.close();
  }
}

async function voidPending(
  register: CertificationRegister,
  authorityId: string,
  key: string,
  reason: string | undefined,
  json: boolean | undefined,
  out: (s: string) => void,
): Promise<number> {
  if (!reason) throw new UsageError('--void-pending needs --reason TEXT');
  const request = await register.findRequestByKey(authorityId, key);
  if (!request) throw new UsageError(`no request with the key '${key}' in this register`);
  const voided = await register.voidPending(request.id, reason);
  const numbers = voided.entries.map((e) => e.certificationNumber);
  out(
    json
      ? JSON.stringify({ idempotencyKey: key, requestId: voided.id, state: voided.state, numbers, reason }, null, 2)
      : `Đã hủy / Voided: ${numbers.join(', ')} (${reason})`,
  );
  return 0;
}

async function deliver(
  register: CertificationRegister,
  authorityId: string,
  key: string,
  at: string | undefined,
  json: boolean | undefined,
  out: (s: string) => void,
): Promise<number> {
  const request = await register.findRequestByKey(authorityId, key);
  if (!request) throw new UsageError(`no request with the key '${key}' in this register`);
  const done = await register.recordDelivery(request.id, { at: instantOption(at, '--at') });
  out(
    json
      ? JSON.stringify(
          {
            idempotencyKey: key,
            requestId: done.id,
            deliveredAt: done.deliveredAt,
            dueAt: done.dueAt,
            deadline: done.deadline,
          },
          null,
          2,
        )
      : `Đã trả kết quả / Delivered: ${formatVietnamDisplayTime(new Date(done.deliveredAt!))}${done.dueAt ? ` (hạn / due ${formatVietnamDisplayTime(new Date(done.dueAt))}: ${done.deadline})` : ''}`,
  );
  return 0;
}

async function extendLater(
  register: CertificationRegister,
  authority: { id: string; name: string },
  key: string,
  extension: Extension,
  at: string | undefined,
  slip: string | undefined,
  json: boolean | undefined,
  out: (s: string) => void,
): Promise<number> {
  const request = await register.findRequestByKey(authority.id, key);
  if (!request) throw new UsageError(`no request with the key '${key}' in this register`);
  const done = await register.extendDeadline(request.id, { extension, at: instantOption(at, '--at') });
  if (slip) writeAtomically(slip, appointmentSlip({ request: done, authorityName: authority.name }).pdf);
  out(
    json
      ? JSON.stringify(
          {
            idempotencyKey: key,
            requestId: done.id,
            dueAt: done.dueAt,
            extension: done.extension,
            deadline: done.deadline,
            ...(slip ? { appointmentSlip: slip } : {}),
          },
          null,
          2,
        )
      : `Đã gia hạn / Extended: hạn mới / due ${formatVietnamDisplayTime(new Date(done.dueAt!))} (${done.extension!.workingDays} ngày làm việc / working days)`,
  );
  return 0;
}

/** An ISO 8601 time with its offset, e.g. 2026-03-10T09:30:00+07:00. */
function instantOption(v: string | undefined, flag: string): string | undefined {
  if (v === undefined) return undefined;
  if (
    !/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d{1,9})?)?(Z|[+-]\d{2}:\d{2})$/.test(v) ||
    Number.isNaN(Date.parse(v))
  ) {
    throw new UsageError(
      `${flag} must be an ISO 8601 time with its offset, e.g. 2026-03-10T09:30:00+07:00`,
      `${flag} phải là thời điểm ISO 8601 có múi giờ, ví dụ 2026-03-10T09:30:00+07:00`,
    );
  }
  return v;
}

function extensionOf(
  days: string | undefined,
  reason: string | undefined,
  written: boolean | undefined,
): Extension | undefined {
  if (days === undefined) {
    if (reason !== undefined || written)
      throw new UsageError('--extension-reason and --written-agreement go with --extension-days N');
    return undefined;
  }
  if (!/^\d{1,2}$/.test(days) || Number(days) < 1)
    throw new UsageError('--extension-days must be a whole number of working days, 1 or more');
  if (!reason) throw new UsageError('--extension-days needs --extension-reason TEXT (Decree 23/2015 Art. 21)');
  return { workingDays: Number(days), reason, ...(written ? { writtenAgreement: true } : {}) };
}

function paymentOf(v: string | undefined): PaymentChannel | undefined {
  if (v === undefined) return undefined;
  const up = v.toUpperCase();
  if (up !== 'CASH' && up !== 'ONLINE') throw new UsageError('--payment must be cash or online');
  return up;
}

function deliveryOf(
  channel: string | undefined,
  email: string | undefined,
): { channel: DeliveryChannel; address?: string } | undefined {
  if (channel === undefined) return email ? { channel: 'EMAIL', address: email } : undefined;
  if (!CHANNELS.has(channel)) throw new UsageError('--delivery must be KHO_DVCQG, EMAIL or IN_PERSON');
  if (channel === 'EMAIL' && !email) throw new UsageError('--delivery EMAIL needs --email ADDRESS');
  return { channel: channel as DeliveryChannel, ...(email ? { address: email } : {}) };
}

/** One PDF, or images (one per page, in order); what is not a PDF is handed on as an image and judged there. */
function readScans(paths: string[]): ScanSource {
  const files = paths.map((p) => new Uint8Array(readFileSync(p)));
  const isPdf = (b: Uint8Array) => Buffer.from(b.subarray(0, 1024)).includes('%PDF-');
  const pdfs = files.filter(isPdf).length;
  if (pdfs === 0) return { images: files };
  const [only] = files;
  if (only && pdfs === 1 && files.length === 1) return { pdf: only };
  throw new UsageError('give one scanned PDF, or images only (one per page)');
}

/** Before a number is taken: the e-copy must have somewhere to go. */
function checkWritable(output: string): void {
  const dir = dirname(resolve(output));
  try {
    accessSync(dir, constants.W_OK);
  } catch {
    throw new UsageError(`cannot write the e-copy into ${dir}`);
  }
}

/** The e-copy appears whole or not at all: a temporary file beside the target, renamed into place. */
function writeAtomically(path: string, bytes: Uint8Array): void {
  const tmp = `${path}.${process.pid}.${randomUUID().slice(0, 8)}.tmp`;
  try {
    writeFileSync(tmp, bytes, { flush: true });
    renameSync(tmp, path);
  } catch (e) {
    rmSync(tmp, { force: true });
    throw e;
  }
}

function report(r: CertifiedElectronicCopy, key: string, output: string) {
  const e = r.entry;
  return {
    number: e.seqNo,
    book: e.bookType,
    year: e.year,
    volume: e.volume,
    certificationNumber: e.certificationNumber,
    certifiedAt: e.certifiedAt,
    authority: e.authorityId,
    certifier: e.certifier,
    requester: e.requesterName,
    document: e.documentName,
    pages: e.originalPages,
    paperCopies: e.paperCopies,
    electronicCopy: e.electronicCopy,
    sha256: r.sha256,
    level: e.signingEvidence?.level ?? null,
    signingEvidence: e.signingEvidence,
    output,
    fee: r.fee,
    idempotencyKey: key,
    requestId: r.request.id,
    state: r.request.state,
    resumed: r.resumed,
    replayed: r.replayed,
    receivedAt: r.request.receivedAt,
    dueAt: r.request.dueAt,
    extension: r.request.extension,
    paymentChannel: r.request.paymentChannel,
  };
}

function human(r: CertifiedElectronicCopy, output: string): string {
  const e = r.entry;
  return [
    `Đã chứng thực bản sao điện tử / Electronic copy certified: ${output}${r.replayed ? ' (đã cấp trước đó / issued earlier)' : ''}`,
    `  Số chứng thực / Number: ${e.certificationNumber}`,
    `  Ngày / Date: ${formatVietnamDisplayTime(new Date(e.certifiedAt))}`,
    `  Bản chính / Original: ${e.documentName}, ${e.originalPages} trang / pages; ${e.paperCopies} bản giấy / paper copies + 1 bản điện tử / e-copy`,
    `  Người chứng thực / Certifier: ${e.certifier.name}${e.certifier.title ? `, ${e.certifier.title}` : ''}`,
    `  Mức chữ ký / Signature level: ${e.signingEvidence?.level ?? '-'}${e.signingEvidence?.dss ? ' (DSS)' : ''}`,
    `  Phí / Fee: ${formatVnd(r.fee.total)}`,
    ...(r.request.dueAt ? [`  Hẹn trả / Due: ${formatVietnamDisplayTime(new Date(r.request.dueAt))}`] : []),
    `  SHA-256: ${r.sha256}`,
  ].join('\n');
}
