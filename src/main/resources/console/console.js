// Agentry's console: one page that reads its address and asks the REST API for what it shows.
// Everything the API returns is untrusted (model output, tool results, files): it is only ever put
// into the page as text (h() below makes text nodes), never as markup.

const KEY = 'agentry.key';
const main = document.getElementById('main');
let me = null;
/** Work of the page on screen (streams, timers), stopped when another page is shown. */
let leaving = [];

// ---------- building the page ----------

function h(tag, attributes, ...children) {
  const element = document.createElement(tag);
  for (const [name, value] of Object.entries(attributes || {})) {
    if (value === null || value === undefined || value === false) continue;
    if (name.startsWith('on')) element.addEventListener(name.slice(2), value);
    else if (name === 'class') element.className = value;
    else element.setAttribute(name, value === true ? '' : String(value));
  }
  for (const child of children.flat()) {
    if (child === null || child === undefined || child === false) continue;
    element.append(child instanceof Node ? child : document.createTextNode(String(child)));
  }
  return element;
}

function show(...children) {
  main.replaceChildren(...children.flat(Infinity).filter(child => child !== null && child !== undefined));
}

function status(text) {
  return h('span', {class: 'status ' + String(text || '').replace(/[^a-z_-]/g, '')}, text || '');
}

function time(iso, zone) {
  if (!iso) return '';
  const options = {dateStyle: 'medium', timeStyle: 'medium'};
  if (zone) options.timeZone = zone;
  try {
    return new Intl.DateTimeFormat(undefined, options).format(new Date(iso));
  } catch {
    return iso;
  }
}

function duration(ms) {
  if (ms === null || ms === undefined || Number.isNaN(ms)) return '';
  if (ms < 1000) return Math.round(ms) + ' ms';
  if (ms < 60000) return (ms / 1000).toFixed(1) + ' s';
  return Math.floor(ms / 60000) + ' min ' + Math.round((ms % 60000) / 1000) + ' s';
}

function age(iso) {
  return iso ? duration(Date.now() - Date.parse(iso)) : '';
}

/** JSON, pretty, folded when long. */
function json(value, label) {
  const text = typeof value === 'string' ? value : JSON.stringify(value, null, 2);
  if (text === undefined) return h('span', {class: 'muted'}, 'none');
  const pre = h('pre', {}, text);
  if (text.length <= 400 && text.split('\n').length <= 12) return label ? h('div', {}, h('span', {class: 'muted'}, label), pre) : pre;
  return h('details', {}, h('summary', {}, (label ? label + ' ' : '') + '(' + text.length + ' characters)'), pre);
}

/** Whether a run with this status has ended. */
function ended(runStatus) {
  return ['succeeded', 'failed', 'cancelled'].includes(runStatus);
}

/** A run's cost in dollars, or nothing when no price is known for its model. */
function cost(usage) {
  return usage.costUsd === null || usage.costUsd === undefined ? '' : '$' + usage.costUsd.toFixed(4);
}

function link(path, text) {
  return h('a', {href: path}, text);
}

function runLink(id) {
  return id ? link('/console/runs/' + encodeURIComponent(id), id) : '';
}

function can(grant) {
  return me !== null && me.grants.includes(grant);
}

function problem(error) {
  return h('p', {class: 'error', role: 'alert'}, error.message || String(error));
}

// ---------- the API ----------

class ApiError extends Error {
  constructor(status, message) {
    super(message);
    this.status = status;
  }
}

function key() {
  return sessionStorage.getItem(KEY);
}

async function api(path, options = {}) {
  const headers = {Accept: 'application/json', Authorization: 'Bearer ' + key()};
  if (options.body !== undefined) headers['Content-Type'] = 'application/json';
  const response = await fetch(path, {
    method: options.method || 'GET',
    headers,
    body: options.body === undefined ? undefined : JSON.stringify(options.body),
  });
  const text = await response.text();
  let body = null;
  try {
    body = text ? JSON.parse(text) : null;
  } catch {
    body = text;
  }
  if (!response.ok) {
    if (response.status === 401) signOut('The key was refused; sign in again.');
    const detail = body && typeof body === 'object' ? body.detail || body.title : text;
    throw new ApiError(response.status, detail || 'HTTP ' + response.status);
  }
  return body;
}

/**
 * Follows server-sent events with the key in a header (EventSource cannot send one). Calls
 * onEvent(name, data) for each event; returns a function that stops following.
 */
