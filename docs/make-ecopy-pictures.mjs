// Makes the README's pictures of e-copies (docs/ecopy-*.png): a citizen ID card scanned front and back, and a
// full-page A4 letterhead decision, each certified with the test PKI (the test certifier's name; a stand-in seal and
// signature drawn here) and rendered by poppler at 100 dpi.
// The "originals" are invented (made-up names and numbers) and printed by headless Chromium, then "scanned" by
// pdftoppm to JPEG. Run after `pnpm build`: node docs/make-ecopy-pictures.mjs
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync, renameSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { PNG } from 'pngjs';
import { Pkcs12Signer, buildElectronicCopy } from '../packages/core/dist/index.js';

const root = fileURLToPath(new URL('..', import.meta.url));
const fonts = join(root, 'packages/core/assets/fonts');
const certs = join(root, 'test-certs');
const dir = mkdtempSync(join(tmpdir(), 'kyso-ecopy-pictures-'));

const style = `
@font-face { font-family: LS; src: url('file://${fonts}/LiberationSerif-Regular.ttf'); }
@font-face { font-family: LS; font-weight: bold; src: url('file://${fonts}/LiberationSerif-Bold.ttf'); }
* { margin: 0; padding: 0; box-sizing: border-box; }
body { font-family: LS; color: #222; }`;

const card = (side) => `<!doctype html><meta charset="utf-8"><style>${style}
@page { size: 85.6mm 54mm; margin: 0; }
.card { width: 85.6mm; height: 54mm; background: #d9d9d9; border: 0.6mm solid #555; border-radius: 3mm; padding: 2.5mm 3mm; font-size: 6.5pt; }
h1 { font-size: 7pt; text-align: center; } h2 { font-size: 9pt; text-align: center; margin: 1mm 0; }
.photo { float: left; width: 20mm; height: 26mm; background: #888; margin-right: 3mm; }
.mrz { font-family: monospace; font-size: 7pt; margin-top: 3mm; letter-spacing: 0.3mm; }
p { margin: 0.6mm 0; }
</style><div class="card">${
  side === 'front'
    ? `<h1>CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM<br>Độc lập - Tự do - Hạnh phúc</h1><h2>CĂN CƯỚC CÔNG DÂN</h2>
       <div class="photo"></div><p>Số / No.: <b>027199000123</b></p><p>Họ và tên / Full name:</p><p><b>NGUYỄN VĂN MẪU</b></p>
       <p>Ngày sinh / Date of birth: 01/01/1999</p><p>Giới tính / Sex: Nam</p><p>Quê quán: Kinh Bắc, Bắc Ninh</p><p>Nơi thường trú: Kinh Bắc, Bắc Ninh</p>`
    : `<p>Đặc điểm nhân dạng: Nốt ruồi C:1cm dưới mép phải</p><p>Ngày, tháng, năm: 01/01/2024</p>
       <p><b>CỤC TRƯỞNG CỤC CẢNH SÁT QUẢN LÝ HÀNH CHÍNH VỀ TRẬT TỰ XÃ HỘI</b></p><p style="margin-left:40mm">(đã ký)</p>
       <div class="mrz">IDVNM1990001234027199000123&lt;&lt;1<br>9901011M3912315VNM&lt;&lt;&lt;&lt;&lt;&lt;&lt;&lt;&lt;&lt;&lt;4<br>NGUYEN&lt;&lt;VAN&lt;MAU&lt;&lt;&lt;&lt;&lt;&lt;&lt;&lt;&lt;&lt;&lt;&lt;&lt;</div>`
}</div>`;

const letterhead = `<!doctype html><meta charset="utf-8"><style>${style}
@page { size: A4; margin: 0; }
.page { width: 210mm; height: 297mm; background: #efefef; border-top: 14mm solid #666; border-bottom: 10mm solid #666; padding: 8mm 20mm 0 30mm; font-size: 13pt; }
.head { display: flex; justify-content: space-between; text-align: center; font-size: 12pt; }
h1 { text-align: center; font-size: 14pt; margin: 10mm 0 2mm; }
p { margin: 2mm 0; text-align: justify; } .sign { margin: 12mm 0 0 95mm; text-align: center; font-weight: bold; }
</style><div class="page"><div class="head"><div>ỦY BAN NHÂN DÂN<br><b>PHƯỜNG KINH BẮC</b><br>Số: 123/QĐ-UBND</div>
<div><b>CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM</b><br><b>Độc lập - Tự do - Hạnh phúc</b><br><i>Kinh Bắc, ngày 05 tháng 3 năm 2026</i></div></div>
<h1>QUYẾT ĐỊNH<br>Về việc công nhận kết quả (văn bản mẫu)</h1>
${'<p>Căn cứ Luật Tổ chức chính quyền địa phương; căn cứ các văn bản hướng dẫn có liên quan; xét đề nghị của công chức Tư pháp - Hộ tịch, Ủy ban nhân dân phường quyết định nội dung dưới đây. Văn bản này là mẫu, mọi tên và số đều được bịa ra.</p>'.repeat(6)}
<div class="sign">TM. ỦY BAN NHÂN DÂN<br>CHỦ TỊCH<br><span style="font-weight:normal">(đã ký, đóng dấu)</span><br><br>Trần Văn Mẫu</div></div>`;

