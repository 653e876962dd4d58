// Copies the front-end libraries installed by `npm ci` into the Python package's static
// folder (app/web/static/vendor/, not committed), where Flask serves them and the wheel
// picks them up. No CDN: the browser only ever loads files from Mercator itself.
import { copyFileSync, mkdirSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";

const here = dirname(fileURLToPath(import.meta.url));
const vendor = join(here, "..", "app", "web", "static", "vendor");
// The layered layout of the maps: dagre (its bundle carries graphlib and lodash, whose
// licences travel with it) and the Cytoscape extension that drives it.
const files = {
  "cytoscape/dist/cytoscape.min.js": "cytoscape.min.js",
  "cytoscape/LICENSE": "cytoscape.LICENSE",
  "dagre/dist/dagre.min.js": "dagre.min.js",
  "dagre/LICENSE": "dagre.LICENSE",
  "graphlib/LICENSE": "graphlib.LICENSE",
  "lodash/LICENSE": "lodash.LICENSE",
  "cytoscape-dagre/cytoscape-dagre.js": "cytoscape-dagre.js",
  "cytoscape-dagre/LICENSE": "cytoscape-dagre.LICENSE",
};

mkdirSync(vendor, { recursive: true });
for (const [from, to] of Object.entries(files)) {
  copyFileSync(join(here, "node_modules", from), join(vendor, to));
  console.log(`app/web/static/vendor/${to}`);
}
