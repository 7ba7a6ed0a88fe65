// The one read loop of the two CSV imports (roster-csv.ts, products-csv.ts).
import { openCsv, type CsvEncodingOption, type CsvRecord } from './csv';
import { RosterImportError, translateCsvError } from './import-errors';
import { checkFieldCount, isBlankRecord, readHeader, type Header, type HeaderSpec } from './import-kit';
import { checkRecordForMyNumber, myNumberElsewhere } from './individual-number-fields';

/**
 * An import file read record by record: opened (encoding and format errors
 * in staff words), blank records skipped, the header read by `spec`, and each
 * data record checked for an individual number and for its field count
 * before the caller sees it. The caller passes any error of its own through
 * `explain`, so that an individual number later in the file is reported
 * before any other problem.
 */
export class ImportFile<C extends string> {
  private readonly source: Generator<CsvRecord>;
  private names: readonly string[] = [];
  /** The header, once read (null: the file had nothing but blank lines so far). */
  header: Header<C> | null = null;

  constructor(
    input: Uint8Array | string,
    encoding: CsvEncodingOption | undefined,
    private readonly spec: HeaderSpec<C>,
  ) {
    try {
      this.source = openCsv(input, encoding ?? 'auto').records;
    } catch (e) {
      throw translateCsvError(e, []);
    }
  }

  /** The data records, after the header. */
  *records(): Generator<{ readonly record: CsvRecord; readonly header: Header<C> }> {
    for (;;) {
      let next: IteratorResult<CsvRecord>;
      try {
        next = this.source.next();
      } catch (e) {
        throw translateCsvError(e, this.names);
      }
      if (next.done) return;
      const record = next.value;
      if (isBlankRecord(record)) continue;
      if (this.header === null) {
        this.names = record.fields.map((f) => f.trim());
        this.header = readHeader(record, this.spec);
        this.names = this.header.names;
        continue;
      }
      checkRecordForMyNumber(record, this.names);
      checkFieldCount(record, this.header);
      yield { record, header: this.header };
    }
  }

  /** The error to throw for `e`: an individual number further on in the file comes first. */
  explain(e: unknown): unknown {
    if (e instanceof RosterImportError && e.code !== 'BAD_CSV' && !e.code.startsWith('INDIVIDUAL_NUMBER')) {
      return myNumberElsewhere(this.source, this.names) ?? e;
    }
    return e;
  }
}
