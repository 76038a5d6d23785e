// Reading the server's Prometheus text (/metrics) into the sums the dashboard charts.

/** The samples of a Prometheus text exposition: [{name, labels: {k: v}, value}]. */
export function parsePrometheus(text) {
  const out = [];
  const line = /^([a-zA-Z_:][a-zA-Z0-9_:]*)(?:\{(.*)\})?\s+(\S+)/;
  const pair = /([a-zA-Z_][a-zA-Z0-9_]*)="((?:[^"\\]|\\.)*)"/g;
  for (const raw of text.split('\n')) {
    if (!raw || raw.startsWith('#')) continue;
    const m = raw.match(line);
    if (!m) continue;
    const labels = {};
    for (const p of (m[2] || '').matchAll(pair)) labels[p[1]] = p[2].replace(/\\(.)/g, (_, c) => (c === 'n' ? '\n' : c));
    out.push({name: m[1], labels, value: Number(m[3])});
  }
  return out;
}

/**
 * One reading of the counters: KMIP batch items answered (all, and those that failed), per operation, and
 * the count and total time of their answers.
 */
export function reading(text, time) {
  const r = {time, requests: 0, failures: 0, seconds: 0, timed: 0, byOperation: {}};
  for (const s of parsePrometheus(text)) {
    if (!Number.isFinite(s.value)) continue;
    if (s.name === 'keyhold_kmip_requests_total') {
      r.requests += s.value;
      if (s.labels.result && s.labels.result !== 'success' && s.labels.result !== 'pending') r.failures += s.value;
      const op = s.labels.operation || 'other';
      r.byOperation[op] = (r.byOperation[op] || 0) + s.value;
    } else if (s.name === 'keyhold_kmip_request_seconds_sum') {
      r.seconds += s.value;
    } else if (s.name === 'keyhold_kmip_request_seconds_count') {
      r.timed += s.value;
    }
  }
  return r;
}

/** Rates between consecutive readings: [time, requests per second] and [time, mean latency in ms or null]. */
export function rates(readings) {
  const rate = [], latency = [];
  for (let i = 1; i < readings.length; i++) {
    const a = readings[i - 1], b = readings[i];
    const dt = (b.time - a.time) / 1000;
    if (dt <= 0) continue;
    const dReq = b.requests - a.requests;
    rate.push([b.time, dReq < 0 ? null : dReq / dt]);   // a restart resets the counters
    const dCount = b.timed - a.timed;
    latency.push([b.time, dCount > 0 ? (b.seconds - a.seconds) / dCount * 1000 : null]);
  }
  return {rate, latency};
}
