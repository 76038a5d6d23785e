// Dashboard: the server's status (/v1/status) and the KMIP request rate and latency, computed here from
// /metrics read every few seconds.
import {h, replace, duration, when} from './dom.js';
import {get, metricsText} from './api.js';
import {pageHead, problemNote} from './ui.js';
import {drawLineChart} from './charts.js';
import {reading, rates} from './metrics.js';

const POLL_MS = 5000;
const WINDOW_MS = 5 * 60 * 1000;
// kept while the tab is open, so that coming back to the dashboard shows the recent past
const readings = [];

function stat(label, value, hint, id) {
  return h('div', {class: 'panel stat', id}, h('div', {class: 'label'}, label), h('div', {class: 'value'}, value),
    hint ? h('div', {class: 'hint'}, hint) : null);
}

function statusPanels(s) {
  const storageUp = s.storage && s.storage.status === 'up';
  return h('div', {class: 'grid cols-4'},
    stat('Server version', s.version || '—', ['up ', duration(s.uptimeSeconds), ' · since ', when(s.startedAt)], 'stat-server'),
    stat('KMIP connections', String(s.kmip ? s.kmip.openConnections : '—'), s.kmip ? 'port ' + s.kmip.port : null, 'stat-kmip'),
    stat('HTTPS connections', String(s.https ? s.https.openConnections : '—'), s.https ? 'port ' + s.https.port : null, 'stat-https'),
    stat('Storage', h('span', {class: 'badge ' + (storageUp ? 'ok' : 'bad')}, storageUp ? 'up' : 'down'),
      [(s.storage && s.storage.engine) || '', ' · audit head ', s.audit && s.audit.headSequence != null ? '#' + s.audit.headSequence : '—'],
      'stat-storage'));
}

function chartPanel(title, id) {
  const canvas = h('canvas', {class: 'chart', id, dataset: {samples: '0'}});
  const now = h('span', {class: 'now', id: id + '-now'}, '—');
  return {canvas, now, panel: h('div', {class: 'panel'}, h('div', {class: 'chart-head'}, h('h2', {}, title), now), canvas)};
}

export async function dashboard(root, ctx) {
  const status = await get('/v1/status');
  if (!ctx.current()) return;
  const rate = chartPanel('KMIP requests per second', 'chart-rate');
  const latency = chartPanel('Mean answer time', 'chart-latency');
  const ops = h('tbody');
  const metricsNote = h('div');
  replace(root,
    pageHead('Dashboard', 'Server status and KMIP traffic (charts sampled every ' + POLL_MS / 1000 + ' s from /metrics)'),
    statusPanels(status),
    metricsNote,
    h('div', {class: 'grid cols-2'}, rate.panel, latency.panel),
    h('div', {class: 'panel'}, h('h2', {}, 'KMIP requests by operation since start'),
      h('table', {}, h('thead', {}, h('tr', {}, h('th', {}, 'Operation'), h('th', {}, 'Batch items'))), ops)));

  const draw = () => {
    const {rate: r, latency: l} = rates(readings);
    drawLineChart(rate.canvas, r, {windowMs: WINDOW_MS, unit: '/s'});
    drawLineChart(latency.canvas, l, {windowMs: WINDOW_MS, unit: ' ms'});
    rate.canvas.dataset.samples = latency.canvas.dataset.samples = String(r.length);
    const lastRate = r.length ? r[r.length - 1][1] : null;
    const lastLatency = l.length ? l[l.length - 1][1] : null;
    rate.now.textContent = lastRate == null ? '—' : lastRate.toFixed(lastRate < 10 ? 2 : 0) + ' /s';
    latency.now.textContent = lastLatency == null ? '—' : lastLatency.toFixed(lastLatency < 10 ? 2 : 1) + ' ms';
    const last = readings[readings.length - 1];
    if (last) {
      const rows = Object.entries(last.byOperation).filter(([, n]) => n > 0).sort((a, b) => b[1] - a[1]);
      replace(ops, rows.length ? rows.map(([op, n]) => h('tr', {}, h('td', {}, op), h('td', {}, String(n))))
        : h('tr', {}, h('td', {colspan: 2, class: 'muted'}, 'No KMIP request answered yet')));
    }
  };

  const poll = async () => {
    try {
      const text = await metricsText();
      const now = Date.now();
      readings.push(reading(text, now));
      while (readings.length && readings[0].time < now - WINDOW_MS - POLL_MS) readings.shift();
      metricsNote.replaceChildren();
    } catch (e) {
      replace(metricsNote, h('div', {class: 'panel'}, problemNote(e)));
    }
    if (ctx.current()) draw();
  };
  const onResize = () => draw();
  window.addEventListener('resize', onResize);
  const timer = setInterval(poll, POLL_MS);
  ctx.onLeave(() => {
    clearInterval(timer);
    window.removeEventListener('resize', onResize);
  });
  draw();
  await poll();
}
