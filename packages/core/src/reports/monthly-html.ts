/**
 * The monthly report as one self-contained HTML page in Vietnamese: the figures in tables and three inline SVG
 * charts (certifications per unit, the month-over-month trend, the on-time share). No script, no external font,
 * style sheet or image, so it prints and archives as it is and a strict Content-Security-Policy allows it
 * (`MONTHLY_HTML_CSP`). Every figure carries `data-unit`, `data-field` and `data-value` (the JSON's value), so a
 * test or a scraper reads the same numbers as the JSON.
 */
import { formatVietnamDisplayTime } from '../appearance/signature-lines.js';
import { REFUSAL_GROUNDS, type RefusalCode } from '../register/refusal-grounds.js';
import type { MonthlyReport, UnitFigures } from './monthly-figures.js';

/** The Content-Security-Policy the page needs: inline styles only. */
export const MONTHLY_HTML_CSP =
  "default-src 'none'; style-src 'unsafe-inline'; img-src data:; base-uri 'none'; form-action 'none'; frame-ancestors 'none'";

const COLORS = {
  paper: '#8c6d1f',
  electronic: '#1f5fa8',
  both: '#2e8b57',
  onTime: '#2e8b57',
  late: '#c0392b',
  line: '#c0392b',
  bar: '#1f5fa8',
} as const;

export function escapeHtml(s: string): string {
  return s.replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c]!);
}

const vnd = (n: number): string => n.toLocaleString('vi-VN');
/** A rate as Vietnamese write a percentage: 87,5 %. */
export const percent = (r: number | null): string =>
  r === null ? '—' : `${(Math.round(r * 1000) / 10).toLocaleString('vi-VN')} %`;
const monthLabel = (m: string): string => `${m.slice(5, 7)}/${m.slice(0, 4)}`;

type Kind = 'count' | 'vnd' | 'rate' | 'minutes';

/** The Art. 22 grounds in a few words, for a table row (the full text is REFUSAL_GROUNDS). */
const REFUSAL_SHORT: Record<RefusalCode, string> = {
  ALTERED: 'bản chính bị tẩy xóa, sửa chữa',
  DAMAGED: 'bản chính hư hỏng, cũ nát',
  SECRET_OR_NO_COPY: 'đóng dấu mật hoặc không được sao chụp',
  UNLAWFUL_CONTENT: 'nội dung trái pháp luật, đạo đức xã hội',
  NOT_LEGALISED: 'chưa hợp pháp hóa lãnh sự',
  SELF_MADE_UNCERTIFIED: 'cá nhân tự lập, không có xác nhận',
};
const ROWS: [label: string, field: string, kind: Kind, get: (f: UnitFigures) => number | null][] = [
  ['Số việc chứng thực (số chứng thực đã cấp)', 'certifications.total', 'count', (f) => f.certifications.total],
  ['— chỉ bản giấy', 'certifications.paper', 'count', (f) => f.certifications.paper],
  ['— chỉ bản điện tử', 'certifications.electronic', 'count', (f) => f.certifications.electronic],
  ['— cả bản giấy và bản điện tử', 'certifications.both', 'count', (f) => f.certifications.both],
  ['Số yêu cầu đã giải quyết', 'certifications.requests', 'count', (f) => f.certifications.requests],
  ['Kết quả điện tử đã ký số', 'electronicResultsSigned', 'count', (f) => f.electronicResultsSigned],
  ['Từ chối chứng thực', 'refusals.total', 'count', (f) => f.refusals.total],
  ...(Object.keys(REFUSAL_GROUNDS) as RefusalCode[]).map(
    (c) =>
      [
        `— ${REFUSAL_SHORT[c]} (${c})`,
        `refusals.byGround.${c}`,
        'count',
        (f: UnitFigures) => f.refusals.byGround[c],
      ] as [string, string, Kind, (f: UnitFigures) => number],
  ),
  ['Lệ phí đã thu (đồng)', 'fees.total', 'vnd', (f) => f.fees.total],
  ['— tiền mặt', 'fees.cash', 'vnd', (f) => f.fees.cash],
  ['— thanh toán trực tuyến', 'fees.online', 'vnd', (f) => f.fees.online],
  ['— chưa ghi hình thức', 'fees.unspecified', 'vnd', (f) => f.fees.unspecified],
  ['Kết quả đã trả', 'deadlines.returned', 'count', (f) => f.deadlines.returned],
  ['— đúng hạn', 'deadlines.onTime', 'count', (f) => f.deadlines.onTime],
  ['— trễ hạn', 'deadlines.late', 'count', (f) => f.deadlines.late],
  ['Quá hạn chưa trả (cuối kỳ)', 'deadlines.overdueAtEnd', 'count', (f) => f.deadlines.overdueAtEnd],
  [
    'Thời gian giải quyết trung bình (phút)',
    'deadlines.averageProcessingMinutes',
    'minutes',
    (f) => f.deadlines.averageProcessingMinutes,
  ],
  [
    'Tổng số kết quả đã trả (phần mềm một cửa)',
    'external.resultsReturned',
    'count',
    (f) => f.external?.resultsReturned ?? null,
  ],
  [
    'Hồ sơ tiếp nhận (phần mềm một cửa)',
    'external.dossiersReceived',
    'count',
    (f) => f.external?.dossiersReceived ?? null,
  ],
  [
    'Hồ sơ đã số hóa (phần mềm một cửa)',
    'external.dossiersDigitised',
    'count',
    (f) => f.external?.dossiersDigitised ?? null,
  ],
  ['Tỷ lệ đúng hạn', 'rates.onTime', 'rate', (f) => f.rates.onTime],
  ['Tỷ lệ thanh toán trực tuyến', 'rates.onlinePayment', 'rate', (f) => f.rates.onlinePayment],
  ['Tỷ lệ kết quả điện tử có ký số', 'rates.electronicResults', 'rate', (f) => f.rates.electronicResults],
  ['Tỷ lệ số hóa hồ sơ', 'rates.digitisation', 'rate', (f) => f.rates.digitisation],
];

