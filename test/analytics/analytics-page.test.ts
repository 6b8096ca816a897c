/**
 * The live analytics page in headless Chromium (test/support/chromium.ts, driven by playwright-core): it loads, shows
 * the counts, and updates when plays arrive through the real FirehoseClient.
 */
import { FirehoseClient, PutRecordBatchCommand } from '@aws-sdk/client-firehose';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { launchChromium } from '../support/chromium.js';
import { type AnalyticsServer, startAnalyticsServer } from './analytics-server.js';

const T0 = 1_714_557_600; // 2024-05-01T10:00:00Z

function playLine(n: number, itemId: string, contentType: 'song' | 'podcast', secondsAfter: number) {
  const timestamp = T0 + secondsAfter;
  const minute = `${new Date(Math.floor(timestamp / 60) * 60_000).toISOString().slice(0, 16)}:00Z`;
  return { Data: Buffer.from(`${JSON.stringify({ event_id: `e${n}`, item_id: itemId, content_type: contentType, minute, timestamp })}\n`) };
}

describe('analytics live page', () => {
  let server: AnalyticsServer;
  let browser: Browser;
  let page: Page;
  let firehose: FirehoseClient;

  beforeAll(async () => {
    server = await startAnalyticsServer(['music-listens']);
    firehose = new FirehoseClient({
      region: 'us-east-1',
      endpoint: server.analytics.firehoseEndpoint(server.baseUrl),
      credentials: { accessKeyId: 'local', secretAccessKey: 'local' },
    });
    browser = await launchChromium();
    page = await browser.newPage();
  });
  afterAll(async () => {
    await browser?.close();
    firehose?.destroy();
    await server?.close();
  });

  const text = (selector: string) => page.locator(selector).textContent();

  it('loads, shows the counts, and updates when plays arrive', async () => {
    await firehose.send(
      new PutRecordBatchCommand({
        DeliveryStreamName: 'music-listens',
        Records: [playLine(1, 's0001', 'song', 5), playLine(2, 's0001', 'song', 10), playLine(3, 'p0001', 'podcast', 20)],
      }),
    );
    const response = await page.goto(`${server.baseUrl}/analytics`);
    expect(response?.status()).toBe(200);
    expect(await page.title()).toBe('mesh · analytics');

    await expect.poll(() => text('#total-plays'), { timeout: 5000 }).toBe('3');
    expect(await text('#plays-song')).toBe('2');
    expect(await text('#plays-podcast')).toBe('1');
    expect(await page.locator('#per-minute tbody tr').count()).toBe(1);
    expect(await text('#per-minute tr[data-minute="2024-05-01T10:00:00Z"] .song-plays')).toBe('2');
    expect(await text('#top-items tbody tr:first-child')).toBe('s0001song2');
    expect(await text('#status')).toMatch(/^live/);

    // New plays, a new minute, and a redelivered one that must not count.
    const started = performance.now();
    await firehose.send(
      new PutRecordBatchCommand({
        DeliveryStreamName: 'music-listens',
        Records: [
          playLine(4, 'p0001', 'podcast', 70),
          playLine(5, 'p0001', 'podcast', 75),
          playLine(6, 'p0001', 'podcast', 80),
          playLine(3, 'p0001', 'podcast', 20),
        ],
      }),
    );
    await expect.poll(() => text('#total-plays'), { timeout: 5000 }).toBe('6');
    const updateMs = performance.now() - started;
    expect(await text('#plays-podcast')).toBe('4');
    expect(await page.locator('#per-minute tbody tr').count()).toBe(2);
    // Newest minute first.
    expect(await page.locator('#per-minute tbody tr').first().getAttribute('data-minute')).toBe('2024-05-01T10:01:00Z');
    expect(await text('#per-minute tr[data-minute="2024-05-01T10:01:00Z"] .podcast-plays')).toBe('3');
    expect(await text('#top-items tbody tr:first-child')).toBe('p0001podcast4');
    expect(updateMs).toBeLessThan(5000);
    console.log(`page showed the new plays ${updateMs.toFixed(0)} ms after PutRecordBatch returned`);
  });
});
