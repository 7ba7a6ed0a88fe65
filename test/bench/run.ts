/**
 * npm run bench: runs the benchmarks and writes docs/benchmarks.md.
 *   npm run bench                 everything
 *   npm run bench -- --only store one group
 *   npm run bench -- --people 100000   a smaller roster (quick look)
 *   npm run bench -- --only decode  the camera decoders (frame corpus, read rates, time per frame), the video corpus (right card, time to it), the OCR choice
 *   npm run bench -- --only sync --database-url postgres://…   sync against PostgreSQL instead of PGlite
 *   npm run bench -- --only reading   first camera frame → verdict on screen in Chromium (QR and NW-7, 60 scans each)
 *   npm run bench -- --only memory    core process and renderer memory: roster download (--people), an hour of scanning
 *   npm run bench -- --only signin    refused sign-ins (unknown, wrong, disabled, locked): the same time whatever the reason
 *   npm run bench -- --only durable   what the acknowledged mark costs a dose (side by side with the bare dispatcher)
 *   npm run bench -- --only central   the central service on PostgreSQL under load: 1,000 long-polling desks (--central-pollers),
 *                                     single doses and 200-dose backlogs from 50 desks, one and two processes, the old code
 *                                     (--central-baseline <commit>, or none) side by side; --central-quick: this code, one process only
 */
import { cpus, totalmem } from 'node:os';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { parseArgs } from 'node:util';
import { benchCentral, CENTRAL_BASELINE } from './central/bench';
import { centralSection } from './central/report';
import { benchDecode, decodeMarkdown } from './decode/bench';
import { benchOcr, ocrMarkdown } from './decode/ocr-bench';
import { benchVideos, videoMarkdown } from './decode/video-bench';
import { benchDurable, durableSection } from './durable';
import { benchMemory } from './memory';
import { memorySection } from './memory-report';
import { benchReading, readingSection } from './reading';
import { benchSignIn, signInSection } from './signin';
import { benchStore } from './store';
import { benchSync, syncSection } from './sync';

const { values } = parseArgs({
  options: {
    only: { type: 'string' },
    people: { type: 'string', default: '1000000' },
    doses: { type: 'string', default: '9000' },
    'database-url': { type: 'string' },
    out: { type: 'string', default: 'docs/benchmarks.md' },
    'central-pollers': { type: 'string', default: '1000' },
    'central-municipalities': { type: 'string', default: '10' },
    'central-venues': { type: 'string', default: '5' },
    'central-single': { type: 'string', default: '40' },
    'central-backlog': { type: 'string', default: '600' },
    // The commit this work started from: the code before the fan-out, bulk uploads and back-pressure.
    'central-baseline': { type: 'string', default: CENTRAL_BASELINE },
    'central-quick': { type: 'boolean', default: false },
  },
});
const people = Number(values.people);
const wanted = (group: string) => !values.only || values.only.split(',').includes(group);

const sections: string[] = [];
const ratio = (a: number, b: number) => Math.round((a / b) * 100) / 100;
const machine = `${cpus().length} × ${cpus()[0]?.model ?? 'unknown CPU'}, ${Math.round(totalmem() / 2 ** 30)} GiB RAM, Node ${process.version}, ${process.platform}`;

if (wanted('store')) {
  console.log(`store: importing ${people.toLocaleString()} people, encrypted and unencrypted (ABBA)…`);
  const r = benchStore(people);
  console.log(JSON.stringify(r, null, 2));
  sections.push(
    [
      `## Store: roster import and check-in lookup (${people.toLocaleString()} people)`,
      '',
      'Import: the roster CSV parsed, validated and written in one transaction (foreign-key checks off for it: see src/roster/import.ts); four imports in ABBA order, the median of each side\'s two. ' +
        'Lookup: the whole check-in verdict for a random ticket (ticket, person, history, bookings, product), 20,000 tickets, each looked up on both databases (open side by side, 64 MiB page cache each) in turn, which side goes first alternating, so both see the same moments of the machine.',
      '',
      '| measure | encrypted (SQLCipher, raw key) | unencrypted | ratio | target |',
      '|---|---|---|---|---|',
      `| import | ${r.encrypted.importSeconds} s | ${r.plain.importSeconds} s | ${r.importRatio} | ≤ 30 s; ratio ≤ 1.3 |`,
      `| lookup p50, anyone of the roster | ${r.encrypted.lookupP50Ms} ms | ${r.plain.lookupP50Ms} ms | ${ratio(r.encrypted.lookupP50Ms, r.plain.lookupP50Ms)} | |`,
      `| lookup p99, anyone of the roster | ${r.encrypted.lookupP99Ms} ms | ${r.plain.lookupP99Ms} ms | ${r.lookupP99Ratio} | ≤ 1 ms; ratio ≤ 1.3 |`,
      `| lookup p50, a day's 3,000 bookings | ${r.encrypted.dayP50Ms} ms | ${r.plain.dayP50Ms} ms | ${ratio(r.encrypted.dayP50Ms, r.plain.dayP50Ms)} | |`,
      `| lookup p99, a day's 3,000 bookings | ${r.encrypted.dayP99Ms} ms | ${r.plain.dayP99Ms} ms | ${ratio(r.encrypted.dayP99Ms, r.plain.dayP99Ms)} | ≤ 1 ms; ratio ≤ 1.3 |`,
      '',
      'Anyone of the roster is the worst case: most of a lookup\'s pages are not in the page cache, and on the encrypted side each page read is decrypted and authenticated again (about 45 µs a lookup, the p50 ratio). At a venue the same few thousand people booked for the day come to the desks, and their pages stay in the cache.',
    ].join('\n'),
  );
}

