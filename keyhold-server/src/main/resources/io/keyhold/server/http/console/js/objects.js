// Managed objects: the list (GET /v1/objects with filters and paging) and one object's page (its metadata,
// lifecycle actions and, for administrators, its audit trail).
import {h, replace, select, field, objectHref, stateBadge, when, valueText} from './dom.js';
import {get, post, del, query, ApiError} from './api.js';
import {pageHead, problemNote, confirmDialog, flash, flashAcross, showError} from './ui.js';
import {go} from './app.js';

export const TYPES = ['Symmetric Key', 'Private Key', 'Public Key', 'Secret Data', 'Certificate', 'Opaque Object', 'Split Key'];
export const STATES = ['Pre-Active', 'Active', 'Deactivated', 'Compromised', 'Destroyed', 'Destroyed Compromised'];
const ALGORITHMS = ['AES', '3DES', 'ChaCha20', 'Camellia', 'HMAC-SHA1', 'HMAC-SHA256', 'HMAC-SHA384', 'HMAC-SHA512',
  'RSA', 'EC', 'ECDSA', 'Ed25519', 'Ed448'];
const REASONS = ['Unspecified', 'Key Compromise', 'CA Compromise', 'Affiliation Changed', 'Superseded',
  'Cessation of Operation', 'Privilege Withdrawn'];
const PAGE = 25;

export async function objectList(root, ctx) {
  const p = ctx.params;
  const offset = Math.max(0, parseInt(p.get('offset') || '0', 10) || 0);
  const filters = {name: p.get('name') || '', type: p.get('type') || '', state: p.get('state') || '',
    algorithm: p.get('algorithm') || ''};

  const nameInput = h('input', {type: 'search', name: 'name', value: filters.name, placeholder: 'exact Name'});
  const form = h('form', {class: 'filters', id: 'object-filters', onsubmit: event => {
    event.preventDefault();
    const data = new FormData(form);
    go('objects', {name: data.get('name').trim(), type: data.get('type'), state: data.get('state'),
      algorithm: data.get('algorithm')});
  }},
  field('Name', nameInput),
  field('Type', select('type', [['', 'Any type'], ...TYPES], filters.type)),
  field('State', select('state', [['', 'Any state (not destroyed)'], ...STATES], filters.state)),
  field('Algorithm', select('algorithm', [['', 'Any algorithm'], ...ALGORITHMS], filters.algorithm)),
  h('button', {type: 'submit', id: 'search'}, 'Search'),
  h('button', {type: 'button', class: 'secondary', onclick: () => go('objects')}, 'Clear'));

  const page = await get('/v1/objects' + query({...filters, limit: PAGE, offset}));
  if (!ctx.current()) return;

  const rows = page.items.map(o => h('tr', {dataset: {id: o.id}},
    h('td', {}, h('a', {href: objectHref(o.id), class: 'object-link'}, o.name || '(no name)')),
    h('td', {}, o.type || ''),
    h('td', {}, stateBadge(o.state)),
    h('td', {}, [o.algorithm, o.length ? String(o.length) : null].filter(Boolean).join(' ')),
    h('td', {}, when(o.created)),
    h('td', {class: 'mono muted'}, o.id)));
  const last = offset + page.items.length;
  const pager = h('div', {class: 'pager'},
    h('span', {id: 'object-count'}, page.total ? `${offset + 1}–${last} of ${page.total}` : 'No object matches'),
    h('div', {class: 'actions'},
      h('button', {type: 'button', class: 'secondary', disabled: offset === 0,
        onclick: () => go('objects', {...filters, offset: Math.max(0, offset - PAGE)})}, 'Previous'),
      h('button', {type: 'button', class: 'secondary', disabled: last >= page.total,
        onclick: () => go('objects', {...filters, offset: offset + PAGE})}, 'Next')));

  replace(root,
    pageHead('Objects', 'Managed objects this caller may see, oldest first',
      h('a', {href: '#/create'}, h('button', {type: 'button'}, 'Create key')),
      h('a', {href: '#/register'}, h('button', {type: 'button', class: 'secondary'}, 'Register'))),
    h('div', {class: 'panel'}, form),
    h('div', {class: 'panel'},
      h('table', {id: 'objects'},
        h('thead', {}, h('tr', {}, ['Name', 'Type', 'State', 'Algorithm', 'Created', 'Unique Identifier'].map(t => h('th', {}, t)))),
        h('tbody', {}, rows.length ? rows : h('tr', {}, h('td', {colspan: 6, class: 'muted'}, 'No object matches these filters')))),
      pager));
}

