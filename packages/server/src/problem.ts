/** RFC 9457 problem details for kyso's typed errors: what every error response of the service looks like. */
import type { KysoError } from '@kyso/core';

export interface ProblemDetails {
  type: string;
  title: string;
  status: number;
  detail: string;
  code: string;
  /** The same message in Vietnamese. */
  detailVi: string;
  instance?: string;
}

/** Builds the problem body for `error` answered with HTTP `status`. */
export function problemDetails(error: KysoError, status: number, instance?: string): ProblemDetails {
  return {
    type: `urn:kyso:error:${error.code}`,
    title: error.code,
    status,
    detail: error.messageEn,
    code: error.code,
    detailVi: error.messageVi,
    ...(instance ? { instance } : {}),
  };
}
