// One file-to-file signing in a fresh process, so wall time and peak RSS belong to it alone. The time covers
// opening the key and signing (modules are loaded first, for both tools).
// usage: node child-sign.mjs kyso|signpdf|idle IN OUT  → prints {"ms":…, "maxRssMB":…}
import { readFileSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { fileURLToPath } from 'node:url';

const [tool, input, output] = process.argv.slice(2);
const root = fileURLToPath(new URL('..', import.meta.url));
const p12 = readFileSync(`${root}test-certs/signer.p12`);
let ms = 0;
if (tool === 'kyso') {
  const { Pkcs12Signer, signFile } = await import('../packages/core/dist/index.js');
  const t0 = performance.now();
  await signFile(input, output, Pkcs12Signer.open(p12, 'kyso-test'), { certificateCheck: false });
  ms = performance.now() - t0;
} else if (tool === 'signpdf') {
  const require = createRequire(import.meta.url);
  const { SignPdf } = require('@signpdf/signpdf');
  const { P12Signer } = require('@signpdf/signer-p12');
  const { plainAddPlaceholder } = require('@signpdf/placeholder-plain');
  const t0 = performance.now();
  const pdf = readFileSync(input);
  const withPlaceholder = plainAddPlaceholder({
    pdfBuffer: pdf,
    reason: 'bench',
    contactInfo: '',
    name: 'bench',
    location: '',
  });
  writeFileSync(output, await new SignPdf().sign(withPlaceholder, new P12Signer(p12, { passphrase: 'kyso-test' })));
  ms = performance.now() - t0;
}
process.stdout.write(JSON.stringify({ ms, maxRssMB: peakRssMB() }) + '\n');

/**
 * This process's own peak RSS: VmHWM, the high-water mark of its memory since exec. Not getrusage's maxRSS: Linux
 * carries it across exec from the forked copy of the parent, so a child of the bench reported at least the bench's
 * own RSS at the fork (an idle Node "48 MB" where VmHWM says ~39). maxRSS only where there is no /proc.
 */
function peakRssMB() {
  try {
    const kb = /VmHWM:\s*(\d+)/.exec(readFileSync('/proc/self/status', 'utf8'))?.[1];
    if (kb) return Number(kb) / 1024;
  } catch {
    /* not Linux */
  }
  return process.resourceUsage().maxRSS / 1024;
}
