/**
 * The `{entity}.{action}` naming convention: lower-case, dot-separated, at least two
 * segments, the last a past-tense verb (`created`, `sent`, `requested`).
 */
import type { NamingConvention } from './conventions';
import { editDistance } from './text';

export interface NamingProblem {
  message: string;
  /** A key that follows the convention, when one can be proposed. */
  suggestion?: string;
}

const SEGMENT = /^[a-z][a-z0-9]*(?:[_-][a-z0-9]+)*$/;

export function checkEventName(key: string, naming: NamingConvention): NamingProblem | undefined {
  const segments = key.split('.');
  if (segments.length < naming.minSegments || segments.some((s) => s.length === 0)) {
    return withSuggestion(`'${key}' should be '{entity}.{action}': at least ${naming.minSegments} dot-separated segments`, key, naming);
  }
  const bad = segments.find((s) => !SEGMENT.test(s));
  if (bad !== undefined) {
    return withSuggestion(`'${key}' should be lower-case words separated by dots ('${bad}' is not)`, key, naming);
  }
  const action = segments[segments.length - 1];
  if (!isPastTense(action, naming)) {
    return withSuggestion(`'${key}' should end in a past-tense action ('${action}' is not past tense)`, key, naming);
  }
  return undefined;
}

function withSuggestion(message: string, key: string, naming: NamingConvention): NamingProblem {
  const suggestion = suggestEventName(key, naming);
  return suggestion && suggestion !== key ? { message: `${message}; use '${suggestion}'`, suggestion } : { message };
}

export function isPastTense(word: string, naming: NamingConvention): boolean {
  const last = word.split(/[_-]/).pop() ?? word;
  if (naming.pastTenseWords.includes(last)) return true;
  return /[a-z]{2,}ed$/.test(last) && !/(?:^|[^a-z])(?:need|feed|seed|speed|bleed|breed|embed|shed|bed|red)$/.test(last);
}

/** Proposes a key that follows the convention: lower-cased, split camelCase, the action put in the past tense. */
export function suggestEventName(key: string, naming: NamingConvention): string | undefined {
  const words = key
    .replace(/([a-z0-9])([A-Z])/g, '$1.$2')
    .toLowerCase()
    .split(/[.\s:/]+/)
    .map((s) => s.replace(/[^a-z0-9_-]/g, ''))
    .filter(Boolean);
  if (words.length === 0) return undefined;
  const action = words[words.length - 1];
  if (!isPastTense(action, naming)) words[words.length - 1] = pastTense(action);
  if (words.length < naming.minSegments) return undefined;
  return words.join('.');
}

const IRREGULAR: Record<string, string> = {
  send: 'sent', build: 'built', pay: 'paid', make: 'made', do: 'done', run: 'run', set: 'set', reset: 'reset',
  lose: 'lost', find: 'found', hold: 'held', sell: 'sold', win: 'won', begin: 'begun', write: 'written',
  take: 'taken', give: 'given', choose: 'chosen', freeze: 'frozen', break: 'broken', show: 'shown',
  draw: 'drawn', throw: 'thrown', withdraw: 'withdrawn', bind: 'bound', read: 'read', spend: 'spent',
  leave: 'left', keep: 'kept', put: 'put', cut: 'cut', shut: 'shut', split: 'split', quit: 'quit',
  login: 'logged_in', logout: 'logged_out', signup: 'signed_up', checkout: 'checked_out',
};

export function pastTense(verb: string): string {
  if (Object.hasOwn(IRREGULAR, verb)) return IRREGULAR[verb];
  // The progressive form: `archiving` → `archived`, `shipping` → `shipped`, `processing` → `processed`.
  if (verb.length > 5 && verb.endsWith('ing')) {
    let stem = verb.slice(0, -3);
    if (/([^aeiouslfz])\1$/.test(stem)) stem = stem.slice(0, -1);
    return pastTense(stem);
  }
  if (verb.endsWith('e')) return verb + 'd';
  if (/[^aeiou]y$/.test(verb)) return verb.slice(0, -1) + 'ied';
  // Short verbs ending consonant-vowel-consonant double the consonant (stop → stopped).
  if (/^[^aeiou]*[aeiou][bdgklmnprt]$/.test(verb)) return verb + verb[verb.length - 1] + 'ed';
  return verb + 'ed';
}

/** The known key closest to `key`, if it is close enough to be a likely typo. */
export function nearestKey(key: string, known: Iterable<string>): string | undefined {
  let best: string | undefined;
  let bestDistance = Infinity;
  for (const k of known) {
    if (k === key) continue;
    const d = editDistance(key, k);
    if (d < bestDistance) {
      best = k;
      bestDistance = d;
    }
  }
  return best !== undefined && bestDistance <= Math.max(2, Math.floor(key.length / 4)) ? best : undefined;
}
