/** A device as authentication reads it. */
export interface DeviceRow {
  readonly id: string;
  readonly municipality: string;
  readonly venue_id: string;
  readonly desk_id: string;
  readonly credential_hash: string;
  readonly revoked_at: Date | null;
  readonly last_seen_at: Date | null;
  /** The highest feed cursor handed to the device (device_feed_marks; feed-marks.ts); null before its first page. */
  readonly feed_served: string | number | null;
}

/** The device columns authentication reads, with the feed cursor it was handed (one query with the lookup). */
export const DEVICE_ROW_SQL = /* sql */ `SELECT d.id, d.municipality, d.venue_id, d.desk_id, d.credential_hash, d.revoked_at, d.last_seen_at, m.served AS feed_served
  FROM devices d LEFT JOIN device_feed_marks m ON m.device_id = d.id`;
