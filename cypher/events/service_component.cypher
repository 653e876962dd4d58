// Purpose: the component the latest applied service event of service $subject named in
//          environment $environment (a service.removed carries no artifact). No row when
//          none did.
// Parameters: $subject, $environment (strings)
// Returns: component
// :param {subject: 'payments', environment: 'prod'}
MATCH (e:CDEvent {subject: $subject, environment: $environment})
WHERE e.component IS NOT NULL
RETURN e.component AS component
ORDER BY e.received_at DESC
LIMIT 1
