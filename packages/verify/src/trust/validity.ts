/**
 * Validity periods as facts, evaluated at whatever times the caller needs (the validation time, the best signature
 * time from a trusted timestamp, …): a leaf expired now but valid at its timestamp reads EXPIRED at the one and
 * VALID at the other, while one never valid reads EXPIRED or NOT_YET_VALID at both.
 *
 * Models (ETSI EN 319 102-1 §5.2.6): "shell" (RFC 5280, the default) wants every certificate valid at the time;
 * "chain" wants the leaf valid at the time and each CA valid when it issued the certificate below it (its
 * notBefore). `scope: 'leaf'` looks at the leaf alone, as past-signature validation compares the best signature
 * time with the signing certificate's own period.
 */
import type * as pkijs from 'pkijs';

export interface ValidityPeriod {
  notBefore: Date;
  notAfter: Date;
}

/** One certificate outside its validity period at the time asked. */
export interface ValidityFailure {
  status: 'EXPIRED' | 'NOT_YET_VALID';
  /** Position in the chain (0 = leaf). */
  index: number;
  certificate: pkijs.Certificate;
  notBefore: Date;
  notAfter: Date;
}

export type ValidityAt =
  | { status: 'VALID'; at: Date }
  | (ValidityFailure & {
      at: Date /** Every certificate outside its period, leaf first. */;
      failures: ValidityFailure[];
    });

export interface ValidAtOptions {
  /** Also require the anchor to be within its validity period (default true). */
  includeAnchor?: boolean;
  /** 'path' (default): every certificate; 'leaf': the leaf alone. */
  scope?: 'path' | 'leaf';
  /** 'shell' (default): all at `time`; 'chain': the leaf at `time`, each CA at the notBefore of the one it issued. */
  model?: 'shell' | 'chain';
}

/** The facts validAt reads (PathFacts has them). */
export interface ValidityInput {
  chain: readonly pkijs.Certificate[];
  anchor?: pkijs.Certificate;
}

export function validityOf(cert: pkijs.Certificate): ValidityPeriod {
  return { notBefore: cert.notBefore.value, notAfter: cert.notAfter.value };
}

/** Whether the chain's certificates are within their validity periods at `time` (bounds inclusive, RFC 5280). */
export function validAt(facts: ValidityInput, time: Date, options: ValidAtOptions = {}): ValidityAt {
  const failures: ValidityFailure[] = [];
  facts.chain.forEach((certificate, index) => {
    if (options.scope === 'leaf' && index > 0) return;
    if (options.includeAnchor === false && facts.anchor && certificate === facts.anchor && index > 0) return;
    const below = options.model === 'chain' ? facts.chain[index - 1] : undefined;
    const t = below ? below.notBefore.value.getTime() : time.getTime();
    const { notBefore, notAfter } = validityOf(certificate);
    if (t < notBefore.getTime()) failures.push({ status: 'NOT_YET_VALID', index, certificate, notBefore, notAfter });
    else if (t > notAfter.getTime()) failures.push({ status: 'EXPIRED', index, certificate, notBefore, notAfter });
  });
  const [first] = failures;
  if (!first) return { status: 'VALID', at: time };
  return { ...first, at: time, failures };
}

/**
 * When the whole chain is valid at once: the latest notBefore to the earliest notAfter; `empty` when the periods
 * never overlap (no time at which the chain was valid).
 */
export function validityWindow(
  facts: ValidityInput,
  options: ValidAtOptions = {},
): ValidityPeriod & { empty: boolean } {
  let from = -Infinity;
  let to = Infinity;
  facts.chain.forEach((cert, index) => {
    if (options.includeAnchor === false && facts.anchor && cert === facts.anchor && index > 0) return;
    from = Math.max(from, cert.notBefore.value.getTime());
    to = Math.min(to, cert.notAfter.value.getTime());
  });
  return { notBefore: new Date(from), notAfter: new Date(to), empty: from > to };
}
