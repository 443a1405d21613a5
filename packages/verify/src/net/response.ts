/**
 * What kyso's network clients read of an HTTP answer (HttpResponse), and a light answer of that shape for kyso's own
 * transports. A WHATWG Response has all of HttpResponse, so any fetch can be given; kyso's Node transport and the
 * guarded fetch make LightResponses instead: Node's Response and Headers are undici's, and the first one made in a
 * process loads all of undici (about 16 ms and 9 MB on the bench machine), which `kyso verify --online` paid in full
 * for its one OCSP request.
 */

/** The headers of an answer, by name (any case); repeated headers joined with ", " as the Fetch standard does. */
export interface ResponseHeaders {
  get(name: string): string | null;
  forEach(callback: (value: string, name: string) => void): void;
}

/** The part of a WHATWG Response that kyso reads. */
export interface HttpResponse {
  readonly status: number;
  readonly statusText: string;
  readonly ok: boolean;
  /** 'opaqueredirect' for a browser's manual redirect (its target hidden); anything else is a plain answer. */
  readonly type?: string;
  readonly headers: ResponseHeaders;
  readonly body: ReadableStream<Uint8Array> | null;
  arrayBuffer(): Promise<ArrayBuffer>;
  text(): Promise<string>;
}

export class LightHeaders implements ResponseHeaders {
  private readonly values = new Map<string, string>();

  constructor(entries: Iterable<readonly [string, string]> = []) {
    for (const [name, value] of entries) this.append(name, value);
  }

  append(name: string, value: string): void {
    const key = name.toLowerCase();
    const had = this.values.get(key);
    this.values.set(key, had === undefined ? value : `${had}, ${value}`);
  }

  get(name: string): string | null {
    return this.values.get(name.toLowerCase()) ?? null;
  }

  forEach(callback: (value: string, name: string) => void): void {
    for (const [name, value] of this.values) callback(value, name);
  }
}

/** A request's headers (a Headers, pairs or a record) as pairs, names in lower case; no Headers made. */
export function headerPairs(init: HeadersInit | undefined): [string, string][] {
  if (!init) return [];
  const pairs: [string, string][] = [];
  if (Array.isArray(init)) for (const [name, value] of init) pairs.push([name!, value!]);
  else if (typeof (init as Headers).forEach === 'function') (init as Headers).forEach((v, k) => pairs.push([k, v]));
  else for (const [name, value] of Object.entries(init as Record<string, string>)) pairs.push([name, value]);
  return pairs.map(([name, value]) => [name.toLowerCase(), value]);
}

export interface LightResponseInit {
  status: number;
  statusText?: string;
  headers?: ResponseHeaders;
}

/** An answer whose body is a stream (read once), bytes, or nothing. */
export class LightResponse implements HttpResponse {
  readonly status: number;
  readonly statusText: string;
  readonly ok: boolean;
  readonly type = 'basic';
  readonly headers: ResponseHeaders;
  private stream: ReadableStream<Uint8Array> | null;
  private bytes: Uint8Array | null;
  private used = false;

  constructor(body: ReadableStream<Uint8Array> | Uint8Array | null, init: LightResponseInit) {
    this.status = init.status;
    this.statusText = init.statusText ?? '';
    this.ok = init.status >= 200 && init.status <= 299;
    this.headers = init.headers ?? new LightHeaders();
    this.stream = body instanceof Uint8Array ? null : body;
    this.bytes = body instanceof Uint8Array ? body : null;
  }

  get body(): ReadableStream<Uint8Array> | null {
    if (this.bytes) {
      const bytes = this.bytes;
      this.bytes = null;
      this.stream = new ReadableStream<Uint8Array>({
        start(controller) {
          controller.enqueue(bytes);
          controller.close();
        },
      });
    }
    return this.stream;
  }

  async arrayBuffer(): Promise<ArrayBuffer> {
    if (this.used) throw new TypeError('the body of this answer was read already');
    this.used = true;
    if (this.bytes) {
      const bytes = this.bytes;
      this.bytes = null;
      this.stream = null;
      return bytes.slice().buffer as ArrayBuffer;
    }
    if (!this.stream) return new ArrayBuffer(0);
    const reader = this.stream.getReader(); // throws when the stream was taken (body) and is being read
    const chunks: Uint8Array[] = [];
    let total = 0;
    for (;;) {
      const { done, value } = await reader.read();
      if (done) break;
      chunks.push(value);
      total += value.length;
    }
    const out = new Uint8Array(total);
    let at = 0;
    for (const c of chunks) {
      out.set(c, at);
      at += c.length;
    }
    return out.buffer;
  }

  async text(): Promise<string> {
    return new TextDecoder().decode(await this.arrayBuffer());
  }
}
