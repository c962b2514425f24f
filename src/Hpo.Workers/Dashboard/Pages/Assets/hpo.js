// Hpo dashboard: fills the server-rendered shells from the JSON API and keeps them live by polling.
// No dependencies and nothing remote: charts are inline SVG built here. Every value from the API is
// placed with textContent or setAttribute, never parsed as HTML.
(() => {
  'use strict';

  const SVG_NS = 'http://www.w3.org/2000/svg';
  const body = document.body;
  const pollMs = Math.max(1000, Number(body.dataset.pollMs) || 5000);
  const STATUSES = ['completed', 'stopped', 'paused', 'running', 'pending', 'failed'];

  // ---------- DOM helpers ----------

  function setAttrs(el, attrs) {
    for (const [key, value] of Object.entries(attrs || {})) {
      if (value === null || value === undefined || value === false) continue;
      if (key === 'text') el.textContent = String(value);
      else el.setAttribute(key, value === true ? '' : String(value));
    }
  }

  function appendAll(el, children) {
    for (const child of children.flat()) {
      if (child === null || child === undefined || child === false) continue;
      el.append(child instanceof Node ? child : document.createTextNode(String(child)));
    }
  }

  function h(tag, attrs, ...children) {
    const el = document.createElement(tag);
    setAttrs(el, attrs);
    appendAll(el, children);
    return el;
  }

  function svg(tag, attrs, ...children) {
    const el = document.createElementNS(SVG_NS, tag);
    setAttrs(el, attrs);
    appendAll(el, children);
    return el;
  }

  function replaceContent(container, ...children) {
    container.replaceChildren();
    appendAll(container, children);
  }

  let idCounter = 0;
  function uniqueId(prefix) {
    idCounter += 1;
    return `${prefix}-${idCounter}`;
  }

  // ---------- formatting ----------

  function fmtValue(v) {
    if (v === null || v === undefined || !Number.isFinite(v)) return '—';
    const a = Math.abs(v);
    if (a !== 0 && (a < 1e-3 || a >= 1e6)) return v.toExponential(3).replace(/\.?0+e/, 'e');
    return String(Number(v.toPrecision(4)));
  }

  function fmtInt(n) {
    return n === null || n === undefined ? '—' : Number(n).toLocaleString('en');
  }

  function fmtProbability(p) {
    if (p === null || p === undefined || !Number.isFinite(p)) return '—';
    if (p > 0 && p < 0.001) return '< 0.1%';
    return `${(p * 100).toFixed(1)}%`;
  }

  function fmtTime(t) {
    return t ? new Date(t).toLocaleString() : '—';
  }

  function fmtParameters(parameters) {
    if (parameters === null || parameters === undefined) return '—';
    if (typeof parameters !== 'object' || Array.isArray(parameters)) return JSON.stringify(parameters);
    const parts = Object.entries(parameters).map(([k, v]) => {
      const shown = typeof v === 'number' ? fmtValue(v) : typeof v === 'object' ? JSON.stringify(v) : String(v);
      return `${k}=${shown}`;
    });
    return parts.length ? parts.join(', ') : '—';
  }

  function statusBadge(status, id) {
    return h('span', { class: `badge status-${status}`, id, text: status });
  }

  function updateBadge(id, status) {
    const el = document.getElementById(id);
    if (el && el.textContent !== status) {
      el.className = `badge status-${status}`;
      el.textContent = status;
    }
  }

  // ---------- API ----------

  async function getJson(path, params) {
    const url = new URL(path, window.location.origin);
    for (const [key, value] of Object.entries(params || {})) {
      if (value !== null && value !== undefined && value !== '') url.searchParams.set(key, String(value));
    }
    const response = await fetch(url, { headers: { Accept: 'application/json' }, credentials: 'same-origin', cache: 'no-store' });
    if (!response.ok) {
      let message = `${response.status} ${response.statusText}`;
      try {
        const problem = await response.json();
        if (problem && problem.message) message = problem.message;
      } catch {
        // Not JSON: keep the status line.
      }
      const error = new Error(message);
      error.status = response.status;
      throw error;
    }
    return response.json();
  }

  // ---------- live refresh ----------

  function startPolling(refresh) {
    const status = document.getElementById('live-status');
    const error = document.getElementById('live-error');
    let timer = 0;
    let busy = false;

    async function tick() {
      if (busy) return;
      busy = true;
      try {
        await refresh();
        status.textContent = `Live · updated ${new Date().toLocaleTimeString()}`;
        if (error.textContent) error.textContent = '';
        body.classList.remove('stale');
      } catch (e) {
        error.textContent = `Could not refresh (${e.message}); retrying.`;
        body.classList.add('stale');
      } finally {
        busy = false;
        body.dataset.loaded = 'true';
        schedule();
      }
    }

    function schedule() {
      window.clearTimeout(timer);
      // A hidden tab polls nothing; it refreshes as soon as it is shown again.
      timer = window.setTimeout(() => (document.hidden ? schedule() : tick()), pollMs);
    }

    document.addEventListener('visibilitychange', () => {
      if (!document.hidden) {
        window.clearTimeout(timer);
        tick();
      }
    });
    tick();
  }

  // Re-renders only when the data changed, so a poll does not reset focus, selection or scroll.
  function renderIfChanged(container, data, render) {
    const key = JSON.stringify(data);
    if (container.dataset.renderedKey === key) return;
    container.dataset.renderedKey = key;
    render();
  }

  // ---------- tables ----------

  function table(caption, columns, rows, rowAttrs) {
    const thead = h('thead', null, h('tr', null, columns.map((c) => h('th', { scope: 'col', class: c.numeric ? 'num' : null, text: c.title }))));
    const tbody = h('tbody', null, rows.map((row, i) => h('tr', rowAttrs ? rowAttrs(row, i) : null,
      columns.map((c, j) => {
        const content = c.cell(row);
        const attrs = { class: c.numeric ? 'num' : c.className || null };
        return j === 0 ? h('th', { ...attrs, scope: 'row' }, content) : h('td', attrs, content);
      }))));
    return h('div', { class: 'table-scroll' }, h('table', null, h('caption', { class: 'visually-hidden', text: caption }), thead, tbody));
  }

  function pager(state, result, noun, onChange) {
    if (result.totalPages <= 1) {
      return h('p', { class: 'pager-info muted', text: `${fmtInt(result.totalCount)} ${noun}` });
    }
    const prev = h('button', { type: 'button', disabled: result.page <= 1, text: '← Previous' });
    const next = h('button', { type: 'button', disabled: result.page >= result.totalPages, text: 'Next →' });
    prev.addEventListener('click', () => { state.page = Math.max(1, result.page - 1); onChange(); });
    next.addEventListener('click', () => { state.page = Math.min(result.totalPages, result.page + 1); onChange(); });
    return h('nav', { class: 'pager', 'aria-label': `${noun} pages` },
      prev,
      h('span', { class: 'pager-info', text: `Page ${result.page} of ${result.totalPages} · ${fmtInt(result.totalCount)} ${noun}` }),
      next);
  }

  // ---------- charts ----------

  // A loop, not Math.min over a spread: spreading 100k curve values would overflow the call stack.
  function extent(values) {
    let min = Infinity;
    let max = -Infinity;
    for (const v of values) {
      if (v < min) min = v;
      if (v > max) max = v;
    }
    return [min, max];
  }

  function niceTicks(min, max, count) {
    const span = max - min;
    if (!(span > 0)) return [min];
    const rough = span / count;
    const magnitude = Math.pow(10, Math.floor(Math.log10(rough)));
    const normalized = rough / magnitude;
    const step = (normalized < 1.5 ? 1 : normalized < 3 ? 2 : normalized < 7 ? 5 : 10) * magnitude;
    const ticks = [];
    for (let v = Math.ceil(min / step - 1e-9) * step; v <= max + step * 1e-9; v += step) {
      ticks.push(Number(v.toPrecision(12)));
    }
    return ticks;
  }

  function chartFrame({ title, description, xDomain, yDomain, xLabel, yLabel, integerX }) {
    const width = 760;
    const height = 340;
    const margin = { top: 14, right: 22, bottom: 48, left: 70 };
    let [x0, x1] = xDomain;
    if (!(x1 > x0)) x1 = x0 + 1;
    let [y0, y1] = yDomain;
    if (!(y1 > y0)) {
      const d = Math.abs(y0) * 0.1 || 0.5;
      y0 -= d;
      y1 += d;
    } else {
      const pad = (y1 - y0) * 0.06;
      y0 -= pad;
      y1 += pad;
    }
    const innerW = width - margin.left - margin.right;
    const innerH = height - margin.top - margin.bottom;
    const x = (v) => margin.left + ((v - x0) / (x1 - x0)) * innerW;
    const y = (v) => margin.top + (1 - (v - y0) / (y1 - y0)) * innerH;

    const titleId = uniqueId('chart-title');
    const descId = uniqueId('chart-desc');
    const root = svg('svg', {
      viewBox: `0 0 ${width} ${height}`,
      class: 'chart',
      role: 'img',
      'aria-labelledby': titleId,
      'aria-describedby': descId,
      preserveAspectRatio: 'xMidYMid meet',
    });
    root.append(svg('title', { id: titleId, text: title }), svg('desc', { id: descId, text: description }));

    const grid = svg('g', { class: 'grid', 'aria-hidden': 'true' });
    const axes = svg('g', { class: 'axes', 'aria-hidden': 'true' });
    for (const t of niceTicks(y0, y1, 5)) {
      const py = y(t).toFixed(1);
      grid.append(svg('line', { x1: margin.left, x2: width - margin.right, y1: py, y2: py }));
      axes.append(svg('text', { x: margin.left - 8, y: py, 'text-anchor': 'end', 'dominant-baseline': 'middle', text: fmtValue(t) }));
    }
    let xTicks = niceTicks(x0, x1, 8);
    if (integerX) xTicks = xTicks.filter((t) => Number.isInteger(t));
    for (const t of xTicks) {
      const px = x(t).toFixed(1);
      grid.append(svg('line', { x1: px, x2: px, y1: margin.top, y2: height - margin.bottom }));
      axes.append(svg('text', { x: px, y: height - margin.bottom + 18, 'text-anchor': 'middle', text: fmtInt(t) }));
    }
    axes.append(
      svg('line', { class: 'axis-line', x1: margin.left, x2: width - margin.right, y1: height - margin.bottom, y2: height - margin.bottom }),
      svg('line', { class: 'axis-line', x1: margin.left, x2: margin.left, y1: margin.top, y2: height - margin.bottom }),
      svg('text', { class: 'axis-label', x: margin.left + innerW / 2, y: height - 8, 'text-anchor': 'middle', text: xLabel }),
      svg('text', {
        class: 'axis-label', x: 16, y: margin.top + innerH / 2, 'text-anchor': 'middle',
        transform: `rotate(-90 16 ${margin.top + innerH / 2})`, text: yLabel,
      }));
    const plot = svg('g', { class: 'plot' });
    root.append(grid, axes, plot);
    return { root, plot, x, y, top: margin.top, bottom: height - margin.bottom };
  }

  function pathData(points, x, y) {
    return points.map((p, i) => `${i ? 'L' : 'M'}${x(p.epoch).toFixed(1)} ${y(p.value).toFixed(1)}`).join(' ');
  }

  // The LC-PFN fan of one trial: 90% and 50% bands and the median, from its last observed point to the final epoch.
  function fanLayer(fan, x, y) {
    const f = fan.forecast;
    const n = f.epochs.length;
    const epochs = [fan.last.epoch, ...f.epochs];
    const at = (values) => [fan.last.value, ...values];
    const band = (lower, upper, cls) => {
      const lo = at(lower);
      const hi = at(upper);
      const pts = [];
      for (let i = 0; i < epochs.length; i += 1) pts.push(`${x(epochs[i]).toFixed(1)},${y(hi[i]).toFixed(1)}`);
      for (let i = epochs.length - 1; i >= 0; i -= 1) pts.push(`${x(epochs[i]).toFixed(1)},${y(lo[i]).toFixed(1)}`);
      return svg('polygon', { class: `fan-band ${cls}`, 'data-trial-id': fan.trialId, points: pts.join(' ') });
    };
    const median = at(f.q50);
    const label = `Trial #${fan.number}: LC-PFN forecast for epochs ${f.epochs[0]} to ${f.epochs[n - 1]} given ${f.observedEpochs} observed: ` +
      `median at epoch ${f.epochs[n - 1]} ${fmtValue(f.q50[n - 1])}, 50% band ${fmtValue(f.q25[n - 1])} to ${fmtValue(f.q75[n - 1])}, ` +
      `90% band ${fmtValue(f.q05[n - 1])} to ${fmtValue(f.q95[n - 1])}` +
      (f.pBeatBest !== null ? `; P(beating the best ${fmtValue(f.bestValue)}) ${fmtProbability(f.pBeatBest)}` : '');
    return svg('g', { class: 'fan', 'data-trial-id': fan.trialId, 'data-epochs': n, 'data-model': f.model },
      svg('title', { text: label }),
      band(f.q05, f.q95, 'fan-90'),
      band(f.q25, f.q75, 'fan-50'),
      svg('path', {
        class: 'fan-median',
        'data-trial-id': fan.trialId,
        d: epochs.map((e, i) => `${i ? 'L' : 'M'}${x(e).toFixed(1)} ${y(median[i]).toFixed(1)}`).join(' '),
      }));
  }

  // fan: null, or { trialId, number, last: {epoch, value}, forecast } (GET /api/trials/{id}/forecast).
  function curvesChart(curves, experiment, bestTrialId, fan, scope) {
    const values = [];
    for (const c of curves) {
      for (const p of c.points) values.push(p.value);
    }
    if (fan) values.push(...fan.forecast.q05, ...fan.forecast.q95);
    if (experiment.metricLowerBound !== null && experiment.metricLowerBound !== undefined) values.push(experiment.metricLowerBound);
    if (experiment.metricUpperBound !== null && experiment.metricUpperBound !== undefined) values.push(experiment.metricUpperBound);
    const observed = curves.filter((c) => c.points.length > 0);
    if (observed.length === 0) {
      return h('p', { class: 'empty muted', text: 'No epoch has been recorded yet.' });
    }

    const maxEpochs = experiment.maxEpochs;
    const frame = chartFrame({
      title: `Learning curves of ${observed.length} trial${observed.length === 1 ? '' : 's'}${scope ? ` (${scope})` : ''}`,
      description: `${experiment.metricName} per epoch for each trial, epochs 1 to ${maxEpochs}` +
        (fan ? `; the LC-PFN forecast of trial #${fan.number} to epoch ${maxEpochs}.` : '.'),
      xDomain: [maxEpochs > 1 ? 1 : 0, maxEpochs],
      yDomain: extent(values),
      xLabel: 'epoch',
      yLabel: experiment.metricName,
      integerX: true,
    });
    const { plot, x, y } = frame;
    // Hundreds of overlapping lines would fill the plot solid: the more there are, the fainter each.
    // (Custom properties set through CSSOM, which the page's Content-Security-Policy allows.)
    frame.root.style.setProperty('--curve-opacity', String(Math.max(0.3, Math.min(0.8, 40 / observed.length))));
    const markEnds = observed.length <= 60;

    // The fan beneath the curves, so every observed line stays visible.
    if (fan) plot.append(fanLayer(fan, x, y));

    const lines = svg('g', { class: 'curves' });
    // Pause and resume marks above every line and end point.
    const marks = svg('g', { class: 'pause-marks' });
    // The best trial and the one whose forecast is shown are drawn last, on top of the others.
    const rank = (c) => (c.trialId === bestTrialId ? 1 : 0) + (fan && c.trialId === fan.trialId ? 2 : 0);
    const ordered = [...observed].sort((a, b) => rank(a) - rank(b));
    for (const c of ordered) {
      const last = c.points[c.points.length - 1];
      const label = `Trial #${c.number} (${c.status}): ${c.points.length} epoch${c.points.length === 1 ? '' : 's'}, last ${fmtValue(last.value)}`;
      const classes = `curve status-${c.status}${c.trialId === bestTrialId ? ' best' : ''}${fan && c.trialId === fan.trialId ? ' selected' : ''}`;
      lines.append(svg('path', {
        class: classes,
        'data-trial-id': c.trialId,
        'data-trial-number': c.number,
        'data-status': c.status,
        d: pathData(c.points, x, y),
      }, svg('title', { text: label })));
      // Where a pausing policy froze the trial, and where it resumed (the epoch after a pause, once recorded).
      for (const epoch of c.pauses || []) {
        const at = c.points.find((p) => p.epoch === epoch);
        if (at) {
          marks.append(svg('rect', {
            class: 'mark-pause', 'data-trial-id': c.trialId, 'data-epoch': epoch,
            x: (x(at.epoch) - 4).toFixed(1), y: (y(at.value) - 4).toFixed(1), width: 8, height: 8,
          }, svg('title', { text: `Trial #${c.number} paused after epoch ${epoch}` })));
        }
        const next = c.points.find((p) => p.epoch === epoch + 1);
        if (next) {
          const px = x(next.epoch);
          const py = y(next.value);
          marks.append(svg('path', {
            class: 'mark-resume', 'data-trial-id': c.trialId, 'data-epoch': epoch + 1,
            d: `M${(px - 4).toFixed(1)} ${(py - 5).toFixed(1)} L${(px + 5).toFixed(1)} ${py.toFixed(1)} L${(px - 4).toFixed(1)} ${(py + 5).toFixed(1)} Z`,
          }, svg('title', { text: `Trial #${c.number} resumed at epoch ${epoch + 1}` })));
        }
      }
      if (markEnds || c.trialId === bestTrialId || c.status === 'running') {
        lines.append(svg('circle', {
          class: `curve-end status-${c.status}`,
          'data-trial-id': c.trialId,
          cx: x(last.epoch).toFixed(1),
          cy: y(last.value).toFixed(1),
          r: c.trialId === bestTrialId ? 4 : 2.5,
        }, svg('title', { text: label })));
      }
    }
    plot.append(lines, marks);
    return frame.root;
  }

  function bestSoFarChart(summary, metricName) {
    const points = summary.bestSoFar;
    if (!points.length) return h('p', { class: 'empty muted', text: 'No epoch has been recorded yet.' });
    const last = points[points.length - 1];
    const withoutStopping = summary.epochsSpent + summary.epochsSaved;
    const frame = chartFrame({
      title: 'Best value so far over epochs spent, with where trials were stopped, completed, paused or resumed',
      description: `The best ${metricName} reached after each number of epochs trained over all trials; now ${fmtValue(last.value)} after ` +
        `${fmtInt(last.epochsSpent)} epochs. Early stopping saved ${fmtInt(summary.epochsSaved)} of ${fmtInt(withoutStopping)} epochs ` +
        `(${summary.epochsSavedPercent.toFixed(1)}%), shaded after the epochs spent.`,
      xDomain: [0, Math.max(1, last.epochsSpent, withoutStopping)],
      yDomain: extent(points.map((p) => p.value)),
      xLabel: 'epochs spent (all trials)',
      yLabel: `best ${metricName}`,
      integerX: true,
    });
    const { plot, x, y, top, bottom } = frame;
    if (summary.epochsSaved > 0) {
      // What the stopped trials would still have trained: the span from the epochs spent to the epochs without stopping.
      plot.append(svg('rect', {
        class: 'saved-span',
        x: x(summary.epochsSpent).toFixed(1),
        y: top,
        width: Math.max(0, x(withoutStopping) - x(summary.epochsSpent)).toFixed(1),
        height: bottom - top,
      }, svg('title', { text: `${fmtInt(summary.epochsSaved)} epochs (${summary.epochsSavedPercent.toFixed(1)}%) not trained thanks to early stopping` })));
    }
    // One path per kind of end, a tick each at the bottom of the plot: thousands of trials stay one element.
    const endNames = { complete: 'completed', stop: 'stopped early', pause: 'paused', resume: 'resumed' };
    for (const action of ['complete', 'stop', 'pause', 'resume']) {
      const ends = (summary.trialEnds || []).filter((e) => e.action === action);
      if (!ends.length) continue;
      const count = ends.reduce((n, e) => n + e.count, 0);
      // A tick per trial; in large experiments a tick per span of the axis, taller the more trials ended there.
      const d = ends.map((e) => `M${x(e.epochsSpent).toFixed(1)} ${bottom} v-${(10 + 3 * Math.log2(e.count)).toFixed(1)}`).join(' ');
      plot.append(svg('path', { class: `trial-ends ends-${action}`, 'data-count': count, d },
        svg('title', { text: `${fmtInt(count)} trial${count === 1 ? '' : 's'} ${endNames[action]}` })));
    }
    let d = `M${x(points[0].epochsSpent).toFixed(1)} ${y(points[0].value).toFixed(1)}`;
    for (let i = 1; i < points.length; i += 1) {
      d += ` H${x(points[i].epochsSpent).toFixed(1)} V${y(points[i].value).toFixed(1)}`;
    }
    plot.append(svg('path', { class: 'best-line', d }));
    const improvements = points.filter((p, i) => i === 0 || p.value !== points[i - 1].value);
    // Past a few dozen improvements the markers only blur the step line.
    for (const p of improvements.length <= 60 ? improvements : []) {
      plot.append(svg('circle', { class: 'best-point', cx: x(p.epochsSpent).toFixed(1), cy: y(p.value).toFixed(1), r: 3.5 },
        svg('title', { text: `${fmtValue(p.value)} by trial #${p.trialNumber} after ${fmtInt(p.epochsSpent)} epochs` })));
    }
    return frame.root;
  }

  function bestLegend(container, summary) {
    const ends = summary.trialEnds || [];
    const items = [h('li', null, h('span', { class: 'swatch line best', 'aria-hidden': 'true' }), 'best so far')];
    if (ends.some((e) => e.action === 'stop')) items.push(h('li', null, h('span', { class: 'swatch tick ends-stop', 'aria-hidden': 'true' }), 'trial stopped early'));
    if (ends.some((e) => e.action === 'complete')) items.push(h('li', null, h('span', { class: 'swatch tick ends-complete', 'aria-hidden': 'true' }), 'trial completed'));
    if (ends.some((e) => e.action === 'pause')) items.push(h('li', null, h('span', { class: 'swatch tick ends-pause', 'aria-hidden': 'true' }), 'trial paused'));
    if (ends.some((e) => e.action === 'resume')) items.push(h('li', null, h('span', { class: 'swatch tick ends-resume', 'aria-hidden': 'true' }), 'trial resumed'));
    if (summary.epochsSaved > 0) items.push(h('li', null, h('span', { class: 'swatch band saved', 'aria-hidden': 'true' }), `epochs saved: ${fmtInt(summary.epochsSaved)} (${summary.epochsSavedPercent.toFixed(1)}%)`));
    replaceContent(container, items);
  }

  function legend(container, statuses, withForecast, withBest, withPauses) {
    const items = statuses.map((s) => h('li', null, h('span', { class: `swatch line status-${s}`, 'aria-hidden': 'true' }), `${s} trial`));
    if (withPauses) {
      items.push(h('li', null, h('span', { class: 'swatch mark-pause', 'aria-hidden': 'true' }), 'paused after'));
      items.push(h('li', null, h('span', { class: 'swatch mark-resume', 'aria-hidden': 'true' }), 'resumed at'));
    }
    if (withBest) items.push(h('li', null, h('span', { class: 'swatch line best', 'aria-hidden': 'true' }), 'best trial'));
    if (withForecast) {
      items.push(h('li', null, h('span', { class: 'swatch dashed', 'aria-hidden': 'true' }), 'LC-PFN median'));
      items.push(h('li', null, h('span', { class: 'swatch band fan-50', 'aria-hidden': 'true' }), 'LC-PFN 50% band'));
      items.push(h('li', null, h('span', { class: 'swatch band fan-90', 'aria-hidden': 'true' }), 'LC-PFN 90% band'));
    }
    replaceContent(container, items);
  }

  // The forecast model, asked once per page: without one the pages draw curves only and never ask for forecasts.
  let modelInfo = null;
  async function forecastModel() {
    if (!modelInfo) modelInfo = await getJson('/api/model');
    return modelInfo;
  }

  // Forecasts by trial, refetched only when the trial has recorded a new epoch since.
  const forecasts = new Map();
  async function forecastFor(trialId, lastEpoch) {
    const key = `${trialId}@${lastEpoch}`;
    // 409: another LC-PFN model decided this trial; the page shows its curve without a fan rather than failing.
    if (!forecasts.has(key)) {
      forecasts.set(key, getJson(`/api/trials/${trialId}/forecast`).catch((e) => {
        if (e.status === 409) return { epochs: [], mismatch: e.message };
        forecasts.delete(key);
        throw e;
      }));
    }
    return forecasts.get(key);
  }

  // ---------- pages ----------

  function experimentsPage() {
    const container = document.getElementById('experiments');
    const state = { page: 1 };
    const refresh = async () => {
      const result = await getJson('/api/experiments', { page: state.page, pageSize: 20 });
      renderIfChanged(container, result, () => {
        if (result.totalCount === 0) {
          replaceContent(container, h('p', { class: 'empty' }, 'No experiments yet. Create one with ', h('code', { text: 'hpo run' }), '.'));
          return;
        }
        replaceContent(container,
          table('Experiments', [
            { title: 'Name', cell: (e) => h('a', { href: `/experiments/${e.id}`, text: e.name }) },
            { title: 'Status', cell: (e) => statusBadge(e.status) },
            { title: 'Metric', cell: (e) => `${e.metricName} (${e.direction === 'maximize' ? '↑ max' : '↓ min'})` },
            { title: 'Best', numeric: true, cell: (e) => fmtValue(e.bestValue) },
            { title: 'Max epochs', numeric: true, cell: (e) => fmtInt(e.maxEpochs) },
            { title: 'Created', cell: (e) => fmtTime(e.createdAt) },
            { title: 'Updated', cell: (e) => fmtTime(e.updatedAt) },
          ], result.items, (e) => ({ 'data-experiment-id': e.id })),
          pager(state, result, 'experiments', refresh));
      });
    };
    startPolling(refresh);
  }

  function summaryCards(container, summary, experiment) {
    const t = summary.trials;
    const parts = STATUSES.filter((s) => t[s] > 0).map((s) => `${t[s]} ${s}`);
    const best = summary.bestTrialId
      ? h('a', { href: `/trials/${summary.bestTrialId}`, text: `trial #${summary.bestTrialNumber}` })
      : null;
    const card = (label, value, note, id) => h('div', { class: 'card', id },
      h('p', { class: 'card-label', text: label }),
      h('p', { class: 'card-value', text: value }),
      note ? h('p', { class: 'card-note' }, note) : null);
    replaceContent(container,
      card(`Best ${experiment.metricName}`, fmtValue(summary.bestValue), best ? ['by ', best] : 'no value yet', 'card-best'),
      card('Trials', fmtInt(t.total), parts.join(' · ') || 'none yet', 'card-trials'),
      card('Epochs spent', fmtInt(summary.epochsSpent), `trained over ${fmtInt(t.total)} trial${t.total === 1 ? '' : 's'}`, 'card-spent'),
      card('Epochs saved by early stopping', `${fmtInt(summary.epochsSaved)} (${summary.epochsSavedPercent.toFixed(1)}%)`,
        `not trained by ${fmtInt(t.stopped)} stopped trial${t.stopped === 1 ? '' : 's'}, of ${fmtInt(summary.epochsSpent + summary.epochsSaved)} without early stopping`, 'card-saved'));
  }

  function forecastNote(container, model, fan, selected, onClear) {
    if (!model.available) {
      replaceContent(container, h('span', { class: 'muted', text: 'No LC-PFN model is loaded, so curves are shown without forecasts. ' }),
        h('span', { class: 'muted', text: model.message || '' }));
      return;
    }
    if (!fan) {
      replaceContent(container, h('span', { class: 'muted', text: selected
        ? 'The selected trial has no epoch left to forecast.'
        : 'Hover over a curve, or press “Forecast” in the trials table, to see what the LC-PFN believes about that trial’s remaining epochs.' }));
      return;
    }
    const f = fan.forecast;
    const n = f.epochs.length;
    const parts = [
      h('strong', { text: `Trial #${fan.number}` }),
      `: LC-PFN forecast given ${f.observedEpochs} epoch${f.observedEpochs === 1 ? '' : 's'}; at epoch ${f.epochs[n - 1]} median ${fmtValue(f.q50[n - 1])}, ` +
        `90% band ${fmtValue(f.q05[n - 1])} – ${fmtValue(f.q95[n - 1])}`,
      f.pBeatBest !== null ? `; P(beating the best ${fmtValue(f.bestValue)}) ${fmtProbability(f.pBeatBest)}` : '',
      h('span', { class: 'muted', text: ` · model ${f.model.slice(0, 12)}…` }),
    ];
    if (selected && onClear) {
      const clear = h('button', { type: 'button', class: 'link-button', text: 'Clear' });
      clear.addEventListener('click', onClear);
      parts.push(' ', clear);
    }
    replaceContent(container, parts);
  }

  function experimentPage() {
    const id = body.dataset.experimentId;
    const summaryEl = document.getElementById('summary');
    const chartEl = document.getElementById('curves-chart');
    const legendEl = document.getElementById('curves-legend');
    const noteEl = document.getElementById('forecast-note');
    const bestEl = document.getElementById('best-chart');
    const bestLegendEl = document.getElementById('best-legend');
    const trialsEl = document.getElementById('trials');
    const pageSize = 50;
    // The chart shows the trials of the table's page; curves arrive incrementally (since the cursor) and merge here.
    const filterEl = document.getElementById('status-filter');
    const state = { page: 1, loadedPage: 0, loadedFilter: '', filter: '', cursor: null, curves: new Map(), selected: null, hover: null, experiment: null, summary: null, totalCount: 0 };

    function mergeCurves(result) {
      if (!result.since) state.curves = new Map();
      const onPage = new Set();
      let missing = false;
      for (const item of result.items) {
        onPage.add(item.trialId);
        let c = state.curves.get(item.trialId);
        if (!c) {
          c = { trialId: item.trialId, number: item.number, points: new Map(), pauses: new Set(), prediction: null };
          state.curves.set(item.trialId, c);
        }
        c.status = item.status;
        c.lastEpoch = item.lastEpoch;
        for (const p of item.points) c.points.set(p.epoch, p.value);
        for (const e of item.pauses || []) c.pauses.add(e);
        // null in an incremental read: the latest decision is unchanged.
        if (item.prediction || !result.since) c.prediction = item.prediction;
        // A point the cursor missed (a worker's clock far behind, a late commit) shows as a gap or a missing last epoch.
        if (item.lastEpoch > 0 && (!c.points.has(item.lastEpoch) || c.points.size < item.lastEpoch)) missing = true;
      }
      for (const key of [...state.curves.keys()]) if (!onPage.has(key)) state.curves.delete(key);
      state.loadedPage = result.page;
      state.loadedFilter = state.filter;
      // Then the next poll reads the page in full.
      state.cursor = missing ? null : result.cursor;
      state.totalCount = result.totalCount;
    }

    function curveList() {
      return [...state.curves.values()].sort((a, b) => a.number - b.number).map((c) => ({
        trialId: c.trialId,
        number: c.number,
        status: c.status,
        lastEpoch: c.lastEpoch,
        points: [...c.points].sort((a, b) => a[0] - b[0]).map(([epoch, value]) => ({ epoch, value })),
        pauses: [...c.pauses].sort((a, b) => a - b),
      }));
    }

    async function fanFor(curves) {
      const model = await forecastModel();
      const target = state.hover ?? state.selected;
      if (!model.available || target === null) return null;
      const c = curves.find((t) => t.trialId === target);
      if (!c || !c.points.length) return null;
      const last = c.points[c.points.length - 1];
      if (last.epoch >= state.experiment.maxEpochs) return null;
      const forecast = await forecastFor(c.trialId, last.epoch);
      return forecast.epochs.length ? { trialId: c.trialId, number: c.number, last, forecast } : null;
    }

    async function drawCurves() {
      if (!state.experiment) return;
      const curves = curveList();
      const fan = await fanFor(curves);
      const model = await forecastModel();
      const first = (state.page - 1) * pageSize + 1;
      const scope = state.totalCount > pageSize ? `trials ${fmtInt(first)}–${fmtInt(Math.min(state.totalCount, first + pageSize - 1))} of ${fmtInt(state.totalCount)}` : null;
      const bestTrialId = state.summary ? state.summary.bestTrialId : null;
      renderIfChanged(chartEl, { curves, bestTrialId, fan: fan && [fan.trialId, fan.last, fan.forecast.model] }, () => {
        replaceContent(chartEl, curvesChart(curves, state.experiment, bestTrialId, fan, scope));
        const present = STATUSES.filter((s) => curves.some((c) => c.status === s && c.points.length > 0));
        legend(legendEl, present, Boolean(fan), curves.some((c) => c.trialId === bestTrialId && c.points.length > 0), curves.some((c) => c.pauses.length > 0));
      });
      renderIfChanged(noteEl, { available: model.available, fan: fan && [fan.trialId, fan.last], selected: state.selected }, () =>
        forecastNote(noteEl, model, fan, state.selected, () => { state.selected = null; drawCurves().catch(() => {}); }));
    }

    // Hover previews a trial's forecast; a click (or the table's button) keeps it.
    chartEl.addEventListener('mouseover', (event) => {
      const target = event.target.closest && event.target.closest('path.curve');
      const trialId = target ? Number(target.getAttribute('data-trial-id')) : null;
      if (trialId !== null && trialId !== state.hover) {
        state.hover = trialId;
        drawCurves().catch(() => {});
      }
    });
    chartEl.addEventListener('mouseleave', () => {
      if (state.hover !== null) {
        state.hover = null;
        drawCurves().catch(() => {});
      }
    });
    chartEl.addEventListener('click', (event) => {
      const target = event.target.closest && event.target.closest('path.curve');
      if (target) {
        state.selected = Number(target.getAttribute('data-trial-id'));
        drawCurves().catch(() => {});
      }
    });
    trialsEl.addEventListener('click', (event) => {
      const button = event.target.closest && event.target.closest('button.show-forecast');
      if (button) {
        state.selected = Number(button.getAttribute('data-trial-id'));
        state.hover = null;
        drawCurves().catch(() => {});
      }
    });

    // The status filter applies to the table and the chart alike; changing it starts again at page 1.
    filterEl.addEventListener('change', () => {
      state.filter = filterEl.value;
      state.page = 1;
      refresh().catch(() => {});
    });

    const refresh = async () => {
      const since = state.loadedPage === state.page && state.loadedFilter === state.filter ? state.cursor : null;
      const status = state.filter || null;
      const [experiment, summary, curves, trials, model] = await Promise.all([
        getJson(`/api/experiments/${id}`),
        getJson(`/api/experiments/${id}/summary`),
        getJson(`/api/experiments/${id}/curves`, { page: state.page, pageSize, since, status }),
        getJson(`/api/experiments/${id}/trials`, { page: state.page, pageSize, status }),
        forecastModel(),
      ]);
      state.experiment = experiment;
      state.summary = summary;
      mergeCurves(curves);
      updateBadge('experiment-status', experiment.status);
      renderIfChanged(summaryEl, summary, () => summaryCards(summaryEl, summary, experiment));
      await drawCurves();
      renderIfChanged(bestEl, [summary.bestSoFar, summary.trialEnds, summary.epochsSaved], () => {
        replaceContent(bestEl, bestSoFarChart(summary, experiment.metricName));
        bestLegend(bestLegendEl, summary);
      });
      const predictions = Object.fromEntries([...state.curves.values()].map((c) => [c.trialId, c.prediction]));
      renderIfChanged(trialsEl, [trials, summary.bestTrialId, model.available, predictions], () => {
        if (trials.totalCount === 0) {
          replaceContent(trialsEl, h('p', { class: 'empty', text: state.filter ? `No ${state.filter} trials.` : 'No trials yet.' }));
          return;
        }
        // The latest decision's forecast of the final epoch (a paused trial's: its Pause decision's).
        const predicted = (t) => {
          const p = predictions[t.id];
          return p ? h('span', { class: 'predicted', title: `${p.action} decision after epoch ${p.decisionEpoch} (${p.policy})` },
            fmtValue(p.median), h('span', { class: 'muted', text: ` [${fmtValue(p.low)} – ${fmtValue(p.high)}]` })) : '—';
        };
        const canForecast = (t) => model.available && t.lastEpoch > 0 && t.lastEpoch < experiment.maxEpochs;
        replaceContent(trialsEl,
          table('Trials', [
            { title: '#', cell: (t) => h('a', { href: `/trials/${t.id}`, text: `#${t.number}` }) },
            { title: 'Status', cell: (t) => statusBadge(t.status) },
            { title: 'Parameters', className: 'params', cell: (t) => fmtParameters(t.parameters) },
            { title: 'Best', numeric: true, cell: (t) => fmtValue(t.bestValue) },
            { title: 'Last', numeric: true, cell: (t) => fmtValue(t.lastValue) },
            { title: 'Epochs', numeric: true, cell: (t) => `${t.lastEpoch} / ${experiment.maxEpochs}` },
            { title: 'Predicted final', numeric: true, cell: predicted },
            { title: 'Stop reason', className: 'reason', cell: (t) => t.stopReason || t.error || '—' },
            { title: 'Forecast', cell: (t) => (canForecast(t) ? h('button', { type: 'button', class: 'show-forecast link-button', 'data-trial-id': t.id, text: 'Forecast' }) : '—') },
          ], trials.items, (t) => ({ 'data-trial-id': t.id, 'data-status': t.status, class: t.id === summary.bestTrialId ? 'best-row' : null })),
          pager(state, trials, 'trials', refresh));
      });
    };
    startPolling(refresh);
  }

  function trialPage() {
    const trialId = body.dataset.trialId;
    const experimentId = body.dataset.experimentId;
    const detailsEl = document.getElementById('trial-details');
    const chartEl = document.getElementById('trial-chart');
    const legendEl = document.getElementById('curves-legend');
    const noteEl = document.getElementById('forecast-note');
    const decisionsEl = document.getElementById('decisions');
    const state = { page: 1 };

    const refresh = async () => {
      const [experiment, trial, curve, decisions, model] = await Promise.all([
        getJson(`/api/experiments/${experimentId}`),
        getJson(`/api/trials/${trialId}`),
        getJson(`/api/trials/${trialId}/curve`),
        getJson(`/api/trials/${trialId}/decisions`, { page: state.page, pageSize: 100 }),
        forecastModel(),
      ]);
      let fan = null;
      const last = curve.points.length ? curve.points[curve.points.length - 1] : null;
      if (model.available && last && last.epoch < experiment.maxEpochs) {
        const forecast = await forecastFor(curve.trialId, last.epoch);
        if (forecast.epochs.length) fan = { trialId: curve.trialId, number: curve.number, last, forecast };
      }
      updateBadge('trial-status', trial.status);
      renderIfChanged(detailsEl, trial, () => {
        const row = (term, value) => [h('dt', { text: term }), h('dd', null, value)];
        const parameters = trial.parameters && typeof trial.parameters === 'object'
          ? h('ul', { class: 'params-list' }, Object.entries(trial.parameters).map(([k, v]) => h('li', null, h('code', { text: k }), ' = ', typeof v === 'number' ? fmtValue(v) : JSON.stringify(v))))
          : fmtParameters(trial.parameters);
        replaceContent(detailsEl, h('dl', null,
          row('Parameters', parameters),
          row('Best', fmtValue(trial.bestValue)),
          row('Last', fmtValue(trial.lastValue)),
          row('Epochs', `${trial.lastEpoch} / ${experiment.maxEpochs}`),
          trial.stopReason ? row('Stop reason', trial.stopReason) : null,
          trial.error ? row('Error', trial.error) : null,
          row('Worker', trial.workerId || '—'),
          row('Attempt', String(trial.attempt)),
          row('Started', fmtTime(trial.startedAt)),
          row('Finished', fmtTime(trial.finishedAt))));
      });
      renderIfChanged(chartEl, { curve, fan: fan && [fan.last, fan.forecast.model] }, () => {
        replaceContent(chartEl, curvesChart([curve], experiment, null, fan, null));
        legend(legendEl, curve.points.length ? [curve.status] : [], Boolean(fan), false, (curve.pauses || []).length > 0);
      });
      renderIfChanged(noteEl, { available: model.available, fan: fan && [fan.last, fan.forecast.model] }, () => forecastNote(noteEl, model, fan, false, null));
      renderIfChanged(decisionsEl, decisions, () => {
        if (decisions.totalCount === 0) {
          replaceContent(decisionsEl, h('p', { class: 'empty', text: 'No decisions recorded for this trial.' }));
          return;
        }
        replaceContent(decisionsEl,
          table('Decisions', [
            { title: 'Epoch', numeric: true, cell: (d) => String(d.epoch) },
            { title: 'Action', cell: (d) => h('span', { class: `badge action-${d.action}`, text: d.action }) },
            { title: 'Policy', cell: (d) => d.policy },
            { title: 'P(improvement)', numeric: true, cell: (d) => fmtProbability(d.probabilityOfImprovement) },
            { title: 'Predicted median', numeric: true, cell: (d) => fmtValue(d.predictedMedian) },
            { title: '90% band', numeric: true, cell: (d) => (d.predictedLow === null ? '—' : `${fmtValue(d.predictedLow)} – ${fmtValue(d.predictedHigh)}`) },
            { title: 'Reason', className: 'reason', cell: (d) => d.reason || '—' },
          ], decisions.items, (d) => ({ 'data-epoch': d.epoch, 'data-action': d.action })),
          pager(state, decisions, 'decisions', refresh));
      });
    };
    startPolling(refresh);
  }

  const pages = { experiments: experimentsPage, experiment: experimentPage, trial: trialPage };
  const start = pages[body.dataset.page];
  if (start) {
    start();
  } else {
    document.getElementById('live-status').textContent = '';
  }
})();
