/** AlgorithmIdentifiers for the digest and signature algorithms kyso signs with. */
import type { HashAlgorithm, SignerAlgorithm } from '../signing/signer.js';
import { explicit, integer, nullDer, oid, seq, type Der } from './der.js';
import { OID } from './oids.js';

export const HASH_OID: Record<HashAlgorithm, string> = {
  'SHA-256': OID.sha256,
  'SHA-384': OID.sha384,
  'SHA-512': OID.sha512,
};

/** Digest AlgorithmIdentifier, parameters absent (RFC 5754). */
export const digestAlgorithm = (hash: HashAlgorithm): Der => seq(oid(HASH_OID[hash]));

export function signatureAlgorithm(alg: SignerAlgorithm): Der {
  const s = alg.scheme;
  switch (s.kind) {
    case 'rsa-pkcs1': {
      const o = { 'SHA-256': OID.sha256WithRSA, 'SHA-384': OID.sha384WithRSA, 'SHA-512': OID.sha512WithRSA }[alg.hash];
      return seq(oid(o), nullDer());
    }
    case 'rsa-pss':
      return seq(oid(OID.rsassaPss), pssParams(alg.hash, s.saltLength));
    case 'ecdsa': {
      const o = { 'SHA-256': OID.ecdsaWithSHA256, 'SHA-384': OID.ecdsaWithSHA384, 'SHA-512': OID.ecdsaWithSHA512 }[
        alg.hash
      ];
      return seq(oid(o));
    }
  }
}

/** RSASSA-PSS-params (RFC 4055): the hash and MGF1 hash must be stated, as the defaults are SHA-1. */
export function pssParams(hash: HashAlgorithm, saltLength: number): Der {
  const h = seq(oid(HASH_OID[hash]), nullDer());
  return seq(explicit(0, h), explicit(1, seq(oid(OID.mgf1), h)), explicit(2, integer(saltLength)));
}