if (wanted('sync')) {
  const databaseUrl = values['database-url'] ?? null;
  console.log(`sync: ${people.toLocaleString()}-person roster down to a new venue device, ${Number(values.doses).toLocaleString()}-dose backlog up (${databaseUrl ? 'PostgreSQL' : 'PGlite'})…`);
  const r = await benchSync({ people, doses: Number(values.doses), databaseUrl, log: (line) => console.log(`  ${line}`) });
  console.log(JSON.stringify(r, null, 2));
  sections.push(syncSection(r));
}

if (wanted('decode')) {
  console.log('decode: rendering the corpus and decoding it with every setup (a few minutes)…');
  const r = await benchDecode({ progressEvery: 100 });
  for (const s of r.setups) console.log(`  ${s.name}: ${s.overall.read}/${s.overall.total} read, 720p median ${s.time['1280x720'].medianMs} ms, p95 ${s.time['1280x720'].p95Ms} ms`);
  console.log(`  chosen: ${r.chosen ?? 'none'}; recommended.ts: ${r.recommended}`);
  console.log('decode: the video corpus through the desk\'s reading chain, today\'s and before issue 18 (several minutes)…');
  const v = await benchVideos({ perClass: 12, log: (line) => console.log(`  ${line}`) });
  for (const c of v.chains) console.log(`  ${c.name}: ${c.misreads} misreads, 720p frame p95 ${c.frameP95Ms} ms`);
  console.log('decode: OCR of the printed line, the shipped reader against tesseract.js…');
  const o = await benchOcr({ log: (line) => console.log(`  ${line}`) });
  for (const e of o.engines) console.log(`  ${e.name}: ${e.read}/${e.frames} read, ${e.misreads} misreads, median ${e.medianMs} ms`);
  sections.push([decodeMarkdown(r), videoMarkdown(v), ocrMarkdown(o)].join('\n\n'));
}

if (wanted('reading')) {
  console.log('reading: first camera frame → verdict on screen in Chromium, QR and NW-7 desks side by side (60 scans each)…');
  const r = await benchReading({ scans: 60, log: (line) => console.log(`  ${line}`) });
  console.log(JSON.stringify({ ...r, qr: { ...r.qr, samplesMs: undefined }, nw7: { ...r.nw7, samplesMs: undefined } }, null, 2));
  console.log(`  reading took ${r.wallSeconds} s`);
  sections.push(readingSection(r));
}

if (wanted('memory')) {
  console.log(`memory: the core process and the renderer while ${people.toLocaleString()} people download, then an hour of scanning sped up…`);
  const r = await benchMemory({ people, scans: 720, log: (line) => console.log(`  ${line}`) });
  console.log(JSON.stringify(r, null, 2));
  console.log(`  memory took ${r.wallSeconds} s`);
  sections.push(memorySection(r));
}

if (wanted('signin')) {
  console.log('signin: refused sign-ins of four kinds, side by side…');
  const r = benchSignIn();
  console.log(JSON.stringify(r, null, 2));
  sections.push(signInSection(r));
}

if (wanted('durable')) {
  console.log('durable: 1,000 doses through the runtime as shipped and through the bare dispatcher, alternating…');
  const r = benchDurable(1_000);
  console.log(JSON.stringify(r, null, 2));
  sections.push(durableSection(r));
}

if (wanted('central')) {
  const baseline = values['central-baseline'] === 'none' ? null : (values['central-baseline'] ?? null);
  console.log(`central: ${values['central-pollers']} long-polling desks, uploads from ${Number(values['central-municipalities']) * Number(values['central-venues'])} desks, on PostgreSQL (a few minutes)…`);
  const r = await benchCentral({
    pollers: Number(values['central-pollers']),
    municipalities: Number(values['central-municipalities']),
    venuesPerMunicipality: Number(values['central-venues']),
    singlePerDesk: Number(values['central-single']),
    backlogPerDesk: Number(values['central-backlog']),
    baseline,
    quick: values['central-quick'],
    log: (line) => console.log(`  ${line}`),
  });
  console.log(JSON.stringify(r, null, 2));
  sections.push(centralSection(r));
}

// A run of some groups keeps the other groups' last figures.
const fresh = new Set(sections.map((s) => s.split('\n')[0]?.replace(/\(.*$/, '')));
const kept = existsSync(values.out)
  ? readFileSync(values.out, 'utf8').split(/\n(?=## )/).slice(1).map((s) => s.trimEnd()).filter((s) => !fresh.has(s.split('\n')[0]?.replace(/\(.*$/, '')))
  : [];
const report = [`# Benchmarks`, '', `Written by \`npm run bench\` on ${new Date().toISOString().slice(0, 10)}. Machine: ${machine}.`, '', ...[...kept, ...sections].flatMap((s) => [s, ''])].join('\n');
writeFileSync(values.out, report);
console.log(`\nwrote ${values.out}`);
