import { checkCodes, note, type ParsedFile, readDateCell } from './episodes.ts';
import type { FileKind } from './import.ts';
import type { Ssda903Mapping } from './mapping.ts';
import type { ReportCollector } from './report.ts';

/**
 * Children's dates of birth and UASC flags from the header, UASC and OC3 tables. The header is
 * the primary source, then the UASC table, then OC3; within the best kind, every record votes
 * (two different rows of one file for the same child included: a conflict, not a duplicate), the
 * date most records agree on wins, a tie goes to the latest return, and a tie within the latest
 * return leaves the child out. Every disagreement is reported.
 */

/** Values of a UASC column in the header table that mean "yes" (the open validator writes 1). */
const UASC_YES = new Set(['1', 'Y', 'YES', 'TRUE']);

interface DobSource {
  file: string;
  row: number;
  returnYear: number;
  priority: number;
  dob: number;
}

export function datesOfBirth(files: ParsedFile[], mapping: Ssda903Mapping, collector: ReportCollector): { dobOf: Map<string, number>; uasc: Set<string> } {
  // Dates of birth: the header is the primary source, then the UASC file, then OC3. Every
  // record votes, two rows of one file for the same child included (a conflict, not a duplicate).
  const dobSources = new Map<string, DobSource[]>();
  const uasc = new Set<string>();
  const priority: Record<FileKind, number> = { header: 3, uasc: 2, oc3: 1, episodes: 0 };
  for (const file of files) {
    if (file.kind === 'episodes') continue;
    const seenInFile = new Map<string, { row: number; signature: string }>();
    for (const row of file.rows) {
      const child = row.cells.CHILD;
      if (child === '') {
        note(collector, file.name, row.row, 'CHILD', 'missing_value', 'dropped', 'a row without a child cannot be used');
        continue;
      }
      if (file.kind !== 'oc3') checkCodes(file, row, mapping, collector);
      const dob = row.cells.DOB === '' ? undefined : readDateCell(collector, file.name, row.row, 'DOB', row.cells.DOB);
      if (dob === undefined) {
        note(collector, file.name, row.row, 'DOB', row.cells.DOB === '' ? 'missing_value' : 'invalid_date', 'dropped', 'the date of birth cannot be read; another file’s is used if there is one');
        continue;
      }
      if (file.kind !== 'oc3') {
        const signature = Object.values(row.cells).join('\u0000');
        const first = seenInFile.get(child);
        if (first !== undefined) {
          if (first.signature === signature) {
            note(collector, file.name, row.row, undefined, 'duplicate_row', 'dropped', `the same as row ${first.row}`);
            continue;
          }
          note(collector, file.name, row.row, undefined, 'conflicting_rows', 'kept', `the child is also in row ${first.row}, differently: both rows vote on the date of birth with every other record`);
        } else {
          seenInFile.set(child, { row: row.row, signature });
        }
        if (file.kind === 'header' && UASC_YES.has((row.cells.UASC ?? '').trim().toUpperCase())) uasc.add(child);
      }
      if (file.kind === 'uasc') uasc.add(child);
      const list = dobSources.get(child) ?? [];
      list.push({ file: file.name, row: row.row, returnYear: file.returnYear, priority: priority[file.kind], dob });
      dobSources.set(child, list);
    }
  }
  // The date most records of the best kind agree on wins; a tie goes to the latest return; a tie
  // within the latest return cannot be resolved, and the child is left out.
  const dobOf = new Map<string, number>();
  for (const [child, list] of dobSources) {
    const best = Math.max(...list.map((s) => s.priority));
    const votes = new Map<number, { count: number; latest: DobSource }>();
    for (const s of list) {
      if (s.priority !== best) continue;
      const v = votes.get(s.dob);
      if (!v) votes.set(s.dob, { count: 1, latest: s });
      else {
        v.count += 1;
        if (s.returnYear > v.latest.returnYear) v.latest = s;
      }
    }
    const ranked = [...votes.values()].sort((a, b) => b.count - a.count || b.latest.returnYear - a.latest.returnYear);
    if (ranked.length > 1 && ranked[0].count === ranked[1].count && ranked[0].latest.returnYear === ranked[1].latest.returnYear) {
      for (const s of list) note(collector, s.file, s.row, 'DOB', 'dob_disagreement', 'dropped', 'the records disagree on the date of birth with no majority and no later return to settle it: the child is left out');
      continue;
    }
    const chosen = ranked[0].latest;
    dobOf.set(child, chosen.dob);
    for (const s of list) {
      if (s.dob !== chosen.dob) {
        note(collector, s.file, s.row, 'DOB', 'dob_disagreement', 'fixed', `differs from the date of birth in ${chosen.file} row ${chosen.row}, which is used (${ranked[0].count} record(s) agree on it; the date most records agree on wins, a tie goes to the latest return)`);
      }
    }
  }
  return { dobOf, uasc };
}
