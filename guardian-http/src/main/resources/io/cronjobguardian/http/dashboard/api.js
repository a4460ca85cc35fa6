// The HTTP API, reached by a URL relative to this page (the server writes it into <meta name="guardian-api">).
const meta = document.querySelector('meta[name="guardian-api"]');
const root = new URL(meta ? meta.content : '../', document.baseURI);
const TOKEN_KEY = 'guardian-token';

/** An error answered by the API (status and message) or a network failure (status 0). */
export class ApiError extends Error {
  constructor(status, message) {
    super(message);
    this.status = status;
  }
}

/** The absolute URL of an API path such as "api/v1/cronjobs", with query parameters (empty ones left out). */
export function url(path, params = {}) {
  const u = new URL(path, root);
  for (const [k, v] of Object.entries(params)) {
    if (v !== undefined && v !== null && v !== '') {
      u.searchParams.set(k, v);
    }
  }
  return u;
}

/** The bearer token the user gave for actions in this browser tab, if any. */
export function token() {
  return sessionStorage.getItem(TOKEN_KEY);
}

export function setToken(value) {
  if (value) {
    sessionStorage.setItem(TOKEN_KEY, value);
  } else {
    sessionStorage.removeItem(TOKEN_KEY);
  }
}

function headers(extra = {}) {
  const h = { Accept: 'application/json', ...extra };
  const t = token();
  if (t) {
    h.Authorization = 'Bearer ' + t;
  }
  return h;
}

async function read(response) {
  let body = null;
  const text = await response.text();
  try {
    body = text ? JSON.parse(text) : null;
  } catch (e) {
    body = null;
  }
  if (!response.ok) {
    throw new ApiError(response.status, (body && body.error) || (response.status + ' ' + response.statusText));
  }
  return body;
}

/** GET a JSON resource. */
export async function get(path, params) {
  let response;
  try {
    response = await fetch(url(path, params), { headers: headers(), credentials: 'same-origin' });
  } catch (e) {
    throw new ApiError(0, 'the server cannot be reached (' + e.message + ')');
  }
  return read(response);
}

/** POST an action (JSON body). */
export async function post(path, body) {
  let response;
  try {
    response = await fetch(url(path), {
      method: 'POST', credentials: 'same-origin',
      headers: headers({ 'Content-Type': 'application/json' }), body: JSON.stringify(body || {}),
    });
  } catch (e) {
    throw new ApiError(0, 'the server cannot be reached (' + e.message + ')');
  }
  return read(response);
}

/** DELETE through an action (JSON body). */
export async function del(path, body) {
  let response;
  try {
    response = await fetch(url(path), {
      method: 'DELETE', credentials: 'same-origin',
      headers: headers({ 'Content-Type': 'application/json' }), body: JSON.stringify(body || {}),
    });
  } catch (e) {
    throw new ApiError(0, 'the server cannot be reached (' + e.message + ')');
  }
  return read(response);
}

/** Path segment, encoded. */
export function seg(s) {
  return encodeURIComponent(s);
}
