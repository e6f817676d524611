/**
 * What a step between two indicator versions needs (semver as governance, extended to code lists):
 * removing or recoding a code, changing the dimensions, the period, the measure, or loosening disclosure
 * control is MAJOR; adding a code or tightening disclosure control is MINOR; renaming a code or a
 * dimension is PATCH. Called from contracts/governance.ts `changeReasons`.
 */
import type { CodeList, IndicatorSpec } from './model.ts';

/** One reason a step needs a bump (the shape of governance.ts's Reason). */
export interface CodeListReason {
  bump: 'PATCH' | 'MINOR' | 'MAJOR';
  message: string;
  path?: string;
}

function codeListReasons(dimension: string, prev: CodeList, next: CodeList): CodeListReason[] {
  const reasons: CodeListReason[] = [];
  const path = `$.${dimension}`;
  if (prev.id !== next.id) reasons.push({ bump: 'MAJOR', path, message: `${dimension} changes code list: ${prev.id} → ${next.id}` });
  const nextById = new Map(next.codes.map((c) => [c.id, c]));
  const prevById = new Map(prev.codes.map((c) => [c.id, c]));
  const added = next.codes.filter((c) => !prevById.has(c.id));
  for (const old of prev.codes) {
    const now = nextById.get(old.id);
    if (!now) {
      const recoded = added.find((c) => c.name.en === old.name.en);
      reasons.push({
        bump: 'MAJOR',
        path,
        message: recoded
          ? `${prev.id}: code ${old.id} recoded as ${recoded.id} (“${old.name.en}”): consumers' series keyed by ${old.id} break`
          : `${prev.id}: code ${old.id} (“${old.name.en}”) removed: consumers' series keyed by it break`,
      });
    } else if (now.name.en !== old.name.en || now.name.vi !== old.name.vi) {
      reasons.push({ bump: 'PATCH', path, message: `${prev.id}: code ${old.id} renamed “${old.name.en}” → “${now.name.en}”` });
    }
  }
  for (const c of added) {
    if (!prev.codes.some((old) => old.name.en === c.name.en && !nextById.has(old.id)))
      reasons.push({ bump: 'MINOR', path, message: `${next.id}: code ${c.id} (“${c.name.en}”) added` });
  }
  return reasons;
}

/** Every reason the step between two versions needs a bump, for what the indicator structure adds to a contract. */
export function indicatorReasons(prev: IndicatorSpec | undefined, next: IndicatorSpec | undefined): CodeListReason[] {
  if (!prev && !next) return [];
  if (!prev || !next) return [{ bump: 'MAJOR', message: prev ? 'the version stops being an indicator' : 'the version becomes an indicator' }];
  const reasons: CodeListReason[] = [];
  const ids = (s: IndicatorSpec) => s.dimensions.map((d) => d.id).join(', ');
  if (ids(prev) !== ids(next)) {
    reasons.push({ bump: 'MAJOR', message: `dimensions change: [${ids(prev)}] → [${ids(next)}]` });
    return reasons;
  }
  for (const [i, d] of prev.dimensions.entries()) {
    const n = next.dimensions[i];
    if (!n) continue;
    reasons.push(...codeListReasons(d.id, d.codeList, n.codeList));
    if (d.name.en !== n.name.en || d.name.vi !== n.name.vi) reasons.push({ bump: 'PATCH', message: `dimension ${d.id} renamed` });
  }
  if (prev.period.frequency !== next.period.frequency)
    reasons.push({ bump: 'MAJOR', message: `period frequency changes: ${prev.period.frequency} → ${next.period.frequency}` });
  if (prev.measure.unit !== next.measure.unit)
    reasons.push({ bump: 'MAJOR', message: `the measure's unit changes: ${prev.measure.unit} → ${next.measure.unit}` });
  const a = prev.disclosure;
  const b = next.disclosure;
  if (b.threshold < a.threshold)
    reasons.push({ bump: 'MAJOR', message: `disclosure control loosens: threshold ${a.threshold} → ${b.threshold} (releases smaller counts)` });
  else if (b.threshold > a.threshold) reasons.push({ bump: 'MINOR', message: `disclosure control tightens: threshold ${a.threshold} → ${b.threshold}` });
  const dom = (d: IndicatorSpec['disclosure']) => (d.dominance ? `(${d.dominance.n}, ${d.dominance.k})` : 'none');
  if (dom(a) !== dom(b)) {
    const looser = !b.dominance || (a.dominance && (b.dominance.k > a.dominance.k || b.dominance.n < a.dominance.n));
    reasons.push({ bump: looser ? 'MAJOR' : 'MINOR', message: `dominance rule changes: ${dom(a)} → ${dom(b)}` });
  }
  return reasons;
}