function kvTable(entries, id) {
  return h('table', {class: 'kv', id}, h('tbody', {}, entries.map(([k, v]) => h('tr', {}, h('th', {}, k),
    h('td', {class: 'wrap'}, v instanceof Node ? v : valueText(v))))));
}

const DATE_LABELS = {initial: 'Initial', activation: 'Activation', deactivation: 'Deactivation',
  processStart: 'Process Start', protectStop: 'Protect Stop', compromise: 'Compromise',
  compromiseOccurrence: 'Compromise Occurrence', destroy: 'Destroy', archive: 'Archive', lastChange: 'Last Change',
  originalCreation: 'Original Creation'};

/** The revocation fields; an object that is not Active may only be revoked as compromised. */
function revokeFields(state) {
  const active = state === 'Active';
  const reasons = active ? REASONS : REASONS.filter(r => r.endsWith('Compromise'));
  const reason = select('reason', reasons, active ? 'Cessation of Operation' : 'Key Compromise', {id: 'revoke-reason'});
  const message = h('input', {type: 'text', name: 'message', id: 'revoke-message', maxlength: 200, placeholder: 'optional'});
  return {reason, message, el: h('div', {}, field('Revocation reason', reason), field('Message', message))};
}

async function lifecycle(id, o, action) {
  try {
    if (action === 'activate') {
      if (!await confirmDialog({title: 'Activate this object?', ok: 'Activate', danger: false,
        text: `"${o.name || id}" becomes Active: it may then be used for every operation its usage mask allows.`})) return;
      await post(`/v1/objects/${encodeURIComponent(id)}/activate`);
      flash('info', 'Activated', o.name || id);
    } else if (action === 'revoke') {
      const f = revokeFields(o.state);
      if (!await confirmDialog({title: 'Revoke this object?', ok: 'Revoke', extra: f.el,
        text: o.state === 'Active'
          ? `"${o.name || id}" will no longer protect new data. A compromise reason makes it Compromised, any other reason Deactivated.`
          : `"${o.name || id}" is not Active: it can only be revoked as compromised, and is then marked compromised.`})) return;
      const body = {reason: f.reason.value};
      if (f.message.value.trim()) body.message = f.message.value.trim();
      if (f.reason.value.endsWith('Compromise')) body.compromiseDate = new Date().toISOString().replace(/\.\d+Z$/, 'Z');
      await post(`/v1/objects/${encodeURIComponent(id)}/revoke`, body);
      flash('info', 'Revoked', `${o.name || id} (${f.reason.value})`);
    } else if (action === 're-key') {
      if (!await confirmDialog({title: 'Re-key this object?', ok: 'Re-key', danger: false,
        text: `A replacement key is created with the same attributes, linked to "${o.name || id}".`})) return;
      const created = await post(`/v1/objects/${encodeURIComponent(id)}/re-key`);
      flashAcross('info', 'Re-keyed', 'the replacement is ' + created.id);
      go('objects/' + encodeURIComponent(created.id));
      return;
    } else if (action === 'destroy') {
      if (!await confirmDialog({title: 'Destroy this object?', ok: 'Destroy',
        text: `The key material of "${o.name || id}" is erased for good; its metadata stays, in state Destroyed. This cannot be undone.`})) return;
      await del(`/v1/objects/${encodeURIComponent(id)}`);
      flash('info', 'Destroyed', o.name || id);
    }
  } catch (e) {
    showError(e, 'The ' + action + ' failed');
    return;
  }
  try {
    await reloadDetail(id);
  } catch (e) {
    showError(e);
  }
}

let reloadDetail = async () => {};

export async function objectDetail(root, ctx) {
  const id = ctx.args[0];
  reloadDetail = async () => {
    if (ctx.current()) await renderDetail(root, ctx, id);
  };
  await renderDetail(root, ctx, id);
}

