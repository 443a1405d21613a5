/**
 * Two-step signing sessions in the database: the prepared state (plain JSON, no key material) and the input PDF,
 * stored in 1 MiB chunks so that neither storing nor finishing needs the whole document in one buffer.
 */
import { randomBytes } from 'node:crypto';
import type { ByteSource } from '../io/byte-source.js';
import type { SigningState } from '@kyso/core';
import type { Db } from '../db/database.js';

const CHUNK = 1 << 20;

export interface SessionRecord {
  id: string;
  unit: string;
  apiKeyId: string;
  state: SigningState;
  inputLength: number;
  createdAt: number;
  expiresAt: number;
}

interface Row {
  id: string;
  unit: string;
  api_key_id: string;
  state: string;
  input_length: number;
  created_at: number;
  expires_at: number;
}

export class SessionStore {
  constructor(private readonly db: Db, private readonly now: () => number = Date.now) {}

  /** Stores a prepared session with its input; returns the new session's id. */
  create(args: { unit: string; apiKeyId: string; state: SigningState; ttlMs: number; input: ByteSource }): SessionRecord {
    const id = randomBytes(18).toString('base64url');
    const createdAt = this.now();
    const rec: SessionRecord = { id, unit: args.unit, apiKeyId: args.apiKeyId, state: args.state, inputLength: args.input.length, createdAt, expiresAt: createdAt + args.ttlMs };
    const insertSession = this.db.prepare(
      'INSERT INTO signing_sessions (id, unit, api_key_id, state, input_length, created_at, expires_at) VALUES (?, ?, ?, ?, ?, ?, ?)',
    );
    const insertChunk = this.db.prepare('INSERT INTO signing_session_chunks (session_id, seq, data) VALUES (?, ?, ?)');
    this.db.transaction(() => {
      insertSession.run(id, rec.unit, rec.apiKeyId, JSON.stringify(rec.state), rec.inputLength, rec.createdAt, rec.expiresAt);
      for (let seq = 0, at = 0; at < args.input.length; seq++, at += CHUNK) {
        insertChunk.run(id, seq, args.input.read(at, Math.min(args.input.length, at + CHUNK)));
      }
    })();
    return rec;
  }

  get(id: string): SessionRecord | undefined {
    const row = this.db.prepare('SELECT * FROM signing_sessions WHERE id = ?').get(id) as Row | undefined;
    if (!row) return undefined;
    return {
      id: row.id,
      unit: row.unit,
      apiKeyId: row.api_key_id,
      state: JSON.parse(row.state) as SigningState,
      inputLength: row.input_length,
      createdAt: row.created_at,
      expiresAt: row.expires_at,
    };
  }

  /** The stored input PDF, read on demand. */
  input(rec: SessionRecord): ByteSource {
    return new ChunkSource(this.db, rec.id, rec.inputLength);
  }

  /** Removes a session; false when it was already gone (completed by someone else meanwhile). */
  delete(id: string): boolean {
    return this.db.prepare('DELETE FROM signing_sessions WHERE id = ?').run(id).changes === 1;
  }

  /**
   * Removes sessions expired for longer than `graceMs`. Recently expired ones are kept a while so that a late
   * client hears "expired" rather than "not found".
   */
  purgeExpired(graceMs: number): number {
    return this.db.prepare('DELETE FROM signing_sessions WHERE expires_at < ?').run(this.now() - graceMs).changes;
  }
}

/** A ByteSource over a session's chunks; keeps the last chunk read, since readers move forward in small steps. */
class ChunkSource implements ByteSource {
  private cachedSeq = -1;
  private cached: Uint8Array = new Uint8Array(0);
  private readonly select;

  constructor(db: Db, private readonly id: string, readonly length: number) {
    this.select = db.prepare('SELECT data FROM signing_session_chunks WHERE session_id = ? AND seq = ?').pluck();
  }

  read(start: number, end: number): Uint8Array {
    start = Math.max(0, start);
    end = Math.min(this.length, end);
    if (end <= start) return new Uint8Array(0);
    const first = Math.floor(start / CHUNK);
    const last = Math.floor((end - 1) / CHUNK);
    if (first === last) return this.chunk(first).subarray(start - first * CHUNK, end - first * CHUNK);
    const out = new Uint8Array(end - start);
    for (let seq = first; seq <= last; seq++) {
      const c = this.chunk(seq);
      const from = Math.max(start, seq * CHUNK);
      const to = Math.min(end, (seq + 1) * CHUNK);
      out.set(c.subarray(from - seq * CHUNK, to - seq * CHUNK), from - start);
    }
    return out;
  }

  private chunk(seq: number): Uint8Array {
    if (seq !== this.cachedSeq) {
      const data = this.select.get(this.id, seq) as Buffer | undefined;
      if (!data) throw new Error(`signing session ${this.id} lost chunk ${seq}`);
      this.cached = new Uint8Array(data.buffer, data.byteOffset, data.byteLength);
      this.cachedSeq = seq;
    }
    return this.cached;
  }
}
