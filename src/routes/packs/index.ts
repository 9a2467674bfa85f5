import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import type { FastifyInstance, FastifyReply } from 'fastify';
import { planAnnualCostChart, planCasesChart } from '../../export/plan-charts.ts';
import { conflict, IdParams, notFound, standardErrors } from '../../schemas/common.ts';
import { ExportScenarioPackBody, PackPreview, PackPreviewQuery, ProjectionCharts } from '../../schemas/packs.ts';
import { exportScenarioPack, type PackDeps, parsePackRunIds, previewScenarioPack } from '../../services/packs.ts';
import { getPathwayProjection } from '../../services/pathway-projections.ts';
import type { ScenarioPack } from '../../export/pack.ts';

const PACK_CONTENTS = [
  'One zip: `workbook.xlsx` (summary; spend by financial year and by agency, as now, with the strategy and the saving, mean and percentiles; children by care state at each year end; outcomes; interventions; invest to save by agency; net benefit and payback by year; for a run with a funding arrangement, a Funding sheet: who pays and who gains by organisation, the pool’s partners, each outcomes contract with commissioner and investor side by side, reinvestment; sensitivity; the NPV distribution; every model and scenario input with its source; sources; the balanced scorecard as the programme board reads it from GET /v1/scorecard (protected by the small-numbers rule whoever exports), at the latest quarter end on or before the export date, for the organisation and each team with actual, target, red-amber-green status in words and colour and the trend by quarter; notes),',
  '`report.pdf` (A4; page 1 gives the board’s figures side by side: NPV with best and worst case, benefit-cost ratio, PV costs and benefits, cashable and non-cashable benefits, chance of benefit, payback year, first-year pressure, with the price base and discount rate; then savings by financial year in cash and discounted with running totals, the best/expected/worst chart, and for each run its findings in plain language, the fan chart of annual spend with P5-P95 bands, the savings distribution, the tornado of drivers, spend by agency and children looked after, and a funding page for each run with funding), `tables/*.csv` (the sheets), `charts/*.svg` (the charts),',
  'and `manifest.json` (model and scenario ids, versions and content hashes, cohort hash, seed, runs, software version, creation time, and the sha256 of every file): the same scenario version on the same model version and cohort with that seed and number of runs reproduces every number.',
  'Aggregates only: no young person’s reference or record. Counts of children of 1 to 4 are shown as `<5`, and a second figure is hidden (`c`) wherever a shown total would give a hidden one away; money for a group of fewer than 5 children (an intervention’s cost, a pooled budget’s or an outcomes contract’s money when a service in it is started by fewer than 5) is `withheld`.',
  'Every export is audited (`pack.export`, with the run ids).',
].join(' ');

const zipResponse = {
  description: 'The pack (application/zip), as an attachment',
  content: { 'application/zip': { schema: { type: 'string', format: 'binary' } } },
};

function sendPack(reply: FastifyReply, pack: ScenarioPack) {
  return reply
    .code(200)
    .header('content-type', 'application/zip')
    .header('content-disposition', `attachment; filename="${pack.fileName}"`)
    .header('cache-control', 'no-store')
    .send(Buffer.from(pack.zip.buffer, pack.zip.byteOffset, pack.zip.byteLength));
}

export default async function packRoutes(instance: FastifyInstance) {
  const fastify = instance.withTypeProvider<TypeBoxTypeProvider>();
  const deps = (): PackDeps => ({ db: fastify.db, catalog: fastify.catalog, render: (input) => fastify.offload.renderPack(input), scorecard: fastify.offload, recordsCompleteFrom: fastify.config.recordsCompleteFrom });

  fastify.post(
    '/v1/packs',
    {
      config: { capability: 'packs:export' },
      schema: {
        operationId: 'exportScenarioPack',
        tags: ['packs'],
        summary: 'Download a scenario pack for the programme board: one run, or several side by side',
        description: `${PACK_CONTENTS}\n\nAn unknown run answers 404; runs over different cohorts answer 409 unless \`allowDifferentCohorts\` is true; a run whose model version is no longer in the catalog answers 409.`,
        body: ExportScenarioPackBody,
        response: { 200: zipResponse, ...standardErrors, ...notFound, ...conflict },
      },
    },
    async (request, reply) => {
      const body = request.body;
      const pack = await exportScenarioPack(deps(), request.actor, { runIds: body.runIds.map((id) => id.toLowerCase()), allowDifferentCohorts: body.allowDifferentCohorts ?? false, viewer: request.actor.role }, new Date());
      return sendPack(reply, pack);
    },
  );

  fastify.get(
    '/v1/scenario-runs/:id/pack',
    {
      config: { capability: 'packs:export' },
      schema: {
        operationId: 'exportScenarioRunPack',
        tags: ['packs'],
        summary: 'Download the scenario pack of one stored run',
        description: `The pack of exportScenarioPack for one run. ${PACK_CONTENTS}`,
        params: IdParams,
        response: { 200: zipResponse, ...standardErrors, ...notFound, ...conflict },
      },
    },
    async (request, reply) => {
      const pack = await exportScenarioPack(deps(), request.actor, { runIds: [request.params.id.toLowerCase()], allowDifferentCohorts: false, viewer: request.actor.role }, new Date());
      return sendPack(reply, pack);
    },
  );

  fastify.get(
    '/v1/packs/preview',
    {
      config: { capability: 'aggregates:read' },
      schema: {
        operationId: 'previewScenarioPack',
        tags: ['packs'],
        summary: 'What the pack of some runs shows: best, expected and worst case, findings and charts (the comparison page reads this)',
        description:
          'For each run: net present value and the saving over the planning years as best case (P90), expected (mean) and worst case (P10), the chance benefits exceed costs, the median payback year and the findings in plain language; how the runs compare; and the pack’s charts as SVG with a text alternative each. Counts under disclosure control, as in the pack. Not audited (nothing leaves as a file); unknown runs answer 404, different cohorts 409 unless allowDifferentCohorts=true.',
        querystring: PackPreviewQuery,
        response: { 200: PackPreview, ...standardErrors, ...notFound, ...conflict },
      },
    },
    async (request) =>
      previewScenarioPack(deps(), { runIds: parsePackRunIds(request.query.runs, 'querystring/runs'), allowDifferentCohorts: request.query.allowDifferentCohorts ?? false, viewer: request.actor.role }, new Date()),
  );

  fastify.get(
    '/v1/pathway-projections/:id/charts',
    {
      config: { capability: 'individuals:read' },
      schema: {
        operationId: 'getPathwayProjectionCharts',
        tags: ['projections'],
        summary: 'Charts of a stored pathway projection: best, expected and worst case of each plan, and each plan’s cost by financial year',
        description: 'SVG documents with a text alternative each, drawn on the server like the scenario packs’ charts. For the comparison page; individual young people’s projections never go into a pack.',
        params: IdParams,
        response: { 200: ProjectionCharts, ...standardErrors, ...notFound },
      },
    },
    async (request) => {
      const projection = await getPathwayProjection(fastify.db, request.params.id);
      const plans = projection.result.plans.map((plan) => ({
        name: plan.name,
        total: plan.total.discounted,
        byFinancialYear: plan.byFinancialYear.map((y) => ({ financialYear: y.financialYear, cash: y.cash })),
      }));
      return { projectionId: projection.id, charts: [await planCasesChart(plans), await planAnnualCostChart(plans)] };
    },
  );
}

