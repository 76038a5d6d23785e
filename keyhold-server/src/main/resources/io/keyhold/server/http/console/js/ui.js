// Shared page furniture: the message bar, the confirmation dialog, problem documents.
import {h, replace} from './dom.js';
import {ApiError} from './api.js';

const flashEl = () => document.getElementById('flash');

/** Shows a message above the page (kind 'info' or 'error'); cleared on the next navigation. */
export function flash(kind, title, detail) {
  const el = flashEl();
  el.className = 'flash ' + kind;
  replace(el, h('strong', {}, title), detail ? h('span', {class: 'detail'}, detail) : null);
  el.hidden = false;
}

let keepOnce = false;

/** As flash, for a message that must outlive the navigation that follows (to the page of a created object). */
export function flashAcross(kind, title, detail) {
  flash(kind, title, detail);
  keepOnce = true;
}

/** Clears the message on navigation, except one flashAcross just showed. */
export function clearOnNavigation() {
  if (keepOnce) keepOnce = false;
  else clearFlash();
}

export function clearFlash() {
  const el = flashEl();
  el.hidden = true;
  el.replaceChildren();
}

/** Shows a failed call: the problem document's title and detail. */
export function showError(error, what) {
  if (error instanceof ApiError) {
    const p = error.problem || {};
    const title = (what ? what + ': ' : '') + (p.title || 'The request failed') + (error.status ? ` (${error.status})` : '');
    flash('error', title, p.detail || '');
  } else {
    flash('error', what || 'Something went wrong', String(error && error.message || error));
  }
}

/** A note in the page for a failed call (a panel that could not be filled). */
export function problemNote(error) {
  const p = error instanceof ApiError ? error.problem : {title: String(error)};
  return h('div', {class: 'note bad'}, h('strong', {}, p.title || 'The request failed'), p.detail ? ' — ' + p.detail : '');
}

/**
 * Asks for confirmation in a modal dialog; resolves true when confirmed. {extra} is an element (form fields)
 * shown between the text and the buttons.
 */
export function confirmDialog({title, text, ok = 'Confirm', danger = true, extra = null}) {
  const dialog = document.getElementById('confirm');
  replace(document.getElementById('confirm-title'), title);
  replace(document.getElementById('confirm-text'), text);
  replace(document.getElementById('confirm-extra'), extra);
  const okButton = document.getElementById('confirm-ok');
  okButton.textContent = ok;
  okButton.className = danger ? 'danger' : '';
  dialog.returnValue = '';
  return new Promise(resolve => {
    dialog.addEventListener('close', () => resolve(dialog.returnValue === 'ok'), {once: true});
    dialog.showModal();
  });
}

/** A page heading with an optional sub-title and actions on the right. */
export function pageHead(title, sub, ...actions) {
  return h('div', {class: 'page-head'},
    h('div', {}, h('h1', {}, title), sub ? h('div', {class: 'sub'}, sub) : null),
    actions.length ? h('div', {class: 'actions'}, actions) : null);
}
