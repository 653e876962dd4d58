// Purpose: keep on a claimed CDEvent what applying it did, and the service (subject id),
//          component and environment it was about, so a later service.removed without an
//          artifact finds the component its service.deployed named.
// Parameters: $source, $id, $effect (JSON text), $subject (string), $component, $environment
//             (strings or null), $by (token name or null)
// Returns: nothing
// :param {source: '/tekton/pipelines/shop', id: 'e-1', effect: '{}', subject: 'payments', component: 'payments-api', environment: 'prod', by: 'admin'}
MATCH (e:CDEvent {source: $source, id: $id})
SET e.effect = $effect, e.subject = $subject, e.component = $component,
    e.environment = $environment, e.received_by = $by
