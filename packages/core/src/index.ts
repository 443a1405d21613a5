/**
 * @kyso/core — signing and e-copy certification for kyso. Today it holds the Node file access the signer will
 * stream through; PAdES signing and certification arrive with their issues (see the README's status table).
 */
export { KysoError, PdfError } from '@kyso/pdf';
export { FileSource } from './io/file-source.js';
