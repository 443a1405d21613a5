/** Visible signature appearances: embedded Vietnamese font, signature and seal images, signature information. */
export { AppearanceError, APPEARANCE_MESSAGES, type AppearanceErrorCode } from './errors.js';
export { embedFont, loadFont, normalizeText, fontFileUrl, type EmbeddedFont, type FontFace } from './font.js';
export {
  embedImage,
  prepareImage,
  imageFormat,
  IMAGE_LIMITS,
  type EmbeddedImage,
  type ImageFormat,
  type PreparedImage,
} from './image.js';
export { fitText, wrapLine, type FittedText, type FontMetrics } from './text-fit.js';
export { layoutAppearance, type AppearanceLayout, type LayoutInput, type PlacedLine, type Rect } from './layout.js';
export {
  composeSignatureLines,
  formatVietnamTime,
  formatVietnamDisplayTime,
  type AppearanceLanguage,
  type SignatureFields,
} from './signature-lines.js';
export {
  buildSignatureAppearance,
  createSignatureAppearance,
  signatureAppearance,
  DEFAULT_FONT_SIZE,
  type AppearanceContent,
  type AppearanceSize,
  type SignatureAppearance,
  type SignatureAppearanceSpec,
} from './signature-appearance.js';
