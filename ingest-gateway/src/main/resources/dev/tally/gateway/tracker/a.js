/*
 * Tally tracker, served as /a.js by the ingest gateway.
 *
 *   <script defer data-site="example.com" src="https://tally.example.com/a.js"></script>
 *
 * Attributes of the tag:
 *   data-site             site id, sent as "d" (required)
 *   data-api              full URL of the events endpoint (default: this script's origin + API path)
 *   data-hash             hash routing: page views on hashchange, URLs sent with their #fragment
 *   data-respect-dnt      send nothing when Do Not Track or Global Privacy Control is on
 *   data-allow-localhost  also track on localhost, 127.x.x.x, [::1] and file: pages
 *
 * Custom events: tally.track(name, props, value), or tally(name, props, value); props is a flat
 * object (values sent as strings), value an optional number. Calls made before this script ran are
 * kept by the stub
 *   window.tally = window.tally || function(){(window.tally.q = window.tally.q || []).push(arguments)}
 * and replayed right after the first page view.
 *
 * Each event is POSTed as JSON in a text/plain body, a CORS-safelisted request (no preflight), with
 * Plausible's short keys: {n: name, u: url, d: site, r: referrer or null, w: innerWidth, t: title,
 * p: props, value: number}. Transport: sendBeacon, else fetch (one retry after 2 s on a 503), else
 * the GIF pixel. A visitor opts out with localStorage.tally_ignore = 'true'.
 *
 * The gateway serves this file through dev.tally.gateway.tracker.JsMinifier, which removes comments
 * and whitespace and renames nothing: hence the short local names below. Template literals are not
 * allowed (the minifier rejects them). __TALLY_API_PATH__ and __TALLY_PIXEL_PATH__ are replaced at
 * start-up with the gateway's configured paths. Served size budget: 1024 bytes gzipped.
 */
(function () {
  // Nothing in here may throw into the host page: every entry point catches.
  try {
    // q: the page's stub holding queued calls in q.q, or our own function when a second copy of the
    // tag runs (that copy must not wrap history again and double every page view). The stub has no
    // .track; ours does.
    var q = window.tally || 0;
    if (q.track) return;
    var d = document,
        l = location,
        n = navigator,
        // currentScript is set while a classic script (a deferred one too) first runs.
        s = d.currentScript,
        // The tag's data- attributes. A bare flag like data-hash reads as '', hence the "in" tests.
        a = s.dataset,
        o = new URL(s.src).origin,
        api = a.api || o + '__TALLY_API_PATH__',
        hash = 'hash' in a,
        c = encodeURIComponent,
        last, // URL of the last page view, so that one navigation never counts twice
        url = () => hash ? l.href : l.href.split('#')[0],

        // Why an event must not be sent, or undefined. Asked per event: the opt-out may come any time.
        skip = () => {
          try {
            // Storage throws where the browser blocks it (sandboxed frames, some privacy settings).
            if (localStorage.tally_ignore == 'true') return 'tally_ignore';
          } catch (x) {}
          if ('respectDnt' in a && (n.doNotTrack == '1' || n.globalPrivacyControl === true)) return 'dnt';
          if (!('allowLocalhost' in a) &&
              (/^(localhost|127(\.\d+){3}|\[::1])$/.test(l.hostname) || l.protocol == 'file:')) return 'localhost';
        },

        // Last resort, when there is no sendBeacon and fetch fails: the pixel,
        // GET ?site=&url=&ref=&title=&w=&n=&value=&p.<key>=, leaving out empty fields (no referrer).
        pixel = e => {
          var m = {d: 'site', u: 'url', r: 'ref', t: 'title'}, g = o + '__TALLY_PIXEL_PATH__?', k;
          for (k in e) if (k != 'p' && e[k] != null) g += (m[k] || k) + '=' + c(e[k]) + '&';
          for (k in e.p) g += 'p.' + c(k) + '=' + c(e.p[k]) + '&';
          new Image().src = g;
        },

        // POSTs event e; r is set on the one repeat after a 503, which goes to fetch directly.
        post = (e, r) => {
          try {
            // A text/plain Blob: sendBeacon sends its type as the Content-Type, and so does fetch.
            var b = new Blob([JSON.stringify(e)], {type: 'text/plain'});
            try {
              // A missing sendBeacon throws into the catch; false means the browser would not queue it.
              if (!r && n.sendBeacon(api, b)) return;
            } catch (x) {}
            fetch(api, {method: 'POST', body: b, keepalive: true}).then(
                // 503: the gateway could not store the event (Kafka down, draining): once more, later.
                // A rejection (network error, or a response without Access-Control-Allow-Origin)
                // falls back to the pixel.
                x => x.status == 503 && !r && setTimeout(post, 2000, e, 1),
                () => pixel(e));
          } catch (x) {
            pixel(e);
          }
        },

        // The public function, window.tally and window.tally.track: event name m, props p, value v.
        t = (m, p, v) => {
          try {
            var y = skip(), e, k;
            if (y) return console.warn('tally: ignored, ' + y);
            e = {n: m, u: url(), d: a.site, r: d.referrer || null, w: innerWidth, t: d.title};
            // Props: a flat map of strings; null and undefined values are dropped.
            for (k in p) if (p[k] != null) (e.p = e.p || {})[k] = '' + p[k];
            if (Number.isFinite(v)) e.value = v;
            post(e);
          } catch (x) {}
        },

        // A page view unless the URL is the one just counted: a hash navigation fires both popstate
        // and hashchange, and routers often push the URL they are already on.
        page = () => {
          var u = url();
          if (u != last) {
            last = u;
            t('pageview');
          }
        },
        push = history.pushState;

    t.track = t;
    window.tally = t;

    // Single-page apps: pushState is a navigation; replaceState only edits the current entry.
    history.pushState = function () {
      push.apply(this, arguments);
      page();
    };
    addEventListener('popstate', page);
    if (hash) addEventListener('hashchange', page);

    // The page view first, then the queued calls, so events land after the page they happened on.
    page();
    for (var call of q.q || []) t.apply(0, call);
  } catch (x) {}
})();
