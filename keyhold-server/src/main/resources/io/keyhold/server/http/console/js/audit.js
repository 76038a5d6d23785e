// The audit log (GET /v1/audit with the verification of its hash chain, GET /v1/audit/verify) and the open
// connections (GET /v1/connections): administrators' pages.
import {h, replace, field, when} from './dom.js';
import {get, query} from './api.js';
import {pageHead, problemNote} from './ui.js';
import {go} from './app.js';
import {auditTable} from './objects.js';

const PAGE = 100;

function verification(v) {
  if (v.intact) {
    return h('div', {class: 'note ok', id: 'audit-verify', dataset: {intact: 'true'}},
      h('strong', {}, 'Hash chain intact'), ` — ${v.verified} records verified`,
      v.head ? [', head #', String(v.head.sequence), ' ', h('code', {}, v.head.hash || '')] : '');
  }
  return h('div', {class: 'note bad', id: 'audit-verify', dataset: {intact: 'false'}},
    h('strong', {}, 'Hash chain broken'), ` — ${v.verified} records verified`,
    v.problem ? ['; record #', String(v.problem.sequence), ': ', v.problem.message || ''] : '');
}

export async function auditLog(root, ctx) {
  const p = ctx.params;
  const offset = Math.max(0, parseInt(p.get('offset') || '0', 10) || 0);
  const filters = {object: p.get('object') || '', identity: p.get('identity') || '', operation: p.get('operation') || ''};
  const input = (name, placeholder) => h('input', {type: 'text', name, value: filters[name], placeholder});
  const form = h('form', {class: 'filters', id: 'audit-filters', onsubmit: event => {
    event.preventDefault();
    const d = new FormData(form);
    go('audit', {object: d.get('object').trim(), identity: d.get('identity').trim(), operation: d.get('operation').trim()});
  }},
  field('Object', input('object', 'Unique Identifier')),
  field('Identity', input('identity', 'e.g. client1')),
  field('Operation', input('operation', 'e.g. Revoke')),
  h('button', {type: 'submit'}, 'Filter'),
  h('button', {type: 'button', class: 'secondary', onclick: () => go('audit')}, 'Clear'));

  const verifySlot = h('div', {class: 'verify'}, h('div', {class: 'note'}, 'Verifying the hash chain…'));
  const page = await get('/v1/audit' + query({...filters, limit: PAGE, offset}));
  if (!ctx.current()) return;
  const pager = h('div', {class: 'pager'},
    h('span', {}, page.items.length ? `records ${offset + 1}–${offset + page.items.length}` : 'No record matches'),
    h('div', {class: 'actions'},
      h('button', {type: 'button', class: 'secondary', disabled: offset === 0,
        onclick: () => go('audit', {...filters, offset: Math.max(0, offset - PAGE)})}, 'Previous'),
      h('button', {type: 'button', class: 'secondary', disabled: page.next == null,
        onclick: () => go('audit', {...filters, offset: page.next})}, 'Next')));
  replace(root,
    pageHead('Audit log', 'Every KMIP operation and grant change, oldest first, chained by SHA-256'),
    verifySlot,
    h('div', {class: 'panel'}, form),
    h('div', {class: 'panel', id: 'audit-records'}, page.items.length ? auditTable(page.items) : null, pager));
  try {
    const v = await get('/v1/audit/verify');
    if (ctx.current()) replace(verifySlot, verification(v));
  } catch (e) {
    if (ctx.current()) replace(verifySlot, problemNote(e));
  }
}

export async function connections(root, ctx) {
  const c = await get('/v1/connections');
  if (!ctx.current()) return;
  const items = (c.kmip && c.kmip.items) || [];
  replace(root,
    pageHead('Connections', 'KMIP connections open now (from a completed TLS handshake until they close)',
      h('button', {type: 'button', class: 'secondary', onclick: () => go('connections')}, 'Refresh')),
    h('div', {class: 'grid cols-2'},
      h('div', {class: 'panel stat'}, h('div', {class: 'label'}, 'KMIP connections'), h('div', {class: 'value'}, String(c.kmip ? c.kmip.count : 0))),
      h('div', {class: 'panel stat'}, h('div', {class: 'label'}, 'HTTPS connections'), h('div', {class: 'value'}, String(c.https ? c.https.count : 0)),
        h('div', {class: 'hint'}, 'this console\'s included'))),
    h('div', {class: 'panel'},
      items.length
        ? h('table', {id: 'connections'},
          h('thead', {}, h('tr', {}, ['Id', 'Identity', 'Remote', 'Protocol', 'Cipher suite', 'Opened', 'Requests'].map(t => h('th', {}, t)))),
          h('tbody', {}, items.map(k => h('tr', {},
            h('td', {class: 'mono'}, String(k.id)), h('td', {}, k.identity || ''), h('td', {class: 'mono'}, k.remote || ''),
            h('td', {}, k.protocol || ''), h('td', {class: 'mono'}, k.cipherSuite || ''), h('td', {}, when(k.opened)),
            h('td', {}, String(k.requests))))))
        : h('p', {class: 'muted'}, 'No KMIP connection is open.')));
}
