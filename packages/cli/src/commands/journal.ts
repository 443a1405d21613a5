/** `kyso journal list --journal FILE [filters] [--json]`: the signing journal's records, oldest first. */
import { vietnamDayEnd, vietnamDayStart, type JournalRecord } from '@kyso/core';
import { openJournalAt } from '../register-location.js';
import { parseCommandArgs, UsageError } from '../usage.js';

export async function journal(argv: string[], out: (s: string) => void): Promise<number> {
  const [sub, ...rest] = argv;
  if (sub !== 'list')
    throw new UsageError(`kyso journal takes list${sub ? ` (got '${sub}')` : ''}`, 'Lệnh kyso journal cần: list.');
  const { values, positionals } = parseCommandArgs('journal', {
    args: rest,
    allowPositionals: true,
    options: {
      journal: { type: 'string' },
      unit: { type: 'string' },
      key: { type: 'string' },
      procedure: { type: 'string' },
      dossier: { type: 'string' },
      document: { type: 'string' },
      from: { type: 'string' },
      to: { type: 'string' },
      json: { type: 'boolean' },
    },
  });
  if (positionals.length)
    throw new UsageError(
      `kyso journal list takes no arguments (got '${positionals[0]}')`,
      'Lệnh kyso journal list không nhận đối số.',
    );
  if (!values.journal)
    throw new UsageError('--journal FILE|postgres://… is required', 'Cần --journal TỆP hoặc postgres://….');
  const day = (v: string | undefined, flag: string, end: boolean) => {
    if (v === undefined) return undefined;
    const d = end ? vietnamDayEnd(v) : vietnamDayStart(v);
    if (!d) throw new UsageError(`${flag} must be a date YYYY-MM-DD`, `Tùy chọn ${flag} phải là ngày dạng YYYY-MM-DD.`);
    return d;
  };
  const query = {
    unit: values.unit,
    keyAlias: values.key,
    procedureCode: values.procedure,
    dossierId: values.dossier,
    documentSha256: values.document?.toLowerCase(),
    from: day(values.from, '--from', false),
    to: day(values.to, '--to', true),
  };
  const store = await openJournalAt(values.journal);
  try {
    const records: JournalRecord[] = [];
    let after: string | undefined;
    do {
      const page = await store.list(query, { limit: 1000, after });
      records.push(...page.records);
      after = page.nextCursor ?? undefined;
    } while (after);
    if (values.json) {
      out(JSON.stringify(records, null, 2));
    } else {
      const lines = records.map((r) =>
        [
          r.at,
          r.source,
          r.operation,
          r.unit,
          r.keyAlias,
          r.signerName,
          r.level,
          r.documentSha256.slice(0, 16) + '…',
          r.procedureCode ?? '-',
          r.dossierId ?? '-',
        ].join('  '),
      );
      out([...lines, `${records.length} bản ghi / records`].join('\n'));
    }
    return 0;
  } finally {
    await store.close();
  }
}
