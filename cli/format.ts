/** Readable renderings of ndx objects for the terminal. Pure: strings in, strings out. */
import { styleText } from 'node:util';
import type { LookupReply } from '../contracts/protocol.ts';

const COLOR: Record<LookupReply['status'], Parameters<typeof styleText>[0]> = {
  OK: 'green',
  NOT_FOUND: 'yellow',
  DENIED: 'red',
  INVALID: 'red',
  ERROR: 'magenta',
  DUPLICATE: 'cyan',
};

function value(v: unknown): string {
  if (v === null) return '—';
  if (typeof v === 'object') {
    const o = v as Record<string, unknown>;
    if ('line' in o && 'commune' in o && 'province' in o) return `${o.line}, ${o.commune}, ${o.province}`;
    return JSON.stringify(v);
  }
  return String(v);
}

export function formatReply(reply: LookupReply, color = false): string {
  const paint = (style: Parameters<typeof styleText>[0], s: string) => (color ? styleText(style, s) : s);
  const lines: string[] = [];
  const what = reply.contract ? `${reply.contract}${reply.version ? `@${reply.version}` : ''}` : '';
  const code = reply.code === reply.status ? '' : ` ${reply.code}`;
  lines.push(`${paint(COLOR[reply.status], paint('bold', reply.status))}${code}${what ? `  ${what}` : ''}`);
  lines.push(`  ${reply.message}`);
  if (reply.data && Array.isArray(reply.data.items)) {
    // A page of a list contract: one block per item, then the token for the next page.
    const items = reply.data.items as Array<Record<string, unknown>>;
    lines.push('', `  ${items.length} item(s)${reply.data.nextPageToken ? ', more follow' : ''}`);
    for (const item of items) {
      const width = Math.max(...Object.keys(item).map((k) => k.length));
      lines.push('');
      for (const [k, v] of Object.entries(item)) lines.push(`  ${k.padEnd(width)}  ${value(v)}`);
    }
    if (reply.data.nextPageToken) lines.push('', `  next page   --page-token ${String(reply.data.nextPageToken)}`);
  } else if (reply.data) {
    const width = Math.max(...Object.keys(reply.data).map((k) => k.length));
    lines.push('');
    for (const [k, v] of Object.entries(reply.data)) lines.push(`  ${k.padEnd(width)}  ${value(v)}`);
  }
  if (reply.issues?.length) {
    lines.push('', '  issues:');
    for (const i of reply.issues) lines.push(`    ${i.path}: ${i.message}`);
  }
  lines.push('');
  if (reply.basis) {
    lines.push(
      reply.basis.kind === 'legal'
        ? `  basis       ${reply.basis.instrument}, ${reply.basis.article} (${reply.basis.id})`
        : `  basis       consent ${reply.basis.consentId}`,
    );
  }
  if (reply.purpose) lines.push(`  purpose     ${reply.purpose}`);
  if (reply.provenance) {
    lines.push(`  registry    ${reply.provenance.registry}, record as of ${reply.provenance.asOf}`);
    lines.push(`  audit       ${reply.provenance.auditId}`);
    lines.push(`  digest      sha256:${reply.provenance.digest}`);
  }
  if (reply.original) {
    lines.push(`  first reply ${reply.original.status} ${reply.original.code} at ${reply.original.repliedAt}`);
    lines.push(`  audit       ${reply.original.auditId}`);
    lines.push(`  digest      sha256:${reply.original.digest} (of the first reply)`);
  }
  if (reply.notice) lines.push(paint('yellow', `  notice      ${reply.notice.message}`));
  lines.push(`  request     ${reply.requestId ?? `(unreadable; message ${reply.receivedMessageId})`}`);
  return lines.join('\n');
}