/** Prints HTML to PDF with headless Chromium, then "scans" page 1 to JPEG at `dpi`. */
function scan(name, html, dpi) {
  const htmlPath = join(dir, `${name}.html`);
  writeFileSync(htmlPath, html);
  execFileSync(
    'chromium',
    [
      '--headless',
      '--no-sandbox',
      '--disable-gpu',
      '--no-pdf-header-footer',
      `--print-to-pdf=${join(dir, `${name}.pdf`)}`,
      `file://${htmlPath}`,
    ],
    { stdio: 'ignore' },
  );
  execFileSync('pdftoppm', [
    '-jpeg',
    '-r',
    String(dpi),
    '-f',
    '1',
    '-l',
    '1',
    '-singlefile',
    join(dir, `${name}.pdf`),
    join(dir, name),
  ]);
  return new Uint8Array(readFileSync(join(dir, `${name}.jpg`)));
}

/** A PNG with a transparent background painted pixel by pixel. */
function png(w, h, paint) {
  const img = new PNG({ width: w, height: h });
  for (let y = 0; y < h; y++) for (let x = 0; x < w; x++) img.data.set(paint(x, y), (y * w + x) * 4);
  return new Uint8Array(PNG.sync.write(img));
}
// A stand-in red seal (a ring with a star) and a blue handwritten stroke.
const seal = png(240, 240, (x, y) => {
  const r = Math.hypot(x - 120, y - 120);
  const a = Math.atan2(y - 120, x - 120);
  const star = r < 40 * (0.55 + 0.45 * Math.abs(Math.cos((5 * a) / 2)));
  return (r > 100 && r < 112) || (r > 84 && r < 88) || star ? [210, 25, 35, 235] : [0, 0, 0, 0];
});
const stroke = png(320, 110, (x, y) =>
  Math.abs(y - 55 - 30 * Math.sin(x / 19) * Math.exp(-x / 400)) < 3.5 && x > 12 && x < 300
    ? [25, 45, 170, 255]
    : [0, 0, 0, 0],
);

async function certify(images, originalIsCard) {
  const copy = await buildElectronicCopy({
    scan: { images },
    originalIsCard,
    conversion: {
      convertedAt: new Date('2026-03-05T02:41:27Z'),
      convertedBy: 'Nguyễn Thị Lấp Lánh Ánh',
      organisation: 'Ủy ban nhân dân phường Kinh Bắc',
      verificationRef: 'https://dichvucong.example.gov.vn/tra-cuu/ban-sao/2026-000099',
    },
    certification: {
      number: 99,
      book: '01/2026',
      date: new Date('2026-03-05T02:41:27Z'),
      certifierName: 'Nguyễn Thị Lấp Lánh Ánh',
      certifierTitle: 'CÔNG CHỨC TƯ PHÁP - HỘ TỊCH',
      authorityName: 'Ủy ban nhân dân phường Kinh Bắc',
    },
    certifier: {
      signer: Pkcs12Signer.open(readFileSync(join(certs, 'signer.p12')), 'kyso-test'),
      signatureImage: stroke,
    },
    authority: { signer: Pkcs12Signer.open(readFileSync(join(certs, 'seal.p12')), 'kyso-test'), sealImage: seal },
    certificateCheck: false, // pictures only; the tests check the signatures
  });
  return copy;
}

/** Renders every page of an e-copy to docs/<name>-<page>.png (or docs/<name>.png for one page) at 100 dpi. */
function render(name, copy) {
  const pdf = join(dir, `${name}.pdf`);
  writeFileSync(pdf, copy.bytes);
  for (let p = 1; p <= copy.pages; p++) {
    const out = join(root, 'docs', copy.pages === 1 ? name : `${name}-${p}`);
    execFileSync('pdftoppm', ['-png', '-r', '100', '-f', String(p), '-l', String(p), '-singlefile', pdf, `${out}.tmp`]);
    renameSync(`${out}.tmp.png`, `${out}.png`);
    console.log(`${out}.png`);
  }
}

try {
  render('ecopy-card', await certify([scan('front', card('front'), 300), scan('back', card('back'), 300)], true));
  render('ecopy-letterhead', await certify([scan('letterhead', letterhead, 150)], false));
} finally {
  rmSync(dir, { recursive: true, force: true });
}
