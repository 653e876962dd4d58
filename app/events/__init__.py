"""CDEvents in: pipelines emit them, Mercator applies them to the catalog."""