function follow(path, onEvent, onEnd) {
  const controller = new AbortController();
  (async () => {
    try {
      const response = await fetch(path, {
        headers: {Accept: 'text/event-stream', Authorization: 'Bearer ' + key()},
        signal: controller.signal,
      });
      if (!response.ok) throw new ApiError(response.status, 'HTTP ' + response.status);
      const reader = response.body.getReader();
      const decoder = new TextDecoder();
      let buffer = '';
      for (;;) {
        const {value, done} = await reader.read();
        if (done) break;
        buffer += decoder.decode(value, {stream: true});
        let end;
        while ((end = buffer.indexOf('\n\n')) >= 0) {
          const block = buffer.slice(0, end);
          buffer = buffer.slice(end + 2);
          let name = 'message';
          const data = [];
          for (const line of block.split('\n')) {
            if (line.startsWith('event:')) name = line.slice(6).trim();
            else if (line.startsWith('data:')) data.push(line.slice(5).replace(/^ /, ''));
          }
          if (data.length) onEvent(name, JSON.parse(data.join('\n')));
        }
      }
      if (onEnd) onEnd();
    } catch (error) {
      if (error.name !== 'AbortError' && onEnd) onEnd(error);
    }
  })();
  return () => controller.abort();
}

// ---------- signing in ----------

function signOut(message) {
  sessionStorage.removeItem(KEY);
  me = null;
  signIn(message);
}

// Sign-in with the OIDC issuer, when the service names one: the authorization code flow with PKCE,
// as a public client. The browser talks to the issuer itself; the access token it gets is used like a
// key, and kept the same way (this tab only).
const OIDC = 'agentry.oidc';

