/**
 * LightResponse's body, whatever it was given (bytes, a reader of chunks, a web stream): read once through reader(),
 * or as a web stream through body, never both; readCapped and the guarded fetch's byte budget over a reader, without
 * a web stream made.
 */
import { describe, expect, it } from 'vitest';
import {
  dropBody,
  FetchGate,
  guardedFetch,
  httpExchange,
  LightResponse,
  readCapped,
  readerOf,
  type BodyReader,
  type FetchTransport,
} from '@kyso/verify';

/** A reader over `chunks` that records whether it was cancelled and how many reads were made. */
function chunkReader(chunks: Uint8Array[]): BodyReader & { cancelled: boolean; reads: number } {
  let i = 0;
  const r = {
    cancelled: false,
    reads: 0,
    async read() {
      r.reads++;
      if (r.cancelled || i >= chunks.length) return { done: true as const };
      return { done: false as const, value: chunks[i++]! };
    },
    async cancel() {
      r.cancelled = true;
    },
  };
  return r;
}

const bytes = (n: number, fill = 7) => new Uint8Array(n).fill(fill);

async function streamText(stream: ReadableStream<Uint8Array> | null): Promise<string> {
  return stream ? new Response(stream).text() : '';
}

describe('LightResponse', () => {
  it('reads a reader, bytes and a stream to the same bytes, through reader(), arrayBuffer() and body', async () => {
    const parts = () => [new TextEncoder().encode('ab'), new TextEncoder().encode('cd')];
    const stream = () =>
      new ReadableStream<Uint8Array>({
        start(c) {
          for (const p of parts()) c.enqueue(p);
          c.close();
        },
      });
    for (const make of [() => chunkReader(parts()), () => new TextEncoder().encode('abcd'), stream]) {
      expect(await new LightResponse(make(), { status: 200 }).text()).toBe('abcd');
      expect(await streamText(new LightResponse(make(), { status: 200 }).body)).toBe('abcd');
      expect(await readCapped(new LightResponse(make(), { status: 200 }), 4, () => new Error('over'))).toEqual(
        new TextEncoder().encode('abcd'),
      );
    }
  });

  it('gives its body once: a second reader, or a reader after arrayBuffer(), is refused', async () => {
    const r = new LightResponse(chunkReader([bytes(3)]), { status: 200 });
    expect(readerOf(r)).not.toBeNull();
    expect(() => r.reader()).toThrow(TypeError);
    const s = new LightResponse(bytes(2), { status: 200 });
    expect(new Uint8Array(await s.arrayBuffer())).toEqual(bytes(2));
    await expect(s.arrayBuffer()).rejects.toThrow(TypeError);
  });

  it('a body taken as a stream is the one stream: its reader comes from it, and a locked stream refuses another', async () => {
    const r = new LightResponse(chunkReader([bytes(1)]), { status: 200 });
    const stream = r.body!;
    expect(r.body).toBe(stream);
    const reader = stream.getReader();
    expect(() => r.reader()).toThrow(TypeError);
    expect((await reader.read()).value).toEqual(bytes(1));
  });

  it('no body: null reader and stream, an empty arrayBuffer', async () => {
    const r = new LightResponse(null, { status: 204 });
    expect(r.body).toBeNull();
    expect(new LightResponse(null, { status: 204 }).reader()).toBeNull();
    expect((await new LightResponse(null, { status: 200 }).arrayBuffer()).byteLength).toBe(0);
  });

  it('readCapped stops reading past the cap and cancels the rest; dropBody cancels without reading', async () => {
    const source = chunkReader(Array.from({ length: 100 }, () => bytes(1000)));
    await expect(readCapped(new LightResponse(source, { status: 200 }), 2500, () => new Error('over'))).rejects.toThrow(
      'over',
    );
    expect(source.cancelled).toBe(true);
    expect(source.reads).toBe(3);
    const dropped = chunkReader([bytes(10)]);
    await dropBody(new LightResponse(dropped, { status: 200 }));
    expect(dropped).toMatchObject({ cancelled: true, reads: 0 });
  });

  it('a reader that fails mid-body rejects the read with its error', async () => {
    let n = 0;
    const failing: BodyReader = {
      async read() {
        if (n++ === 0) return { done: false, value: bytes(4) };
        throw new Error('socket hang up');
      },
      async cancel() {},
    };
    await expect(new LightResponse(failing, { status: 200 }).arrayBuffer()).rejects.toThrow('socket hang up');
  });
});

describe('the guarded fetch over a transport whose answers are readers', () => {
  const readerTransport =
    (size: number, chunk = 100, record?: Array<BodyReader & { cancelled: boolean }>): FetchTransport =>
    async () => {
      const r = chunkReader(Array.from({ length: Math.ceil(size / chunk) }, () => bytes(chunk)));
      record?.push(r);
      return new LightResponse(r, { status: 200 });
    };

  it('counts the bytes as they are read: over the budget the read fails with the refusal, the source is cancelled', async () => {
    const sources: Array<BodyReader & { cancelled: boolean }> = [];
    const f = guardedFetch({ transport: readerTransport(5000, 100, sources), policy: { budget: { maxBytes: 1000 } } });
    const r = await httpExchange('http://ca.example/big', {}, { timeoutMs: 5000, maxBytes: 100_000, fetch: f });
    expect(r).toMatchObject({ ok: false, failure: 'refused', code: 'FETCH_BUDGET_EXCEEDED' });
    expect(sources[0]!.cancelled).toBe(true);
    expect(f.stats().bytes).toBeGreaterThan(1000);
    expect(f.stats().bytes).toBeLessThanOrEqual(1100);
  });

  it('frees the host slot when the body is read to its end or dropped, so the next request to the host goes', async () => {
    const gate = new FetchGate(1);
    const f = guardedFetch({ transport: readerTransport(300), gate });
    const first = await f('http://ca.example/1');
    expect((await first.arrayBuffer()).byteLength).toBe(300);
    const second = await f('http://ca.example/2');
    await dropBody(second);
    const third = await f('http://ca.example/3');
    expect(new Uint8Array(await third.arrayBuffer())).toEqual(bytes(300));
    expect(f.stats().requests).toBe(3);
  });

  it("a guarded answer's body can still be taken as a web stream (a caller outside kyso)", async () => {
    const f = guardedFetch({ transport: readerTransport(250, 50) });
    const r = await f('http://ca.example/s');
    expect((await streamText(r.body)).length).toBe(250);
  });
});

describe('LightResponse bytes are its own', () => {
  it('arrayBuffer() of a bytes body is a copy: writing to it leaves the bytes given as they were', async () => {
    const given = bytes(4, 9);
    const out = new Uint8Array(await new LightResponse(given, { status: 200 }).arrayBuffer());
    out[0] = 1;
    expect(given).toEqual(bytes(4, 9));
  });
});
