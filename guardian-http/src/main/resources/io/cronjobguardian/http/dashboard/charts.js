// Inline SVG charts of one CronJob's runs: a timeline, a duration chart and a day x hour heatmap.
import { svg, time, duration } from './dom.js';

const OK = '#2da44e';
const FAIL = '#cf222e';
const MISSED = '#8250df';
const OTHER = '#9a6700';

function dayTicks(from, to, x, y0, y1) {
  const out = [];
  const day = 86400000;
  const span = to - from;
  const step = span > 20 * day ? 7 * day : span > 4 * day ? day : span > day / 2 ? day / 4 : day / 24;
  let t = Math.ceil(from / step) * step;
  for (let i = 0; t <= to && i < 60; t += step, i++) {
    const d = new Date(t);
    const label = step >= day ? (d.getUTCMonth() + 1) + '/' + d.getUTCDate()
      : String(d.getUTCHours()).padStart(2, '0') + ':00';
    out.push(svg('line', { x1: x(t), x2: x(t), y1: y0, y2: y1, stroke: '#e1e4e8' }));
    out.push(svg('text', { x: x(t) + 2, y: y1 + 12 }, label));
  }
  return out;
}

function span(runs, slots) {
  const times = [];
  runs.forEach((r) => times.push(Date.parse(r.startTime || r.scheduledTime)));
  (slots || []).forEach((s) => times.push(Date.parse(s.time)));
  if (times.length === 0) {
    const now = Date.now();
    return [now - 86400000, now];
  }
  let from = Math.min(...times);
  let to = Math.max(...times);
  if (to - from < 3600000) {
    from -= 1800000;
    to += 1800000;
  }
  const pad = (to - from) * 0.03;
  return [from - pad, to + pad];
}

/**
 * Runs on a time line: successes and failures on their own rows, missed slots marked on a third.
 * @param runs executions (newest first), slots from /slots (may be empty)
 */
export function timeline(runs, slots) {
  const W = 1000, H = 110, L = 70, R = 10;
  const [from, to] = span(runs, slots);
  const x = (t) => L + ((t - from) / (to - from)) * (W - L - R);
  const rows = { ok: 22, fail: 48, missed: 74 };
  const g = svg('svg', { viewBox: `0 0 ${W} ${H}`, class: 'chart', role: 'img',
    'aria-label': `Timeline of ${runs.length} runs and ${slots.filter((s) => s.state === 'missed').length} missed slots` });
  g.append(...dayTicks(from, to, x, 8, 84));
  g.append(svg('text', { x: 4, y: rows.ok + 4 }, 'succeeded'), svg('text', { x: 4, y: rows.fail + 4 }, 'failed'),
    svg('text', { x: 4, y: rows.missed + 4 }, 'missed'));
  for (const r of runs) {
    const t = Date.parse(r.startTime || r.scheduledTime);
    const failed = r.status === 'failed';
    const cy = failed ? rows.fail : rows.ok;
    const color = failed ? FAIL : r.status === 'succeeded' ? OK : OTHER;
    g.append(svg('circle', { cx: x(t).toFixed(1), cy, r: 4.5, fill: color, class: 'run-' + r.status },
      svg('title', {}, `${r.jobName}: ${r.status}, started ${time(r.startTime)}, ${duration(r.durationSeconds)}`)));
  }
  for (const s of slots) {
    if (s.state !== 'missed') {
      continue;
    }
    const cx = x(Date.parse(s.time));
    g.append(svg('path', { d: `M${cx} ${rows.missed - 6} l6 6 l-6 6 l-6 -6 z`, fill: '#fff', stroke: MISSED,
      'stroke-width': 2, class: 'missed-slot' }, svg('title', {}, `missed slot ${time(s.time)}`)));
  }
  return g;
}

/**
 * Durations of finished runs over time, successes and failures apart, with the SLA's maxDuration and the P95 as
 * horizontal lines.
 */