/** How the page writes a figure (what a reader of the DOM finds as the cell's text). */
export function formatFigure(kind: Kind, v: number | null): string {
  if (v === null) return '—';
  if (kind === 'rate') return percent(v);
  if (kind === 'vnd') return vnd(v);
  return String(v).replace('.', ',');
}

function figure(f: UnitFigures, field: string, kind: Kind, v: number | null): string {
  return `<td class="num" data-unit="${escapeHtml(f.unit.id)}" data-field="${field}" data-kind="${kind}" data-value="${v === null ? '' : v}">${escapeHtml(formatFigure(kind, v))}</td>`;
}

function table(report: MonthlyReport): string {
  const cols = [...report.units, report.total];
  const head = cols
    .map((f) => `<th scope="col">${escapeHtml(f.unit.name)}<br><small>${escapeHtml(f.unit.id)}</small></th>`)
    .join('');
  const body = ROWS.map(
    ([label, field, kind, get]) =>
      `<tr><th scope="row">${escapeHtml(label)}</th>${cols.map((f) => figure(f, field, kind, get(f))).join('')}</tr>`,
  ).join('\n');
  return `<table id="figures"><thead><tr><th scope="col">Chỉ tiêu</th>${head}</tr></thead><tbody>\n${body}\n</tbody></table>`;
}

/** Stacked bars per unit: paper, electronic, both. */
function unitBars(report: MonthlyReport): string {
  const units = report.units;
  const rowH = 28;
  const left = 190;
  const width = 720;
  const plot = width - left - 60;
  const height = 40 + Math.max(1, units.length) * rowH + 30;
  const max = Math.max(1, ...units.map((u) => u.certifications.total));
  const parts: string[] = [];
  units.forEach((u, i) => {
    const y = 30 + i * rowH;
    let x = left;
    parts.push(`<text x="${left - 8}" y="${y + 15}" text-anchor="end">${escapeHtml(truncate(u.unit.name, 28))}</text>`);
    for (const k of ['paper', 'electronic', 'both'] as const) {
      const v = u.certifications[k];
      const w = (v / max) * plot;
      if (w > 0)
        parts.push(
          `<rect x="${r2(x)}" y="${y}" width="${r2(w)}" height="20" fill="${COLORS[k]}" data-unit="${escapeHtml(u.unit.id)}" data-field="certifications.${k}" data-value="${v}"><title>${escapeHtml(u.unit.name)}: ${v}</title></rect>`,
        );
      x += w;
    }
    parts.push(
      `<text x="${r2(x + 6)}" y="${y + 15}" data-unit="${escapeHtml(u.unit.id)}" data-field="certifications.total" data-value="${u.certifications.total}">${u.certifications.total}</text>`,
    );
  });
  const legend = (['paper', 'electronic', 'both'] as const)
    .map(
      (k, i) =>
        `<rect x="${left + i * 150}" y="${height - 22}" width="12" height="12" fill="${COLORS[k]}"/><text x="${left + i * 150 + 18}" y="${height - 12}">${{ paper: 'Bản giấy', electronic: 'Bản điện tử', both: 'Giấy và điện tử' }[k]}</text>`,
    )
    .join('');
  return svg(
    'chart-units',
    'Số việc chứng thực theo đơn vị',
    width,
    height,
    `<text x="0" y="16" class="h">Số việc chứng thực theo đơn vị</text>${parts.join('')}${legend}`,
  );
}

