import type { UploadKind, UploadRecord } from './schemas';

/** The data of one kind of record, exactly as it travels. */
export type RecordData<K extends UploadKind> = Extract<UploadRecord, { kind: K }>['data'];

/** One record a domain function made, not yet in the outbox (its kind and data were matched when it was added). */
export interface MadeRecord {
  readonly kind: UploadKind;
  readonly data: UploadRecord['data'];
}

/**
 * Where a domain function puts the records it made. The domain never writes
 * the outbox: it hands each record to the sink its caller gave it, and the
 * caller (the dispatcher, for every call from a desk) writes them to the
 * outbox in the same transaction as the rows (src/records/outbox.ts).
 *
 * `data` is the record's wire shape (src/records/schemas.ts), built field by
 * field in schema order by the module that made it, so what is queued is
 * exactly what the server stores and hashes.
 */
export interface RecordSink {
  add<K extends UploadKind>(kind: K, data: RecordData<K>): void;
}

/** A sink that keeps the records in the order they were made, for its owner to write. */
export class RecordBatch implements RecordSink {
  private readonly items: MadeRecord[] = [];

  add<K extends UploadKind>(kind: K, data: RecordData<K>): void {
    this.items.push({ kind, data });
  }

  /** Hands over what was made so far and empties the batch. */
  take(): readonly MadeRecord[] {
    return this.items.splice(0);
  }

  get size(): number {
    return this.items.length;
  }
}
