/**
 * The page's logic: read the chosen PDF and trust roots as bytes, run @kyso/verify's validatePdf here in the page
 * (WebCrypto, no network: online revocation is off and the CSP allows no connection but to this origin), render
 * the report. Trust: the bundled profile `vn` by default (bundled in the script, nothing fetched), plus the roots
 * the person adds. Query parameters: `at=ISO-TIME` (validate as of that time), `trust=vn|vn-all|none` (the bundled
 * profile), `test-root=1` (also trust the kyso test root shipped in dist/, for demos and tests only), `lang=en`.
 */
import { KysoError } from '@kyso/pdf';
import {
  readCertificates,
  summariseCertificate,
  trustProfile,
  validatePdf,
  vietnamTime,
  type TrustProfileName,
  type ValidationReport,
} from '@kyso/verify';
import { el, renderReport } from './render.js';
import { TEXT, type Language, type TextKey } from './text.js';

declare global {
  interface Window {
    /** The last report shown, as the JSON validatePdf returned (read by the browser test). */
    __kysoLastReport?: ValidationReport | null;
    /** The last error shown instead of a report: { code, vi, en }. */
    __kysoLastError?: { code: string; vi: string; en: string } | null;
    /** What the last validation trusted: the bundled profile (or null) and the SHA-256 of each bundled anchor. */
    __kysoTrust?: { profile: TrustProfileName | null; bundledAnchors: string[]; chosenRoots: number };
  }
}

type Certificate = ReturnType<typeof readCertificates>[number];
interface Root {
  label: string;
  cert: Certificate | null;
  note?: TextKey;
}

const params = new URLSearchParams(location.search);
let lang: Language = params.get('lang') === 'en' ? 'en' : 'vi';
const atParam = params.get('at');
const trustParam = params.get('trust');
let profileName: TrustProfileName | null = trustParam === 'none' ? null : trustParam === 'vn-all' ? 'vn-all' : 'vn';
const at = atParam && Number.isFinite(Date.parse(atParam)) ? new Date(atParam) : undefined;

const byId = <T extends HTMLElement>(id: string): T => document.getElementById(id) as T;
const pdfInput = byId<HTMLInputElement>('pdf-input');
const dropZone = byId<HTMLElement>('drop-zone');
const trustInput = byId<HTMLInputElement>('trust-input');
const trustList = byId<HTMLElement>('trust-list');
const profileSelect = byId<HTMLSelectElement>('trust-profile');
const bundledTrust = byId<HTMLElement>('bundled-trust');
const bundledList = byId<HTMLElement>('bundled-list');
const atNote = byId<HTMLElement>('at-note');
const reportBox = byId<HTMLElement>('report');
const langToggle = byId<HTMLButtonElement>('lang-toggle');

let testRoots: Root[] = [];
let chosenRoots: Root[] = [];
let current: { name: string; bytes: Uint8Array } | null = null;
let shown:
  | { name: string; report: ValidationReport }
  | { name: string; error: { code: string; vi: string; en: string } }
  | null = null;
let run = 0;
let jsonUrl: string | null = null;

const t = (k: TextKey): string => TEXT[k][lang];

function describeRoot(label: string, cert: Certificate): string {
  const s = summariseCertificate(cert);
  return `${s.commonName ?? s.text} — ${t('validUntil')} ${vietnamTime(s.notAfter)} (${label})`;
}

function readRoots(label: string, bytes: Uint8Array, note?: TextKey): Root[] {
  try {
    const certs = readCertificates([bytes]);
    return certs.map((cert) => ({ label, cert, note }));
  } catch {
    return [{ label, cert: null }];
  }
}

function renderTrust(): void {
  const roots = [...testRoots, ...chosenRoots];
  trustList.replaceChildren(
    ...(roots.length
      ? roots.map((r) =>
          r.cert
            ? el('li', {}, describeRoot(r.label, r.cert), r.note ? el('em', {}, ` — ${t(r.note)}`) : null)
            : el('li', { class: 'bad' }, `${r.label}: ${t('trustBad')}`),
        )
      : [el('li', { class: 'empty' }, t('trustNone'))]),
  );
}

/** The bundled profile in use: its name, what it is, and each anchor with its fingerprint and validity. */
function renderBundled(): void {
  profileSelect.value = profileName ?? 'none';
  if (!profileName) {
    bundledTrust.textContent = t('bundledNone');
    bundledList.replaceChildren();
    return;
  }
  const p = trustProfile(profileName);
  bundledTrust.textContent = `${t('bundledTrust')} "${p.name}": ${p.anchors.length} ${t('bundledRoots')}, ${p.extraCertificates.length} ${t('bundledExtras')}. ${p.description[lang]}.`;
  bundledList.replaceChildren(
    ...p.anchors.map((a) =>
      el(
        'li',
        {},
        `${summariseCertificate(a.certificate).commonName ?? a.subject} — ${t('validUntil')} ${vietnamTime(a.notAfter.toISOString())} — SHA-256 `,
        el('code', {}, a.sha256),
      ),
    ),
  );
}

function renderStatic(): void {
  document.documentElement.lang = lang;
  for (const node of document.querySelectorAll<HTMLElement>('[data-text]'))
    node.textContent = t(node.dataset.text as TextKey);
  document.title = t('title');
  langToggle.setAttribute('lang', lang === 'vi' ? 'en' : 'vi');
  atNote.textContent = atParam ? (at ? `${t('atNote')}: ${vietnamTime(at.toISOString())}` : t('atInvalid')) : '';
  renderBundled();
  renderTrust();
  renderShown();
}

