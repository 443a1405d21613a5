import type { KysoError } from '@kyso/pdf';

/**
 * A typed error, known by its shape: the bundled command (scripts/bundle.mjs) carries its own copy of @kyso/pdf for
 * the verifier, while @kyso/core throws with the installed one, so `instanceof` would miss half of them. (Subclasses rename themselves: PdfError, SignError, …)
 */
export function isKysoError(e: unknown): e is KysoError {
  const k = e as Partial<KysoError> | null;
  return (
    e instanceof Error &&
    typeof k?.code === 'string' &&
    typeof k.messageVi === 'string' &&
    typeof k.messageEn === 'string'
  );
}
