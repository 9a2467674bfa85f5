// The comparison page. Plain script, no framework: sign in with a token (kept in
// sessionStorage, sent as a bearer header, never in a URL), pick two scenario runs or a young
// person's stored projection, and read best, expected and worst case side by side with the
// charts and the findings; download the pack of scenario runs. Every figure comes from the API;
// every text from it is put on the page as text, never as markup.

(() => {
  const TOKEN_KEY = 'pathcast.token';
  const money = new Intl.NumberFormat('en-GB', { style: 'currency', currency: 'GBP', maximumFractionDigits: 0 });
  const state = { runIds: null, allowDifferentCohorts: false };

  function $(id) {
    return document.getElementById(id);
  }

  function el(tag, attributes, children) {
    const node = document.createElement(tag);
    Object.keys(attributes || {}).forEach((key) => {
      if (key === 'text') node.textContent = attributes[key];
      else node.setAttribute(key, attributes[key]);
    });
    (children || []).forEach((child) => {
      node.appendChild(typeof child === 'string' ? document.createTextNode(child) : child);
    });
    return node;
  }

  function clear(node) {
    while (node.firstChild) node.removeChild(node.firstChild);
  }

  function status(message) {
    $('status').textContent = message || '';
  }

  function showError(message) {
    const box = $('error');
    box.textContent = message || '';
    box.hidden = !message;
  }

  function token() {
    return sessionStorage.getItem(TOKEN_KEY);
  }

  /** Calls the API with the token; a problem+json answer becomes an Error carrying its status and detail. */
  function api(path, options) {
    options = options || {};
    const headers = Object.assign({ authorization: 'Bearer ' + token(), accept: options.accept || 'application/json' }, options.headers || {});
    return fetch(path, { method: options.method || 'GET', headers: headers, body: options.body }).then((response) => {
      if (response.ok) return options.raw ? response : response.json();
      return response
        .json()
        .catch(() => ({}))
        .then((problem) => {
          const error = new Error(problem.detail || problem.title || 'The service answered ' + response.status);
          error.status = response.status;
          error.problem = problem;
          throw error;
        });
    });
  }

  function explain(error) {
    if (error.status === 401) {
      signOut();
      return 'That token was not accepted (' + error.message + '). Sign in again.';
    }
    if (error.status === 403) return 'Your role may not see this. ' + error.message;
    const fields = error.problem?.errors || [];
    return error.message + (fields.length ? ' (' + fields.map((f) => f.reason).join('; ') + ')' : '');
  }

  // ---- Signing in and out ----------------------------------------------------------------

  function showSignedIn(signedIn) {
    $('sign-in').hidden = signedIn;
    $('choose').hidden = !signedIn;
    $('session').hidden = !signedIn;
    if (!signedIn) $('result').hidden = true;
  }

  /** Back to a fresh page: what one user chose or was refused says nothing about the next. */
  function reset() {
    $('mode-runs').checked = true;
    $('runs-form').hidden = false;
    $('plans-form').hidden = true;
    $('plans-unavailable').hidden = true;
    ['person', 'projection', 'compare-plans'].forEach((id) => {
      $(id).disabled = false;
    });
    clear($('person'));
    clear($('projection'));
    $('result').hidden = true;
    state.runIds = null;
    showError('');
  }

  function signOut() {
    sessionStorage.removeItem(TOKEN_KEY);
    reset();
    showSignedIn(false);
    status('Signed out.');
    $('token').focus();
  }

  function signIn(event) {
    event.preventDefault();
    const value = $('token').value.trim();
    if (!value) {
      showError('Enter your API token.');
      $('token').focus();
      return;
    }
    sessionStorage.setItem(TOKEN_KEY, value);
    $('token').value = '';
    start();
  }

  function start() {
    reset();
    status('Loading scenario runs…');
    loadRuns()
      .then(() => {
        showSignedIn(true);
        status('Signed in. Choose two scenario runs, or a young person’s plans.');
        $('run-a').focus();
      })
      .catch((error) => {
        if (error.status === 401) {
          sessionStorage.removeItem(TOKEN_KEY);
          showSignedIn(false);
          status('');
          showError('That token was not accepted: ' + error.message);
          $('token').focus();
          return;
        }
        showSignedIn(true);
        status('');
        showError(explain(error));
      });
  }

  // ---- Scenario runs ---------------------------------------------------------------------

  function runOption(run) {
    const when = run.createdAt.slice(0, 16).replace('T', ' ');
    return el('option', { value: run.id, text: run.scenario.name + ' (' + run.scenario.version + '), ' + run.runs + ' runs, ' + when + ', run ' + run.id.slice(0, 8) });
  }

  function loadRuns() {
    return api('/v1/scenario-runs?limit=200').then((page) => {
      const a = $('run-a');
      const b = $('run-b');
      clear(a);
      clear(b);
      page.items.forEach((run) => {
        a.appendChild(runOption(run));
        b.appendChild(runOption(run));
      });
      if (page.items.length > 1) b.selectedIndex = 1;
      $('compare-runs').disabled = page.items.length === 0;
      if (page.items.length < 2) status('Fewer than two scenario runs are stored: run a scenario first.');
    });
  }

  function compareRuns(event) {
    event.preventDefault();
    const a = $('run-a').value;
    const b = $('run-b').value;
    showError('');
    if (!a || !b) return showError('Choose two runs.');
    if (a === b) return showError('Choose two different runs.');
    const allow = $('different-cohorts').checked;
    status('Comparing the runs…');
    api('/v1/packs/preview?runs=' + encodeURIComponent(a + ',' + b) + (allow ? '&allowDifferentCohorts=true' : ''))
      .then((preview) => {
        state.runIds = [a, b];
        state.allowDifferentCohorts = allow;
        renderRuns(preview);
        status('Comparison ready.');
      })
      .catch((error) => {
        status('');
        showError(explain(error));
      });
  }

  function caseRows(items, rows) {
    const table = el('table', {}, [
      el('caption', { text: 'Best case, expected and worst case, side by side' }),
      el('thead', {}, [el('tr', {}, [el('th', { scope: 'col', text: 'Figure' })].concat(items.map((item) => el('th', { scope: 'col', class: 'number', text: item.label }))))]),
    ]);
    const body = el('tbody');
    rows.forEach((row) => {
      body.appendChild(
        el('tr', {}, [el('th', { scope: 'row', text: row[0] })].concat(items.map((item) => el('td', { class: 'number', text: row[1](item) })))),
      );
    });
    table.appendChild(body);
    return table;
  }

  function percent(p) {
    return Math.round(p * 100) + '%';
  }

  function showResult(intro) {
    const result = $('result');
    result.hidden = false;
    $('result-intro').textContent = intro;
    result.focus();
  }

  function chartFigure(chart) {
    // An SVG as an image: it is drawn, but cannot run script or fetch anything.
    const bytes = new TextEncoder().encode(chart.svg);
    let binary = '';
    bytes.forEach((b) => {
      binary += String.fromCharCode(b);
    });
    return el('figure', {}, [
      el('img', { src: 'data:image/svg+xml;base64,' + btoa(binary), alt: chart.description }),
      el('figcaption', {}, [el('strong', { text: chart.title }), ' ', chart.description]),
    ]);
  }

  function renderCharts(charts) {
    const area = $('charts');
    clear(area);
    charts.forEach((chart) => {
      area.appendChild(chartFigure(chart));
    });
  }

  function renderRuns(preview) {
    const cases = $('cases');
    clear(cases);
    cases.appendChild(
      caseRows(preview.runs, [
        ['Net present value: best case (P90)', (r) => money.format(r.netPresentValue.best)],
        ['Net present value: expected', (r) => money.format(r.netPresentValue.expected)],
        ['Net present value: worst case (P10)', (r) => money.format(r.netPresentValue.worst)],
        ['Saving over the planning years: best case', (r) => money.format(r.planningSaving.best)],
        ['Saving over the planning years: expected', (r) => money.format(r.planningSaving.expected)],
        ['Saving over the planning years: worst case', (r) => money.format(r.planningSaving.worst)],
        ['Chance that benefits exceed costs', (r) => percent(r.probabilityBenefitsExceedCosts)],
        ['Payback: median year', (r) => r.paybackMedianYear || 'not within the years followed'],
        ['Planning years', (r) => r.firstYear + ' to ' + r.lastPlanningYear],
        ['Young people on record in the cohort', (r) => String(r.cohort.size)],
      ]),
    );
    const findings = $('findings');
    clear(findings);
    findings.className = 'findings';
    if (preview.comparison.length) {
      findings.appendChild(el('h2', { text: 'How the runs compare' }));
      findings.appendChild(el('ul', {}, preview.comparison.map((s) => el('li', { text: s }))));
    }
    preview.runs.forEach((run) => {
      findings.appendChild(el('h2', { text: 'Findings: ' + run.label }));
      findings.appendChild(el('ul', {}, run.findings.map((s) => el('li', { text: s }))));
    });
    renderCharts(preview.charts);
    $('download-area').hidden = false;
    $('no-pack').hidden = true;
    showResult(preview.differentCohorts ? 'These runs projected different cohorts of young people: their differences reflect the people as well as the strategies.' : 'Both runs projected the same cohort of young people.');
  }

  function download() {
    if (!state.runIds) return;
    showError('');
    status('Preparing the pack…');
    api('/v1/packs', {
      method: 'POST',
      raw: true,
      accept: 'application/zip, application/problem+json',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ runIds: state.runIds, allowDifferentCohorts: state.allowDifferentCohorts }),
    })
      .then((response) => {
        const disposition = response.headers.get('content-disposition') || '';
        const match = /filename="([^"]+)"/.exec(disposition);
        const name = match ? match[1] : 'pathcast-scenario-pack.zip';
        return response.blob().then((blob) => {
          const url = URL.createObjectURL(blob);
          const link = el('a', { href: url, download: name });
          document.body.appendChild(link);
          link.click();
          link.remove();
          setTimeout(() => { URL.revokeObjectURL(url); }, 10000);
          status('Downloaded ' + name + '.');
        });
      })
      .catch((error) => {
        status('');
        showError(explain(error));
      });
  }

  // ---- A young person's plans ------------------------------------------------------------

  function setMode() {
    const plans = $('mode-plans').checked;
    $('runs-form').hidden = plans;
    $('plans-form').hidden = !plans;
    showError('');
    if (plans) loadPeople();
  }

  function plansUnavailable(message) {
    const notice = $('plans-unavailable');
    notice.textContent = message;
    notice.hidden = false;
    $('person').disabled = true;
    $('projection').disabled = true;
    $('compare-plans').disabled = true;
  }

  function loadPeople() {
    status('Loading young people…');
    api('/v1/young-people?limit=500')
      .then((page) => {
        const select = $('person');
        clear(select);
        select.disabled = false;
        $('plans-unavailable').hidden = true;
        select.appendChild(el('option', { value: '', text: 'Choose a young person' }));
        page.items.forEach((person) => {
          select.appendChild(el('option', { value: person.id, text: person.reference }));
        });
        status(page.items.length ? '' : 'No young people are on record.');
      })
      .catch((error) => {
        status('');
        if (error.status === 403) plansUnavailable('Your role can compare scenario runs, but not individual young people’s plans.');
        else showError(explain(error));
      });
  }

  function loadProjections() {
    const person = $('person').value;
    const select = $('projection');
    clear(select);
    $('compare-plans').disabled = true;
    if (!person) return;
    status('Loading stored projections…');
    api('/v1/young-people/' + encodeURIComponent(person) + '/projections?limit=50')
      .then((page) => {
        page.items.forEach((projection) => {
          const names = projection.plans.map((p) => p.name).join(', ');
          select.appendChild(el('option', { value: projection.id, text: projection.createdAt.slice(0, 10) + ': ' + names }));
        });
        select.disabled = page.items.length === 0;
        $('compare-plans').disabled = page.items.length === 0;
        status(page.items.length ? '' : 'No stored projections for this young person: project their plans first.');
      })
      .catch((error) => {
        status('');
        showError(explain(error));
      });
  }

  function comparePlans(event) {
    event.preventDefault();
    const id = $('projection').value;
    showError('');
    if (!id) return showError('Choose a stored projection.');
    status('Comparing the plans…');
    Promise.all([api('/v1/pathway-projections/' + encodeURIComponent(id) + '/comparison'), api('/v1/pathway-projections/' + encodeURIComponent(id) + '/charts')])
      .then((answers) => {
        renderPlans(answers[0], answers[1]);
        status('Comparison ready.');
      })
      .catch((error) => {
        status('');
        showError(explain(error));
      });
  }

  function renderPlans(comparison, charts) {
    const plans = comparison.plans.map((plan) => Object.assign({ label: plan.name + (plan.isCurrent ? ' (current course)' : '') }, plan));
    const cases = $('cases');
    clear(cases);
    cases.appendChild(
      caseRows(plans, [
        ['Cost to age ' + comparison.toAgeYears + ', present value: best case (P10)', (p) => money.format(p.discounted.best)],
        ['Expected', (p) => money.format(p.discounted.expected)],
        ['Worst case (P90)', (p) => money.format(p.discounted.worst)],
        ['Cash, real terms: best case', (p) => money.format(p.cash.best)],
        ['Cash: expected', (p) => money.format(p.cash.expected)],
        ['Cash: worst case', (p) => money.format(p.cash.worst)],
      ]),
    );
    const findings = $('findings');
    clear(findings);
    findings.className = 'findings';
    findings.appendChild(el('h2', { text: 'In words' }));
    findings.appendChild(el('ul', {}, comparison.summary.map((s) => el('li', { text: s }))));
    renderCharts(charts.charts);
    $('download-area').hidden = true;
    $('no-pack').hidden = false;
    state.runIds = null;
    showResult('Cheapest expected: ' + comparison.cheapest.name + '. For costs, the best case is the 10th percentile and the worst case the 90th.');
  }

  document.addEventListener('DOMContentLoaded', () => {
    $('sign-in-form').addEventListener('submit', signIn);
    $('sign-out').addEventListener('click', signOut);
    $('runs-form').addEventListener('submit', compareRuns);
    $('plans-form').addEventListener('submit', comparePlans);
    $('mode-runs').addEventListener('change', setMode);
    $('mode-plans').addEventListener('change', setMode);
    $('person').addEventListener('change', loadProjections);
    $('download').addEventListener('click', download);
    if (token()) start();
    else showSignedIn(false);
  });
})();
