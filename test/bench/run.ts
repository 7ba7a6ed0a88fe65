/**
 * npm run bench: runs the benchmarks and writes docs/benchmarks.md.
 *   npm run bench                 everything
 *   npm run bench -- --only store one group
 *   npm run bench -- --people 100000   a smaller roster (quick look)
 */
import { cpus, totalmem } from 'node:os';
import { writeFileSync } from 'node:fs';
import { parseArgs } from 'node:util';
import { benchStore } from './store';

const { values } = parseArgs({ options: { only: { type: 'string' }, people: { type: 'string', default: '1000000' }, out: { type: 'string', default: 'docs/benchmarks.md' } } });
const people = Number(values.people);
const wanted = (group: string) => !values.only || values.only.split(',').includes(group);

const sections: string[] = [];
const machine = `${cpus().length} × ${cpus()[0]?.model ?? 'unknown CPU'}, ${Math.round(totalmem() / 2 ** 30)} GiB RAM, Node ${process.version}, ${process.platform}`;

if (wanted('store')) {
  console.log(`store: importing ${people.toLocaleString()} people, encrypted and unencrypted (ABBA)…`);
  const r = benchStore(people);
  console.log(JSON.stringify(r, null, 2));
  sections.push(
    [
      `## Store: roster import and check-in lookup (${people.toLocaleString()} people)`,
      '',
      'Import: the roster CSV parsed, validated and written in one transaction. Lookup: the whole check-in verdict for a random ticket (ticket, person, history, bookings, product), 20,000 lookups. Medians of two runs per side, run in ABBA order.',
      '',
      '| measure | encrypted (SQLCipher, raw key) | unencrypted | ratio | target |',
      '|---|---|---|---|---|',
      `| import | ${r.encrypted.importSeconds} s | ${r.plain.importSeconds} s | ${r.importRatio} | ≤ 30 s; ratio ≤ 1.3 |`,
      `| lookup p50 | ${r.encrypted.lookupP50Ms} ms | ${r.plain.lookupP50Ms} ms | | |`,
      `| lookup p99 | ${r.encrypted.lookupP99Ms} ms | ${r.plain.lookupP99Ms} ms | ${r.lookupP99Ratio} | ≤ 1 ms; ratio ≤ 1.3 |`,
    ].join('\n'),
  );
}

const report = [`# Benchmarks`, '', `Written by \`npm run bench\` on ${new Date().toISOString().slice(0, 10)}. Machine: ${machine}.`, '', ...sections.flatMap((s) => [s, ''])].join('\n');
writeFileSync(values.out, report);
console.log(`\nwrote ${values.out}`);