/** Where the trust in a root comes from, by its name: a file the person chose, the test root, or the bundled profile. */
function anchorOrigin(rootName: string): string | null {
  const named = (r: Root): boolean =>
    !!r.cert && (summariseCertificate(r.cert).commonName ?? summariseCertificate(r.cert).text) === rootName;
  const chosen = chosenRoots.find(named);
  if (chosen) return `${t('originChosen')} ${chosen.label}`;
  if (testRoots.some(named)) return t('originTest');
  if (!profileName) return null;
  const bundled = trustProfile(profileName).anchors.find(
    (a) => (summariseCertificate(a.certificate).commonName ?? a.subject) === rootName,
  );
  return bundled ? `${t('originBundled')} "${profileName}" (SHA-256 ${bundled.sha256})` : null;
}

function renderShown(): void {
  if (!shown) return;
  if ('report' in shown) {
    const nodes = renderReport(shown.report, shown.name, lang, anchorOrigin);
    const json = new Blob([JSON.stringify(shown.report, null, 2)], { type: 'application/json' });
    if (jsonUrl) URL.revokeObjectURL(jsonUrl); // one report at a time: free the previous one's copy
    jsonUrl = URL.createObjectURL(json);
    const link = el(
      'a',
      { href: jsonUrl, download: `${shown.name.replace(/\.pdf$/i, '')}.kyso-report.json`, class: 'download' },
      t('downloadJson'),
    );
    reportBox.replaceChildren(...nodes, el('p', {}, link));
  } else {
    reportBox.replaceChildren(
      el('h2', { id: 'report-title' }, t('reportTitle')),
      el(
        'p',
        { class: 'error', role: 'alert' },
        `${shown.name}: ${shown.error.code === 'VALIDATION_ERROR' ? t('failed') : t('notPdf')} — ${shown.error[lang]}`,
      ),
    );
  }
}

/** Validate the current file with the current roots; a newer run makes an older one's result moot. */
async function validateCurrent(): Promise<void> {
  if (!current) return;
  const mine = ++run;
  const { name, bytes } = current;
  reportBox.dataset.state = 'working';
  reportBox.dataset.file = name;
  reportBox.dataset.run = String(mine);
  reportBox.setAttribute('aria-busy', 'true');
  reportBox.replaceChildren(el('p', { class: 'working' }, `${t('working')}: ${name}…`));
  const trustAnchors = [...testRoots, ...chosenRoots].flatMap((r) => (r.cert ? [r.cert] : []));
  let result: typeof shown;
  try {
    const report = await validatePdf(bytes, {
      trustProfile: profileName ?? undefined,
      trustAnchors,
      at,
      online: false,
    });
    result = { name, report };
  } catch (e) {
    // A file that is not a readable PDF is a typed KysoError with both languages; anything else is a bug to show.
    const error =
      e instanceof KysoError
        ? { code: e.code, vi: e.messageVi, en: e.messageEn }
        : { code: 'VALIDATION_ERROR', vi: String(e), en: String(e) };
    result = { name, error };
  }
  if (mine !== run) return;
  shown = result;
  window.__kysoTrust = {
    profile: profileName,
    bundledAnchors: profileName ? trustProfile(profileName).anchors.map((a) => a.sha256) : [],
    chosenRoots: trustAnchors.length,
  };
  window.__kysoLastReport = 'report' in result ? result.report : null;
  window.__kysoLastError = 'error' in result ? result.error : null;
  renderShown();
  reportBox.removeAttribute('aria-busy');
  reportBox.dataset.state = 'report' in result ? 'done' : 'error';
}

async function openPdf(file: File | undefined): Promise<void> {
  if (!file) return;
  current = { name: file.name, bytes: new Uint8Array(await file.arrayBuffer()) };
  await validateCurrent();
}

pdfInput.addEventListener('change', () => void openPdf(pdfInput.files?.[0]));

profileSelect.addEventListener('change', async () => {
  const v = profileSelect.value;
  profileName = v === 'vn' || v === 'vn-all' ? v : null;
  renderBundled();
  await validateCurrent(); // the verdict depends on the roots: show it for the profile now chosen
});

trustInput.addEventListener('change', async () => {
  const files = [...(trustInput.files ?? [])];
  chosenRoots = (
    await Promise.all(files.map(async (f) => readRoots(f.name, new Uint8Array(await f.arrayBuffer()))))
  ).flat();
  renderTrust();
  await validateCurrent(); // the verdict depends on the roots: show it for the roots now chosen
});

for (const type of ['dragenter', 'dragover'] as const) {
  dropZone.addEventListener(type, (e) => {
    e.preventDefault();
    dropZone.classList.add('over');
  });
}
for (const type of ['dragleave', 'drop'] as const)
  dropZone.addEventListener(type, () => dropZone.classList.remove('over'));
dropZone.addEventListener('drop', (e) => {
  e.preventDefault();
  void openPdf(e.dataTransfer?.files[0]);
});

langToggle.addEventListener('click', () => {
  lang = lang === 'vi' ? 'en' : 'vi';
  renderStatic();
});

async function loadTestRoot(): Promise<void> {
  // Same origin only (CSP connect-src 'self'); the build copies test-certs/root-ca.pem here.
  const res = await fetch(new URL('./dist/kyso-test-root-ca.pem', location.href));
  if (!res.ok) throw new Error(`kyso-test-root-ca.pem: HTTP ${res.status}`);
  testRoots = readRoots('kyso-test-root-ca.pem', new Uint8Array(await res.arrayBuffer()), 'testRoot');
}

async function start(): Promise<void> {
  if (params.get('test-root') === '1') await loadTestRoot();
  renderStatic();
  document.body.dataset.ready = 'true';
}

void start();
