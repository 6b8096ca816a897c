import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Interaction, ItemRecord, UserRecord } from '../../src/personalize/recommender/index.js';
import {
  interactionsToCsv,
  itemsToCsv,
  parseCsv,
  parseInteractionsCsv,
  parseItemsCsv,
  parseUsersCsv,
  readInteractionsCsv,
  readItemsCsv,
  readUsersCsv,
  stringifyCsv,
  usersToCsv,
  writeInteractionsCsv,
  writeItemsCsv,
  writeUsersCsv,
} from '../../src/personalize/recommender/index.js';
import { type AirlineFile, airlineText } from '../data/airline/airline.js';

describe('parseCsv', () => {
  it('reads quoted fields with commas, quotes and line breaks, CRLF, a BOM, and skips blank lines', () => {
    const text = '\uFEFFA,B,C\r\n1,"x, y","say ""hi"""\r\n\r\n2,"two\nlines",\n';
    expect(parseCsv(text)).toEqual({
      header: ['A', 'B', 'C'],
      rows: [
        ['1', 'x, y', 'say "hi"'],
        ['2', 'two\nlines', ''],
      ],
    });
  });

  it('keeps a quoted empty field as a record and reads a last line without newline', () => {
    expect(parseCsv('A\n""\nlast').rows).toEqual([[''], ['last']]);
  });

  it('fails on an unclosed quote', () => {
    expect(() => parseCsv('A,B\n1,"open\n')).toThrow(/unclosed quoted field/);
  });

  it('quotes only what needs quoting when writing, and reads back what it wrote', () => {
    const rows = [['plain', 'a,b', 'he said "x"', 'multi\nline', ' padded']];
    const text = stringifyCsv(['H1', 'H2', 'H3', 'H4', 'H5'], rows);
    expect(text).toBe('H1,H2,H3,H4,H5\nplain,"a,b","he said ""x""","multi\nline"," padded"\n');
    expect(parseCsv(text).rows).toEqual(rows);
  });
});

describe('Personalize CSV datasets', () => {
  const interactions: Interaction[] = [
    { userId: 'u1', itemId: 'i1', timestamp: 1_700_000_000, eventType: 'play', eventValue: 0.5, props: { DEVICE: 'mobile, iOS' } },
    { userId: 'u2', itemId: 'i2', timestamp: 1_700_000_100, eventType: 'like', eventValue: null, props: { DEVICE: null } },
  ];
  const items: ItemRecord[] = [{ itemId: 'i1', props: { GENRE: 'rock|pop', TITLE: 'A "quoted" title' } }];
  const users: UserRecord[] = [{ userId: 'u1', props: { COUNTRY: 'DE' } }];

  it('writes USER_ID, ITEM_ID, TIMESTAMP, EVENT_TYPE, EVENT_VALUE, then metadata columns', () => {
    expect(interactionsToCsv(interactions)).toBe(
      'USER_ID,ITEM_ID,TIMESTAMP,EVENT_TYPE,EVENT_VALUE,DEVICE\nu1,i1,1700000000,play,0.5,"mobile, iOS"\nu2,i2,1700000100,like,,\n',
    );
    expect(itemsToCsv(items)).toBe('ITEM_ID,GENRE,TITLE\ni1,rock|pop,"A ""quoted"" title"\n');
    expect(usersToCsv(users)).toBe('USER_ID,COUNTRY\nu1,DE\n');
  });

  it('round-trips interactions, items and users through CSV', () => {
    expect(parseInteractionsCsv(interactionsToCsv(interactions)).records).toEqual(interactions);
    expect(parseItemsCsv(itemsToCsv(items)).records).toEqual(items);
    expect(parseUsersCsv(usersToCsv(users)).records).toEqual(users);
  });

  it('matches reserved headers case-insensitively in any column order; bad values stay visible for validation', () => {
    const parsed = parseInteractionsCsv('item_id,Timestamp,USER_ID,EXTRA\ni9,,u9,x\ni8,17e8x,u8,\n');
    expect(parsed.header).toEqual(['item_id', 'Timestamp', 'USER_ID', 'EXTRA']);
    expect(parsed.records[0]).toMatchObject({ userId: 'u9', itemId: 'i9', props: { EXTRA: 'x' } });
    expect(parsed.records[0]?.timestamp).toBeNaN();
    expect(parsed.records[1]?.timestamp).toBeNaN();
  });

  it('names the missing column', () => {
    expect(() => parseInteractionsCsv('USER_ID,ITEM_ID\nu,i\n')).toThrow(/no TIMESTAMP column/);
    expect(() => parseItemsCsv('ID,GENRE\n1,x\n')).toThrow(/items CSV has no ITEM_ID column/);
  });

  describe('files', () => {
    let dir = '';
    beforeAll(async () => {
      dir = await mkdtemp(path.join(tmpdir(), 'mesh-engine-csv-'));
    });
    afterAll(async () => {
      await rm(dir, { recursive: true, force: true });
    });

    it('reads the airline dataset (34,853 interactions, 355 items, 24,500 users) and writes it back', async () => {
      const files: AirlineFile[] = ['df_interactions.csv', 'df_item_deduplicated.csv', 'df_users_deduplicated.csv'];
      for (const f of files) await writeFile(path.join(dir, f), airlineText(f));
      const i = await readInteractionsCsv(path.join(dir, 'df_interactions.csv'));
      const it = await readItemsCsv(path.join(dir, 'df_item_deduplicated.csv'));
      const u = await readUsersCsv(path.join(dir, 'df_users_deduplicated.csv'));
      expect([i.records.length, it.records.length, u.records.length]).toEqual([34_853, 355, 24_500]);
      expect(i.records[0]).toEqual({
        userId: '8120125224640029423',
        itemId: '-2996180203100007228',
        timestamp: 1_428_624_000,
        eventType: 'RATING',
        eventValue: 7,
        props: { CABIN_TYPE: 'Economy' },
      });
      await writeInteractionsCsv(path.join(dir, 'i.csv'), i.records);
      await writeItemsCsv(path.join(dir, 'items.csv'), it.records);
      await writeUsersCsv(path.join(dir, 'users.csv'), u.records);
      expect((await readInteractionsCsv(path.join(dir, 'i.csv'))).records).toEqual(i.records);
      expect((await readItemsCsv(path.join(dir, 'items.csv'))).records).toEqual(it.records);
      expect((await readUsersCsv(path.join(dir, 'users.csv'))).records).toEqual(u.records);
      const head = (await readFile(path.join(dir, 'i.csv'), 'utf8')).split('\n')[0];
      expect(head).toBe('USER_ID,ITEM_ID,TIMESTAMP,EVENT_TYPE,EVENT_VALUE,CABIN_TYPE');
    });
  });
});
