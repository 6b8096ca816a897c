/**
 * Avro `{"type":"long","logicalType":"timestamp-millis"}` as a JavaScript Date.
 * Accepted on input: a Date, epoch milliseconds (integer), or an ISO-8601 / RFC 3339 string with a time zone.
 */
import avsc from 'avsc';

const ISO_WITH_ZONE = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d+)?)?(Z|[+-]\d{2}:?\d{2})$/i;

/** A Date from what a JSON event may hold for a timestamp, or undefined when it is not one. */
export function toTimestampDate(value: unknown): Date | undefined {
  if (value instanceof Date) return Number.isNaN(value.getTime()) ? undefined : value;
  if (typeof value === 'number' && Number.isSafeInteger(value)) return new Date(value);
  if (typeof value === 'string' && ISO_WITH_ZONE.test(value)) {
    const date = new Date(value);
    return Number.isNaN(date.getTime()) ? undefined : date;
  }
  return undefined;
}

export class TimestampMillisType extends avsc.types.LogicalType {
  protected override _fromValue(value: number): Date {
    return new Date(value);
  }

  protected override _toValue(value: unknown): number | undefined {
    return value instanceof Date && !Number.isNaN(value.getTime()) ? value.getTime() : undefined;
  }

  protected override _resolve(writer: avsc.Type): ((value: number) => Date) | undefined {
    if (avsc.Type.isType(writer, 'long', 'int', 'logical:timestamp-millis')) return (value) => this._fromValue(value);
    return undefined;
  }
}
