/**
 * kyso's signer as a `Signer` for @signpdf/signpdf, for users who come from there. @signpdf hands over the bytes
 * its ByteRange covers and wants a CMS back; kyso builds the same PAdES CMS it embeds itself. The base class is
 * passed in (`Signer` from @signpdf/utils) so @kyso/core does not depend on @signpdf.
 */
import { createHash } from 'node:crypto';
import { parseCertificate } from '../../cms/certificate.js';
import { signedAttributes } from '../../cms/signed-attributes.js';
import { signedData } from '../../cms/signed-data.js';
import { NODE_HASH, type Signer } from '../signer.js';

type SignpdfSignerBase = abstract new () => { sign(pdf: Buffer, signingTime?: Date): Promise<Buffer> };
type Concrete = new () => { sign(pdf: Buffer, signingTime?: Date): Promise<Buffer> };

export function toSignpdfSigner<B extends SignpdfSignerBase>(signer: Signer, Base: B): InstanceType<B> {
  const cert = parseCertificate(signer.certificate);
  // @signpdf's Signer is abstract only in its typings; it is subclassed here as a mixin
  class KysoSignpdfSigner extends (Base as unknown as Concrete) {
    override async sign(pdf: Buffer): Promise<Buffer> {
      const digest = new Uint8Array(createHash(NODE_HASH[signer.algorithm.hash]).update(pdf).digest());
      const attrs = signedAttributes({ digest, certificate: cert, hash: signer.algorithm.hash });
      const signatureValue = await signer.sign(attrs);
      const cms = signedData({
        algorithm: signer.algorithm,
        certificate: cert,
        certificates: [signer.certificate, ...signer.chain],
        signedAttributes: attrs,
        signatureValue,
      });
      return Buffer.from(cms);
    }
  }
  return new KysoSignpdfSigner() as InstanceType<B>;
}
