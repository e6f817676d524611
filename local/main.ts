/**
 * `npm start`: runs ndx locally on the embedded engine and prints how to use it.
 * Environment: NDX_PORT (default 4566), NDX_DATA_DIR (keep DynamoDB data there), NDX_LOG_LEVEL,
 * NDX_STOP_SECONDS (how long Ctrl-C waits for accepted lookups to be answered, default 20).
 */
import { styleText } from 'node:util';
import config from '../ndx.config.ts';
import { documentClient } from '../aws/clients.ts';
import { names } from '../config/names.ts';
import { DEFAULT_PORT, LOCAL_PEPPER } from '../config/local.ts';
import { EndpointConfigError, localPort } from '../config/endpoint.ts';
import { assertDataDirFree, DataDirInUseError } from './data-dir.ts';
import { startEngine, type Engine } from './engine.ts';
import { DEMO_POPULATION, DEMO_SEED, seedDemo } from '../synthetic/demo.ts';
import { businessOverHttp } from './agency-system.ts';
import { stopOnSignals } from './signals.ts';
import { TOKEN_PATH } from './issuer.ts';
import { demoCitizens } from './console-sign-in.ts';

/** An expected failure: a sentence saying what to do, exit 2, no stack trace. */
function fail(message: string): never {
  console.error(`ndx: ${message}`);
  process.exit(2);
}

let port: number;
try {
  port = localPort(process.env); // the same rule the CLI follows (config/endpoint.ts)
} catch (error) {
  fail(error instanceof EndpointConfigError ? error.message : String(error));
}
const dataDir = process.env.NDX_DATA_DIR || undefined;
if (dataDir) {
  try {
    await assertDataDirFree(dataDir);
  } catch (error) {
    if (error instanceof DataDirInUseError) fail(error.message);
    throw error;
  }
}
// NDX_BUSINESS_SOURCE=http: the business registry is read over HTTP from a stand-in for the portal's own system.
const http = process.env.NDX_BUSINESS_SOURCE === 'http' ? await businessOverHttp(config, { seed: DEMO_SEED, count: DEMO_POPULATION }) : undefined;

const started = Date.now();
let engine: Engine;
try {
  engine = await startEngine({ config: http?.config ?? config, port, ...(dataDir ? { dataDir } : {}) });
} catch (error) {
  const e = error as NodeJS.ErrnoException;
  if (e.code === 'EADDRINUSE') {
    fail(`port ${port} is in use (another ndx or LocalStack?). Stop it, or run with NDX_PORT=4567 npm start (and the same NDX_PORT for ndx).`);
  }
  throw error;
}
const demo = await seedDemo(documentClient(), {
  pepper: process.env.NDX_PEPPER ?? LOCAL_PEPPER,
  onProgress: (n, total, registry = 'population') => {
    if (process.stdout.isTTY) process.stdout.write(`\r\x1b[Kseeding ${registry} ${n}/${total}`);
  },
});
if (process.stdout.isTTY) process.stdout.write('\r\x1b[K');
engine.api.issuer.console.setPeople(demoCitizens(demo));

