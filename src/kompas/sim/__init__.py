"""kompas.sim."""
