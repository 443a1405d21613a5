/**
 * When a timestamp still proves existence (EN 319 102-1 §5.6): while its TSA chain is valid, or — after that — when a
 * later document timestamp that itself proves existence was made before the chain ran out (archive timestamps
 * renewed in time). The rule on its own, with the facts written out.
 */
import { describe, expect, it } from 'vitest';
import { provesExistence } from '../src/validate/times.js';
import type { TimestampFacts } from '../src/validate/facts.js';

const ts = (time: string, validUntil: string | null, extra: Partial<TimestampFacts> = {}): TimestampFacts => ({
  kind: 'document-timestamp',
  time,
  intact: true,
  trusted: true,
  tsa: null,
  validUntil,
  provesExistence: false,
  problems: [],
  ...extra,
});

describe('provesExistence', () => {
  const at = new Date('2050-06-01T00:00:00Z');

  it('a timestamp whose TSA chain is still valid proves existence on its own', () => {
    expect(provesExistence(ts('2026-01-01T00:00:00Z', '2051-01-01T00:00:00Z'), at, [])).toBe(true);
  });

  it('after the chain ran out: only with a later proving timestamp made before it did', () => {
    const old = ts('2026-01-01T00:00:00Z', '2046-01-01T00:00:00Z');
    expect(provesExistence(old, at, [])).toBe(false);
    const renewedInTime = ts('2045-06-01T00:00:00Z', '2065-06-01T00:00:00Z', { provesExistence: true });
    expect(provesExistence(old, at, [renewedInTime])).toBe(true);
    const renewedTooLate = ts('2046-06-01T00:00:00Z', '2066-06-01T00:00:00Z', { provesExistence: true });
    expect(provesExistence(old, at, [renewedTooLate])).toBe(false);
    const renewedButItselfExpired = ts('2045-06-01T00:00:00Z', '2049-06-01T00:00:00Z', { provesExistence: false });
    expect(provesExistence(old, at, [renewedButItselfExpired])).toBe(false);
  });

  it('a timestamp that is not intact or not trusted proves nothing, whatever comes later', () => {
    const later = [ts('2027-01-01T00:00:00Z', '2070-01-01T00:00:00Z', { provesExistence: true })];
    expect(provesExistence(ts('2026-01-01T00:00:00Z', '2051-01-01T00:00:00Z', { intact: false }), at, later)).toBe(
      false,
    );
    expect(provesExistence(ts('2026-01-01T00:00:00Z', '2051-01-01T00:00:00Z', { trusted: false }), at, later)).toBe(
      false,
    );
  });
});
