import { randomBytes } from 'node:crypto';

let lastMillis = 0;
let sequence = 0;
// Random bytes drawn in blocks: one crypto call per id showed up in import profiles.
let pool = Buffer.alloc(0);
let offset = 0;

function random10(): Buffer {
  if (offset + 10 > pool.length) {
    pool = randomBytes(10 * 512);
    offset = 0;
  }
  offset += 10;
  return pool.subarray(offset - 10, offset);
}

/**
 * A time-ordered UUID (version 7), as Prisma's `uuid(7)` default makes them; raw bulk inserts bring
 * their own. Within one millisecond a 12-bit counter keeps ids increasing in creation order, which the
 * outbox relies on to deliver events in order.
 */
export function uuidv7(now = Date.now()): string {
  if (now > lastMillis) {
    lastMillis = now;
    sequence = 0;
  } else if (++sequence > 0xfff) {
    lastMillis += 1;
    sequence = 0;
  }
  const bytes = Buffer.alloc(16);
  random10().copy(bytes, 6);
  bytes.writeUIntBE(lastMillis, 0, 6);
  bytes[6] = 0x70 | (sequence >> 8);
  bytes[7] = sequence & 0xff;
  bytes[8] = (bytes[8]! & 0x3f) | 0x80;
  const hex = bytes.toString('hex');
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;
}
