// The other side of tests/access/differential.rs: answers IAM simulations with the
// @cloud-copilot/iam-simulate package that .ci/iam-simulate.sh installs into DIR (it is never
// vendored or linked into iamform; this process only loads it).
//
//   node tests/access/iam-simulate-driver.mjs DIR < cases.jsonl
//
// stdin: one JSON object per line, {"id": N, "simulation": {...}} (the package's Simulation type);
// stdout: one line per case, {"id": N, "result": "Allowed" | "ImplicitlyDenied" |
// "ExplicitlyDenied"} or {"id": N, "error": "..."}. The request context is given whole, so the
// package's engine is called as its runUnsafeSimulation does (no validation of actions, resource
// types and context keys), except that the resource policy gets a name (runUnsafeSimulation
// loads it without one, which the engine then fails on).
import path from 'node:path';
import readline from 'node:readline';
import { pathToFileURL } from 'node:url';

const dir = process.argv[2];
if (!dir) {
  console.error('usage: iam-simulate-driver.mjs DIR');
  process.exit(2);
}
const load = (p) => import(pathToFileURL(path.resolve(dir, 'node_modules/@cloud-copilot', p)).href);
const { loadPolicy } = await load('iam-policy/dist/esm/index.js');
const { authorize } = await load('iam-simulate/dist/esm/core_engine/CoreSimulatorEngine.js');
const { AwsRequestImpl } = await load('iam-simulate/dist/esm/request/request.js');
const { RequestContextImpl } = await load('iam-simulate/dist/esm/requestContext.js');
const { DiscoveryContextKeyConstraints } = await load(
  'iam-simulate/dist/esm/context_keys/discoveryContextKeyConstraints.js',
);

function simulate(s) {
  const named = (list) => (list || []).map((p) => loadPolicy(p.policy, { name: p.name }));
  const request = new AwsRequestImpl(
    s.request.principal,
    { resource: s.request.resource.resource, accountId: s.request.resource.accountId },
    s.request.action,
    new RequestContextImpl(s.request.contextVariables),
  );
  return authorize({
    request,
    sessionPolicy: undefined,
    identityPolicies: named(s.identityPolicies),
    serviceControlPolicies: [],
    resourceControlPolicies: [],
    resourcePolicy: s.resourcePolicy ? loadPolicy(s.resourcePolicy, { name: 'trust' }) : undefined,
    permissionBoundaries: s.permissionBoundaryPolicies ? named(s.permissionBoundaryPolicies) : undefined,
    vpcEndpointPolicies: undefined,
    simulationParameters: {
      simulationMode: 'Strict',
      discoveryContextKeyConstraints: new DiscoveryContextKeyConstraints([]),
    },
    serviceSettings: { s3: {} },
  }).result;
}
const rl = readline.createInterface({ input: process.stdin, crlfDelay: Infinity });
for await (const line of rl) {
  if (!line.trim()) continue;
  const { id, simulation } = JSON.parse(line);
  let answer;
  try {
    answer = { id, result: simulate(simulation) };
  } catch (e) {
    answer = { id, error: String((e && e.message) || e) };
  }
  process.stdout.write(JSON.stringify(answer) + '\n');
}
