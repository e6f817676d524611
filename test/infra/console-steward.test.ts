/**
 * What the console function may do for the stewards' catalogue: read and change lifecycle records in
 * the contracts table (Query, PutItem to propose, UpdateItem for every later step, as
 * aws/contract-registry.ts sends them) and read the audit trail for the consumers report, without
 * ever deleting a lifecycle record or changing an audit record.
 */
import { describe, expect, it } from 'vitest';
import { names } from '../../config/names.ts';
import { asArray, build, consoleTestConfig as withConsole, logicalId, roleStatements, synthesize } from './helpers.ts';

describe('the console function’s access for the stewards’ catalogue', () => {
  const platform = synthesize(build(withConsole)).json.get('ndx-platform')!;
  const fnId = logicalId(platform, 'AWS::Lambda::Function', 'FunctionName', 'ndx-console');
  const statements = roleStatements(platform, platform.Resources[fnId]!.Properties!.Role['Fn::GetAtt'][0]);
  const on = (table: string) =>
    statements.filter((st) => JSON.stringify(st.Resource).includes(`"${logicalId(platform, 'AWS::DynamoDB::Table', 'TableName', table)}"`));
  const actions = (table: string) => [...new Set(on(table).flatMap((st) => asArray(st.Action)))].sort();

  it('reads, proposes and moves on contract versions, and never deletes a lifecycle record', () => {
    expect(actions(names.contractTable)).toEqual(['dynamodb:PutItem', 'dynamodb:Query', 'dynamodb:UpdateItem']);
  });

  it('may encrypt with the platform key (a write to a customer-managed-key table needs it)', () => {
    const kms = statements.filter((st) => asArray(st.Action).includes('kms:GenerateDataKey'));
    expect(kms.length).toBeGreaterThan(0);
  });

  it('reads the audit trail for the consumers report but cannot change or delete an audit record', () => {
    const audit = actions(names.auditTable);
    expect(audit).toContain('dynamodb:Query');
    expect(audit).not.toContain('dynamodb:UpdateItem');
    expect(audit).not.toContain('dynamodb:DeleteItem');
  });
});
