import { StringDecoder } from 'node:string_decoder';

/** A field separator, or `whitespace` for files whose columns are separated by runs of spaces/tabs. */
export type Delimiter = string | 'whitespace';

export interface CsvOptions {
  /** Default ",". */
  delimiter?: Delimiter;
  /**
   * A quoted field longer than this is a broken file (an unterminated quote swallowing the rest of
   * it), not data: without a limit one bad quote would make memory grow with the file.
   */
  maxFieldLength?: number;
}

export interface CsvRecord {
  fields: string[];
  /** 1-based physical line on which the record starts (a quoted newline makes a record span lines). */
  line: number;
  /** Bytes of input consumed when the record was completed, for progress. */
  bytesRead: number;
}

export class CsvSyntaxError extends Error {
  constructor(
    readonly line: number,
    message: string,
  ) {
    super(`line ${line}: ${message}`);
  }
}

const DEFAULT_MAX_FIELD = 1_000_000;

/**
 * Parses RFC 4180 CSV from chunks (a Node Readable is an async iterable of Buffers) and yields one
 * record at a time: memory is bounded by the longest record, never by the file.
 *
 * Lenient where real exports are sloppy: CRLF, LF and lone CR all end records, a UTF-8 BOM is
 * dropped, blank lines are skipped, a quote inside an unquoted field is kept as a character, and
 * characters after a closing quote are appended to the field.
 */
export async function* parseCsv(
  input: AsyncIterable<Buffer | string>,
  options: CsvOptions = {},
): AsyncGenerator<CsvRecord> {
  const delimiter = options.delimiter ?? ',';
  if (delimiter !== 'whitespace' && delimiter.length !== 1)
    throw new Error('delimiter must be one character or "whitespace"');
  const maxField = options.maxFieldLength ?? DEFAULT_MAX_FIELD;
  const decoder = new StringDecoder('utf8');
  const whitespace = delimiter === 'whitespace';

  let fields: string[] = [];
  let field = '';
  let inQuotes = false;
  /** Inside quotes, a quote was just seen: either an escaped quote ("") or the closing one. */
  let quoteSeen = false;
  /** The field started with a quote (so an empty "" is a field, and whitespace mode keeps spaces). */
  let quoted = false;
  /** The previous chunk ended in CR: a LF at the start of the next one belongs to the same line end. */
  let skipLf = false;
  let line = 1;
  let recordLine = 1;
  let bytesRead = 0;
  /** Bytes before the current chunk, and the position in it: records report where they end. */
  let chunkStart = 0;
  let chunkBytes = 0;
  let position = 0;
  let first = true;
  const out: CsvRecord[] = [];

  const endField = () => {
    fields.push(field);
    field = '';
    quoted = false;
  };
  const endRecord = () => {
    const lastQuoted = quoted;
    if (whitespace) {
      if (field !== '' || quoted) endField();
    } else endField();
    const blank = fields.length === 0 || (fields.length === 1 && fields[0] === '' && !lastQuoted);
    if (!blank) out.push({ fields, line: recordLine, bytesRead: chunkStart + Math.min(position, chunkBytes) });
    fields = [];
    field = '';
    quoted = false;
  };

  const consume = (text: string) => {
    let start = 0;
    if (first && text.length > 0) {
      first = false;
      if (text.charCodeAt(0) === 0xfeff) start = 1;
    }
    for (let i = start; i < text.length; i++) {
      const c = text[i]!;
      if (skipLf) {
        skipLf = false;
        if (c === '\n') continue;
      }
      if (inQuotes) {
        if (quoteSeen) {
          quoteSeen = false;
          if (c === '"') {
            field += '"';
            continue;
          }
          inQuotes = false;
          // fall through: c is the character after the closing quote
        } else if (c === '"') {
          quoteSeen = true;
          continue;
        } else {
          if (c === '\n') line++;
          else if (c === '\r') {
            line++;
            if (text[i + 1] === '\n') {
              field += '\r\n';
              i++;
              continue;
            }
          }
          field += c;
          if (field.length > maxField)
            throw new CsvSyntaxError(
              recordLine,
              `a quoted field is longer than ${maxField} characters (unterminated quote?)`,
            );
          continue;
        }
      }
      if (c === '\n' || c === '\r') {
        line++;
        // Characters, not bytes: exact for ASCII, close enough for a progress bar otherwise.
        position = i + 1;
        endRecord();
        recordLine = line;
        if (c === '\r') {
          if (i + 1 < text.length) {
            if (text[i + 1] === '\n') i++;
          } else skipLf = true;
        }
        continue;
      }
      if (whitespace ? c === ' ' || c === '\t' : c === delimiter) {
        if (whitespace) {
          if (field !== '' || quoted) endField();
        } else endField();
        continue;
      }
      if (c === '"' && field === '' && !quoted) {
        inQuotes = true;
        quoted = true;
        continue;
      }
      field += c;
      if (field.length > maxField)
        throw new CsvSyntaxError(recordLine, `a field is longer than ${maxField} characters`);
    }
  };

  for await (const chunk of input) {
    chunkStart = bytesRead;
    chunkBytes = typeof chunk === 'string' ? Buffer.byteLength(chunk) : chunk.length;
    bytesRead += chunkBytes;
    position = 0;
    consume(typeof chunk === 'string' ? chunk : decoder.write(chunk));
    // Yield outside the character loop: a generator cannot yield from inside `consume`.
    for (const record of out) yield record;
    out.length = 0;
  }
  chunkStart = bytesRead;
  chunkBytes = 0;
  consume(decoder.end());
  if (inQuotes && !quoteSeen)
    throw new CsvSyntaxError(recordLine, 'a quoted field is not closed before the end of the file');
  position = 0;
  if (field !== '' || fields.length > 0 || quoted) endRecord();
  for (const record of out) yield record;
}
