"""kompas.analysis."""
