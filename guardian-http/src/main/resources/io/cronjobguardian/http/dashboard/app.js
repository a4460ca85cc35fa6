// CronJob Guardian dashboard: a hash-routed single page over the HTTP API (/api/v1), no framework.
import * as api from './api.js';
import { el, append, timeEl, time, duration, percent, badge, number } from './dom.js';
import { timeline, durations, heatmap } from './charts.js';

/** How often the overview asks the API again (live update), in milliseconds. */
const POLL_MS = 3000;
const PAGE_SIZE = 50;
const STATES = ['healthy', 'warning', 'critical', 'suspended', 'unknown'];

const main = document.getElementById('main');

/** Appends children (arrays flattened, null left out). */
function add(parent, ...children) {
  return append(parent, children);
}
let cleanup = null;      // stops the current page's polling
let generation = 0;      // a render that finishes after the user moved on is dropped
let session = null;      // /api/v1/session: role, actions, authorisation

// ------------------------------------------------------------------ routing

function parseHash() {
  const h = location.hash.replace(/^#/, '') || '/';
  const q = h.indexOf('?');
  const path = (q < 0 ? h : h.substring(0, q)).split('/').filter(Boolean).map(decodeURIComponent);
  const params = new URLSearchParams(q < 0 ? '' : h.substring(q + 1));
  return { path, params };
}

function link(path, params) {
  const p = '#/' + path.map(encodeURIComponent).join('/');
  const s = params ? new URLSearchParams(Object.entries(params).filter(([, v]) => v !== '' && v != null)).toString() : '';
  return s ? p + '?' + s : p;
}

function cronJobLink(ns, name) {
  return el('a', { href: link(['cronjob', ns, name]) }, name);
}

async function route() {
  if (cleanup) {
    cleanup();
    cleanup = null;
  }
  const gen = ++generation;
  const { path, params } = parseHash();
  const page = path[0] || 'overview';
  document.querySelectorAll('nav a[data-page]').forEach((a) => {
    const current = a.dataset.page === page || (page === 'cronjob' && a.dataset.page === 'overview')
      || (page === 'monitor' && a.dataset.page === 'monitors');
    if (current) {
      a.setAttribute('aria-current', 'page');
    } else {
      a.removeAttribute('aria-current');
    }
  });
  const view = el('div', { class: 'page page-' + page });
  const render = {
    overview: () => overview(view, params, gen),
    cronjob: () => cronJob(view, path[1], path[2], gen),
    incidents: () => incidents(view, params, gen),
    channels: () => channels(view, gen),
    monitors: () => monitors(view, gen),
    monitor: () => monitor(view, path[1], path[2], gen),
  }[page];
  main.replaceChildren(view);
  if (!render) {
    add(view, el('h1', {}, 'Not found'), el('p', {}, 'No page ', el('code', {}, location.hash), '. ',
      el('a', { href: '#/' }, 'Back to the overview')));
    return;
  }
  try {
    await render();
  } catch (e) {
    if (gen === generation) {
      add(view, el('p', { class: 'error', role: 'alert' }, e.message));
    }
  }
}

function stale(gen) {
  return gen !== generation;
}

function poll(fn) {
  let busy = false;
  const id = setInterval(async () => {
    if (busy || document.hidden) {
      return;
    }
    busy = true;
    try {
      await fn();
    } catch (e) {
      // shown by the page; the next round tries again
    } finally {
      busy = false;
    }
  }, POLL_MS);
  return () => clearInterval(id);
}

// ------------------------------------------------------------------ header: replica and leader

async function refreshRole() {
  const role = document.getElementById('role');
  try {
    session = await api.get('api/v1/session');
    const leader = session.leader ? 'leader' : 'standby';
    role.replaceChildren(el('span', {}, 'Replica ', el('strong', {}, session.identity)),
      el('span', { class: 'pill', id: 'replica-role' }, leader),
      el('span', { class: 'pill' }, 'leader: ', session.leaderIdentity || 'unknown'));
  } catch (e) {
    role.replaceChildren(el('span', {}, 'API unreachable: ' + e.message));
  }
}

// ------------------------------------------------------------------ overview

async function overview(view, params, gen) {
  const state = {
    namespace: params.get('namespace') || '',
    status: params.get('status') || '',
    search: params.get('search') || '',
    sort: params.get('sort') || 'name',
    order: params.get('order') || 'asc',
    offset: Number(params.get('offset') || 0),
  };
  const setHash = () => {
    history.replaceState(null, '', link([], { namespace: state.namespace, status: state.status,
      search: state.search, sort: state.sort === 'name' ? '' : state.sort, order: state.order === 'asc' ? '' : state.order,
      offset: state.offset || '' }));
  };
  const chips = el('ul', { class: 'chips', 'aria-label': 'CronJobs by state' });
  const nsInput = el('input', { id: 'f-namespace', type: 'search', value: state.namespace, placeholder: 'all',
    autocomplete: 'off' });
  const stSelect = el('select', { id: 'f-status' }, el('option', { value: '' }, 'all'),
    STATES.map((s) => el('option', { value: s, selected: s === state.status }, s)));
  const search = el('input', { id: 'f-search', type: 'search', value: state.search, placeholder: 'name contains',
    autocomplete: 'off' });
  const updated = el('span', { class: 'updated', 'aria-live': 'polite', id: 'updated' });
  const tableWrap = el('div', { class: 'table-wrap' });
  const pager = el('div', { class: 'pager' });
  add(view, el('h1', {}, 'CronJobs'), chips,
    el('form', { class: 'toolbar', role: 'search', onsubmit: (e) => e.preventDefault() },
      el('label', { for: 'f-namespace' }, 'Namespace', nsInput),
      el('label', { for: 'f-status' }, 'State', stSelect),
      el('label', { for: 'f-search' }, 'Search', search), updated),
    tableWrap, pager);

  const columns = [
    ['namespace', 'Namespace', null, 'opt'], ['name', 'Name', 'name'], ['schedule', 'Schedule', null, 'opt'],
    ['status', 'State', 'status'], ['lastRun', 'Last run', 'lastRun'],
    ['successRate', 'Success rate', 'successRate', 'num'], ['p95', 'P95', null, 'num opt'],
    ['nextRun', 'Next run', 'nextRun', 'opt'], ['alerts', 'Open incidents', null, 'num'],
  ];

  async function load() {
    const [list, stats] = await Promise.all([
      api.get('api/v1/cronjobs', { namespace: state.namespace, status: state.status, search: state.search,
        sort: state.sort, order: state.order, limit: PAGE_SIZE, offset: state.offset }),
      api.get('api/v1/stats'),
    ]);
    if (stale(gen)) {
      return;
    }
    renderChips(stats);
    renderTable(list);
    updated.textContent = 'Updated ' + new Date().toLocaleTimeString('en-GB');
    refreshRole();
  }

  // a poll that brings nothing new leaves the page alone; one that does keeps the keyboard focus where it was
  let shownChips = '';
  let shownTable = '';

  function keepFocus(container, render) {
    const active = document.activeElement;
    let selector = null;
    if (active && container.contains(active)) {
      const row = active.closest('tr[data-cronjob]');
      selector = active.dataset.state ? `button[data-state="${active.dataset.state}"]`
        : active.dataset.sort ? `button[data-sort="${active.dataset.sort}"]`
          : row ? `tr[data-cronjob="${CSS.escape(row.dataset.cronjob)}"] ${active.tagName.toLowerCase()}`
            : active.id ? '#' + CSS.escape(active.id) : null;
    }
    render();
    if (selector) {
      const again = container.querySelector(selector);
      if (again) {
        again.focus();
      }
    }
  }

  function renderChips(stats) {
    const key = JSON.stringify([stats.totalCronJobs, stats.summary, state.status]);
    if (key === shownChips) {
      return;
    }
    shownChips = key;
    keepFocus(chips, () => chips.replaceChildren(...[['', 'All', stats.totalCronJobs]].concat(STATES.map((s) => [s, s, stats.summary[s]]))
      .map(([s, label, n]) => el('li', {}, el('button', { type: 'button', 'aria-pressed': String(state.status === s),
        'data-state': s || 'all', class: s ? 'chip s-' + s : 'chip',
        onclick: () => { state.status = s; stSelect.value = s; state.offset = 0; setHash(); load(); } },
      label + ' ', el('strong', { class: 'count' }, number(n)))))));
  }

  function sortHeader([key, label, sortKey, cls]) {
    if (!sortKey) {
      return el('th', { scope: 'col', class: cls }, label);
    }
    const active = state.sort === sortKey;
    return el('th', { scope: 'col', class: cls, 'aria-sort': active ? (state.order === 'desc' ? 'descending' : 'ascending') : null },
      el('button', { type: 'button', 'data-sort': sortKey, onclick: () => {
        state.order = active && state.order === 'asc' ? 'desc' : 'asc';
        state.sort = sortKey;
        state.offset = 0;
        setHash();
        load();
      } }, label));
  }

  function renderTable(list) {
    const key = JSON.stringify([list, state.sort, state.order]);
    if (key === shownTable) {
      return;
    }
    shownTable = key;
    keepFocus(view, () => renderRows(list));
  }

  function renderRows(list) {
    const rows = list.items.map((c) => el('tr', { 'data-cronjob': c.namespace + '/' + c.name },
      el('td', { class: 'opt' }, c.namespace),
      el('td', {}, cronJobLink(c.namespace, c.name)),
      el('td', { class: 'opt nowrap' }, el('code', {}, c.schedule || '—'), el('span', { class: 'reason' }, c.timezone || 'UTC')),
      el('td', {}, badge(c.status), c.problem || c.schedulingProblem
        ? el('span', { class: 'reason problem', title: c.problem || c.schedulingProblem },
          short(c.problem || c.schedulingProblem)) : null,
      c.activeJobs.length ? el('span', { class: 'reason' }, c.activeJobs.length + ' running') : null),
      el('td', { class: 'nowrap last-run' }, c.lastRunStatus ? badge(c.lastRunStatus) : null, ' ', timeEl(c.lastRunAt)),
      el('td', { class: 'num' }, percent(c.successRate), el('span', { class: 'reason' }, number(c.runs) + ' runs')),
      el('td', { class: 'num opt' }, duration(c.p95Seconds)),
      el('td', { class: 'opt nowrap' }, c.suspended ? el('span', { class: 'muted' }, 'suspended') : timeEl(c.nextRun)),
      el('td', { class: 'num' }, c.activeAlerts ? el('a', { href: link(['incidents'], { namespace: c.namespace, cronjob: c.name }),
        class: 'badge s-open' }, String(c.activeAlerts)) : '0')));
    const table = el('table', { id: 'cronjobs' },
      el('caption', { class: 'visually-hidden' }, 'CronJobs, ' + list.pagination.total + ' matching'),
      el('thead', {}, el('tr', {}, columns.map(sortHeader))),
      el('tbody', {}, rows.length ? rows : el('tr', {}, el('td', { colspan: columns.length, class: 'muted' },
        'No CronJob matches.'))));
    tableWrap.replaceChildren(table);
    const p = list.pagination;
    const first = p.total === 0 ? 0 : p.offset + 1;
    pager.replaceChildren(
      el('button', { type: 'button', id: 'prev', disabled: p.offset === 0, onclick: () => {
        state.offset = Math.max(0, state.offset - PAGE_SIZE); setHash(); load(); } }, '‹ Previous'),
      el('span', { id: 'range' }, `${number(first)}–${number(p.offset + list.items.length)} of ${number(p.total)}`),
      el('button', { type: 'button', id: 'next', disabled: !p.hasMore, onclick: () => {
        state.offset += PAGE_SIZE; setHash(); load(); } }, 'Next ›'));
  }

  let timer = null;
  const typed = (input, key) => input.addEventListener('input', () => {
    clearTimeout(timer);
    timer = setTimeout(() => { state[key] = input.value.trim(); state.offset = 0; setHash(); load(); }, 250);
  });
  typed(nsInput, 'namespace');
  typed(search, 'search');
  stSelect.addEventListener('change', () => { state.status = stSelect.value; state.offset = 0; setHash(); load(); });
  await load();
  if (!stale(gen)) {
    cleanup = poll(load);
    window.__guardianOverviewRendered = performance.now();
  }
}

// ------------------------------------------------------------------ one CronJob

async function cronJob(view, ns, name, gen) {
  const base = `api/v1/cronjobs/${api.seg(ns)}/${api.seg(name)}`;
  const [cj, runs, slots, heat, alerts] = await Promise.all([
    api.get(base), api.get(base + '/executions', { limit: 500 }), api.get(base + '/slots'),
    api.get(base + '/heatmap'), api.get('api/v1/alerts', { state: 'all', namespace: ns, cronjob: name, limit: 100 }),
  ]);
  const specs = await Promise.all(cj.monitors.map((id) => {
    const [mns, mname] = id.split('/');
    return api.get(`api/v1/monitors/${api.seg(mns)}/${api.seg(mname)}/spec`);
  }));
  if (stale(gen)) {
    return;
  }
  const sla = specs.map((s) => s.sla).find((s) => s.enabled && s.maxDurationSeconds != null);
  const maxDuration = sla ? sla.maxDurationSeconds : null;
  const csv = api.url(base + '/executions.csv').href;
  add(view, 
    el('p', { class: 'small' }, el('a', { href: '#/' }, '← All CronJobs')),
    el('h1', {}, ns + ' / ' + name, ' ', badge(cj.status)),
    cj.problem || cj.schedulingProblem ? el('p', { class: 'error' }, cj.problem || cj.schedulingProblem) : null,
    el('dl', { class: 'meta' },
      el('dt', {}, 'Schedule'), el('dd', {}, el('code', {}, cj.schedule || '—'), ' (' + (cj.timezone || 'UTC') + ')',
        cj.suspended ? ' — suspended' : ''),
      el('dt', {}, 'Next run'), el('dd', {}, timeEl(cj.nextRun)),
      el('dt', {}, 'Last run'), el('dd', {}, cj.lastRunStatus ? badge(cj.lastRunStatus) : '', ' ', timeEl(cj.lastRunAt)),
      el('dt', {}, 'Monitors'), el('dd', {}, cj.monitors.length ? cj.monitors.map((id, i) => [i ? ', ' : '',
        el('a', { href: link(['monitor', ...id.split('/')]) }, id)]) : 'none'),
      el('dt', {}, 'Export'), el('dd', {}, el('a', { href: csv, download: `${ns}_${name}_runs.csv`, id: 'csv' },
        'Runs as CSV'))),
    el('div', { class: 'cards' },
      card('Success rate (' + (cj.stats.total) + ' runs)', percent(cj.stats.successRate)),
      card('30 days', percent(cj.stats30d.successRate) + ' of ' + cj.stats30d.total),
      card('P50', duration(cj.stats.p50Seconds)), card('P95', duration(cj.stats.p95Seconds)),
      card('P99', duration(cj.stats.p99Seconds)), card('maxDuration (SLA)', duration(maxDuration)),
      card('Missed slots (7 days)', String(slots.missed))),
    el('h2', {}, 'Timeline'),
    legend([['sw-ok', 'succeeded'], ['sw-fail', 'failed'], ['sw-missed', 'missed slot']]),
    timeline(runs.items, slots.slots),
    el('h2', {}, 'Durations'),
    legend([['sw-ok', 'succeeded'], ['sw-fail', 'failed'], ['sw-max', 'maxDuration'], ['sw-p95', 'P95']]),
    durations(runs.items, maxDuration, cj.stats.p95Seconds),
    el('h2', {}, `Runs by day and hour (${heat.zone}, last ${heat.runs} runs of 4 weeks)`),
    heatmap(heat),
    el('h2', {}, 'Runs'),
    runTable(runs),
    el('h2', {}, 'Incidents'),
    incidentTable(alerts.items, false),
    el('h2', {}, 'Monitors selecting it'),
    specs.length ? specs.map(specView) : el('p', { class: 'muted' }, 'No monitor selects this CronJob.'));
}

/** The first clause of a long explanation (the whole text is in the element's title). */
function short(text) {
  const cut = text.search(/[:;(]/);
  const head = cut > 12 ? text.substring(0, cut) : text;
  return head.length > 70 ? head.substring(0, 68) + '…' : head + (head.length < text.length ? ' …' : '');
}

function card(k, v) {
  return el('div', { class: 'card' }, el('div', { class: 'k' }, k), el('div', { class: 'v' }, v));
}

function legend(items) {
  return el('ul', { class: 'legend' }, items.map(([c, t]) => el('li', {}, el('span', { class: 'sw ' + c }), t)));
}

/** Runs shown before "Show all" is pressed. */
const RUNS_SHOWN = 25;

function runTable(runs) {
  const body = el('tbody');
  runs.items.forEach((r, index) => {
    const row = el('tr', { 'data-job': r.jobName },
      el('td', {}, el('code', {}, r.jobName), r.manual ? el('span', { class: 'reason' }, 'manual') : null),
      el('td', {}, badge(r.status)),
      el('td', { class: 'nowrap opt' }, timeEl(r.scheduledTime)),
      el('td', { class: 'nowrap' }, timeEl(r.startTime)),
      el('td', { class: 'num' }, duration(r.durationSeconds)),
      el('td', { class: 'num' }, String(r.attempts)),
      el('td', { class: 'num' }, r.exitCode === null ? '—' : String(r.exitCode)),
      el('td', {}, r.reason || '—'),
      el('td', {}, r.status === 'failed' ? el('button', { type: 'button', class: 'show-log', 'aria-expanded': 'false',
        onclick: (e) => toggleDetails(e.currentTarget, row, r) }, 'Log & events') : null));
    if (index >= RUNS_SHOWN) {
      row.hidden = true;
    }
    body.append(row);
  });
  const more = runs.items.length > RUNS_SHOWN ? el('button', { type: 'button', id: 'more-runs', onclick: (e) => {
    body.querySelectorAll('tr[hidden]').forEach((tr) => { tr.hidden = false; });
    e.currentTarget.remove();
  } }, `Show all ${runs.items.length} loaded runs`) : null;
  return el('div', {}, el('div', { class: 'table-wrap' }, el('table', { id: 'runs' },
    el('thead', {}, el('tr', {}, ['Job', 'Result', 'Scheduled', 'Started', 'Duration', 'Attempts', 'Exit code',
      'Reason', ''].map((h, i) => el('th', { scope: 'col', class: i === 2 ? 'opt' : [4, 5, 6].includes(i) ? 'num' : null }, h)))),
    runs.items.length ? body : el('tbody', {}, el('tr', {}, el('td', { colspan: 9, class: 'muted' }, 'No recorded run.'))))),
  more, runs.pagination.hasMore ? el('p', { class: 'muted small' }, `The newest ${runs.items.length} of
    ${number(runs.pagination.total)} runs; the CSV export has them all.`) : null);
}

async function toggleDetails(button, row, run) {
  const next = row.nextElementSibling;
  if (next && next.classList.contains('details-row')) {
    next.remove();
    button.setAttribute('aria-expanded', 'false');
    return;
  }
  button.setAttribute('aria-expanded', 'true');
  const cell = el('td', { colspan: 9 }, el('p', { class: 'muted' }, 'Loading…'));
  row.after(el('tr', { class: 'details-row' }, cell));
  try {
    const e = await api.get('api/v1/executions/' + api.seg(run.jobUid));
    cell.replaceChildren(
      el('div', { class: 'grid2' },
        el('div', {}, el('h3', {}, 'Log tail'), e.logTail ? el('pre', { class: 'log', tabindex: '0' }, e.logTail)
          : el('p', { class: 'muted' }, 'No log stored (storage.logStorageEnabled).')),
        el('div', {}, el('h3', {}, 'Events'), e.events.length ? el('ul', { class: 'events' },
          e.events.map((ev) => el('li', {}, ev))) : el('p', { class: 'muted' }, 'No events stored.'),
        el('dl', { class: 'kv' },
          e.conditionReason ? [el('dt', {}, 'Condition'), el('dd', {}, e.conditionReason + (e.conditionMessage ? ': '
            + e.conditionMessage : ''))] : null,
          e.termination ? [el('dt', {}, 'Termination'), el('dd', {}, `${e.termination.container || 'container'} exit `
            + `${e.termination.exitCode ?? '—'} ${e.termination.reason || ''} ${e.termination.message || ''}`)] : null,
          e.suggestedFix ? [el('dt', {}, 'Suggested fix'), el('dd', {}, e.suggestedFix)] : null))));
  } catch (err) {
    cell.replaceChildren(el('p', { class: 'error' }, err.message));
  }
}

// ------------------------------------------------------------------ incidents

function incidentTable(items, withCronJob) {
  if (!items.length) {
    return el('p', { class: 'muted' }, 'No incident.');
  }
  const body = el('tbody');
  for (const i of items) {
    const row = el('tr', { 'data-incident': i.id },
      el('td', {}, i.open ? badge('open') : badge('resolved'),
        i.open && i.acknowledgedAt ? [' ', badge('ok', 'acknowledged')] : null,
        i.silenced ? [' ', badge('suspended', 'silenced')] : null),
      el('td', {}, i.type),
      el('td', {}, badge(i.severity === 'critical' ? 'critical' : i.severity === 'warning' ? 'warning' : 'info', i.severity)),
      withCronJob ? el('td', {}, el('span', { class: 'muted' }, i.namespace + ' / '), cronJobLink(i.namespace, i.cronjob)) : null,
      el('td', {}, el('strong', {}, i.title), el('span', { class: 'reason' }, i.message)),
      el('td', { class: 'nowrap' }, timeEl(i.openedAt), i.resolvedAt ? el('span', { class: 'reason' }, 'resolved ',
        time(i.resolvedAt)) : null),
      el('td', { class: 'num' }, String(i.notificationCount)),
      el('td', {}, el('button', { type: 'button', class: 'show-notifications', 'aria-expanded': 'false',
        onclick: (e) => toggleIncident(e.currentTarget, row, i, withCronJob ? 8 : 7) }, 'Details')));
    body.append(row);
  }
  return el('div', { class: 'table-wrap' }, el('table', { class: 'incidents' },
    el('thead', {}, el('tr', {}, ['State', 'Type', 'Severity', withCronJob ? 'CronJob' : null, 'What', 'Opened',
      'Notified', ''].filter((h) => h !== null).map((h) => el('th', { scope: 'col', class: h === 'Notified' ? 'num' : null }, h)))),
    body));
}

async function toggleIncident(button, row, incident, cols) {
  const next = row.nextElementSibling;
  if (next && next.classList.contains('details-row')) {
    next.remove();
    button.setAttribute('aria-expanded', 'false');
    return;
  }
  button.setAttribute('aria-expanded', 'true');
  const cell = el('td', { colspan: cols }, el('p', { class: 'muted' }, 'Loading…'));
  row.after(el('tr', { class: 'details-row' }, cell));
  try {
    const n = await api.get('api/v1/alerts/' + api.seg(incident.id) + '/notifications');
    const ctx = incident.context;
    cell.replaceChildren(el('div', { class: 'grid2' },
      el('div', {}, el('h3', {}, 'Notifications by channel'), n.items.length ? el('table', { class: 'notifications' },
        el('thead', {}, el('tr', {}, ['Channel', 'Kind', 'Status', 'Attempts', 'Sent or due', 'Last error']
          .map((h) => el('th', { scope: 'col' }, h)))),
        el('tbody', {}, n.items.map((x) => el('tr', { 'data-channel': x.channel, 'data-notification': String(x.id) },
          el('td', {}, x.channel), el('td', {}, x.kind), el('td', {}, notificationBadge(x)),
          el('td', { class: 'num' }, String(x.attempts)),
          el('td', { class: 'nowrap' }, timeEl(x.sentAt || (x.status === 'failed' ? null : x.dueAt))),
          el('td', {}, x.lastError || '—'))))) : el('p', { class: 'muted' }, 'No notification (no channel routes it).')),
      el('div', {}, el('h3', {}, 'Failure context'), el('dl', { class: 'kv' },
        el('dt', {}, 'Job'), el('dd', {}, ctx.jobName || '—'),
        el('dt', {}, 'Exit code'), el('dd', {}, ctx.exitCode === null ? '—' : String(ctx.exitCode)),
        el('dt', {}, 'Reason'), el('dd', {}, ctx.reason || '—'),
        el('dt', {}, 'Message'), el('dd', {}, ctx.message || '—'),
        el('dt', {}, 'Suggested fix'), el('dd', {}, ctx.suggestedFix || '—'),
        el('dt', {}, 'Success rate'), el('dd', {}, percent(ctx.successRate)),
        el('dt', {}, 'Last duration'), el('dd', {}, duration(ctx.lastDurationSeconds))),
        el('h3', {}, 'Attention'), attention(incident))));
  } catch (err) {
    cell.replaceChildren(el('p', { class: 'error' }, err.message));
  }
}

/** Who acknowledged or silenced the incident, and (open, actions enabled and authorised) the buttons to do so. */
function attention(incident) {
  const silenced = incident.silenced;
  const facts = el('dl', { class: 'kv attention' },
    el('dt', {}, 'Acknowledged'), el('dd', {}, incident.acknowledgedAt
      ? [incident.acknowledgedBy || 'someone', ' ', time(incident.acknowledgedAt)] : '—'),
    el('dt', {}, 'Silenced until'), el('dd', {}, silenced
      ? [time(incident.silencedUntil), ' by ', incident.silencedBy || 'someone'] : '—'));
  const canAct = session && session.actionsEnabled && session.authorized;
  if (!incident.open || !canAct) {
    return facts;
  }
  const result = el('p', { class: 'small', 'aria-live': 'polite' });
  const path = 'api/v1/alerts/' + api.seg(incident.id);
  const act = (what, call) => async (e) => {
    e.currentTarget.disabled = true;
    try {
      await call();
      result.textContent = what + ': done';
      route();
    } catch (err) {
      result.textContent = what + ' failed: ' + err.message;
      e.currentTarget.disabled = false;
    }
  };
  const buttons = el('div', { class: 'toolbar attention-actions' },
    el('button', { type: 'button', class: 'acknowledge', onclick: act('Acknowledge',
      () => api.post(path + '/acknowledge', { reason: 'dashboard' })) }, 'Acknowledge'),
    ['1h', '4h', '24h'].map((d) => el('button', { type: 'button', class: 'silence', 'data-for': d,
      onclick: act('Silence for ' + d, () => api.post(path + '/silence?for=' + d, { reason: 'dashboard' })) },
      'Silence ' + d)),
    silenced ? el('button', { type: 'button', class: 'unsilence', onclick: act('Lift the silence',
      () => api.del(path + '/silence', { reason: 'dashboard' })) }, 'Lift silence') : null);
  return el('div', {}, facts, buttons, result);
}

/** sent, failed, retrying (a pending one that failed before), deferred (due later: rate limit, delay), sending. */
function notificationBadge(x) {
  if (x.status === 'sent' || x.status === 'failed') {
    return badge(x.status, x.attempts > 1 ? `${x.status} (${x.attempts} attempts)` : x.status);
  }
  if (x.status === 'claimed') {
    return badge('running', 'sending');
  }
  if (x.attempts > 0) {
    return badge('retrying', 'retrying');
  }
  return Date.parse(x.dueAt) > Date.now() ? badge('deferred', 'deferred') : badge('pending', 'pending');
}

const TYPES = ['JobFailed', 'SLABreached', 'DeadManTriggered', 'MissedSchedule', 'DurationRegression',
  'SuspendedTooLong', 'StuckJob'];

async function incidents(view, params, gen) {
  await refreshRole();
  const f = { state: params.get('state') || 'open', type: params.get('type') || '',
    severity: params.get('severity') || '', namespace: params.get('namespace') || '', cronjob: params.get('cronjob') || '' };
  const stateSel = el('select', { id: 'i-state' }, ['open', 'all'].map((s) => el('option', { value: s, selected: s === f.state },
    s === 'open' ? 'open' : 'open and resolved')));
  const typeSel = el('select', { id: 'i-type' }, el('option', { value: '' }, 'any'),
    TYPES.map((t) => el('option', { value: t, selected: t === f.type }, t)));
  const sevSel = el('select', { id: 'i-severity' }, el('option', { value: '' }, 'any'),
    ['critical', 'warning', 'info'].map((s) => el('option', { value: s, selected: s === f.severity }, s)));
  const out = el('div');
  const go = () => { location.hash = link(['incidents'], { state: stateSel.value, type: typeSel.value,
    severity: sevSel.value, namespace: f.namespace, cronjob: f.cronjob }); };
  [stateSel, typeSel, sevSel].forEach((s) => s.addEventListener('change', go));
  add(view, el('h1', {}, 'Incidents'), el('form', { class: 'toolbar', onsubmit: (e) => e.preventDefault() },
    el('label', { for: 'i-state' }, 'State', stateSel), el('label', { for: 'i-type' }, 'Type', typeSel),
    el('label', { for: 'i-severity' }, 'Severity', sevSel),
    f.namespace ? el('span', {}, 'CronJob ', el('strong', {}, f.namespace + (f.cronjob ? '/' + f.cronjob : '')), ' ',
      el('a', { href: link(['incidents'], { state: f.state }) }, '(all)')) : null), out);
  const list = await api.get('api/v1/alerts', { state: f.state, type: f.type, namespace: f.namespace,
    cronjob: f.cronjob, limit: 200 });
  if (stale(gen)) {
    return;
  }
  const items = list.items.filter((i) => !f.severity || i.severity === f.severity);
  add(out, el('p', { class: 'muted small', id: 'incident-count' }, `${items.length} shown of ${list.pagination.total}`),
    incidentTable(items, true));
}

// ------------------------------------------------------------------ channels

/** The outcome of the last "Send test", shown again after the page reloads its figures. */
let lastTestResult = '';

async function channels(view, gen) {
  await refreshRole();
  const list = await api.get('api/v1/channels');
  if (stale(gen)) {
    return;
  }
  const canAct = session && session.actionsEnabled && session.authorized;
  const result = el('p', { 'aria-live': 'polite', id: 'test-result' }, lastTestResult);
  add(view, el('h1', {}, 'Alert channels'), el('p', { class: 'muted' },
    `${list.summary.enabled} of ${list.summary.total} enabled.`));
  if (session && session.actionsEnabled && !session.authorized) {
    const input = el('input', { id: 'token', type: 'password', autocomplete: 'off' });
    add(view, el('form', { class: 'toolbar', id: 'authorise', onsubmit: async (e) => {
      e.preventDefault();
      api.setToken(input.value.trim());
      route();
    } }, el('label', { for: 'token' }, 'Token for actions (http.token)', input), el('button', { type: 'submit' }, 'Authorise')));
  }
  const rows = list.items.map((c) => el('tr', { 'data-channel': c.name },
    el('td', {}, el('strong', {}, c.name), c.description ? el('span', { class: 'reason' }, c.description) : null),
    el('td', {}, c.type), el('td', {}, c.enabled ? badge('ok', 'enabled') : badge('suspended', 'disabled')),
    el('td', { class: 'opt' }, c.severities.join(', ') || 'all'),
    el('td', { class: 'num sent' }, number(c.stats.alertsSentTotal)),
    el('td', { class: 'num failed' }, number(c.stats.alertsFailedTotal)),
    el('td', { class: 'num opt' }, number(c.stats.consecutiveFailures)),
    el('td', { class: 'nowrap' }, timeEl(c.stats.lastAlertTime)),
    el('td', {}, c.stats.lastFailedError ? [el('span', { class: 'last-error' }, c.stats.lastFailedError),
      el('span', { class: 'reason' }, time(c.stats.lastFailedTime))] : '—'),
    el('td', { class: 'opt' }, c.lastTest ? [badge(c.lastTest.result === 'failed' ? 'failed' : c.lastTest.result, c.lastTest.result),
      ' ', time(c.lastTest.time)] : '—'),
    canAct ? el('td', {}, el('button', { type: 'button', class: 'send-test', onclick: async (e) => {
      e.currentTarget.disabled = true;
      try {
        const r = await api.post('api/v1/channels/' + api.seg(c.name) + '/test', { reason: 'dashboard' });
        lastTestResult = `Test to ${c.name}: ${r.outcome}${r.detail ? ' (' + r.detail + ')' : ''}`;
      } catch (err) {
        lastTestResult = `Test to ${c.name} failed: ${err.message}`;
      }
      route();
    } }, 'Send test')) : null));
  add(view, el('div', { class: 'table-wrap' }, el('table', { id: 'channels' },
    el('thead', {}, el('tr', {}, ['Channel', 'Type', 'State', 'Severities', 'Sent', 'Failed', 'Failures in a row',
      'Last sent', 'Last error', 'Last test', canAct ? '' : null].filter((h) => h !== null).map((h, i) =>
      el('th', { scope: 'col', class: [3, 6, 9].includes(i) ? 'opt' : [4, 5].includes(i) ? 'num' : null }, h)))),
    el('tbody', {}, rows.length ? rows : el('tr', {}, el('td', { colspan: 10, class: 'muted' }, 'No channel configured.'))))),
  result, !canAct ? el('p', { class: 'muted small' }, session && session.actionsEnabled
    ? 'Sending a test needs authorisation.' : 'Actions are disabled on this server (http.actions.enabled).') : null);
}

// ------------------------------------------------------------------ monitors

async function monitors(view, gen) {
  const list = await api.get('api/v1/monitors');
  if (stale(gen)) {
    return;
  }
  add(view, el('h1', {}, 'Monitors'), el('div', { class: 'table-wrap' }, el('table', { id: 'monitors' },
    el('thead', {}, el('tr', {}, ['Monitor', 'CronJobs', 'Healthy', 'Warning', 'Critical', 'Suspended', 'Unknown',
      'Open incidents'].map((h, i) => el('th', { scope: 'col', class: i ? 'num' + (i > 1 && i < 7 ? ' opt' : '') : null }, h)))),
    el('tbody', {}, list.items.length ? list.items.map((m) => el('tr', { 'data-monitor': m.id },
      el('td', {}, el('a', { href: link(['monitor', m.namespace, m.name]) }, m.id)),
      el('td', { class: 'num' }, number(m.cronJobCount)),
      ...['healthy', 'warning', 'critical', 'suspended', 'unknown'].map((k) => el('td', { class: 'num opt' }, number(m.summary[k]))),
      el('td', { class: 'num' }, number(m.activeAlerts))))
      : el('tr', {}, el('td', { colspan: 8, class: 'muted' }, 'No monitor.'))))));
}

function duration0(s) {
  return s === null || s === undefined ? 'off' : duration(s);
}

function specView(spec) {
  const sel = spec.selector;
  const labels = Object.entries(sel.matchLabels).map(([k, v]) => `${k}=${v}`);
  return el('section', { class: 'card spec', 'data-monitor': spec.id },
    el('h3', {}, el('a', { href: link(['monitor', ...spec.id.split('/')]) }, spec.id)),
    el('dl', { class: 'kv' },
      el('dt', {}, 'Selection'), el('dd', {}, `scope ${sel.scope.replace(/_/g, ' ')}`
        + (sel.namespaces.length ? ` (${sel.namespaces.join(', ')})` : '')
        + (labels.length ? `; labels ${labels.join(', ')}` : '')
        + (sel.matchExpressions.length ? `; ${sel.matchExpressions.join('; ')}` : '')
        + (sel.matchNames.length ? `; names ${sel.matchNames.join(', ')}` : '')),
      el('dt', {}, "Dead-man's switch"), el('dd', {}, spec.deadManSwitch.enabled
        ? `no success within ${duration0(spec.deadManSwitch.maxTimeSinceLastSuccessSeconds)}; from schedule `
          + (spec.deadManSwitch.fromSchedule ? `on (buffer ${duration(spec.deadManSwitch.bufferSeconds)}, `
          + `${spec.deadManSwitch.missedScheduleThreshold} missed)` : 'off') : 'off'),
      el('dt', {}, 'SLA'), el('dd', {}, spec.sla.enabled ? `success rate ≥ ${spec.sla.minSuccessRate} % over `
        + `${spec.sla.windowDays} days; maxDuration ${duration0(spec.sla.maxDurationSeconds)}; regression `
        + `+${spec.sla.durationRegressionThreshold} %` + (spec.sla.maxConsecutiveFailures
        ? `; at most ${spec.sla.maxConsecutiveFailures} failures in a row` : '') : 'off'),
      el('dt', {}, 'Suspended'), el('dd', {}, (spec.suspendedHandling.pauseMonitoring ? 'monitoring paused' : 'still judged')
        + (spec.suspendedHandling.alertIfSuspendedForSeconds ? `; alert after ${duration(spec.suspendedHandling.alertIfSuspendedForSeconds)}` : '')),
      el('dt', {}, 'Stuck Jobs'), el('dd', {}, spec.stuckJob.enabled ? `no pod after ${duration(spec.stuckJob.noPodAfterSeconds)}` : 'off'),
      el('dt', {}, 'Maintenance'), el('dd', {}, spec.maintenanceWindows.length ? spec.maintenanceWindows.map((w) =>
        `${w.name}: ${w.schedule} (${w.timezone}) for ${duration(w.durationSeconds)}`).join('; ') : 'none'),
      el('dt', {}, 'Alerting'), el('dd', {}, spec.alerting.enabled ? (spec.alerting.channels.map((c) => c.name
        + (c.severities.length ? ` (${c.severities.join(', ')})` : '')).join(', ') || 'no channel') : 'off')));
}

async function monitor(view, ns, name, gen) {
  const [m, spec] = await Promise.all([api.get(`api/v1/monitors/${api.seg(ns)}/${api.seg(name)}`),
    api.get(`api/v1/monitors/${api.seg(ns)}/${api.seg(name)}/spec`)]);
  if (stale(gen)) {
    return;
  }
  add(view, el('p', { class: 'small' }, el('a', { href: '#/monitors' }, '← All monitors')),
    el('h1', {}, 'Monitor ' + m.id), specView(spec), el('h2', {}, `Selects ${m.cronJobCount} CronJob(s)`),
    el('div', { class: 'table-wrap' }, el('table', { id: 'selected' },
      el('thead', {}, el('tr', {}, ['CronJob', 'State', 'Last run', 'Success rate'].map((h) => el('th', { scope: 'col' }, h)))),
      el('tbody', {}, m.cronJobs.map((c) => el('tr', { 'data-cronjob': c.namespace + '/' + c.name },
        el('td', {}, el('span', { class: 'muted' }, c.namespace + ' / '), cronJobLink(c.namespace, c.name)),
        el('td', {}, badge(c.status)), el('td', {}, timeEl(c.lastRunAt)), el('td', { class: 'num' }, percent(c.successRate))))))));
}

// ------------------------------------------------------------------ start

window.addEventListener('hashchange', () => {
  route().then(() => main.focus({ preventScroll: true }));
});
refreshRole();
route();