const b = (s: string) => styleText('bold', s);
// The CLI finds this engine by the same rule: NDX_PORT, when it is not the default.
const endpointFlag = port === DEFAULT_PORT ? '' : ` --endpoint ${engine.endpoint.url}`;
const active = demo.consents.find((c) => c.state === 'ACTIVE');
const apiClient = engine.api.issuer.clients.find((c) => c.agency === 'hanoi-land-office');
console.log(`${b('ndx')} local platform (${((Date.now() - started) / 1000).toFixed(1)} s)
  endpoint   ${engine.endpoint.url}   (DynamoDB and SQS; region ${engine.region}; any access key)
  data       ${dataDir ? `DynamoDB kept in ${dataDir}` : 'in memory (set NDX_DATA_DIR=.ndx/data to keep it)'}
  tables     ${engine.resources.tables.map((t) => t.TableName).join(', ')}
  queues     ${engine.resources.queues.length} (${engine.resources.queues
    .filter((q) => !q.name.endsWith('-dlq'))
    .map((q) => q.name)
    .join(', ')}, and their DLQs)
  registries population: ${demo.population} synthetic citizens; business: ${demo.world.written.business} items; social-insurance: ${demo.world.written['social-insurance']} participants; land: ${demo.world.written.land} items (parcels and their users)${
    http
      ? `
             business read over HTTP from ${http.system.url} (NDX_BUSINESS_SOURCE=http)`
      : ''
  }

${b('agencies')}
${config.agencies.map((a) => `  ${a.id.padEnd(22)} ${a.name}\n  ${''.padEnd(22)} sends to ${names.agencyOutQueue(a.id)}, replies on ${names.agencyInQueue(a.id)}`).join('\n')}

${b('first lookup')} (in another terminal):
  npx ndx lookup${endpointFlag} --as hanoi-land-office --contract population.identity-verification \\
    --purpose LAND_REGISTRATION --subject nationalId=${demo.living.nationalId}
${
  active
    ? `
${b('with consent')}:
  npx ndx lookup${endpointFlag} --as ${active.consumer} --contract population.residence \\
    --purpose ${active.purpose} --subject nationalId=${active.nationalId} --consent ${active.consentId}
  (also seeded: ${demo.consents
    .filter((c) => c !== active)
    .map((c) => `${c.consentId} for ${c.nationalId}`)
    .join(', ')})
`
    : ''
}
${b('the other registries')} (\`ndx seed\` loads more; every owner, representative and employer exists in the others):
  npx ndx lookup${endpointFlag} --as hanoi-land-office --contract land.parcels-by-owner \\
    --purpose LAND_REGISTRATION --subject nationalId=${demo.world.examples.owner.nationalId} --page-size 2
  npx ndx lookup${endpointFlag} --as hanoi-land-office --contract land.parcel --purpose LAND_REGISTRATION --subject parcelId=${demo.world.examples.parcel}
  npx ndx lookup${endpointFlag} --as hanoi-land-office --contract social-insurance.participation \\
    --purpose LAND_REGISTRATION --subject nationalId=${demo.world.examples.employee.nationalId}
  npx ndx lookup${endpointFlag} --as hanoi-land-office --contract business.enterprise-profile \\
    --purpose LAND_REGISTRATION --subject enterpriseCode=${demo.world.examples.employee.employerCode}
  npx ndx lookup${endpointFlag} --as danang-tax-office --contract business.enterprises-by-representative \\
    --purpose TAX_ENFORCEMENT --subject nationalId=${demo.world.examples.representative.nationalId}
  npx ndx lookup${endpointFlag} --as ${demo.bankConsent.consumer} --contract social-insurance.participation \\
    --purpose ${demo.bankConsent.purpose} --subject nationalId=${demo.bankConsent.nationalId} --consent ${demo.bankConsent.consentId}

${b('the console')} (citizens, stewards, operators; a demo sign-in, no password): ${engine.console.url}

${b('stewards, citizens, operators')} on the command line:
  npx ndx${endpointFlag} contract list                    # contracts and their lifecycle (see README: the steward's walkthrough)
  npx ndx${endpointFlag} audit trail --subject nationalId=${demo.living.nationalId}   # who looked at this citizen's data
  npx ndx${endpointFlag} audit verify                     # the audit chain is whole
  npx ndx${endpointFlag} ops status                       # queues, DLQs, registries

${b('the agency HTTP API')} (${engine.api.url}; OAuth 2.0 client credentials, tokens from the local issuer; README: The agency HTTP API):
${engine.api.issuer.clients.map((c) => `  ${c.agency.padEnd(22)} client_id ${c.clientId}  client_secret ${c.clientSecret}`).join('\n')}
  TOKEN=$(curl -s -u ${apiClient?.clientId}:${apiClient?.clientSecret} -d grant_type=client_credentials ${engine.endpoint.url}${TOKEN_PATH} | sed 's/.*"access_token":"\\([^"]*\\)".*/\\1/')
  curl -s -H "authorization: Bearer $TOKEN" -H 'content-type: application/json' ${engine.api.url}/lookups \\
    -d '{"requestId":"'$(uuidgen || cat /proc/sys/kernel/random/uuid)'","contract":"population.identity-verification","purpose":"LAND_REGISTRATION","subject":{"nationalId":"${demo.living.nationalId}"}}'

${b('any AWS SDK or the AWS CLI')}:
  export AWS_REGION=${engine.region} AWS_ACCESS_KEY_ID=test AWS_SECRET_ACCESS_KEY=test
  aws --endpoint-url ${engine.endpoint.url} sqs list-queues     # SDKs: export AWS_ENDPOINT_URL=${engine.endpoint.url}

ndx ready (Ctrl-C stops)`);

stopOnSignals(engine, { afterStop: async () => http?.system.close() });
