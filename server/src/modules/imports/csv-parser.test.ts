import { Readable } from 'node:stream';
import { describe, expect, test } from 'vitest';
import { type CsvOptions, CsvSyntaxError, parseCsv } from './csv-parser.ts';

async function parse(chunks: (string | Buffer)[], options?: CsvOptions) {
  const out: { fields: string[]; line: number }[] = [];
  for await (const record of parseCsv(Readable.from(chunks), options))
    out.push({ fields: record.fields, line: record.line });
  return out;
}

/** Every split of the input into two chunks must give the same records as the whole. */
async function parseEverySplit(text: string, options?: CsvOptions) {
  const whole = await parse([text], options);
  const bytes = Buffer.from(text);
  for (let at = 1; at < bytes.length; at++)
    expect(await parse([bytes.subarray(0, at), bytes.subarray(at)], options), `split at byte ${at}`).toEqual(whole);
  return whole;
}

describe('parseCsv', () => {
  test.each([
    [
      'simple rows',
      'a,b,c\n1,2,3\n',
      [
        ['a', 'b', 'c'],
        ['1', '2', '3'],
      ],
    ],
    [
      'no final newline',
      'a,b\n1,2',
      [
        ['a', 'b'],
        ['1', '2'],
      ],
    ],
    [
      'CRLF line ends',
      'a,b\r\n1,2\r\n',
      [
        ['a', 'b'],
        ['1', '2'],
      ],
    ],
    [
      'lone CR line ends',
      'a,b\r1,2\r',
      [
        ['a', 'b'],
        ['1', '2'],
      ],
    ],
    ['empty fields', ',a,,\n', [['', 'a', '', '']]],
    ['quoted comma', '"Smith, John",2\n', [['Smith, John', '2']]],
    ['escaped quotes', '"say ""hi""",x\n', [['say "hi"', 'x']]],
    ['quoted newline', '"line 1\nline 2",x\n', [['line 1\nline 2', 'x']]],
    ['quoted CRLF', '"a\r\nb",x\r\n', [['a\r\nb', 'x']]],
    ['empty quoted field', '"",x\n', [['', 'x']]],
    ['a quote inside an unquoted field is a character', 'a"b,c\n', [['a"b', 'c']]],
    ['text after a closing quote is kept', '"a"b,c\n', [['ab', 'c']]],
    ['blank lines are skipped', 'a\n\n\r\nb\n', [['a'], ['b']]],
    ['a BOM is dropped', '\uFEFFa,b\n', [['a', 'b']]],
    ['multi-byte characters', 'ä,€,😀\n', [['ä', '€', '😀']]],
  ])('%s', async (_name, text, expected) => {
    const records = await parseEverySplit(text);
    expect(records.map((record) => record.fields)).toEqual(expected);
  });

  test('line numbers are where a record starts, counting quoted newlines', async () => {
    const records = await parse(['h1,h2\n"a\nb",1\n\nc,2\r\nd,3\n']);
    expect(records.map((record) => record.line)).toEqual([1, 2, 5, 6]);
  });

  test('other delimiters', async () => {
    expect((await parse(['a;b;"c;d"\n'], { delimiter: ';' }))[0]!.fields).toEqual(['a', 'b', 'c;d']);
    expect((await parse(['a\tb\t\tc\n'], { delimiter: '\t' }))[0]!.fields).toEqual(['a', 'b', '', 'c']);
  });

  test('whitespace-separated columns (runs of spaces and tabs, leading spaces ignored)', async () => {
    const records = await parseEverySplit(' 00004 0001 19970101  2   29.33\r\n 00021\t0002 19970101 3 63.34\n', {
      delimiter: 'whitespace',
    });
    expect(records.map((record) => record.fields)).toEqual([
      ['00004', '0001', '19970101', '2', '29.33'],
      ['00021', '0002', '19970101', '3', '63.34'],
    ]);
  });

  test('an unterminated quote is an error naming the line, not a silent swallow', async () => {
    await expect(parse(['a,b\n"open,x\ny,z\n'])).rejects.toThrow(
      new CsvSyntaxError(2, 'a quoted field is not closed before the end of the file'),
    );
    await expect(parse(['"', 'x'.repeat(50), '\n'], { maxFieldLength: 20 })).rejects.toThrow(
      /line 1: a quoted field is longer than 20/,
    );
  });

  test('reports bytes read for progress', async () => {
    const records: number[] = [];
    for await (const record of parseCsv(Readable.from([Buffer.from('a,b\n'), Buffer.from('c,d\n')])))
      records.push(record.bytesRead);
    expect(records).toEqual([4, 8]);
  });

  test('streams: a large input is parsed chunk by chunk without collecting it', async () => {
    const rows = 200_000;
    async function* generate() {
      for (let i = 0; i < rows; i += 1000) {
        let chunk = '';
        for (let j = i; j < i + 1000; j++) chunk += `${j},"name, ${j}",3.39\n`;
        yield chunk;
      }
    }
    let count = 0;
    let last: string[] = [];
    for await (const record of parseCsv(generate())) {
      count++;
      last = record.fields;
    }
    expect(count).toBe(rows);
    expect(last).toEqual([String(rows - 1), `name, ${rows - 1}`, '3.39']);
  });
});
