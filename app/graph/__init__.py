"""The only code that talks to Neo4j: named Cypher files run through the official driver."""

from app.graph.db import Graph, Tx, connect

__all__ = ["Graph", "Tx", "connect"]
