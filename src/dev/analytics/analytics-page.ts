/**
 * The analytics domain's live page (`GET /analytics`): plays per minute by content type, and the top items. Plain
 * HTML and a little JS that polls `GET /analytics/summary` every second; values are written with textContent only.
 */

export const SUMMARY_PATH = '/analytics/summary';
export const POLL_INTERVAL_MS = 1000;

export function analyticsPageHtml(title = 'mesh · analytics'): string {
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>${escapeHtml(title)}</title>
<style>
  :root { font-family: system-ui, sans-serif; color: #1d1d1f; background: #fafafa; }
  body { max-width: 960px; margin: 2rem auto; padding: 0 1rem; }
  h1 { font-size: 1.4rem; margin-bottom: 0.2rem; }
  #status { color: #666; font-size: 0.85rem; }
  #status.offline { color: #b00020; }
  .totals { display: flex; gap: 1rem; margin: 1.2rem 0; }
  .total { background: #fff; border: 1px solid #ddd; border-radius: 8px; padding: 0.8rem 1.2rem; min-width: 8rem; }
  .total .value { font-size: 1.8rem; font-variant-numeric: tabular-nums; }
  .total .label { color: #666; font-size: 0.85rem; }
  section { display: inline-block; vertical-align: top; margin-right: 2rem; }
  table { border-collapse: collapse; font-variant-numeric: tabular-nums; }
  th, td { padding: 0.25rem 0.6rem; text-align: right; border-bottom: 1px solid #eee; }
  th:first-child, td:first-child { text-align: left; }
  td.bars { text-align: left; width: 130px; }
  .bar { display: inline-block; height: 0.7rem; vertical-align: middle; }
  .song { background: #3b82f6; }
  .podcast { background: #f59e0b; }
  .empty { color: #888; font-style: italic; }
</style>
</head>
<body>
<h1>Listening analytics</h1>
<div id="status">connecting…</div>
<div class="totals">
  <div class="total"><div class="value" id="total-plays">0</div><div class="label">plays</div></div>
  <div class="total"><div class="value" id="plays-song">0</div><div class="label"><span class="bar song" style="width:0.7rem"></span> songs</div></div>
  <div class="total"><div class="value" id="plays-podcast">0</div><div class="label"><span class="bar podcast" style="width:0.7rem"></span> podcasts</div></div>
</div>
<section>
  <h2>Plays per minute</h2>
  <table id="per-minute">
    <thead><tr><th>minute (UTC)</th><th>songs</th><th>podcasts</th><th></th></tr></thead>
    <tbody></tbody>
  </table>
</section>
<section>
  <h2>Top items</h2>
  <table id="top-items">
    <thead><tr><th>item</th><th>type</th><th>plays</th></tr></thead>
    <tbody></tbody>
  </table>
</section>
<script>
(() => {
  const summaryUrl = ${JSON.stringify(SUMMARY_PATH)};
  const $ = (id) => document.getElementById(id);
  const cell = (text, className) => {
    const td = document.createElement('td');
    td.textContent = String(text);
    if (className) td.className = className;
    return td;
  };
  const emptyRow = (columns, text) => {
    const tr = document.createElement('tr');
    const td = cell(text, 'empty');
    td.colSpan = columns;
    tr.append(td);
    return tr;
  };
  function render(summary) {
    $('total-plays').textContent = String(summary.totalPlays);
    $('plays-song').textContent = String(summary.byContentType.song);
    $('plays-podcast').textContent = String(summary.byContentType.podcast);

    const minutes = $('per-minute').tBodies[0];
    const peak = Math.max(1, ...summary.perMinute.map((m) => m.song + m.podcast));
    const minuteRows = summary.perMinute.slice().reverse().map((m) => {
      const tr = document.createElement('tr');
      tr.dataset.minute = m.minute;
      const bars = document.createElement('td');
      bars.className = 'bars';
      for (const [kind, n] of [['song', m.song], ['podcast', m.podcast]]) {
        const bar = document.createElement('span');
        bar.className = 'bar ' + kind;
        bar.style.width = (120 * n / peak).toFixed(1) + 'px';
        bars.append(bar);
      }
      tr.append(cell(m.minute.slice(0, 16).replace('T', ' ')), cell(m.song, 'song-plays'), cell(m.podcast, 'podcast-plays'), bars);
      return tr;
    });
    minutes.replaceChildren(...(minuteRows.length ? minuteRows : [emptyRow(4, 'no plays yet')]));

    const top = $('top-items').tBodies[0];
    const topRows = summary.topItems.map((item) => {
      const tr = document.createElement('tr');
      tr.dataset.item = item.itemId;
      tr.append(cell(item.itemId), cell(item.contentType), cell(item.plays, 'item-plays'));
      return tr;
    });
    top.replaceChildren(...(topRows.length ? topRows : [emptyRow(3, 'no plays yet')]));
  }
  async function poll() {
    try {
      const response = await fetch(summaryUrl, { cache: 'no-store' });
      if (!response.ok) throw new Error('HTTP ' + response.status);
      render(await response.json());
      $('status').className = '';
      $('status').textContent = 'live · updated ' + new Date().toLocaleTimeString();
    } catch (error) {
      $('status').className = 'offline';
      $('status').textContent = 'offline (' + error.message + '), retrying…';
    } finally {
      setTimeout(poll, ${POLL_INTERVAL_MS});
    }
  }
  poll();
})();
</script>
</body>
</html>
`;
}

function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c] ?? c);
}