/** Certifications per month (bars) and electronic results signed (line). */
function trendChart(report: MonthlyReport): string {
  const pts = report.trend;
  const width = 720;
  const height = 260;
  const left = 50;
  const bottom = height - 40;
  const top = 40;
  const slot = (width - left - 20) / pts.length;
  const max = Math.max(1, ...pts.map((p) => Math.max(p.certifications, p.electronicResultsSigned)));
  const y = (v: number) => bottom - (v / max) * (bottom - top);
  const parts: string[] = [`<line x1="${left}" y1="${bottom}" x2="${width - 10}" y2="${bottom}" stroke="#555"/>`];
  const line: string[] = [];
  pts.forEach((p, i) => {
    const x = left + i * slot;
    const bw = slot * 0.55;
    parts.push(
      `<rect x="${r2(x + (slot - bw) / 2)}" y="${r2(y(p.certifications))}" width="${r2(bw)}" height="${r2(bottom - y(p.certifications))}" fill="${COLORS.bar}" data-month="${p.month}" data-field="certifications" data-value="${p.certifications}"><title>${monthLabel(p.month)}: ${p.certifications}</title></rect>`,
      `<text x="${r2(x + slot / 2)}" y="${bottom + 16}" text-anchor="middle">${monthLabel(p.month)}</text>`,
      `<text x="${r2(x + slot / 2)}" y="${r2(y(p.certifications) - 4)}" text-anchor="middle" class="s">${p.certifications}</text>`,
    );
    line.push(`${r2(x + slot / 2)},${r2(y(p.electronicResultsSigned))}`);
    parts.push(
      `<circle cx="${r2(x + slot / 2)}" cy="${r2(y(p.electronicResultsSigned))}" r="3.5" fill="${COLORS.line}" data-month="${p.month}" data-field="electronicResultsSigned" data-value="${p.electronicResultsSigned}"/>`,
    );
  });
  parts.push(`<polyline points="${line.join(' ')}" fill="none" stroke="${COLORS.line}" stroke-width="2"/>`);
  const legend = `<rect x="${left}" y="${height - 16}" width="12" height="12" fill="${COLORS.bar}"/><text x="${left + 18}" y="${height - 6}">Số việc chứng thực</text><rect x="${left + 190}" y="${height - 16}" width="12" height="12" fill="${COLORS.line}"/><text x="${left + 208}" y="${height - 6}">Kết quả điện tử đã ký số</text>`;
  return svg(
    'chart-trend',
    'Diễn biến theo tháng',
    width,
    height,
    `<text x="0" y="16" class="h">Diễn biến theo tháng</text>${parts.join('')}${legend}`,
  );
}