function base64url(bytes) {
  return btoa(String.fromCharCode(...new Uint8Array(bytes))).replace(/\+/g, '-').replace(/\//g, '_').replace(/=+$/, '');
}

function random() {
  return base64url(crypto.getRandomValues(new Uint8Array(32)));
}

async function discover(issuer) {
  const response = await fetch(issuer + '/.well-known/openid-configuration');
  if (!response.ok) throw new Error('the issuer ' + issuer + ' did not describe itself (HTTP ' + response.status + ')');
  return response.json();
}

async function oidcSignIn(oidc) {
  const metadata = await discover(oidc.issuer);
  const verifier = random();
  const state = random();
  const challenge = base64url(await crypto.subtle.digest('SHA-256', new TextEncoder().encode(verifier)));
  const back = location.pathname.startsWith('/console/signed-in') ? '/console' : location.pathname + location.search;
  sessionStorage.setItem(OIDC, JSON.stringify({verifier, state, back}));
  const query = new URLSearchParams({response_type: 'code', client_id: oidc.clientId, scope: oidc.scope,
    redirect_uri: location.origin + '/console/signed-in', state, code_challenge: challenge,
    code_challenge_method: 'S256'});
  location.assign(metadata.authorization_endpoint + '?' + query);
}

/** Back from the issuer: trade the code for a token, once, if the state is the one this tab sent. */
async function oidcSignedIn(oidc) {
  const params = new URLSearchParams(location.search);
  const pending = JSON.parse(sessionStorage.getItem(OIDC) || 'null');
  sessionStorage.removeItem(OIDC);
  history.replaceState(null, '', pending ? pending.back : '/console');
  if (params.get('error')) throw new Error('the issuer refused: ' + (params.get('error_description') || params.get('error')));
  if (!oidc || !pending || !params.get('code') || params.get('state') !== pending.state) {
    throw new Error('this sign-in was not started here, or was already used; sign in again');
  }
  const metadata = await discover(oidc.issuer);
  const response = await fetch(metadata.token_endpoint, {method: 'POST',
    headers: {'Content-Type': 'application/x-www-form-urlencoded'},
    body: new URLSearchParams({grant_type: 'authorization_code', code: params.get('code'),
      redirect_uri: location.origin + '/console/signed-in', client_id: oidc.clientId, code_verifier: pending.verifier})});
  const body = await response.json().catch(() => ({}));
  if (!response.ok || !body.access_token) {
    throw new Error('the issuer gave no token: ' + (body.error_description || body.error || 'HTTP ' + response.status));
  }
  sessionStorage.setItem(KEY, body.access_token);
}

let settings = {oidc: null};

function signIn(message) {
  document.getElementById('who').textContent = '';
  document.getElementById('sign-out').hidden = true;
  const input = h('input', {type: 'password', id: 'key', name: 'key', autocomplete: 'off', size: 48, required: true});
  const form = h('form', {class: 'card', id: 'sign-in', onsubmit: async event => {
    event.preventDefault();
    sessionStorage.setItem(KEY, input.value.trim());
    await start();
  }},
    h('h1', {}, 'Sign in'),
    message ? h('p', {class: 'error', role: 'alert'}, message) : null,
    h('p', {class: 'muted'}, 'An Agentry API key (agk_...). It is kept only while this tab is open.'),
    h('div', {class: 'actions'}, h('label', {}, 'API key', input), h('button', {type: 'submit'}, 'Sign in')),
    settings.oidc ? h('p', {}, h('button', {type: 'button', id: 'oidc', class: 'secondary', onclick: () =>
      oidcSignIn(settings.oidc).catch(error => signIn(error.message))}, 'Sign in with ' + new URL(settings.oidc.issuer).host)) : null);
  show(form);
  input.focus();
}

async function start() {
  settings = await fetch('/console/settings.json').then(r => r.json()).catch(() => ({oidc: null}));
  if (location.pathname.startsWith('/console/signed-in')) {
    try {
      await oidcSignedIn(settings.oidc);
    } catch (error) {
      return signIn(error.message);
    }
  }
  // A key in the address's fragment (never sent to the server) signs in, then leaves the address.
  const fragment = new URLSearchParams(location.hash.slice(1));
  if (fragment.get('key')) {
    sessionStorage.setItem(KEY, fragment.get('key'));
    history.replaceState(null, '', location.pathname + location.search);
  }
  if (!key()) return signIn();
  try {
    me = await api('/v1/me');
  } catch (error) {
    if (error.status !== 401) show(problem(error));
    return;
  }
  document.getElementById('who').textContent = (me.name || me.actor.id) + ' · ' + me.role;
  document.getElementById('sign-out').hidden = false;
  for (const a of document.querySelectorAll('nav a[data-needs]')) a.hidden = !can(a.dataset.needs);
  route();
}

// ---------- pages ----------

function route() {
  for (const stop of leaving) stop();
  leaving = [];
  const path = location.pathname.replace(/\/+$/, '');
  const parts = path.split('/').slice(2);
  const page = parts[0] || 'runs';
  for (const a of document.querySelectorAll('nav a')) {
    if (a.dataset.page === page) a.setAttribute('aria-current', 'page');
    else a.removeAttribute('aria-current');
  }
  const pages = {runs: parts[1] ? () => runPage(decodeURIComponent(parts[1])) : runsPage,
    approvals: approvalsPage, schedules: schedulesPage, agents: agentsPage, tools: toolsPage, audit: auditPage};
  (pages[page] || (() => show(h('h1', {}, 'No such page'))))();
  main.focus();
}

document.addEventListener('click', event => {
  const a = event.target.closest('a');
  if (!a || a.target || event.ctrlKey || event.metaKey || event.shiftKey || event.button !== 0) return;
  const url = new URL(a.href, location.href);
  if (url.origin !== location.origin || !url.pathname.startsWith('/console')) return;
  event.preventDefault();
  history.pushState(null, '', url.pathname + url.search);
  if (me) route();
});
window.addEventListener('popstate', () => me && route());
document.getElementById('sign-out').addEventListener('click', () => signOut());

// Runs: a live list with filters.
function runsPage() {
  const params = new URLSearchParams(location.search);
  const field = (name, control) => h('label', {}, name, control);
  const agent = h('input', {name: 'agent', value: params.get('agent') || '', size: 16, placeholder: 'any'});
  const state = h('select', {name: 'status'}, ['', 'queued', 'running', 'awaiting_approval', 'succeeded', 'failed', 'cancelled']
    .map(s => h('option', {value: s, selected: s === (params.get('status') || '')}, s || 'any')));
  const trigger = h('select', {name: 'trigger'}, ['', 'api', 'schedule', 'tool-test']
    .map(s => h('option', {value: s, selected: s === (params.get('trigger') || '')}, s || 'any')));
  const since = h('input', {name: 'since', type: 'datetime-local', value: params.get('since') || ''});
  const body = h('tbody', {id: 'runs'});
  const note = h('p', {class: 'muted', id: 'runs-note'}, 'Connecting…');
  const form = h('form', {class: 'filters', onsubmit: event => {
    event.preventDefault();
    const query = new URLSearchParams();
    for (const [name, control] of [['agent', agent], ['status', state], ['trigger', trigger], ['since', since]]) {
      if (control.value) query.set(name, control.value);
    }
    history.pushState(null, '', '/console' + (query.toString() ? '?' + query : ''));
    route();
  }}, field('Agent', agent), field('Status', state), field('Trigger', trigger), field('Since', since),
  h('button', {type: 'submit'}, 'Filter'));
  show(h('h1', {}, 'Runs'), form, note,
    h('table', {}, h('thead', {}, h('tr', {}, ['Run', 'Agent', 'Status', 'Trigger', 'Started', 'Duration', 'Steps',
      'Tokens', 'Cost', 'Denials'].map(name => h('th', {}, name)))), body));
  const query = new URLSearchParams({limit: '50'});
  if (agent.value) query.set('agent', agent.value);
  if (state.value) query.set('status', state.value);
  const sinceMs = since.value ? Date.parse(since.value) : null;
  const listen = () => follow('/v1/runs/stream?' + query, (name, page) => {
    const rows = page.items
      .filter(run => !trigger.value || (run.trigger && run.trigger.type === trigger.value))
      .filter(run => sinceMs === null || Date.parse(run.createdAt) >= sinceMs)
      .map(runRow);
    body.replaceChildren(...rows);
    note.textContent = rows.length ? 'Live: new runs and changes appear as they happen.' : 'No runs match.';
  }, error => {
    // The stream ends after a while, or breaks; follow again unless the page changed.
    note.textContent = error ? 'Reconnecting… (' + error.message + ')' : note.textContent;
    const timer = setTimeout(() => { if (!stopped) stop = listen(); }, error ? 2000 : 0);
    leaving.push(() => clearTimeout(timer));
  });
  let stopped = false;
  let stop = listen();
  leaving.push(() => { stopped = true; stop(); });
}

function runRow(run) {
  const ended = run.endedAt ? Date.parse(run.endedAt) : Date.now();
  const began = run.startedAt ? Date.parse(run.startedAt) : null;
  const usage = run.usage || {};
  return h('tr', {'data-run': run.id},
    h('td', {}, runLink(run.id)), h('td', {}, run.agent), h('td', {}, status(run.status)),
    h('td', {}, run.trigger ? run.trigger.type : ''), h('td', {}, time(run.createdAt)),
    h('td', {class: 'num'}, began ? duration(ended - began) : ''),
    h('td', {class: 'num'}, (usage.modelCalls || 0) + (usage.toolCalls || 0)),
    h('td', {class: 'num'}, (usage.inputTokens || 0) + (usage.outputTokens || 0)),
    h('td', {class: 'num'}, cost(usage)),
    h('td', {class: 'num denials' + (run.denials ? ' error' : '')}, run.denials || 0));
}

// One run: header, timeline, steps; live while it runs.
async function runPage(id) {
  show(h('p', {class: 'muted'}, 'Loading…'));
  let run;
  try {
    run = await api('/v1/runs/' + encodeURIComponent(id));
  } catch (error) {
    return show(h('h1', {}, 'Run ' + id), problem(error));
  }
  const steps = new Map(run.steps.map(step => [step.index, step]));
  const head = h('div', {});
  const timeline = h('div', {class: 'timeline', id: 'timeline', role: 'img', 'aria-label': 'timeline of the run'});
  const list = h('div', {id: 'steps'});
  const draw = () => {
    const ordered = [...steps.values()].sort((a, b) => a.index - b.index);
    head.replaceChildren(runHeader(run));
    timeline.replaceChildren(...drawTimeline(run, ordered));
    list.replaceChildren(...ordered.map(step => stepView(step)));
  };
  show(h('h1', {}, 'Run ', h('span', {id: 'run-id'}, run.id)), head, h('h2', {}, 'Timeline'), timeline,
    h('h2', {}, 'Steps'), list);
  draw();
  if (!ended(run.status)) {
    leaving.push(follow('/v1/runs/' + encodeURIComponent(id) + '/events', (name, data) => {
      if (name === 'step') steps.set(data.index, data);
      if (name === 'status') run = {...run, status: data.status};
      if (name === 'end') run = {...data, steps: undefined};
      draw();
    }));
  }
}

function runHeader(run) {
  const usage = run.usage || {};
  const cancel = can('operator') && !ended(run.status)
    ? h('button', {class: 'danger', id: 'cancel', onclick: async event => {
      event.target.disabled = true;
      try {
        await api('/v1/runs/' + encodeURIComponent(run.id) + '/cancel', {method: 'POST', body: {}});
      } catch (error) {
        event.target.after(problem(error));
      }
    }}, 'Cancel run')
    : null;
  return h('div', {class: 'card'},
    h('div', {class: 'row'},
      h('span', {}, 'Agent ', h('strong', {}, run.agent)),
      h('span', {id: 'run-status'}, status(run.status)),
      h('span', {class: 'muted'}, 'trigger ' + (run.trigger ? run.trigger.type + ' by ' + run.trigger.by : '')
        + (run.trigger && run.trigger.scheduledAt ? ' for ' + time(run.trigger.scheduledAt) : '')),
      h('span', {class: 'muted'}, 'created ' + time(run.createdAt)),
      h('span', {class: 'muted'}, (usage.modelCalls || 0) + ' model calls, ' + (usage.toolCalls || 0) + ' tool calls, '
        + ((usage.inputTokens || 0) + (usage.outputTokens || 0)) + ' tokens'
        + (cost(usage) ? ', ' + cost(usage) : '')),
      cancel),
    json(run.input, 'input'),
    run.output ? h('div', {}, h('span', {class: 'muted'}, 'output'), h('pre', {id: 'run-output'}, run.output)) : null,
    run.error ? h('p', {class: 'error'}, run.error) : null);
}

/** Bars on a time axis: each step from its start for its duration; gaps between them are waits. */
function drawTimeline(run, steps) {
  const dated = steps.filter(step => step.startedAt);
  if (!dated.length) return [h('p', {class: 'muted'}, 'No steps yet.')];
  const first = Math.min(Date.parse(run.startedAt || dated[0].startedAt), ...dated.map(s => Date.parse(s.startedAt)));
  const last = Math.max(run.endedAt ? Date.parse(run.endedAt) : 0,
    ...dated.map(s => Date.parse(s.startedAt) + (s.durationMs || 0)));
  const span = Math.max(last - first, 1);
  const lanes = [];
  for (const step of dated) {
    const start = Date.parse(step.startedAt) - first;
    const kind = step.type === 'model' ? 'model' : step.tool === 'code.run' ? 'code' : 'tool';
    const label = step.type === 'model' ? 'model' : step.tool;
    const waited = step.decision && step.decision.effect === 'ask';
    const bar = h('div', {class: 'bar ' + (step.status === 'error' ? 'error' : kind),
      style: null, title: label + ': ' + duration(step.durationMs) + (waited ? ' (waited for approval)' : '')});
    bar.style.left = (100 * start / span) + '%';
    bar.style.width = Math.max(100 * (step.durationMs || 0) / span, 0.3) + '%';
    const track = h('div', {class: 'track'}, bar);
    // A call a person decided waited from the model's request to its own start: that wait is a bar too.
    if (step.decision && /\(apr_[A-Za-z0-9]+\)/.test(step.decision.reason || '')) {
      const asker = dated.filter(s => s.type === 'model' && s.index < step.index).pop();
      const from = asker ? Date.parse(asker.startedAt) + (asker.durationMs || 0) - first : start;
      if (start > from) {
        const wait = h('div', {class: 'bar wait', title: 'waited for a person: ' + duration(start - from)});
        wait.style.left = (100 * from / span) + '%';
        wait.style.width = (100 * (start - from) / span) + '%';
        track.prepend(wait);
      }
    }
    lanes.push(h('div', {class: 'lane', 'data-step': step.index},
      h('span', {class: 'name'}, '#' + step.index + ' ' + label), track));
  }
  if (run.status === 'awaiting_approval') {
    const since = Math.max(...dated.map(s => Date.parse(s.startedAt) + (s.durationMs || 0))) - first;
    const bar = h('div', {class: 'bar wait', title: 'waiting for an approval'});
    bar.style.left = (100 * since / span) + '%';
    bar.style.width = '8%';
    lanes.push(h('div', {class: 'lane'}, h('span', {class: 'name'}, 'approval'), h('div', {class: 'track'}, bar)));
  }
  return [...lanes, h('div', {class: 'axis'}, h('span', {}, '0'), h('span', {}, duration(span)))];
}

function stepView(step) {
  const parts = [h('div', {class: 'row'},
    h('strong', {}, '#' + step.index + ' ' + (step.type === 'model' ? 'model' : step.tool)),
    status(step.status), h('span', {class: 'muted'}, duration(step.durationMs)),
    step.usage ? h('span', {class: 'muted'}, step.usage.input + ' tokens in, ' + step.usage.output + ' out') : null)];
  if (step.decision) {
    const d = step.decision;
    parts.push(h('p', {class: 'decision'}, 'policy: ', status(d.effect), ' ',
      [d.policy, d.rule].filter(Boolean).join(' / '), d.reason ? ' — ' + d.reason : ''));
  }
  if (step.tool === 'code.run') {
    const answer = step.result && step.result.stdout !== undefined ? step.result : (step.result || {}).result || {};
    parts.push(h('div', {}, h('span', {class: 'muted'}, 'source'),
      h('pre', {class: 'source'}, (step.arguments || {}).source || '')));
    if (answer.limit) parts.push(h('p', {class: 'error'}, 'stopped by its ' + answer.limit + ' limit: ' + (answer.error || '')));
    else if (answer.error) parts.push(h('p', {class: 'error'}, answer.error));
    if (answer.stdout) parts.push(h('div', {}, h('span', {class: 'muted'}, 'stdout'), h('pre', {}, answer.stdout)));
    if (answer.stderr) parts.push(h('div', {}, h('span', {class: 'muted'}, 'stderr'), h('pre', {}, answer.stderr)));
    if (answer.toolCalls && answer.toolCalls.length) parts.push(json(answer.toolCalls, 'tool calls from the code'));
    parts.push(json(answer.result, 'result'));
  } else if (step.type === 'tool') {
    parts.push(json(step.arguments, 'arguments'), json(step.result, 'result'));
  } else {
    const result = step.result || {};
    if (result.text) parts.push(h('pre', {}, result.text));
    if (result.toolCalls && result.toolCalls.length) parts.push(json(result.toolCalls, 'asks for'));
  }
  return h('div', {class: 'step ' + step.type + ' ' + (step.status || ''), 'data-step': step.index}, parts);
}

// Approvals: every pending one, oldest first; a decision made elsewhere removes its card.
function approvalsPage() {
  const list = h('div', {id: 'approvals'});
  const note = h('p', {class: 'muted'}, 'Loading…');
  show(h('h1', {}, 'Approvals'), note, list);
  const cards = new Map();
  const refresh = async () => {
    let page;
    try {
      page = await api('/v1/approvals?status=pending&limit=100');
    } catch (error) {
      note.replaceChildren(problem(error));
      return;
    }
    const pending = new Set(page.items.map(a => a.id));
    for (const [id, card] of cards) {
      if (!pending.has(id) && !card.dataset.deciding) {
        card.remove();
        cards.delete(id);
      }
    }
    for (const approval of page.items) {
      if (!cards.has(approval.id)) {
        const card = approvalCard(approval, () => { cards.delete(approval.id); });
        cards.set(approval.id, card);
        list.append(card);
      }
    }
    note.textContent = page.items.length ? page.items.length + ' waiting, oldest first.' : 'Nothing is waiting for a decision.';
  };
  refresh();
  const timer = setInterval(refresh, 2000);
  leaving.push(() => clearInterval(timer));
}

function approvalCard(approval, gone) {
  const comment = h('textarea', {name: 'comment', rows: 2, placeholder: 'comment (optional)', 'aria-label': 'comment'});
  const outcome = h('div', {});
  const context = h('details', {}, h('summary', {}, 'The run so far'));
  context.addEventListener('toggle', async () => {
    if (!context.open || context.dataset.loaded) return;
    context.dataset.loaded = 'yes';
    try {
      const run = await api('/v1/runs/' + encodeURIComponent(approval.runId));
      context.append(json(run.input, 'input'), ...run.steps.map(step => stepView(step)));
    } catch (error) {
      context.append(problem(error));
    }
  });
  const card = h('div', {class: 'card approval', 'data-approval': approval.id});
  const decide = decision => async () => {
    card.dataset.deciding = 'yes';
    for (const button of card.querySelectorAll('button')) button.disabled = true;
    try {
      await api('/v1/approvals/' + encodeURIComponent(approval.id), {method: 'POST',
        body: {decision, comment: comment.value}});
      card.remove();
      gone();
    } catch (error) {
      outcome.replaceChildren(problem(error.status === 409 ? new Error('Already decided elsewhere, or expired.') : error));
      if (error.status === 409) setTimeout(() => { card.remove(); gone(); }, 1500);
      else {
        delete card.dataset.deciding;
        for (const button of card.querySelectorAll('button')) button.disabled = false;
      }
    }
  };
  card.append(
    h('div', {class: 'row'}, h('strong', {}, approval.tool), h('span', {}, 'agent ' + approval.agent),
      runLink(approval.runId), h('span', {class: 'muted'}, 'waiting ' + age(approval.requestedAt)),
      approval.expiresAt ? h('span', {class: 'muted'}, 'expires ' + time(approval.expiresAt)) : null),
    h('p', {}, [approval.policy, approval.rule].filter(Boolean).join(' / '), approval.reason ? ' — ' + approval.reason : ''),
    json(approval.arguments, 'arguments'), context);
  if (can('operator')) {
    card.append(h('div', {class: 'actions'}, comment,
      h('button', {class: 'approve', onclick: decide('approve')}, 'Approve'),
      h('button', {class: 'danger reject', onclick: decide('reject')}, 'Reject')));
  }
  card.append(outcome);
  return card;
}

// Schedules: next times in the schedule's zone, what the last occurrences did, and the controls.
async function schedulesPage() {
  show(h('h1', {}, 'Schedules'), h('p', {class: 'muted'}, 'Loading…'));
  let schedules;
  try {
    schedules = await api('/v1/schedules');
  } catch (error) {
    return show(h('h1', {}, 'Schedules'), problem(error));
  }
  const cards = await Promise.all(schedules.map(async schedule => {
    const occurrences = await api('/v1/schedules/' + encodeURIComponent(schedule.agent) + '/occurrences?limit=10')
      .catch(() => ({items: []}));
    const control = (action, text) => h('button', {class: 'secondary', 'data-action': action, onclick: async event => {
      event.target.disabled = true;
      try {
        await api('/v1/schedules/' + encodeURIComponent(schedule.agent) + '/' + action, {method: 'POST', body: {}});
        schedulesPage();
      } catch (error) {
        event.target.after(problem(error));
      }
    }}, text);
    return h('div', {class: 'card schedule', 'data-agent': schedule.agent},
      h('div', {class: 'row'}, h('strong', {}, schedule.agent), h('code', {}, schedule.cron),
        h('span', {class: 'muted'}, schedule.timezone), schedule.paused ? status('paused') : status('active'),
        h('span', {class: 'muted'}, 'overlap ' + schedule.overlap + ', catch-up ' + schedule.catchUp),
        schedule.missed ? h('span', {class: 'error'}, schedule.missed + ' missed') : null),
      schedule.pausedBy ? h('p', {class: 'muted'}, 'paused by ' + schedule.pausedBy) : null,
      h('p', {}, 'Next: ', schedule.next.map(t => time(t, schedule.timezone)).join(' · ')),
      h('table', {}, h('thead', {}, h('tr', {}, ['Scheduled', 'Outcome', 'Run', 'Reason'].map(n => h('th', {}, n)))),
        h('tbody', {}, occurrences.items.map(o => h('tr', {},
          h('td', {}, time(o.scheduledAt, schedule.timezone) + (o.count > 1 ? ' (+' + (o.count - 1) + ')' : '')),
          h('td', {}, status(o.outcome), o.status ? ' ' : '', o.status ? status(o.status) : ''),
          h('td', {}, runLink(o.runId)), h('td', {}, o.reason || ''))))),
      can('operator') ? h('div', {class: 'actions'},
        schedule.paused ? control('resume', 'Resume') : control('pause', 'Pause'), control('trigger', 'Trigger now')) : null);
  }));
  show(h('h1', {}, 'Schedules'), schedules.length ? cards : h('p', {class: 'muted'}, 'No agent has a schedule.'));
}

// Agents: validity with the error's place, tools and policies.
async function agentsPage() {
  let agents;
  try {
    agents = await api('/v1/agents');
  } catch (error) {
    return show(h('h1', {}, 'Agents'), problem(error));
  }
  const rows = await Promise.all(agents.map(async agent => {
    const definition = agent.valid
      ? await api('/v1/agents/' + encodeURIComponent(agent.name)).catch(error => ({error}))
      : null;
    const names = list => (list && list.length ? list.join(', ') : 'none');
    return h('div', {class: 'card', 'data-agent': agent.name},
      h('div', {class: 'row'}, h('strong', {}, agent.name), status(agent.valid ? 'ok' : 'error'),
        h('span', {class: 'muted'}, agent.description || ''),
        agent.valid ? link('/console?agent=' + encodeURIComponent(agent.name), 'runs') : null),
      agent.error ? h('p', {class: 'error'}, agent.error) : null,
      definition && definition.error ? problem(definition.error) : null,
      definition && !definition.error ? [
        h('p', {class: 'agent-tools'}, 'tools: ', names(definition.tools)),
        h('p', {class: 'agent-policies'}, 'policies: ', names(definition.policies)),
        definition.schedule ? h('p', {}, 'schedule: ', definition.schedule.cron + ' ' + (definition.schedule.timezone || 'UTC')) : null,
        h('details', {}, h('summary', {}, 'definition'), json(definition))] : null);
  }));
  show(h('h1', {}, 'Agents'), rows);
}

// Tools: each toolset with its tools and annotations, and a form to test one.
async function toolsPage() {
  let toolsets;
  try {
    toolsets = await api('/v1/tools');
  } catch (error) {
    return show(h('h1', {}, 'Tools'), problem(error));
  }
  show(h('h1', {}, 'Tools'), toolsets.map(toolset => h('div', {class: 'card', 'data-toolset': toolset.name},
    h('div', {class: 'row'}, h('strong', {}, toolset.name), h('span', {class: 'muted'}, toolset.type),
      status(toolset.error ? 'error' : 'ok'), h('span', {class: 'muted'}, toolset.description || '')),
    toolset.error ? h('p', {class: 'error'}, toolset.error) : null,
    (toolset.tools || []).map(tool => toolView(toolset, tool)))));
}

function toolView(toolset, tool) {
  const annotations = Object.entries(tool.annotations || {}).filter(([, v]) => v === true).map(([k]) => k);
  const parts = [h('div', {class: 'row'}, h('code', {}, toolset.name + '.' + tool.name),
    h('span', {class: 'muted'}, tool.description || ''), annotations.length ? h('span', {}, annotations.join(', ')) : null)];
  if (can('operator')) {
    const args = h('textarea', {'aria-label': 'arguments for ' + toolset.name + '.' + tool.name}, '{}');
    const outcome = h('div', {});
    parts.push(h('details', {}, h('summary', {}, 'test'), json(tool.parameters, 'parameters'),
      h('div', {class: 'actions'}, args, h('button', {onclick: async () => {
        let body;
        try {
          body = JSON.parse(args.value);
        } catch (error) {
          return outcome.replaceChildren(problem(new Error('The arguments are not JSON: ' + error.message)));
        }
        try {
          const run = await api('/v1/tools/' + encodeURIComponent(toolset.name) + '/' + encodeURIComponent(tool.name)
            + '/test', {method: 'POST', body});
          outcome.replaceChildren(h('p', {}, status(run.status), ' recorded as ', runLink(run.id)),
            ...(run.steps || []).map(step => stepView(step)));
        } catch (error) {
          outcome.replaceChildren(problem(error));
        }
      }}, 'Call')), outcome));
  }
  return h('div', {class: 'tool'}, parts);
}

// Audit: verify the chain (whole, or the stretch of one run), the signing key, an export.
function auditPage() {
  if (!can('auditor')) return show(h('h1', {}, 'Audit'), h('p', {}, 'Your role does not read the audit trail.'));
  const result = h('div', {id: 'verify-result'});
  const runId = h('input', {name: 'run', size: 34, placeholder: 'run_…', 'aria-label': 'run id'});
  const verify = async (query, what) => {
    result.replaceChildren(h('p', {class: 'muted'}, 'Verifying ' + what + '…'));
    try {
      const answer = await api('/v1/audit/verify' + query);
      result.replaceChildren(h('div', {class: 'card'}, h('div', {class: 'row'}, h('strong', {}, what),
        status(answer.ok ? 'ok' : 'error'), h('span', {}, answer.records + ' records, ' + answer.checkpoints
          + ' signed checkpoints')),
      answer.firstBad ? h('p', {class: 'error'}, 'first bad record: #' + answer.firstBad.seq + ': ' + answer.firstBad.reason) : null));
    } catch (error) {
      result.replaceChildren(problem(error));
    }
  };
  const download = async () => {
    const response = await fetch('/v1/audit/export', {headers: {Authorization: 'Bearer ' + key()}});
    const blob = await response.blob();
    const a = h('a', {href: URL.createObjectURL(blob), download: 'agentry-audit.ndjson'});
    a.click();
    URL.revokeObjectURL(a.href);
  };
  const publicKey = h('pre', {id: 'public-key'}, '…');
  fetch('/v1/audit/public-key', {headers: {Authorization: 'Bearer ' + key()}})
    .then(r => r.text()).then(text => { publicKey.textContent = text; });
  const head = h('div', {class: 'card', id: 'chain-head'}, 'Loading the chain head…');
  api('/v1/audit/head').then(answer => {
    const checkpoint = answer.checkpoint;
    head.replaceChildren(h('div', {class: 'row'}, h('strong', {}, 'Chain head'), h('span', {id: 'head-seq'}, '#' + answer.seq),
      h('code', {}, answer.hash || '')),
    h('div', {class: 'row'}, h('strong', {}, 'Last signed checkpoint'), checkpoint
      ? [h('span', {}, '#' + checkpoint.seq + ' at ' + time(checkpoint.at)), h('code', {}, checkpoint.hash)]
      : h('span', {class: 'muted'}, 'none yet')));
  }, error => head.replaceChildren(problem(error)));
  show(h('h1', {}, 'Audit'),
    h('div', {class: 'actions'}, h('button', {id: 'verify-all', onclick: () => verify('', 'the whole log')}, 'Verify the whole log'),
      runId, h('button', {class: 'secondary', onclick: async () => {
        try {
          const records = await api('/v1/runs/' + encodeURIComponent(runId.value.trim()) + '/audit?limit=1000');
          const seqs = records.items.map(r => r.seq);
          verify('?from=' + Math.min(...seqs) + '&to=' + Math.max(...seqs), 'run ' + runId.value.trim());
        } catch (error) {
          result.replaceChildren(problem(error));
        }
      }}, 'Verify one run'),
      h('button', {class: 'secondary', onclick: download}, 'Export (NDJSON)')),
    result, head, h('h2', {}, 'Checkpoint signing key'), publicKey);
}

start();
