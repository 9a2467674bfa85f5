// The page for heads of service and the board. Plain script, no framework: sign in with a token
// (kept in sessionStorage, sent as a bearer header, never in a URL); the banner says which role
// is signed in and the page offers only what that role may do. Run a scenario or project a young
// person's plans and watch the job's progress (with Cancel); pick two scenario runs, or find a
// young person and pick a stored projection, and read best, expected and worst case side by side
// with charts titled with what they show and drawn on one scale; download the pack of scenario
// runs. Every figure comes from the API; every text from it is put on the page as text, never as
// markup. Dates are written as in the UK (30 November 2026), financial years as 2026-27.

(() => {
  const TOKEN_KEY = 'pathcast.token';
  const money = new Intl.NumberFormat('en-GB', { style: 'currency', currency: 'GBP', maximumFractionDigits: 0 });
  const state = { runIds: null, allowDifferentCohorts: false, me: null, person: null, job: null, careStates: {}, teams: null };
  const ROLE_NAMES = { admin: 'Administrator', finance: 'Finance', commissioning: 'Commissioning', head_of_service: 'Head of service', board: 'Programme board' };
  const ukDate = new Intl.DateTimeFormat('en-GB', { day: 'numeric', month: 'long', year: 'numeric', timeZone: 'Europe/London' });
  const ukTime = new Intl.DateTimeFormat('en-GB', { hour: '2-digit', minute: '2-digit', timeZone: 'Europe/London' });
  const whole = new Intl.NumberFormat('en-GB');

  /** "30 November 2026" */
  function dateOf(iso) {
    return ukDate.format(new Date(iso));
  }

  /** "30 November 2026 at 14:05" */
  function dateTimeOf(iso) {
    return dateOf(iso) + ' at ' + ukTime.format(new Date(iso));
  }

  function can(capability) {
    return Boolean(state.me && state.me.capabilities.indexOf(capability) >= 0);
  }

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
    stopJob();
    $('job').hidden = true;
    $('mode-runs').checked = true;
    $('runs-form').hidden = false;
    $('plans-area').hidden = true;
    $('plans-form').hidden = true;
    $('plans-unavailable').hidden = true;
    $('search-form').hidden = false;
    $('scenario-form').hidden = true;
    $('mode-plans-choice').hidden = false;
    clear($('people'));
    clear($('projection'));
    $('result').hidden = true;
    state.runIds = null;
    state.me = null;
    state.person = null;
    $('session-text').textContent = 'Signed in';
    $('session-text').setAttribute('data-role', '');
    // The teams and the audit log were the last user's to see: the next one's role decides again.
    state.teams = null;
    $('runs-team-field').hidden = true;
    $('audit').hidden = true;
    $('audit-team-field').hidden = true;
    clear($('audit-events'));
    [$('runs-team'), $('audit-team')].forEach((select) => {
      select.querySelectorAll('option[data-team]').forEach((option) => {
        option.remove();
      });
      select.value = '';
    });
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

  /** The banner names the token and its role; the page offers only what the role may do. */
  function applyRole(me) {
    state.me = me;
    const roleName = ROLE_NAMES[me.role] || me.role;
    const text = $('session-text');
    text.textContent = 'Signed in as ' + me.name + ', role: ' + roleName;
    text.setAttribute('data-role', me.role);
    // The board decides from aggregates: it is not offered young people's plans it would be refused.
    $('mode-plans-choice').hidden = !can('individuals:read');
    $('scenario-form').hidden = !can('scenarios:write');
  }

  function start() {
    reset();
    status('Signing in…');
    api('/v1/tokens/current')
      .then((me) => {
        applyRole(me);
        status('Loading scenario runs…');
        return Promise.all([loadRuns(), can('scenarios:write') ? loadScenarios() : null, teamFilters()]);
      })
      .then(() => {
        showSignedIn(true);
        status('Signed in as ' + (ROLE_NAMES[state.me.role] || state.me.role) + '. ' + (can('individuals:read') ? 'Choose two scenario runs, or a young person’s plans.' : 'Choose two scenario runs.'));
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

  // ---- Jobs: progress and cancel ---------------------------------------------------------

  function stopJob() {
    if (state.job?.timer) clearTimeout(state.job.timer);
    state.job = null;
  }

  function showProgress(fraction, text) {
    const percent = Math.max(0, Math.min(100, Math.round(fraction * 100)));
    $('job-progress').value = percent;
    $('job-percent').textContent = percent + '%';
    if (text !== undefined) $('job-text').textContent = text;
  }

  /**
   * Shows a job's progress until it ends, polling getJob; Cancel calls cancelJob. `what` says what
   * runs; onSuccess gets the finished job (its result points at what was stored).
   */
  function trackJob(job, what, onSuccess) {
    stopJob();
    const panel = $('job');
    panel.hidden = false;
    $('job-what').textContent = what;
    $('job-cancel').hidden = false;
    $('job-cancel').disabled = false;
    const tracked = { id: job.id, cancel: job.links.cancel, timer: null, onSuccess: onSuccess };
    state.job = tracked;
    // Cancel disappears when the job ends: keep the keyboard user's place on the panel, not lost on the page.
    const ended = () => {
      if (document.activeElement === $('job-cancel')) $('job-heading').focus();
      $('job-cancel').hidden = true;
    };
    const step = (current) => {
      if (state.job !== tracked) return;
      if (current.status === 'succeeded') {
        showProgress(1, 'Finished.');
        ended();
        stopJob();
        onSuccess(current);
        return;
      }
      if (current.status === 'cancelled') {
        showProgress(current.progress, 'Cancelled: nothing of it was stored.');
        ended();
        stopJob();
        status('Cancelled.');
        return;
      }
      if (current.status === 'failed') {
        $('job-text').textContent = 'It failed.';
        ended();
        stopJob();
        showError('The job failed: ' + ((current.error && (current.error.detail || current.error.title)) || 'no reason given'));
        return;
      }
      // Until the job stops, say a cancel was asked for, not "Running".
      const doing = tracked.cancelling ? 'Cancelling… ' : current.status === 'queued' ? 'Waiting to start. ' : 'Running: ';
      showProgress(current.progress, doing + (current.message || ''));
      tracked.timer = setTimeout(() => {
        api('/v1/jobs/' + encodeURIComponent(tracked.id))
          .then(step)
          .catch((error) => {
            stopJob();
            showError(explain(error));
          });
      }, 400);
    };
    step(job);
  }

  function cancelJob() {
    const tracked = state.job;
    if (!tracked) return;
    // A disabled button drops the focus to the page's start: keep it on the panel.
    if (document.activeElement === $('job-cancel')) $('job-heading').focus();
    $('job-cancel').disabled = true;
    tracked.cancelling = true;
    $('job-text').textContent = 'Cancelling…';
    api(tracked.cancel, { method: 'POST' }).catch((error) => {
      showError(explain(error));
    });
  }

  /** A finished job at once (a small projection answers 201): the bar goes straight to 100%. */
  function showDone(what) {
    stopJob();
    $('job').hidden = false;
    $('job-what').textContent = what;
    $('job-cancel').hidden = true;
    showProgress(1, 'Finished.');
  }

  // ---- Running a scenario ----------------------------------------------------------------

  function loadScenarios() {
    return api('/v1/scenarios?limit=200').then((page) => {
      const select = $('scenario');
      clear(select);
      page.items
        .filter((scenario) => scenario.latest)
        .forEach((scenario) => {
          select.appendChild(el('option', { value: scenario.id, text: scenario.name + ' (version ' + scenario.version + ')' }));
        });
      $('run-scenario').disabled = select.options.length === 0;
    });
  }

  function runScenario(event) {
    event.preventDefault();
    showError('');
    const id = $('scenario').value;
    const runs = Number($('scenario-runs').value);
    if (!id) return showError('Choose a scenario.');
    if (!Number.isInteger(runs) || runs < 10 || runs > 20000) {
      showError('Monte Carlo runs must be a whole number from 10 to 20,000.');
      $('scenario-runs').focus();
      return;
    }
    const name = $('scenario').selectedOptions[0].textContent;
    // The panel may still say "Finished." from the last job: until this one answers, it says so.
    stopJob();
    $('job').hidden = false;
    $('job-what').textContent = 'Running ' + name + ', ' + whole.format(runs) + ' runs.';
    showProgress(0, 'Starting…');
    api('/v1/scenarios/' + encodeURIComponent(id) + '/runs', { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ runs: runs }) })
      .then((job) => {
        status('Scenario run started.');
        trackJob(job, 'Running ' + name + ', ' + whole.format(runs) + ' runs.', (done) => {
          const runId = done.result.id;
          loadRuns()
            .then(() => {
              // Not among the chosen team's runs: show them all, so the new run can be chosen.
              if ([...$('run-b').options].some((option) => option.value === runId)) return null;
              $('runs-team').value = '';
              return loadRuns();
            })
            .then(() => {
              $('run-b').value = runId;
              status('The scenario run has finished: it is chosen as the second run.');
            });
        });
        $('job-cancel').focus();
      })
      .catch((error) => {
        $('job').hidden = true;
        showError(explain(error));
      });
  }

  // ---- Scenario runs ---------------------------------------------------------------------

  function runOption(run) {
    return el('option', { value: run.id, text: run.scenario.name + ' (version ' + run.scenario.version + '), ' + whole.format(run.runs) + ' runs, ' + dateTimeOf(run.createdAt) });
  }

  /**
   * The latest request of each team-filtered list: its number (each list counts its own) and its
   * promise. A reply is shown only if it answers the latest request, and labelled by the team it
   * was asked for: switching "Runs for team" or "Events for team" quickly could otherwise show
   * team A's list, arriving last, under team B's name (issue 17 review).
   */
  const latest = { runs: { asked: 0, loading: null }, audit: { asked: 0, loading: null } };

  /**
   * Asks `url` for the list `which` ('runs' or 'audit') and hands the reply to `show`, unless a
   * later request of the same list was made meanwhile: then the reply (or its failure) is
   * dropped and the promise follows the later request's, so a caller waiting on it (a finished
   * job choosing its run) reads the list on show.
   */
  function latestOnly(which, url, show) {
    const mine = ++latest[which].asked;
    const stale = () => mine !== latest[which].asked;
    const loading = api(url).then(
      (page) => (stale() ? latest[which].loading : show(page)),
      (error) => {
        if (stale()) return latest[which].loading;
        throw error;
      },
    );
    latest[which].loading = loading;
    return loading;
  }

  /** The runs (listScenarioRuns, newest first), of the team chosen in "Runs for team" when one is: ?team={id} or ?team=none. */
  function loadRuns() {
    const select = $('runs-team');
    const team = select.value;
    // The team's name as asked, not as the select says when the reply arrives.
    const name = team ? select.selectedOptions[0].textContent : '';
    return latestOnly('runs', '/v1/scenario-runs?limit=200' + (team ? '&team=' + encodeURIComponent(team) : ''), (page) => {
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
      if (team) status(countText(page.total, 'scenario run', 'scenario runs', 'No scenario run') + ' for ' + name + (page.items.length < page.total ? ' (the newest ' + page.items.length + ' listed)' : '') + '.');
      else if (page.items.length < 2) status('Fewer than two scenario runs are stored: run a scenario first.');
    });
  }

  /** Another team chosen for the runs: the lists show its runs only. */
  function filterRuns() {
    showError('');
    status('Loading scenario runs…');
    loadRuns().catch((error) => {
      status('');
      showError(explain(error));
    });
  }

  // ---- Teams: the filters of the runs and of the audit log ------------------------------

  /**
   * The teams (listTeams, by name) once per sign-in, or null when this role may not list them or
   * the list failed: then no team control is shown, rather than one that can only fail.
   */
  function teams() {
    if (!state.teams) {
      state.teams = can('aggregates:read')
        ? api('/v1/teams')
            .then((answer) => answer.items)
            .catch(() => null)
        : Promise.resolve(null);
    }
    return state.teams;
  }

  /**
   * Fills and shows "Runs for team" (all, no team, then each team) and, for a role that reads the
   * audit log, the log with "Events for team" (all, then each team: the log has no "no team", as
   * GET /v1/audit-events?team= takes a team's id only). Never fails the sign-in.
   */
  function teamFilters() {
    return teams().then((items) => {
      const fill = (select) => {
        (items || []).forEach((team) => {
          select.appendChild(el('option', { value: team.id, 'data-team': '', text: team.name }));
        });
      };
      if (items) {
        fill($('runs-team'));
        $('runs-team-field').hidden = false;
      }
      if (can('audit:read')) {
        if (items) {
          fill($('audit-team'));
          $('audit-team-field').hidden = false;
        }
        $('audit').hidden = false;
        return loadAudit();
      }
      return null;
    });
  }

  // ---- The audit log (administrators) ------------------------------------------------------

  /** The 50 newest audit events (listAuditEvents), of the team chosen in "Events for team" when one is. */
  function loadAudit() {
    const select = $('audit-team');
    const team = select.value;
    const area = $('audit-events');
    // The team's name as asked, not as the select says when the reply arrives.
    const whose = team ? ' for ' + select.selectedOptions[0].textContent : '';
    return latestOnly('audit', '/v1/audit-events?limit=50' + (team ? '&team=' + encodeURIComponent(team) : ''), (page) => {
      clear(area);
      if (!page.items.length) {
        area.appendChild(el('p', { class: 'hint', text: 'No audit event' + whose + '.' }));
        return;
      }
      const shown = page.items.length < page.total ? ' (the newest ' + page.items.length + ')' : '';
      const table = el('table', { id: 'audit-table' }, [
        el('caption', { text: countText(page.total, 'audit event', 'audit events', 'No audit event') + whose + shown }),
        el('thead', {}, [el('tr', {}, ['When', 'Who', 'Action', 'Record'].map((h) => el('th', { scope: 'col', text: h })))]),
      ]);
      const body = el('tbody');
      page.items.forEach((event) => {
        body.appendChild(
          el('tr', {}, [
            el('td', { text: dateTimeOf(event.at) }),
            el('td', { text: event.actorName + ' (' + (ROLE_NAMES[event.actorRole] || event.actorRole) + ')' }),
            el('td', { text: event.action }),
            el('td', { text: event.resourceType.replace(/_/g, ' ') + (event.resourceId ? ' ' + event.resourceId : '') }),
          ]),
        );
      });
      table.appendChild(body);
      area.appendChild(table);
    }).catch((error) => {
      clear(area);
      showError(explain(error));
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
    const cohorts = allow ? '&allowDifferentCohorts=true' : '';
    Promise.all([api('/v1/packs/preview?runs=' + encodeURIComponent(a + ',' + b) + cohorts), api('/v1/scenario-runs/compare?ids=' + encodeURIComponent(a + ',' + b) + cohorts)])
      .then((answers) => {
        state.runIds = [a, b];
        state.allowDifferentCohorts = allow;
        renderRuns(answers[0], answers[1]);
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

  // A signed rate (a fraction) to one decimal, as the pack prints the investor's IRR (signedPercent1
  // in src/services/wording.ts): "+3.2%", "-3.2%", "0.0%" when it rounds to zero.
  function signedPercent1(fraction) {
    const text = Math.abs(fraction * 100).toFixed(1);
    return text === '0.0' ? '0.0%' : (fraction < 0 ? '-' : '+') + text + '%';
  }

  // A share (0 to 1) as a percentage to one decimal, as the report prints it; "withheld" where null.
  function sharePercent(value) {
    return value === null || value === undefined ? 'withheld' : (value * 100).toFixed(1) + '%';
  }

  // A table of projected outcomes at 31 March (issue 17): a row per year and measure, a column per
  // variant (a run's as now, strategy and difference; or each plan of a young person's projection).
  function outcomesTable(attributes, caption, columns, rows) {
    const table = el('table', Object.assign({ class: 'projected-outcomes' }, attributes), [
      el('caption', { text: caption }),
      el('thead', {}, [el('tr', {}, ['Year', 'Measure'].concat(columns.map((c) => c.label)).map((h) => el('th', { scope: 'col', text: h })))]),
    ]);
    const body = el('tbody');
    rows.forEach((r) => {
      body.appendChild(
        el(
          'tr',
          { 'data-year': r.financialYear, 'data-measure': r.measure },
          [el('th', { scope: 'row', text: r.year || r.financialYear }), el('td', { text: r.label })].concat(
            columns.map((c) => el('td', Object.assign({ class: 'number' }, c.attributes), [r.text(c)])),
          ),
        ),
      );
    });
    table.appendChild(body);
    return table;
  }

  // Projected outcomes beside the costs (issue 17): the pack's Projected outcomes rows for one run.
  function projectedOutcomesTable(run) {
    const rows = run.projectedOutcomes || [];
    if (!rows.length) return null;
    const band = (cells) => sharePercent(cells.mean) + ' (' + sharePercent(cells.p10) + ' to ' + sharePercent(cells.p90) + ')';
    const columns = [
      ['baseline', 'As now'],
      ['strategy', 'Strategy'],
      ['difference', 'Difference'],
    ].map((v) => ({ key: v[0], label: v[1], attributes: { 'data-variant': v[0] } }));
    return outcomesTable(
      { 'data-run': run.id },
      'Projected outcomes at 31 March: ' + run.label + ' (mean, P10 to P90 over runs)',
      columns,
      rows.map((r) => ({ financialYear: r.financialYear, measure: r.measure, label: r.label, text: (c) => band(r[c.key]) })),
    );
  }

  // The measures of a young person's projected outcomes, with the pack's ids and labels
  // (src/export/tables.ts PROJECTED_OUTCOME_MEASURES), the field of outcomesByYear each reads and
  // the ages it is defined at (EET: care leavers aged 19 to 21 on 31 March).
  const PERSON_OUTCOMES = [
    { measure: 'within_20_miles', label: 'Looked after on 31 March: placed within 20 miles of home', field: 'shareWithin20Miles' },
    { measure: 'three_or_more_placements', label: 'Looked after on 31 March: three or more placements in the year', field: 'threeOrMorePlacementsShare' },
    { measure: 'care_leavers_eet', label: 'Care leavers aged 19-21: in education, employment or training', field: 'eetShareOfCareLeaver', ages: [19, 21] },
  ];

  // One young person's projected outcomes by year, a column per plan: each share's mean with its
  // Monte Carlo standard error, as the projection gives them (it gives no interval over runs and
  // no difference against the current course). "–" where the share is null: never looked after
  // (or a care leaver) that day in any run, or a model without distance shares. No withholding:
  // only roles with individual access read a young person's projection.
  function planOutcomesTable(projection, plans, whose) {
    const results = projection.result.plans;
    const first = results[0]?.outcomesByYear;
    if (!first?.length) return null;
    const columns = plans.map((p, k) => ({ label: p.label, years: results[k].outcomesByYear || [], attributes: { 'data-plan': p.planId } }));
    const rows = [];
    first.forEach((year, f) => {
      PERSON_OUTCOMES.forEach((m) => {
        if (m.ages && (year.ageOn31March < m.ages[0] || year.ageOn31March > m.ages[1])) return;
        rows.push({
          financialYear: year.financialYear,
          year: year.financialYear + ' (age ' + year.ageOn31March + ')',
          measure: m.measure,
          label: m.label,
          text: (c) => {
            const share = c.years[f]?.[m.field];
            return share ? sharePercent(share.mean) + ' (standard error ' + sharePercent(share.se) + ')' : '–';
          },
        });
      });
    });
    return outcomesTable({ 'data-projection': projection.id }, 'Projected outcomes at 31 March: ' + whose + ' (mean, with its Monte Carlo standard error)', columns, rows);
  }

  function showResult(intro) {
    const result = $('result');
    result.hidden = false;
    $('result-intro').textContent = intro;
    result.focus();
  }

  /** A chart drawn on the server (an SVG as an image: it is drawn, but cannot run script or fetch anything). */
  function chartFigure(chart, title) {
    const bytes = new TextEncoder().encode(chart.svg);
    let binary = '';
    bytes.forEach((b) => {
      binary += String.fromCharCode(b);
    });
    return el('figure', { class: 'chart' }, [
      el('h3', { class: 'chart-title', text: title }),
      el('img', { src: 'data:image/svg+xml;base64,' + btoa(binary), alt: chart.description }),
      el('figcaption', { text: chart.description }),
    ]);
  }

  // ---- Charts drawn on the page: titled with their run, on one scale ---------------------

  const SVG = 'http://www.w3.org/2000/svg';
  const COLOURS = { baseline: '#505a5f', strategy: '#1d5fa6', band: '#b7cde6', low: '#b10e1e', high: '#00703c', saving: '#1d5fa6', loss: '#b10e1e' };
  let chartCount = 0;

  function svgEl(tag, attributes, text) {
    const node = document.createElementNS(SVG, tag);
    Object.keys(attributes || {}).forEach((key) => {
      node.setAttribute(key, attributes[key]);
    });
    if (text !== undefined) node.textContent = text;
    return node;
  }

  /** £ in short form for axis ticks: £1.2m, £350k, −£40k. */
  function shortMoney(value) {
    const sign = value < 0 ? '−' : '';
    const size = Math.abs(value);
    if (size >= 1e6) return sign + '£' + (size / 1e6).toFixed(size >= 1e7 ? 0 : 1).replace(/\.0$/, '') + 'm';
    if (size >= 1e3) return sign + '£' + Math.round(size / 1e3) + 'k';
    return sign + '£' + Math.round(size);
  }

  /** A domain covering the values, widened to round steps: both charts of a pair get the same one. */
  function niceDomain(values, includeZero) {
    let low = Math.min.apply(null, values.concat(includeZero ? [0] : []));
    let high = Math.max.apply(null, values.concat(includeZero ? [0] : []));
    if (low === high) {
      low -= 1;
      high += 1;
    }
    const rough = (high - low) / 5;
    const power = 10 ** Math.floor(Math.log10(rough));
    const step = [1, 2, 2.5, 5, 10].map((m) => m * power).find((m) => m >= rough);
    return [Math.floor(low / step) * step, Math.ceil(high / step) * step, step];
  }

  function ticks(domain) {
    const out = [];
    for (let v = domain[0]; v <= domain[1] + domain[2] / 2; v += domain[2]) out.push(Math.abs(v) < domain[2] / 1e6 ? 0 : v);
    return out;
  }

  /** Splits a label into lines of at most `width` characters at spaces: labels are wrapped, never cut. */
  function wrap(text, width) {
    const lines = [];
    let line = '';
    text.split(' ').forEach((word) => {
      if (line && (line + ' ' + word).length > width) {
        lines.push(line);
        line = word;
      } else line = line ? line + ' ' + word : word;
    });
    if (line) lines.push(line);
    return lines;
  }

  /** A figure holding an inline SVG with a title and a text alternative; its scales as data attributes. */
  function drawnFigure(title, description, pair, domains, width, height, draw) {
    chartCount += 1;
    const id = 'chart-' + chartCount;
    const svg = svgEl('svg', { viewBox: '0 0 ' + width + ' ' + height, width: '100%', role: 'img', 'aria-labelledby': id + '-title ' + id + '-desc', class: 'drawn' });
    svg.appendChild(svgEl('title', { id: id + '-title' }, title));
    svg.appendChild(svgEl('desc', { id: id + '-desc' }, description));
    draw(svg);
    const figure = el('figure', { class: 'chart', 'data-pair': pair }, [el('h3', { class: 'chart-title', text: title })]);
    if (domains.x) figure.setAttribute('data-x-domain', JSON.stringify(domains.x.slice(0, 2)));
    if (domains.y) figure.setAttribute('data-y-domain', JSON.stringify(domains.y.slice(0, 2)));
    figure.appendChild(svg);
    figure.appendChild(el('figcaption', { text: description }));
    return figure;
  }

  /** Axes of a chart with years along the bottom and money up the side. */
  function yearAxes(svg, box, years, yDomain, y, yTitle) {
    ticks(yDomain).forEach((v) => {
      svg.appendChild(svgEl('line', { x1: box.left, x2: box.right, y1: y(v), y2: y(v), stroke: v === 0 ? '#505a5f' : '#dddddd' }));
      svg.appendChild(svgEl('text', { x: box.left - 6, y: y(v) + 4, 'text-anchor': 'end', class: 'tick' }, shortMoney(v)));
    });
    const step = (box.right - box.left) / years.length;
    years.forEach((year, i) => {
      if (years.length > 12 && i % 2 === 1) return;
      svg.appendChild(svgEl('text', { x: box.left + step * (i + 0.5), y: box.bottom + 16, 'text-anchor': 'middle', class: 'tick' }, year));
    });
    svg.appendChild(svgEl('text', { x: 12, y: (box.top + box.bottom) / 2, transform: 'rotate(-90 12 ' + (box.top + box.bottom) / 2 + ')', 'text-anchor': 'middle', class: 'axis-title' }, yTitle));
    svg.appendChild(svgEl('text', { x: (box.left + box.right) / 2, y: box.bottom + 36, 'text-anchor': 'middle', class: 'axis-title' }, 'Financial year'));
  }

  function legend(svg, x, y, items) {
    items.forEach((item, i) => {
      svg.appendChild(svgEl('rect', { x: x, y: y + i * 18 - 5, width: 14, height: 10, fill: item.colour }));
      svg.appendChild(svgEl('text', { x: x + 20, y: y + i * 18, class: 'legend' }, item.text));
    });
  }

  /** Annual spend as now and with the strategy: mean lines and the strategy's P10 to P90 band. */
  function spendChart(run, years, yDomain) {
    const width = 560;
    const height = 330;
    const box = { left: 70, right: width - 12, top: 12, bottom: height - 100 };
    const step = (box.right - box.left) / years.length;
    const x = (year) => box.left + step * (years.indexOf(year) + 0.5);
    const y = (v) => box.bottom - ((v - yDomain[0]) / (yDomain[1] - yDomain[0])) * (box.bottom - box.top);
    const rows = run.headline.spendByYear;
    const description = 'Spend each financial year from ' + rows[0].financialYear + ' to ' + rows[rows.length - 1].financialYear + ': as now (mean ' + money.format(rows[0].baseline.mean) + ' in the first year) and with the strategy (mean ' + money.format(rows[0].strategy.mean) + '), with the strategy’s 10th to 90th percentile shaded.';
    return drawnFigure('Annual spend, as now and with the strategy: ' + run.label, description, 'spend', { x: [years[0], years[years.length - 1]], y: yDomain }, width, height, (svg) => {
      yearAxes(svg, box, years, yDomain, y, 'Spend');
      const band = rows.map((r) => x(r.financialYear) + ',' + y(r.strategy.p90)).concat(rows.slice().reverse().map((r) => x(r.financialYear) + ',' + y(r.strategy.p10)));
      svg.appendChild(svgEl('polygon', { points: band.join(' '), fill: COLOURS.band, 'fill-opacity': 0.7 }));
      [['baseline', COLOURS.baseline, '6 4'], ['strategy', COLOURS.strategy, '']].forEach((line) => {
        svg.appendChild(svgEl('polyline', { points: rows.map((r) => x(r.financialYear) + ',' + y(r[line[0]].mean)).join(' '), fill: 'none', stroke: line[1], 'stroke-width': 2.5, 'stroke-dasharray': line[2] }));
      });
      legend(svg, box.left, box.bottom + 56, [
        { colour: COLOURS.baseline, text: 'As now (mean, dashed)' },
        { colour: COLOURS.strategy, text: 'With the strategy (mean), 10th to 90th percentile shaded' },
      ]);
    });
  }

  /** The saving each financial year: the mean as a bar, the 10th to 90th percentile as a line through it. */
  function savingChart(run, years, yDomain) {
    const width = 560;
    const height = 300;
    const box = { left: 70, right: width - 12, top: 12, bottom: height - 70 };
    const step = (box.right - box.left) / years.length;
    const y = (v) => box.bottom - ((v - yDomain[0]) / (yDomain[1] - yDomain[0])) * (box.bottom - box.top);
    const rows = run.headline.spendByYear;
    const first = rows.find((r) => r.saving.mean < 0);
    const description = 'Saving each financial year, as now minus with the strategy (mean, with the 10th to 90th percentile as a line)' + (first ? '; in ' + first.financialYear + ' the strategy costs ' + money.format(-first.saving.mean) + ' more than as now.' : '; the mean saving is positive every year.');
    return drawnFigure('Saving each year: ' + run.label, description, 'saving', { x: [years[0], years[years.length - 1]], y: yDomain }, width, height, (svg) => {
      yearAxes(svg, box, years, yDomain, y, 'Saving');
      rows.forEach((r) => {
        const centre = box.left + step * (years.indexOf(r.financialYear) + 0.5);
        const top = y(Math.max(0, r.saving.mean));
        svg.appendChild(svgEl('rect', { x: centre - step * 0.3, y: top, width: step * 0.6, height: Math.abs(y(r.saving.mean) - y(0)), fill: r.saving.mean < 0 ? COLOURS.loss : COLOURS.saving }));
        svg.appendChild(svgEl('line', { x1: centre, x2: centre, y1: y(r.saving.p10), y2: y(r.saving.p90), stroke: '#111111', 'stroke-width': 1.5 }));
      });
    });
  }

  /** What drives the NPV: the mean NPV of the runs where each input was in its lowest and highest tenth. */
  function tornadoChart(run, xDomain) {
    const rows = run.headline.topSensitivity;
    const width = 560;
    const labelWidth = 34;
    const lines = rows.map((r) => wrap(r.label, labelWidth));
    const rowHeight = (k) => Math.max(28, lines[k].length * 14 + 10);
    const box = { left: 250, right: width - 16, top: 12 };
    let cursor = box.top;
    const tops = rows.map((_, k) => {
      const top = cursor;
      cursor += rowHeight(k);
      return top;
    });
    box.bottom = cursor;
    const height = box.bottom + 80;
    const x = (v) => box.left + ((v - xDomain[0]) / (xDomain[1] - xDomain[0])) * (box.right - box.left);
    const mean = run.netPresentValue.expected;
    const description = rows.length
      ? 'The inputs that move the net present value most, largest first: ' + rows.map((r) => r.label + ' (' + money.format(r.npvWhenLow) + ' when low, ' + money.format(r.npvWhenHigh) + ' when high)').join('; ') + '.'
      : 'No uncertain input moved the net present value.';
    return drawnFigure('What drives the net present value: ' + run.label, description, 'tornado', { x: xDomain }, width, height, (svg) => {
      ticks(xDomain).forEach((v) => {
        svg.appendChild(svgEl('line', { x1: x(v), x2: x(v), y1: box.top, y2: box.bottom, stroke: '#dddddd' }));
        svg.appendChild(svgEl('text', { x: x(v), y: box.bottom + 16, 'text-anchor': 'middle', class: 'tick' }, shortMoney(v)));
      });
      svg.appendChild(svgEl('line', { x1: x(mean), x2: x(mean), y1: box.top, y2: box.bottom, stroke: '#111111', 'stroke-width': 1.5 }));
      rows.forEach((r, k) => {
        const top = tops[k];
        const label = svgEl('text', { x: box.left - 8, y: top + 14, 'text-anchor': 'end', class: 'bar-label' });
        lines[k].forEach((line, i) => {
          label.appendChild(svgEl('tspan', { x: box.left - 8, dy: i === 0 ? 0 : 14 }, line));
        });
        svg.appendChild(label);
        [['npvWhenLow', COLOURS.low], ['npvWhenHigh', COLOURS.high]].forEach((end, i) => {
          const v = r[end[0]];
          svg.appendChild(svgEl('rect', { x: Math.min(x(v), x(mean)), y: top + 4 + i * 9, width: Math.max(1, Math.abs(x(v) - x(mean))), height: 8, fill: end[1] }));
        });
      });
      svg.appendChild(svgEl('text', { x: (box.left + box.right) / 2, y: box.bottom + 36, 'text-anchor': 'middle', class: 'axis-title' }, 'Net present value (line: mean ' + shortMoney(mean) + ')'));
      legend(svg, box.left, box.bottom + 56, [{ colour: COLOURS.low, text: 'Input in its lowest tenth' }, { colour: COLOURS.high, text: 'Input in its highest tenth' }]);
    });
  }

  /**
   * Best case, expected and worst case of several runs or plans on one scale: a line from one
   * case to the other with the expected value marked. Labels wrap, never cut.
   */
  function rangeChart(title, description, axisTitle, rows) {
    const width = 760;
    const lines = rows.map((r) => wrap(r.label, 40));
    const rowHeight = (k) => Math.max(34, lines[k].length * 14 + 14);
    const box = { left: 300, right: width - 24, top: 12 };
    let cursor = box.top;
    const tops = rows.map((_, k) => {
      const top = cursor;
      cursor += rowHeight(k);
      return top;
    });
    box.bottom = cursor;
    const xDomain = niceDomain(rows.reduce((v, r) => v.concat([r.from, r.to, r.mid]), []), true);
    const x = (v) => box.left + ((v - xDomain[0]) / (xDomain[1] - xDomain[0])) * (box.right - box.left);
    const figure = drawnFigure(title, description, 'cases', { x: xDomain }, width, box.bottom + 50, (svg) => {
      ticks(xDomain).forEach((v) => {
        svg.appendChild(svgEl('line', { x1: x(v), x2: x(v), y1: box.top, y2: box.bottom, stroke: v === 0 ? '#505a5f' : '#dddddd' }));
        svg.appendChild(svgEl('text', { x: x(v), y: box.bottom + 16, 'text-anchor': 'middle', class: 'tick' }, shortMoney(v)));
      });
      rows.forEach((r, k) => {
        const middle = tops[k] + rowHeight(k) / 2;
        const label = svgEl('text', { x: box.left - 10, y: middle - ((lines[k].length - 1) * 14) / 2 + 4, 'text-anchor': 'end', class: 'bar-label' });
        lines[k].forEach((line, i) => {
          label.appendChild(svgEl('tspan', { x: box.left - 10, dy: i === 0 ? 0 : 14 }, line));
        });
        svg.appendChild(label);
        svg.appendChild(svgEl('line', { x1: x(r.from), x2: x(r.to), y1: middle, y2: middle, stroke: COLOURS.strategy, 'stroke-width': 4 }));
        [r.from, r.to].forEach((v) => {
          svg.appendChild(svgEl('line', { x1: x(v), x2: x(v), y1: middle - 8, y2: middle + 8, stroke: COLOURS.strategy, 'stroke-width': 2 }));
        });
        svg.appendChild(svgEl('circle', { cx: x(r.mid), cy: middle, r: 6, fill: '#111111' }));
      });
      svg.appendChild(svgEl('text', { x: (box.left + box.right) / 2, y: box.bottom + 38, 'text-anchor': 'middle', class: 'axis-title' }, axisTitle));
    });
    figure.classList.add('wide');
    return figure;
  }

  /**
   * The runs' charts in pairs, one pair per figure, each titled with its run; both charts of a
   * pair share their scales, so their heights and lengths can be compared by eye.
   */
  function renderRunCharts(runs) {
    const area = $('charts');
    clear(area);
    area.appendChild(
      rangeChart(
        'Best case, expected and worst case of the net present value: ' + runs.map((r) => r.label).join(' against '),
        runs.map((r) => r.label + ': worst case (P10) ' + money.format(r.netPresentValue.worst) + ', expected ' + money.format(r.netPresentValue.expected) + ', best case (P90) ' + money.format(r.netPresentValue.best)).join('. ') + '.',
        'Net present value: worst case (P10) to best case (P90), dot at the expected value',
        runs.map((r) => ({ label: r.label, from: r.netPresentValue.worst, to: r.netPresentValue.best, mid: r.netPresentValue.expected })),
      ),
    );
    const years = [];
    runs.forEach((run) => {
      run.headline.spendByYear.forEach((r) => {
        if (years.indexOf(r.financialYear) < 0) years.push(r.financialYear);
      });
    });
    years.sort();
    const all = (pick) => runs.reduce((values, run) => values.concat(run.headline.spendByYear.reduce((v, r) => v.concat(pick(r)), [])), []);
    const spendDomain = niceDomain(all((r) => [r.baseline.mean, r.strategy.p10, r.strategy.p90, r.strategy.mean]), true);
    const savingDomain = niceDomain(all((r) => [r.saving.p10, r.saving.p90, r.saving.mean]), true);
    const tornadoDomain = niceDomain(runs.reduce((v, run) => v.concat(run.headline.topSensitivity.reduce((w, r) => w.concat([r.npvWhenLow, r.npvWhenHigh]), []), [run.netPresentValue.expected]), []), false);
    // Pair by pair: on a two-column page each run's chart sits beside the other run's.
    [(run) => spendChart(run, years, spendDomain), (run) => savingChart(run, years, savingDomain), (run) => tornadoChart(run, tornadoDomain)].forEach((draw) => {
      runs.forEach((run) => {
        area.appendChild(draw(run));
      });
    });
  }

  /**
   * What each run is called on the page: its scenario's name and when it ran; the first 8
   * characters of its id only when two runs would otherwise read alike.
   */
  function runNames(preview, comparison) {
    const names = preview.runs.map((run, k) => run.scenario.name + ', run of ' + dateTimeOf(comparison.runs[k].createdAt));
    return names.map((name, k) => (names.indexOf(name) !== k || names.lastIndexOf(name) !== k ? name + ' (' + preview.runs[k].id.slice(0, 8) + ')' : name));
  }

  function ratio(value) {
    return value === null || value === undefined ? 'not defined (no costs)' : value.toFixed(2);
  }

  function renderRuns(preview, comparison) {
    const names = runNames(preview, comparison);
    const runs = preview.runs.map((run, k) => Object.assign({}, run, { label: names[k], headline: comparison.runs[k].headline }));
    const cases = $('cases');
    clear(cases);
    cases.appendChild(
      caseRows(runs, [
        ['Net present value: best case (P90)', (r) => money.format(r.netPresentValue.best)],
        ['Net present value: expected', (r) => money.format(r.netPresentValue.expected)],
        ['Net present value: worst case (P10)', (r) => money.format(r.netPresentValue.worst)],
        ['Saving over the planning years: best case', (r) => money.format(r.planningSaving.best)],
        ['Saving over the planning years: expected', (r) => money.format(r.planningSaving.expected)],
        ['Saving over the planning years: worst case', (r) => money.format(r.planningSaving.worst)],
        ['Benefit-cost ratio (present value of benefits ÷ costs)', (r) => ratio(r.headline.benefitCostRatio)],
        ['Chance that benefits exceed costs', (r) => percent(r.probabilityBenefitsExceedCosts)],
        ['Payback: median financial year', (r) => r.paybackMedianYear || 'not within the years followed'],
        ['Planning years', (r) => r.firstYear + ' to ' + r.lastPlanningYear],
        ['Young people on record in the cohort', (r) => String(r.cohort.size)],
      ]),
    );
    renderFunding(cases, runs);
    const findings = $('findings');
    clear(findings);
    findings.className = 'findings';
    if (preview.comparison.length) {
      findings.appendChild(el('h2', { text: 'How the runs compare' }));
      findings.appendChild(el('ul', {}, preview.comparison.map((s) => el('li', { text: s }))));
    }
    runs.forEach((run) => {
      findings.appendChild(el('h2', { text: 'Findings: ' + run.label }));
      findings.appendChild(el('ul', {}, run.findings.map((s) => el('li', { text: s }))));
      const outcomes = projectedOutcomesTable(run);
      if (outcomes) findings.appendChild(outcomes);
    });
    renderRunCharts(runs);
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
            [c.id + ': investor’s IRR (median)', (mine, _funding, run) => (mine.withheld ? 'withheld' : mine.investor.irr ? signedPercent1(mine.investor.irr.p50) + ' over ' + mine.investor.runsWithIrr + ' of ' + run.runs + ' runs' : 'not defined')],
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

  // ---- A young person's plans: find them, project, compare --------------------------------

  function setMode() {
    const plans = $('mode-plans').checked;
    $('runs-form').hidden = plans;
    $('scenario-form').hidden = plans || !can('scenarios:write');
    $('plans-area').hidden = !plans;
    // A comparison of runs is not an answer about plans, nor the other way round.
    $('result').hidden = true;
    showError('');
    if (plans) {
      loadCareStates();
      loadTeams();
      if (!$('people').firstChild) search();
    }
  }

  function plansUnavailable(message) {
    const notice = $('plans-unavailable');
    notice.textContent = message;
    notice.hidden = false;
    $('search-form').hidden = true;
    $('plans-form').hidden = true;
  }

  function loadCareStates() {
    if (Object.keys(state.careStates).length) return;
    fetch('/app/care-states.json')
      .then((response) => response.json())
      .then((states) => {
        const select = $('search-state');
        states.forEach((s) => {
          state.careStates[s.id] = s.label;
          select.appendChild(el('option', { value: s.id, text: s.label }));
        });
      })
      .catch(() => {});
  }

  /** The teams for the search form (listTeams); the list is filtered by team id. */
  function loadTeams() {
    const select = $('search-team');
    // "Any" and "No team" (?team=none) are in the page; the teams follow once.
    if (select.options.length > 2) return;
    api('/v1/teams')
      .then((answer) => {
        answer.items.forEach((team) => {
          select.appendChild(el('option', { value: team.id, text: team.name }));
        });
      })
      .catch(() => {});
  }

  function countText(n, one, many, none) {
    return n === 0 ? none : n === 1 ? '1 ' + one : whole.format(n) + ' ' + many;
  }

  /** The search form's filters as listYoungPeople's query: empty fields are left out. */
  function searchQuery() {
    const params = new URLSearchParams({ limit: '50' });
    const form = $('search-form');
    ['referenceContains', 'minAge', 'maxAge', 'careState', 'team', 'hasCarePlans', 'hasProjection', 'status'].forEach((name) => {
      const value = form.elements[name].value.trim();
      if (value) params.set(name, value);
    });
    return params.toString();
  }

  function search(event) {
    if (event) event.preventDefault();
    showError('');
    $('search-form').querySelectorAll('[aria-invalid]').forEach((field) => {
      field.removeAttribute('aria-invalid');
    });
    status('Searching…');
    api('/v1/young-people?' + searchQuery())
      .then((page) => {
        renderPeople(page);
        status(page.total === 0 ? 'Nobody matches: widen the search.' : whole.format(page.total) + (page.total === 1 ? ' young person matches.' : ' young people match.'));
      })
      .catch((error) => {
        status('');
        if (error.status === 403) plansUnavailable('Your role can compare scenario runs, but not individual young people’s plans.');
        else if (error.status === 400) searchRefused(error);
        else showError(explain(error));
      });
  }

  /** The API names the refused filter (querystring/minAge): say it with the field's label, and go to the field. */
  function searchRefused(error) {
    const form = $('search-form');
    const said = (error.problem?.errors || []).map((e) => {
      const name = String(e.field || '').replace(/^querystring\//, '');
      const field = form.elements[name];
      if (!field) return e.reason;
      field.setAttribute('aria-invalid', 'true');
      // The API's reason for a reference is a regular expression: say it in words.
      const reason = name === 'referenceContains' && /pattern/.test(e.reason) ? 'use only letters, digits, dots, dashes and underscores (up to 64)' : e.reason;
      return form.querySelector('label[for="' + field.id + '"]').textContent + ': ' + reason;
    });
    // The list below was for the last search that worked: not for these filters.
    clear($('people'));
    showError('Check the search. ' + (said.length ? said.join('; ') : error.message));
    const first = form.querySelector('[aria-invalid="true"]');
    if (first) first.focus();
  }

  function renderPeople(page) {
    const area = $('people');
    clear(area);
    if (!page.items.length) {
      area.appendChild(el('p', { class: 'hint', text: 'Nobody matches these filters.' }));
      return;
    }
    const shown = page.items.length < page.total ? ' (the first ' + page.items.length + ' by reference: narrow the search to see others)' : '';
    const table = el('table', { id: 'people-table' }, [
      el('caption', { text: whole.format(page.total) + (page.total === 1 ? ' young person found' : ' young people found') + shown }),
      el('thead', {}, [
        el('tr', {}, ['Reference', 'Age', 'Care state', 'Care plans', 'Projections', 'Choose'].map((h) => el('th', { scope: 'col', text: h }))),
      ]),
    ]);
    const body = el('tbody');
    page.items.forEach((person) => {
      body.appendChild(
        el('tr', { 'data-id': person.id }, [
          el('th', { scope: 'row', text: person.reference }),
          el('td', { class: 'number', text: String(person.ageYears) }),
          el('td', { text: (state.careStates[person.careState] || person.careState.replace(/_/g, ' ')) + (person.closedOn ? ' (case closed ' + person.closedOn + ')' : '') }),
          el('td', {}, [el('span', { class: 'badge' + (person.carePlanCount ? ' yes' : ''), text: countText(person.carePlanCount, 'care plan', 'care plans', 'No care plans') })]),
          el('td', {}, [el('span', { class: 'badge' + (person.projectionCount ? ' yes' : ''), text: countText(person.projectionCount, 'projection', 'projections', 'No projection') })]),
          el('td', {}, [
            el('button', { type: 'button', class: 'choose', 'aria-label': 'Choose ' + person.reference, text: 'Choose' }),
            ' ',
            // The printable one-page summary: its own page, same sign-in.
            el('a', { href: '/app/case-summary.html?id=' + encodeURIComponent(person.id), class: 'case-summary-link', 'aria-label': 'Case summary for ' + person.reference, text: 'Case summary' }),
          ]),
        ]),
      );
    });
    body.addEventListener('click', (event) => {
      const button = event.target.closest('button.choose');
      if (!button) return;
      const row = button.closest('tr');
      choose(page.items.find((p) => p.id === row.getAttribute('data-id')));
    });
    table.appendChild(body);
    area.appendChild(table);
  }

  function choose(person) {
    state.person = person;
    $('plans-form').hidden = false;
    $('chosen').textContent = person.reference + ', aged ' + person.ageYears + ', ' + (state.careStates[person.careState] || person.careState) + ': ' + countText(person.carePlanCount, 'care plan', 'care plans', 'no care plans') + '.';
    $('project-area').hidden = !can('projections:run') || person.carePlanCount === 0;
    loadProjections().then(() => $('chosen-heading').focus());
  }

  function loadProjections(selectId) {
    const select = $('projection');
    clear(select);
    $('compare-plans').disabled = true;
    if (!state.person) return Promise.resolve();
    status('Loading stored projections…');
    return api('/v1/young-people/' + encodeURIComponent(state.person.id) + '/projections?limit=50')
      .then((page) => {
        page.items.forEach((projection) => {
          const names = projection.plans.map((p) => p.name).join(', ');
          select.appendChild(el('option', { value: projection.id, 'data-created': projection.createdAt, text: dateTimeOf(projection.createdAt) + ': ' + names }));
        });
        if (selectId) select.value = selectId;
        select.disabled = page.items.length === 0;
        $('compare-plans').disabled = page.items.length === 0;
        status(page.items.length ? '' : 'No stored projections for this young person: project their plans first.');
      })
      .catch((error) => {
        status('');
        showError(explain(error));
      });
  }

  /** Projects the chosen young person's plans: a small projection answers at once, a large one as a job. */
  function runProjection() {
    const person = state.person;
    if (!person) return;
    showError('');
    const runs = Number($('projection-runs').value);
    const what = 'Projecting ' + person.reference + '’s care plans, ' + whole.format(runs) + ' runs.';
    $('job').hidden = false;
    $('job-what').textContent = what;
    showProgress(0, 'Starting…');
    api('/v1/young-people/' + encodeURIComponent(person.id) + '/projections', { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ runs: runs }) })
      .then((answer) => {
        const finished = (id) => {
          person.projectionCount += 1;
          // The search results' badge for this young person, so the row does not still say "No projection".
          const row = document.querySelector('#people-table tr[data-id="' + CSS.escape(person.id) + '"]');
          const badge = row?.querySelectorAll('td .badge')[1];
          if (badge) {
            badge.textContent = countText(person.projectionCount, 'projection', 'projections', 'No projection');
            badge.className = 'badge yes';
          }
          status('The projection has finished and is chosen below.');
          return loadProjections(id);
        };
        if (answer.kind && answer.links?.cancel) trackJob(answer, what, (job) => finished(job.result.id));
        else {
          showDone(what);
          finished(answer.id);
        }
      })
      .catch((error) => {
        $('job').hidden = true;
        showError(explain(error));
      });
  }

  function comparePlans(event) {
    event.preventDefault();
    const id = $('projection').value;
    showError('');
    if (!id) return showError('Choose a stored projection.');
    status('Comparing the plans…');
    const when = dateTimeOf($('projection').selectedOptions[0].getAttribute('data-created'));
    const path = '/v1/pathway-projections/' + encodeURIComponent(id);
    Promise.all([api(path + '/comparison'), api(path + '/charts'), api(path)])
      .then((answers) => {
        renderPlans(answers[0], answers[1], state.person.reference + '’s plans, projected ' + when, answers[2]);
        status('Comparison ready.');
      })
      .catch((error) => {
        status('');
        showError(explain(error));
      });
  }

  function renderPlans(comparison, charts, whose, projection) {
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
    // The comparison's plans are the projection's, in its order (the current course first).
    const outcomes = planOutcomesTable(projection, plans, whose);
    if (outcomes) {
      findings.appendChild(outcomes);
      findings.appendChild(
        el('p', {
          text: 'Shares are of the young person’s chance of being counted that day (looked after; for education, employment or training, a care leaver aged 19 to 21). “–”: never counted that day in any run, or not computed.',
        }),
      );
    }
    // Each chart holds every plan, so the plans share one scale. The cases are drawn here (labels
    // wrapped, never cut); the cost by financial year is the server's chart.
    const area = $('charts');
    clear(area);
    area.appendChild(
      rangeChart(
        'Best case, expected and worst case of each plan: ' + whose,
        plans.map((p) => p.label + ': best case (P10) ' + money.format(p.discounted.best) + ', expected ' + money.format(p.discounted.expected) + ', worst case (P90) ' + money.format(p.discounted.worst)).join('. ') + '.',
        'Cost to age ' + comparison.toAgeYears + ', present value: best case (P10) to worst case (P90), dot at the expected value',
        plans.map((p) => ({ label: p.label, from: p.discounted.best, to: p.discounted.worst, mid: p.discounted.expected })),
      ),
    );
    charts.charts.filter((chart) => chart.id !== 'plan-cases').forEach((chart) => {
      area.appendChild(chartFigure(chart, chart.title + ': ' + whose));
    });
    $('download-area').hidden = true;
    $('no-pack').hidden = false;
    state.runIds = null;
    showResult('Cheapest expected: ' + comparison.cheapest.name + '. For costs, the best case is the 10th percentile and the worst case the 90th.');
  }

  document.addEventListener('DOMContentLoaded', () => {
    $('sign-in-form').addEventListener('submit', signIn);
    $('sign-out').addEventListener('click', signOut);
    $('runs-form').addEventListener('submit', compareRuns);
    $('scenario-form').addEventListener('submit', runScenario);
    $('search-form').addEventListener('submit', search);
    $('plans-form').addEventListener('submit', comparePlans);
    $('run-projection').addEventListener('click', runProjection);
    $('job-cancel').addEventListener('click', cancelJob);
    $('mode-runs').addEventListener('change', setMode);
    $('mode-plans').addEventListener('change', setMode);
    $('download').addEventListener('click', download);
    $('runs-team').addEventListener('change', filterRuns);
    $('audit-team').addEventListener('change', () => {
      showError('');
      loadAudit();
    });
    if (token()) start();
    else showSignedIn(false);
  });
})();