/** The on-time share per unit and in total: a bar split into on time and late. */
function onTimeChart(report: MonthlyReport): string {
  const rows = [...report.units, report.total];
  const rowH = 28;
  const left = 190;
  const width = 720;
  const plot = width - left - 80;
  const height = 40 + rows.length * rowH + 30;
  const parts: string[] = [];
  rows.forEach((u, i) => {
    const y = 30 + i * rowH;
    const { onTime, late, returned } = u.deadlines;
    parts.push(`<text x="${left - 8}" y="${y + 15}" text-anchor="end">${escapeHtml(truncate(u.unit.name, 28))}</text>`);
    if (returned === 0) {
      parts.push(
        `<rect x="${left}" y="${y}" width="${plot}" height="20" fill="#ddd"/><text x="${left + plot + 6}" y="${y + 15}" data-unit="${escapeHtml(u.unit.id)}" data-field="rates.onTime" data-value="">—</text>`,
      );
      return;
    }
    const w1 = (onTime / returned) * plot;
    parts.push(
      `<rect x="${left}" y="${y}" width="${r2(w1)}" height="20" fill="${COLORS.onTime}" data-unit="${escapeHtml(u.unit.id)}" data-field="deadlines.onTime" data-value="${onTime}"/>`,
      `<rect x="${r2(left + w1)}" y="${y}" width="${r2(plot - w1)}" height="20" fill="${COLORS.late}" data-unit="${escapeHtml(u.unit.id)}" data-field="deadlines.late" data-value="${late}"/>`,
      `<text x="${left + plot + 6}" y="${y + 15}" data-unit="${escapeHtml(u.unit.id)}" data-field="rates.onTime" data-value="${u.rates.onTime}">${escapeHtml(percent(u.rates.onTime))}</text>`,
    );
  });
  const legend = `<rect x="${left}" y="${height - 22}" width="12" height="12" fill="${COLORS.onTime}"/><text x="${left + 18}" y="${height - 12}">Đúng hạn</text><rect x="${left + 150}" y="${height - 22}" width="12" height="12" fill="${COLORS.late}"/><text x="${left + 168}" y="${height - 12}">Trễ hạn</text>`;
  return svg(
    'chart-on-time',
    'Tỷ lệ trả kết quả đúng hạn',
    width,
    height,
    `<text x="0" y="16" class="h">Tỷ lệ trả kết quả đúng hạn</text>${parts.join('')}${legend}`,
  );
}

function svg(id: string, label: string, w: number, h: number, inner: string): string {
  return `<figure><svg id="${id}" xmlns="http://www.w3.org/2000/svg" role="img" aria-label="${escapeHtml(label)}" width="${w}" height="${h}" viewBox="0 0 ${w} ${h}">${inner}</svg></figure>`;
}

const r2 = (v: number): number => Math.round(v * 100) / 100;
const truncate = (s: string, n: number): string => (s.length > n ? `${s.slice(0, n - 1)}…` : s);

export function monthlyReportHtml(report: MonthlyReport): string {
  const scope = report.scope.unit
    ? `Đơn vị: ${escapeHtml(report.units[0]?.unit.name ?? report.scope.unit)}`
    : `Tất cả đơn vị (${report.units.length})`;
  return `<!DOCTYPE html>
<html lang="vi">
<head>
<meta charset="utf-8">
<meta http-equiv="Content-Security-Policy" content="${MONTHLY_HTML_CSP}">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>Báo cáo chứng thực tháng ${monthLabel(report.month)}</title>
<style>
body { font-family: "Times New Roman", "Liberation Serif", serif; margin: 24px; color: #111; background: #fff; }
h1 { font-size: 22px; margin: 0 0 4px; } p.meta { margin: 2px 0; color: #333; }
table { border-collapse: collapse; margin: 16px 0; font-size: 14px; }
th, td { border: 1px solid #999; padding: 4px 8px; } th[scope=row] { text-align: left; font-weight: normal; }
td.num { text-align: right; font-variant-numeric: tabular-nums; }
svg { font-family: inherit; font-size: 12px; } svg .h { font-size: 15px; font-weight: bold; } svg .s { font-size: 11px; }
figure { margin: 16px 0; } footer { font-size: 12px; color: #444; margin-top: 16px; }
</style>
</head>
<body>
<h1>BÁO CÁO SỐ LIỆU CHỨNG THỰC BẢN SAO THÁNG ${monthLabel(report.month)}</h1>
<p class="meta" id="scope">${scope}</p>
<p class="meta">Lập lúc: ${escapeHtml(formatVietnamDisplayTime(new Date(report.generatedAt)))}</p>
${unitBars(report)}
${trendChart(report)}
${onTimeChart(report)}
${table(report)}
<footer>Đúng hạn: trả kết quả trước thời hạn theo Điều 7 và Điều 21 Nghị định 23/2015/NĐ-CP. Tổng số kết quả đã trả, hồ sơ tiếp nhận và hồ sơ số hóa do phần mềm một cửa cung cấp.</footer>
</body>
</html>
`;
}
