import { strFromU8, strToU8 } from 'fflate';

/**
 * Native Excel charts added to an .xlsx that ExcelJS wrote (ExcelJS 4.4 writes no charts, and no
 * maintained fork of it does). The parts follow ECMA-376 Part 1 (5th edition), §21.2 DrawingML
 * charts and §20.5 spreadsheet drawing:
 *
 *   xl/charts/chartN.xml          c:chartSpace with a c:barChart and/or c:lineChart on one pair
 *                                 of axes; every series refers to the sheet's cells (c:f) and
 *                                 carries their values (c:strCache / c:numCache), so a reader that
 *                                 does not recalculate still draws the chart
 *   xl/drawings/drawingN.xml      one xdr:twoCellAnchor with a graphicFrame per chart
 *   xl/drawings/_rels/…           drawing → charts
 *   xl/worksheets/_rels/…         sheet → drawing (the sheet gets a <drawing r:id>)
 *   [Content_Types].xml           an Override for each new part
 *
 * The element order inside each element is the schema's sequence (Excel refuses a file otherwise).
 */

/** A series: its name (and the cell holding it), the cell range of its values, and the values in those cells. */
export interface ChartSeries {
  name: string;
  nameRef: string;
  ref: string;
  values: Array<number | null>;
  /** RGB hex without '#'. */
  colour: string;
}

export interface ChartSpec {
  title: string;
  /** 'col': vertical columns; 'bar': horizontal bars (long category labels such as agencies). */
  direction: 'col' | 'bar';
  categories: { ref: string; values: string[] };
  /** Drawn as columns (or bars), clustered. */
  bars: ChartSeries[];
  /** Drawn as lines with markers over the bars, on the same value axis. */
  lines: ChartSeries[];
  valueTitle: string;
  /** Number format of the value axis, e.g. '"£"#,##0'. */
  numberFormat: string;
  /** Bars labelled with their values (c:dLbls), so a bar too short to see still says its figure. */
  valueLabels?: boolean;
}

/** Where a chart sits: zero-based column and row of its top-left and bottom-right cells. */
export interface ChartAnchor {
  from: { col: number; row: number };
  to: { col: number; row: number };
}

export function escapeXml(text: string): string {
  return text.replaceAll('&', '&amp;').replaceAll('<', '&lt;').replaceAll('>', '&gt;').replaceAll('"', '&quot;').replaceAll("'", '&apos;');
}

/** A1 reference with absolute row and column, on a sheet: 'Sheet name'!$B$3:$B$9. */
export function sheetRange(sheet: string, col: number, fromRow: number, toRow = fromRow): string {
  const letter = columnLetter(col);
  const quoted = `'${sheet.replaceAll("'", "''")}'`;
  return fromRow === toRow ? `${quoted}!$${letter}$${fromRow}` : `${quoted}!$${letter}$${fromRow}:$${letter}$${toRow}`;
}

/** 1 → A, 27 → AA. */
export function columnLetter(col: number): string {
  let n = col;
  let out = '';
  while (n > 0) {
    const r = (n - 1) % 26;
    out = String.fromCharCode(65 + r) + out;
    n = Math.floor((n - 1) / 26);
  }
  return out;
}

const NS_C = 'http://schemas.openxmlformats.org/drawingml/2006/chart';
const NS_A = 'http://schemas.openxmlformats.org/drawingml/2006/main';
const NS_R = 'http://schemas.openxmlformats.org/officeDocument/2006/relationships';
const NS_XDR = 'http://schemas.openxmlformats.org/drawingml/2006/spreadsheetDrawing';
const REL_CHART = 'http://schemas.openxmlformats.org/officeDocument/2006/relationships/chart';
const REL_DRAWING = 'http://schemas.openxmlformats.org/officeDocument/2006/relationships/drawing';
const CT_CHART = 'application/vnd.openxmlformats-officedocument.drawingml.chart+xml';
const CT_DRAWING = 'application/vnd.openxmlformats-officedocument.drawing+xml';

function richText(text: string, size: number, bold: boolean): string {
  const b = bold ? ' b="1"' : ' b="0"';
  return `<c:tx><c:rich><a:bodyPr/><a:lstStyle/><a:p><a:pPr><a:defRPr sz="${size}"${b}/></a:pPr><a:r><a:rPr lang="en-GB" sz="${size}"${b}/><a:t>${escapeXml(text)}</a:t></a:r></a:p></c:rich></c:tx><c:overlay val="0"/>`;
}

