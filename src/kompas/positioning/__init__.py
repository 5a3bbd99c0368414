"""kompas.positioning."""
