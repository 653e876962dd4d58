"""Backstage: the catalog as Backstage entities, and Backstage descriptor files in."""
