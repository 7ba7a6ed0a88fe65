/**
 * A product row's columns, named alike in the device's and the central
 * service's `products` tables, and the product facts they hold, in the
 * names the feed and the screens use. The one mapping of the two databases;
 * each adds the GTINs and the may-follow list from where it keeps them.
 */
export interface ProductColumns {
  readonly id: string;
  readonly maker: string;
  readonly name: string;
  readonly vaccine_type: string;
  readonly dose_volume_ml: number;
  readonly min_interval_days: number;
  readonly min_age: number;
  readonly max_age: number | null;
  readonly observation_minutes: number;
  readonly doses_per_vial: number;
}

export interface ProductFacts {
  readonly id: string;
  readonly maker: string;
  readonly name: string;
  readonly vaccineType: string;
  readonly doseVolumeMl: number;
  readonly minIntervalDays: number;
  readonly minAge: number;
  readonly maxAge: number | null;
  readonly observationMinutes: number;
  readonly dosesPerVial: number;
}

export function productFacts(row: ProductColumns): ProductFacts {
  return {
    id: row.id,
    maker: row.maker,
    name: row.name,
    vaccineType: row.vaccine_type,
    doseVolumeMl: row.dose_volume_ml,
    minIntervalDays: row.min_interval_days,
    minAge: row.min_age,
    maxAge: row.max_age,
    observationMinutes: row.observation_minutes,
    dosesPerVial: row.doses_per_vial,
  };
}