async function renderDetail(root, ctx, id) {
  const o = await get('/v1/objects/' + encodeURIComponent(id));
  if (!ctx.current()) return;
  const state = o.state || '';
  const destroyed = state.startsWith('Destroyed');
  const canActivate = state === 'Pre-Active';
  // KMIP: any reason revokes an Active object, a compromise also a Pre-Active, Deactivated or Destroyed one;
  // Destroy refuses an Active object
  const canRevoke = ['Pre-Active', 'Active', 'Deactivated', 'Destroyed'].includes(state);
  const canDestroy = !destroyed && state !== 'Active';
  const canRekey = o.type === 'Symmetric Key' && !destroyed;
  const button = (action, label, cls) => h('button', {type: 'button', class: cls, dataset: {action},
    onclick: () => lifecycle(id, o, action)}, label);

  const summary = kvTable([
    ['Unique Identifier', h('span', {class: 'mono', id: 'object-id'}, o.id)],
    ['Object Type', o.type],
    ['State', h('span', {id: 'object-state'}, stateBadge(state))],
    ['Names', o.names && o.names.length ? o.names : '—'],
    ['Algorithm', [o.algorithm, o.length ? o.length + ' bits' : null].filter(Boolean).join(', ') || '—'],
    ['Usage', o.usage && o.usage.length ? o.usage : '—'],
  ], 'object-summary');
  const dates = Object.entries(o.dates || {});
  const links = o.links || [];
  const attributes = Object.entries(o.attributes || {}).sort((a, b) => a[0].localeCompare(b[0]));
  const audit = h('div', {id: 'object-audit'}, h('p', {class: 'muted'}, 'Loading…'));

  replace(root,
    pageHead(o.name || o.id, h('span', {}, o.type || '', ' · ', stateBadge(state)),
      canActivate ? button('activate', 'Activate') : null,
      canRekey ? button('re-key', 'Re-key', 'secondary') : null,
      canRevoke ? button('revoke', 'Revoke', 'danger') : null,
      canDestroy ? button('destroy', 'Destroy', 'danger') : null),
    h('div', {class: 'grid cols-2'},
      h('div', {class: 'panel'}, h('h2', {}, 'Summary'), summary),
      h('div', {class: 'panel'}, h('h2', {}, 'State and dates'),
        kvTable([['State', stateBadge(state)], ...dates.map(([k, v]) => [(DATE_LABELS[k] || k) + ' Date', when(v)])], 'object-dates'),
        h('h2', {class: 'spaced'}, 'Related objects'),
        links.length
          ? h('table', {id: 'object-links'}, h('tbody', {}, links.map(l => h('tr', {},
            h('th', {}, l.type), h('td', {}, h('a', {href: objectHref(l.id), class: 'mono'}, l.id))))))
          : h('p', {class: 'muted'}, 'No link to another object.'))),
    h('div', {class: 'panel'}, h('h2', {}, 'Audit trail'), audit),
    h('div', {class: 'panel'}, h('h2', {}, 'All attributes'), kvTable(attributes, 'object-attributes')));

  try {
    const trail = await get('/v1/audit' + query({object: id, limit: 200}));
    if (!ctx.current()) return;
    replace(audit, trail.items.length ? auditTable(trail.items, false) : h('p', {class: 'muted'}, 'No audit record names this object.'));
  } catch (e) {
    if (!ctx.current()) return;
    replace(audit, e instanceof ApiError && e.status === 403
      ? h('div', {class: 'note'}, 'The audit trail is shown to administrators only (access.administrators): it names other clients and their addresses.')
      : problemNote(e));
  }
}

/** A table of audit records; {withObjects} adds the objects column. */
export function auditTable(items, withObjects = true) {
  return h('table', {class: 'audit'},
    h('thead', {}, h('tr', {}, ['#', 'Time', 'Identity', 'Remote', 'Operation', withObjects ? 'Objects' : null, 'Result']
      .filter(Boolean).map(t => h('th', {}, t)))),
    h('tbody', {}, items.map(r => h('tr', {dataset: {operation: r.operation || '', sequence: String(r.sequence)}},
      h('td', {class: 'mono'}, String(r.sequence)),
      h('td', {class: 'nowrap'}, when(r.time)),
      h('td', {}, r.identity || ''),
      h('td', {class: 'mono muted nowrap'}, r.remote || ''),
      h('td', {class: 'operation nowrap'}, r.operation || ''),
      withObjects ? h('td', {}, (r.objects || []).slice(0, 3).map((id, i) => [i ? ', ' : '',
        h('a', {href: objectHref(id), class: 'mono'}, id.length > 13 ? id.slice(0, 8) + '…' : id)]),
      r.objectCount > 3 ? ` +${r.objectCount - 3}` : '') : null,
      h('td', {}, h('span', {class: 'badge ' + (r.result === 'Success' ? 'ok' : 'bad')}, r.result || ''),
        r.reason ? h('div', {class: 'muted'}, r.reason) : null,
        r.detail ? h('div', {class: 'muted'}, r.detail) : null)))));
}
