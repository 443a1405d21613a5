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

/**
 * A body read chunk by chunk: what a ReadableStream's reader does, and all kyso's clients need of one. kyso's Node
 * transport reads Node's own stream through it, without the WHATWG streams (their first use in a process loads
 * Node's web-stream modules: about 2 ms of a one-file `kyso verify --online`).
 */
export interface BodyReader {
  read(): Promise<{ done: true; value?: Uint8Array } | { done: false; value: Uint8Array }>;
  cancel(reason?: unknown): Promise<void>;
}

/** A body given to a LightResponse: a stream, a reader of chunks, bytes, or nothing. */
export type LightBody = ReadableStream<Uint8Array> | BodyReader | Uint8Array | null;

function isStream(body: LightBody): body is ReadableStream<Uint8Array> {
  return typeof (body as ReadableStream<Uint8Array> | null)?.getReader === 'function';
}

/** A reader giving `bytes` once. */
function bytesReader(bytes: Uint8Array): BodyReader {
  let left: Uint8Array | null = bytes;
  return {
    async read() {
      const value = left;
      left = null;
      return value === null || value.length === 0 ? { done: true } : { done: false, value };
    },
    async cancel() {
      left = null;
    },
  };
}

const asReader = (body: BodyReader | Uint8Array): BodyReader => (body instanceof Uint8Array ? bytesReader(body) : body);

/** A stream over a reader (only when a caller asks for `body`: kyso's own clients read through readerOf). */
function streamOf(reader: BodyReader): ReadableStream<Uint8Array> {
  return new ReadableStream<Uint8Array>({
    async pull(controller) {
      const { done, value } = await reader.read();
      if (done) controller.close();
      else controller.enqueue(value);
    },
    cancel: (reason) => reader.cancel(reason),
  });
}

/** An answer whose body is a stream or a reader (read once), bytes, or nothing. */
export class LightResponse implements HttpResponse {
  readonly status: number;
  readonly statusText: string;
  readonly ok: boolean;
  readonly type = 'basic';
  readonly headers: ResponseHeaders;
  private held: LightBody;
  private stream: ReadableStream<Uint8Array> | null = null;
  private taken = false;

  constructor(body: LightBody, init: LightResponseInit) {
    this.status = init.status;
    this.statusText = init.statusText ?? '';
    this.ok = init.status >= 200 && init.status <= 299;
    this.headers = init.headers ?? new LightHeaders();
    this.held = body;
  }

  /** The body as a WHATWG stream, made on first use (kyso's own clients never ask: they use reader()). */
  get body(): ReadableStream<Uint8Array> | null {
    if (this.stream === null && this.held !== null) {
      const held = this.held;
      this.held = null;
      this.stream = isStream(held) ? held : streamOf(asReader(held));
    }
    return this.stream;
  }

  /** The body's reader, once (a second call throws, as a locked stream's getReader does); null for no body. */
  reader(): BodyReader | null {
    if (this.taken) throw new TypeError('the body of this answer was read already');
    if (this.stream) return this.stream.getReader(); // throws when the stream is locked
    const held = this.held;
    this.taken = true;
    this.held = null;
    if (held === null) return null;
    return isStream(held) ? held.getReader() : asReader(held);
  }

  async arrayBuffer(): Promise<ArrayBuffer> {
    const reader = this.reader();
    if (!reader) return new ArrayBuffer(0);
    return (await readAll(reader, Number.POSITIVE_INFINITY)).buffer as ArrayBuffer;
  }

  async text(): Promise<string> {
    return new TextDecoder().decode(await this.arrayBuffer());
  }
}

/** Reads a body to its end into new bytes of its own; past `maxBytes` the rest is cancelled and `over()` thrown. */
export async function readAll(
  reader: BodyReader,
  maxBytes: number,
  over: () => Error = () => new RangeError(`a body over ${maxBytes} bytes`),
): Promise<Uint8Array> {
  const chunks: Uint8Array[] = [];
  let total = 0;
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    total += value.length;
    if (total > maxBytes) {
      await reader.cancel().catch(() => {});
      throw over();
    }
    chunks.push(value);
  }
  const out = new Uint8Array(total);
  let at = 0;
  for (const c of chunks) {
    out.set(c, at);
    at += c.length;
  }
  return out;
}

/** The reader of any answer's body: a LightResponse's own (no web stream made), else its stream's. */
export function readerOf(response: HttpResponse): BodyReader | null {
  return response instanceof LightResponse ? response.reader() : (response.body?.getReader() ?? null);
}

/** Drops an answer's body unread (the connection is let go). Never throws. */
export async function dropBody(response: HttpResponse): Promise<void> {
  try {
    await readerOf(response)?.cancel();
  } catch {
    /* already read or locked: nothing to drop */
  }
}
