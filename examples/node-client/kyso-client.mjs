/**
 * A small client for the kyso HTTP service, on nothing but Node 20's fetch. Errors are thrown as KysoHttpError
 * carrying the service's problem details (code, English and Vietnamese messages).
 */
export class KysoHttpError extends Error {
  constructor(problem, status) {
    super(`${status} ${problem.code ?? 'error'}: ${problem.detail ?? ''}`);
    this.status = status;
    this.code = problem.code;
    this.detailVi = problem.detailVi;
    this.problem = problem;
  }
}

/**
 * What signing warned of (the service's Kyso-Warnings-Detail header: `[{ code, vi, en, detail }]`), empty when
 * nothing; the signature was made all the same.
 */
export function warningsOf(res) {
  const detail = res.headers.get('kyso-warnings-detail');
  return detail ? JSON.parse(decodeURIComponent(detail)) : [];
}

/** The signed PDF's bytes, with the warnings as a read-only `warnings` property (as @kyso/core's signPdf gives them). */
async function signedPdf(res) {
  const bytes = new Uint8Array(await res.arrayBuffer());
  return Object.defineProperty(bytes, 'warnings', { value: warningsOf(res), enumerable: false });
}

export class KysoClient {
  /** @param {{ url?: string, apiKey?: string }} options */
  constructor({ url = 'http://127.0.0.1:8080', apiKey } = {}) {
    this.url = url.replace(/\/$/, '');
    this.apiKey = apiKey;
  }

  async #call(path, init = {}) {
    const headers = { ...(init.headers ?? {}) };
    if (this.apiKey) headers.Authorization = `Bearer ${this.apiKey}`;
    const res = await fetch(this.url + path, { ...init, headers });
    if (!res.ok) {
      const type = res.headers.get('content-type') ?? '';
      throw new KysoHttpError(type.includes('json') ? await res.json() : { detail: await res.text() }, res.status);
    }
    return res;
  }

  #json(path, body) {
    return this.#call(path, {
      method: 'POST',
      headers: { 'Content-Type': 'application/json' },
      body: JSON.stringify(body),
    }).then((r) => r.json());
  }

  #pdf(path, pdf, headers = {}) {
    return this.#call(path, { method: 'POST', headers: { 'Content-Type': 'application/pdf', ...headers }, body: pdf });
  }

  /** The fee of a certification request (Circular 226/2016/TT-BTC). */
  quoteFee(request) {
    return this.#json('/v1/fees/quote', request);
  }

  /** Signs `pdf` (Uint8Array) with a key the service holds; returns the signed PDF (with its `warnings`). */
  async sign(pdf, { key, ...options }) {
    const query = new URLSearchParams({
      key,
      ...Object.fromEntries(Object.entries(options).map(([k, v]) => [k, String(v)])),
    });
    return signedPdf(await this.#pdf(`/v1/sign?${query}`, pdf));
  }

  /** The validation report of every signature in `pdf`. */
  async verify(pdf) {
    return (await this.#pdf('/v1/verify', pdf)).json();
  }

  /**
   * Two-step signing with a key the service never sees: `certificates` (DER, the signer's first) go to the
   * service, `signData(dataToSign, session)` returns the raw signature value made wherever the key lives.
   */
  async signTwoStep(pdf, { certificates, signData, options = {} }) {
    const query = new URLSearchParams(Object.fromEntries(Object.entries(options).map(([k, v]) => [k, String(v)])));
    const header = certificates.map((c) => Buffer.from(c).toString('base64')).join(',');
    const session = await (
      await this.#pdf(`/v1/signing-sessions?${query}`, pdf, { 'Kyso-Signer-Certificates': header })
    ).json();
    const signatureValue = await signData(Buffer.from(session.dataToSign, 'base64'), session);
    const res = await this.#call(session.complete, {
      method: 'POST',
      headers: { 'Content-Type': 'application/json' },
      body: JSON.stringify({ signatureValue: Buffer.from(signatureValue).toString('base64') }),
    });
    return signedPdf(res);
  }
}
