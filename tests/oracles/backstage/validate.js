// Checks entities by Backstage's own rules: the entity policies the catalog backend applies
// (default namespace, field formats, no foreign root fields, the envelope schema) and the
// validator of the entity's kind, all from @backstage/catalog-model.
// Reads a JSON array of entities on stdin; writes a JSON array of {ok, error} in order.
const model = require('@backstage/catalog-model');

const policy = model.EntityPolicies.allOf([
  new model.DefaultNamespaceEntityPolicy(),
  new model.FieldFormatEntityPolicy(),
  new model.NoForeignRootFieldsEntityPolicy(),
  new model.SchemaValidEntityPolicy(),
]);
const validators = [
  model.apiEntityV1alpha1Validator,
  model.componentEntityV1alpha1Validator,
  model.domainEntityV1alpha1Validator,
  model.groupEntityV1alpha1Validator,
  model.locationEntityV1alpha1Validator,
  model.resourceEntityV1alpha1Validator,
  model.systemEntityV1alpha1Validator,
  model.userEntityV1alpha1Validator,
];

async function check(entity) {
  try {
    const enforced = await policy.enforce(entity);
    const accepted = await Promise.all(validators.map(v => v.check(enforced)));
    if (!accepted.some(Boolean)) {
      return { ok: false, error: `no validator knows kind ${entity.kind}` };
    }
    return { ok: true, error: null };
  } catch (error) {
    return { ok: false, error: String(error.message || error) };
  }
}

async function main() {
  const chunks = [];
  for await (const chunk of process.stdin) chunks.push(chunk);
  const entities = JSON.parse(Buffer.concat(chunks).toString('utf8'));
  const results = [];
  for (const entity of entities) results.push(await check(entity));
  process.stdout.write(JSON.stringify(results));
}

main().catch(error => {
  process.stderr.write(String(error.stack || error));
  process.exit(1);
});
