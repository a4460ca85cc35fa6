// Small DOM helpers: elements are built, never parsed from strings (no HTML injection).

/** el('td', {class: 'num', title: 'x'}, child, 'text', ...) */
export function el(tag, attrs = {}, ...children) {
  const e = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs || {})) {
    if (v === undefined || v === null || v === false) {
      continue;
    }
    if (k.startsWith('on') && typeof v === 'function') {
      e.addEventListener(k.substring(2), v);
    } else if (k === 'class') {
      e.className = v;
    } else {
      e.setAttribute(k, v === true ? '' : v);
    }
  }
  append(e, children);
  return e;
}

export function append(parent, children) {
  for (const c of children.flat(Infinity)) {
    if (c === undefined || c === null || c === false) {
      continue;
    }
    parent.append(c instanceof Node ? c : document.createTextNode(String(c)));
  }
  return parent;
}

const SVG = 'http://www.w3.org/2000/svg';

/** An SVG element with attributes. */
export function svg(tag, attrs = {}, ...children) {
  const e = document.createElementNS(SVG, tag);
  for (const [k, v] of Object.entries(attrs || {})) {
    if (v !== undefined && v !== null) {
      e.setAttribute(k, String(v));
    }
  }
  for (const c of children.flat(Infinity)) {
    if (c === undefined || c === null || c === false) {
      continue;
    }
    e.append(c instanceof Node ? c : document.createTextNode(String(c)));
  }
  return e;
}

const pad = (n) => String(n).padStart(2, '0');

/** "2026-06-01 14:05 UTC" (times are shown in UTC so that every replica and reader sees the same). */
export function time(iso) {
  if (!iso) {
    return '—';
  }
  const d = new Date(iso);
  return d.getUTCFullYear() + '-' + pad(d.getUTCMonth() + 1) + '-' + pad(d.getUTCDate()) + ' '
    + pad(d.getUTCHours()) + ':' + pad(d.getUTCMinutes()) + ' UTC';
}

/** A <time> element with the full timestamp as its datetime and title. */
export function timeEl(iso) {
  if (!iso) {
    return el('span', { class: 'muted' }, '—');
  }
  return el('time', { datetime: iso, title: iso }, time(iso));
}

/** 42 s, 3m 05s, 2h 10m, 3d 4h */
export function duration(seconds) {
  if (seconds === null || seconds === undefined) {
    return '—';
  }
  const s = Number(seconds);
  if (s < 60) {
    return (s < 10 ? s.toFixed(1) : Math.round(s)) + ' s';
  }
  if (s < 3600) {
    return Math.floor(s / 60) + 'm ' + pad(Math.round(s % 60)) + 's';
  }
  if (s < 86400) {
    return Math.floor(s / 3600) + 'h ' + pad(Math.floor((s % 3600) / 60)) + 'm';
  }
  return Math.floor(s / 86400) + 'd ' + Math.floor((s % 86400) / 3600) + 'h';
}

export function percent(v) {
  return v === null || v === undefined ? '—' : (Math.round(v * 10) / 10) + ' %';
}

/** A coloured badge for a state word (healthy, failed, open ...). */
export function badge(state, text) {
  const s = String(state || 'unknown').toLowerCase();
  return el('span', { class: 'badge s-' + s }, text || s);
}

export function number(n) {
  return n === null || n === undefined ? '—' : Number(n).toLocaleString('en-US');
}
