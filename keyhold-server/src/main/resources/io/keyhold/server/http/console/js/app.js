// The Keyhold console: a single page with hash routing (#/objects, #/objects/ID, …). Every piece of data comes
// from the REST API under /v1, as the caller the API token (or the browser's client certificate) names.
import {h, replace} from './dom.js';
import {get, token, setToken, ApiError} from './api.js';
import {clearFlash, clearOnNavigation, flash, showError} from './ui.js';
import {dashboard} from './dashboard.js';
import {objectList, objectDetail} from './objects.js';
import {createKey, registerObject} from './forms.js';
import {auditLog, connections} from './audit.js';

const main = () => document.getElementById('main');
const routes = [
  [/^dashboard$/, dashboard, 'dashboard'],
  [/^objects$/, objectList, 'objects'],
  [/^objects\/(.+)$/, objectDetail, 'objects'],
  [/^create$/, createKey, 'create'],
  [/^register$/, registerObject, 'register'],
  [/^audit$/, auditLog, 'audit'],
  [/^connections$/, connections, 'connections'],
];

let signedIn = null;   // null: not known yet; false; or 'token' / 'certificate'
let cleanup = null;    // what the current page stops when left (the dashboard's polling)
let generation = 0;    // pages check it after each await: a newer navigation wins

/** The route of the hash: its path and its query parameters. */
export function location() {
  const raw = window.location.hash.replace(/^#\/?/, '');
  const at = raw.indexOf('?');
  const path = at < 0 ? raw : raw.slice(0, at);
  return {path: decodeURI(path), params: new URLSearchParams(at < 0 ? '' : raw.slice(at + 1))};
}

/** Goes to a page ('objects', {name: 'x'}). */
export function go(path, params) {
  const q = params ? new URLSearchParams(Object.entries(params).filter(([, v]) => v !== '' && v != null)).toString() : '';
  const hash = '#/' + path + (q ? '?' + q : '');
  if (window.location.hash === hash) render();
  else window.location.hash = hash;
}

function setChrome() {
  document.getElementById('nav').hidden = !signedIn;
  document.getElementById('who').hidden = !signedIn;
  replace(document.getElementById('who-name'), signedIn === 'token' ? 'Signed in with an API token'
    : signedIn === 'certificate' ? 'Signed in with a client certificate' : '');
}

/** Whether the server accepts the caller: the token if one is kept, else the browser's certificate. */
async function probe() {
  try {
    await get('/v1/status');
    signedIn = token() ? 'token' : 'certificate';
  } catch (e) {
    if (!(e instanceof ApiError) || e.status !== 401) throw e;
    if (token()) setToken(null);
    signedIn = false;
  }
}

function signInPage(root) {
  const input = h('input', {type: 'password', name: 'token', id: 'token', autocomplete: 'off', required: true,
    placeholder: 'kh_…', spellcheck: 'false'});
  const form = h('form', {class: 'panel', id: 'signin-form', onsubmit: async event => {
    event.preventDefault();
    clearFlash();
    setToken(input.value.trim());
    try {
      await probe();
    } catch (e) {
      showError(e, 'Sign-in failed');
      return;
    }
    if (!signedIn) {
      flash('error', 'Sign-in failed', 'the API token is unknown, expired or revoked');
      return;
    }
    setChrome();
    go('dashboard');
  }},
  h('h2', {}, 'Sign in'),
  h('p', {}, 'Paste an API token (create one with ', h('code', {}, 'keyhold token create --identity NAME'),
    '). It is kept in this browser tab only and sent as a Bearer token. A browser holding a client certificate ',
    'issued by the server\'s CA is signed in without a token.'),
  h('label', {}, 'API token', input),
  h('div', {class: 'actions'}, h('button', {type: 'submit', id: 'signin'}, 'Sign in')));
  replace(root, h('div', {class: 'signin'}, form));
  input.focus();
}

async function render() {
  const gen = ++generation;
  if (cleanup) {
    cleanup();
    cleanup = null;
  }
  clearOnNavigation();
  const root = main();
  if (signedIn === null) {
    try {
      await probe();
    } catch (e) {
      replace(root);
      showError(e, 'The server cannot be reached');
      return;
    }
    setChrome();
  }
  if (gen !== generation) return;
  const {path, params} = location();
  if (!signedIn) {
    signInPage(root);
    return;
  }
  const found = routes.map(([re, page, nav]) => [path.match(re), page, nav]).find(([m]) => m)
    || [[], dashboard, 'dashboard'];
  const [match, page, nav] = found;
  for (const a of document.querySelectorAll('#nav a')) a.classList.toggle('active', a.dataset.page === nav);
  replace(root, h('p', {class: 'muted'}, 'Loading…'));
  const ctx = {
    params,
    args: match.slice(1).map(decodeURIComponent),
    current: () => gen === generation,
    onLeave: fn => { cleanup = fn; },
  };
  try {
    await page(root, ctx);
  } catch (e) {
    if (!ctx.current()) return;
    replace(root);
    showError(e);
  }
}

window.addEventListener('hashchange', render);
window.addEventListener('keyhold:unauthenticated', () => {
  if (signedIn) {
    signedIn = false;
    setToken(null);
    setChrome();
    signInPage(main());
    flash('error', 'Signed out', 'the server no longer accepts the API token; sign in again');
  }
});
document.getElementById('sign-out').addEventListener('click', () => {
  setToken(null);
  signedIn = null;
  window.location.hash = '#/dashboard';
  render();
});
render();
