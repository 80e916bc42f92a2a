'use strict';
// Behaviour of the tracker script (src/main/resources/dev/tally/gateway/tracker/a.js) in a fake
// browser built from node:vm: no browser, no npm packages. Run from the repository root:
//
//   node --test ingest-gateway/src/test/js/
//
// Every test runs against the readable source (placeholders replaced here) and, when present, against
// the exact bytes the gateway serves, which TrackerScriptTest writes to ingest-gateway/target/tracker/a.js.

const { describe, test } = require('node:test');
const assert = require('node:assert/strict');
const fs = require('node:fs');
const path = require('node:path');
const vm = require('node:vm');

const SOURCE = path.resolve(__dirname, '../../main/resources/dev/tally/gateway/tracker/a.js');
const SERVED = path.resolve(__dirname, '../../../target/tracker/a.js');
const STUB = 'window.tally = window.tally || function(){(window.tally.q = window.tally.q || []).push(arguments)};';

const variants = [
  ['readable source', () => fs.readFileSync(SOURCE, 'utf8')
      .replaceAll('__TALLY_API_PATH__', '/api/event')
      .replaceAll('__TALLY_PIXEL_PATH__', '/a.gif')],
  ['served bytes', () => fs.readFileSync(SERVED, 'utf8'), !fs.existsSync(SERVED) &&
      'target/tracker/a.js missing: run TrackerScriptTest first'],
];

/** Lets promise callbacks (fetch's then/catch) run. */
const settle = () => new Promise((resolve) => setImmediate(resolve));

/**
 * A page at `href` with the tag's data- attributes `data` (dataset names: respectDnt, allowLocalhost).
 * beacon: true (queued), 'refuse' (returns false), 'throw', or false (no sendBeacon).
 * fetch: a status to answer, 'reject', or false (no fetch).
 */
function page(code, options = {}) {
  const o = {
    href: 'https://www.example.com/pricing?plan=pro#top',
    data: { site: 'example.com' },
    beacon: true,
    fetch: 202,
    storage: {},
    referrer: '',
    title: 'Pricing',
    navigator: {},
    before: '',
    ...options,
  };
  let current = new URL(o.href);
  const listeners = {};
  const sent = []; // {via, url, type, event}
  const pixels = [];
  const timers = [];
  const warnings = [];
  const pushed = [];

  class Blob {
    constructor(parts, opts) {
      this.content = parts.join('');
      this.type = opts && opts.type;
    }
  }
  const navigator = { ...o.navigator };
  if (o.beacon) {
    navigator.sendBeacon = (url, blob) => {
      if (o.beacon === 'throw') throw new TypeError('beacon failed');
      if (o.beacon === 'refuse') return false;
      sent.push({ via: 'beacon', url, type: blob.type, event: JSON.parse(blob.content) });
      return true;
    };
  }
  const ctx = {
    document: {
      currentScript: o.noScript ? null : { src: o.src || 'https://tally.example.com/a.js', dataset: { ...o.data } },
      referrer: o.referrer,
      title: o.title,
    },
    location: {
      get href() { return current.href; },
      get hostname() { return current.hostname; },
      get protocol() { return current.protocol; },
    },
    navigator,
    history: {
      pushState(state, title, url) {
        pushed.push({ self: this, args: [state, title, url] });
        current = new URL(url, current);
        return 'original result';
      },
      replaceState(state, title, url) {
        current = new URL(url, current);
      },
    },
    Blob,
    Image: class {
      set src(url) { pixels.push(new URL(url)); }
    },
    URL,
    setTimeout: (fn, ms, ...args) => timers.push({ fn, ms, args }),
    console: { warn: (m) => warnings.push(m) },
    innerWidth: 1280,
    addEventListener: (type, fn) => (listeners[type] = listeners[type] || []).push(fn),
  };
  ctx.window = ctx;
  Object.defineProperty(ctx, 'localStorage', {
    get() {
      if (o.storage === 'throws') throw new Error('SecurityError');
      return o.storage;
    },
  });
  if (o.fetch) {
    ctx.fetch = (url, init) => {
      sent.push({ via: 'fetch', url, init, type: init.body.type, event: JSON.parse(init.body.content) });
      return o.fetch === 'reject' ? Promise.reject(new TypeError('Failed to fetch')) : Promise.resolve({ status: o.fetch });
    };
  }
  vm.createContext(ctx);
  if (o.before) vm.runInContext(o.before, ctx);
  vm.runInContext(code, ctx);

  return {
    ctx, sent, pixels, timers, warnings, pushed, listeners,
    events: () => sent.map((s) => s.event),
    names: () => sent.map((s) => s.event.n + ' ' + s.event.u),
    go(url) { current = new URL(url, current); },
    fire(type, event = {}) { (listeners[type] || []).forEach((fn) => fn(event)); },
    run: (code2) => vm.runInContext(code2, ctx),
  };
}

