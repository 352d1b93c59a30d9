#!/usr/bin/env node
// Deterministic generator of TypeScript modular monoliths for the Event Flow benchmark.
//
//   node bench/generate.mjs --size S|M|L [--seed N] [--out dir] [--force]
//
// Same size + seed + GENERATOR_VERSION → byte-identical output (own PRNG, no clock, no
// Math.random, no iteration over unordered state). The output follows the sample app's
// conventions (see bench/README.md): `src/core/events.ts`, modules under `src/modules/<m>/`
// with `domain/events.ts`, publishing services, `services/*-event-handlers.ts`, `index.ts`;
// keys also through constants, string enums and nested const objects; imports through the
// `@modules/*` paths alias and index re-exports. Most files have nothing to do with events.
// `expected.json` in the output holds the ground truth the runner checks the tool against.
import { existsSync, mkdirSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

export const GENERATOR_VERSION = 2;
export const MARKER_FILE = '.bench-generated.json';
export const SIZES = {
  S: { files: 200, modules: 6 },
  M: { files: 2000, modules: 40 },
  L: { files: 20000, modules: 300 },
};
const MIN_LINES = 60;
const MAX_LINES = 150;
const HANDLERS_PER_FILE = 7;
const MODULES_PER_REGISTRY = 40;

const benchDir = dirname(fileURLToPath(import.meta.url));

// ---------------------------------------------------------------------------------------------
// PRNG (mulberry32) and helpers
// ---------------------------------------------------------------------------------------------

class Rng {
  constructor(seed) {
    this.state = seed >>> 0;
  }
  float() {
    this.state = (this.state + 0x6d2b79f5) >>> 0;
    let t = this.state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  }
  /** Integer in [lo, hi], both inclusive. */
  int(lo, hi) {
    return lo + Math.floor(this.float() * (hi - lo + 1));
  }
  chance(p) {
    return this.float() < p;
  }
  pick(items) {
    return items[Math.floor(this.float() * items.length)];
  }
  /** Picks from [[value, weight], ...]. */
  weighted(pairs) {
    const total = pairs.reduce((s, [, w]) => s + w, 0);
    let r = this.float() * total;
    for (const [value, w] of pairs) {
      r -= w;
      if (r < 0) return value;
    }
    return pairs[pairs.length - 1][0];
  }
  shuffle(items) {
    const a = [...items];
    for (let i = a.length - 1; i > 0; i--) {
      const j = Math.floor(this.float() * (i + 1));
      [a[i], a[j]] = [a[j], a[i]];
    }
    return a;
  }
  sample(items, k) {
    return this.shuffle(items).slice(0, k);
  }
}

const pascal = (s) => s.split(/[-_.\s]+/).filter(Boolean).map((w) => w[0].toUpperCase() + w.slice(1)).join('');
const camel = (s) => {
  const p = pascal(s);
  return p[0].toLowerCase() + p.slice(1);
};
const upperSnake = (s) =>
  s
    .replace(/([a-z0-9])([A-Z])/g, '$1_$2')
    .split(/[-_.\s]+/)
    .filter(Boolean)
    .map((w) => w.toUpperCase())
    .join('_');
const plural = (s) => (s.endsWith('y') && !/[aeiou]y$/.test(s) ? s.slice(0, -1) + 'ies' : /(s|x|ch|sh)$/.test(s) ? s + 'es' : s + 's');
const article = (s) => (/^[aeiou]/.test(s) ? 'an' : 'a');

// ---------------------------------------------------------------------------------------------
// Vocabulary
// ---------------------------------------------------------------------------------------------

/** Base module names with their primary entity. */
const BASE_MODULES = [
  ['orders', 'order'], ['billing', 'invoice'], ['shipping', 'shipment'], ['notifications', 'notification'],
  ['inventory', 'stock'], ['customers', 'customer'], ['catalog', 'product'], ['payments', 'payment'],
  ['accounts', 'account'], ['support', 'ticket'], ['reporting', 'report'], ['scheduling', 'schedule'],
  ['contracts', 'contract'], ['claims', 'claim'], ['policies', 'policy'], ['budgeting', 'budget'],
  ['assets', 'asset'], ['fleet', 'vehicle'], ['routing', 'route'], ['recruiting', 'candidate'],
  ['training', 'course'], ['surveys', 'survey'], ['reviews', 'review'], ['refunds', 'refund'],
  ['promotions', 'coupon'], ['marketing', 'campaign'], ['sales', 'lead'], ['quoting', 'quote'],
  ['procurement', 'supplier'], ['warehouse', 'pallet'], ['documents', 'document'], ['messaging', 'message'],
  ['identity', 'profile'], ['subscriptions', 'subscription'], ['loyalty', 'reward'], ['membership', 'member'],
  ['partners', 'partner'], ['vendors', 'vendor'], ['ledger', 'entry'], ['treasury', 'transfer'],
  ['lending', 'loan'], ['taxes', 'receipt'], ['reminders', 'reminder'], ['tasks', 'task'],
  ['projects', 'project'], ['timesheets', 'timesheet'], ['staffing', 'shift'], ['bookings', 'booking'],
  ['hospitality', 'reservation'], ['devices', 'device'], ['monitoring', 'alert'], ['incidents', 'incident'],
  ['compliance', 'audit'], ['certification', 'certificate'], ['licensing', 'license'], ['inspections', 'inspection'],
  ['warranties', 'warranty'], ['returns', 'rma'], ['delivery', 'delivery'], ['carriers', 'carrier'],
  ['kitchen', 'recipe'], ['pricing', 'discount'], ['wallets', 'wallet'], ['cards', 'card'],
  ['statements', 'statement'], ['forecasting', 'forecast'], ['goals', 'goal'], ['skills', 'skill'],
  ['teams', 'team'], ['access', 'role'], ['invitations', 'invitation'], ['comments', 'comment'],
  ['templates', 'template'], ['workflows', 'workflow'], ['jobs', 'job'], ['webhooks', 'webhook'],
];
const QUALIFIERS = [
  'retail', 'partner', 'internal', 'global', 'regional', 'enterprise', 'mobile', 'legacy',
  'field', 'store', 'online', 'wholesale', 'export', 'marketplace', 'franchise', 'corporate',
];
const ENTITY_POOL = [
  'invoice', 'payment', 'order', 'shipment', 'parcel', 'customer', 'product', 'item', 'account', 'ticket',
  'report', 'schedule', 'contract', 'claim', 'policy', 'budget', 'asset', 'vehicle', 'route', 'driver',
  'employee', 'candidate', 'course', 'survey', 'review', 'refund', 'coupon', 'campaign', 'lead', 'quote',
  'supplier', 'stock', 'batch', 'document', 'attachment', 'message', 'thread', 'session', 'profile', 'address',
  'subscription', 'plan', 'reward', 'member', 'partner', 'vendor', 'entry', 'transfer', 'deposit', 'loan',
  'receipt', 'notification', 'reminder', 'task', 'project', 'milestone', 'timesheet', 'shift', 'booking', 'reservation',
  'room', 'device', 'sensor', 'alert', 'incident', 'audit', 'certificate', 'license', 'permit', 'inspection',
  'warranty', 'rma', 'delivery', 'carrier', 'pallet', 'bin', 'lot', 'recipe', 'menu', 'discount',
  'voucher', 'wallet', 'card', 'statement', 'forecast', 'target', 'goal', 'skill', 'badge', 'team',
  'role', 'invitation', 'comment', 'label', 'folder', 'template', 'workflow', 'job', 'webhook', 'quota',
];
/** [past tense (the key's action), verb (the service method)] */
const ACTIONS = [
  ['created', 'create'], ['updated', 'update'], ['archived', 'archive'], ['approved', 'approve'],
  ['rejected', 'reject'], ['submitted', 'submit'], ['cancelled', 'cancel'], ['completed', 'complete'],
  ['activated', 'activate'], ['suspended', 'suspend'], ['renewed', 'renew'], ['assigned', 'assign'],
  ['closed', 'close'], ['reopened', 'reopen'], ['scheduled', 'schedule'], ['verified', 'verify'],
  ['expired', 'expire'], ['paid', 'pay'], ['sent', 'send'], ['shipped', 'ship'],
  ['delivered', 'deliver'], ['refunded', 'refund'], ['restored', 'restore'], ['merged', 'merge'],
  ['flagged', 'flag'], ['placed', 'place'], ['confirmed', 'confirm'], ['registered', 'register'],
  ['escalated', 'escalate'], ['resolved', 'resolve'], ['locked', 'lock'], ['removed', 'remove'],
];
/** Present-tense actions for the deliberate naming mistakes ('invoice.pay'). */
const NON_PAST_ACTIONS = ['pay', 'approve', 'submit', 'cancel', 'ship', 'renew', 'send', 'close', 'verify', 'assign'];
const FIELD_POOL = [
  { name: 'description', type: 'string' }, { name: 'reference', type: 'string' }, { name: 'ownerId', type: 'string' },
  { name: 'currency', type: 'string' }, { name: 'region', type: 'string' }, { name: 'category', type: 'string' },
  { name: 'amount', type: 'number' }, { name: 'quantity', type: 'number' }, { name: 'priority', type: 'number' },
  { name: 'score', type: 'number' }, { name: 'weight', type: 'number' }, { name: 'enabled', type: 'boolean' },
  { name: 'verified', type: 'boolean' }, { name: 'tags', type: 'string[]' }, { name: 'dueDate', type: 'Date' },
];
const NUMBER_FIELDS = FIELD_POOL.filter((f) => f.type === 'number');
const EVENT_PARAM_POOL = [
  { name: 'actorId', type: 'string' }, { name: 'amount', type: 'number' }, { name: 'reason', type: 'string' },
  { name: 'count', type: 'number' }, { name: 'notify', type: 'boolean' }, { name: 'channel', type: 'string' },
  { name: 'revision', type: 'number' }, { name: 'source', type: 'string' }, { name: 'urgent', type: 'boolean' },
  { name: 'total', type: 'number' },
];
const HANDLER_FILE_SUFFIXES = ['', '-integration', '-sync', '-audit', '-projection', '-workflow', '-reaction', '-policy'];
const FILLER_KINDS = ['query-service', 'policy', 'cleanup-job', 'repository-test', 'helpers', 'config', 'types', 'admin-controller'];
const SHARED_FILES = ['ids', 'clock', 'errors', 'result', 'logger', 'pagination', 'http', 'validation', 'collections', 'money', 'testing', 'modules'];

// ---------------------------------------------------------------------------------------------
// Plan: modules, entities, events, publishes, handlers, anomalies
// ---------------------------------------------------------------------------------------------

function moduleNames(n) {
  const names = [];
  for (const [name, primary] of BASE_MODULES) names.push({ name, primary });
  for (const q of QUALIFIERS) for (const [name, primary] of BASE_MODULES) names.push({ name: `${q}-${name}`, primary });
  if (n > names.length) throw new Error(`at most ${names.length} modules`);
  return names.slice(0, n);
}

function buildPlan(size, seed) {
  // A plan can overshoot the file budget (many handlers in few modules) or lack plain events for
  // the planted mistakes; retry with a derived random stream (still deterministic).
  for (let attempt = 0; ; attempt++) {
    try {
      return buildPlanAttempt(size, seed, attempt);
    } catch (error) {
      if (!(error instanceof PlanError) || attempt >= 20) throw error;
    }
  }
}

/** A plan that cannot be completed with this random stream; the caller retries. */
class PlanError extends Error {}

function buildPlanAttempt(size, seed, attempt) {
  const spec = SIZES[size];
  const rng = new Rng((seed * 2654435761) ^ (size.charCodeAt(0) * 40503) ^ (attempt * 0x9e3779b9));
  const N = spec.modules;
  const registryCount = Math.ceil(N / MODULES_PER_REGISTRY);
  const globalFiles = 1 /* core/events */ + SHARED_FILES.length + registryCount + 1 /* main */;
  const perModule = (spec.files - globalFiles) / N;
  // Fixed files per module: index, events, event-types (most), ~1.6 handler files; 8 per entity.
  const baseEntities = Math.max(2, Math.floor((perModule - 5.5) / 8));

  const styles = ['constants', 'enum', 'nested', 'none'];
  const modules = moduleNames(N).map(({ name, primary }, index) => {
    const P = pascal(name);
    return {
      index, name, P, c: camel(name), U: upperSnake(name), primary,
      keyStyle: index < styles.length ? styles[index] : rng.weighted([['none', 4], ['constants', 2], ['enum', 2], ['nested', 2]]),
      testsDir: rng.chance(0.5),
      entities: [], events: [], handlers: [], handlerFiles: [], fillers: [],
    };
  });

  // Entities.
  for (const m of modules) {
    const count = Math.max(2, baseEntities + rng.weighted([[-1, 1], [0, 2], [1, 1]]));
    const names = [m.primary, ...rng.shuffle(ENTITY_POOL.filter((e) => e !== m.primary)).slice(0, count - 1)];
    for (const name of names) {
      const fields = [{ name: 'name', type: 'string' }];
      const others = rng.sample(FIELD_POOL, rng.int(2, 4));
      if (!others.some((f) => f.type === 'number')) others.push(rng.pick(NUMBER_FIELDS));
      for (const f of FIELD_POOL) if (others.includes(f)) fields.push(f); // stable order
      m.entities.push({ module: m, name, P: pascal(name), c: camel(name), U: upperSnake(name), fields, events: [], verbs: new Set() });
    }
  }
  // Keep the fixed files within the budget (handler files estimated at 2 per module).
  const fixedFiles = () => globalFiles + modules.reduce((n, m) => n + 2 + (m.keyStyle !== 'none' ? 1 : 0) + 2 + m.entities.length * 8, 0);
  while (fixedFiles() > spec.files) {
    const biggest = modules.reduce((a, b) => (b.entities.length > a.entities.length ? b : a));
    if (biggest.entities.length <= 2) break;
    biggest.entities.pop();
  }
  const entityUse = new Map();
  for (const m of modules) for (const e of m.entities) entityUse.set(e.name, (entityUse.get(e.name) ?? 0) + 1);
  for (const m of modules)
    for (const e of m.entities) {
      const unique = entityUse.get(e.name) === 1;
      e.keyPrefix = unique ? e.name : `${m.name}.${e.name}`;
      e.classPrefix = unique ? e.P : `${m.P}${e.P}`;
    }

  const events = [];
  const addEvent = (entity, action, verb, extra = {}) => {
    const m = entity.module;
    const key = `${entity.keyPrefix}.${action}`;
    const ev = {
      id: events.length, module: m, entity, action, verb, key,
      className: `${entity.classPrefix}${pascal(action)}Event`,
      constName: upperSnake(key), enumMember: `${entity.P}${pascal(action)}`,
      params: [], ownParams: [], parent: null, children: [], anomaly: null,
      publishSites: [], testPublishSites: 0, handlers: [], inCycle: false,
      ...extra,
    };
    ev.keyInClass = m.keyStyle !== 'none' && rng.chance(0.4);
    events.push(ev);
    m.events.push(ev);
    entity.events.push(ev);
    entity.verbs.add(verb);
    return ev;
  };

  // Base events: 0–3 per entity, 2–12 per module.
  for (const m of modules) {
    for (const entity of m.entities) {
      const n = rng.weighted([[0, 25], [1, 30], [2, 30], [3, 15]]);
      for (const [past, verb] of rng.sample(ACTIONS, n)) {
        if (m.events.length >= 12) break;
        const ev = addEvent(entity, past, verb);
        ev.params = [{ name: `${entity.c}Id`, type: 'string' }, ...rng.sample(EVENT_PARAM_POOL, rng.int(0, 2))];
        ev.ownParams = ev.params;
      }
    }
    while (m.events.length < 2) {
      const entity = m.entities[m.events.length % m.entities.length];
      const [past, verb] = rng.pick(ACTIONS.filter(([, v]) => !entity.verbs.has(v)));
      const ev = addEvent(entity, past, verb);
      ev.params = [{ name: `${entity.c}Id`, type: 'string' }];
      ev.ownParams = ev.params;
    }
  }

  // Subclasses (some of subclasses), in the same or another module; a parent precedes its child.
  const subclassCount = Math.max(3, Math.round(events.length * 0.08));
  let lastSub = null;
  for (let i = 0; i < subclassCount; i++) {
    let parent;
    if (lastSub && i % 3 === 1) parent = lastSub; // guarantees chains: subclass of a subclass
    else parent = rng.pick(events.filter((e) => e.params.length <= 3));
    const sameModule = rng.chance(0.5);
    const m = sameModule ? parent.module : rng.pick(modules);
    if (m.events.length >= 14) continue;
    const entity = rng.pick(m.entities);
    const free = ACTIONS.filter(([, v]) => !entity.verbs.has(v));
    const [past, verb] = rng.pick(free);
    const ev = addEvent(entity, past, verb, { parent });
    const own = rng.pick(EVENT_PARAM_POOL.filter((p) => !parent.params.some((q) => q.name === p.name)));
    ev.params = [...parent.params, own];
    ev.ownParams = [own];
    parent.children.push(ev);
    lastSub = ev;
  }

  // Deliberate mistakes.
  const k = Math.max(1, Math.round(N / 20));
  const isPlain = (e) => !e.anomaly && !e.parent && e.children.length === 0;
  const nonPast = [];
  for (let i = 0; i < k; i++) {
    const m = modules[(i * 7 + 3) % N];
    const entity = rng.pick(m.entities);
    const verb = rng.pick(NON_PAST_ACTIONS.filter((v) => !entity.verbs.has(v)));
    const ev = addEvent(entity, verb, verb, { anomaly: 'non-past-tense' });
    ev.params = [{ name: `${entity.c}Id`, type: 'string' }, rng.pick(EVENT_PARAM_POOL)];
    ev.ownParams = ev.params;
    nonPast.push(ev);
  }
  const pickPlain = (count, filter = () => true) => {
    const chosen = rng.sample(events.filter((e) => isPlain(e) && filter(e)), count);
    if (chosen.length < count) throw new PlanError('not enough plain events for the anomalies');
    return chosen;
  };
  const unhandled = pickPlain(k);
  for (const e of unhandled) e.anomaly = 'unhandled';
  const unpublished = pickPlain(k);
  for (const e of unpublished) e.anomaly = 'unpublished';
  // The cycle: a → b → c → a across three modules (the handler of each publishes the next).
  const cycleModules = rng.sample(modules, 3);
  const cycle = cycleModules.map((m) => {
    const [e] = pickPlain(1, (x) => x.module === m);
    e.anomaly = 'cycle';
    e.inCycle = true;
    return e;
  });
  const misspeltTargets = pickPlain(k); // a handler with a misspelt key is added for each

  // Publish sites: service primary method, sometimes a bulk method.
  const forms = ['variable', 'function', 'chained'];
  let formIndex = 0;
  for (const ev of events) {
    if (ev.anomaly === 'unpublished') continue;
    ev.publishSites.push({ kind: 'service', form: forms[formIndex++ % 3] });
    if (rng.chance(0.15)) ev.publishSites.push({ kind: 'bulk', form: 'function' });
  }

  // Handlers.
  const load = new Map(modules.map((m) => [m, 0]));
  const chooseHandlerModules = (ev, count, exclude = []) => {
    const candidates = modules.filter((m) => m !== ev.module && !exclude.includes(m));
    const light = candidates.filter((m) => load.get(m) < 14);
    return rng.sample(light.length >= count ? light : candidates, count);
  };
  const addHandler = (ev, m, extra = {}) => {
    const keyForm = ev.module.keyStyle === 'none' || rng.chance(0.5) ? 'literal' : ev.module.keyStyle;
    const h = {
      event: ev, module: m, key: ev.key, keyForm,
      via: rng.chance(0.1) ? 'registration' : 'decorator',
      async: rng.chance(0.05), publishes: null, misspelt: false,
      ...extra,
    };
    if (h.misspelt || h.publishes) h.via = 'decorator';
    if (h.misspelt) h.keyForm = 'literal';
    ev.handlers.push(h);
    m.handlers.push(h);
    load.set(m, load.get(m) + 1);
    return h;
  };
  // The cycle first: handler of cycle[i] lives in the module of cycle[i+1] and publishes it.
  for (let i = 0; i < 3; i++) {
    const from = cycle[i];
    const to = cycle[(i + 1) % 3];
    addHandler(from, to.module, { publishes: to });
  }
  for (const ev of events) {
    if (ev.anomaly === 'unhandled' || ev.anomaly === 'cycle') continue;
    const count = rng.weighted([[1, 60], [2, 30], [3, 10]]);
    for (const m of chooseHandlerModules(ev, count)) addHandler(ev, m);
  }
  for (const ev of misspeltTargets) {
    const [m] = chooseHandlerModules(ev, 1);
    addHandler(ev, m, { misspelt: true, key: misspell(ev.key, rng, new Set(events.map((e) => e.key))) });
  }

  // Flows: a handler publishes an event of its own module; never closing another cycle.
  const flowEdges = new Map(); // event id → Set(event id)
  const addEdge = (a, b) => {
    if (!flowEdges.has(a.id)) flowEdges.set(a.id, new Set());
    flowEdges.get(a.id).add(b.id);
  };
  const reaches = (from, to) => {
    const seen = new Set();
    const stack = [from.id];
    while (stack.length) {
      const id = stack.pop();
      if (id === to.id) return true;
      if (seen.has(id)) continue;
      seen.add(id);
      for (const n of flowEdges.get(id) ?? []) stack.push(n);
    }
    return false;
  };
  for (let i = 0; i < 3; i++) addEdge(cycle[i], cycle[(i + 1) % 3]);
  const flowCount = Math.max(2, Math.round(N / 4));
  let flows = 3;
  const flowCandidates = rng.shuffle(
    events.flatMap((e) => e.handlers).filter((h) => h.via === 'decorator' && !h.misspelt && !h.publishes),
  );
  for (const h of flowCandidates) {
    if (flows >= flowCount + 3) break;
    const targets = h.module.events.filter((e) => e.anomaly !== 'unpublished' && e !== h.event);
    if (!targets.length) continue;
    const to = rng.pick(targets);
    if (to === h.event || reaches(to, h.event)) continue;
    h.publishes = to;
    addEdge(h.event, to);
    flows++;
  }

  // Test publishes (do not count for the rules): some service tests replay an event.
  const testPublishEntities = new Set();
  for (const m of modules)
    for (const entity of m.entities) {
      const candidates = entity.events.filter((e) => !e.anomaly && e.publishSites.length > 0);
      if (candidates.length && rng.chance(0.2)) {
        const ev = rng.pick(candidates);
        entity.testPublish = ev;
        ev.testPublishSites++;
        testPublishEntities.add(entity);
      }
    }
  if (testPublishEntities.size === 0) {
    // Always at least one test publish, so that the test-file rule is exercised.
    const entity = modules.flatMap((m) => m.entities).find((e) => e.events.some((ev) => !ev.anomaly && ev.publishSites.length > 0));
    if (entity) {
      const ev = entity.events.find((x) => !x.anomaly && x.publishSites.length > 0);
      entity.testPublish = ev;
      ev.testPublishSites++;
      testPublishEntities.add(entity);
    }
  }

  // Handler files: chunks of HANDLERS_PER_FILE handlers per module.
  for (const m of modules) {
    const hs = m.handlers;
    for (let i = 0; i < hs.length; i += HANDLERS_PER_FILE) {
      const n = m.handlerFiles.length;
      const suffix = n < HANDLER_FILE_SUFFIXES.length ? HANDLER_FILE_SUFFIXES[n] : `-${n + 1}`;
      m.handlerFiles.push({
        name: `${m.name}${suffix}-event-handlers`,
        className: `${m.P}${pascal(suffix)}EventHandlers`,
        handlers: hs.slice(i, i + HANDLERS_PER_FILE),
      });
    }
  }

  // Fill the file budget with files that have nothing to do with events.
  let planned = globalFiles;
  for (const m of modules) {
    planned += 1 /* index */ + 1 /* events */ + (m.keyStyle !== 'none' ? 1 : 0) + m.handlerFiles.length + m.entities.length * 8;
  }
  let remaining = spec.files - planned;
  if (remaining < 0) throw new PlanError(`plan overshoots ${spec.files} files by ${-remaining}`);
  for (let i = 0; remaining > 0; i++, remaining--) {
    const m = modules[i % N];
    const n = m.fillers.length;
    const kind = FILLER_KINDS[(n + m.index) % FILLER_KINDS.length];
    const entity = m.entities[Math.floor(n / FILLER_KINDS.length) % m.entities.length];
    const round = Math.floor(n / (FILLER_KINDS.length * m.entities.length));
    m.fillers.push({ kind, entity, suffix: round ? `-${round + 1}` : '' });
  }

  return {
    size, seed, spec, modules, events, registryCount,
    anomalies: { unhandled, unpublished, nonPast, cycle, misspeltTargets },
    flows,
  };
}

function misspell(key, rng, existing) {
  const dot = key.lastIndexOf('.');
  const action = key.slice(dot + 1);
  for (let attempt = 0; attempt < 20; attempt++) {
    const i = rng.int(1, action.length - 3);
    const a = action.split('');
    [a[i], a[i + 1]] = [a[i + 1], a[i]];
    const candidate = key.slice(0, dot + 1) + a.join('');
    if (candidate !== key && !existing.has(candidate)) return candidate;
  }
  return key.slice(0, dot + 1) + action + 'd';
}

// ---------------------------------------------------------------------------------------------
// Text helpers: imports, padding to a target length
// ---------------------------------------------------------------------------------------------

class Imports {
  constructor() {
    this.specs = new Map(); // specifier → { names: Map(imported → {local, type}), sideEffect }
  }
  add(specifier, imported, { local = imported, type = false } = {}) {
    if (!this.specs.has(specifier)) this.specs.set(specifier, { names: new Map(), typeOnly: false });
    const s = this.specs.get(specifier);
    const existing = s.names.get(imported);
    if (existing) {
      if (!type) existing.type = false;
      return existing.local;
    }
    s.names.set(imported, { local, type });
    return local;
  }
  /** Marks a specifier as `import type { … }` when every name is a type. */
  preferTypeOnly(specifier) {
    const s = this.specs.get(specifier);
    if (s) s.typeOnly = true;
  }
  render() {
    const lines = [];
    for (const [spec, { names, typeOnly }] of this.specs) {
      const all = [...names.entries()];
      const allTypes = all.every(([, v]) => v.type);
      const parts = all.map(([imported, { local, type }]) => {
        const base = imported === local ? imported : `${imported} as ${local}`;
        return type && !(allTypes && typeOnly) ? `type ${base}` : base;
      });
      const head = allTypes && typeOnly ? 'import type' : 'import';
      const line = `${head} { ${parts.join(', ')} } from '${spec}';`;
      if (line.length <= 110) lines.push(line);
      else {
        lines.push(`${head} {`);
        for (const p of parts) lines.push(`  ${p},`);
        lines.push(`} from '${spec}';`);
      }
    }
    return lines;
  }
}

/** Self-contained helper blocks used to bring a file to its target length. */
const PADDING = [
  ({ P }) => [
    `export function format${P}Label(parts: readonly string[], separator = ' / '): string {`,
    `  const cleaned: string[] = [];`,
    `  for (const part of parts) {`,
    `    const trimmed = part.trim();`,
    `    if (trimmed.length === 0) {`,
    `      continue;`,
    `    }`,
    `    cleaned.push(trimmed.charAt(0).toUpperCase() + trimmed.slice(1));`,
    `  }`,
    `  return cleaned.join(separator);`,
    `}`,
  ],
  ({ P }) => [
    `export interface ${P}Stats {`,
    `  count: number;`,
    `  min: number;`,
    `  max: number;`,
    `  mean: number;`,
    `}`,
    ``,
    `export function compute${P}Stats(values: readonly number[]): ${P}Stats {`,
    `  if (values.length === 0) {`,
    `    return { count: 0, min: 0, max: 0, mean: 0 };`,
    `  }`,
    `  let min = Number.POSITIVE_INFINITY;`,
    `  let max = Number.NEGATIVE_INFINITY;`,
    `  let sum = 0;`,
    `  for (const value of values) {`,
    `    min = Math.min(min, value);`,
    `    max = Math.max(max, value);`,
    `    sum += value;`,
    `  }`,
    `  return { count: values.length, min, max, mean: sum / values.length };`,
    `}`,
  ],
  ({ P }) => [
    `export function group${P}By<T>(items: readonly T[], keyOf: (item: T) => string): Map<string, T[]> {`,
    `  const groups = new Map<string, T[]>();`,
    `  for (const item of items) {`,
    `    const key = keyOf(item);`,
    `    const bucket = groups.get(key);`,
    `    if (bucket) {`,
    `      bucket.push(item);`,
    `    } else {`,
    `      groups.set(key, [item]);`,
    `    }`,
    `  }`,
    `  return groups;`,
    `}`,
  ],
  ({ c }) => [
    `export function ${c}BackoffDelays(attempts: number, baseMs = 100, capMs = 5_000): number[] {`,
    `  const delays: number[] = [];`,
    `  let delay = baseMs;`,
    `  for (let attempt = 0; attempt < attempts; attempt++) {`,
    `    delays.push(Math.min(delay, capMs));`,
    `    delay *= 2;`,
    `  }`,
    `  return delays;`,
    `}`,
  ],
  ({ P }) => [
    `export function parse${P}Query(query: string): Record<string, string> {`,
    `  const result: Record<string, string> = {};`,
    `  const trimmed = query.startsWith('?') ? query.slice(1) : query;`,
    `  for (const pair of trimmed.split('&')) {`,
    `    if (!pair) {`,
    `      continue;`,
    `    }`,
    `    const [rawKey = '', rawValue = ''] = pair.split('=');`,
    `    result[decodeURIComponent(rawKey)] = decodeURIComponent(rawValue);`,
    `  }`,
    `  return result;`,
    `}`,
  ],
  ({ P }) => [
    `export function diff${P}Fields(before: Readonly<Record<string, unknown>>, after: Readonly<Record<string, unknown>>): string[] {`,
    `  const changed = new Set<string>();`,
    `  for (const key of Object.keys(before)) {`,
    `    if (before[key] !== after[key]) {`,
    `      changed.add(key);`,
    `    }`,
    `  }`,
    `  for (const key of Object.keys(after)) {`,
    `    if (!(key in before)) {`,
    `      changed.add(key);`,
    `    }`,
    `  }`,
    `  return [...changed].sort();`,
    `}`,
  ],
  ({ P }) => [
    `export class ${P}Cache<V> {`,
    `  private readonly entries = new Map<string, { value: V; expiresAt: number }>();`,
    ``,
    `  constructor(private readonly ttlMs: number = 60_000) {}`,
    ``,
    `  get(key: string, now: number = Date.now()): V | undefined {`,
    `    const entry = this.entries.get(key);`,
    `    if (!entry || entry.expiresAt <= now) {`,
    `      this.entries.delete(key);`,
    `      return undefined;`,
    `    }`,
    `    return entry.value;`,
    `  }`,
    ``,
    `  set(key: string, value: V, now: number = Date.now()): void {`,
    `    this.entries.set(key, { value, expiresAt: now + this.ttlMs });`,
    `  }`,
    ``,
    `  size(): number {`,
    `    return this.entries.size;`,
    `  }`,
    `}`,
  ],
  ({ P }) => [
    `export function slice${P}Page<T>(items: readonly T[], page: number, size: number): { items: T[]; total: number; pages: number } {`,
    `  const safeSize = Math.max(1, Math.floor(size));`,
    `  const pages = Math.max(1, Math.ceil(items.length / safeSize));`,
    `  const current = Math.min(Math.max(1, Math.floor(page)), pages);`,
    `  const start = (current - 1) * safeSize;`,
    `  return { items: items.slice(start, start + safeSize), total: items.length, pages };`,
    `}`,
  ],
  ({ c }) => [
    `export function ${c}Checksum(text: string): number {`,
    `  let hash = 2166136261;`,
    `  for (let i = 0; i < text.length; i++) {`,
    `    hash ^= text.charCodeAt(i);`,
    `    hash = Math.imul(hash, 16777619);`,
    `  }`,
    `  return hash >>> 0;`,
    `}`,
  ],
  ({ P, c, U }) => [
    `export interface ${P}Options {`,
    `  retries: number;`,
    `  timeoutMs: number;`,
    `  label: string;`,
    `  verbose: boolean;`,
    `}`,
    ``,
    `export const DEFAULT_${U}_OPTIONS: ${P}Options = { retries: 3, timeoutMs: 1_000, label: '${c}', verbose: false };`,
    ``,
    `export function resolve${P}Options(overrides: Partial<${P}Options> = {}): ${P}Options {`,
    `  const options = { ...DEFAULT_${U}_OPTIONS, ...overrides };`,
    `  if (options.retries < 0) {`,
    `    options.retries = 0;`,
    `  }`,
    `  if (options.timeoutMs > 60_000) {`,
    `    options.timeoutMs = 60_000;`,
    `  }`,
    `  return options;`,
    `}`,
  ],
  ({ P }) => [
    `export function is${P}WithinWindow(date: Date, from: Date, to: Date): boolean {`,
    `  const time = date.getTime();`,
    `  if (Number.isNaN(time)) {`,
    `    return false;`,
    `  }`,
    `  return time >= from.getTime() && time <= to.getTime();`,
    `}`,
  ],
  ({ P }) => [
    `export function slugify${P}(value: string): string {`,
    `  return value`,
    `    .trim()`,
    `    .toLowerCase()`,
    `    .replace(/[^a-z0-9]+/g, '-')`,
    `    .replace(/^-+|-+$/g, '');`,
    `}`,
  ],
  ({ c }) => [
    `export function ${c}Histogram(values: readonly string[]): Array<[string, number]> {`,
    `  const counts = new Map<string, number>();`,
    `  for (const value of values) {`,
    `    counts.set(value, (counts.get(value) ?? 0) + 1);`,
    `  }`,
    `  return [...counts.entries()].sort((a, b) => b[1] - a[1] || a[0].localeCompare(b[0]));`,
    `}`,
  ],
  ({ P, U }) => [
    `export const ${U}_LIMITS = {`,
    `  minItems: 0,`,
    `  maxItems: 500,`,
    `  maxNameLength: 120,`,
    `  maxBatchSize: 50,`,
    `} as const;`,
    ``,
    `export function clamp${P}BatchSize(requested: number): number {`,
    `  if (!Number.isFinite(requested) || requested <= 0) {`,
    `    return 1;`,
    `  }`,
    `  return Math.min(Math.floor(requested), ${U}_LIMITS.maxBatchSize);`,
    `}`,
  ],
  ({ P }) => [
    `export function chunk${P}<T>(items: readonly T[], size: number): T[][] {`,
    `  const chunks: T[][] = [];`,
    `  const step = Math.max(1, Math.floor(size));`,
    `  for (let index = 0; index < items.length; index += step) {`,
    `    chunks.push(items.slice(index, index + step));`,
    `  }`,
    `  return chunks;`,
    `}`,
  ],
  ({ P }) => [
    `export function retry${P}<T>(operation: () => T, attempts = 3): T {`,
    `  let lastError: unknown;`,
    `  for (let attempt = 1; attempt <= attempts; attempt++) {`,
    `    try {`,
    `      return operation();`,
    `    } catch (error) {`,
    `      lastError = error;`,
    `    }`,
    `  }`,
    `  throw lastError instanceof Error ? lastError : new Error(String(lastError));`,
    `}`,
  ],
  ({ P }) => [
    `export function unique${P}Values(values: readonly string[]): string[] {`,
    `  const seen = new Set<string>();`,
    `  const result: string[] = [];`,
    `  for (const value of values) {`,
    `    const normalized = value.trim().toLowerCase();`,
    `    if (normalized.length === 0 || seen.has(normalized)) {`,
    `      continue;`,
    `    }`,
    `    seen.add(normalized);`,
    `    result.push(value.trim());`,
    `  }`,
    `  return result;`,
    `}`,
  ],
  ({ P, U }) => [
    `export type ${P}Phase = 'idle' | 'running' | 'paused' | 'stopped';`,
    ``,
    `const ${U}_TRANSITIONS: Record<${P}Phase, readonly ${P}Phase[]> = {`,
    `  idle: ['running'],`,
    `  running: ['paused', 'stopped'],`,
    `  paused: ['running', 'stopped'],`,
    `  stopped: [],`,
    `};`,
    ``,
    `export function can${P}Transition(from: ${P}Phase, to: ${P}Phase): boolean {`,
    `  return ${U}_TRANSITIONS[from].includes(to);`,
    `}`,
  ],
  ({ P }) => [
    `export function summarize${P}Durations(durationsMs: readonly number[]): string {`,
    `  if (durationsMs.length === 0) {`,
    `    return 'no samples';`,
    `  }`,
    `  const sorted = [...durationsMs].sort((a, b) => a - b);`,
    `  const pick = (q: number): number => sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))] ?? 0;`,
    `  return \`p50=\${pick(0.5)}ms p95=\${pick(0.95)}ms max=\${sorted[sorted.length - 1] ?? 0}ms\`;`,
    `}`,
  ],
];

const PAD_DOCS = [
  'Kept here so callers in this module share one implementation.',
  'Pure helper: no I/O, safe to call from anywhere.',
  'Small utility used by the module\'s services and tests.',
  'Defensive: tolerates empty and malformed input.',
];

/**
 * Brings `lines` to a random length in [MIN_LINES, MAX_LINES] with helper blocks named after
 * `stem`. Returns the file text (LF, trailing newline).
 */
function finish(lines, rng, stem) {
  const target = rng.int(MIN_LINES, MAX_LINES);
  const names = { P: stem, c: camel(stem), U: upperSnake(stem) };
  const order = rng.shuffle(PADDING.map((_, i) => i));
  for (const i of order) {
    if (lines.length >= target) break;
    const block = PADDING[i](names);
    const doc = rng.chance(0.4) ? [`/** ${rng.pick(PAD_DOCS)} */`] : [];
    const extra = 1 + doc.length + block.length;
    if (lines.length + extra > MAX_LINES) continue;
    lines.push('', ...doc, ...block);
  }
  while (lines.length > 0 && lines[lines.length - 1] === '') lines.pop();
  return lines.join('\n') + '\n';
}

// ---------------------------------------------------------------------------------------------
// Emitters
// ---------------------------------------------------------------------------------------------

function sharedSpec(from, file, rng) {
  // `from` is a file's directory depth below src/ ('modules/<m>/<dir>' = 3, 'modules/<m>' = 2, 'app' = 1).
  if (rng.chance(0.3)) return `@shared/${file}`;
  return `${'../'.repeat(from)}shared/${file}`;
}

/** One specifier per shared file within a file (alias or relative, chosen once). */
function sharedFor(from, rng) {
  const chosen = new Map();
  return (file) => {
    if (!chosen.has(file)) chosen.set(file, sharedSpec(from, file, rng));
    return chosen.get(file);
  };
}

const fieldDefault = (f) =>
  ({ string: `'sample-${f.name}'`, number: '10', boolean: 'true', 'string[]': `['alpha', 'beta']`, Date: 'new Date(0)' })[f.type];

function emitCore(rng) {
  const lines = [
    `// The in-process event system: handlers are registered by event type and called synchronously.`,
    `type Handler = (event: any) => void;`,
    ``,
    `const registry = new Map<string, Handler[]>();`,
    `const history: Array<{ eventType: string; at: number }> = [];`,
    `const HISTORY_LIMIT = 1_000;`,
    ``,
    `export class EventBase {`,
    `  readonly eventType: string = '';`,
    `  createdAt = new Date();`,
    ``,
    `  publish(): void {`,
    `    publishEvent(this);`,
    `  }`,
    `}`,
    ``,
    `/** Registers the decorated static method as a handler of \`eventType\`. */`,
    `export function eventHandler(eventType: string) {`,
    `  return function <This, Fn extends (this: This, event: any) => unknown>(`,
    `    target: Fn,`,
    `    context: ClassMethodDecoratorContext<This, Fn>,`,
    `  ): void {`,
    `    context.addInitializer(function (this: This) {`,
    `      subscribeToEvent(eventType, (event) => {`,
    `        target.call(this, event);`,
    `      });`,
    `    });`,
    `  };`,
    `}`,
    ``,
    `export function subscribeToEvent(eventType: string, fn: (e: any) => void): void {`,
    `  const handlers = registry.get(eventType);`,
    `  if (handlers) {`,
    `    handlers.push(fn);`,
    `  } else {`,
    `    registry.set(eventType, [fn]);`,
    `  }`,
    `}`,
    ``,
    `export function publishEvent(e: EventBase): void {`,
    `  history.push({ eventType: e.eventType, at: e.createdAt.getTime() });`,
    `  if (history.length > HISTORY_LIMIT) {`,
    `    history.shift();`,
    `  }`,
    `  const handlers = registry.get(e.eventType) ?? [];`,
    `  for (const handler of handlers) {`,
    `    try {`,
    `      handler(e);`,
    `    } catch {`,
    `      // A failing handler must not stop the others.`,
    `    }`,
    `  }`,
    `}`,
    ``,
    `export function handlerCount(eventType: string): number {`,
    `  return registry.get(eventType)?.length ?? 0;`,
    `}`,
    ``,
    `export function registeredEventTypes(): string[] {`,
    `  return [...registry.keys()].sort();`,
    `}`,
    ``,
    `export function recentEvents(limit = 20): Array<{ eventType: string; at: number }> {`,
    `  return history.slice(-limit);`,
    `}`,
    ``,
    `export function clearEventRegistry(): void {`,
    `  registry.clear();`,
    `  history.length = 0;`,
    `}`,
  ];
  return finish(lines, rng, 'EventRegistry');
}

const SHARED_SOURCES = {
  ids: () => [
    `export type EntityId = string;`,
    ``,
    `let sequence = 0;`,
    ``,
    `export function newId(prefix: string): EntityId {`,
    `  sequence += 1;`,
    `  const stamp = sequence.toString(36).padStart(6, '0');`,
    `  return \`\${prefix}_\${stamp}\`;`,
    `}`,
    ``,
    `export function isEntityId(value: unknown): value is EntityId {`,
    `  return typeof value === 'string' && /^[a-z][a-z0-9]*_[0-9a-z]+$/.test(value);`,
    `}`,
    ``,
    `export function idPrefix(id: EntityId): string {`,
    `  const index = id.indexOf('_');`,
    `  return index < 0 ? '' : id.slice(0, index);`,
    `}`,
  ],
  clock: () => [
    `export interface Clock {`,
    `  now(): Date;`,
    `}`,
    ``,
    `export const systemClock: Clock = {`,
    `  now: () => new Date(),`,
    `};`,
    ``,
    `export class FixedClock implements Clock {`,
    `  constructor(private current: Date) {}`,
    ``,
    `  now(): Date {`,
    `    return new Date(this.current.getTime());`,
    `  }`,
    ``,
    `  advance(ms: number): void {`,
    `    this.current = new Date(this.current.getTime() + ms);`,
    `  }`,
    `}`,
    ``,
    `export function addDays(date: Date, days: number): Date {`,
    `  return new Date(date.getTime() + days * 86_400_000);`,
    `}`,
    ``,
    `export function daysBetween(from: Date, to: Date): number {`,
    `  return Math.floor((to.getTime() - from.getTime()) / 86_400_000);`,
    `}`,
  ],
  errors: () => [
    `export type ErrorCode = 'not_found' | 'validation' | 'conflict' | 'forbidden' | 'internal';`,
    ``,
    `export interface AppError {`,
    `  code: ErrorCode;`,
    `  message: string;`,
    `  details?: Record<string, string>;`,
    `}`,
    ``,
    `export class DomainError extends Error {`,
    `  constructor(message: string, readonly code: ErrorCode = 'conflict') {`,
    `    super(message);`,
    `    this.name = 'DomainError';`,
    `  }`,
    `}`,
    ``,
    `export function notFound(kind: string, id: string): AppError {`,
    `  return { code: 'not_found', message: \`\${kind} \${id} was not found\` };`,
    `}`,
    ``,
    `export function validationError(message: string, details?: Record<string, string>): AppError {`,
    `  return { code: 'validation', message, details };`,
    `}`,
    ``,
    `export function conflict(message: string): AppError {`,
    `  return { code: 'conflict', message };`,
    `}`,
    ``,
    `export function toAppError(error: unknown): AppError {`,
    `  if (error instanceof DomainError) {`,
    `    return { code: error.code, message: error.message };`,
    `  }`,
    `  return { code: 'internal', message: error instanceof Error ? error.message : String(error) };`,
    `}`,
  ],
  result: () => [
    `import type { AppError } from './errors';`,
    ``,
    `export type Result<T> = { ok: true; value: T } | { ok: false; error: AppError };`,
    ``,
    `export function ok<T>(value: T): Result<T> {`,
    `  return { ok: true, value };`,
    `}`,
    ``,
    `export function fail<T = never>(error: AppError): Result<T> {`,
    `  return { ok: false, error };`,
    `}`,
    ``,
    `export function mapResult<T, U>(result: Result<T>, fn: (value: T) => U): Result<U> {`,
    `  return result.ok ? ok(fn(result.value)) : result;`,
    `}`,
    ``,
    `export function unwrap<T>(result: Result<T>): T {`,
    `  if (!result.ok) {`,
    `    throw new Error(result.error.message);`,
    `  }`,
    `  return result.value;`,
    `}`,
    ``,
    `export function collectResults<T>(results: readonly Result<T>[]): Result<T[]> {`,
    `  const values: T[] = [];`,
    `  for (const result of results) {`,
    `    if (!result.ok) {`,
    `      return result;`,
    `    }`,
    `    values.push(result.value);`,
    `  }`,
    `  return ok(values);`,
    `}`,
  ],
  logger: () => [
    `export type LogLevel = 'debug' | 'info' | 'warn' | 'error';`,
    ``,
    `export interface LogEntry {`,
    `  level: LogLevel;`,
    `  scope: string;`,
    `  message: string;`,
    `  at: number;`,
    `}`,
    ``,
    `export interface Logger {`,
    `  debug(message: string): void;`,
    `  info(message: string): void;`,
    `  warn(message: string): void;`,
    `  error(message: string): void;`,
    `}`,
    ``,
    `const entries: LogEntry[] = [];`,
    `const MAX_ENTRIES = 5_000;`,
    ``,
    `export function createLogger(scope: string): Logger {`,
    `  const write = (level: LogLevel, message: string): void => {`,
    `    entries.push({ level, scope, message, at: Date.now() });`,
    `    if (entries.length > MAX_ENTRIES) {`,
    `      entries.splice(0, entries.length - MAX_ENTRIES);`,
    `    }`,
    `  };`,
    `  return {`,
    `    debug: (message) => write('debug', message),`,
    `    info: (message) => write('info', message),`,
    `    warn: (message) => write('warn', message),`,
    `    error: (message) => write('error', message),`,
    `  };`,
    `}`,
    ``,
    `export function logEntries(scope?: string): LogEntry[] {`,
    `  return scope === undefined ? [...entries] : entries.filter((entry) => entry.scope === scope);`,
    `}`,
  ],
  pagination: () => [
    `export interface PageRequest {`,
    `  page: number;`,
    `  size: number;`,
    `}`,
    ``,
    `export interface Page<T> {`,
    `  items: T[];`,
    `  page: number;`,
    `  size: number;`,
    `  total: number;`,
    `  hasNext: boolean;`,
    `}`,
    ``,
    `export function paginate<T>(items: readonly T[], request: PageRequest): Page<T> {`,
    `  const size = Math.max(1, Math.min(200, Math.floor(request.size)));`,
    `  const page = Math.max(1, Math.floor(request.page));`,
    `  const start = (page - 1) * size;`,
    `  const slice = items.slice(start, start + size);`,
    `  return { items: slice, page, size, total: items.length, hasNext: start + size < items.length };`,
    `}`,
    ``,
    `export function parsePageRequest(query: Record<string, string | undefined>): PageRequest {`,
    `  const page = Number.parseInt(query['page'] ?? '1', 10);`,
    `  const size = Number.parseInt(query['size'] ?? '20', 10);`,
    `  return { page: Number.isNaN(page) ? 1 : page, size: Number.isNaN(size) ? 20 : size };`,
    `}`,
  ],
  http: () => [
    `export type HttpMethod = 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE';`,
    ``,
    `export interface HttpRequest {`,
    `  method: HttpMethod;`,
    `  path: string;`,
    `  params: Record<string, string | undefined>;`,
    `  query: Record<string, string | undefined>;`,
    `  body: Record<string, unknown>;`,
    `  userId?: string;`,
    `}`,
    ``,
    `export interface HttpResponse {`,
    `  status: number;`,
    `  body: unknown;`,
    `  headers: Record<string, string>;`,
    `}`,
    ``,
    `export interface RouteDefinition {`,
    `  method: HttpMethod;`,
    `  path: string;`,
    `  handler: (request: HttpRequest) => HttpResponse;`,
    `}`,
    ``,
    `export function json(status: number, body: unknown): HttpResponse {`,
    `  return { status, body, headers: { 'content-type': 'application/json' } };`,
    `}`,
    ``,
    `export function badRequest(message: string): HttpResponse {`,
    `  return json(400, { error: message });`,
    `}`,
    ``,
    `export function notFoundResponse(message: string): HttpResponse {`,
    `  return json(404, { error: message });`,
    `}`,
    ``,
    `export function parsePositiveInt(value: string | undefined, fallback: number): number {`,
    `  const parsed = Number.parseInt(value ?? '', 10);`,
    `  return Number.isNaN(parsed) || parsed <= 0 ? fallback : parsed;`,
    `}`,
  ],
  validation: () => [
    `export interface ValidationIssue {`,
    `  field: string;`,
    `  message: string;`,
    `}`,
    ``,
    `export function requireText(issues: ValidationIssue[], field: string, value: string, max = 200): void {`,
    `  if (value.trim().length === 0) {`,
    `    issues.push({ field, message: 'must not be empty' });`,
    `  } else if (value.length > max) {`,
    `    issues.push({ field, message: \`must be at most \${max} characters\` });`,
    `  }`,
    `}`,
    ``,
    `export function requireRange(issues: ValidationIssue[], field: string, value: number, min: number, max: number): void {`,
    `  if (!Number.isFinite(value)) {`,
    `    issues.push({ field, message: 'must be a finite number' });`,
    `  } else if (value < min || value > max) {`,
    `    issues.push({ field, message: \`must be between \${min} and \${max}\` });`,
    `  }`,
    `}`,
    ``,
    `export function formatIssues(issues: readonly ValidationIssue[]): string {`,
    `  return issues.map((issue) => \`\${issue.field}: \${issue.message}\`).join('; ');`,
    `}`,
  ],
  collections: () => [
    `export function sumBy<T>(items: readonly T[], valueOf: (item: T) => number): number {`,
    `  let total = 0;`,
    `  for (const item of items) {`,
    `    total += valueOf(item);`,
    `  }`,
    `  return total;`,
    `}`,
    ``,
    `export function indexBy<T>(items: readonly T[], keyOf: (item: T) => string): Map<string, T> {`,
    `  const index = new Map<string, T>();`,
    `  for (const item of items) {`,
    `    index.set(keyOf(item), item);`,
    `  }`,
    `  return index;`,
    `}`,
    ``,
    `export function partition<T>(items: readonly T[], predicate: (item: T) => boolean): [T[], T[]] {`,
    `  const yes: T[] = [];`,
    `  const no: T[] = [];`,
    `  for (const item of items) {`,
    `    (predicate(item) ? yes : no).push(item);`,
    `  }`,
    `  return [yes, no];`,
    `}`,
  ],
  money: () => [
    `export interface Money {`,
    `  amountMinor: number;`,
    `  currency: string;`,
    `}`,
    ``,
    `export function money(amount: number, currency = 'EUR'): Money {`,
    `  return { amountMinor: Math.round(amount * 100), currency };`,
    `}`,
    ``,
    `export function addMoney(a: Money, b: Money): Money {`,
    `  if (a.currency !== b.currency) {`,
    `    throw new Error(\`currency mismatch: \${a.currency} vs \${b.currency}\`);`,
    `  }`,
    `  return { amountMinor: a.amountMinor + b.amountMinor, currency: a.currency };`,
    `}`,
    ``,
    `export function formatMoney(value: Money): string {`,
    `  const sign = value.amountMinor < 0 ? '-' : '';`,
    `  const abs = Math.abs(value.amountMinor);`,
    `  const major = Math.floor(abs / 100);`,
    `  const minor = (abs % 100).toString().padStart(2, '0');`,
    `  return \`\${sign}\${major},\${minor} \${value.currency}\`;`,
    `}`,
  ],
  testing: () => [
    `// A tiny test harness: the generated app has no dependencies.`,
    `type TestFn = () => void;`,
    ``,
    `interface TestCase {`,
    `  suite: string;`,
    `  name: string;`,
    `  fn: TestFn;`,
    `}`,
    ``,
    `const cases: TestCase[] = [];`,
    `let currentSuite = '';`,
    ``,
    `export function describe(name: string, body: () => void): void {`,
    `  const previous = currentSuite;`,
    `  currentSuite = previous ? \`\${previous} > \${name}\` : name;`,
    `  try {`,
    `    body();`,
    `  } finally {`,
    `    currentSuite = previous;`,
    `  }`,
    `}`,
    ``,
    `export function it(name: string, fn: TestFn): void {`,
    `  cases.push({ suite: currentSuite, name, fn });`,
    `}`,
    ``,
    `export function expect<T>(actual: T) {`,
    `  return {`,
    `    toBe(expected: T): void {`,
    `      if (actual !== expected) {`,
    `        throw new Error(\`expected \${String(expected)}, got \${String(actual)}\`);`,
    `      }`,
    `    },`,
    `    toEqual(expected: T): void {`,
    `      if (JSON.stringify(actual) !== JSON.stringify(expected)) {`,
    `        throw new Error(\`expected \${JSON.stringify(expected)}, got \${JSON.stringify(actual)}\`);`,
    `      }`,
    `    },`,
    `    toBeGreaterThan(expected: number): void {`,
    `      if (typeof actual !== 'number' || actual <= expected) {`,
    `        throw new Error(\`expected more than \${expected}, got \${String(actual)}\`);`,
    `      }`,
    `    },`,
    `  };`,
    `}`,
    ``,
    `export function runAll(): { passed: number; failed: string[] } {`,
    `  const failed: string[] = [];`,
    `  for (const test of cases) {`,
    `    try {`,
    `      test.fn();`,
    `    } catch (error) {`,
    `      failed.push(\`\${test.suite} > \${test.name}: \${error instanceof Error ? error.message : String(error)}\`);`,
    `    }`,
    `  }`,
    `  return { passed: cases.length - failed.length, failed };`,
    `}`,
  ],
  modules: () => [
    `export interface ModuleDescriptor {`,
    `  name: string;`,
    `  version: string;`,
    `  entities: readonly string[];`,
    `  init(): void;`,
    `}`,
    ``,
    `export function describeModules(modules: readonly ModuleDescriptor[]): string[] {`,
    `  return modules.map((m) => \`\${m.name}@\${m.version} (\${m.entities.length} entities)\`);`,
    `}`,
    ``,
    `export function initAll(modules: readonly ModuleDescriptor[]): number {`,
    `  let count = 0;`,
    `  for (const descriptor of modules) {`,
    `    descriptor.init();`,
    `    count += 1;`,
    `  }`,
    `  return count;`,
    `}`,
  ],
};

// --- per-entity files -------------------------------------------------------------------------

function emitEntity(entity, rng) {
  const sh = sharedFor(3, rng);
  const { P, c, module: m } = entity;
  const imp = new Imports();
  imp.add(sh('ids'), 'EntityId', { type: true });
  imp.add(sh('ids'), 'newId');
  const clockSpec = sh('clock');
  imp.add(clockSpec, 'Clock', { type: true });
  imp.add(clockSpec, 'systemClock');
  imp.add(sh('errors'), 'DomainError');
  const fieldNames = entity.fields.map((f) => `'${f.name}'`).join(' | ');
  const lines = [
    ...imp.render(),
    ``,
    `export type ${P}Status = 'draft' | 'active' | 'suspended' | 'archived';`,
    ``,
    `export interface ${P}Props {`,
    `  id: EntityId;`,
    ...entity.fields.map((f) => `  ${f.name}: ${f.type};`),
    `  status: ${P}Status;`,
    `  createdAt: Date;`,
    `  updatedAt: Date;`,
    `}`,
    ``,
    `export type Create${P}Input = Pick<${P}Props, ${fieldNames}>;`,
    ``,
    `/** ${article(entity.name)[0].toUpperCase() + article(entity.name).slice(1)} ${entity.name} of the ${m.name} module. */`,
    `export class ${P} {`,
    `  private constructor(private readonly props: ${P}Props) {}`,
    ``,
    `  static create(input: Create${P}Input, clock: Clock = systemClock): ${P} {`,
    `    const now = clock.now();`,
    `    return new ${P}({ ...input, id: newId('${entity.name}'), status: 'draft', createdAt: now, updatedAt: now });`,
    `  }`,
    ``,
    `  static restore(props: ${P}Props): ${P} {`,
    `    return new ${P}({ ...props });`,
    `  }`,
    ``,
    `  get id(): EntityId {`,
    `    return this.props.id;`,
    `  }`,
    ``,
    `  get status(): ${P}Status {`,
    `    return this.props.status;`,
    `  }`,
  ];
  for (const f of entity.fields) {
    lines.push(``, `  get ${f.name}(): ${f.type} {`, `    return this.props.${f.name};`, `  }`);
  }
  lines.push(
    ``,
    `  activate(clock: Clock = systemClock): void {`,
    `    if (this.props.status === 'archived') {`,
    `      throw new DomainError(\`${P} \${this.props.id} is archived\`);`,
    `    }`,
    `    this.props.status = 'active';`,
    `    this.touch(clock);`,
    `  }`,
    ``,
    `  suspend(clock: Clock = systemClock): void {`,
    `    if (this.props.status !== 'active') {`,
    `      throw new DomainError(\`${P} \${this.props.id} is not active\`);`,
    `    }`,
    `    this.props.status = 'suspended';`,
    `    this.touch(clock);`,
    `  }`,
    ``,
    `  archive(clock: Clock = systemClock): void {`,
    `    this.props.status = 'archived';`,
    `    this.touch(clock);`,
    `  }`,
    ``,
    `  touch(clock: Clock = systemClock): void {`,
    `    this.props.updatedAt = clock.now();`,
    `  }`,
    ``,
    `  toJSON(): ${P}Props {`,
    `    return { ...this.props };`,
    `  }`,
    `}`,
  );
  return finish(lines, rng, `${P}Model`);
}

function emitDto(entity, rng) {
  const sh = sharedFor(3, rng);
  const { P } = entity;
  const imp = new Imports();
  imp.add(`../domain/${entity.name}`, P, { type: true });
  imp.add(`../domain/${entity.name}`, `Create${P}Input`, { type: true });
  imp.add(`../domain/${entity.name}`, `${P}Status`, { type: true });
  const resultSpec = sh('result');
  imp.add(resultSpec, 'Result', { type: true });
  imp.add(resultSpec, 'ok');
  imp.add(resultSpec, 'fail');
  imp.add(sh('errors'), 'validationError');
  const dtoType = (f) => (f.type === 'Date' ? 'string' : f.type);
  const lines = [
    ...imp.render(),
    ``,
    `export interface ${P}Dto {`,
    `  id: string;`,
    ...entity.fields.map((f) => `  ${f.name}: ${dtoType(f)};`),
    `  status: ${P}Status;`,
    `  createdAt: string;`,
    `  updatedAt: string;`,
    `}`,
    ``,
    `export interface ${P}ListDto {`,
    `  items: ${P}Dto[];`,
    `  total: number;`,
    `}`,
    ``,
    `export function to${P}Dto(entity: ${P}): ${P}Dto {`,
    `  const json = entity.toJSON();`,
    `  return {`,
    `    id: json.id,`,
    ...entity.fields.map((f) =>
      f.type === 'Date' ? `    ${f.name}: json.${f.name}.toISOString(),` : f.type === 'string[]' ? `    ${f.name}: [...json.${f.name}],` : `    ${f.name}: json.${f.name},`,
    ),
    `    status: json.status,`,
    `    createdAt: json.createdAt.toISOString(),`,
    `    updatedAt: json.updatedAt.toISOString(),`,
    `  };`,
    `}`,
    ``,
    `export function to${P}ListDto(entities: readonly ${P}[]): ${P}ListDto {`,
    `  return { items: entities.map(to${P}Dto), total: entities.length };`,
    `}`,
    ``,
    `export function parseCreate${P}Request(body: Record<string, unknown>): Result<Create${P}Input> {`,
  ];
  for (const f of entity.fields) {
    lines.push(`  const ${f.name} = body['${f.name}'];`);
    const check = {
      string: `typeof ${f.name} !== 'string' || ${f.name}.length === 0`,
      number: `typeof ${f.name} !== 'number' || Number.isNaN(${f.name})`,
      boolean: `typeof ${f.name} !== 'boolean'`,
      'string[]': `!Array.isArray(${f.name}) || !${f.name}.every((value) => typeof value === 'string')`,
      Date: `typeof ${f.name} !== 'string' || Number.isNaN(Date.parse(${f.name}))`,
    }[f.type];
    lines.push(`  if (${check}) {`, `    return fail(validationError('${f.name} is invalid'));`, `  }`);
  }
  const values = entity.fields.map((f) => (f.type === 'Date' ? `${f.name}: new Date(${f.name})` : f.name)).join(', ');
  lines.push(`  return ok({ ${values} });`, `}`);
  return finish(lines, rng, `${P}Dto`);
}

function emitRepository(entity, rng) {
  const sh = sharedFor(3, rng);
  const { P, c } = entity;
  const imp = new Imports();
  imp.add(sh('ids'), 'EntityId', { type: true });
  const pageSpec = sh('pagination');
  imp.add(pageSpec, 'Page', { type: true });
  imp.add(pageSpec, 'paginate');
  imp.add(`../domain/${entity.name}`, P, { type: true });
  imp.add(`../domain/${entity.name}`, `${P}Status`, { type: true });
  const lines = [
    ...imp.render(),
    ``,
    `export interface ${P}Filter {`,
    `  status?: ${P}Status;`,
    `  nameContains?: string;`,
    `  createdAfter?: Date;`,
    `}`,
    ``,
    `export interface ${P}Repository {`,
    `  findById(id: EntityId): ${P} | undefined;`,
    `  findAll(filter?: ${P}Filter): ${P}[];`,
    `  save(entity: ${P}): void;`,
    `  remove(id: EntityId): boolean;`,
    `  count(): number;`,
    `}`,
    ``,
    `export class InMemory${P}Repository implements ${P}Repository {`,
    `  private readonly items = new Map<EntityId, ${P}>();`,
    ``,
    `  findById(id: EntityId): ${P} | undefined {`,
    `    return this.items.get(id);`,
    `  }`,
    ``,
    `  findAll(filter: ${P}Filter = {}): ${P}[] {`,
    `    const result: ${P}[] = [];`,
    `    for (const item of this.items.values()) {`,
    `      if (filter.status !== undefined && item.status !== filter.status) {`,
    `        continue;`,
    `      }`,
    `      if (filter.nameContains !== undefined && !item.name.toLowerCase().includes(filter.nameContains.toLowerCase())) {`,
    `        continue;`,
    `      }`,
    `      if (filter.createdAfter !== undefined && item.toJSON().createdAt <= filter.createdAfter) {`,
    `        continue;`,
    `      }`,
    `      result.push(item);`,
    `    }`,
    `    return result;`,
    `  }`,
    ``,
    `  findPage(page: number, size: number, filter?: ${P}Filter): Page<${P}> {`,
    `    return paginate(this.findAll(filter), { page, size });`,
    `  }`,
    ``,
    `  save(entity: ${P}): void {`,
    `    this.items.set(entity.id, entity);`,
    `  }`,
    ``,
    `  remove(id: EntityId): boolean {`,
    `    return this.items.delete(id);`,
    `  }`,
    ``,
    `  count(): number {`,
    `    return this.items.size;`,
    `  }`,
    ``,
    `  countByStatus(): Record<${P}Status, number> {`,
    `    const counts: Record<${P}Status, number> = { draft: 0, active: 0, suspended: 0, archived: 0 };`,
    `    for (const item of this.items.values()) {`,
    `      counts[item.status] += 1;`,
    `    }`,
    `    return counts;`,
    `  }`,
    ``,
    `  clear(): void {`,
    `    this.items.clear();`,
    `  }`,
    `}`,
  ];
  return finish(lines, rng, `${P}Storage`);
}

/** Argument expressions for an event's constructor, in a service method with `entity` and `actorId`. */
function serviceArgs(ev) {
  return ev.params
    .map((p, i) => (i === 0 ? 'entity.id' : { string: 'actorId', number: 'this.repository.count()', boolean: `entity.status === 'active'` }[p.type]))
    .join(', ');
}

function publishLines(form, ctor, indent, variable = 'event') {
  const pad = ' '.repeat(indent);
  if (form === 'variable') return [`${pad}const ${variable} = ${ctor};`, `${pad}${variable}.publish();`];
  if (form === 'function') return [`${pad}publishEvent(${ctor});`];
  return [`${pad}${ctor}.publish();`];
}

function transitionFor(action) {
  if (/^(archived|cancelled|closed|expired|removed|refunded)$/.test(action)) return 'archive';
  if (/^(suspended|flagged|rejected|locked|escalated)$/.test(action)) return 'suspend';
  if (/^(activated|approved|confirmed|verified|restored|reopened|renewed|registered)$/.test(action)) return 'activate';
  return 'touch';
}

function emitService(entity, rng) {
  const sh = sharedFor(3, rng);
  const { P, c, module: m } = entity;
  const imp = new Imports();
  const published = entity.events.filter((e) => e.publishSites.length > 0);
  const usesFunction = published.some((e) => e.publishSites.some((s) => s.form === 'function'));
  if (usesFunction) imp.add('../../../core/events', 'publishEvent');
  imp.add(sh('ids'), 'EntityId', { type: true });
  const resultSpec = sh('result');
  imp.add(resultSpec, 'Result', { type: true });
  imp.add(resultSpec, 'ok');
  imp.add(resultSpec, 'fail');
  imp.add(sh('errors'), 'notFound');
  const logSpec = sh('logger');
  imp.add(logSpec, 'Logger', { type: true });
  imp.add(logSpec, 'createLogger');
  imp.add(`../domain/${entity.name}`, P);
  imp.add(`../domain/${entity.name}`, `Create${P}Input`, { type: true });
  imp.add(`../domain/${entity.name}`, `${P}Status`, { type: true });
  imp.add(`../repositories/${entity.name}-repository`, `${P}Repository`, { type: true });
  for (const ev of published) imp.add('../domain/events', ev.className);

  const created = published.find((e) => e.action === 'created');
  const lines = [
    ...imp.render(),
    ``,
    `export class ${P}Service {`,
    `  constructor(`,
    `    private readonly repository: ${P}Repository,`,
    `    private readonly logger: Logger = createLogger('${m.name}/${entity.name}'),`,
    `  ) {}`,
    ``,
    `  create(input: Create${P}Input, actorId: string): Result<${P}> {`,
    `    const entity = ${P}.create(input);`,
    `    this.repository.save(entity);`,
    `    this.logger.info(\`${entity.name} \${entity.id} created by \${actorId}\`);`,
  ];
  if (created) lines.push(...publishLines(created.publishSites[0].form, `new ${created.className}(${serviceArgs(created)})`, 4));
  lines.push(
    `    return ok(entity);`,
    `  }`,
    ``,
    `  get(id: EntityId): Result<${P}> {`,
    `    const entity = this.repository.findById(id);`,
    `    return entity ? ok(entity) : fail(notFound('${P}', id));`,
    `  }`,
    ``,
    `  list(status?: ${P}Status): ${P}[] {`,
    `    return this.repository.findAll(status === undefined ? {} : { status });`,
    `  }`,
  );
  // One method per event verb (the never-published events get a method that forgets to publish).
  for (const ev of entity.events) {
    if (ev.action === 'created') continue;
    lines.push(
      ``,
      `  ${ev.verb}(id: EntityId, actorId: string): Result<${P}> {`,
      `    const entity = this.repository.findById(id);`,
      `    if (!entity) {`,
      `      this.logger.warn(\`${entity.name} \${id} not found\`);`,
      `      return fail(notFound('${P}', id));`,
      `    }`,
      `    entity.${transitionFor(ev.action)}();`,
      `    this.repository.save(entity);`,
      `    this.logger.info(\`${entity.name} \${id}: ${ev.verb} by \${actorId}\`);`,
    );
    if (ev.publishSites.length) lines.push(...publishLines(ev.publishSites[0].form, `new ${ev.className}(${serviceArgs(ev)})`, 4));
    lines.push(`    return ok(entity);`, `  }`);
  }
  for (const ev of published) {
    if (!ev.publishSites.some((s) => s.kind === 'bulk')) continue;
    lines.push(
      ``,
      `  ${ev.verb}Many(ids: readonly EntityId[], actorId: string): number {`,
      `    let published = 0;`,
      `    for (const id of ids) {`,
      `      const entity = this.repository.findById(id);`,
      `      if (!entity) {`,
      `        continue;`,
      `      }`,
      `      publishEvent(new ${ev.className}(${serviceArgs(ev)}));`,
      `      published += 1;`,
      `    }`,
      `    return published;`,
      `  }`,
    );
  }
  lines.push(`}`);
  return finish(lines, rng, `${P}Workflow`);
}

function emitController(entity, rng) {
  const sh = sharedFor(3, rng);
  const { P, module: m } = entity;
  const imp = new Imports();
  const httpSpec = sh('http');
  for (const n of ['HttpRequest', 'HttpResponse', 'RouteDefinition']) imp.add(httpSpec, n, { type: true });
  for (const n of ['json', 'badRequest', 'notFoundResponse', 'parsePositiveInt']) imp.add(httpSpec, n);
  imp.add(`../services/${entity.name}-service`, `${P}Service`, { type: true });
  imp.add(`../dto/${entity.name}-dto`, `parseCreate${P}Request`);
  imp.add(`../dto/${entity.name}-dto`, `to${P}Dto`);
  const base = `/${m.name}/${plural(entity.name)}`;
  const verbs = entity.events.filter((e) => e.action !== 'created').map((e) => e.verb);
  const lines = [
    ...imp.render(),
    ``,
    `export class ${P}Controller {`,
    `  constructor(private readonly service: ${P}Service) {}`,
    ``,
    `  routes(): RouteDefinition[] {`,
    `    return [`,
    `      { method: 'POST', path: '${base}', handler: (request) => this.handleCreate(request) },`,
    `      { method: 'GET', path: '${base}/:id', handler: (request) => this.handleGet(request) },`,
    `      { method: 'GET', path: '${base}', handler: (request) => this.handleList(request) },`,
    ...verbs.map((v) => `      { method: 'POST', path: '${base}/:id/${v}', handler: (request) => this.handle${pascal(v)}(request) },`),
    `    ];`,
    `  }`,
    ``,
    `  handleCreate(request: HttpRequest): HttpResponse {`,
    `    const parsed = parseCreate${P}Request(request.body);`,
    `    if (!parsed.ok) {`,
    `      return badRequest(parsed.error.message);`,
    `    }`,
    `    const created = this.service.create(parsed.value, request.userId ?? 'anonymous');`,
    `    if (!created.ok) {`,
    `      return badRequest(created.error.message);`,
    `    }`,
    `    return json(201, to${P}Dto(created.value));`,
    `  }`,
    ``,
    `  handleGet(request: HttpRequest): HttpResponse {`,
    `    const id = request.params['id'];`,
    `    if (!id) {`,
    `      return badRequest('missing id');`,
    `    }`,
    `    const found = this.service.get(id);`,
    `    return found.ok ? json(200, to${P}Dto(found.value)) : notFoundResponse(found.error.message);`,
    `  }`,
    ``,
    `  handleList(request: HttpRequest): HttpResponse {`,
    `    const limit = parsePositiveInt(request.query['limit'], 50);`,
    `    const items = this.service.list().slice(0, limit);`,
    `    return json(200, { items: items.map((item) => to${P}Dto(item)), total: items.length });`,
    `  }`,
  ];
  for (const v of verbs) {
    lines.push(
      ``,
      `  handle${pascal(v)}(request: HttpRequest): HttpResponse {`,
      `    const id = request.params['id'];`,
      `    if (!id) {`,
      `      return badRequest('missing id');`,
      `    }`,
      `    const result = this.service.${v}(id, request.userId ?? 'anonymous');`,
      `    return result.ok ? json(200, to${P}Dto(result.value)) : notFoundResponse(result.error.message);`,
      `  }`,
    );
  }
  lines.push(`}`);
  return finish(lines, rng, `${P}Http`);
}

function emitValidator(entity, rng) {
  const sh = sharedFor(3, rng);
  const { P, U } = entity;
  const imp = new Imports();
  imp.add(`../domain/${entity.name}`, `Create${P}Input`, { type: true });
  const vSpec = sh('validation');
  imp.add(vSpec, 'ValidationIssue', { type: true });
  imp.add(vSpec, 'requireText');
  imp.add(vSpec, 'requireRange');
  imp.add(vSpec, 'formatIssues');
  const lines = [
    ...imp.render(),
    ``,
    `export const ${U}_RULES = {`,
    `  maxTextLength: ${rng.pick([80, 120, 200, 255])},`,
    `  maxNumber: ${rng.pick([1_000, 10_000, 1_000_000])},`,
    `  maxTags: ${rng.int(5, 20)},`,
    `} as const;`,
    ``,
    `export function validate${P}Input(input: Create${P}Input): ValidationIssue[] {`,
    `  const issues: ValidationIssue[] = [];`,
  ];
  for (const f of entity.fields) {
    if (f.type === 'string') lines.push(`  requireText(issues, '${f.name}', input.${f.name}, ${U}_RULES.maxTextLength);`);
    else if (f.type === 'number') lines.push(`  requireRange(issues, '${f.name}', input.${f.name}, 0, ${U}_RULES.maxNumber);`);
    else if (f.type === 'string[]')
      lines.push(
        `  if (input.${f.name}.length > ${U}_RULES.maxTags) {`,
        `    issues.push({ field: '${f.name}', message: \`at most \${${U}_RULES.maxTags} entries\` });`,
        `  }`,
        `  for (const value of input.${f.name}) {`,
        `    requireText(issues, '${f.name}', value, 40);`,
        `  }`,
      );
    else if (f.type === 'Date')
      lines.push(`  if (Number.isNaN(input.${f.name}.getTime())) {`, `    issues.push({ field: '${f.name}', message: 'must be a valid date' });`, `  }`);
  }
  lines.push(
    `  return issues;`,
    `}`,
    ``,
    `export function isValid${P}Input(input: Create${P}Input): boolean {`,
    `  return validate${P}Input(input).length === 0;`,
    `}`,
    ``,
    `export function describe${P}Issues(input: Create${P}Input): string {`,
    `  const issues = validate${P}Input(input);`,
    `  return issues.length === 0 ? 'valid' : formatIssues(issues);`,
    `}`,
  );
  return finish(lines, rng, `${P}Check`);
}

function emitMapper(entity, rng) {
  const { P } = entity;
  const imp = new Imports();
  imp.add(`../domain/${entity.name}`, P);
  imp.add(`../domain/${entity.name}`, `${P}Status`, { type: true });
  const toRecord = (f) =>
    ({
      string: `json.${f.name}`,
      number: `String(json.${f.name})`,
      boolean: `json.${f.name} ? 'true' : 'false'`,
      'string[]': `json.${f.name}.join('|')`,
      Date: `json.${f.name}.toISOString()`,
    })[f.type];
  const fromRecord = (f) =>
    ({
      string: `record['${f.name}'] ?? ''`,
      number: `Number(record['${f.name}'] ?? 0)`,
      boolean: `record['${f.name}'] === 'true'`,
      'string[]': `(record['${f.name}'] ?? '').split('|').filter((value) => value.length > 0)`,
      Date: `new Date(record['${f.name}'] ?? 0)`,
    })[f.type];
  const lines = [
    ...imp.render(),
    ``,
    `export type ${P}Record = Record<string, string>;`,
    ``,
    `export function parse${P}Status(value: string | undefined): ${P}Status {`,
    `  switch (value) {`,
    `    case 'active':`,
    `    case 'suspended':`,
    `    case 'archived':`,
    `      return value;`,
    `    default:`,
    `      return 'draft';`,
    `  }`,
    `}`,
    ``,
    `export function to${P}Record(entity: ${P}): ${P}Record {`,
    `  const json = entity.toJSON();`,
    `  return {`,
    `    id: json.id,`,
    ...entity.fields.map((f) => `    ${f.name}: ${toRecord(f)},`),
    `    status: json.status,`,
    `    createdAt: json.createdAt.toISOString(),`,
    `    updatedAt: json.updatedAt.toISOString(),`,
    `  };`,
    `}`,
    ``,
    `export function from${P}Record(record: ${P}Record): ${P} {`,
    `  return ${P}.restore({`,
    `    id: record['id'] ?? '',`,
    ...entity.fields.map((f) => `    ${f.name}: ${fromRecord(f)},`),
    `    status: parse${P}Status(record['status']),`,
    `    createdAt: new Date(record['createdAt'] ?? 0),`,
    `    updatedAt: new Date(record['updatedAt'] ?? 0),`,
    `  });`,
    `}`,
    ``,
    `export function to${P}CsvRow(entity: ${P}, separator = ';'): string {`,
    `  const record = to${P}Record(entity);`,
    `  const cells: string[] = [];`,
    `  for (const value of Object.values(record)) {`,
    `    cells.push(value.includes(separator) ? \`"\${value.replace(/"/g, '""')}"\` : value);`,
    `  }`,
    `  return cells.join(separator);`,
    `}`,
  ];
  return finish(lines, rng, `${P}Mapping`);
}

function testDir(m) {
  return m.testsDir ? 'tests' : 'services';
}

function emitServiceTest(entity, rng) {
  const sh = sharedFor(3, rng);
  const { P, module: m } = entity;
  const imp = new Imports();
  const inTests = m.testsDir;
  imp.add(sh('testing'), 'describe');
  imp.add(sh('testing'), 'it');
  imp.add(sh('testing'), 'expect');
  imp.add(`../repositories/${entity.name}-repository`, `InMemory${P}Repository`);
  imp.add(inTests ? `../services/${entity.name}-service` : `./${entity.name}-service`, `${P}Service`);
  imp.add(`../domain/${entity.name}`, `Create${P}Input`, { type: true });
  const replay = entity.testPublish;
  if (replay) {
    imp.add('../../../core/events', 'publishEvent');
    imp.add('../domain/events', replay.className);
  }
  const lines = [
    ...imp.render(),
    ``,
    `function sampleInput(overrides: Partial<Create${P}Input> = {}): Create${P}Input {`,
    `  return {`,
    ...entity.fields.map((f) => `    ${f.name}: ${fieldDefault(f)},`),
    `    ...overrides,`,
    `  };`,
    `}`,
    ``,
    `function newService(): ${P}Service {`,
    `  return new ${P}Service(new InMemory${P}Repository());`,
    `}`,
    ``,
    `describe('${P}Service', () => {`,
    `  it('creates ${article(entity.name)} ${entity.name}', () => {`,
    `    const result = newService().create(sampleInput(), 'tester');`,
    `    expect(result.ok).toBe(true);`,
    `  });`,
    ``,
    `  it('reports an unknown id', () => {`,
    `    const result = newService().get('missing');`,
    `    expect(result.ok).toBe(false);`,
    `  });`,
    ``,
    `  it('lists what it created', () => {`,
    `    const service = newService();`,
    `    for (let i = 0; i < 3; i++) {`,
    `      service.create(sampleInput({ name: \`item-\${i}\` }), 'tester');`,
    `    }`,
    `    expect(service.list().length).toBe(3);`,
    `  });`,
  ];
  for (const ev of entity.events) {
    if (ev.action === 'created') continue;
    lines.push(
      ``,
      `  it('${ev.verb} keeps the ${entity.name}', () => {`,
      `    const service = newService();`,
      `    const created = service.create(sampleInput(), 'tester');`,
      `    if (!created.ok) {`,
      `      throw new Error('setup failed');`,
      `    }`,
      `    const result = service.${ev.verb}(created.value.id, 'tester');`,
      `    expect(result.ok).toBe(true);`,
      `  });`,
    );
  }
  if (replay) {
    const args = replay.params.map((p) => ({ string: `'test-${p.name}'`, number: '1', boolean: 'false' })[p.type]).join(', ');
    lines.push(
      ``,
      `  it('tolerates a replayed event', () => {`,
      `    publishEvent(new ${replay.className}(${args}));`,
      `    expect(newService().list().length).toBe(0);`,
      `  });`,
    );
  }
  lines.push(`});`);
  return finish(lines, rng, `${P}Fixture`);
}

// --- fillers (nothing to do with events) ----------------------------------------------------

function emitFiller(filler, rng) {
  const sh = sharedFor(3, rng);
  const { kind, entity } = filler;
  const { P, U, module: m } = entity;
  const stem = `${P}${pascal(kind)}${filler.suffix ? pascal(filler.suffix) : ''}`;
  const imp = new Imports();
  let lines = [];
  if (kind === 'query-service') {
    imp.add(`../domain/${entity.name}`, P, { type: true });
    imp.add(`../repositories/${entity.name}-repository`, `${P}Repository`, { type: true });
    imp.add(sh('collections'), 'indexBy');
    imp.add(sh('collections'), 'partition');
    lines = [
      ...imp.render(),
      ``,
      `export interface ${stem}Summary {`,
      `  total: number;`,
      `  active: number;`,
      `  inactive: number;`,
      `  newest?: string;`,
      `}`,
      ``,
      `export class ${stem} {`,
      `  constructor(private readonly repository: ${P}Repository) {}`,
      ``,
      `  search(text: string, limit = 20): ${P}[] {`,
      `    const needle = text.trim().toLowerCase();`,
      `    const matches: ${P}[] = [];`,
      `    for (const item of this.repository.findAll()) {`,
      `      if (needle.length > 0 && !item.name.toLowerCase().includes(needle)) {`,
      `        continue;`,
      `      }`,
      `      matches.push(item);`,
      `      if (matches.length >= limit) {`,
      `        break;`,
      `      }`,
      `    }`,
      `    return matches;`,
      `  }`,
      ``,
      `  byId(): Map<string, ${P}> {`,
      `    return indexBy(this.repository.findAll(), (item) => item.id);`,
      `  }`,
      ``,
      `  summary(): ${stem}Summary {`,
      `    const all = this.repository.findAll();`,
      `    const [active, inactive] = partition(all, (item) => item.status === 'active');`,
      `    let newest: ${P} | undefined;`,
      `    for (const item of all) {`,
      `      if (!newest || item.toJSON().createdAt > newest.toJSON().createdAt) {`,
      `        newest = item;`,
      `      }`,
      `    }`,
      `    return { total: all.length, active: active.length, inactive: inactive.length, newest: newest?.id };`,
      `  }`,
      `}`,
    ];
  } else if (kind === 'policy') {
    imp.add(`../domain/${entity.name}`, P, { type: true });
    imp.add(`../domain/${entity.name}`, `${P}Status`, { type: true });
    lines = [
      ...imp.render(),
      ``,
      `export interface ${stem}Decision {`,
      `  allowed: boolean;`,
      `  reason: string;`,
      `}`,
      ``,
      `const ALLOWED_${upperSnake(stem)}_MOVES: Record<${P}Status, readonly ${P}Status[]> = {`,
      `  draft: ['active', 'archived'],`,
      `  active: ['suspended', 'archived'],`,
      `  suspended: ['active', 'archived'],`,
      `  archived: [],`,
      `};`,
      ``,
      `export function can${stem}Move(entity: ${P}, to: ${P}Status): ${stem}Decision {`,
      `  const allowed = ALLOWED_${upperSnake(stem)}_MOVES[entity.status];`,
      `  if (!allowed.includes(to)) {`,
      `    return { allowed: false, reason: \`\${entity.status} cannot become \${to}\` };`,
      `  }`,
      `  return { allowed: true, reason: 'ok' };`,
      `}`,
      ``,
      `export function ${camel(stem)}Age(entity: ${P}, now: Date = new Date()): number {`,
      `  const created = entity.toJSON().createdAt;`,
      `  return Math.max(0, Math.floor((now.getTime() - created.getTime()) / 86_400_000));`,
      `}`,
      ``,
      `export function is${stem}Stale(entity: ${P}, maxAgeDays = ${rng.int(7, 90)}): boolean {`,
      `  if (entity.status === 'archived') {`,
      `    return false;`,
      `  }`,
      `  return ${camel(stem)}Age(entity) > maxAgeDays;`,
      `}`,
    ];
  } else if (kind === 'cleanup-job') {
    imp.add(`../repositories/${entity.name}-repository`, `${P}Repository`, { type: true });
    imp.add(sh('logger'), 'createLogger');
    imp.add(sh('clock'), 'Clock', { type: true });
    imp.add(sh('clock'), 'systemClock');
    imp.add(sh('clock'), 'daysBetween');
    lines = [
      ...imp.render(),
      ``,
      `export interface ${stem}Report {`,
      `  scanned: number;`,
      `  archived: number;`,
      `  skipped: number;`,
      `}`,
      ``,
      `export class ${stem} {`,
      `  private readonly logger = createLogger('${m.name}/${entity.name}-cleanup');`,
      ``,
      `  constructor(`,
      `    private readonly repository: ${P}Repository,`,
      `    private readonly retentionDays = ${rng.int(30, 365)},`,
      `    private readonly clock: Clock = systemClock,`,
      `  ) {}`,
      ``,
      `  run(): ${stem}Report {`,
      `    const report: ${stem}Report = { scanned: 0, archived: 0, skipped: 0 };`,
      `    const now = this.clock.now();`,
      `    for (const item of this.repository.findAll()) {`,
      `      report.scanned += 1;`,
      `      if (item.status === 'archived') {`,
      `        report.skipped += 1;`,
      `        continue;`,
      `      }`,
      `      if (daysBetween(item.toJSON().updatedAt, now) < this.retentionDays) {`,
      `        continue;`,
      `      }`,
      `      item.archive(this.clock);`,
      `      this.repository.save(item);`,
      `      report.archived += 1;`,
      `    }`,
      `    this.logger.info(\`cleanup: \${report.archived} of \${report.scanned} archived\`);`,
      `    return report;`,
      `  }`,
      `}`,
    ];
  } else if (kind === 'repository-test') {
    imp.add(sh('testing'), 'describe');
    imp.add(sh('testing'), 'it');
    imp.add(sh('testing'), 'expect');
    imp.add(`../repositories/${entity.name}-repository`, `InMemory${P}Repository`);
    imp.add(`../domain/${entity.name}`, P);
    lines = [
      ...imp.render(),
      ``,
      `function make${stem}(name: string): ${P} {`,
      `  return ${P}.create({`,
      ...entity.fields.map((f) => `    ${f.name}: ${f.name === 'name' ? 'name' : fieldDefault(f)},`),
      `  });`,
      `}`,
      ``,
      `describe('InMemory${P}Repository', () => {`,
      `  it('saves and finds by id', () => {`,
      `    const repository = new InMemory${P}Repository();`,
      `    const item = make${stem}('first');`,
      `    repository.save(item);`,
      `    expect(repository.findById(item.id)?.id).toBe(item.id);`,
      `  });`,
      ``,
      `  it('filters by name', () => {`,
      `    const repository = new InMemory${P}Repository();`,
      `    for (const name of ['alpha', 'beta', 'alphabet']) {`,
      `      repository.save(make${stem}(name));`,
      `    }`,
      `    expect(repository.findAll({ nameContains: 'alpha' }).length).toBe(2);`,
      `  });`,
      ``,
      `  it('removes', () => {`,
      `    const repository = new InMemory${P}Repository();`,
      `    const item = make${stem}('gone');`,
      `    repository.save(item);`,
      `    expect(repository.remove(item.id)).toBe(true);`,
      `    expect(repository.count()).toBe(0);`,
      `  });`,
      `});`,
    ];
  } else if (kind === 'helpers') {
    lines = [`// Helpers shared by the ${m.name} module's ${entity.name} code.`];
  } else if (kind === 'config') {
    lines = [
      `export interface ${stem} {`,
      `  enabled: boolean;`,
      `  batchSize: number;`,
      `  retryLimit: number;`,
      `  region: string;`,
      `  features: string[];`,
      `}`,
      ``,
      `export const DEFAULT_${upperSnake(stem)}: ${stem} = {`,
      `  enabled: ${rng.chance(0.8)},`,
      `  batchSize: ${rng.pick([10, 25, 50, 100])},`,
      `  retryLimit: ${rng.int(1, 5)},`,
      `  region: '${rng.pick(['eu-west', 'us-east', 'ap-south'])}',`,
      `  features: [],`,
      `};`,
      ``,
      `export function load${stem}(env: Record<string, string | undefined>): ${stem} {`,
      `  const config: ${stem} = { ...DEFAULT_${upperSnake(stem)}, features: [...DEFAULT_${upperSnake(stem)}.features] };`,
      `  const prefix = '${U}_';`,
      `  if (env[\`\${prefix}ENABLED\`] !== undefined) {`,
      `    config.enabled = env[\`\${prefix}ENABLED\`] === 'true';`,
      `  }`,
      `  const batch = Number(env[\`\${prefix}BATCH_SIZE\`]);`,
      `  if (Number.isInteger(batch) && batch > 0) {`,
      `    config.batchSize = batch;`,
      `  }`,
      `  const features = env[\`\${prefix}FEATURES\`];`,
      `  if (features) {`,
      `    for (const feature of features.split(',')) {`,
      `      if (feature.trim()) {`,
      `        config.features.push(feature.trim());`,
      `      }`,
      `    }`,
      `  }`,
      `  return config;`,
      `}`,
    ];
  } else if (kind === 'types') {
    lines = [
      `export type ${stem}SortField = 'name' | 'createdAt' | 'updatedAt' | 'status';`,
      `export type ${stem}SortOrder = 'asc' | 'desc';`,
      ``,
      `export interface ${stem}Query {`,
      `  text?: string;`,
      `  sortBy: ${stem}SortField;`,
      `  order: ${stem}SortOrder;`,
      `  page: number;`,
      `  size: number;`,
      `}`,
      ``,
      `export interface ${stem}Change<T> {`,
      `  field: string;`,
      `  before: T;`,
      `  after: T;`,
      `}`,
      ``,
      `export const DEFAULT_${upperSnake(stem)}_QUERY: ${stem}Query = { sortBy: 'createdAt', order: 'desc', page: 1, size: 20 };`,
      ``,
      `export function normalize${stem}Query(query: Partial<${stem}Query>): ${stem}Query {`,
      `  const merged = { ...DEFAULT_${upperSnake(stem)}_QUERY, ...query };`,
      `  return {`,
      `    ...merged,`,
      `    text: merged.text?.trim() || undefined,`,
      `    page: Math.max(1, Math.floor(merged.page)),`,
      `    size: Math.min(100, Math.max(1, Math.floor(merged.size))),`,
      `  };`,
      `}`,
    ];
  } else if (kind === 'admin-controller') {
    const httpSpec = sh('http');
    imp.add(httpSpec, 'HttpRequest', { type: true });
    imp.add(httpSpec, 'HttpResponse', { type: true });
    imp.add(httpSpec, 'json');
    imp.add(httpSpec, 'badRequest');
    imp.add(`../repositories/${entity.name}-repository`, `InMemory${P}Repository`, { type: true });
    lines = [
      ...imp.render(),
      ``,
      `export class ${stem} {`,
      `  private readonly audit: string[] = [];`,
      ``,
      `  constructor(private readonly repository: InMemory${P}Repository) {}`,
      ``,
      `  handleStats(): HttpResponse {`,
      `    return json(200, { counts: this.repository.countByStatus(), total: this.repository.count() });`,
      `  }`,
      ``,
      `  handlePurge(request: HttpRequest): HttpResponse {`,
      `    if (request.userId === undefined) {`,
      `      return badRequest('an administrator is required');`,
      `    }`,
      `    const before = this.repository.count();`,
      `    this.repository.clear();`,
      `    this.audit.push(\`\${request.userId} purged \${before} items\`);`,
      `    return json(200, { removed: before });`,
      `  }`,
      ``,
      `  auditTrail(limit = 10): string[] {`,
      `    return this.audit.slice(-limit);`,
      `  }`,
      `}`,
    ];
  }
  return finish(lines, rng, stem);
}

// --- events, keys, handlers, index -----------------------------------------------------------

function keyExprInDeclaringModule(ev) {
  const m = ev.module;
  if (m.keyStyle === 'constants') return { name: ev.constName, expr: ev.constName };
  if (m.keyStyle === 'enum') return { name: `${m.P}Events`, expr: `${m.P}Events.${ev.enumMember}` };
  return { name: `${m.P}EventKeys`, expr: `${m.P}EventKeys.${ev.entity.c}.${ev.action}` };
}

function moduleSpec(fromModule, target, kind, style) {
  // kind: 'events' | 'event-types'; style: 'index' | 'alias' | 'relative'
  if (style === 'index') return `@modules/${target.name}`;
  if (style === 'alias') return `@modules/${target.name}/domain/${kind}`;
  return `../../${target.name}/domain/${kind}`;
}

function emitEvents(m, rng) {
  const imp = new Imports();
  imp.add('../../../core/events', 'EventBase');
  const lines = [];
  for (const ev of m.events) {
    let base = 'EventBase';
    if (ev.parent) {
      if (ev.parent.module === m) base = ev.parent.className;
      else {
        const style = rng.pick(['alias', 'relative', 'alias']);
        base = imp.add(moduleSpec(m, ev.parent.module, 'events', style), ev.parent.className);
      }
    }
    let keyExpr = `'${ev.key}'`;
    if (ev.keyInClass) {
      const { name, expr } = keyExprInDeclaringModule(ev);
      imp.add('./event-types', name);
      keyExpr = expr;
    }
    const annotate = ev.children.length > 0 ? ': string' : '';
    if (rng.chance(0.5)) lines.push(`/** Published when ${article(ev.entity.name)} ${ev.entity.name} is ${ev.action}. */`);
    lines.push(`export class ${ev.className} extends ${base} {`, `  readonly eventType${annotate} = ${keyExpr};`);
    const inherited = ev.parent ? ev.parent.params : [];
    const params = [
      ...inherited.map((p) => `${p.name}: ${p.type}`),
      ...ev.ownParams.map((p) => `readonly ${p.name}: ${p.type}`),
    ];
    const superCall = `super(${inherited.map((p) => p.name).join(', ')});`;
    const oneLine = `  constructor(${params.join(', ')}) {`;
    if (oneLine.length <= 110) lines.push(oneLine);
    else lines.push(`  constructor(`, ...params.map((p) => `    ${p},`), `  ) {`);
    lines.push(`    ${superCall}`, `  }`, `}`, ``);
  }
  const U = m.U;
  lines.push(
    `export type ${m.P}DomainEvent =`,
    ...m.events.map((ev, i) => `  | ${ev.className}${i === m.events.length - 1 ? ';' : ''}`),
    ``,
    `const ${U}_EVENT_CLASSES = [${m.events.map((e) => e.className).join(', ')}] as const;`,
    ``,
    `export function is${m.P}DomainEvent(event: EventBase): event is ${m.P}DomainEvent {`,
    `  return ${U}_EVENT_CLASSES.some((cls) => event instanceof cls);`,
    `}`,
    ``,
    `export function describe${m.P}Event(event: ${m.P}DomainEvent): string {`,
    `  return \`\${event.eventType} at \${event.createdAt.toISOString()}\`;`,
    `}`,
  );
  let head = imp.render();
  const constructorLines = [...head, ``, ...lines];
  return finish(constructorLines, rng, `${m.P}EventSupport`);
}

function emitEventTypes(m, rng) {
  const lines = [`// Event keys of the ${m.name} module; use these instead of repeating the strings.`, ``];
  const U = m.U;
  if (m.keyStyle === 'constants') {
    for (const ev of m.events) lines.push(`export const ${ev.constName} = '${ev.key}';`);
    lines.push(``, `export const ${U}_EVENT_KEYS = [`, ...m.events.map((e) => `  ${e.constName},`), `] as const;`);
  } else if (m.keyStyle === 'enum') {
    lines.push(`export enum ${m.P}Events {`, ...m.events.map((e) => `  ${e.enumMember} = '${e.key}',`), `}`, ``);
    lines.push(`export const ${U}_EVENT_KEYS: readonly string[] = Object.values(${m.P}Events);`);
  } else {
    const byEntity = new Map();
    for (const e of m.events) {
      if (!byEntity.has(e.entity.c)) byEntity.set(e.entity.c, []);
      byEntity.get(e.entity.c).push(e);
    }
    lines.push(`export const ${m.P}EventKeys = {`);
    for (const [ent, evs] of byEntity) {
      lines.push(`  ${ent}: {`, ...evs.map((e) => `    ${e.action}: '${e.key}',`), `  },`);
    }
    lines.push(`} as const;`, ``);
    lines.push(
      `export const ${U}_EVENT_KEYS: readonly string[] = Object.values(${m.P}EventKeys).flatMap((group) => Object.values(group));`,
    );
  }
  lines.push(
    ``,
    `export function is${m.P}EventKey(value: string): boolean {`,
    `  return (${U}_EVENT_KEYS as readonly string[]).includes(value);`,
    `}`,
  );
  return finish(lines, rng, `${m.P}EventKeySupport`);
}

function handlerKeyExpr(h, file, imp, rng) {
  if (h.keyForm === 'literal') return `'${h.key}'`;
  const d = h.event.module;
  const style = file.importStyles.get(d) ?? 'index';
  const spec = moduleSpec(file.module, d, 'event-types', style);
  if (h.keyForm === 'constants') return imp.add(spec, h.event.constName);
  if (h.keyForm === 'enum') {
    const local = imp.add(spec, `${d.P}Events`, { local: rng.chance(0.25) ? `${d.P}Keys` : `${d.P}Events` });
    return `${local}.${h.event.enumMember}`;
  }
  const local = imp.add(spec, `${d.P}EventKeys`, { local: rng.chance(0.25) ? `${d.P}Keys` : `${d.P}EventKeys` });
  return `${local}.${h.event.entity.c}.${h.event.action}`;
}

function emitHandlerFile(m, file, rng) {
  const sh = sharedFor(3, rng);
  const imp = new Imports();
  const needsDecorator = file.handlers.some((h) => h.via === 'decorator');
  const needsRegistration = file.handlers.some((h) => h.via === 'registration');
  if (needsDecorator) imp.add('../../../core/events', 'eventHandler');
  if (needsRegistration) imp.add('../../../core/events', 'subscribeToEvent');
  imp.add(sh('logger'), 'createLogger');
  file.module = m;
  file.importStyles = new Map();
  for (const h of file.handlers) {
    const d = h.event.module;
    if (!file.importStyles.has(d)) file.importStyles.set(d, rng.weighted([['index', 4], ['alias', 3], ['relative', 3]]));
  }
  const typeOnlySpecs = new Set();
  const eventType = (ev) => {
    const style = file.importStyles.get(ev.module);
    const spec = moduleSpec(m, ev.module, 'events', style);
    if (style !== 'index' && rng.chance(0.3)) typeOnlySpecs.add(spec);
    const alias = rng.chance(0.1) ? ev.className.replace(/Event$/, 'Evt') : ev.className;
    return imp.add(spec, ev.className, { type: true, local: alias });
  };
  const flowCtor = (h) => {
    const to = h.publishes;
    const local = imp.add('../domain/events', to.className);
    const first = h.event.params[0].name;
    const args = to.params.map((p) => ({ string: `event.${first}`, number: 'event.createdAt.getTime()', boolean: 'true' })[p.type]);
    return `new ${local}(${args.join(', ')})`;
  };
  const body = [];
  const cls = file.className;
  body.push(
    `const logger = createLogger('${m.name}/handlers');`,
    ``,
    `/** Reacts to other modules' events on behalf of ${m.name}. */`,
    `export class ${cls} {`,
    `  private static readonly stats = new Map<string, number>();`,
  );
  const registrations = [];
  const methodNames = new Set();
  let form = rng.int(0, 2);
  for (const h of file.handlers) {
    const ev = h.event;
    const typeName = eventType(ev);
    const keyExpr = handlerKeyExpr(h, file, imp, rng);
    const first = ev.params[0].name;
    const num = ev.params.find((p) => p.type === 'number');
    const stmts = [
      `logger.info(\`${m.name}: \${event.eventType} for \${event.${first}}\`);`,
      ...(num ? [`if (event.${num.name} > ${rng.pick([10, 100, 1_000])}) {`, `  logger.warn(\`${m.name}: large ${num.name} \${event.${num.name}}\`);`, `}`] : []),
      `${cls}.record(event.eventType);`,
    ];
    if (h.publishes) stmts.push(...publishLines(['variable', 'function', 'chained'][form++ % 3], flowCtor(h), 0, 'next'));
    if (h.publishes && stmts.some((s) => s.startsWith('publishEvent('))) imp.add('../../../core/events', 'publishEvent');
    if (h.via === 'registration') {
      registrations.push(``, `subscribeToEvent(${keyExpr}, (event: ${typeName}) => {`, ...stmts.map((s) => `  ${s}`), `});`);
      continue;
    }
    let name = `handle${ev.className.replace(/Event$/, '')}${h.misspelt ? 'Legacy' : ''}`;
    while (methodNames.has(name)) name += 'Again';
    methodNames.add(name);
    const sig = h.async ? `static async ${name}(event: ${typeName}): Promise<void> {` : `static ${name}(event: ${typeName}): void {`;
    body.push(``, `  @eventHandler(${keyExpr})`, `  ${sig}`);
    if (h.async) body.push(`    await Promise.resolve();`);
    body.push(...stmts.map((s) => `    ${s}`), `  }`);
  }
  body.push(
    ``,
    `  static record(eventType: string): void {`,
    `    ${cls}.stats.set(eventType, (${cls}.stats.get(eventType) ?? 0) + 1);`,
    `  }`,
    ``,
    `  static handledCount(): number {`,
    `    let total = 0;`,
    `    for (const count of ${cls}.stats.values()) {`,
    `      total += count;`,
    `    }`,
    `    return total;`,
    `  }`,
    `}`,
    ...registrations,
  );
  for (const spec of typeOnlySpecs) imp.preferTypeOnly(spec);
  return finish([...imp.render(), ``, ...body], rng, `${cls}Support`);
}

function emitIndex(m, rng) {
  const lines = [];
  const modSpec = rng.chance(0.5) ? '@shared/modules' : '../../shared/modules';
  lines.push(`import type { ModuleDescriptor } from '${modSpec}';`);
  lines.push(`import { createLogger } from '${rng.chance(0.5) ? '@shared/logger' : '../../shared/logger'}';`);
  for (const f of m.handlerFiles) lines.push(`import './services/${f.name}';`);
  lines.push(``, `export * from './domain/events';`);
  if (m.keyStyle !== 'none') lines.push(`export * from './domain/event-types';`);
  for (const e of m.entities) {
    lines.push(`export { ${e.P}Service } from './services/${e.name}-service';`);
    lines.push(`export { InMemory${e.P}Repository, type ${e.P}Repository } from './repositories/${e.name}-repository';`);
  }
  for (const f of m.handlerFiles) lines.push(`export { ${f.className} } from './services/${f.name}';`);
  lines.push(
    ``,
    `const logger = createLogger('${m.name}');`,
    `let initialized = false;`,
    ``,
    `export const ${m.U}_MODULE: ModuleDescriptor = {`,
    `  name: '${m.name}',`,
    `  version: '${rng.int(1, 4)}.${rng.int(0, 12)}.${rng.int(0, 9)}',`,
    `  entities: [${m.entities.map((e) => `'${e.name}'`).join(', ')}],`,
    `  init: init${m.P}Module,`,
    `};`,
    ``,
    `export function init${m.P}Module(): void {`,
    `  if (initialized) {`,
    `    return;`,
    `  }`,
    `  initialized = true;`,
    `  logger.info('${m.name} module initialized');`,
    `}`,
  );
  return finish(lines, rng, `${m.P}Module`);
}

function emitRegistry(mods, i, rng) {
  const lines = [`import type { ModuleDescriptor } from '../shared/modules';`];
  for (const m of mods) lines.push(`import { ${m.U}_MODULE } from '@modules/${m.name}';`);
  lines.push(``, `export const MODULES_${i}: readonly ModuleDescriptor[] = [`, ...mods.map((m) => `  ${m.U}_MODULE,`), `];`);
  lines.push(
    ``,
    `export function initModules${i}(): number {`,
    `  let count = 0;`,
    `  for (const descriptor of MODULES_${i}) {`,
    `    descriptor.init();`,
    `    count += 1;`,
    `  }`,
    `  return count;`,
    `}`,
  );
  return finish(lines, rng, `Registry${i}`);
}

function emitMain(plan, rng) {
  const lines = [`import { describeModules } from './shared/modules';`];
  for (let i = 1; i <= plan.registryCount; i++) lines.push(`import { MODULES_${i}, initModules${i} } from './app/registry-${i}';`);
  lines.push(
    ``,
    `export function bootstrap(): string[] {`,
    `  let initialized = 0;`,
    ...Array.from({ length: plan.registryCount }, (_, i) => `  initialized += initModules${i + 1}();`),
    `  const all = [${Array.from({ length: plan.registryCount }, (_, i) => `...MODULES_${i + 1}`).join(', ')}];`,
    `  if (initialized !== all.length) {`,
    `    throw new Error(\`initialized \${initialized} of \${all.length} modules\`);`,
    `  }`,
    `  return describeModules(all);`,
    `}`,
  );
  return finish(lines, rng, 'Bootstrap');
}

// ---------------------------------------------------------------------------------------------
// Generate
// ---------------------------------------------------------------------------------------------

export function generateFiles(size, seed) {
  const plan = buildPlan(size, seed);
  const rng = new Rng((seed * 97 + 13) ^ 0x5bd1e995);
  const files = [];
  const add = (path, text) => files.push({ path, text });

  add('src/core/events.ts', emitCore(rng));
  for (const name of SHARED_FILES) add(`src/shared/${name}.ts`, finish(SHARED_SOURCES[name](), rng, `Shared${pascal(name)}`));
  for (const m of plan.modules) {
    const base = `src/modules/${m.name}`;
    add(`${base}/index.ts`, emitIndex(m, rng));
    add(`${base}/domain/events.ts`, emitEvents(m, rng));
    if (m.keyStyle !== 'none') add(`${base}/domain/event-types.ts`, emitEventTypes(m, rng));
    for (const f of m.handlerFiles) add(`${base}/services/${f.name}.ts`, emitHandlerFile(m, f, rng));
    for (const e of m.entities) {
      add(`${base}/domain/${e.name}.ts`, emitEntity(e, rng));
      add(`${base}/dto/${e.name}-dto.ts`, emitDto(e, rng));
      add(`${base}/repositories/${e.name}-repository.ts`, emitRepository(e, rng));
      add(`${base}/services/${e.name}-service.ts`, emitService(e, rng));
      add(`${base}/controllers/${e.name}-controller.ts`, emitController(e, rng));
      add(`${base}/validators/${e.name}-validator.ts`, emitValidator(e, rng));
      add(`${base}/utils/${e.name}-mapper.ts`, emitMapper(e, rng));
      add(`${base}/${testDir(m)}/${e.name}-service.test.ts`, emitServiceTest(e, rng));
    }
    for (const f of m.fillers) {
      const e = f.entity.name;
      const sfx = f.suffix;
      const path = {
        'query-service': `services/${e}-query-service${sfx}.ts`,
        policy: `domain/${e}-policy${sfx}.ts`,
        'cleanup-job': `jobs/${e}-cleanup-job${sfx}.ts`,
        'repository-test': `${testDir(m)}/${e}-repository${sfx}.test.ts`,
        helpers: `utils/${e}-helpers${sfx}.ts`,
        config: `config/${e}-config${sfx}.ts`,
        types: `types/${e}-types${sfx}.ts`,
        'admin-controller': `controllers/${e}-admin-controller${sfx}.ts`,
      }[f.kind];
      add(`${base}/${path}`, emitFiller(f, rng));
    }
  }
  for (let i = 1; i <= plan.registryCount; i++) {
    const mods = plan.modules.slice((i - 1) * MODULES_PER_REGISTRY, i * MODULES_PER_REGISTRY);
    add(`src/app/registry-${i}.ts`, emitRegistry(mods, i, rng));
  }
  add('src/main.ts', emitMain(plan, rng));

  const paths = new Set();
  for (const f of files) {
    if (paths.has(f.path)) throw new Error(`duplicate path ${f.path}`);
    paths.add(f.path);
  }
  return { plan, files };
}

function expectedOf(plan, files, size, seed) {
  const lineCounts = files.map((f) => f.text.split('\n').length - 1);
  const isTest = (p) => /\.test\.ts$/.test(p) || /\/tests\//.test(p);
  const perKey = {};
  const entry = (key) => (perKey[key] ??= { declarations: 0, publishers: 0, testPublishers: 0, handlers: 0 });
  let publishes = 0;
  let testPublishes = 0;
  let decorators = 0;
  let registrations = 0;
  const flowEdges = [];
  for (const ev of plan.events) {
    entry(ev.key).declarations++;
    entry(ev.key).publishers += ev.publishSites.length;
    entry(ev.key).testPublishers += ev.testPublishSites;
    publishes += ev.publishSites.length;
    testPublishes += ev.testPublishSites;
    for (const h of ev.handlers) {
      entry(h.key).handlers++;
      if (h.via === 'decorator') decorators++;
      else registrations++;
      if (h.publishes) {
        entry(h.publishes.key).publishers++;
        publishes++;
        flowEdges.push([h.event.key, h.publishes.key]);
      }
    }
  }
  const sortedKeys = Object.keys(perKey).sort();
  const keyStyles = {};
  for (const m of plan.modules) keyStyles[m.keyStyle] = (keyStyles[m.keyStyle] ?? 0) + 1;
  return {
    generatorVersion: GENERATOR_VERSION,
    size,
    seed,
    files: {
      total: files.length,
      test: files.filter((f) => isTest(f.path)).length,
      lines: lineCounts.reduce((a, b) => a + b, 0),
      minLines: Math.min(...lineCounts),
      maxLines: Math.max(...lineCounts),
      bytes: files.reduce((a, f) => a + Buffer.byteLength(f.text), 0),
    },
    modules: plan.modules.length,
    keyStyles,
    events: {
      classes: plan.events.length,
      keys: plan.events.length,
      subclasses: plan.events.filter((e) => e.parent).length,
      maxDepth: Math.max(...plan.events.map((e) => { let d = 1; for (let p = e.parent; p; p = p.parent) d++; return d; })),
    },
    publishes: {
      total: publishes + testPublishes,
      nonTest: publishes,
      test: testPublishes,
      note: 'call sites in src/modules; src/core/events.ts additionally has publishEvent(this) inside EventBase.publish()',
    },
    handlers: {
      total: decorators + registrations,
      decorators,
      registrations,
      note: 'src/core/events.ts additionally calls subscribeToEvent(eventType, …) with a dynamic key inside eventHandler()',
    },
    flows: flowEdges.length,
    flowEdges,
    anomalies: {
      'unhandled-event': plan.anomalies.unhandled.map((e) => e.key).sort(),
      'unknown-event': plan.events.flatMap((e) => e.handlers).filter((h) => h.misspelt).map((h) => h.key).sort(),
      'event-naming': plan.anomalies.nonPast.map((e) => e.key).sort(),
      'unpublished-event': plan.anomalies.unpublished.map((e) => e.key).sort(),
      'event-cycle': plan.anomalies.cycle.map((e) => e.key),
    },
    perKey: Object.fromEntries(sortedKeys.map((k) => [k, perKey[k]])),
  };
}

function tsconfigText() {
  return (
    JSON.stringify(
      {
        compilerOptions: {
          target: 'ES2022',
          module: 'ESNext',
          moduleResolution: 'Bundler',
          lib: ['ES2022'],
          types: [],
          strict: true,
          experimentalDecorators: false,
          baseUrl: '.',
          paths: { '@modules/*': ['src/modules/*'], '@shared/*': ['src/shared/*'] },
          ignoreDeprecations: '6.0',
          noEmit: true,
          skipLibCheck: true,
        },
        include: ['src'],
      },
      null,
      2,
    ) + '\n'
  );
}

function packageJsonText(size) {
  return (
    JSON.stringify(
      {
        name: `eventflow-bench-app-${size.toLowerCase()}`,
        version: '0.0.0',
        private: true,
        description: 'Generated by bench/generate.mjs; do not edit.',
        scripts: { typecheck: 'tsc --noEmit -p .' },
      },
      null,
      2,
    ) + '\n'
  );
}

/** Generates into `out` unless its marker already matches. Returns a summary. */
export function generate({ size, seed = 1, out, force = false, quiet = false }) {
  if (!SIZES[size]) throw new Error(`unknown size ${size} (S, M or L)`);
  out = resolve(out ?? join(benchDir, '.generated', size));
  const marker = { generator: 'eventflow-bench', generatorVersion: GENERATOR_VERSION, size, seed };
  const markerPath = join(out, MARKER_FILE);
  if (!force && existsSync(markerPath)) {
    try {
      const existing = JSON.parse(readFileSync(markerPath, 'utf8'));
      if (existing.generatorVersion === GENERATOR_VERSION && existing.size === size && existing.seed === seed) {
        const expected = JSON.parse(readFileSync(join(out, 'expected.json'), 'utf8'));
        if (!quiet) console.log(`${size}: up to date in ${out} (${expected.files.total} files); --force to regenerate`);
        return { out, skipped: true, expected, ms: 0 };
      }
    } catch {
      // fall through and regenerate
    }
  }
  if (existsSync(out)) {
    const entries = readdirSync(out);
    if (entries.length && !entries.includes(MARKER_FILE)) {
      throw new Error(`${out} exists and was not made by this generator; refusing to overwrite`);
    }
    rmSync(out, { recursive: true, force: true });
  }
  const t0 = performance.now();
  const { plan, files } = generateFiles(size, seed);
  const madeDirs = new Set();
  for (const f of files) {
    const full = join(out, f.path);
    const dir = dirname(full);
    if (!madeDirs.has(dir)) {
      mkdirSync(dir, { recursive: true });
      madeDirs.add(dir);
    }
    writeFileSync(full, f.text);
  }
  const expected = expectedOf(plan, files, size, seed);
  writeFileSync(join(out, 'tsconfig.json'), tsconfigText());
  writeFileSync(join(out, 'package.json'), packageJsonText(size));
  writeFileSync(join(out, 'expected.json'), JSON.stringify(expected, null, 2) + '\n');
  writeFileSync(markerPath, JSON.stringify(marker, null, 2) + '\n');
  const ms = performance.now() - t0;
  if (!quiet) {
    const outOfRange = files.filter((f) => {
      const n = f.text.split('\n').length - 1;
      return n < MIN_LINES || n > MAX_LINES;
    });
    console.log(
      `${size}: ${expected.files.total} files, ${expected.files.lines} lines (${expected.files.minLines}–${expected.files.maxLines} per file), ` +
        `${expected.modules} modules, ${expected.events.classes} events, ${expected.publishes.nonTest} publishes (+${expected.publishes.test} in tests), ` +
        `${expected.handlers.total} handlers, ${expected.flows} flows in ${(ms / 1000).toFixed(2)} s → ${out}`,
    );
    if (outOfRange.length) console.log(`  warning: ${outOfRange.length} files outside ${MIN_LINES}–${MAX_LINES} lines, e.g. ${outOfRange[0].path}`);
  }
  return { out, skipped: false, expected, ms };
}

function parseArgs(argv) {
  const args = { size: undefined, seed: 1, out: undefined, force: false };
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    if (a === '--size') args.size = argv[++i];
    else if (a === '--seed') args.seed = Number(argv[++i]);
    else if (a === '--out') args.out = argv[++i];
    else if (a === '--force') args.force = true;
    else if (a === '--help' || a === '-h') args.help = true;
    else throw new Error(`unknown argument ${a}`);
  }
  return args;
}

if (process.argv[1] && import.meta.url === pathToFileURL(resolve(process.argv[1])).href) {
  try {
    const args = parseArgs(process.argv.slice(2));
    if (args.help || !args.size) {
      console.log('usage: node bench/generate.mjs --size S|M|L [--seed N] [--out dir] [--force]');
      process.exit(args.help ? 0 : 2);
    }
    if (!Number.isInteger(args.seed) || args.seed < 0) throw new Error('--seed must be a non-negative integer');
    generate(args);
  } catch (error) {
    console.error(`generate: ${error instanceof Error ? error.message : String(error)}`);
    process.exit(2);
  }
}
