// Calls to the REST API (/v1) as the signed-in caller: an API token sent as Bearer, or else the browser's
// client certificate (the TLS connection carries it; nothing to send).

const TOKEN_KEY = 'keyhold.console.token';

export function token() {
  return sessionStorage.getItem(TOKEN_KEY);
}

export function setToken(value) {
  if (value) sessionStorage.setItem(TOKEN_KEY, value);
  else sessionStorage.removeItem(TOKEN_KEY);
}

/** A failed call: the HTTP status and the problem document (RFC 9457) the server answered. */
export class ApiError extends Error {
  constructor(status, problem) {
    super(problem.detail || problem.title || `HTTP ${status}`);
    this.status = status;
    this.problem = problem;
  }
}

function headers(accept, body) {
  const h = {Accept: accept};
  const t = token();
  if (t) h.Authorization = 'Bearer ' + t;
  if (body !== undefined) h['Content-Type'] = 'application/json';
  return h;
}

async function problemOf(response) {
  const type = response.headers.get('content-type') || '';
  if (type.includes('json')) {
    try {
      return await response.json();
    } catch (e) {
      // fall through
    }
  }
  return {title: `HTTP ${response.status} ${response.statusText}`.trim(), status: response.status};
}

/** Sends a request; answers the parsed JSON body (null for 204) or throws an ApiError. */
export async function api(method, path, body) {
  let response;
  try {
    response = await fetch(path, {
      method, headers: headers('application/json', body), cache: 'no-store', credentials: 'same-origin',
      body: body === undefined ? undefined : JSON.stringify(body),
    });
  } catch (e) {
    throw new ApiError(0, {title: 'The server cannot be reached', detail: String(e.message || e)});
  }
  if (!response.ok) {
    const problem = await problemOf(response);
    const error = new ApiError(response.status, problem);
    if (response.status === 401) window.dispatchEvent(new CustomEvent('keyhold:unauthenticated', {detail: error}));
    throw error;
  }
  if (response.status === 204) return null;
  const type = response.headers.get('content-type') || '';
  return type.includes('json') ? response.json() : response.text();
}

export const get = path => api('GET', path);
export const post = (path, body) => api('POST', path, body);
export const del = path => api('DELETE', path);

/** The Prometheus text of /metrics. */
export async function metricsText() {
  const response = await fetch('/metrics', {headers: headers('text/plain'), cache: 'no-store', credentials: 'same-origin'});
  if (!response.ok) throw new ApiError(response.status, await problemOf(response));
  return response.text();
}

/** A query string of the non-empty parameters. */
export function query(params) {
  const q = new URLSearchParams();
  for (const [k, v] of Object.entries(params)) {
    if (v !== undefined && v !== null && v !== '') q.set(k, v);
  }
  const s = q.toString();
  return s ? '?' + s : '';
}
