// Purpose: keep what a Backstage import says of components beyond the catalog's own fields:
//          lifecycle, system (the application it belongs to, until a version joins it)
//          and the Backstage entity's annotations, as JSON text.
// Parameters: $rows (list of {name, lifecycle, system, annotations (JSON text)})
// Returns: written (rows written)
// :param {rows: [{name: 'payment', lifecycle: 'production', system: 'shop', annotations: '{}'}]}
UNWIND $rows AS row
MATCH (c:Component {name: row.name})
SET c.lifecycle = row.lifecycle, c.system = row.system, c.backstage_annotations = row.annotations
RETURN count(*) AS written