function strCache(values: string[]): string {
  return `<c:strCache><c:ptCount val="${values.length}"/>${values.map((v, k) => `<c:pt idx="${k}"><c:v>${escapeXml(v)}</c:v></c:pt>`).join('')}</c:strCache>`;
}

function numCache(values: Array<number | null>, format: string): string {
  // A missing value has no c:pt (ECMA-376 §21.2.2.150): the chart leaves a gap.
  const points = values.map((v, k) => (v === null || !Number.isFinite(v) ? '' : `<c:pt idx="${k}"><c:v>${v}</c:v></c:pt>`)).join('');
  return `<c:numCache><c:formatCode>${escapeXml(format)}</c:formatCode><c:ptCount val="${values.length}"/>${points}</c:numCache>`;
}

/** Data labels showing each bar's value, at its outer end (CT_DLbls; it sits between invertIfNegative and cat in CT_BarSer). */
function valueLabelsXml(format: string): string {
  return `<c:dLbls><c:numFmt formatCode="${escapeXml(format)}" sourceLinked="0"/><c:spPr><a:noFill/><a:ln><a:noFill/></a:ln></c:spPr><c:txPr><a:bodyPr/><a:lstStyle/><a:p><a:pPr><a:defRPr sz="800"/></a:pPr><a:endParaRPr lang="en-GB"/></a:p></c:txPr><c:dLblPos val="outEnd"/><c:showLegendKey val="0"/><c:showVal val="1"/><c:showCatName val="0"/><c:showSerName val="0"/><c:showPercent val="0"/><c:showBubbleSize val="0"/></c:dLbls>`;
}

function seriesXml(s: ChartSeries, index: number, spec: ChartSpec, kind: 'bar' | 'line'): string {
  const head = `<c:idx val="${index}"/><c:order val="${index}"/><c:tx><c:strRef><c:f>${escapeXml(s.nameRef)}</c:f>${strCache([s.name])}</c:strRef></c:tx>`;
  const fill =
    kind === 'bar'
      ? `<c:spPr><a:solidFill><a:srgbClr val="${s.colour}"/></a:solidFill></c:spPr><c:invertIfNegative val="0"/>${spec.valueLabels ? valueLabelsXml(spec.numberFormat) : ''}`
      : `<c:spPr><a:ln w="28575" cap="rnd"><a:solidFill><a:srgbClr val="${s.colour}"/></a:solidFill><a:round/></a:ln></c:spPr><c:marker><c:symbol val="circle"/><c:size val="5"/><c:spPr><a:solidFill><a:srgbClr val="${s.colour}"/></a:solidFill></c:spPr></c:marker>`;
  const cat = `<c:cat><c:strRef><c:f>${escapeXml(spec.categories.ref)}</c:f>${strCache(spec.categories.values)}</c:strRef></c:cat>`;
  const val = `<c:val><c:numRef><c:f>${escapeXml(s.ref)}</c:f>${numCache(s.values, spec.numberFormat)}</c:numRef></c:val>`;
  return `<c:ser>${head}${fill}${cat}${val}${kind === 'line' ? '<c:smooth val="0"/>' : ''}</c:ser>`;
}

