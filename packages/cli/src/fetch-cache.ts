/**
 * GET responses kept for one run of `kyso verify --online`: a batch asks the same CRLs and CA certificates (AIA) for
 * every file it checks, and the answer does not change within a run (a CRL's own thisUpdate/nextUpdate still decide
 * whether it is current). Only 2xx GET answers are kept; OCSP (POST, with a nonce) is not kept here but by the
 * batch's OcspCache (@kyso/verify), which checks a kept answer again for each file. Each file's guarded fetch,
 * with its budget, makes the requests that do go out.
 */
import { LightHeaders, LightResponse, type FetchLike } from '@kyso/verify';

interface Kept {
  status: number;
  statusText: string;
  headers: [string, string][];
  body: Uint8Array;
}

/** At most this many answers (CRLs of a few issuers and their CA certificates), the oldest dropped first. */
const MAX_ENTRIES = 64;

export function runFetchCache(): (fetch: FetchLike) => FetchLike {
  const kept = new Map<string, Kept>();
  return (fetch) => async (input, init) => {
    const method = (init?.method ?? 'GET').toUpperCase();
    if (method !== 'GET') return fetch(input, init);
    let k = kept.get(input);
    if (!k) {
      const response = await fetch(input, init);
      if (!response.ok) return response;
      const headers: [string, string][] = [];
      response.headers.forEach((value, name) => headers.push([name, value]));
      k = {
        status: response.status,
        statusText: response.statusText,
        headers,
        body: new Uint8Array(await response.arrayBuffer()),
      };
      if (kept.size >= MAX_ENTRIES) kept.delete(kept.keys().next().value!);
      kept.set(input, k);
    }
    // a LightResponse, not a Response: no undici for the run (@kyso/verify's net/response.ts)
    return new LightResponse(k.body.slice(), {
      status: k.status,
      statusText: k.statusText,
      headers: new LightHeaders(k.headers),
    });
  };
}