for (const [label, load, skip] of variants) {
  describe(label, { skip }, () => {
    const code = skip ? '' : load();

    describe('page views', () => {
      test('one on load, with the short keys, posted as text/plain to the script origin', () => {
        const p = page(code);
        assert.equal(p.sent.length, 1);
        assert.equal(p.sent[0].via, 'beacon');
        assert.equal(p.sent[0].url, 'https://tally.example.com/api/event');
        assert.equal(p.sent[0].type, 'text/plain');
        assert.deepEqual(p.sent[0].event, {
          n: 'pageview', u: 'https://www.example.com/pricing?plan=pro', d: 'example.com', r: null, w: 1280, t: 'Pricing',
        });
      });

      test('carries the referrer', () => {
        const p = page(code, { referrer: 'https://news.example.org/item?id=1' });
        assert.equal(p.events()[0].r, 'https://news.example.org/item?id=1');
      });

      test('data-api replaces the endpoint', () => {
        const p = page(code, { data: { site: 'example.com', api: 'https://stats.example.com/e' } });
        assert.equal(p.sent[0].url, 'https://stats.example.com/e');
      });

      test('pushState counts a new URL once; replaceState does not count', () => {
        const p = page(code);
        p.run("history.pushState({}, '', '/docs')");
        p.run("history.pushState({}, '', '/docs')");
        p.run("history.replaceState({}, '', '/docs?tab=2')");
        p.run("history.pushState({}, '', '/docs?page=2')");
        assert.deepEqual(p.names(), [
          'pageview https://www.example.com/pricing?plan=pro',
          'pageview https://www.example.com/docs',
          'pageview https://www.example.com/docs?page=2',
        ]);
      });

      test('the pushState wrapper calls the original with its receiver and arguments', () => {
        const p = page(code);
        p.run("history.pushState({a: 1}, 't', '/x')");
        assert.equal(p.pushed.length, 1);
        assert.equal(p.pushed[0].self, p.ctx.history);
        assert.deepEqual(JSON.parse(JSON.stringify(p.pushed[0].args)), [{ a: 1 }, 't', '/x']);
      });

      test('back and forward (popstate) count', () => {
        const p = page(code);
        p.run("history.pushState({}, '', '/docs')");
        p.go('/pricing?plan=pro');
        p.fire('popstate');
        assert.deepEqual(p.names().slice(2), ['pageview https://www.example.com/pricing?plan=pro']);
      });

      test('without data-hash, the fragment is neither sent nor a navigation', () => {
        const p = page(code);
        p.go('#faq');
        p.fire('popstate');
        p.fire('hashchange');
        assert.equal(p.sent.length, 1);
        assert.equal(p.listeners.hashchange, undefined);
      });

      test('with data-hash, a hash navigation is one page view with its fragment', () => {
        const p = page(code, { href: 'https://app.example.com/#/inbox', data: { site: 'example.com', hash: '' } });
        p.go('#/settings');
        p.fire('popstate'); // browsers fire both for one fragment navigation
        p.fire('hashchange');
        assert.deepEqual(p.names(), [
          'pageview https://app.example.com/#/inbox',
          'pageview https://app.example.com/#/settings',
        ]);
      });

      test('a second copy of the tag neither counts again nor wraps history again', () => {
        const p = page(code);
        p.run(code);
        p.run("history.pushState({}, '', '/docs')");
        assert.equal(p.sent.length, 2);
      });
    });

    describe('custom events', () => {
      test('tally.track sends name, string props and a numeric value', () => {
        const p = page(code);
        p.run("tally.track('Signup', {plan: 'pro', seats: 3, none: null}, 49.5)");
        const e = p.events()[1];
        assert.equal(e.n, 'Signup');
        assert.deepEqual(e.p, { plan: 'pro', seats: '3' });
        assert.equal(e.value, 49.5);
      });

      test('tally(name) works too; no props and no usable value leave the keys out', () => {
        const p = page(code);
        p.run("tally('Download'); tally('Play', {}, NaN); tally('Buy', null, '5')");
        for (const e of p.events().slice(1)) {
          assert.equal('p' in e, false);
          assert.equal('value' in e, false);
        }
        assert.deepEqual(p.events().map((e) => e.n), ['pageview', 'Download', 'Play', 'Buy']);
      });

      test('calls queued by the stub before load are replayed after the page view, in order', () => {
        const p = page(code, { before: STUB + "tally('Early', {from: 'stub'}, 1); tally('Later');" });
        assert.deepEqual(p.events().map((e) => e.n), ['pageview', 'Early', 'Later']);
        assert.deepEqual(p.events()[1].p, { from: 'stub' });
        assert.equal(p.events()[1].value, 1);
        assert.equal(typeof p.ctx.tally.track, 'function');
      });
    });

    describe('transport', () => {
      for (const beacon of [false, 'refuse', 'throw']) {
        test('without a queued beacon (' + beacon + ') it fetches with keepalive', () => {
          const p = page(code, { beacon });
          assert.equal(p.sent.length, 1);
          assert.equal(p.sent[0].via, 'fetch');
          assert.equal(p.sent[0].url, 'https://tally.example.com/api/event');
          assert.equal(p.sent[0].init.method, 'POST');
          assert.equal(p.sent[0].init.keepalive, true);
          assert.equal(p.sent[0].type, 'text/plain');
        });
      }

      test('a 503 to fetch is retried once, after 2 s, by fetch', async () => {
        const p = page(code, { beacon: 'refuse', fetch: 503 });
        await settle();
        assert.equal(p.timers.length, 1);
        assert.equal(p.timers[0].ms, 2000);
        p.timers[0].fn(...p.timers[0].args);
        await settle();
        assert.deepEqual(p.sent.map((s) => s.via), ['fetch', 'fetch']);
        assert.deepEqual(p.sent[1].event, p.sent[0].event);
        assert.equal(p.timers.length, 1, 'no second retry');
        assert.equal(p.pixels.length, 0);
      });

      test('other answers are not retried', async () => {
        const p = page(code, { beacon: false, fetch: 400 });
        await settle();
        assert.equal(p.timers.length, 0);
      });

      test('a failed fetch falls back to the pixel with every field', async () => {
        const p = page(code, {
          beacon: false, fetch: 'reject', title: 'Plans & prices', referrer: 'https://news.example.org/',
        });
        p.run("tally.track('Buy', {plan: 'pro plus', 'a b': 'c'}, 12)");
        await settle();
        assert.equal(p.pixels.length, 2);
        const px = p.pixels[1];
        assert.equal(px.origin + px.pathname, 'https://tally.example.com/a.gif');
        assert.deepEqual(Object.fromEntries(px.searchParams), {
          site: 'example.com', url: 'https://www.example.com/pricing?plan=pro', ref: 'https://news.example.org/',
          title: 'Plans & prices', w: '1280', n: 'Buy', value: '12', 'p.plan': 'pro plus', 'p.a b': 'c',
        });
        assert.match(px.search, /title=Plans%20%26%20prices&/, 'encodeURIComponent, not form encoding');
      });

      test('the pixel leaves out an empty referrer', async () => {
        const p = page(code, { beacon: false, fetch: false });
        await settle();
        assert.equal(p.pixels.length, 1);
        assert.equal(p.pixels[0].searchParams.has('ref'), false);
        assert.equal(p.pixels[0].searchParams.get('n'), 'pageview');
      });
    });

    describe('privacy', () => {
      test('localStorage.tally_ignore opts out, and says so on the console', () => {
        const p = page(code, { storage: { tally_ignore: 'true' } });
        p.run("tally.track('Signup')");
        assert.equal(p.sent.length, 0);
        assert.equal(p.pixels.length, 0);
        assert.match(p.warnings[0], /tally_ignore/);
      });

      test('a throwing localStorage does not stop tracking', () => {
        assert.equal(page(code, { storage: 'throws' }).sent.length, 1);
      });

      test('Do Not Track and Global Privacy Control count only with data-respect-dnt', () => {
        assert.equal(page(code, { navigator: { doNotTrack: '1' } }).sent.length, 1);
        const respect = { site: 'example.com', respectDnt: '' };
        assert.equal(page(code, { data: respect, navigator: { doNotTrack: '1' } }).sent.length, 0);
        assert.equal(page(code, { data: respect, navigator: { globalPrivacyControl: true } }).sent.length, 0);
        assert.equal(page(code, { data: respect, navigator: { doNotTrack: '0', globalPrivacyControl: false } }).sent.length, 1);
      });

      for (const href of ['http://localhost:3000/', 'http://127.0.0.1/', 'http://127.1.2.3:8080/x', 'http://[::1]/', 'file:///home/me/site/index.html']) {
        test('nothing is sent from ' + href + ' unless data-allow-localhost', () => {
          assert.equal(page(code, { href }).sent.length, 0);
          assert.equal(page(code, { href, data: { site: 'example.com', allowLocalhost: '' } }).sent.length, 1);
        });
      }

      test('look-alike public hosts are tracked', () => {
        assert.equal(page(code, { href: 'https://localhost.example.com/' }).sent.length, 1);
        assert.equal(page(code, { href: 'https://127.0.0.1.nip.io/' }).sent.length, 1);
      });
    });

    describe('never throws into the page', () => {
      test('without currentScript', () => {
        assert.doesNotThrow(() => page(code, { noScript: true, before: STUB }));
      });

      test('with odd arguments', () => {
        const p = page(code);
        assert.doesNotThrow(() => p.run("tally.track(); tally(null, 'x', {}); tally.track('x', 5, Infinity)"));
      });

      test('when everything fails', async () => {
        const p = page(code, { beacon: 'throw', fetch: false });
        p.ctx.Image = undefined;
        assert.doesNotThrow(() => p.run("tally.track('x')"));
        await settle();
      });
    });
  });
}