/** The chart part (xl/charts/chartN.xml) of one chart. */
export function chartSpaceXml(spec: ChartSpec): string {
  const catAxis = 500001;
  const valAxis = 500002;
  const axes = `<c:axId val="${catAxis}"/><c:axId val="${valAxis}"/>`;
  const bar = spec.bars.length
    ? `<c:barChart><c:barDir val="${spec.direction}"/><c:grouping val="clustered"/><c:varyColors val="0"/>${spec.bars.map((s, k) => seriesXml(s, k, spec, 'bar')).join('')}<c:gapWidth val="60"/>${axes}</c:barChart>`
    : '';
  const line = spec.lines.length
    ? `<c:lineChart><c:grouping val="standard"/><c:varyColors val="0"/>${spec.lines.map((s, k) => seriesXml(s, spec.bars.length + k, spec, 'line')).join('')}<c:marker val="1"/>${axes}</c:lineChart>`
    : '';
  const horizontal = spec.direction === 'bar';
  const textProps = `<c:txPr><a:bodyPr/><a:lstStyle/><a:p><a:pPr><a:defRPr sz="900"/></a:pPr><a:endParaRPr lang="en-GB"/></a:p></c:txPr>`;
  // Category labels sit at the low end of the value axis, so negative bars do not run over them.
  const cat = `<c:catAx><c:axId val="${catAxis}"/><c:scaling><c:orientation val="${horizontal ? 'maxMin' : 'minMax'}"/></c:scaling><c:delete val="0"/><c:axPos val="${horizontal ? 'l' : 'b'}"/><c:numFmt formatCode="General" sourceLinked="0"/><c:majorTickMark val="out"/><c:minorTickMark val="none"/><c:tickLblPos val="low"/>${textProps}<c:crossAx val="${valAxis}"/><c:crosses val="autoZero"/><c:auto val="1"/><c:lblAlgn val="ctr"/><c:lblOffset val="100"/><c:noMultiLvlLbl val="0"/></c:catAx>`;
  const val = `<c:valAx><c:axId val="${valAxis}"/><c:scaling><c:orientation val="minMax"/></c:scaling><c:delete val="0"/><c:axPos val="${horizontal ? 'b' : 'l'}"/><c:majorGridlines><c:spPr><a:ln w="6350"><a:solidFill><a:srgbClr val="D9D9D9"/></a:solidFill></a:ln></c:spPr></c:majorGridlines><c:title>${richText(spec.valueTitle, 900, false)}</c:title><c:numFmt formatCode="${escapeXml(spec.numberFormat)}" sourceLinked="0"/><c:majorTickMark val="out"/><c:minorTickMark val="none"/><c:tickLblPos val="nextTo"/>${textProps}<c:crossAx val="${catAxis}"/><c:crosses val="${horizontal ? 'max' : 'autoZero'}"/><c:crossBetween val="between"/></c:valAx>`;
  return (
    `<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n` +
    `<c:chartSpace xmlns:c="${NS_C}" xmlns:a="${NS_A}" xmlns:r="${NS_R}"><c:date1904 val="0"/><c:lang val="en-GB"/><c:roundedCorners val="0"/>` +
    `<c:chart><c:title>${richText(spec.title, 1200, true)}</c:title><c:autoTitleDeleted val="0"/><c:plotArea><c:layout/>${bar}${line}${cat}${val}</c:plotArea>` +
    `<c:legend><c:legendPos val="b"/><c:overlay val="0"/></c:legend><c:plotVisOnly val="1"/><c:dispBlanksAs val="gap"/></c:chart>` +
    `<c:spPr><a:solidFill><a:srgbClr val="FFFFFF"/></a:solidFill><a:ln><a:noFill/></a:ln></c:spPr></c:chartSpace>`
  );
}

function drawingXml(anchors: ChartAnchor[], titles: string[]): string {
  const frames = anchors.map(
    (a, k) =>
      `<xdr:twoCellAnchor editAs="oneCell"><xdr:from><xdr:col>${a.from.col}</xdr:col><xdr:colOff>0</xdr:colOff><xdr:row>${a.from.row}</xdr:row><xdr:rowOff>0</xdr:rowOff></xdr:from>` +
      `<xdr:to><xdr:col>${a.to.col}</xdr:col><xdr:colOff>0</xdr:colOff><xdr:row>${a.to.row}</xdr:row><xdr:rowOff>0</xdr:rowOff></xdr:to>` +
      `<xdr:graphicFrame macro=""><xdr:nvGraphicFramePr><xdr:cNvPr id="${k + 2}" name="Chart ${k + 1}" descr="${escapeXml(titles[k])}"/><xdr:cNvGraphicFramePr/></xdr:nvGraphicFramePr>` +
      `<xdr:xfrm><a:off x="0" y="0"/><a:ext cx="0" cy="0"/></xdr:xfrm><a:graphic><a:graphicData uri="${NS_C}"><c:chart xmlns:c="${NS_C}" r:id="rId${k + 1}"/></a:graphicData></a:graphic></xdr:graphicFrame><xdr:clientData/></xdr:twoCellAnchor>`,
  );
  return `<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n<xdr:wsDr xmlns:xdr="${NS_XDR}" xmlns:a="${NS_A}" xmlns:r="${NS_R}">${frames.join('')}</xdr:wsDr>`;
}

function relationships(rels: Array<{ id: string; type: string; target: string }>): string {
  return `<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">${rels.map((r) => `<Relationship Id="${r.id}" Type="${r.type}" Target="${r.target}"/>`).join('')}</Relationships>`;
}

