// The borough at a glance: children and committed spend by placement type, month by month, from
// GET /v1/borough. Signs in as the comparison page does (the token in sessionStorage under the
// same key, sent as a bearer header); every text from the API goes on the page as text.

(() => {
  const TOKEN_KEY = 'pathcast.token';
  const pounds = new Intl.NumberFormat('en-GB', { style: 'currency', currency: 'GBP', maximumFractionDigits: 0 });
  const monthName = new Intl.DateTimeFormat('en-GB', { month: 'short', year: 'numeric', timeZone: 'UTC' });
  const longMonth = new Intl.DateTimeFormat('en-GB', { month: 'long', year: 'numeric', timeZone: 'UTC' });
  const longDate = new Intl.DateTimeFormat('en-GB', { day: 'numeric', month: 'long', year: 'numeric' });
  const $ = (id) => document.getElementById(id);

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

  function showError(message) {
    $('error').textContent = message || '';
    $('error').hidden = !message;
  }

  function monthDate(month) {
    const parts = month.split('-').map(Number);
    return new Date(Date.UTC(parts[0], parts[1] - 1, 1));
  }

  function money(value) {
    return value === null ? 'withheld' : pounds.format(value);
  }

  function api(path) {
    return fetch(path, { headers: { authorization: 'Bearer ' + sessionStorage.getItem(TOKEN_KEY), accept: 'application/json' } }).then((response) => {
      if (response.ok) return response.json();
      return response.json().catch(() => ({})).then((problem) => {
        const error = new Error(problem.detail || problem.title || 'The service answered ' + response.status);
        error.status = response.status;
        throw error;
      });
    });
  }

  /** A table: rows of placement types (and a total), a column per month, a cell from pick(cell). */
  function fill(table, answer, pick, isMoney) {
    const caption = table.querySelector('caption');
    while (table.lastChild !== caption) table.removeChild(table.lastChild);
    const head = el('tr', {}, [el('th', { scope: 'col', text: 'Placement type' })].concat(answer.byMonth.map((m) => el('th', { scope: 'col', class: 'num', text: monthName.format(monthDate(m.month)) }))));
    table.appendChild(el('thead', {}, [head]));
    const body = el('tbody');
    answer.placementTypes.forEach((type, k) => {
      body.appendChild(el('tr', {}, [el('th', { scope: 'row', text: type.label })].concat(answer.byMonth.map((m) => el('td', { class: 'num', text: format(pick(m.byType[k]), isMoney) })))));
    });
    body.appendChild(el('tr', { class: 'total' }, [el('th', { scope: 'row', text: 'All placements' })].concat(answer.byMonth.map((m) => el('td', { class: 'num', text: format(pick(m.total), isMoney) })))));
    table.appendChild(body);
  }

  function format(value, isMoney) {
    if (!isMoney) return typeof value === 'number' ? value.toLocaleString('en-GB') : String(value);
    return money(value);
  }

  const spendOf = (cell) => (cell.placementSpend === null || cell.servicesSpend === null ? null : cell.placementSpend + cell.servicesSpend);

  function fillYears(table, answer) {
    const caption = table.querySelector('caption');
    while (table.lastChild !== caption) table.removeChild(table.lastChild);
    const years = [];
    answer.byMonth.forEach((m) => { if (!years.includes(m.financialYear)) years.push(m.financialYear); });
    const total = (cells) => cells.reduce((sum, v) => (sum === null || v === null ? null : sum + v), 0);
    const countIn = (year) => answer.byMonth.filter((m) => m.financialYear === year).length;
    table.appendChild(el('thead', {}, [el('tr', {}, [el('th', { scope: 'col', text: 'Placement type' })].concat(years.map((y) => el('th', { scope: 'col', class: 'num', text: 'Financial year ' + y + ' (' + countIn(y) + (countIn(y) === 1 ? ' month)' : ' months)') }))))]));
    const body = el('tbody');
    const row = (label, pick, cls) =>
      el('tr', cls ? { class: cls } : {}, [el('th', { scope: 'row', text: label })].concat(years.map((y) => el('td', { class: 'num', text: money(total(answer.byMonth.filter((m) => m.financialYear === y).map(pick))) }))));
    answer.placementTypes.forEach((type, k) => {
      body.appendChild(row(type.label, (m) => spendOf(m.byType[k])));
    });
    body.appendChild(row('All placements', (m) => spendOf(m.total), 'total'));
    table.appendChild(body);
  }

  /** Hides and disables the team filter (roles without individual access: GET /v1/borough refuses ?team= with 403). */
  function withoutTeams() {
    $('team').value = '';
    $('team').disabled = true;
    $('team-control').hidden = true;
  }

  /**
   * Offers the team filter (GET /v1/borough?team=) to roles that read individual records, from
   * GET /v1/teams; the board is refused a team's borough view (403) and is not offered it.
   */
  function loadTeams() {
    return Promise.all([api('/v1/tokens/current'), api('/v1/teams')])
      .then(([me, teams]) => {
        const select = $('team');
        while (select.options.length > 1) select.remove(1);
        if (me.capabilities.indexOf('individuals:read') < 0 || teams.items.length === 0) return withoutTeams();
        teams.items.forEach((team) => {
          select.appendChild(el('option', { value: team.id, text: team.name }));
        });
        select.disabled = false;
        $('team-control').hidden = false;
      })
      .catch(() => withoutTeams());
  }

  function load() {
    showError('');
    const params = new URLSearchParams();
    if ($('from').value) params.set('from', $('from').value);
    params.set('months', $('months').value || '12');
    const team = $('team').disabled ? '' : $('team').value;
    if (team) params.set('team', team);
    return api('/v1/borough?' + params.toString())
      .then((answer) => {
        const teamName = team ? $('team').options[$('team').selectedIndex].text : '';
        $('sign-in').hidden = true;
        $('view').hidden = false;
        const first = monthDate(answer.byMonth[0].month);
        const last = monthDate(answer.byMonth[answer.byMonth.length - 1].month);
        if (!$('from').value) $('from').value = answer.from;
        $('period-heading').textContent = longMonth.format(first) + ' to ' + longMonth.format(last) + (teamName ? ', ' + teamName + ' team' : '') + ', as recorded on ' + longDate.format(new Date());
        $('disclosure').textContent = answer.disclosure.note;
        $('method').textContent = answer.method;
        fill($('children-table'), answer, (c) => c.children, false);
        fill($('spend-table'), answer, spendOf, true);
        fillYears($('year-table'), answer);
        document.body.setAttribute('data-ready', 'true');
      })
      .catch((error) => {
        if (error.status === 401) {
          sessionStorage.removeItem(TOKEN_KEY);
          $('sign-in').hidden = false;
          $('view').hidden = true;
        }
        // A team's view refused (403): this role reads the whole borough only.
        if (error.status === 403 && team) withoutTeams();
        showError(error.message);
      });
  }

  document.addEventListener('DOMContentLoaded', () => {
    $('sign-in-form').addEventListener('submit', (event) => {
      event.preventDefault();
      const value = $('token').value.trim();
      if (!value) return showError('Enter your API token.');
      sessionStorage.setItem(TOKEN_KEY, value);
      $('token').value = '';
      loadTeams().then(load);
    });
    $('period-form').addEventListener('submit', (event) => {
      event.preventDefault();
      load();
    });
    if (sessionStorage.getItem(TOKEN_KEY)) loadTeams().then(load);
    else $('sign-in').hidden = false;
  });
})();
