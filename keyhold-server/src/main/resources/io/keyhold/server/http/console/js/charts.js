// Line charts drawn by hand on a <canvas>: a time series of [time in ms, value or null] points.

const COLORS = {line: '#2f6fb0', fill: 'rgba(47, 111, 176, 0.12)', grid: '#e6ebf0', axis: '#5f6b7a'};

/** A "nice" upper bound for the axis (1, 2 or 5 times a power of ten) and the grid steps up to it. */
function niceScale(value) {
  if (!(value > 0)) return {max: 1, steps: 4};
  const p = Math.pow(10, Math.floor(Math.log10(value)));
  for (const m of [1, 2, 5, 10]) {
    if (value <= m * p) return {max: m * p, steps: m === 2 ? 4 : 5};
  }
  return {max: 10 * p, steps: 5};
}

function label(value) {
  if (Number.isInteger(value) && value < 1000) return String(value);
  if (value >= 1000) return (value / 1000).toFixed(value >= 10000 ? 0 : 1) + 'k';
  if (value >= 10 || value === 0) return value.toFixed(0);
  if (value >= 1) return value.toFixed(1);
  return value.toPrecision(2);
}

/**
 * Draws the series on the canvas, sized to its CSS box and the screen's pixel ratio. {windowMs} is the time
 * span of the x axis, ending at the last point; {unit} follows the y labels.
 */
export function drawLineChart(canvas, points, {windowMs, unit = ''}) {
  const ratio = window.devicePixelRatio || 1;
  const width = canvas.clientWidth || 600;
  const height = canvas.clientHeight || 200;
  canvas.width = Math.round(width * ratio);
  canvas.height = Math.round(height * ratio);
  const g = canvas.getContext('2d');
  g.setTransform(ratio, 0, 0, ratio, 0, 0);
  g.clearRect(0, 0, width, height);
  g.font = '11px system-ui, sans-serif';

  const left = 48, right = 12, top = 10, bottom = 22;
  const plotW = width - left - right, plotH = height - top - bottom;
  const values = points.map(p => p[1]).filter(v => v !== null && Number.isFinite(v));
  const {max, steps} = niceScale(Math.max(0, ...values) * 1.1);
  const end = points.length ? points[points.length - 1][0] : Date.now();
  const start = end - windowMs;
  const x = t => left + (t - start) / windowMs * plotW;
  const y = v => top + plotH - v / max * plotH;

  // grid and y labels
  g.strokeStyle = COLORS.grid;
  g.fillStyle = COLORS.axis;
  g.lineWidth = 1;
  g.textAlign = 'right';
  g.textBaseline = 'middle';
  for (let i = 0; i <= steps; i++) {
    const v = max * i / steps;
    const yy = Math.round(y(v)) + 0.5;
    g.beginPath();
    g.moveTo(left, yy);
    g.lineTo(left + plotW, yy);
    g.stroke();
    g.fillText(label(v) + unit, left - 6, yy);
  }
  // x labels: seconds before now
  g.textAlign = 'center';
  g.textBaseline = 'top';
  const stepS = windowMs >= 240000 ? 60 : 30;
  for (let s = 0; s * 1000 <= windowMs; s += stepS) {
    g.fillText(s === 0 ? 'now' : `-${s >= 60 ? s / 60 + 'm' : s + 's'}`, x(end - s * 1000), top + plotH + 6);
  }

  // the series, broken where a value is missing
  const runs = [];
  let run = [];
  for (const [t, v] of points) {
    if (t < start) continue;
    if (v === null || !Number.isFinite(v)) {
      if (run.length) runs.push(run);
      run = [];
    } else {
      run.push([x(t), y(v)]);
    }
  }
  if (run.length) runs.push(run);
  for (const r of runs) {
    g.beginPath();
    g.moveTo(r[0][0], top + plotH);
    for (const [px, py] of r) g.lineTo(px, py);
    g.lineTo(r[r.length - 1][0], top + plotH);
    g.closePath();
    g.fillStyle = COLORS.fill;
    g.fill();
    g.beginPath();
    r.forEach(([px, py], i) => (i ? g.lineTo(px, py) : g.moveTo(px, py)));
    g.strokeStyle = COLORS.line;
    g.lineWidth = 2;
    g.stroke();
    if (r.length === 1) {
      g.fillStyle = COLORS.line;
      g.beginPath();
      g.arc(r[0][0], r[0][1], 2.5, 0, Math.PI * 2);
      g.fill();
    }
  }
  if (!values.length) {
    g.fillStyle = COLORS.axis;
    g.textAlign = 'center';
    g.textBaseline = 'middle';
    g.fillText('collecting samples…', left + plotW / 2, top + plotH / 2);
  }
}
