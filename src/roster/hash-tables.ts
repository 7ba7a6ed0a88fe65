// Compact tables for the checks across rows of a million-row roster: typed
// arrays with open addressing, hashed keys packed with the row they came from.
import { detach } from './import-kit';

export const FNV_OFFSET = 0x811c9dc5;

/** 32-bit FNV-1a, one part at a time (with a separator), for the cross-row checks. */
export function mix(h: number, part: string): number {
  for (let i = 0; i < part.length; i++) {
    h ^= part.charCodeAt(i);
    h = Math.imul(h, 0x01000193);
  }
  h ^= 0x1f;
  return Math.imul(h, 0x01000193) >>> 0;
}

// Map values pack a 26-bit hash with the row where a key was first seen.
export const ROW_SPACE = 2 ** 27;
export function pack(hash: number, row: number): number {
  return (hash >>> 6) * ROW_SPACE + (row % ROW_SPACE);
}
export function packedHash(v: number): number {
  return Math.floor(v / ROW_SPACE);
}
export function packedRow(v: number): number {
  return v % ROW_SPACE;
}

/**
 * A map from non-negative integer keys (< 2^53) to numbers, in two typed
 * arrays with open addressing: for a million tickets it is several times
 * faster and smaller than a Map of heap numbers.
 */
export class NumberTable {
  private keys = new Float64Array(1 << 16).fill(-1);
  private values = new Float64Array(1 << 16);
  private size = 0;

  private slot(key: number): number {
    const mask = this.keys.length - 1;
    const lo = key >>> 0;
    const hi = Math.floor(key / 4294967296) >>> 0;
    let i = Math.imul(lo ^ Math.imul(hi, 0x9e3779b1), 0x85ebca6b);
    i = (i ^ (i >>> 15)) & mask;
    const keys = this.keys;
    for (;;) {
      const k = keys[i];
      if (k === key || k === -1) return i;
      i = (i + 1) & mask;
    }
  }

  get(key: number): number | undefined {
    const i = this.slot(key);
    return this.keys[i] === key ? this.values[i] : undefined;
  }

  set(key: number, value: number): void {
    let i = this.slot(key);
    if (this.keys[i] !== key) {
      if ((this.size + 1) * 2 > this.keys.length) {
        this.grow();
        i = this.slot(key);
      }
      this.keys[i] = key;
      this.size += 1;
    }
    this.values[i] = value;
  }

  private grow(): void {
    const oldKeys = this.keys;
    const oldValues = this.values;
    this.keys = new Float64Array(oldKeys.length * 2).fill(-1);
    this.values = new Float64Array(oldKeys.length * 2);
    for (let j = 0; j < oldKeys.length; j++) {
      const k = oldKeys[j] ?? -1;
      if (k !== -1) {
        const i = this.slot(k);
        this.keys[i] = k;
        this.values[i] = oldValues[j] ?? 0;
      }
    }
  }
}

/**
 * A map from strings to numbers for a million keys: 32-bit hashes in a typed
 * array, the keys themselves (detached copies) compared only when hashes
 * match. Far fewer cache misses than a Map of strings.
 */
export class StringTable {
  private hashes = new Int32Array(1 << 12);
  private slots = new Int32Array(1 << 12).fill(-1);
  private keys: string[] = [];
  private values: number[] = [];

  private static hash(key: string): number {
    let h = 0x811c9dc5;
    for (let i = 0; i < key.length; i++) {
      h ^= key.charCodeAt(i);
      h = Math.imul(h, 0x01000193);
    }
    h ^= h >>> 16;
    h = Math.imul(h, 0x85ebca6b);
    h ^= h >>> 13;
    return h | 0;
  }

  /** The slot holding key, or the empty slot where it would go. */
  private find(key: string, h: number): number {
    const mask = this.slots.length - 1;
    let i = h & mask;
    for (;;) {
      const at = this.slots[i] ?? -1;
      if (at === -1) return i;
      if (this.hashes[i] === h && this.keys[at] === key) return i;
      i = (i + 1) & mask;
    }
  }

  get(key: string): number | undefined {
    const at = this.slots[this.find(key, StringTable.hash(key))] ?? -1;
    return at === -1 ? undefined : this.values[at];
  }

  set(key: string, value: number): void {
    const h = StringTable.hash(key);
    let i = this.find(key, h);
    const at = this.slots[i] ?? -1;
    if (at !== -1) {
      this.values[at] = value;
      return;
    }
    if ((this.keys.length + 1) * 2 > this.slots.length) {
      this.grow();
      i = this.find(key, h);
    }
    this.slots[i] = this.keys.length;
    this.hashes[i] = h;
    this.keys.push(detach(key));
    this.values.push(value);
  }

  private grow(): void {
    const oldSlots = this.slots;
    const oldHashes = this.hashes;
    this.slots = new Int32Array(oldSlots.length * 2).fill(-1);
    this.hashes = new Int32Array(oldSlots.length * 2);
    const mask = this.slots.length - 1;
    for (let j = 0; j < oldSlots.length; j++) {
      const at = oldSlots[j] ?? -1;
      if (at === -1) continue;
      const h = oldHashes[j] ?? 0;
      let i = h & mask;
      while (this.slots[i] !== -1) i = (i + 1) & mask;
      this.slots[i] = at;
      this.hashes[i] = h;
    }
  }
}

export interface SetPart {
  ticket: number;
  dose: number;
  /** YYYY-MM-DD */
  date: string;
  row: number;
}

/**
 * The first booking of each set booking, kept in typed arrays (a million
 * sets cost a few tens of MB), or the row that completed the set.
 */
export class SetParts {
  private readonly index = new Map<string, StringTable>();
  private ticket = new Float64Array(1024);
  private dose = new Uint8Array(1024);
  private date = new Int32Array(1024); // YYYYMMDD
  private row = new Int32Array(1024); // negative: -(row that completed the set)
  private count = 0;

  /** undefined: a new set; a number: the row that completed it; else its first booking. */
  get(municipality: string, setId: string): SetPart | number | undefined {
    const at = this.index.get(municipality)?.get(setId);
    if (at === undefined) return undefined;
    const row = this.row[at] ?? 0;
    if (row < 0) return -row;
    const d = String(this.date[at] ?? 0);
    return { ticket: this.ticket[at] ?? 0, dose: this.dose[at] ?? 0, date: `${d.slice(0, 4)}-${d.slice(4, 6)}-${d.slice(6)}`, row };
  }

  add(municipality: string, setId: string, part: SetPart): void {
    let table = this.index.get(municipality);
    if (table === undefined) {
      table = new StringTable();
      this.index.set(detach(municipality), table);
    }
    if (this.count === this.row.length) {
      const size = this.count * 2;
      this.ticket = grow(this.ticket, new Float64Array(size));
      this.dose = grow(this.dose, new Uint8Array(size));
      this.date = grow(this.date, new Int32Array(size));
      this.row = grow(this.row, new Int32Array(size));
    }
    const at = this.count++;
    this.ticket[at] = part.ticket;
    this.dose[at] = part.dose;
    this.date[at] = Number(part.date.replace(/-/g, ''));
    this.row[at] = part.row;
    table.set(setId, at);
  }

  complete(municipality: string, setId: string, row: number): void {
    const at = this.index.get(municipality)?.get(setId);
    if (at !== undefined) this.row[at] = -row;
  }
}

export function grow<T extends Float64Array | Uint8Array | Int32Array>(from: T, to: T): T {
  to.set(from);
  return to;
}
