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
    renderFunding(cases, preview.runs);
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

  // ---- Funding: who pays, who gains, commissioner and investor (issue 16) ---------------

  function pounds(value) {
    return value === null || value === undefined ? 'withheld' : money.format(value);
  }

  function interval(range) {
    return range ? money.format(range.p5) + ' to ' + money.format(range.p95) : 'withheld';
  }

  /** Rows for every name any run has, in first-seen order; a run without it shows a dash. */
  function unionRows(runs, listOf, keyOf, rowsOf) {
    const seen = [];
    runs.forEach((run) => {
      (run.funding ? listOf(run.funding) : []).forEach((item) => {
        if (!seen.some((s) => keyOf(s) === keyOf(item))) seen.push(item);
      });
    });
    const rows = [];
    seen.forEach((item) => {
      rowsOf(item).forEach((row) => {
        rows.push([
          row[0],
          (run) => {
            const mine = run.funding ? listOf(run.funding).find((x) => keyOf(x) === keyOf(item)) : undefined;
            return mine ? row[1](mine, run.funding, run) : '–';
          },
        ]);
      });
    });
    return rows;
  }

  function fundingTable(caption, runs, rows) {
    const table = caseRows(runs, rows);
    table.querySelector('caption').textContent = caption;
    return table;
  }

  /** The funding of each run side by side, with what the disclosure rule withholds said in words. */
  function renderFunding(area, runs) {
    if (!runs.some((run) => run.funding)) return;
    area.appendChild(el('h2', { text: 'How each strategy is paid for' }));
    area.appendChild(el('p', { class: 'hint', text: 'Present values over the years followed: expected, with the 90% interval (P5 to P95) over the runs. “withheld”: money for a group of fewer than 5 children, not shown.' }));
    area.appendChild(
      fundingTable('Who pays and who gains: each organisation’s net position', runs, [
        ...unionRows(runs, (f) => f.organisations, (o) => o.organisation, (o) => [
          [o.name + ': net (expected)', (mine) => money.format(mine.presentNet.mean) + ' (' + mine.role + ')'],
          [o.name + ': net (P5 to P95)', (mine) => interval(mine.presentNet)],
        ]),
      ]),
    );
    if (runs.some((run) => run.funding?.income.length)) {
      area.appendChild(
        fundingTable('Income: grants and payment by results', runs, [
          ...unionRows(runs, (f) => f.income, (line) => line.id, (line) => [
            [line.id + ' (' + line.kind.replace(/_/g, ' ') + ') to ' + line.name, (mine) => pounds(mine.presentValue?.mean)],
          ]),
          ['Net after income (expected)', (run) => (run.funding ? pounds(run.funding.netAfterIncome?.mean) : '–')],
        ]),
      );
    }
    if (runs.some((run) => run.funding?.pooledBudget)) {
      const partners = (f) => (f.pooledBudget ? f.pooledBudget.partners : []);
      area.appendChild(
        fundingTable('Pooled budget: each partner’s net position', runs, [
          ...unionRows(runs, partners, (p) => p.organisation, (p) => [
            [p.name + ': contribution and risk share', (mine) => percent(mine.contribution) + ', ' + percent(mine.riskShare)],
            [p.name + ': net (expected)', (mine) => pounds(mine.presentNet?.mean)],
          ]),
        ]),
      );
    }
    if (runs.some((run) => run.funding?.outcomesContracts.length)) {
      area.appendChild(
        fundingTable('Outcomes contracts: commissioner and investor side by side', runs, [
          ...unionRows(runs, (f) => f.outcomesContracts, (c) => c.id, (c) => [
            [c.id + ': basis', (mine) => mine.basis.replace(/_/g, ' ')],
            [c.id + ': commissioner’s net saving after payments', (mine) => pounds(mine.commissioner.presentNet?.mean)],
            [c.id + ': outcome payments', (mine) => pounds(mine.payments?.mean)],
            [c.id + ': investor’s net', (mine) => pounds(mine.investor.presentNet?.mean)],
            [c.id + ': investor’s money multiple', (mine) => (mine.withheld ? 'withheld' : mine.investor.moneyMultiple === null ? 'not defined' : mine.investor.moneyMultiple.toFixed(2))],
            // The median covers only the runs where the IRR is defined: say how many, as the pack does.
            [c.id + ': investor’s IRR (median)', (mine, _funding, run) => (mine.withheld ? 'withheld' : mine.investor.irr ? (mine.investor.irr.p50 * 100).toFixed(1) + '% over ' + mine.investor.runsWithIrr + ' of ' + run.runs + ' runs' : 'not defined')],
            [c.id + ': chance the investor loses money', (mine) => (mine.investor.probabilityLoses === null ? 'withheld' : percent(mine.investor.probabilityLoses))],
            [c.id + ': price per outcome (floor to ceiling)', (mine) => money.format(mine.pricePerOutcome) + ' (' + pounds(mine.priceBounds.deliveryCostPerOutcome) + ' to ' + pounds(mine.priceBounds.valuePerOutcomeToPayer) + ')'],
          ]),
        ]),
      );
    }
    if (runs.some((run) => run.funding?.reinvestment)) {
      area.appendChild(
        fundingTable('Reinvestment', runs, [
          ['Share of each year’s net cashable saving reinvested', (run) => (run.funding?.reinvestment ? percent(run.funding.reinvestment.share) : '–')],
          ['Reinvested (present value, expected)', (run) => (run.funding?.reinvestment ? money.format(run.funding.reinvestment.presentReinvested.mean) : '–')],
          ['Retained (present value, expected)', (run) => (run.funding?.reinvestment ? money.format(run.funding.reinvestment.presentRetained.mean) : '–')],
        ]),
      );
    }
    const reasons = [];
    runs.forEach((run) => {
      const f = run.funding;
      if (!f) return;
      if (f.pooledBudget?.withheld) reasons.push(run.label + ', pooled budget: ' + f.pooledBudget.withheld + '.');
      f.outcomesContracts.forEach((c) => {
        if (c.withheld) reasons.push(run.label + ', ' + c.id + ': ' + c.withheld + '.');
      });
    });
    if (reasons.length) area.appendChild(el('ul', { class: 'hint' }, reasons.map((r) => el('li', { text: r }))));
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
