/** Types of build-trust-data.mjs (a plain ESM script so that node runs it without a TypeScript step). */
export const VN_DIR: string;
export const OUTPUT: string;
export interface ManifestRow {
  file: string;
  role: 'root' | 'intermediate' | 'tsa';
  subject: string;
  issuer: string;
  subjectKeyId: string | null;
  authorityKeyId: string | null;
  sha256: string;
  notBefore: string;
  notAfter: string;
  corroborated: boolean;
  independentCopies: number;
  der: string;
}
export function readManifest(dir?: string): ManifestRow[];
export function buildTrustData(dir?: string): string;
