import { describe, expect, it } from 'vitest';
import { PdfError } from '@kyso/core';
import { problemDetails } from '@kyso/server';

describe('problem details (RFC 9457)', () => {
  it('carries the typed error code and both languages, and nothing else of the error', () => {
    const p = problemDetails(new PdfError('PDF_NOT_PDF', { offset: 0 }), 422, '/v1/verify');
    expect(p).toEqual({
      type: 'urn:kyso:error:PDF_NOT_PDF',
      title: 'PDF_NOT_PDF',
      status: 422,
      code: 'PDF_NOT_PDF',
      detail: 'The input is not a PDF (no %PDF- header).',
      detailVi: 'Tệp không phải là PDF (không có tiêu đề %PDF-).',
      instance: '/v1/verify',
    });
  });
});
