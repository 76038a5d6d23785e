// Building DOM nodes safely: text is always inserted as text (textContent / text nodes), never parsed as HTML.

/**
 * An element: h('a', {href: '#/objects', class: 'x', onclick: fn, dataset: {id: '1'}}, 'text', child, ...).
 * Strings and numbers become text nodes; null, undefined and false are skipped; arrays are flattened.
 */
export function h(tag, attrs, ...children) {
  const el = document.createElement(tag);
  for (const [key, value] of Object.entries(attrs || {})) {
    if (value === null || value === undefined || value === false) continue;
    if (key === 'class') el.className = value;
    else if (key === 'dataset') Object.assign(el.dataset, value);
    else if (key.startsWith('on') && typeof value === 'function') el.addEventListener(key.slice(2), value);
    else if (key === 'value') el.value = value;
    else if (value === true) el.setAttribute(key, '');
    else el.setAttribute(key, String(value));
  }
  append(el, children);
  return el;
}

function append(el, children) {
  for (const child of children) {
    if (child === null || child === undefined || child === false) continue;
    if (Array.isArray(child)) append(el, child);
    else if (child instanceof Node) el.appendChild(child);
    else el.appendChild(document.createTextNode(String(child)));
  }
}

/** Replaces an element's children. */
export function replace(el, ...children) {
  el.replaceChildren();
  append(el, children);
  return el;
}

/** A select with options given as strings or [value, label] pairs, the current value selected. */
export function select(name, options, current, attrs = {}) {
  return h('select', {name, ...attrs}, options.map(o => {
    const [value, label] = Array.isArray(o) ? o : [o, o];
    return h('option', {value, selected: value === (current ?? '')}, label);
  }));
}

/** A labelled field. */
export function field(label, control, cls) {
  return h('label', {class: cls}, label, control);
}

/** The link to an object's page. */
export function objectHref(id) {
  return '#/objects/' + encodeURIComponent(id);
}

/** A state badge ("Pre-Active" → class state-pre-active). */
export function stateBadge(state) {
  if (!state) return h('span', {class: 'muted'}, '—');
  const cls = 'badge state-' + String(state).toLowerCase().replace(/[^a-z]+/g, '-');
  return h('span', {class: cls, dataset: {state}}, state);
}

/** An ISO-8601 instant for people (local time, to the second); the ISO text as a tooltip. */
export function when(iso) {
  if (!iso) return h('span', {class: 'muted'}, '—');
  const d = new Date(iso);
  if (Number.isNaN(d.getTime())) return String(iso);
  const pad = n => String(n).padStart(2, '0');
  const text = `${d.getFullYear()}-${pad(d.getMonth() + 1)}-${pad(d.getDate())} ${pad(d.getHours())}:${pad(d.getMinutes())}:${pad(d.getSeconds())}`;
  return h('time', {datetime: iso, title: iso}, text);
}

/** An attribute value as text: structures and arrays as compact JSON. */
export function valueText(value) {
  if (value === null || value === undefined) return '';
  if (typeof value === 'object') {
    if (Array.isArray(value) && value.every(v => typeof v !== 'object')) return value.join(', ');
    return JSON.stringify(value);
  }
  return String(value);
}

/** A duration in seconds for people. */
export function duration(seconds) {
  const s = Math.max(0, Math.floor(seconds || 0));
  const d = Math.floor(s / 86400), hr = Math.floor(s % 86400 / 3600), m = Math.floor(s % 3600 / 60);
  if (d) return `${d}d ${hr}h ${m}m`;
  if (hr) return `${hr}h ${m}m`;
  if (m) return `${m}m ${s % 60}s`;
  return `${s}s`;
}
