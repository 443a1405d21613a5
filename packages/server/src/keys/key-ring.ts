/**
 * The signing keys the service holds, by alias: PKCS#12 files (opened once at start; the password is read from
 * the environment or a file and dropped), PKCS#11 tokens, and "external" certificates whose key lives elsewhere
 * (usable only through two-step signing). Nothing here is ever logged but aliases and certificate subjects.
 */
import { readFileSync } from 'node:fs';
import {
  openPkcs11Signer,
  parseCertificate,
  Pkcs12Signer,
  type CertificateInfo,
  type Signer,
  type SignerIdentity,
} from '@kyso/core';
import { configError, readSecret } from '../config/load.js';
import type { KeyConfig } from '../config/schema.js';
import { algorithmForCertificate, readCertificates } from './certificates.js';

export interface KeyEntry {
  alias: string;
  type: KeyConfig['type'];
  identity: SignerIdentity;
  /** Absent for external keys: the service cannot sign with them itself. */
  signer?: Signer;
  certificate: CertificateInfo;
}

export class KeyRing {
  private constructor(
    private readonly entries: Map<string, KeyEntry>,
    private readonly closers: (() => Promise<void>)[],
  ) {}

  static async open(keys: Record<string, KeyConfig>, env: Record<string, string | undefined>): Promise<KeyRing> {
    const entries = new Map<string, KeyEntry>();
    const closers: (() => Promise<void>)[] = [];
    try {
      for (const [alias, cfg] of Object.entries(keys)) {
        const entry = await openKey(alias, cfg, env);
        entries.set(alias, entry);
        const s = entry.signer as { close?: () => Promise<void> | void } | undefined;
        if (s?.close) closers.push(async () => void (await s.close!()));
      }
    } catch (e) {
      await Promise.allSettled(closers.map((c) => c()));
      throw e;
    }
    return new KeyRing(entries, closers);
  }

  get(alias: string): KeyEntry | undefined {
    return this.entries.get(alias);
  }

  aliases(): string[] {
    return [...this.entries.keys()];
  }

  get size(): number {
    return this.entries.size;
  }

  async close(): Promise<void> {
    await Promise.allSettled(this.closers.map((c) => c()));
  }
}

async function openKey(alias: string, cfg: KeyConfig, env: Record<string, string | undefined>): Promise<KeyEntry> {
  const what = `key "${alias}"`;
  if (cfg.type === 'pkcs12') {
    let p12: Buffer;
    try {
      p12 = readFileSync(cfg.file);
    } catch (e) {
      throw configError(`${what}: cannot read ${cfg.file} (${(e as NodeJS.ErrnoException).code ?? 'error'})`);
    }
    // The signature is made in libuv's thread pool: the request thread only hands the data over.
    const signer = Pkcs12Signer.open(p12, readSecret(cfg.password, env, what), {
      hash: cfg.hash,
      rsaScheme: cfg.rsaScheme,
      offThread: true,
    });
    return { alias, type: cfg.type, identity: signer, signer, certificate: signer.info };
  }
  if (cfg.type === 'pkcs11') {
    const certificate = cfg.certificateFile ? readCertificates(cfg.certificateFile)[0] : undefined;
    const chain = (cfg.chainFiles ?? []).flatMap(readCertificates);
    const signer = await openPkcs11Signer({
      library: cfg.library,
      slot: cfg.slot,
      tokenLabel: cfg.tokenLabel,
      pin: readSecret(cfg.pin, env, what),
      key: { label: cfg.keyLabel, id: cfg.keyId, certificate },
      chain,
      hash: cfg.hash,
      scheme: cfg.rsaScheme,
    });
    return { alias, type: cfg.type, identity: signer, signer, certificate: parseCertificate(signer.certificate) };
  }
  const [leaf, ...rest] = readCertificates(cfg.certificateFile);
  if (!leaf) throw configError(`${what}: ${cfg.certificateFile} holds no certificate`);
  const chain = cfg.chainFiles.flatMap(readCertificates);
  const identity: SignerIdentity = {
    certificate: leaf,
    chain: [...rest, ...chain],
    algorithm: algorithmForCertificate(leaf, cfg.hash),
  };
  return { alias, type: cfg.type, identity, certificate: parseCertificate(leaf) };
}