export function durations(runs, maxDurationSeconds, p95Seconds) {
  const W = 1000, H = 240, L = 70, R = 10, T = 12, B = 28;
  const finished = runs.filter((r) => r.durationSeconds !== null && r.durationSeconds !== undefined);
  const [from, to] = span(finished, []);
  let top = Math.max(1, ...finished.map((r) => r.durationSeconds), maxDurationSeconds || 0, p95Seconds || 0) * 1.12;
  const x = (t) => L + ((t - from) / (to - from)) * (W - L - R);
  const y = (v) => H - B - (v / top) * (H - B - T);
  const g = svg('svg', { viewBox: `0 0 ${W} ${H}`, class: 'chart', role: 'img',
    'aria-label': `Durations of ${finished.length} runs` });
  g.append(...dayTicks(from, to, x, T, H - B));
  for (let i = 0; i <= 4; i++) {
    const v = (top / 4) * i;
    g.append(svg('line', { x1: L, x2: W - R, y1: y(v), y2: y(v), stroke: '#eef0f2' }),
      svg('text', { x: 4, y: y(v) + 4 }, duration(v)));
  }
  const line = (v, color, label, cls, atLeft) => {
    if (v === null || v === undefined) {
      return;
    }
    g.append(svg('line', { x1: L, x2: W - R, y1: y(v), y2: y(v), stroke: color, 'stroke-width': 2,
      'stroke-dasharray': '6 4', class: cls }, svg('title', {}, `${label}: ${duration(v)}`)),
    svg('text', { x: atLeft ? L + 4 : W - R - 4, y: y(v) - 4, 'text-anchor': atLeft ? 'start' : 'end',
      'font-weight': 'bold' }, `${label} ${duration(v)}`));
  };
  line(maxDurationSeconds, '#8a6100', 'maxDuration', 'line-max', true);
  line(p95Seconds, '#0969da', 'P95', 'line-p95', false);
  for (const r of finished) {
    const cx = x(Date.parse(r.startTime)).toFixed(1);
    const cy = y(r.durationSeconds).toFixed(1);
    const tip = svg('title', {}, `${r.jobName}: ${r.status}, ${duration(r.durationSeconds)}`);
    if (r.status === 'failed') {
      g.append(svg('rect', { x: cx - 4, y: cy - 4, width: 8, height: 8, fill: FAIL, class: 'dur-failed' }, tip));
    } else {
      g.append(svg('circle', { cx, cy, r: 4, fill: OK, class: 'dur-succeeded' }, tip));
    }
  }
  return g;
}

/** Runs by day (rows) and hour (columns) from /heatmap: green for successes, red for any failure. */
export function heatmap(data) {
  const days = [];
  const first = new Date(data.from + 'T00:00:00Z');
  const last = new Date(data.to + 'T00:00:00Z');
  for (let d = first; d <= last; d = new Date(d.getTime() + 86400000)) {
    days.push(d.toISOString().substring(0, 10));
  }
  const cells = new Map(data.cells.map((c) => [c.date + ' ' + c.hour, c]));
  const max = Math.max(1, ...data.cells.map((c) => c.succeeded + c.failed + c.other));
  const C = 22, RH = 14, L = 84, T = 18;
  const W = L + 24 * C + 4, H = T + days.length * RH + 4;
  const g = svg('svg', { viewBox: `0 0 ${W} ${H}`, class: 'chart heatmap', role: 'img',
    'aria-label': `Runs by day and hour (${data.zone}) from ${data.from} to ${data.to}` });
  for (let h = 0; h < 24; h += 3) {
    g.append(svg('text', { x: L + h * C + 2, y: 12 }, String(h).padStart(2, '0')));
  }
  days.forEach((day, i) => {
    g.append(svg('text', { x: 2, y: T + i * RH + 11 }, day));
    for (let h = 0; h < 24; h++) {
      const c = cells.get(day + ' ' + h);
      let fill = '#f0f2f4';
      let tip = `${day} ${String(h).padStart(2, '0')}:00 — no run`;
      if (c) {
        const n = c.succeeded + c.failed + c.other;
        const a = 0.35 + 0.65 * (n / max);
        fill = c.failed > 0 ? `rgba(207,34,46,${a.toFixed(2)})` : `rgba(45,164,78,${a.toFixed(2)})`;
        tip = `${day} ${String(h).padStart(2, '0')}:00 — ${c.succeeded} succeeded, ${c.failed} failed`
          + (c.other ? `, ${c.other} other` : '');
      }
      g.append(svg('rect', { x: L + h * C, y: T + i * RH, width: C - 2, height: RH - 2, rx: 2, fill,
        class: c ? (c.failed > 0 ? 'hm-failed' : 'hm-ok') : 'hm-none' }, svg('title', {}, tip)));
    }
  });
  return g;
}
