// Tally dashboard. Everything that came from visitors (pages, titles, referrers, campaign names, event
// names) is put on the page with textContent or as chart data, never as markup.
'use strict';

(function () {
  const KEYS = 'tally.siteKeys';
  const TABLES = [
    { dimension: 'page', title: 'Pages', metrics: ['visitors', 'pageviews'] },
    { dimension: 'referrer_host', title: 'Referrers', metrics: ['visitors', 'pageviews'] },
    { dimension: 'channel', title: 'Channels', metrics: ['visitors', 'pageviews'] },
    { dimension: 'utm_source', title: 'UTM sources', metrics: ['visitors', 'pageviews'] },
    { dimension: 'utm_campaign', title: 'UTM campaigns', metrics: ['visitors', 'pageviews'] },
    { dimension: 'browser', title: 'Browsers', metrics: ['visitors', 'pageviews'] },
    { dimension: 'os', title: 'Operating systems', metrics: ['visitors', 'pageviews'] },
    { dimension: 'device', title: 'Devices', metrics: ['visitors', 'pageviews'] },
    { dimension: 'event_name', title: 'Custom events', metrics: ['visitors', 'events', 'value_sum'], sort: 'events' }
  ];
  const HEADINGS = { visitors: 'Visitors', pageviews: 'Views', events: 'Events', value_sum: 'Value sum' };
  const PAGE_SIZE = 10;
  const REFRESH_MS = 10000;

  const state = { site: null, period: '7d', from: null, to: null, pages: {} };
  let chart = null;
  let refreshTimer = null;
  let generation = 0;

  const $ = (id) => document.getElementById(id);
  const numberFormat = new Intl.NumberFormat(undefined, { maximumFractionDigits: 2 });

  function keys() {
    try { return JSON.parse(localStorage.getItem(KEYS) || '{}') || {}; } catch (e) { return {}; }
  }
  function saveKeys(all) { localStorage.setItem(KEYS, JSON.stringify(all)); }

  function readUrl() {
    const params = new URLSearchParams(location.search);
    state.site = params.get('site');
    // A link may carry the site's key in the fragment (never sent to the server): keep it, then drop it
    // from the address bar and the history so it is not shared along with the view.
    const fragment = new URLSearchParams(location.hash.slice(1));
    if (state.site && fragment.get('key')) {
      const all = keys();
      all[state.site] = fragment.get('key');
      saveKeys(all);
      history.replaceState(null, '', location.pathname + location.search);
    }
    state.period = params.get('period') || '7d';
    state.from = params.get('from');
    state.to = params.get('to');
  }

  function writeUrl() {
    const params = new URLSearchParams();
    if (state.site) params.set('site', state.site);
    params.set('period', state.period);
    if (state.period === 'custom') {
      params.set('from', state.from || '');
      params.set('to', state.to || '');
    }
    history.replaceState(null, '', '?' + params.toString());
  }

  function status(message) { $('status').textContent = message || ''; }

  function renderPicker() {
    const picker = $('site-picker');
    const all = keys();
    picker.replaceChildren();
    const ids = Object.keys(all).sort();
    if (state.site && !ids.includes(state.site)) ids.unshift(state.site);
    for (const id of ids) {
      const option = document.createElement('option');
      option.value = id;
      option.textContent = id;
      picker.appendChild(option);
    }
    const add = document.createElement('option');
    add.value = '';
    add.textContent = 'Add a site…';
    picker.appendChild(add);
    if (!state.site && ids.length) state.site = ids[0];
    picker.value = state.site || '';
    $('add-site').hidden = Boolean(state.site && all[state.site]);
    if (state.site) $('add-site-id').value = state.site;
  }

  function renderRanges() {
    for (const button of $('ranges').querySelectorAll('button')) {
      button.setAttribute('aria-pressed', String(button.dataset.period === state.period));
    }
    $('custom-range').hidden = state.period !== 'custom';
    if (state.period === 'custom') {
      $('custom-from').value = state.from || '';
      $('custom-to').value = state.to ? addDays(state.to, -1) : '';
    }
  }

  function addDays(isoDate, days) {
    const date = new Date(isoDate + 'T00:00:00Z');
    date.setUTCDate(date.getUTCDate() + days);
    return date.toISOString().slice(0, 10);
  }

  function rangeParams() {
    const params = new URLSearchParams({ site: state.site, period: state.period });
    if (state.period === 'custom') {
      params.set('from', state.from || '');
      params.set('to', state.to || '');
    }
    return params;
  }

  async function api(endpoint, extra) {
    const params = rangeParams();
    for (const [name, value] of Object.entries(extra || {})) params.set(name, value);
    const response = await fetch('/api/v1/' + endpoint + '?' + params.toString(), {
      headers: { Authorization: 'Bearer ' + (keys()[state.site] || '') }
    });
    let body = null;
    try { body = await response.json(); } catch (e) { body = null; }
    if (!response.ok) {
      const reason = body && body.error ? body.error : 'HTTP ' + response.status;
      const error = new Error(reason);
      error.status = response.status;
      throw error;
    }
    return body;
  }

  function setText(id, text) { $(id).textContent = text; }

  function change(id, current, previous) {
    const element = $(id);
    element.className = 'change';
    if (previous === null || previous === undefined) { element.textContent = ''; return; }
    if (previous === 0) {
      element.textContent = current === 0 ? 'no change' : 'new (previous period: 0)';
      return;
    }
    const percent = Math.round(((current - previous) / previous) * 100);
    element.textContent = (percent > 0 ? '+' : '') + percent + '% vs previous period (' + numberFormat.format(previous) + ')';
    element.classList.add(percent > 0 ? 'up' : percent < 0 ? 'down' : 'same');
  }

  function renderTotals(aggregate) {
    const now = aggregate.results;
    const before = aggregate.previous ? aggregate.previous.results : {};
    for (const metric of ['visitors', 'pageviews', 'events', 'value_sum']) {
      setText(metric + '-value', numberFormat.format(now[metric] || 0));
      change(metric + '-change', now[metric] || 0, state.period === 'realtime' ? null : before[metric]);
    }
  }

  function label(instant, interval, timeZone) {
    const options = { timeZone: timeZone };
    if (interval === 'day') { options.month = 'short'; options.day = 'numeric'; }
    else { options.hour = '2-digit'; options.minute = '2-digit'; if (interval === 'hour') { options.month = 'short'; options.day = 'numeric'; } }
    return new Intl.DateTimeFormat(undefined, options).format(new Date(instant));
  }

  function renderChart(series, previous) {
    const labels = series.results.map((point) => label(point.start, series.interval, series.time_zone));
    const datasets = [
      { label: 'Visitors', data: series.results.map((p) => p.visitors), borderColor: '#3559e0', backgroundColor: 'rgba(53,89,224,.12)', fill: true, tension: 0.25 },
      { label: 'Page views', data: series.results.map((p) => p.pageviews), borderColor: '#12b76a', tension: 0.25 }
    ];
    if (previous) {
      datasets.push({ label: 'Visitors, previous period', data: previous.results.map((p) => p.visitors), borderColor: '#98a2b3', borderDash: [5, 4], tension: 0.25, pointRadius: 0 });
    }
    if (typeof Chart === 'undefined') return;
    if (chart) {
      chart.data.labels = labels;
      chart.data.datasets = datasets;
      chart.update('none');
      return;
    }
    chart = new Chart($('chart'), {
      type: 'line',
      data: { labels: labels, datasets: datasets },
      options: { animation: false, responsive: true, interaction: { mode: 'index', intersect: false }, scales: { y: { beginAtZero: true, ticks: { precision: 0 } } } }
    });
  }

  function tablePanel(spec) {
    let panel = $('table-' + spec.dimension);
    if (panel) return panel;
    panel = document.createElement('section');
    panel.className = 'panel';
    panel.id = 'table-' + spec.dimension;
    const heading = document.createElement('h2');
    heading.textContent = spec.title;
    const table = document.createElement('table');
    table.id = 'breakdown-' + spec.dimension;
    const head = document.createElement('thead');
    const headRow = document.createElement('tr');
    const first = document.createElement('th');
    first.textContent = spec.title.replace(/s$/, '');
    headRow.appendChild(first);
    for (const metric of spec.metrics) {
      const th = document.createElement('th');
      th.className = 'num';
      th.textContent = HEADINGS[metric];
      headRow.appendChild(th);
    }
    head.appendChild(headRow);
    table.appendChild(head);
    table.appendChild(document.createElement('tbody'));
    const pager = document.createElement('div');
    pager.className = 'pager';
    const info = document.createElement('span');
    const previous = document.createElement('button');
    previous.type = 'button';
    previous.textContent = '‹ Previous';
    previous.addEventListener('click', () => { state.pages[spec.dimension] = Math.max(1, (state.pages[spec.dimension] || 1) - 1); loadTable(spec, generation); });
    const next = document.createElement('button');
    next.type = 'button';
    next.textContent = 'Next ›';
    next.addEventListener('click', () => { state.pages[spec.dimension] = (state.pages[spec.dimension] || 1) + 1; loadTable(spec, generation); });
    pager.append(info, previous, next);
    panel.append(heading, table, pager);
    $('tables').appendChild(panel);
    return panel;
  }

  async function loadTable(spec, myGeneration) {
    const panel = tablePanel(spec);
    const page = state.pages[spec.dimension] || 1;
    const body = await api('breakdown', { dimension: spec.dimension, limit: PAGE_SIZE, page: page, sort: spec.sort || 'visitors' });
    if (myGeneration !== generation) return 0;
    const tbody = panel.querySelector('tbody');
    tbody.replaceChildren();
    for (const entry of body.results) {
      const row = document.createElement('tr');
      const name = document.createElement('td');
      name.className = 'label';
      name.textContent = entry.value === '' ? '(none)' : entry.value;
      name.title = entry.value;
      row.appendChild(name);
      for (const metric of spec.metrics) {
        const cell = document.createElement('td');
        cell.className = 'num';
        cell.dataset.metric = metric;
        cell.textContent = numberFormat.format(entry[metric] || 0);
        row.appendChild(cell);
      }
      tbody.appendChild(row);
    }
    if (!body.results.length) {
      const row = document.createElement('tr');
      const cell = document.createElement('td');
      cell.colSpan = spec.metrics.length + 1;
      cell.className = 'note';
      cell.textContent = 'Nothing in this period';
      row.appendChild(cell);
      tbody.appendChild(row);
    }
    const pages = Math.max(1, Math.ceil(body.total_values / PAGE_SIZE));
    const [info, previous, next] = panel.querySelector('.pager').children;
    info.textContent = 'page ' + page + ' of ' + pages + ' · ' + body.total_values + ' values';
    previous.disabled = page <= 1;
    next.disabled = page >= pages;
    return body.rows_read;
  }

  async function load() {
    const myGeneration = ++generation;
    clearTimeout(refreshTimer);
    renderPicker();
    renderRanges();
    writeUrl();
    if (!state.site || !keys()[state.site]) {
      $('report').hidden = true;
      status(state.site ? 'Enter the key of ' + state.site + ' to see its numbers.' : 'Add a site to start.');
      return;
    }
    $('report').hidden = false;
    try {
      const compare = state.period === 'realtime' ? {} : { compare: 'previous' };
      const [aggregate, series] = await Promise.all([api('aggregate', compare), api('timeseries', { metrics: 'visitors,pageviews' })]);
      let previousSeries = null;
      if (aggregate.previous) {
        const params = { period: 'custom', from: aggregate.previous.from, to: aggregate.previous.to, interval: series.interval, metrics: 'visitors,pageviews' };
        previousSeries = await api('timeseries', params).catch(() => null);
      }
      if (myGeneration !== generation) return;
      status('');
      renderTotals(aggregate);
      renderChart(series, previousSeries);
      const realtimeNote = $('realtime-note');
      realtimeNote.hidden = state.period !== 'realtime';
      realtimeNote.textContent = state.period === 'realtime' ? 'Last 5 minutes, refreshed every ' + REFRESH_MS / 1000 + ' s.' : '';
      const tableRows = await Promise.all(TABLES.map((spec) => loadTable(spec, myGeneration)));
      if (myGeneration !== generation) return;
      const rows = aggregate.rows_read + series.rows_read + (previousSeries ? previousSeries.rows_read : 0) + tableRows.reduce((a, b) => a + b, 0);
      setText('rows-read', 'Answered from ' + numberFormat.format(rows) + ' stored rows (' + series.time_zone + ').');
      document.body.dataset.loaded = String(myGeneration);
    } catch (error) {
      if (myGeneration !== generation) return;
      status(error.status === 401 ? 'The key for ' + state.site + ' was refused. Add the site again with its current key.'
        : error.status === 404 ? 'There is no site ' + state.site + ' on this server.' : 'Could not load: ' + error.message);
      if (error.status === 401) $('add-site').hidden = false;
    }
    if (state.period === 'realtime' && myGeneration === generation) {
      refreshTimer = setTimeout(load, REFRESH_MS);
    }
  }

  function wire() {
    $('site-picker').addEventListener('change', (event) => {
      if (!event.target.value) { $('add-site').hidden = false; $('add-site-id').value = ''; $('add-site-id').focus(); return; }
      state.site = event.target.value;
      state.pages = {};
      load();
    });
    $('ranges').addEventListener('click', (event) => {
      const period = event.target.dataset && event.target.dataset.period;
      if (!period) return;
      state.period = period;
      state.pages = {};
      if (period === 'custom') {
        if (!state.from) {
          const today = new Date().toISOString().slice(0, 10);
          state.from = addDays(today, -13);
          state.to = addDays(today, 1);
        }
      }
      load();
    });
    $('custom-range').addEventListener('submit', (event) => {
      event.preventDefault();
      state.from = $('custom-from').value;
      state.to = addDays($('custom-to').value, 1);
      state.pages = {};
      load();
    });
    $('add-site-form').addEventListener('submit', (event) => {
      event.preventDefault();
      const id = $('add-site-id').value.trim();
      const key = $('add-site-key').value.trim();
      if (!id || !key) return;
      const all = keys();
      all[id] = key;
      saveKeys(all);
      $('add-site-key').value = '';
      state.site = id;
      load();
    });
    $('forget-site').addEventListener('click', () => {
      const all = keys();
      delete all[state.site];
      saveKeys(all);
      state.site = Object.keys(all).sort()[0] || null;
      load();
    });
  }

  document.addEventListener('DOMContentLoaded', () => {
    readUrl();
    wire();
    load();
  });
  // A key link opened on the view already showing changes only the fragment: no page load, so take it here.
  window.addEventListener('hashchange', () => {
    readUrl();
    load();
  });
})();