/** The worksheet part of a sheet, by its name (xl/workbook.xml and its relationships). */
export function worksheetPart(files: Record<string, Uint8Array>, sheetName: string): string {
  const workbook = strFromU8(files['xl/workbook.xml']);
  const sheet = [...workbook.matchAll(/<sheet\b[^>]*>/g)].map((m) => m[0]).find((tag) => tag.includes(`name="${escapeXml(sheetName)}"`));
  const relId = sheet?.match(/r:id="([^"]+)"/)?.[1];
  if (!relId) throw new Error(`no sheet named ${sheetName}`);
  const rels = strFromU8(files['xl/_rels/workbook.xml.rels']);
  const target = [...rels.matchAll(/<Relationship\b[^>]*>/g)].map((m) => m[0]).find((tag) => tag.includes(`Id="${relId}"`))?.match(/Target="([^"]+)"/)?.[1];
  if (!target) throw new Error(`no part for sheet ${sheetName}`);
  return target.startsWith('/') ? target.slice(1) : `xl/${target}`;
}

/**
 * Adds charts to one sheet of an unzipped .xlsx (fflate's unzipSync), in place. The sheet must
 * have no drawing yet (ExcelJS gives one only to a sheet with images).
 */
export function addSheetCharts(files: Record<string, Uint8Array>, sheetName: string, charts: Array<{ spec: ChartSpec; anchor: ChartAnchor }>): void {
  if (charts.length === 0) return;
  const sheetPart = worksheetPart(files, sheetName);
  const existingCharts = Object.keys(files).filter((p) => /^xl\/charts\/chart\d+\.xml$/.test(p)).length;
  const drawingNumber = Object.keys(files).filter((p) => /^xl\/drawings\/drawing\d+\.xml$/.test(p)).length + 1;
  const drawingPath = `xl/drawings/drawing${drawingNumber}.xml`;
  const chartNumbers = charts.map((_, k) => existingCharts + k + 1);

  chartNumbers.forEach((n, k) => {
    files[`xl/charts/chart${n}.xml`] = strToU8(chartSpaceXml(charts[k].spec));
  });
  files[drawingPath] = strToU8(drawingXml(charts.map((c) => c.anchor), charts.map((c) => c.spec.title)));
  files[`xl/drawings/_rels/drawing${drawingNumber}.xml.rels`] = strToU8(relationships(chartNumbers.map((n, k) => ({ id: `rId${k + 1}`, type: REL_CHART, target: `../charts/chart${n}.xml` }))));

  // The sheet's relationships: ExcelJS writes the file only when the sheet has some.
  const sheetFile = sheetPart.slice(sheetPart.lastIndexOf('/') + 1);
  const sheetRelsPath = `${sheetPart.slice(0, sheetPart.lastIndexOf('/'))}/_rels/${sheetFile}.rels`;
  const existing = files[sheetRelsPath] ? strFromU8(files[sheetRelsPath]) : null;
  const usedIds = new Set(existing ? [...existing.matchAll(/Id="([^"]+)"/g)].map((m) => m[1]) : []);
  let relNumber = usedIds.size + 1;
  while (usedIds.has(`rId${relNumber}`)) relNumber++;
  const drawingRel = `<Relationship Id="rId${relNumber}" Type="${REL_DRAWING}" Target="../drawings/drawing${drawingNumber}.xml"/>`;
  files[sheetRelsPath] = strToU8(existing ? existing.replace('</Relationships>', `${drawingRel}</Relationships>`) : relationships([{ id: `rId${relNumber}`, type: REL_DRAWING, target: `../drawings/drawing${drawingNumber}.xml` }]));

  // <drawing> comes after the page setup and header/footer and before any legacy drawing,
  // table parts or extensions (CT_Worksheet's sequence, ECMA-376 §18.3.1.99).
  let sheetXml = strFromU8(files[sheetPart]);
  if (!sheetXml.includes('xmlns:r=')) sheetXml = sheetXml.replace('<worksheet ', `<worksheet xmlns:r="${NS_R}" `);
  const before = ['<legacyDrawing', '<legacyDrawingHF', '<drawingHF', '<picture', '<oleObjects', '<controls', '<webPublishItems', '<tableParts', '<extLst', '</worksheet>'];
  const at = Math.min(...before.map((tag) => sheetXml.indexOf(tag)).filter((i) => i >= 0));
  files[sheetPart] = strToU8(`${sheetXml.slice(0, at)}<drawing r:id="rId${relNumber}"/>${sheetXml.slice(at)}`);

  let types = strFromU8(files['[Content_Types].xml']);
  const overrides = [...chartNumbers.map((n) => `<Override PartName="/xl/charts/chart${n}.xml" ContentType="${CT_CHART}"/>`), `<Override PartName="/${drawingPath}" ContentType="${CT_DRAWING}"/>`];
  types = types.replace('</Types>', `${overrides.join('')}</Types>`);
  files['[Content_Types].xml'] = strToU8(types);
}
